import type { ApiFailure } from './apiErrors';
import { networkProblemOf } from '../network/networkErrors';

/**
 * What a failed request means for the batch: whether it was ever sent, whether its image may
 * have been made and charged, and whether every other request of the batch would fail too.
 */

/** Whether a connection error happened before the request left: refused, or no such host. */
export function neverSent(error: Error): boolean {
	for (let cause: unknown = error.cause, depth = 0; cause && depth < 5; cause = (cause as { cause?: unknown }).cause, depth++) {
		const code = (cause as { code?: unknown }).code;
		if (typeof code === 'string' && /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|UND_ERR_CONNECT_TIMEOUT)$/.test(code)) {
			return true;
		}
		// fetch refuses some ports (and malformed URLs) itself, before connecting.
		if ((cause as { message?: unknown }).message === 'bad port') {
			return true;
		}
	}
	return false;
}

/**
 * A request that got no response, or whose body broke off: a certificate or proxy problem,
 * a request that never left (`unreachable`), or a connection that dropped after it was sent.
 * `proxy`: the proxy requests go through, if any.
 */
export function connectionFailure(error: Error, proxy: string | undefined): ApiFailure {
	const network = networkProblemOf(error, proxy);
	if (network) {
		return { kind: 'network', network, message: error.message };
	}
	return { kind: neverSent(error) ? 'unreachable' : 'connection', message: error.message };
}

/** Failures every other request of the batch would meet too: stop the batch. */
export function isBatchFatal(failure: ApiFailure): boolean {
	return failure.kind === 'http' && (failure.status === 400 || failure.status === 401 || failure.status === 403 || failure.status === 404 || failure.code === 'insufficient_quota');
}

/**
 * Whether the image of a failed request may have been made and charged: some of it arrived,
 * or the request was sent and its answer was lost (a dropped connection, a timeout).
 */
export function imageMayHaveBeenCharged(failure: ApiFailure, received: boolean): boolean {
	return received || failure.kind === 'connection' || failure.kind === 'timeout';
}
