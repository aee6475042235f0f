/** Pixels for one variant: a partial image, or its final image (`partialIndex` absent). */
export interface QueuedPixels {
	readonly variantId: string;
	readonly bytes: { readonly byteLength: number };
	readonly partialIndex?: number;
}

/**
 * Decides which images go to the panel now, so a slow connection to it (a remote window
 * moves every byte over one web socket) carries finals rather than stale previews. A final
 * image goes at once, always. A partial image goes at once while less than `budgetBytes` are
 * on their way; otherwise it waits, and a newer partial of its variant, or its final image,
 * replaces it. Each sent item must be reported back with `delivered`.
 */
export class PixelQueue<T extends QueuedPixels> {
	private inFlightBytes = 0;
	private inFlight = 0;
	/** Waiting partials, one per variant, oldest variant first. */
	private readonly waiting = new Map<string, T>();
	private readonly finished = new Set<string>();

	constructor(private readonly budgetBytes: number, private readonly send: (item: T) => void) { }

	/** An image arrived: sent now, held back, or (a partial of a finished variant) dropped. */
	offer(item: T): void {
		if (item.partialIndex === undefined) {
			this.finished.add(item.variantId);
			this.waiting.delete(item.variantId);
			this.dispatch(item);
			return;
		}
		if (this.finished.has(item.variantId)) {
			return;
		}
		const held = this.waiting.get(item.variantId);
		if (held && (held.partialIndex ?? 0) > item.partialIndex) {
			return;
		}
		if (!held && this.fits(item)) {
			this.dispatch(item);
			return;
		}
		this.waiting.delete(item.variantId);
		this.waiting.set(item.variantId, item);
	}

	/** A sent item reached the panel (or failed to): frees its share of the budget. */
	delivered(item: T): void {
		this.inFlight--;
		this.inFlightBytes -= item.bytes.byteLength;
		for (const [variantId, next] of this.waiting) {
			if (!this.fits(next)) {
				break;
			}
			this.waiting.delete(variantId);
			this.dispatch(next);
		}
	}

	/** Partials still held back. */
	get held(): number {
		return this.waiting.size;
	}

	private fits(item: T): boolean {
		return this.inFlight === 0 || this.inFlightBytes + item.bytes.byteLength <= this.budgetBytes;
	}

	private dispatch(item: T): void {
		this.inFlight++;
		this.inFlightBytes += item.bytes.byteLength;
		this.send(item);
	}
}
