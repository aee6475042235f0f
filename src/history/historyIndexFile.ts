import * as vscode from 'vscode';
import { isHistoryEntry, type HistoryEntry } from '../core/history/historyEntries';
import { HISTORY_INDEX_MAX_BYTES, HISTORY_INDEX_NAME, historyIndexBytes, mergeHistoryIndex, parseHistoryIndex } from '../core/history/historyIndex';
import { describeFileError, isFileNotFound } from '../platform/fileErrors';

const decoder = new TextDecoder();

/** How long the index waits after the last change before it is written: a burst of images, or a prune, is one write. */
const INDEX_WRITE_DELAY_MS = 500;
/** The longest a write of the index or a prune waits while images keep coming (a long batch delivery). */
export const MAX_QUIET_DELAY_MS = 5000;
/** An index's temporary file older than this is a leftover of a window that ended while writing it. */
const STALE_TEMP_MS = 60_000;
/** The temporary files the index is written to before it is renamed into place. */
const INDEX_TEMP = /^index\.json\.[0-9a-z-]+\.tmp$/;

/** Where the history reports what it cannot do: the Illustrate log channel. */
export type StoreLog = Pick<vscode.LogOutputChannel, 'info' | 'warn' | 'error'>;

/** Runs the operation; a file that is not there is no error. */
export async function ignoreMissing(operation: Thenable<void>): Promise<void> {
	try {
		await operation;
	} catch (error) {
		if (!isFileNotFound(error)) {
			throw error;
		}
	}
}

/**
 * Runs its action once things went quiet: `delay` after the last `touch`, but no later than
 * `maxDelay` after the first one since it last ran.
 */
export class QuietTimer {
	private timer: ReturnType<typeof setTimeout> | undefined;
	private firstTouch = 0;

	constructor(private readonly delay: number, private readonly maxDelay: number, private readonly action: () => void) {}

	touch(): void {
		const now = Date.now();
		if (this.timer === undefined) {
			this.firstTouch = now;
		} else {
			clearTimeout(this.timer);
		}
		this.timer = setTimeout(() => {
			this.timer = undefined;
			this.action();
		}, Math.max(0, Math.min(this.delay, this.firstTouch + this.maxDelay - now)));
	}

	cancel(): void {
		clearTimeout(this.timer);
		this.timer = undefined;
	}
}

/**
 * The history folder as files: its listing, its `index.json` (see
 * src/core/history/historyIndex.ts) and the `<id>.json` files the index lacks, merged into the
 * entries a window lists; and the index written again, a moment after the entries last
 * changed (once for a burst of images or a prune), atomically through a temporary file of this
 * window's own.
 */
export class HistoryIndexFile<T> {
	private readonly indexFile: vscode.Uri;
	private readonly indexTemp: vscode.Uri;
	/** The entries changed since the index was last written. */
	private dirty = false;
	private readonly timer = new QuietTimer(INDEX_WRITE_DELAY_MS, MAX_QUIET_DELAY_MS, () => void this.flush());
	/** The index write under way (one at a time). */
	private writing: Promise<void> = Promise.resolve();
	private disposed = false;

	/**
	 * @param folder the history's folder (`images`)
	 * @param known the history as the store keeps it: undefined while it was never read (then nothing is written)
	 * @param entryOf the entry of an image the store keeps
	 */
	constructor(
		private readonly folder: vscode.Uri,
		private readonly known: () => Promise<ReadonlyMap<string, T>> | undefined,
		private readonly entryOf: (image: T) => HistoryEntry,
		private readonly log?: StoreLog,
	) {
		this.indexFile = vscode.Uri.joinPath(folder, HISTORY_INDEX_NAME);
		this.indexTemp = vscode.Uri.joinPath(folder, `${HISTORY_INDEX_NAME}.${globalThis.crypto.randomUUID().slice(0, 8)}.tmp`);
	}

	/** Stops the timer: a write still to come is not made (the next window reads the JSON files the index lacks, and writes it). */
	dispose(): void {
		this.disposed = true;
		this.timer.cancel();
	}

