import type { BatchStatus } from './batchRecord';

/** The first wait after a submission and after a state change. */
export const FIRST_POLL_MS = 15_000;
/** The longest wait between two polls of a running batch (a batch may take up to 24 h). */
export const MAX_POLL_MS = 10 * 60_000;
/** The longest wait after failed polls (offline, a server error). */
export const MAX_ERROR_POLL_MS = 30 * 60_000;

/**
 * When to ask about a batch again: soon after a change, then each time 1.5 times longer up to
 * ten minutes while nothing changes; a batch that is finalizing or cancelling is asked about
 * every 15 s (its files come soon). After failed polls the wait doubles, up to 30 minutes.
 * `unchanged` counts the polls since the last change, `failures` the failed polls in a row.
 */
export function nextPollDelay(status: BatchStatus, unchanged: number, failures: number, firstMs = FIRST_POLL_MS): number {
	if (failures > 0) {
		return Math.min(MAX_ERROR_POLL_MS, firstMs * 2 ** Math.min(failures, 20));
	}
	if (status === 'finalizing' || status === 'cancelling') {
		return firstMs;
	}
	return Math.min(MAX_POLL_MS, Math.round(firstMs * 1.5 ** Math.min(unchanged, 30)));
}
