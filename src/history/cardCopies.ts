import * as vscode from 'vscode';
import { cardCopyName, cardSource, legacyCardCopyName, missingCardCopies, parseCardCopyName, type CardCopyFormat, type HistoryCopy } from '../core/images/cardCopy';
import { ConcurrencyLimit } from '../core/generation/concurrency';
import { slicedHistoryCopy } from '../core/images/slicedCopies';
import { deflateCodec } from '../platform/compression';
import { isFileNotFound } from '../platform/fileErrors';
import type { ImageStore, StoredImage } from './imageStore';

/** A copy on disk: its file name, and whether it is sized for the history's cards or an older 1024 px one. */
interface CopyOnDisk {
	readonly name: string;
	readonly current: boolean;
}

/** Makes the history's copy of the image file at this URI (see `historyCopy`); undefined when it needs none or the decoder does not take it. */
export type HistoryCopyMaker = (source: vscode.Uri) => Promise<HistoryCopy | undefined>;

/**
 * The card-size copies of the history's large images, kept beside them in the extension's
 * storage (`images/cards/<id>.card-744.jpg`, or `.png` for an image with transparency), so
 * Show Generated Images and a panel restored after a reload show a copy of tens of KB
 * instead of a 17 MB file. Each copy is made once, from the file (in the image worker in the
 * Node host: this thread never reads the original); an older image gets its copy the first
 * time a card shows it. The 1024 px PNG copies of earlier versions (and those the panel hands
 * over as an image streams in) are shown until `replaceOutdated` makes the card-size copy of
 * them. A copy goes when its image leaves the history.
 */
export class CardCopies implements vscode.Disposable {
	readonly folder: vscode.Uri;
	/** The copy of each image that has one: the folder is read once, then kept up to date. */
	private onDisk: Promise<Map<string, CopyOnDisk>> | undefined;
	/** Ids no copy can be made of (a PNG the scaler does not take): their cards show the original. */
	private readonly failed = new Set<string>();
	private readonly making = new Map<string, Promise<vscode.Uri>>();
	/** Scaling is CPU and memory heavy (33 MB of pixels for 3840×2160): two at a time. */
	private readonly scaling = new ConcurrencyLimit(2);
	private readonly subscription: vscode.Disposable;

	/**
	 * @param copy makes the copy of a file (ImageService.historyCopy: in the image worker in the
	 * Node host, by the file's path); by default here, on this thread, in slices (`slicedHistoryCopy`)
	 */
	constructor(private readonly store: ImageStore, private readonly log?: vscode.LogOutputChannel, private readonly copy?: HistoryCopyMaker) {
		this.folder = vscode.Uri.joinPath(store.folder, 'cards');
		this.subscription = store.onDidDeleteImage(image => void this.delete(image.id));
	}

	dispose(): void {
		this.subscription.dispose();
	}

	/** The file the image's card copy is kept in, once the folder was read and while there is one; undefined otherwise. */
	uriOf(imageId: string): vscode.Uri | undefined {
		return this.named(this.known?.get(imageId)?.name);
	}

	/** Starts reading the copies' folder (once), so it is read while the history is: settles when it is. */
	async readAhead(): Promise<void> {
		await this.listing();
	}

	/** The copies as last read, once the folder has been read. */
	private known: Map<string, CopyOnDisk> | undefined;

	private named(name: string | undefined): vscode.Uri | undefined {
		return name === undefined ? undefined : vscode.Uri.joinPath(this.folder, name);
	}

	/**
	 * What the cards show of these images right now, without making anything: the copy (an
	 * older 1024 px one until it is replaced), the original (a small image, JPEG or WebP, one
	 * no copy can be made of, or a mid-sized PNG until its copy is made), or undefined while
	 * the copy of a large one is still to be made (`make`).
	 */
	async shownNow(images: readonly StoredImage[]): Promise<(vscode.Uri | undefined)[]> {
		const onDisk = await this.listing();
		const ids = new Set(onDisk.keys());
		return images.map(image => {
			switch (cardSource(image, ids, this.failed)) {
				case 'original':
				case 'interim':
					return image.uri;
				case 'copy':
					return this.named(onDisk.get(image.id)?.name);
				case 'pending':
					return undefined;
			}
		});
	}

	/** The images among these whose copy is still to be made (shown meanwhile or not), newest first as given. */
	async missing(images: readonly StoredImage[]): Promise<StoredImage[]> {
		return missingCardCopies(images, new Set((await this.listing()).keys()), this.failed);
	}

	/** The images among these whose copy is an older 1024 px one, to be replaced by a card-size copy (`make`), newest first as given. */
	async outdated(images: readonly StoredImage[]): Promise<StoredImage[]> {
		const onDisk = await this.listing();
		return images.filter(image => onDisk.get(image.id)?.current === false && !this.failed.has(image.id));
	}

