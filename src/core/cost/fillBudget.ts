/** Below a thousandth of a cent: sums of prices such as 0.1 + 0.2 must not fall outside a budget they meet. */
const TOLERANCE = 1e-9;

/**
 * How many of `wanted` images, each estimated at `each` USD, fit `budget` (illustrate.maxCostPerRequest):
 * all of them when there is no budget or no estimate.
 */
export function affordableCount(wanted: number, each: number | undefined, budget: number | undefined): number {
	if (budget === undefined || each === undefined || each * wanted <= budget + TOLERANCE) {
		return wanted;
	}
	return Math.min(wanted, Math.floor(budget / each + TOLERANCE));
}

/**
 * The running cost of a batch against its budget: each request is sent only while the cost
 * so far plus one more estimate stays within the budget.
 */
export class BudgetTally {
	private total: number | undefined;

	constructor(private readonly each: number | undefined, private readonly budget: number | undefined) { }

	/** What the batch has cost so far; undefined until a request has finished. */
	get spent(): number | undefined {
		return this.total;
	}

	/** Whether one more request at the estimate stays within the budget. */
	allowsAnother(): boolean {
		return this.budget === undefined || this.each === undefined || (this.total ?? 0) + this.each <= this.budget + TOLERANCE;
	}

	/** Adds a finished request's cost (unknown counts as nothing: a model with no published price). */
	add(costUsd: number | undefined): void {
		this.total = (this.total ?? 0) + (costUsd ?? 0);
	}
}
