/** Anything with a `dispose()`: VS Code's disposables and Illustrate's own. */
export interface DisposableLike {
	dispose(): unknown;
}

/**
 * Disposes every item, in the order given, even when some throw; then throws one
 * `AggregateError` holding every failure (its message says how many of how many failed).
 */
export function disposeAll(items: Iterable<DisposableLike | undefined>): void {
	const errors: unknown[] = [];
	let count = 0;
	for (const item of items) {
		if (!item) {
			continue;
		}
		count++;
		try {
			item.dispose();
		} catch (error) {
			errors.push(error);
		}
	}
	if (errors.length > 0) {
		throw new AggregateError(errors, `${errors.length} of ${count} disposables failed to dispose: ${errors.map(error => error instanceof Error ? error.message : String(error)).join('; ')}`);
	}
}