	/**
	 * Makes the image's copy unless it is there (once, however many cards ask, two at a time)
	 * and settles with what its card shows: the copy, or the original when none can be made.
	 * An older 1024 px copy is replaced, made from that copy (0.5 MB, not the 17 MB original).
	 * Never rejects: a failure goes to the log and the card shows the original (or the older copy).
	 */
	make(image: StoredImage): Promise<vscode.Uri> {
		let made = this.making.get(image.id);
		if (!made) {
			made = this.makeOnce(image).finally(() => this.making.delete(image.id));
			this.making.set(image.id, made);
		}
		return made;
	}

	/**
	 * Keeps the copy the panel made of an image while it streamed in: no second scaling of the
	 * original. With its `format`, the image worker's copy (`panelCopy`), which is the card-size
	 * copy `make` would make; without, a 1024 px PNG, shown as it is until `make` replaces it
	 * with a card-size copy made from it.
	 */
	async keep(image: StoredImage, png: Uint8Array, format?: CardCopyFormat): Promise<void> {
		const onDisk = await this.listing();
		const name = format ? cardCopyName(image.id, format) : legacyCardCopyName(image.id);
		if (!name || onDisk.has(image.id) || this.failed.has(image.id)) {
			return;
		}
		try {
			await this.store.write(this.folder, vscode.Uri.joinPath(this.folder, name), png);
			if (!onDisk.has(image.id)) {
				onDisk.set(image.id, { name, current: format !== undefined });
			}
			await this.forgetIfDeleted(image);
		} catch (error) {
			this.log?.error(`Could not keep the card-size copy of ${image.id}: ${error}`);
		}
	}

	private async makeOnce(image: StoredImage): Promise<vscode.Uri> {
		const onDisk = await this.listing();
		const existing = onDisk.get(image.id);
		if (existing && (existing.current || this.failed.has(image.id))) {
			return this.named(existing.name) ?? image.uri;
		}
		if (!existing && missingCardCopies([image], new Set(onDisk.keys()), this.failed).length === 0) {
			return image.uri;
		}
		const outdated = existing && this.named(existing.name);
		try {
			// The older copy is the smaller source; read inside the limit: at most two files at once.
			const copy = await this.scaling.run(() => this.copyOf(outdated ?? image.uri));
			if (!copy) {
				if (outdated) {
					// An older copy the scaler does not take (never one Illustrate made): it stays.
					this.failed.add(image.id);
					return outdated;
				}
				this.log?.info(`No card-size copy of ${image.id}: its PNG is not one the scaler takes (16-bit or interlaced); its card shows the original.`);
				this.failed.add(image.id);
				return image.uri;
			}
			const name = cardCopyName(image.id, copy.format)!;
			const uri = vscode.Uri.joinPath(this.folder, name);
			await this.store.write(this.folder, uri, copy.bytes);
			onDisk.set(image.id, { name, current: true });
			if (outdated) {
				await this.store.deleteFile(outdated);
			}
			await this.forgetIfDeleted(image);
			return uri;
		} catch (error) {
			this.log?.warn(`Could not make the card-size copy of ${image.id}; its card shows ${outdated ? 'the older copy' : 'the original'}: ${error}`);
			this.failed.add(image.id);
			return outdated ?? image.uri;
		}
	}

	private async copyOf(source: vscode.Uri): Promise<HistoryCopy | undefined> {
		if (this.copy) {
			return this.copy(source);
		}
		return slicedHistoryCopy(await vscode.workspace.fs.readFile(source), deflateCodec());
	}

	/** An image deleted while its copy was being written: the copy goes too. */
	private async forgetIfDeleted(image: StoredImage): Promise<void> {
		if (!(await this.store.get(image.id))) {
			await this.delete(image.id);
		}
	}

	private listing(): Promise<Map<string, CopyOnDisk>> {
		this.onDisk ??= this.readFolder().then(copies => this.known = copies);
		return this.onDisk;
	}

	private async readFolder(): Promise<Map<string, CopyOnDisk>> {
		const copies = new Map<string, CopyOnDisk>();
		let entries: [string, vscode.FileType][];
		try {
			entries = await vscode.workspace.fs.readDirectory(this.folder);
		} catch (error) {
			if (!isFileNotFound(error)) {
				this.log?.warn(`Could not read the card-size copies' folder; copies are made again: ${error}`);
			}
			return copies;
		}
		for (const [name] of entries) {
			const file = parseCardCopyName(name);
			// A card-size copy wins over an older one of the same image (a replacement whose older copy could not be deleted).
			if (file && !copies.get(file.id)?.current) {
				copies.set(file.id, { name, current: file.current });
			}
		}
		return copies;
	}

	/** Deletes the copies of an image that left the history (a card-size one, an older one); a failure goes to the log. */
	private async delete(imageId: string): Promise<void> {
		const onDisk = await this.listing();
		const listed = onDisk.get(imageId)?.name;
		onDisk.delete(imageId);
		this.failed.delete(imageId);
		const names = new Set([listed, cardCopyName(imageId, 'jpeg'), cardCopyName(imageId, 'png'), legacyCardCopyName(imageId)].filter((name): name is string => name !== undefined));
		for (const name of names) {
			try {
				await this.store.deleteFile(vscode.Uri.joinPath(this.folder, name));
			} catch (error) {
				this.log?.error(`Could not delete the card-size copy of ${imageId}: ${error}`);
			}
		}
	}
}
