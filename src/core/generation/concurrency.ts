/** Runs tasks with at most `limit` in flight, in order; resolves when all have settled. */
export async function runBounded(tasks: readonly (() => Promise<void>)[], limit: number): Promise<void> {
	let next = 0;
	const worker = async (): Promise<void> => {
		while (next < tasks.length) {
			const task = tasks[next++];
			await task();
		}
	};
	await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
}

/** Runs work handed to it as it comes, at most `limit` at once, the rest in arrival order. */
export class ConcurrencyLimit {
	private running = 0;
	private readonly waiting: (() => void)[] = [];

	constructor(private readonly limit: number) { }

	async run<T>(work: () => Promise<T>): Promise<T> {
		if (this.running >= this.limit) {
			// The one that finishes hands its place over.
			await new Promise<void>(resolve => this.waiting.push(resolve));
		} else {
			this.running++;
		}
		try {
			return await work();
		} finally {
			const next = this.waiting.shift();
			if (next) {
				next();
			} else {
				this.running--;
			}
		}
	}
}
