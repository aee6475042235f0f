/**
 * The tests' side of the server: the request log, the bytes sent and received, failures
 * injected on demand, held final images, and the `/__control/*` routes through which tests in
 * other processes (the extension host) drive all that.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { sendJson } from './httpReplies';
import type { FailureSpec } from './apiFailures';
import { readBody } from './requestBody';
import type { RecordedPreflight, RecordedRequest } from './requestLog';
import { DEFAULT_CONFIG, type ServerConfig } from './serverConfig';

/** How many requests' sent and uploaded bytes are kept for `imageBytes` and `uploadedBytes`. */
const KEPT_IMAGE_REQUESTS = 40;

/** What the server recorded and what the tests asked of it; `reset` empties it between tests. */
export class ServerState {
	readonly requests: RecordedRequest[] = [];
	/** CORS preflights, in order. */
	readonly preflights: RecordedPreflight[] = [];
	readonly config: ServerConfig;
	private failures: Array<FailureSpec & { remaining: number }> = [];
	private readonly sentBytes = new Map<string, Buffer[]>();
	private readonly uploads = new Map<string, Buffer[]>();
	private release: { promise: Promise<void>; resolve: () => void } | undefined;
	/** Image requests since the server started (not reset between tests). */
	private seq = 0;

	constructor(private readonly initial: Partial<ServerConfig> = {}) {
		this.config = { ...DEFAULT_CONFIG, ...initial };
	}

	/** Numbers an incoming image request. */
	nextSeq(): number {
		return ++this.seq;
	}

	/** The last number given to an image request. */
	get currentSeq(): number {
		return this.seq;
	}

	configure(change: Partial<ServerConfig>): void {
		Object.assign(this.config, change);
	}

	fail(...added: FailureSpec[]): void {
		this.failures.push(...added.map(failure => ({ ...failure, remaining: failure.times ?? 1 })));
	}

	/** The first queued failure for this endpoint and prompt, used up once per request it hits. */
	takeFailure(path: string, prompt: string): FailureSpec | undefined {
		const match = this.failures.find(failure => failure.remaining > 0
			&& (!failure.path || failure.path === path)
			&& (!failure.promptIncludes || prompt.includes(failure.promptIncludes)));
		if (match) {
			match.remaining--;
			this.failures = this.failures.filter(failure => failure.remaining > 0);
		}
		return match;
	}

	reset(): void {
		this.releaseFinals();
		this.requests.length = 0;
		this.preflights.length = 0;
		this.failures = [];
		this.sentBytes.clear();
		this.uploads.clear();
		Object.assign(this.config, DEFAULT_CONFIG, this.initial);
	}

	/** Lets held final images go (see `holdFinals`), and held file downloads (`holdContentAfterLines`). */
	releaseFinals(): void {
		this.config.holdFinals = false;
		this.config.holdContentAfterLines = 0;
		this.release?.resolve();
		this.release = undefined;
	}

	/** Resolves when final images may be sent: at once, or when released, or when the client leaves. */
	finalsReleased(signal: AbortSignal, held = this.config.holdFinals): Promise<void> {
		if (!held) {
			return Promise.resolve();
		}
		if (!this.release) {
			let resolve!: () => void;
			const promise = new Promise<void>(done => { resolve = done; });
			this.release = { promise, resolve };
		}
		return Promise.race([this.release.promise, new Promise<void>(done => signal.addEventListener('abort', () => done(), { once: true }))]);
	}

	/** Keeps the bytes of a final image sent for a request (for the last few requests). */
	keepSent(requestId: string, index: number, bytes: Buffer): void {
		const list = this.sentBytes.get(requestId) ?? [];
		list[index] = bytes;
		this.sentBytes.set(requestId, list);
		if (this.sentBytes.size > KEPT_IMAGE_REQUESTS) {
			this.sentBytes.delete(this.sentBytes.keys().next().value as string);
		}
	}

	/** Keeps the files uploaded with a request, in arrival order (for the last few requests). */
	keepUploads(requestId: string, ordered: Buffer[]): void {
		this.uploads.set(requestId, ordered);
		if (this.uploads.size > KEPT_IMAGE_REQUESTS) {
			this.uploads.delete(this.uploads.keys().next().value as string);
		}
	}

	imageBytes(requestId: string, index: number): Buffer | undefined {
		return this.sentBytes.get(requestId)?.[index];
	}

	uploadedBytes(requestId: string, index: number): Buffer | undefined {
		return this.uploads.get(requestId)?.[index];
	}
}

/** `/__control/*`: the request log and the bytes, reset, config, release of held finals, failures. */
export async function handleControl(state: ServerState, request: IncomingMessage, response: ServerResponse, path: string): Promise<void> {
	const imageMatch = /^\/__control\/requests\/([^/]+)\/(images|files)\/(\d+)$/.exec(path);
	if (request.method === 'GET' && path === '/__control/requests') {
		sendJson(response, 200, state.requests);
	} else if (request.method === 'GET' && imageMatch) {
		const index = Number(imageMatch[3]);
		const bytes = imageMatch[2] === 'images' ? state.imageBytes(imageMatch[1], index) : state.uploadedBytes(imageMatch[1], index);
		if (bytes) {
			response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.length });
			response.end(bytes);
		} else {
			sendJson(response, 404, { error: 'no such image' });
		}
	} else if (request.method === 'POST' && path === '/__control/reset') {
		state.reset();
		sendJson(response, 200, { ok: true });
	} else if (request.method === 'POST' && path === '/__control/config') {
		state.configure(JSON.parse((await readBody(request)).toString('utf8') || '{}') as Partial<ServerConfig>);
		sendJson(response, 200, state.config);
	} else if (request.method === 'POST' && path === '/__control/release') {
		state.releaseFinals();
		sendJson(response, 200, { ok: true });
	} else if (request.method === 'POST' && path === '/__control/failures') {
		const { failures: added } = JSON.parse((await readBody(request)).toString('utf8')) as { failures: FailureSpec[] };
		state.fail(...added);
		sendJson(response, 200, { ok: true });
	} else {
		sendJson(response, 404, { error: `unknown control route ${request.method} ${path}` });
	}
}
