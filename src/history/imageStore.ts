import * as vscode from 'vscode';
import { entriesToPrune, entryFileName, entryJson, entryForImage, type HistoryEntry } from '../core/history/historyEntries';
import { extensionForFormat } from '../core/images/imageFormats';
import type { OutputFormat } from '../core/models/capabilities';
import type { ImageRecipe, StoredImageOf } from '../core/generation/imageRecipe';
import { isFileNotFound } from '../platform/fileErrors';
import { HistoryIndexFile, ignoreMissing, MAX_QUIET_DELAY_MS, QuietTimer, type StoreLog } from './historyIndexFile';

/** An image in the history: its bytes are a file in the extension's storage. */
export type StoredImage = StoredImageOf<vscode.Uri>;

export type { StoreLog } from './historyIndexFile';

/** How long a prune waits after the last image added: a batch's images are one prune, not one each. */
const PRUNE_DELAY_MS = 250;

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
	/** The folder's files and its index (see src/history/historyIndexFile.ts). */
	private readonly index: HistoryIndexFile<StoredImage>;
	private readonly pruneTimer = new QuietTimer(PRUNE_DELAY_MS, MAX_QUIET_DELAY_MS, () => void this.prune().catch(error => this.log?.error(`Pruning the image history failed: ${error}`)));
	/** The prune under way (one at a time). */
	private pruning: Promise<number> = Promise.resolve(0);
	private disposed = false;

	constructor(storageRoot: vscode.Uri, private readonly maxBytes: () => number, private readonly log?: StoreLog) {
		this.folder = vscode.Uri.joinPath(storageRoot, 'images');
		this.sourceFolder = vscode.Uri.joinPath(storageRoot, 'sources');
		this.index = new HistoryIndexFile(this.folder, () => this.known, image => this.entryOf(image), log);
	}

	/**
	 * Stops the timers. An index write still to come is not made: the files of the images it
	 * lacks are in the folder, and the next window reads them and writes the index.
	 */
	dispose(): void {
		this.disposed = true;
		this.pruneTimer.cancel();
		this.index.dispose();
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
			this.index.changed();
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

	/** Reads the history once: its index, and the JSON files of the images the index lacks (see `HistoryIndexFile.load`). */
	private async load(): Promise<Map<string, StoredImage>> {
		return new Map((await this.index.load()).map(entry => [entry.id, this.imageOf(entry)]));
	}

	/** Writes the index now when the entries changed since it was last written; settles once it is written (or failed, which goes to the log). */
	flushIndex(): Promise<void> {
		return this.index.flush();
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
		await this.deleteAll([id]);
	}

	/**
	 * Deletes these images (ids not in the history are skipped), one after another, each
	 * reported by `onDidDeleteImage`; `onDidChange` fires once for all of them, so a view over
	 * the history refreshes once per prune, not once per image. Settles with how many went;
	 * a file that cannot be deleted stops there and rejects (the change still fires).
	 */
	async deleteAll(ids: readonly string[]): Promise<number> {
		const entries = await this.entries();
		let removed = 0;
		try {
			for (const id of ids) {
				const image = entries.get(id);
				if (!image) {
					continue;
				}
				entries.delete(id);
				removed++;
				this.index.changed();
				await ignoreMissing(vscode.workspace.fs.delete(image.uri));
				await ignoreMissing(vscode.workspace.fs.delete(vscode.Uri.joinPath(this.folder, `${id}.json`)));
				this.deleted.fire(image);
			}
		} finally {
			if (removed > 0) {
				this.changed.fire();
			}
		}
		return removed;
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
		const removed = await this.deleteAll(entriesToPrune(await this.list(), limit, id => this.sessionIds.has(id)));
		if (removed > 0) {
			this.log?.info(`Pruned ${removed} old image(s) from the history to stay under ${Math.round(limit / 1024 / 1024)} MB (illustrate.history.maxSizeMB).`);
		}
		return removed;
	}
}
