import * as assert from 'node:assert/strict';
import { createServer, request as httpRequest, type IncomingMessage, type Server } from 'node:http';
import { readFileSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { join } from 'node:path';
import { TLSSocket } from 'node:tls';
import * as vscode from 'vscode';
import type { FillResult } from '../../src/commands/fillMissingImages';
import type { GenerateCommandResult } from '../../src/commands/generateCommands';
import { api, closeAllEditors, openFreshDocument, placeCursor, rejectionOf, removeIfPresent } from './helpers';

/**
 * A host name no resolver knows (`.invalid` is reserved for that): a request to it can only
 * succeed through the test's proxy, which maps it to the test API server. This also keeps
 * clear of the loopback exemption proxies (and VS Code's proxy support) make for 127.0.0.1.
 */
const PROXIED_HOST = 'illustrate-api.invalid';

/**
 * The certificate a TLS-inspecting proxy presents for `PROXIED_HOST`, self-signed: no
 * system trusts it (test/fixtures/proxy, made with openssl for this test only).
 */
const INTERCEPT_TLS = {
	key: readFileSync(join(__dirname, '..', '..', '..', 'test', 'fixtures', 'proxy', 'intercepting-proxy.key')),
	cert: readFileSync(join(__dirname, '..', '..', '..', 'test', 'fixtures', 'proxy', 'intercepting-proxy.crt')),
};

/** What the proxy was asked for: a tunnel (CONNECT host:port) or an absolute-form request. */
interface ProxiedRequest {
	readonly method: string;
	readonly target: string;
}

/**
 * A small HTTP proxy, as a corporate one: CONNECT tunnels and absolute-form requests
 * (`GET http://host/path`), to `PROXIED_HOST` only, which it forwards to `upstream`.
 * With `intercept`, it inspects TLS as corporate proxies do: it ends the tunnel's TLS itself
 * with its own certificate and forwards the plain requests. It records what it was asked,
 * accepts a bounded number of connections, and closes them all.
 */
class TestProxy {
	readonly requests: ProxiedRequest[] = [];
	private readonly sockets = new Set<Socket>();
	private readonly server: Server;

	/** End the TLS of tunnels with `INTERCEPT_TLS` (a TLS-inspecting proxy). */
	intercept = false;

	private constructor(private readonly upstream: URL) {
		this.server = createServer((request, response) => this.forward(request, response));
		this.server.maxConnections = 64;
		this.server.on('connection', socket => this.track(socket));
		this.server.on('connect', (request: IncomingMessage, client: Socket, head: Buffer) => this.tunnel(request, client, head));
	}

	static async start(upstream: string): Promise<TestProxy> {
		const proxy = new TestProxy(new URL(upstream));
		await new Promise<void>(resolve => proxy.server.listen(0, '127.0.0.1', resolve));
		return proxy;
	}

	get url(): string {
		return `http://127.0.0.1:${(this.server.address() as { port: number }).port}`;
	}

	/** host:port of the upstream for a request to `PROXIED_HOST`, else undefined. */
	private route(host: string | undefined): { host: string; port: number } | undefined {
		return host?.split(':')[0] === PROXIED_HOST ? { host: this.upstream.hostname, port: Number(this.upstream.port) } : undefined;
	}

	private track(socket: Socket): void {
		this.sockets.add(socket);
		socket.on('close', () => this.sockets.delete(socket));
	}

	private tunnel(request: IncomingMessage, client: Socket, head: Buffer): void {
		this.requests.push({ method: 'CONNECT', target: request.url ?? '' });
		const route = this.route(request.url);
		if (!route) {
			client.end('HTTP/1.1 403 Forbidden\r\n\r\n');
			return;
		}
		const upstream = connect(route.port, route.host, () => {
			client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
			let inner: Socket = client;
			if (head.length > 0) {
				client.unshift(head);
			}
			if (this.intercept) {
				inner = new TLSSocket(client, { isServer: true, ...INTERCEPT_TLS });
				inner.on('error', () => client.destroy());
			}
			upstream.pipe(inner);
			inner.pipe(upstream);
		});
		this.track(upstream);
		upstream.on('error', () => client.destroy());
		client.on('error', () => upstream.destroy());
	}

	private forward(request: IncomingMessage, response: import('node:http').ServerResponse): void {
		this.requests.push({ method: request.method ?? '', target: request.url ?? '' });
		const target = URL.canParse(request.url ?? '') ? new URL(request.url ?? '') : undefined;
		const route = this.route(target?.host);
		if (!target || !route) {
			response.writeHead(403).end();
			return;
		}
		const upstream = httpRequest({ host: route.host, port: route.port, method: request.method, path: target.pathname + target.search, headers: request.headers }, answer => {
			response.writeHead(answer.statusCode ?? 502, answer.headers);
			answer.pipe(response);
		});
		upstream.on('error', () => response.destroy());
		request.pipe(upstream);
	}

	async close(): Promise<void> {
		for (const socket of this.sockets) {
			socket.destroy();
		}
		await new Promise(resolve => this.server.close(resolve));
	}
}

suite('Proxy: http.proxy, http.noProxy and http.proxyStrictSSL', () => {
	let proxy: TestProxy;
	let proxiedBaseUrl: string;

	suiteSetup(async () => {
		const upstream = new URL(process.env.OPENAI_BASE_URL ?? '');
		proxiedBaseUrl = `http://${PROXIED_HOST}:${upstream.port}/v1`;
		proxy = await TestProxy.start(upstream.origin);
	});

	suiteTeardown(async () => {
		await proxy.close();
	});

	setup(async () => {
		await api().reset();
		await removeIfPresent('proxy');
		proxy.requests.length = 0;
		await vscode.workspace.getConfiguration('illustrate').update('baseUrl', proxiedBaseUrl, vscode.ConfigurationTarget.Global);
		await vscode.workspace.getConfiguration('http').update('proxy', proxy.url, vscode.ConfigurationTarget.Global);
	});

	teardown(async () => {
		proxy.intercept = false;
		const http = vscode.workspace.getConfiguration('http');
		await http.update('proxy', undefined, vscode.ConfigurationTarget.Global);
		await http.update('noProxy', undefined, vscode.ConfigurationTarget.Global);
		await http.update('proxyStrictSSL', undefined, vscode.ConfigurationTarget.Global);
		await vscode.workspace.getConfiguration('illustrate').update('baseUrl', undefined, vscode.ConfigurationTarget.Global);
		await closeAllEditors();
	});

	/** Opens a document with an empty image placeholder, the cursor in it. */
	async function openPlaceholder(name: string): Promise<void> {
		const editor = await openFreshDocument(`proxy/${name}.md`, '![a kite]()\n');
		placeCursor(editor, '![a');
	}

	test('requests go through the proxy set in http.proxy', async () => {
		await openPlaceholder('a');
		const result = await vscode.commands.executeCommand<GenerateCommandResult>('illustrate.generateFromAltText', { insert: 'first', variants: 1, quality: 'low' });
		assert.equal(result.files.length, 1);
		assert.equal((await api().requests()).length, 1);
		// A request to this host can only have arrived through the proxy: no resolver knows it.
		assert.ok(proxy.requests.length >= 1, 'the proxy saw no request');
		assert.ok(proxy.requests.every(request => request.target.includes(`${PROXIED_HOST}:`)), JSON.stringify(proxy.requests));
	});

	test('a host in http.noProxy is reached directly, not through the proxy', async () => {
		await vscode.workspace.getConfiguration('http').update('noProxy', [PROXIED_HOST], vscode.ConfigurationTarget.Global);
		await openPlaceholder('b');
		// Directly, the made-up host does not resolve: the request fails without the proxy seeing it.
		const message = await rejectionOf('illustrate.generateFromAltText', { insert: 'first', variants: 1, quality: 'low' });
		assert.equal(message, `Illustrate: Could not reach ${proxiedBaseUrl}. Check your network connection (or illustrate.baseUrl), then try again.`);
		assert.deepEqual(proxy.requests, []);
		assert.equal((await api().requests()).length, 0);
	});

	test('a proxy that refuses the tunnel is named in the message', async () => {
		const refusedBaseUrl = proxiedBaseUrl.replace(PROXIED_HOST, 'refused.invalid');
		await vscode.workspace.getConfiguration('illustrate').update('baseUrl', refusedBaseUrl, vscode.ConfigurationTarget.Global);
		await openPlaceholder('c');
		const message = await rejectionOf('illustrate.generateFromAltText', { insert: 'first', variants: 1, quality: 'low' });
		assert.equal(message, `Illustrate: The proxy refused the connection to ${refusedBaseUrl} (403), so nothing was sent. Check http.proxy (credentials go in it as http://user:password@host:port) and http.noProxy, then try again.`);
		assert.ok(proxy.requests.length >= 1, 'the proxy saw no request');
		assert.equal((await api().requests()).length, 0);
	});

	test('a proxy that cannot be reached is named in the message', async () => {
		const closed = createServer();
		await new Promise<void>(resolve => closed.listen(0, '127.0.0.1', resolve));
		const downProxy = `http://127.0.0.1:${(closed.address() as { port: number }).port}`;
		await new Promise(resolve => closed.close(resolve));
		await vscode.workspace.getConfiguration('http').update('proxy', downProxy, vscode.ConfigurationTarget.Global);
		await openPlaceholder('f');
		const message = await rejectionOf('illustrate.generateFromAltText', { insert: 'first', variants: 1, quality: 'low' });
		assert.equal(message, `Illustrate: Could not reach the proxy ${downProxy}, so nothing was sent to ${proxiedBaseUrl}. Check that the proxy runs and that http.proxy (or HTTPS_PROXY) names it, or list the endpoint's host in http.noProxy; then try again.`);
		assert.equal((await api().requests()).length, 0);
	});

	test('a proxy that inspects TLS: its certificate is refused until http.proxyStrictSSL is off, then requests go through', async () => {
		proxy.intercept = true;
		const httpsBaseUrl = proxiedBaseUrl.replace('http:', 'https:');
		await vscode.workspace.getConfiguration('illustrate').update('baseUrl', httpsBaseUrl, vscode.ConfigurationTarget.Global);
		await openPlaceholder('d');
		const message = await rejectionOf('illustrate.generateFromAltText', { insert: 'first', variants: 1, quality: 'low' });
		assert.match(message, new RegExp(`^Illustrate: The certificate of ${httpsBaseUrl.replace(/[.]/g, '\\.')} is not trusted \\([A-Z_]+\\), so nothing was sent\\. .*http\\.proxyStrictSSL`));
		assert.ok(proxy.requests.length >= 1, 'the proxy saw no request');
		assert.equal((await api().requests()).length, 0);

		// The change takes effect at the next request, with no reload; a generation and an edit
		// (multipart, the first image the reference for the second) both go through.
		proxy.requests.length = 0;
		await vscode.workspace.getConfiguration('http').update('proxyStrictSSL', false, vscode.ConfigurationTarget.Global);
		await openFreshDocument('proxy/e.md', '![a lighthouse]()\n\n![the same lighthouse at night]()\n');
		const result = await vscode.commands.executeCommand<FillResult>('illustrate.fillMissingImages', { confirm: false, reference: 'first' });
		assert.deepEqual(result.failures, []);
		assert.equal(result.files.length, 2);
		const requests = [...await api().requests()].sort((a, b) => a.seq - b.seq);
		assert.deepEqual(requests.map(request => [request.path, request.valid]), [['/v1/images/generations', true], ['/v1/images/edits', true]]);
		assert.equal(requests[1].files.length, 1, 'the reference image was uploaded with the edit');
		const tunnel = { method: 'CONNECT', target: `${PROXIED_HOST}:${new URL(proxiedBaseUrl).port}` };
		assert.ok(proxy.requests.length >= 1 && proxy.requests.every(request => request.method === tunnel.method && request.target === tunnel.target), JSON.stringify(proxy.requests));
	});
});
