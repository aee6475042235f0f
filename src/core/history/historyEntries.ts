import type { ImageRecipe, StoredImageOf } from '../generation/imageRecipe';
import { readImageInfo } from '../images/imageInfo';
import { extensionForFormat } from '../images/imageFormats';
import { OUTPUT_FORMATS, type OutputFormat } from '../models/capabilities';

/** What the image history keeps beside each image, in `<id>.json`. */
export interface HistoryEntryMetadata {
	readonly id: string;
	/** The image file's name in the same folder. */
	readonly file: string;
	readonly prompt: string;
	readonly model: string;
	readonly format: OutputFormat;
	readonly bytes: number;
	readonly createdAt: string;
}

/**
 * Whether a parsed `<id>.json` is an entry the history can list: the fields it relies on with
 * their types, a known format, and a file name that stays in the history's folder.
 */
export function isHistoryEntry(value: unknown): value is HistoryEntryMetadata {
	const record = value as Partial<HistoryEntryMetadata> | null;
	return typeof record === 'object' && record !== null
		&& typeof record.id === 'string' && typeof record.file === 'string' && !record.file.includes('/')
		&& typeof record.prompt === 'string' && typeof record.model === 'string'
		&& typeof record.createdAt === 'string' && typeof record.bytes === 'number'
		&& OUTPUT_FORMATS.includes(record.format as OutputFormat);
}

/** An entry's id: its creation time, safe in a file name, and a random tail. */
export function historyEntryId(createdAt: string, random: string): string {
	return `${createdAt.replace(/[:.]/g, '-')}-${random.slice(0, 8)}`;
}

/** What pruning needs to know of an entry. */
export interface PrunableEntry {
	readonly id: string;
	readonly bytes: number;
	readonly operation?: string;
}

/**
 * The ids to delete, oldest first, for the history to fit `limitBytes`. `newestFirst` is the whole
 * history. This window's images are kept even past the cap. A file's bytes a Replace overwrote
 * (`operation: 'replaced'`) are the only copy Restore has: never counted, never pruned.
 */
export function entriesToPrune(newestFirst: readonly PrunableEntry[], limitBytes: number, isThisSession: (id: string) => boolean): string[] {
	const counted = newestFirst.filter(entry => entry.operation !== 'replaced');
	let total = counted.reduce((sum, entry) => sum + entry.bytes, 0);
	const pruned: string[] = [];
	for (const entry of [...counted].reverse()) {
		if (total <= limitBytes) {
			break;
		}
		if (isThisSession(entry.id)) {
			continue;
		}
		pruned.push(entry.id);
		total -= entry.bytes;
	}
	return pruned;
}

/**
 * An image of the history as its JSON file has it: the recipe, what the bytes are, and the
 * name of the image file beside it (in the same folder). The extension's history store
 * (src/history/imageStore.ts) and the image worker (src/providers/imageWorker.ts) write the
 * same entries, so both read the same history.
 */
export type HistoryEntry = Omit<StoredImageOf<never>, 'uri'> & { readonly file: string };

/** The entry for an image's bytes: its id and file name from `now` and `uuid`, its format and size from its header. */
export function entryForImage(bytes: Uint8Array, recipe: ImageRecipe, fallbackFormat: OutputFormat, now: Date = new Date(), uuid: string = globalThis.crypto.randomUUID()): HistoryEntry {
	const info = readImageInfo(bytes);
	const format = info?.format ?? fallbackFormat;
	const createdAt = now.toISOString();
	const id = historyEntryId(createdAt, uuid);
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
