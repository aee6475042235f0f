import { retryAfterSeconds, type ApiFailure } from './apiErrors';

/** Rate-limited requests are retried after the wait the API asks for, this many times at most. */
const RATE_LIMIT_RETRIES = 3;
/** Server errors before any image arrived are retried, this many times at most. */
const SERVER_ERROR_RETRIES = 2;
/** The longest `retry-after` honoured; a longer wait is reported instead. */
const MAX_RETRY_WAIT_SECONDS = 60;

/**
 * Seconds to wait before trying a failed request again, or undefined not to retry: a rate
 * limit (not an exhausted quota) as long as the API asks, and a server error answered
 * before any image arrived. A dropped connection or a timeout is never retried: the image
 * may have been made, and charged.
 */
export function retryWait(failure: ApiFailure, attempt: number, received: boolean): number | undefined {
	if (failure.kind !== 'http' || received) {
		return undefined;
	}
	if (failure.status === 429 && failure.code !== 'insufficient_quota' && failure.type !== 'insufficient_quota' && attempt < RATE_LIMIT_RETRIES) {
		const asked = retryAfterSeconds(failure.headers) ?? 2 ** (attempt + 1);
		return asked <= MAX_RETRY_WAIT_SECONDS ? Math.max(1, asked) : undefined;
	}
	if (failure.status !== undefined && failure.status >= 500 && attempt < SERVER_ERROR_RETRIES) {
		return attempt + 1;
	}
	return undefined;
}

