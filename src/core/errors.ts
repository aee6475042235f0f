import * as l10n from '@vscode/l10n';
import type { ErrorAction } from './generation/apiErrors';

/**
 * The errors every layer throws and catches. They live in the core, so a module that only
 * needs to tell a failure from a cancellation does not import the API client.
 */

/** A failure the user can act on: its message is shown as is, its actions become buttons. */
export class IllustrateError extends Error {
	constructor(message: string, readonly actions: readonly ErrorAction[] = [], readonly batchFatal = false) {
		super(message);
		this.name = 'IllustrateError';
	}
}

/** The user cancelled: nothing to report, nothing to retry. */
export class CancelledError extends Error {
	constructor() {
		super(l10n.t('The request was cancelled.'));
		this.name = 'CancelledError';
	}
}

/** Today as `YYYY-MM-DD` in UTC, the form the model table's dates use. */
export function today(now: Date = new Date()): string {
	return now.toISOString().slice(0, 10);
}
