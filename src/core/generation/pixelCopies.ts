import type { ArrivedPixels, VariantEvents } from './batchRunner';
import { SlotPixels, type SlotPixelsOptions } from './slotPixels';

/** A batch's events with card-size copies (see `withCardCopies`), and when the last pixels went out. */
export interface CopiedEvents<Stored> {
	readonly events: VariantEvents<Stored>;
	/** Settles once every pixels offered so far, and the events after them, went out. */
	drained(): Promise<void>;
}

/**
 * A batch's events with its large images' pixels replaced by their card-size copies, made as
 * the image worker makes them (`SlotPixels`: partials as drafts, a stale preview given up, each
 * slot's pixels in order), for a batch that runs where there is no image worker (the web
 * extension host). A slot's image and its failure go out after its pixels, so a card never
 * takes a partial for the final image. Events without `onPixels` (an agent's, a command's) are
 * returned as they are: nothing is copied that nobody shows.
 */
export function withCardCopies<Stored>(events: VariantEvents<Stored>, options: Omit<SlotPixelsOptions, 'post'>): CopiedEvents<Stored> {
	const onPixels = events.onPixels?.bind(events);
	if (!onPixels) {
		return { events, drained: () => Promise.resolve() };
	}
	const pixels = new SlotPixels({ ...options, post: (slot: number, shown: ArrivedPixels) => onPixels(slot, shown) });
	return {
		events: {
			...(events.onStart ? { onStart: (slot: number) => events.onStart?.(slot) } : {}),
			...(events.onRetry ? { onRetry: (slot: number, seconds: number, status: number | undefined) => events.onRetry?.(slot, seconds, status) } : {}),
			onPixels: (slot, arrived) => pixels.offer(slot, arrived),
			onImage: (slot, image) => pixels.after(slot, () => events.onImage(slot, image)),
			onSlotFailed: (slot, error) => pixels.after(slot, () => events.onSlotFailed?.(slot, error)),
		},
		drained: () => pixels.drained(),
	};
}