	/**
	 * Reads the history: the index and the folder's listing at once, then only the JSON files
	 * of the images the index does not have (see `mergeHistoryIndex`). When the index was
	 * missing, ignored or out of date, it is written again.
	 */
	async load(): Promise<HistoryEntry[]> {
		const indexRead = this.read();
		let listed: [string, vscode.FileType][];
		try {
			listed = await vscode.workspace.fs.readDirectory(this.folder);
		} catch (error) {
			// Not made yet is an empty history; anything else hides every earlier image, and says why.
			if (!isFileNotFound(error)) {
				this.log?.error(`Could not read the image history in ${this.folder.fsPath} (${describeFileError(error)}: ${error instanceof Error ? error.message : String(error)}). It lists only the images this window makes until it can be read.`);
			}
			return [];
		}
		const listing = listed.map(([name]) => name);
		const names = new Set(listing);
		const index = await indexRead;
		const merged = mergeHistoryIndex(index?.entries, listing);
		const entries = [...merged.trusted];
		let added = 0;
		await Promise.all(merged.toRead.map(async name => {
			try {
				const metadata: unknown = JSON.parse(decoder.decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(this.folder, name))));
				if (isHistoryEntry(metadata) && names.has(metadata.file)) {
					// The fields the store relies on are checked; the rest of the recipe is kept as written.
					entries.push(metadata as HistoryEntry);
					added++;
				}
			} catch (error) {
				this.log?.warn(`Skipped unreadable history entry ${name}: ${error}`);
			}
		}));
		if (!index || index.dropped || merged.gone > 0 || added > 0) {
			this.changed();
		}
		void this.removeStaleTemps(listing);
		return entries;
	}

	/** The index's entries; undefined when there is none, or it is no index Illustrate wrote (then it is rebuilt). */
	private async read(): Promise<ReturnType<typeof parseHistoryIndex>> {
		try {
			const { size } = await vscode.workspace.fs.stat(this.indexFile);
			if (size > HISTORY_INDEX_MAX_BYTES) {
				this.log?.warn(`Ignored the history's index ${this.indexFile.fsPath}: ${size} bytes is no index Illustrate wrote. It is written again from the images' own files.`);
				return undefined;
			}
			const index = parseHistoryIndex(await vscode.workspace.fs.readFile(this.indexFile));
			if (!index) {
				this.log?.warn(`Ignored the history's index ${this.indexFile.fsPath}: it is not an index Illustrate wrote (damaged or of another version). It is written again from the images' own files.`);
			}
			return index;
		} catch (error) {
			if (!isFileNotFound(error)) {
				this.log?.warn(`Could not read the history's index (${error}); the images' own files are read instead.`);
			}
			return undefined;
		}
	}

	/** Deletes the index's temporary files that windows ended before renaming (older than a minute: another window may be writing one now). */
	private async removeStaleTemps(listing: readonly string[]): Promise<void> {
		const own = this.indexTemp.path.slice(this.indexTemp.path.lastIndexOf('/') + 1);
		for (const name of listing.filter(name => INDEX_TEMP.test(name) && name !== own)) {
			const uri = vscode.Uri.joinPath(this.folder, name);
			try {
				if (Date.now() - (await vscode.workspace.fs.stat(uri)).mtime > STALE_TEMP_MS) {
					await ignoreMissing(vscode.workspace.fs.delete(uri));
				}
			} catch {
				// Renamed or deleted meanwhile by the window that wrote it.
			}
		}
	}

	/** The entries changed: the index is written a moment later, once for a burst of changes. */
	changed(): void {
		this.dirty = true;
		if (!this.disposed) {
			this.timer.touch();
		}
	}

	/** Writes the index now when the entries changed since it was last written; settles once it is written (or failed, which goes to the log). */
	flush(): Promise<void> {
		this.timer.cancel();
		this.writing = this.writing.then(() => this.write());
		return this.writing;
	}

	/**
	 * Writes the index atomically: a temporary file, renamed over the index, so a reader never
	 * sees half of one. Two windows share the folder and each writes the entries it knows: one
	 * may write over entries the other just added. None is lost: the next read finds their
	 * JSON files in the listing, reads them and writes the index again.
	 */
	private async write(): Promise<void> {
		const known = this.known();
		if (!known) {
			return;
		}
		// After the read under way: what it finds, and the images added meanwhile, are in the index.
		const images = await known;
		if (!this.dirty) {
			return;
		}
		this.dirty = false;
		try {
			// No folder is created for the index: without the folder there is no history to index.
			await vscode.workspace.fs.writeFile(this.indexTemp, historyIndexBytes([...images.values()].map(image => this.entryOf(image))));
			await vscode.workspace.fs.rename(this.indexTemp, this.indexFile, { overwrite: true });
		} catch (error) {
			this.log?.warn(`Could not write the history's index (${error}); the next window reads the images' own files instead.`);
			await ignoreMissing(vscode.workspace.fs.delete(this.indexTemp)).catch(() => undefined);
		}
	}
}
