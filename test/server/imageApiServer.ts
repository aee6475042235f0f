/**
 * A local stand-in for OpenAI's Images API: `/v1/images/generations` and
 * `/v1/images/edits`, JSON and streaming (SSE), validated against the OpenAPI spec,
 * real image bytes of the requested size, every request recorded, failures on demand.
 * Tests in other processes (the extension host) drive it through `/__control/*`.
 *
 * This module starts the server and routes each request; the parts live by job:
 * `modelRules.ts` (what the API refuses), `requestBody.ts` (JSON and multipart),
 * `imageRoutes.ts` and `imageResponses.ts` (the image endpoints, their JSON and event streams),
 * `controlApi.ts` (request log, failure injection, `/__control/*`), `serverConfig.ts`, `requestLog.ts`.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { sendJson } from './httpReplies';
import type { FailureSpec } from './apiFailures';
import { handleControl, ServerState } from './controlApi';
import { handleImages } from './imageRoutes';
import { BatchState, handleBatchControl, handleBatches } from './batchRoutes';
import { handleFiles } from './fileRoutes';
import type { RecordedPreflight, RecordedRequest } from './requestLog';
import type { ServerConfig } from './serverConfig';

export interface ImageApiServer {
	/** Base URL for the SDK, ending in `/v1`. */
	readonly url: string;
	readonly origin: string;
	readonly requests: RecordedRequest[];
	/** CORS preflights, in order (the web extension's requests come from the browser). */
	readonly preflights: RecordedPreflight[];
	readonly config: ServerConfig;
	configure(change: Partial<ServerConfig>): void;
	fail(...failures: FailureSpec[]): void;
	reset(): void;
	/** The bytes of a final image sent for a request. */
	imageBytes(requestId: string, index: number): Buffer | undefined;
	/** Lets held final images go (see `holdFinals`). */
	releaseFinals(): void;
	/** The bytes of a file uploaded with a request (an edit's image, mask or markup), in arrival order. */
	uploadedBytes(requestId: string, index: number): Buffer | undefined;
	/** `/v1/files` and `/v1/batches` (batchRoutes.ts), driven by tests through `/__control/batches`. */
	readonly batches: BatchState;
	close(): Promise<void>;
}

/** Response headers a browser lets the client read: the SDK's request id, rate limits, retry-after. */
const EXPOSED_HEADERS = [
	'x-request-id', 'openai-processing-ms', 'openai-version', 'openai-organization',
	'retry-after', 'retry-after-ms',
	'x-ratelimit-limit-requests', 'x-ratelimit-remaining-requests', 'x-ratelimit-reset-requests',
	'x-ratelimit-limit-tokens', 'x-ratelimit-remaining-tokens', 'x-ratelimit-reset-tokens',
];

/** Starts the server on 127.0.0.1 (port 0 picks a free one). */
export async function startImageApiServer(options: { port?: number; config?: Partial<ServerConfig> } = {}): Promise<ImageApiServer> {
	const state = new ServerState(options.config);
	const batches = new BatchState();
	const sockets = new Set<Socket>();

	const http: Server = createServer((request, response) => {
		const url = new URL(request.url ?? '/', 'http://localhost');
		const path = url.pathname;
		// The API allows calls from any origin (the web extension sends them from the browser's
		// web worker): every answer carries CORS headers, and preflights are answered here.
		if (state.config.cors) {
			response.setHeader('access-control-allow-origin', '*');
			response.setHeader('access-control-expose-headers', EXPOSED_HEADERS.join(', '));
		}
		if (request.method === 'OPTIONS') {
			const requested = request.headers['access-control-request-headers'] ?? '';
			state.preflights.push({
				path,
				...(typeof request.headers.origin === 'string' ? { origin: request.headers.origin } : {}),
				...(typeof request.headers['access-control-request-method'] === 'string' ? { method: request.headers['access-control-request-method'] } : {}),
				headers: requested.split(',').map(name => name.trim().toLowerCase()).filter(Boolean),
			});
			response.writeHead(204, state.config.cors ? {
				'access-control-allow-methods': 'GET, POST, OPTIONS',
				...(requested ? { 'access-control-allow-headers': requested } : {}),
				'access-control-max-age': '600',
			} : {});
			response.end();
			return;
		}
		if (path === '/__control/reset') {
			batches.reset();
		}
		const batchApi = path.startsWith('/v1/files') ? handleFiles(batches.files, request, response, path, url, { afterLines: state.config.holdContentAfterLines, released: signal => state.finalsReleased(signal, state.config.holdContentAfterLines > 0) })
			: path.startsWith('/v1/batches') ? handleBatches(batches, state.config, request, response, path, url)
				: path.startsWith('/__control/batches') ? handleBatchControl(batches, state.config, request, response, path) : undefined;
		if (batchApi) {
			batchApi.catch(error => {
				if (!response.headersSent) {
					sendJson(response, 500, { error: { message: `Test server failure: ${String(error)}`, type: 'server_error', param: null, code: null } });
				}
			});
			return;
		}
		const azure = /^\/openai\/deployments\/([^/]+)\/images\/(generations|edits)$/.exec(path);
		const handle = path.startsWith('/__control/')
			? handleControl(state, request, response, path)
			: request.method === 'POST' && (path === '/v1/images/generations' || path === '/v1/images/edits')
				? handleImages(state, request, response, path, path)
				: request.method === 'POST' && azure
					? handleImages(state, request, response, `/v1/images/${azure[2]}`, path, { deployment: decodeURIComponent(azure[1]), apiVersion: url.searchParams.get('api-version') })
					: request.method === 'GET' && path === '/v1/models'
						? Promise.resolve(sendJson(response, 200, { object: 'list', data: state.config.models.map(id => ({ id, object: 'model', created: 1_776_000_000, owned_by: 'openai' })) }))
						: Promise.resolve(sendJson(response, 404, { error: { message: `Invalid URL (${request.method} ${path})`, type: 'invalid_request_error', param: null, code: null } }));
		handle.catch(error => {
			if (!response.headersSent) {
				sendJson(response, 500, { error: { message: `Test server failure: ${String(error)}`, type: 'server_error', param: null, code: null } });
			} else {
				response.destroy();
			}
		});
	});
	http.on('connection', socket => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>(resolve => http.listen(options.port ?? 0, '127.0.0.1', resolve));
	const { port } = http.address() as AddressInfo;
	const origin = `http://127.0.0.1:${port}`;

	const server: ImageApiServer = {
		url: `${origin}/v1`,
		origin,
		requests: state.requests,
		preflights: state.preflights,
		config: state.config,
		configure: change => state.configure(change),
		fail: (...failures) => state.fail(...failures),
		reset: () => {
			state.reset();
			batches.reset();
		},
		batches,
		imageBytes: (requestId, index) => state.imageBytes(requestId, index),
		uploadedBytes: (requestId, index) => state.uploadedBytes(requestId, index),
		releaseFinals: () => state.releaseFinals(),
		close() {
			for (const socket of sockets) {
				socket.destroy();
			}
			return new Promise(resolve => http.close(() => resolve()));
		},
	};
	return server;
}
