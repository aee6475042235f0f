import * as vscode from 'vscode';
import type { Dispatcher } from 'undici';
import { configuredProxy, proxyFor, type ProxySettings } from '../core/network/proxyRules';
import { environment } from '../platform/environment';

/**
 * What the SDK needs to reach the API behind a proxy, beyond what VS Code does already.
 *
 * VS Code's proxy support for extensions (`http.proxySupport`, `http.fetchAdditionalSupport`)
 * patches the extension host's global `fetch`, which the SDK uses: it sends requests through
 * `http.proxy` (or HTTPS_PROXY), skips `http.noProxy` (or NO_PROXY) hosts and adds the system's
 * certificates (`http.systemCertificates`). It leaves `http.proxyStrictSSL` to extensions,
 * though, so a proxy that re-signs TLS with a certificate the system does not trust fails
 * with every request. With `http.proxyStrictSSL` off (in user settings), requests that go
 * through a proxy are sent by undici's ProxyAgent without checking certificates; all others
 * keep the global `fetch`. Undefined when there is nothing to add, as in the web, where the
 * browser does the proxying.
 */
export async function proxyFetch(): Promise<typeof fetch | undefined> {
	// A constant condition, so the web bundle drops the Node part with its import.
	if (!ILLUSTRATE_WEB) {
		const settings = readProxySettings();
		if (settings) {
			return lenientProxyFetch(settings);
		}
		releaseAgent();
	}
	return undefined;
}

/**
 * The proxy requests are sent through, when one is set (`http.proxy` or the environment's),
 * for naming it when it cannot be reached. Undefined in the web, and with `http.proxySupport` off.
 */
export function configuredProxyUrl(): string | undefined {
	if (ILLUSTRATE_WEB) {
		return undefined;
	}
	const http = vscode.workspace.getConfiguration('http');
	return http.get<string>('proxySupport') === 'off' ? undefined : configuredProxy({ proxy: http.get<string>('proxy'), env: environment() });
}

/**
 * The proxy settings when `http.proxyStrictSSL` is off and an HTTP(S) proxy is configured,
 * otherwise undefined (VS Code's own proxy support does all that is needed).
 */
function readProxySettings(): ProxySettings | undefined {
	const http = vscode.workspace.getConfiguration('http');
	// Only the user can turn certificate checks off: never a workspace.
	if (http.inspect<boolean>('proxyStrictSSL')?.globalValue !== false || http.get<string>('proxySupport') === 'off') {
		return undefined;
	}
	const settings: ProxySettings = { proxy: http.get<string>('proxy'), noProxy: http.get<string[]>('noProxy') ?? [], env: environment() };
	// undici's ProxyAgent speaks HTTP(S) to the proxy; SOCKS stays with VS Code's support.
	return /^https?:\/\//i.test(configuredProxy(settings) ?? '') ? settings : undefined;
}

/** One agent per proxy URL, replaced when the settings name another, closed when unused. */
let cachedAgent: { readonly proxy: string; readonly agent: Dispatcher } | undefined;

/** Closes the cached agent once its requests are done (new requests no longer use it). */
function releaseAgent(): void {
	void cachedAgent?.agent.close().catch(() => undefined);
	cachedAgent = undefined;
}

async function lenientProxyFetch(settings: ProxySettings): Promise<typeof fetch> {
	const undici = await import('undici');
	const agentFor = (proxy: string): Dispatcher => {
		if (cachedAgent?.proxy !== proxy) {
			releaseAgent();
			const lenient = { rejectUnauthorized: false };
			cachedAgent = { proxy, agent: new undici.ProxyAgent({ uri: proxy, requestTls: lenient, proxyTls: lenient }) };
		}
		return cachedAgent.agent;
	};
	return async (input, init) => {
		const proxy = typeof input === 'string' || input instanceof URL ? proxyFor(String(input), settings) : undefined;
		if (!proxy || !/^https?:\/\//i.test(proxy)) {
			return fetch(input, init);
		}
		let body = init?.body;
		const headers = new Headers(init?.headers);
		// undici's fetch encodes only its own FormData class (the SDK's, the global one, would
		// be sent as "[object FormData]"): it is encoded here by the global Response, with its
		// boundary, into bytes, so the upload has a length (some proxies refuse chunked ones).
		if (body instanceof FormData) {
			const encoded = new Response(body);
			headers.set('content-type', encoded.headers.get('content-type') ?? 'multipart/form-data');
			body = new Uint8Array(await encoded.arrayBuffer());
		}
		const response = await undici.fetch(String(input), {
			...(init as Parameters<typeof undici.fetch>[1]),
			headers: [...headers],
			body: body as NonNullable<Parameters<typeof undici.fetch>[1]>['body'],
			...(body instanceof ReadableStream ? { duplex: 'half' } : {}),
			dispatcher: agentFor(proxy),
		});
		return response as unknown as Response;
	};
}
