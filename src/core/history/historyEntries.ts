import type { OutputFormat } from '../models/capabilities';

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
		&& (record.format === 'png' || record.format === 'jpeg' || record.format === 'webp');
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
