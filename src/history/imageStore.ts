import * as vscode from 'vscode';
import { entriesToPrune, entryFileName, entryJson, entryForImage, isHistoryEntry, type HistoryEntry } from '../core/history/historyEntries';
import { extensionForFormat } from '../core/images/imageFormats';
import type { OutputFormat } from '../core/models/capabilities';
import type { ImageRecipe, StoredImageOf } from '../core/generation/imageRecipe';
import { describeFileError, isFileNotFound } from '../platform/fileErrors';

/** An image in the history: its bytes are a file in the extension's storage. */
export type StoredImage = StoredImageOf<vscode.Uri>;

type StoredMetadata = Omit<StoredImage, 'uri'> & { readonly file: string };

const decoder = new TextDecoder();

async function ignoreMissing(operation: Thenable<void>): Promise<void> {
	try {
		await operation;
	} catch (error) {
		if (!isFileNotFound(error)) {
			throw error;
		}
	}
}

/** How long an adopted image waits for its prune, so that a batch's images share one. */
const PRUNE_DELAY_MS = 1000;

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
	private index: Promise<Map<string, StoredImage>> | undefined;
	private readonly sessionIds = new Set<string>();
	/** Folders created in this session: each is made once, not before every image. */
	private readonly folders = new Map<string, Promise<void>>();
	private readonly changed = new vscode.EventEmitter<void>();
	readonly onDidChange = this.changed.event;
	private readonly deleted = new vscode.EventEmitter<StoredImage>();
	/** An image left the history (deleted or pruned): what is kept for it elsewhere goes too. */
	readonly onDidDeleteImage = this.deleted.event;

	constructor(storageRoot: vscode.Uri, private readonly maxBytes: () => number, private readonly log?: StoreLog) {
		this.folder = vscode.Uri.joinPath(storageRoot, 'images');
		this.sourceFolder = vscode.Uri.joinPath(storageRoot, 'sources');
	}

	dispose(): void {
		clearTimeout(this.pruneTimer);
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
	 */
	adopt(entry: HistoryEntry): StoredImage {
		const { file, ...metadata } = entry;
		const image: StoredImage = { ...metadata, uri: vscode.Uri.joinPath(this.folder, file) };
		this.sessionIds.add(image.id);
		// Not awaited: the first image of a session must not wait for the history to be read.
		// A read that started before these files were written adds the entry when it ends.
		void this.entries().then(entries => entries.set(image.id, image));
		this.changed.fire();
		this.schedulePrune();
		return image;
	}

	/** Set while a prune waits to start: the images adopted until then need no other. */
	private pruneTimer: ReturnType<typeof setTimeout> | undefined;
	private lastPrune: Promise<void> = Promise.resolve();

	/**
	 * Prunes within a second, after the prune under way: the images a batch adopts are pruned
	 * together, at most once a second, not each with a listing of the whole history.
	 */
	private schedulePrune(): void {
		if (this.pruneTimer !== undefined) {
			return;
		}
		this.pruneTimer = setTimeout(() => {
			this.pruneTimer = undefined;
			this.lastPrune = this.lastPrune.then(() => this.prune()).then(() => undefined, error => this.log?.error(`Pruning the image history failed: ${error}`));
		}, PRUNE_DELAY_MS);
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
		this.index ??= this.load();
		return this.index;
	}

	private async load(): Promise<Map<string, StoredImage>> {
		const images = new Map<string, StoredImage>();
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
		const names = new Set(entries.map(([name]) => name));
		await Promise.all(entries.filter(([name]) => name.endsWith('.json')).map(async ([name]) => {
			try {
				const metadata: unknown = JSON.parse(decoder.decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(this.folder, name))));
				if (isHistoryEntry(metadata) && names.has(metadata.file)) {
					// The fields the store relies on are checked; the rest of the recipe is kept as written.
					const { file, ...rest } = metadata as StoredMetadata;
					images.set(metadata.id, { ...rest, uri: vscode.Uri.joinPath(this.folder, file) });
				}
			} catch (error) {
				this.log?.warn(`Skipped unreadable history entry ${name}: ${error}`);
			}
		}));
		return images;
	}

	/** Every stored image, newest first. */
	async list(): Promise<StoredImage[]> {
		return [...(await this.entries()).values()].sort((a, b) => b.createdAt.localeCompare(a.createdAt));
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
		await ignoreMissing(vscode.workspace.fs.delete(image.uri));
		await ignoreMissing(vscode.workspace.fs.delete(vscode.Uri.joinPath(this.folder, `${id}.json`)));
		this.deleted.fire(image);
		this.changed.fire();
	}

	/**
	 * Deletes the oldest images until the history fits the size cap; keeps this session's
	 * images. A file's bytes a Replace overwrote are the only copy Restore has: they are not
	 * counted and never pruned, only deleted by the user.
	 */
	async prune(): Promise<number> {
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
