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
