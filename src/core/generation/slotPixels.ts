import type { ArrivedPixels } from './batchRunner';
import { ConcurrencyLimit } from './concurrency';
import type { OutputFormat } from '../models/capabilities';

/** How a card-size copy is made: see `SlotPixelsOptions.copy`. */
export interface CopyRequest {
	readonly draft: boolean;
	readonly abandoned: () => boolean;
	/** Aborted as soon as the copy is not wanted any more (a newer partial or the final image was offered): a copy thread gives it up. */
	readonly signal: AbortSignal;
}

/** A card-size copy's bytes and their format (a JPEG, say, of a PNG). */
export interface PixelsCopy {
	readonly bytes: Uint8Array;
	readonly format: OutputFormat;
}

/** How the pixels of a batch's slots are made ready to show, and where they go. */
export interface SlotPixelsOptions {
	/** Whether an image (`partial`: a partial image) is large enough to be shown from a card-size copy. */
	readonly needsCopy: (bytes: Uint8Array, partial: boolean) => boolean;
	/**
	 * The card-size copy; undefined when none can be made (the image goes as it is) or it was
	 * abandoned. `how.draft` for a partial: a preview, shown until the next one, smaller and
	 * made at half the CPU (see `panelCopy`); `how.abandoned` tells when it is not wanted any more.
	 */
	readonly copy: (bytes: Uint8Array, how: CopyRequest) => Promise<PixelsCopy | undefined>;
	/** Pixels ready to show, in each slot's order: `cardCopy` when the bytes are the copy. */
	readonly post: (slot: number, pixels: ArrivedPixels) => void;
	readonly warn: (message: string) => void;
	/** Copies made at once for partials, and for finals: 33 MB of pixels each at 3840×2160 (default 2 each). */
	readonly concurrency?: number;
}

/**
 * The pixels of a batch where its images are decoded (the image worker): a large image goes on
 * as its card-size copy, made here, so the extension host's main thread and the webview never
 * get its full bytes. Copies are made as the images come, several slots at once, partials
 * apart from finals (a partial never waits behind another slot's final image); each slot's
 * pixels and its other messages (`after`) still go out in the order they came. A partial a
 * newer one (or the final image) overtook while it waited for its turn to be copied, or
 * while it was being copied, is dropped: no copy of a stale preview. A partial's copy is a
 * draft (half the CPU of a final's).
 */
export class SlotPixels {
	private readonly tails = new Map<number, Promise<void>>();
	/** The newest partial index offered per slot; Infinity once its final image was. */
	private readonly newest = new Map<number, number>();
	/** The partials being copied, per slot: each is aborted once a newer image of its slot is offered. */
	private readonly copying = new Map<number, Set<{ readonly partialIndex: number; readonly controller: AbortController }>>();
	private readonly partialCopies: ConcurrencyLimit;
	private readonly finalCopies: ConcurrencyLimit;

	constructor(private readonly options: SlotPixelsOptions) {
		this.partialCopies = new ConcurrencyLimit(options.concurrency ?? 2);
		this.finalCopies = new ConcurrencyLimit(options.concurrency ?? 2);
	}

	offer(slot: number, pixels: ArrivedPixels): void {
		const partialIndex = pixels.partialIndex;
		this.newest.set(slot, partialIndex === undefined ? Infinity : Math.max(partialIndex, this.newest.get(slot) ?? -1));
		for (const copying of this.copying.get(slot) ?? []) {
			if (this.overtaken(slot, copying.partialIndex)) {
				copying.controller.abort();
			}
		}
		const ready = this.options.needsCopy(pixels.bytes, partialIndex !== undefined) ? this.withCopy(slot, pixels) : Promise.resolve(pixels);
		this.after(slot, async () => {
			// A partial copied already goes even when its final image is on its way: it shows progress until then.
			const shown = await ready;
			if (shown) {
				this.options.post(slot, shown);
			}
		});
	}

	/** Runs `send` once the slot's pixels offered so far went out. */
	after(slot: number, send: () => void | Promise<void>): void {
		const tail = (this.tails.get(slot) ?? Promise.resolve()).then(send).catch((error: unknown) => {
			this.options.warn(`Pixels of variant ${slot + 1} could not be sent: ${error instanceof Error ? error.message : String(error)}`);
		});
		this.tails.set(slot, tail);
	}

	/** Settles once everything offered so far went out. */
	async drained(): Promise<void> {
		await Promise.all(this.tails.values());
	}

	private overtaken(slot: number, partialIndex: number | undefined): boolean {
		return partialIndex !== undefined && (this.newest.get(slot) ?? -1) > partialIndex;
	}

	/** The pixels as their card-size copy; as they are when none can be made; undefined for a partial overtaken while it waited. */
	private async withCopy(slot: number, pixels: ArrivedPixels): Promise<ArrivedPixels | undefined> {
		const limit = pixels.partialIndex === undefined ? this.finalCopies : this.partialCopies;
		return limit.run(async () => {
			if (this.overtaken(slot, pixels.partialIndex)) {
				return undefined;
			}
			const controller = new AbortController();
			const copying = pixels.partialIndex === undefined ? undefined : { partialIndex: pixels.partialIndex, controller };
			if (copying) {
				const ofSlot = this.copying.get(slot) ?? new Set();
				ofSlot.add(copying);
				this.copying.set(slot, ofSlot);
			}
			try {
				const overtaken = () => this.overtaken(slot, pixels.partialIndex);
				const copy = await this.options.copy(pixels.bytes, { draft: pixels.partialIndex !== undefined, abandoned: overtaken, signal: controller.signal });
				if (!copy && overtaken()) {
					// Overtaken while it was being copied: the copy was given up, the newer pixels are on their way.
					return undefined;
				}
				return copy ? { ...pixels, bytes: copy.bytes, format: copy.format, cardCopy: true } : pixels;
			} catch (error) {
				this.options.warn(`The card-size copy of variant ${slot + 1}'s ${pixels.partialIndex === undefined ? 'image' : 'preview'} failed, so the panel gets the full image: ${error instanceof Error ? error.message : String(error)}`);
				return pixels;
			} finally {
				if (copying) {
					const ofSlot = this.copying.get(slot);
					ofSlot?.delete(copying);
					if (ofSlot?.size === 0) {
						this.copying.delete(slot);
					}
				}
			}
		});
	}
}
