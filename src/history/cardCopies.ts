import * as vscode from 'vscode';
import { cardCopyName, cardSource, CARD_IMAGE_MAX_SIDE, imageIdOfCardCopy, missingCardCopies } from '../core/images/cardCopy';
import { pngThumbnail } from '../core/images/pngThumbnail';
import { ConcurrencyLimit } from '../core/generation/concurrency';
import { deflateCodec } from '../platform/compression';
import { isFileNotFound } from '../platform/fileErrors';
import type { ImageStore, StoredImage } from './imageStore';

/**
 * The card-size copies of the history's large images, kept beside them in the extension's
 * storage (`images/cards/<id>.card.png`), so Show Generated Images and a panel restored after
 * a reload show a 1 MB copy instead of a 17 MB file. Each copy is made once: the panel hands
 * over the copy it made while the image streamed in; an older image gets its copy the first
 * time a card shows it, two at a time. A copy goes when its image leaves the history.
 */
export class CardCopies implements vscode.Disposable {
	readonly folder: vscode.Uri;
	/** The ids whose copy is on disk: the folder is read once, then kept up to date. */
	private onDisk: Promise<Set<string>> | undefined;
	/** Ids no copy can be made of (a PNG the scaler does not take): their cards show the original. */
	private readonly failed = new Set<string>();
	private readonly making = new Map<string, Promise<vscode.Uri>>();
	/** Scaling is CPU and memory heavy (33 MB of pixels for 3840×2160): two at a time. */
	private readonly scaling = new ConcurrencyLimit(2);
	private readonly codec = deflateCodec();
	private readonly subscription: vscode.Disposable;

	/**
	 * @param scale makes the copy of a large PNG, undefined when the decoder does not take it
	 * (ImageService.cardCopy: in the image worker in the Node host); by default here, on this thread
	 */
	constructor(private readonly store: ImageStore, private readonly log?: vscode.LogOutputChannel, private readonly scale?: (bytes: Uint8Array) => Promise<Uint8Array | undefined>) {
		this.folder = vscode.Uri.joinPath(store.folder, 'cards');
		this.subscription = store.onDidDeleteImage(image => void this.delete(image.id));
	}

	dispose(): void {
		this.subscription.dispose();
	}

	/** The file the copy of an image is (or would be) kept in; undefined for an id that is no plain file name. */
	uriOf(imageId: string): vscode.Uri | undefined {
		const name = cardCopyName(imageId);
		return name === undefined ? undefined : vscode.Uri.joinPath(this.folder, name);
	}

	/**
	 * What the cards show of these images right now, without making anything: the copy, the
	 * original (a small image, JPEG or WebP, or one no copy can be made of), or undefined while
	 * its copy is still to be made (`make`).
	 */
	async shownNow(images: readonly StoredImage[]): Promise<(vscode.Uri | undefined)[]> {
		const onDisk = await this.listing();
		return images.map(image => {
			switch (cardSource(image, onDisk, this.failed)) {
				case 'original':
					return image.uri;
				case 'copy':
					return this.uriOf(image.id);
				case 'pending':
					return undefined;
			}
		});
	}

	/** The images among these whose copy is still to be made, newest first as given. */
	async missing(images: readonly StoredImage[]): Promise<StoredImage[]> {
		return missingCardCopies(images, await this.listing(), this.failed);
	}

	/**
	 * Makes the image's copy unless it is there (once, however many cards ask, two at a time)
	 * and settles with what its card shows: the copy, or the original when none can be made.
	 * Never rejects: a failure goes to the log and the card shows the original.
	 */
	make(image: StoredImage): Promise<vscode.Uri> {
		let made = this.making.get(image.id);
		if (!made) {
			made = this.makeOnce(image).finally(() => this.making.delete(image.id));
			this.making.set(image.id, made);
		}
		return made;
	}

	/** Keeps the copy the panel made of an image while it streamed in: no second scaling. */
	async keep(image: StoredImage, png: Uint8Array): Promise<void> {
		const onDisk = await this.listing();
		const uri = this.uriOf(image.id);
		if (!uri || cardSource(image, onDisk, this.failed) !== 'pending') {
			return;
		}
		try {
			await this.store.write(this.folder, uri, png);
			onDisk.add(image.id);
			await this.forgetIfDeleted(image);
		} catch (error) {
			this.log?.error(`Could not keep the card-size copy of ${image.id}: ${error}`);
		}
	}

	private async makeOnce(image: StoredImage): Promise<vscode.Uri> {
		const onDisk = await this.listing();
		const uri = this.uriOf(image.id);
		if (!uri || cardSource(image, onDisk, this.failed) !== 'pending') {
			return onDisk.has(image.id) && uri ? uri : image.uri;
		}
		try {
			// Read inside the limit too: at most two 17 MB files in memory at once.
			const copy = await this.scaling.run(async () => {
				const bytes = await this.store.read(image);
				return this.scale ? this.scale(bytes) : (await pngThumbnail(bytes, CARD_IMAGE_MAX_SIDE, this.codec))?.png;
			});
			if (!copy) {
				this.log?.info(`No card-size copy of ${image.id}: its PNG is not one the scaler takes (16-bit or interlaced); its card shows the original.`);
				this.failed.add(image.id);
				return image.uri;
			}
			await this.store.write(this.folder, uri, copy);
			onDisk.add(image.id);
			await this.forgetIfDeleted(image);
			return uri;
		} catch (error) {
			this.log?.warn(`Could not make the card-size copy of ${image.id}; its card shows the original: ${error}`);
			this.failed.add(image.id);
			return image.uri;
		}
	}

	/** An image deleted while its copy was being written: the copy goes too. */
	private async forgetIfDeleted(image: StoredImage): Promise<void> {
		if (!(await this.store.get(image.id))) {
			await this.delete(image.id);
		}
	}

	private listing(): Promise<Set<string>> {
		this.onDisk ??= this.readFolder();
		return this.onDisk;
	}

	private async readFolder(): Promise<Set<string>> {
		try {
			const entries = await vscode.workspace.fs.readDirectory(this.folder);
			return new Set(entries.map(([name]) => imageIdOfCardCopy(name)).filter((id): id is string => id !== undefined));
		} catch (error) {
			if (!isFileNotFound(error)) {
				this.log?.warn(`Could not read the card-size copies' folder; copies are made again: ${error}`);
			}
			return new Set();
		}
	}

	/** Deletes the copy of an image that left the history; a failure goes to the log. */
	private async delete(imageId: string): Promise<void> {
		const uri = this.uriOf(imageId);
		if (!uri) {
			return;
		}
		(await this.listing()).delete(imageId);
		this.failed.delete(imageId);
		try {
			await this.store.deleteFile(uri);
		} catch (error) {
			this.log?.error(`Could not delete the card-size copy of ${imageId}: ${error}`);
		}
	}
}
