import { isHistoryEntry, type HistoryEntry } from './historyEntries';

/**
 * The history's index: one file (`images/index.json`) with every entry, so a window opens
 * the history with two reads (the index and the folder's listing) instead of one read per
 * image. It is never the only record: each image's `<id>.json` beside it stays the source of
 * truth, and the index is only trusted for an entry whose files are both in the listing.
 * Entries are written once and never changed, so an index entry for files that are still
 * there is the same as the JSON file would say.
 */
export const HISTORY_INDEX_NAME = 'index.json';

/** The index's format; another version is ignored (read from the JSON files, then rewritten). */
export const HISTORY_INDEX_VERSION = 1;

/**
 * The largest index read. An entry is about 0.5–1 KB (the prompt is most of it, at most
 * 32,000 characters); a history of tens of thousands of images stays far below. A larger
 * file is no index Illustrate wrote: it is ignored, never read into memory.
 */
export const HISTORY_INDEX_MAX_BYTES = 32 * 1024 * 1024;

/** The entries of an index file as read: those of the right shape, and whether any were not. */
export interface ParsedHistoryIndex {
	readonly entries: readonly HistoryEntry[];
	/** Some entries were dropped (a wrong shape, a second entry of an id): the index is rewritten. */
	readonly dropped: boolean;
}

/**
 * The entries of an index file; undefined for a file that is no index (too large, not JSON,
 * another version, not the shape Illustrate writes). Entries of a wrong shape are dropped one
 * by one, with the same checks as a `<id>.json` file (`isHistoryEntry`).
 */
export function parseHistoryIndex(bytes: Uint8Array): ParsedHistoryIndex | undefined {
	if (bytes.length > HISTORY_INDEX_MAX_BYTES) {
		return undefined;
	}
	let parsed: unknown;
	try {
		parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes));
	} catch {
		return undefined;
	}
	const record = parsed as { version?: unknown; entries?: unknown } | null;
	if (typeof record !== 'object' || record === null || Array.isArray(record) || record.version !== HISTORY_INDEX_VERSION || !Array.isArray(record.entries)) {
		return undefined;
	}
	const ids = new Set<string>();
	const entries: HistoryEntry[] = [];
	for (const entry of record.entries as unknown[]) {
		if (isHistoryEntry(entry) && !ids.has(entry.id)) {
			ids.add(entry.id);
			entries.push(entry as HistoryEntry);
		}
	}
	return { entries, dropped: entries.length !== record.entries.length };
}

/** The bytes of an index file with these entries. */
export function historyIndexBytes(entries: Iterable<HistoryEntry>): Uint8Array {
	return new TextEncoder().encode(JSON.stringify({ version: HISTORY_INDEX_VERSION, entries: [...entries] }));
}

/** What the history reads, given its index and the listing of its folder. */
export interface HistoryIndexMerge {
	/** The index's entries whose image file and JSON file are both in the listing: listed without reading anything. */
	readonly trusted: readonly HistoryEntry[];
	/** The JSON files to read: entries the index does not have (the image worker's, another window's, an older version's). */
	readonly toRead: readonly string[];
	/** Index entries whose files are gone (deleted or pruned, perhaps by another window): left out. */
	readonly gone: number;
}

/**
 * Which index entries to trust and which JSON files to read. An index entry is trusted only
 * when `<id>.json` and its image file are in the folder's listing; every other JSON file in
 * the listing (except the index itself) is read, as it was before there was an index.
 *
 * @param indexed the index's entries; undefined when there is no index, or it was ignored
 * @param listing the names of the files in the history's folder
 */
export function mergeHistoryIndex(indexed: readonly HistoryEntry[] | undefined, listing: readonly string[]): HistoryIndexMerge {
	const names = new Set(listing);
	const trusted: HistoryEntry[] = [];
	const trustedIds = new Set<string>();
	let gone = 0;
	for (const entry of indexed ?? []) {
		if (trustedIds.has(entry.id)) {
			continue;
		}
		if (names.has(`${entry.id}.json`) && names.has(entry.file)) {
			trusted.push(entry);
			trustedIds.add(entry.id);
		} else {
			gone++;
		}
	}
	const toRead = listing.filter(name => name.endsWith('.json') && name !== HISTORY_INDEX_NAME && !trustedIds.has(name.slice(0, -'.json'.length)));
	return { trusted, toRead, gone };
}
