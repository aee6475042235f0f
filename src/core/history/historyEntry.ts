import type { ImageRecipe, StoredImageOf } from '../generation/imageRecipe';
import { readImageInfo } from '../images/imageInfo';
import type { OutputFormat } from '../models/capabilities';
import { extensionForFormat } from '../naming/fileNames';

/**
 * An image of the history as its JSON file has it: the recipe, what the bytes are, and the
 * name of the image file beside it (in the same folder). The extension's history store
 * (src/history/imageStore.ts) and the image worker (src/providers/imageWorker.ts) write the
 * same entries, so both read the same history.
 */
export type HistoryEntry = Omit<StoredImageOf<never>, 'uri'> & { readonly file: string };

/** The entry for an image's bytes: its id and file name from `now` and `uuid`, its format and size from its header. */
export function historyEntry(bytes: Uint8Array, recipe: ImageRecipe, fallbackFormat: OutputFormat, now: Date = new Date(), uuid: string = globalThis.crypto.randomUUID()): HistoryEntry {
	const info = readImageInfo(bytes);
	const format = info?.format ?? fallbackFormat;
	const createdAt = now.toISOString();
	const id = `${createdAt.replace(/[:.]/g, '-')}-${uuid.slice(0, 8)}`;
	return { ...recipe, id, format, width: info?.width, height: info?.height, bytes: bytes.length, createdAt, file: `${id}.${extensionForFormat(format)}` };
}

/** The file name of an entry's JSON. */
export function entryFileName(entry: HistoryEntry): string {
	return `${entry.id}.json`;
}

/** The bytes of an entry's JSON file. */
export function entryJson(entry: HistoryEntry): Uint8Array {
	return new TextEncoder().encode(JSON.stringify(entry, null, '\t'));
}
