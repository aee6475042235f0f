import type { ApiFailure, ResponseProblem } from './apiErrors';
import { decodeBase64 } from '../encoding/base64';
import { readImageInfo, type ImageInfo } from '../images/imageInfo';
import { EventTooLargeError, sseEvents, type SseOptions } from './sseEvents';
import { MalformedEventError, readStreamEvent, type ImageStreamEvent } from './imageEvents';

/** A response Illustrate stopped reading: the problem says why, for the message. */
export class ResponseProblemError extends Error {
	constructor(readonly problem: ResponseProblem) {
		super(problem.kind);
		this.name = 'ResponseProblemError';
	}
}

/** A failure already classified: an error event in the stream, or what a sender reports as data. */
export class ApiFailureError extends Error {
	constructor(readonly failure: ApiFailure) {
		super(failure.message);
		this.name = 'ApiFailureError';
	}
}

/** An error event as the `openai` SDK's APIError reads it (no HTTP status: the status was 200). */
export function errorEventFailure(error: Record<string, unknown>, headers: unknown): ApiFailure {
	const message = error.message
		? typeof error.message === 'string' ? error.message : JSON.stringify(error.message)
		: JSON.stringify(error);
	return { kind: 'http', status: undefined, code: error.code as string | null | undefined, type: error.type as string | undefined, message: message || '(no status code or body)', headers };
}

/**
 * The items of a streaming response (the request is sent and its status checked), read with
 * Illustrate's SSE reader: the SDK's reader scans every byte in JavaScript twice, 350–710 ms
 * for one 24 MB event of a 3840×2160 image against 280–390 ms. Nothing in the body is
 * trusted: it must be an event stream, no event may be longer than the largest image the
 * model makes, and each event is checked before it is used. An error event throws
 * `ApiFailureError`, as the SDK's stream throws its APIError.
 */
export async function* streamItems(response: Response, options: SseOptions): AsyncGenerator<ImageStreamEvent> {
	const contentType = response.headers.get('content-type') ?? '';
	if (!/^\s*text\/event-stream\s*(;|$)/i.test(contentType)) {
		await response.body?.cancel().catch(() => undefined);
		throw new ResponseProblemError({ kind: 'contentType', contentType: contentType.split(';')[0].trim() });
	}
	if (!response.body) {
		return;
	}
	try {
		// Data as bytes: an image's base64 is taken out of them without parsing the whole event.
		for await (const sse of sseEvents(response.body, { ...options, rawData: true })) {
			const item = readStreamEvent(sse);
			if (item.kind === 'done') {
				return;
			}
			if (item.kind === 'error') {
				throw new ApiFailureError(errorEventFailure(item.error, response.headers));
			}
			if (item.kind === 'image') {
				yield item.event;
			}
		}
	} catch (error) {
		if (error instanceof EventTooLargeError) {
			throw new ResponseProblemError({ kind: 'eventTooLarge', limitBytes: error.limitBytes });
		}
		if (error instanceof MalformedEventError) {
			throw new ResponseProblemError({ kind: error.problem === 'json' ? 'malformedJson' : 'malformedEvent' });
		}
		throw error;
	}
}

/** The bytes of an event's image, checked: a problem when they are not base64 of an image, or declare more pixels than `maxPixels`. */
export function imageOf(event: ImageStreamEvent, maxPixels: number): { bytes: Uint8Array; info: ImageInfo } | ResponseProblem {
	let bytes: Uint8Array;
	try {
		bytes = decodeBase64(event.b64);
	} catch {
		// Base64 taken out unparsed (imageEvents.ts): a raw control character in it is what JSON.parse would have refused.
		return { kind: event.unparsed && /[\u0000-\u001f]/.test(event.b64) ? 'malformedJson' : 'malformedEvent' };
	}
	const info = readImageInfo(bytes);
	if (!info || info.width === 0 || info.height === 0) {
		return { kind: 'notAnImage' };
	}
	if (info.width * info.height > maxPixels) {
		return { kind: 'imageTooLarge', width: info.width, height: info.height };
	}
	return { bytes, info };
}
