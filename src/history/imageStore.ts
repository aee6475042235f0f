import * as vscode from 'vscode';
import { entriesToPrune, entryFileName, entryJson, entryForImage, isHistoryEntry, type HistoryEntry } from '../core/history/historyEntries';
import { extensionForFormat } from '../core/images/imageFormats';
import type { OutputFormat } from '../core/models/capabilities';
import type { ImageRecipe, StoredImageOf } from '../core/generation/imageRecipe';
import { describeFileError, isFileNotFound } from '../platform/fileErrors';
import { HISTORY_INDEX_MAX_BYTES, HISTORY_INDEX_NAME, historyIndexBytes, mergeHistoryIndex, parseHistoryIndex } from '../core/history/historyIndex';

/** An image in the history: its bytes are a file in the extension's storage. */
export type StoredImage = StoredImageOf<vscode.Uri>;

const decoder = new TextDecoder();

/** How long the index waits after the last change before it is written: a burst of images, or a prune, is one write. */
const INDEX_WRITE_DELAY_MS = 500;
/** How long a prune waits after the last image added: a batch's images are one prune, not one each. */
const PRUNE_DELAY_MS = 250;
/** The longest a write of the index or a prune waits while images keep coming (a long batch delivery). */
const MAX_DELAY_MS = 5000;
/** An index's temporary file older than this is a leftover of a window that ended while writing it. */
const STALE_TEMP_MS = 60_000;
/** The temporary files the index is written to before it is renamed into place. */
const INDEX_TEMP = /^index\.json\.[0-9a-z-]+\.tmp$/;

