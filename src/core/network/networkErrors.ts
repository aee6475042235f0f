import * as l10n from '@vscode/l10n';
import type { UserFacingError } from '../generation/apiErrors';

/**
 * A request that failed before it reached the API, for a reason the network's setup gives:
 * a certificate not trusted (a proxy that inspects TLS, usually), or a proxy that refused
 * the tunnel (`status`: its answer to CONNECT, e.g. 407 when it wants credentials).
 */
export type NetworkProblem =
	| { readonly kind: 'certificate'; readonly code: string }
	| { readonly kind: 'proxy'; readonly status: number }
	| { readonly kind: 'proxyUnreachable'; readonly proxy: string };

/** OpenSSL's and Node's codes for a certificate that does not verify. */
const CERTIFICATE_CODE = /^(DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT(_LOCALLY)?|CERT_[A-Z_]+|ERR_TLS_CERT_ALTNAME_INVALID)$/;
/** undici's error when a proxy answers CONNECT with anything but 200. */
const PROXY_REFUSAL = /Proxy response \((\d{3})\) !== 200/;

/** Errors of a connection that could not be made. */
const UNREACHABLE_CODE = /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|ETIMEDOUT|UND_ERR_CONNECT_TIMEOUT)$/;

/** Whether a failed connection (its `hostname`, or `address` and `port`) was the one to `proxy`. */
function isConnectionTo(proxy: string, cause: { hostname?: unknown; address?: unknown; port?: unknown }): boolean {
	let url: URL;
	try {
		url = new URL(proxy);
	} catch {
		return false;
	}
	const host = url.hostname.replace(/^\[|\]$/g, '').toLowerCase();
	const port = Number(url.port || (url.protocol === 'https:' ? 443 : 80));
	if (typeof cause.hostname === 'string') {
		return cause.hostname.toLowerCase() === host;
	}
	// A refused connection names the address it tried: the proxy's, if the proxy is given by address.
	const byAddress = /^[\d.]+$|:/.test(host);
	return cause.port === port && (!byAddress || cause.address === host);
}

/**
 * The network problem in an error's cause chain (fetch wraps the socket's error), if any.
 * `proxy`: the proxy requests go through, to tell a proxy that cannot be reached.
 */
export function networkProblemOf(error: unknown, proxy?: string): NetworkProblem | undefined {
	for (let cause: unknown = error, depth = 0; cause && depth < 6; cause = (cause as { cause?: unknown }).cause, depth++) {
		const code = (cause as { code?: unknown }).code;
		if (typeof code === 'string' && CERTIFICATE_CODE.test(code)) {
			return { kind: 'certificate', code };
		}
		if (proxy && typeof code === 'string' && UNREACHABLE_CODE.test(code) && isConnectionTo(proxy, cause as object)) {
			return { kind: 'proxyUnreachable', proxy: proxy.replace(/\/\/[^@/]*@/, '//') };
		}
		const message = (cause as { message?: unknown }).message;
		const refusal = typeof message === 'string' ? PROXY_REFUSAL.exec(message) : null;
		if (refusal) {
			return { kind: 'proxy', status: Number(refusal[1]) };
		}
	}
	return undefined;
}

/** What to tell the user: nothing was sent (so nothing was charged), and which settings fix it. */
export function describeNetworkProblem(problem: NetworkProblem, endpoint: string): UserFacingError {
	if (problem.kind === 'certificate') {
		return { message: l10n.t('The certificate of {0} is not trusted ({1}), so nothing was sent. Behind a proxy that inspects TLS, add its root certificate to the system\'s trusted certificates, or turn off http.proxyStrictSSL in your user settings (with the proxy set in http.proxy). Then try again.', endpoint, problem.code), actions: ['retry'] };
	}
	if (problem.kind === 'proxyUnreachable') {
		return { message: l10n.t('Could not reach the proxy {0}, so nothing was sent to {1}. Check that the proxy runs and that http.proxy (or HTTPS_PROXY) names it, or list the endpoint\'s host in http.noProxy; then try again.', problem.proxy, endpoint), actions: ['retry'] };
	}
	return { message: l10n.t('The proxy refused the connection to {0} ({1}), so nothing was sent. Check http.proxy (credentials go in it as http://user:password@host:port) and http.noProxy, then try again.', endpoint, problem.status), actions: ['retry'] };
}
