/** What the test server writes back, and when: the API's errors, JSON replies, pauses, and waiting for a response to drain or flush. */
import type { ServerResponse } from 'node:http';

/** An error as the Images API reports it: its HTTP status and its `error` object. */
export class ApiError extends Error {
	constructor(readonly status: number, readonly type: string, readonly code: string | null, message: string, readonly param: string | null = null) {
		super(message);
	}
}

/** Writes a JSON reply with its length. */
export function sendJson(response: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}): void {
	const text = JSON.stringify(value);
	response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
	response.end(text);
}

/** Writes the API's error reply: `{ error: { message, type, param, code } }`. */
export function sendApiError(response: ServerResponse, error: ApiError, headers: Record<string, string> = {}): void {
	sendJson(response, error.status, { error: { message: error.message, type: error.type, param: error.param, code: error.code } }, headers);
}

/** Resolves after `ms`, or at once when `signal` aborts. */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
	return new Promise(resolve => {
		if (ms <= 0 || signal.aborted) {
			resolve();
			return;
		}
		const timer = setTimeout(resolve, ms);
		signal.addEventListener('abort', () => {
			clearTimeout(timer);
			resolve();
		}, { once: true });
	});
}

/** Resolves when `response` can take more, or is closed. */
export function drained(response: ServerResponse): Promise<void> {
	return new Promise(resolve => {
		const done = () => {
			response.off('drain', done);
			response.off('close', done);
			resolve();
		};
		response.on('drain', done);
		response.on('close', done);
	});
}

/** Resolves once everything written to `response` so far has gone to the operating system. */
export function flushed(response: ServerResponse): Promise<void> {
	return new Promise(resolve => {
		const socket = response.socket;
		if (!socket || socket.destroyed) {
			resolve();
			return;
		}
		// Socket writes complete in order: this empty one completes after every earlier byte.
		socket.write(Buffer.alloc(0), () => resolve());
	});
}