async function ignoreMissing(operation: Thenable<void>): Promise<void> {
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
class QuietTimer {
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

/** Where the store reports what it cannot do: the Illustrate log channel. */
export type StoreLog = Pick<vscode.LogOutputChannel, 'info' | 'warn' | 'error'>;

/**
 * Every image received, kept in the extension's global storage the moment it arrives,
 * so nothing paid for is lost when a panel closes, a window reloads or an insert fails.
 * Old entries are pruned by a size cap, never images of the current window session nor
 * the originals a Replace kept for Restore.
 */
export class ImageStore implements vscode.Disposable {
	readonly folder: vscode.Uri;
	/** Copies of workspace images being edited, so the panel only ever shows extension storage. */
	readonly sourceFolder: vscode.Uri;
	private known: Promise<Map<string, StoredImage>> | undefined;
	private readonly sessionIds = new Set<string>();
	/** Folders created in this session: each is made once, not before every image. */
	private readonly folders = new Map<string, Promise<void>>();
	private readonly changed = new vscode.EventEmitter<void>();
	readonly onDidChange = this.changed.event;
	private readonly deleted = new vscode.EventEmitter<StoredImage>();
	/** An image left the history (deleted or pruned): what is kept for it elsewhere goes too. */
	readonly onDidDeleteImage = this.deleted.event;
	/** The index file (see src/core/history/historyIndex.ts), and the temporary file this window writes it to first. */
	private readonly indexFile: vscode.Uri;
	private readonly indexTemp: vscode.Uri;
	/** The entries changed since the index was last written. */
	private indexDirty = false;
	private readonly indexTimer = new QuietTimer(INDEX_WRITE_DELAY_MS, MAX_DELAY_MS, () => void this.flushIndex());
	/** The index write under way (one at a time). */
	private indexWrite: Promise<void> = Promise.resolve();
	private readonly pruneTimer = new QuietTimer(PRUNE_DELAY_MS, MAX_DELAY_MS, () => void this.prune().catch(error => this.log?.error(`Pruning the image history failed: ${error}`)));
	/** The prune under way (one at a time). */
	private pruning: Promise<number> = Promise.resolve(0);
	private disposed = false;

	constructor(storageRoot: vscode.Uri, private readonly maxBytes: () => number, private readonly log?: StoreLog) {
		this.folder = vscode.Uri.joinPath(storageRoot, 'images');
		this.sourceFolder = vscode.Uri.joinPath(storageRoot, 'sources');
		this.indexFile = vscode.Uri.joinPath(this.folder, HISTORY_INDEX_NAME);
		this.indexTemp = vscode.Uri.joinPath(this.folder, `${HISTORY_INDEX_NAME}.${globalThis.crypto.randomUUID().slice(0, 8)}.tmp`);
	}

	/**
	 * Stops the timers. An index write still to come is not made: the files of the images it
	 * lacks are in the folder, and the next window reads them and writes the index.
	 */
	dispose(): void {
		this.disposed = true;
		this.pruneTimer.cancel();
		this.indexTimer.cancel();
		this.changed.dispose();
		this.deleted.dispose();
	}

	/** Writes the bytes exactly as received, with the recipe in a JSON file beside them. */
	async save(bytes: Uint8Array, recipe: ImageRecipe, fallbackFormat: OutputFormat): Promise<StoredImage> {
		const entry = entryForImage(bytes, recipe, fallbackFormat);
		await this.write(this.folder, vscode.Uri.joinPath(this.folder, entry.file), bytes);
		await this.write(this.folder, vscode.Uri.joinPath(this.folder, entryFileName(entry)), entryJson(entry));
		return this.adopt(entry);
	}

	/**
	 * Takes into the history an image whose files are written already (by `save`, or by the
	 * image worker, which writes them into `folder` off the extension host's main thread).
	 * Cheap for every image of a batch: the index is written and the history pruned once
	 * for a burst of images, a moment after the last one, not once each.
	 */
	adopt(entry: HistoryEntry): StoredImage {
		const image = this.imageOf(entry);
		this.sessionIds.add(image.id);
		// Not awaited: the first image of a session must not wait for the history to be read.
		// A read that started before these files were written adds the entry when it ends.
		void this.entries().then(entries => {
			entries.set(image.id, image);
			this.indexChanged();
		});
		this.changed.fire();
		this.pruneSoon();
		return image;
	}

	private imageOf(entry: HistoryEntry): StoredImage {
		const { file, ...metadata } = entry;
		return { ...metadata, uri: vscode.Uri.joinPath(this.folder, file) };
	}

	private entryOf(image: StoredImage): HistoryEntry {
		const { uri, ...metadata } = image;
		return { ...metadata, file: uri.path.slice(uri.path.lastIndexOf('/') + 1) };
	}

	/** Keeps a copy of a workspace image an edit uses, for the panel to show. */
	async importSource(bytes: Uint8Array, format: OutputFormat): Promise<vscode.Uri> {
		const uri = vscode.Uri.joinPath(this.sourceFolder, `${Date.now().toString(36)}-${globalThis.crypto.randomUUID().slice(0, 8)}.${extensionForFormat(format)}`);
		await this.write(this.sourceFolder, uri, bytes);
		return uri;
	}

	/** Writes a file into one of the store's folders (or a folder in them), creating the folder once (again, if it was deleted). */
	async write(folder: vscode.Uri, uri: vscode.Uri, bytes: Uint8Array): Promise<void> {
		let created = this.folders.get(folder.path);
		if (!created) {
			created = Promise.resolve(vscode.workspace.fs.createDirectory(folder));
			this.folders.set(folder.path, created);
			created.catch(() => this.folders.delete(folder.path));
		}
		await created;
		try {
			await vscode.workspace.fs.writeFile(uri, bytes);
		} catch (error) {
			if (!isFileNotFound(error)) {
				throw error;
			}
			await vscode.workspace.fs.createDirectory(folder);
			await vscode.workspace.fs.writeFile(uri, bytes);
		}
	}

	/** Deletes a file in one of the store's folders; one that is not there is no error. */
	async deleteFile(uri: vscode.Uri): Promise<void> {
		await ignoreMissing(vscode.workspace.fs.delete(uri));
	}

	private entries(): Promise<Map<string, StoredImage>> {
		this.known ??= this.load();
		return this.known;
	}

	/**
	 * Reads the history: the index and the folder's listing at once, then only the JSON files
	 * of the images the index does not have (see `mergeHistoryIndex`). When the index was
	 * missing, ignored or out of date, it is written again.
	 */
	private async load(): Promise<Map<string, StoredImage>> {
		const images = new Map<string, StoredImage>();
		const indexRead = this.readIndex();
		let entries: [string, vscode.FileType][];
		try {
			entries = await vscode.workspace.fs.readDirectory(this.folder);
		} catch (error) {
			// Not made yet is an empty history; anything else hides every earlier image, and says why.
			if (!isFileNotFound(error)) {
				this.log?.error(`Could not read the image history in ${this.folder.fsPath} (${describeFileError(error)}: ${error instanceof Error ? error.message : String(error)}). It lists only the images this window makes until it can be read.`);
			}
			return images;
		}
		const listing = entries.map(([name]) => name);
		const names = new Set(listing);
		const index = await indexRead;
		const merged = mergeHistoryIndex(index?.entries, listing);
		for (const entry of merged.trusted) {
			images.set(entry.id, this.imageOf(entry));
		}
		let added = 0;
		await Promise.all(merged.toRead.map(async name => {
			try {
				const metadata: unknown = JSON.parse(decoder.decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(this.folder, name))));
				if (isHistoryEntry(metadata) && names.has(metadata.file)) {
					// The fields the store relies on are checked; the rest of the recipe is kept as written.
					images.set(metadata.id, this.imageOf(metadata as HistoryEntry));
					added++;
				}
			} catch (error) {
				this.log?.warn(`Skipped unreadable history entry ${name}: ${error}`);
			}
		}));
		if (!index || index.dropped || merged.gone > 0 || added > 0) {
			this.indexChanged();
		}
		void this.removeStaleTemps(listing);
		return images;
	}

	/** The index's entries; undefined when there is none, or it is no index Illustrate wrote (then it is rebuilt). */
	private async readIndex(): Promise<ReturnType<typeof parseHistoryIndex>> {
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
					await this.deleteFile(uri);
				}
			} catch {
				// Renamed or deleted meanwhile by the window that wrote it.
			}
		}
	}

	/** The entries changed: the index is written a moment later, once for a burst of changes. */
	private indexChanged(): void {
		this.indexDirty = true;
		if (!this.disposed) {
			this.indexTimer.touch();
		}
	}

	/** Writes the index now when the entries changed since it was last written; settles once it is written (or failed, which goes to the log). */
	flushIndex(): Promise<void> {
		this.indexTimer.cancel();
		this.indexWrite = this.indexWrite.then(() => this.writeIndex());
		return this.indexWrite;
	}

	/**
	 * Writes the index atomically: a temporary file, renamed over the index, so a reader never
	 * sees half of one. Two windows share the folder and each writes the entries it knows: one
	 * may write over entries the other just added. None is lost: the next read finds their
	 * JSON files in the listing, reads them and writes the index again.
	 */
	private async writeIndex(): Promise<void> {
		if (!this.known) {
			return;
		}
		// After the read under way: what it finds, and the images added meanwhile, are in the index.
		const images = await this.known;
		if (!this.indexDirty) {
			return;
		}
		this.indexDirty = false;
		try {
			// No folder is created for the index: without the folder there is no history to index.
			await vscode.workspace.fs.writeFile(this.indexTemp, historyIndexBytes([...images.values()].map(image => this.entryOf(image))));
			await vscode.workspace.fs.rename(this.indexTemp, this.indexFile, { overwrite: true });
		} catch (error) {
			this.log?.warn(`Could not write the history's index (${error}); the next window reads the images' own files instead.`);
			await ignoreMissing(vscode.workspace.fs.delete(this.indexTemp)).catch(() => undefined);
		}
	}

	/** Every stored image, newest first. */
	async list(): Promise<StoredImage[]> {
		// ISO times: compared as plain strings (localeCompare is many times slower, for the same order).
		return [...(await this.entries()).values()].sort((a, b) => a.createdAt < b.createdAt ? 1 : a.createdAt > b.createdAt ? -1 : 0);
	}

	async get(id: string): Promise<StoredImage | undefined> {
		return (await this.entries()).get(id);
	}

	async read(image: StoredImage): Promise<Uint8Array> {
		return vscode.workspace.fs.readFile(image.uri);
	}

	/** The file of an image's bytes, for a copy that never reads them onto the extension host's main thread. */
	fileOf(image: StoredImage): vscode.Uri {
		return image.uri;
	}

	async delete(id: string): Promise<void> {
		const entries = await this.entries();
		const image = entries.get(id);
		if (!image) {
			return;
		}
		entries.delete(id);
		this.indexChanged();
		await ignoreMissing(vscode.workspace.fs.delete(image.uri));
		await ignoreMissing(vscode.workspace.fs.delete(vscode.Uri.joinPath(this.folder, `${id}.json`)));
		this.deleted.fire(image);
		this.changed.fire();
	}

	/** A prune a moment from now: the images of a burst (a batch) are one prune, not one each. */
	private pruneSoon(): void {
		if (!this.disposed) {
			this.pruneTimer.touch();
		}
	}

	/**
	 * Deletes the oldest images until the history fits the size cap; keeps this session's
	 * images. A file's bytes a Replace overwrote are the only copy Restore has: they are not
	 * counted and never pruned, only deleted by the user. One prune at a time.
	 */
	prune(): Promise<number> {
		// This prune does what one asked for a moment from now would.
		this.pruneTimer.cancel();
		const next = this.pruning.catch(() => 0).then(() => this.pruneOnce());
		this.pruning = next;
		return next;
	}

	private async pruneOnce(): Promise<number> {
		const limit = this.maxBytes();
		const pruned = entriesToPrune(await this.list(), limit, id => this.sessionIds.has(id));
		for (const id of pruned) {
			await this.delete(id);
		}
		const removed = pruned.length;
		if (removed > 0) {
			this.log?.info(`Pruned ${removed} old image(s) from the history to stay under ${Math.round(limit / 1024 / 1024)} MB (illustrate.history.maxSizeMB).`);
		}
		return removed;
	}
}
