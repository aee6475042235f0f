/**
 * How far a batch of variants has come, as the increments a determinate progress bar takes
 * (0 to 100 in all). Each variant is an equal share; each partial image moves its share on,
 * and the final image (or the variant's failure) completes it. A determinate bar also stands
 * still between steps, where an indeterminate one animates for as long as the batch runs.
 */
export class BatchProgress {
	private readonly reached: number[];
	private finishedCount = 0;

	constructor(private readonly variants: number, private readonly partialsPerVariant: number) {
		this.reached = new Array<number>(variants).fill(0);
	}

	/** Variants with a final image or a failure. */
	get finished(): number {
		return this.finishedCount;
	}

	/** Partial image `index` of a variant arrived: the increment, in percent (0 if it moves nothing). */
	partial(slot: number, index: number): number {
		return this.advance(slot, Math.min(index + 1, this.partialsPerVariant) / (this.partialsPerVariant + 1));
	}

	/** A variant ended (its final image, or a failure): the rest of its share. */
	finish(slot: number): number {
		if (slot < 0 || slot >= this.variants || this.reached[slot] >= 1) {
			return 0;
		}
		this.finishedCount++;
		return this.advance(slot, 1);
	}

	private advance(slot: number, fraction: number): number {
		if (slot < 0 || slot >= this.variants || fraction <= this.reached[slot]) {
			return 0;
		}
		const increment = (fraction - this.reached[slot]) * 100 / this.variants;
		this.reached[slot] = fraction;
		return increment;
	}
}
