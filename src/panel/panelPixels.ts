import type * as vscode from 'vscode';
import { ConcurrencyLimit } from '../core/generation/concurrency';
import { PixelQueue } from '../core/generation/pixelQueue';
import { CARD_IMAGE_MAX_SIDE, cardCopy, needsCardCopy, type CardCopyFormat } from '../core/images/cardCopy';
import { MIME_TYPES, readImageInfo } from '../core/images/imageInfo';
import type { CardCopies } from '../history/cardCopies';
import type { StoredImage } from '../history/imageStore';
import { deflateCodec } from '../platform/compression';
import type { VariantPixels } from '../protocol/messages';

/**
 * Partial images on their way to the panel at most (finals always go): over a slow
 * connection to a remote window, newer partials and finals replace the ones still waiting.
 */
const PIXELS_IN_FLIGHT_BYTES = 16 * 1024 * 1024;

/** Pixels for the panel, and whether they are the card-size copy already (made in the image worker). */
type OfferedPixels = VariantPixels & { readonly cardCopy?: boolean };

/**
 * Sends the pixels of a batch's variants to the panel as they arrive. A large PNG goes as a
 * copy the size the card shows (a 3840×2160 image is 17 MB; its card copy under 2 MB); the
 * stored file keeps every pixel, for Insert and Open. A variant's final pixels go before its
 * "ready" state (see `finalShown`), so a card never shows a partial as the final image. The
 * copy of a final image goes to the history's card copies (`keepCopy`): it is made once.
 */
export class PanelPixels {
	private readonly queue: PixelQueue<OfferedPixels>;
	private readonly finals = new Map<string, Promise<void>>();
	/**
	 * The card-size copies made of the variants' final pixels, until `keepCopy` hands them over:
	 * the image worker's are the history's copies already (`format`), this thread's are 1024 px PNGs.
	 */
	private readonly finalCopies = new Map<string, { readonly bytes: Uint8Array; readonly format?: CardCopyFormat }>();
	/** Scaling is CPU and memory heavy (33 MB of pixels for 3840×2160): two at a time. */
	private readonly scaling = new ConcurrencyLimit(2);

	constructor(
		private readonly webview: Pick<vscode.Webview, 'postMessage'>,
		private readonly partialShown: (variantId: string) => void,
		private readonly log: Pick<vscode.LogOutputChannel, 'warn'>,
		private readonly copies?: Pick<CardCopies, 'keep'>,
		/** Makes the card-size copy: in the image worker where there is one (ImageService.cardCopy). */
		private readonly scale: (bytes: Uint8Array) => Promise<Uint8Array | undefined> = bytes => cardCopy(bytes, CARD_IMAGE_MAX_SIDE, deflateCodec()),
	) {
		this.queue = new PixelQueue(PIXELS_IN_FLIGHT_BYTES, pixels => {
			const sent = this.send(pixels);
			if (pixels.partialIndex === undefined) {
				this.finals.set(pixels.variantId, sent);
			}
			void sent.finally(() => this.queue.delivered(pixels));
		});
	}

	/** @param cardCopy the bytes are the image's card-size copy already: they go as they are. */
	offer(pixels: VariantPixels, cardCopy = false): void {
		this.queue.offer(cardCopy ? { ...pixels, cardCopy } : pixels);
	}

	/** Settles once the variant's final pixels went to the panel (at once if none were offered). */
	finalShown(variantId: string): Promise<void> {
		return this.finals.get(variantId) ?? Promise.resolve();
	}

	/** Once the variant's final pixels went to the panel, hands the card-size copy made of them to the history's card copies. */
	async keepCopy(variantId: string, image: StoredImage): Promise<void> {
		await this.finalShown(variantId);
		const copy = this.finalCopies.get(variantId);
		this.finalCopies.delete(variantId);
		if (copy) {
			await this.copies?.keep(image, copy.bytes, copy.format);
		}
	}

	private async send({ cardCopy: madeAlready, ...pixels }: OfferedPixels): Promise<void> {
		let message: VariantPixels = pixels;
		const info = madeAlready ? undefined : readImageInfo(pixels.bytes);
		if (madeAlready && pixels.partialIndex === undefined && this.copies) {
			this.finalCopies.set(pixels.variantId, { bytes: pixels.bytes, format: pixels.mime === MIME_TYPES.jpeg ? 'jpeg' : 'png' });
		} else if (info && needsCardCopy({ ...info, bytes: pixels.bytes.length })) {
			// A PNG this decoder does not take (16-bit, interlaced) goes as it is; so does one
			// whose copy failed, and the log says why.
			const thumbnail = await this.scaling.run(() => this.scale(pixels.bytes)).catch((error: unknown) => {
				this.log.warn(`The card-size copy of a ${info.width}×${info.height} image failed, so the panel gets the full image: ${error instanceof Error ? error.message : String(error)}`);
				return undefined;
			});
			if (thumbnail) {
				message = { ...pixels, bytes: thumbnail };
				if (pixels.partialIndex === undefined && this.copies) {
					this.finalCopies.set(pixels.variantId, { bytes: thumbnail });
				}
			}
		}
		try {
			await this.webview.postMessage(message);
		} catch {
			// The panel closed: the image is stored all the same.
			return;
		}
		if (pixels.partialIndex !== undefined) {
			this.partialShown(pixels.variantId);
		}
	}
}
