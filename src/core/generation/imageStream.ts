import type { ApiFailure, ResponseProblem } from './apiErrors';
import { decodeBase64 } from '../encoding/base64';
import { readImageInfo, type ImageInfo } from '../images/imageInfo';
import { sanitizeSvg, SvgRejectedError } from '../images/svgSanitizer';
import { EventTooLargeError, sseEvents, StreamReadError, type SseOptions } from './sseEvents';
import { MalformedEventError, readStreamEvent, svgUsageCost, usageCost, type ImageStreamEvent } from './imageEvents';

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
	return { kind: 'http', status: undefined, code: error.code as string | null | undefined, type: error.type as string | undefined, param: typeof error.param === 'string' ? error.param : undefined, message: message || '(no status code or body)', headers };
}

/**
 * The items of a streaming response (the request is sent and its status checked), read with
 * Illustrate's SSE reader: the SDK's reader scans every byte in JavaScript twice, 350–710 ms
 * for one 24 MB event of a 3840×2160 image. Illustrate's finds line ends natively and decodes
 * an image's base64 as its event streams in, into the image's bytes: the event is never held
 * whole nor its base64 made a string (bench/b64Extraction.ts). Nothing in the body is
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
		// An image's base64 is decoded as its event streams in, never a string, and the event never held whole.
		for await (const sse of sseEvents(response.body, { ...options, splitBase64: true })) {
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

/** Whether bytes begin as XML text does (after a byte-order mark and whitespace): `<`. */
function looksLikeMarkup(bytes: Uint8Array): boolean {
	let at = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
	while (at < bytes.length && at < 4096 && (bytes[at] === 0x20 || bytes[at] === 0x09 || bytes[at] === 0x0a || bytes[at] === 0x0d)) {
		at++;
	}
	return bytes[at] === 0x3c;
}

/**
 * The bytes of an event's image, checked: a problem when they are not base64 of an image, or
 * declare more pixels than `maxPixels`. An SVG is sanitised here, before anything stores, shows
 * or saves it (src/core/images/svgSanitizer.ts): its bytes are the sanitised ones, and
 * `removed` lists what went.
 */
export function imageOf(event: ImageStreamEvent, maxPixels: number): { bytes: Uint8Array; info: ImageInfo; removed?: readonly string[] } | ResponseProblem {
	let bytes: Uint8Array;
	try {
		bytes = event.bytes ?? decodeBase64(event.b64);
	} catch {
		// Base64 taken out unparsed (imageEvents.ts): a raw control character in it is what JSON.parse would have refused.
		return { kind: event.unparsed && /[\u0000-\u001f]/.test(event.b64) ? 'malformedJson' : 'malformedEvent' };
	}
	const info = readImageInfo(bytes);
	// Sanitised here, where every image arrives, before anything stores, shows or saves it; the
	// sanitiser also judges markup the sniffing does not call an SVG (a root it would refuse).
	if (info?.format === 'svg' || (!info && looksLikeMarkup(bytes))) {
		try {
			const safe = sanitizeSvg(bytes);
			// An SVG is drawn at any size: its declared one may be absent, and bounds no decoding.
			return { bytes: safe.bytes, info: { format: 'svg', width: safe.width, height: safe.height }, removed: safe.removed };
		} catch (error) {
			if (error instanceof SvgRejectedError) {
				return { kind: 'notAnImage' };
			}
			throw error;
		}
	}
	if (!info || info.width === 0 || info.height === 0) {
		return { kind: 'notAnImage' };
	}
	if (info.width * info.height > maxPixels) {
		return { kind: 'imageTooLarge', width: info.width, height: info.height };
	}
	return { bytes, info };
}

/** The most images one JSON reply is read for: the API's `n` is at most 10. */
const MAX_REPLY_IMAGES = 10;

/**
 * The images of a whole JSON reply (`stream: false`: SVG and GIF, which the API does not
 * stream), as final events: the body is read up to `maxBytes` (the largest reply of the
 * images asked for) and nothing in it is trusted. Its price is the image's `usage` plus the
 * SVG author's `svg_usage`, on the first image (the reply prices the request as a whole). An
 * `error` object in the reply throws `ApiFailureError` as an error event does.
 */
export async function* replyItems(response: Response, options: { readonly maxBytes: number; readonly onChunk?: () => void }): AsyncGenerator<ImageStreamEvent> {
	const contentType = response.headers.get('content-type') ?? '';
	if (!/^\s*application\/json\s*(;|$)/i.test(contentType)) {
		await response.body?.cancel().catch(() => undefined);
		throw new ResponseProblemError({ kind: 'contentType', contentType: contentType.split(';')[0].trim() });
	}
	if (!response.body) {
		throw new ResponseProblemError({ kind: 'malformedJson' });
	}
	const chunks: Uint8Array[] = [];
	let length = 0;
	const reader = response.body.getReader();
	try {
		for (;;) {
			let read: ReadableStreamReadResult<Uint8Array>;
			try {
				read = await reader.read();
			} catch (error) {
				throw new StreamReadError(error);
			}
			if (read.done) {
				break;
			}
			options.onChunk?.();
			length += read.value.byteLength;
			if (length > options.maxBytes) {
				throw new ResponseProblemError({ kind: 'eventTooLarge', limitBytes: options.maxBytes });
			}
			chunks.push(read.value);
		}
	} finally {
		reader.cancel().catch(() => undefined);
	}
	const bytes = new Uint8Array(length);
	let at = 0;
	for (const chunk of chunks) {
		bytes.set(chunk, at);
		at += chunk.byteLength;
	}
	let reply: unknown;
	try {
		reply = JSON.parse(new TextDecoder().decode(bytes));
	} catch {
		throw new ResponseProblemError({ kind: 'malformedJson' });
	}
	if (typeof reply !== 'object' || reply === null || Array.isArray(reply)) {
		throw new ResponseProblemError({ kind: 'malformedEvent' });
	}
	const record = reply as Record<string, unknown>;
	if (typeof record.error === 'object' && record.error !== null && !Array.isArray(record.error)) {
		throw new ApiFailureError(errorEventFailure(record.error as Record<string, unknown>, response.headers));
	}
	const data = Array.isArray(record.data) ? record.data.slice(0, MAX_REPLY_IMAGES) : [];
	const imageCost = usageCost(record.usage);
	const svgCost = svgUsageCost(record.svg_usage);
	const label = (value: unknown) => typeof value === 'string' && value.length > 0 && value.length <= 32 ? value : undefined;
	for (const [index, item] of data.entries()) {
		const b64 = typeof item === 'object' && item !== null ? (item as Record<string, unknown>).b64_json : undefined;
		if (typeof b64 !== 'string' || b64.length === 0) {
			throw new ResponseProblemError({ kind: 'malformedEvent' });
		}
		const cost = index === 0 && (imageCost !== undefined || svgCost !== undefined) ? (imageCost ?? 0) + (svgCost ?? 0) : undefined;
		yield { final: true, b64, partialIndex: 0, size: label(record.size), quality: label(record.quality), ...(cost !== undefined ? { costUsd: cost } : {}) };
	}
}
