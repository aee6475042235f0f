/**
 * OpenAI's Batch API price: half the synchronous one on its price list, for image requests as
 * for the others. Estimates and actual costs of a batch go through here.
 */
export const BATCH_PRICE_FACTOR = 0.5;

/** The batch price of a synchronous price (an estimate from the table, or a cost from usage). */
export function batchPrice(synchronousUsd: number): number {
	return synchronousUsd * BATCH_PRICE_FACTOR;
}

/** Both prices of `count` images of `each` (the synchronous estimate of one): now and as a batch. */
export function costComparison(each: number | undefined, count: number): { readonly now?: number; readonly batch?: number } {
	if (each === undefined || !Number.isFinite(each) || each < 0) {
		return {};
	}
	return { now: each * count, batch: batchPrice(each * count) };
}
