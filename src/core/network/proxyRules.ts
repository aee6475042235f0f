/**
 * Which proxy a request goes through, by the rules VS Code's proxy support applies to
 * extensions (`@vscode/proxy-agent`): loopback is always direct; `http.noProxy` when it has
 * entries, else `NO_PROXY`; then `http.proxy`, else `HTTPS_PROXY`/`HTTP_PROXY`.
 */

export interface ProxySettings {
	/** `http.proxy`: `http://host:port`, `https://…`, or `socks…://…`; empty or undefined for none. */
	readonly proxy?: string;
	/** `http.noProxy`: host names (a leading dot or none: the host and its subdomains), optionally `:port`; `*` for all. */
	readonly noProxy?: readonly string[];
	/** The process environment, for HTTPS_PROXY, HTTP_PROXY and NO_PROXY (lower or upper case). */
	readonly env?: Readonly<Record<string, string | undefined>>;
}

/** Whether `hostname:port` matches one of the no-proxy entries. */
export function bypassesProxy(entries: readonly string[], hostname: string, port: string): boolean {
	const filters = entries.map(entry => entry.trim().toLowerCase()).filter(entry => entry.length > 0);
	if (filters.includes('*')) {
		return true;
	}
	const host = `.${hostname.toLowerCase().replace(/^\[|\]$/g, '')}`;
	return filters.some(filter => {
		const [name, filterPort] = filter.split(':', 2);
		const domain = name.startsWith('.') ? name : `.${name}`;
		return host.endsWith(domain) && (!filterPort || filterPort === port);
	});
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '::1', '[::1]', '::ffff:127.0.0.1', '[::ffff:127.0.0.1]']);

/**
 * The proxy URL a request to `target` goes through, or undefined for a direct connection
 * (none configured, loopback, or excluded by the no-proxy list).
 */
export function proxyFor(target: string, settings: ProxySettings): string | undefined {
	let url: URL;
	try {
		url = new URL(target);
	} catch {
		return undefined;
	}
	if (url.protocol !== 'http:' && url.protocol !== 'https:') {
		return undefined;
	}
	if (LOOPBACK.has(url.hostname.toLowerCase())) {
		return undefined;
	}
	const env = settings.env ?? {};
	const port = url.port || (url.protocol === 'https:' ? '443' : '80');
	const noProxy = settings.noProxy?.length ? settings.noProxy : (env.no_proxy || env.NO_PROXY || '').split(',');
	if (bypassesProxy(noProxy, url.hostname, port)) {
		return undefined;
	}
	return configuredProxy(settings);
}

/** The proxy configured for all requests: `http.proxy`, else the environment's; undefined for none. */
export function configuredProxy(settings: ProxySettings): string | undefined {
	const env = settings.env ?? {};
	const proxy = (settings.proxy?.trim() || env.https_proxy || env.HTTPS_PROXY || env.http_proxy || env.HTTP_PROXY)?.trim();
	return proxy && proxy.includes('://') ? proxy : undefined;
}
