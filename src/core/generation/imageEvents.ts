import { costFromSvgUsage, costFromUsage, type ImageUsage } from '../cost/cost';
import { isSplitBase64, joinSplitBase64, takeOutBase64, type SplitBase64 } from '../encoding/unparsedBase64';
import type { RawServerSentEvent, ServerSentEvent, SplitServerSentEvent } from './sseEvents';

/** One image of a stream, checked: a partial image or the final one, its base64 not yet decoded. */
export interface ImageStreamEvent {
	readonly final: boolean;
	/** The image's base64 text; empty when `bytes` holds it decoded. */
	readonly b64: string;
	/**
	 * The image, decoded as the event streamed in (`sseEvents` with `splitBase64`): strict
	 * base64, so exactly what decoding `b64` would give.
	 */
	readonly bytes?: Uint8Array;
	/** For a partial image: which one (0, 1, …). */
	readonly partialIndex: number;
	readonly size?: string;
	readonly quality?: string;
	/** For a final image: its price from `usage`, when the event has a readable one. */
	readonly costUsd?: number;
	/**
	 * The base64 was taken from the event's bytes without parsing it as JSON (see
	 * `readStreamEvent`): a control character in it makes the event not JSON at all.
	 */
	readonly unparsed?: boolean;
}

/** What one server-sent event of an image stream says. */
export type StreamItem =
	| { readonly kind: 'image'; readonly event: ImageStreamEvent }
	/** The API's `error` event (or any event with an `error` field): the error object as sent. */
	| { readonly kind: 'error'; readonly error: Record<string, unknown> }
	| { readonly kind: 'done' }
	/** An event of another type (a newer API's, say): skipped. */
	| { readonly kind: 'other' };

/** An event that is not what the Images API sends: `json`, not JSON at all; `shape`, an image event without a usable image. */
export class MalformedEventError extends Error {
	constructor(readonly problem: 'json' | 'shape', detail: string) {
		super(`Malformed image event (${problem}): ${detail}`);
		this.name = 'MalformedEventError';
	}
}

const PARTIAL_TYPES = new Set(['image_generation.partial_image', 'image_edit.partial_image']);
const FINAL_TYPES = new Set(['image_generation.completed', 'image_edit.completed']);
/** Longer `size` or `quality` values are not the API's: they are dropped, not stored in the recipe. */
const MAX_LABEL_LENGTH = 32;

function label(value: unknown): string | undefined {
	return typeof value === 'string' && value.length > 0 && value.length <= MAX_LABEL_LENGTH ? value : undefined;
}

function count(value: unknown): number | undefined {
	return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/** The price of a final image from its `usage`, undefined when there is none or it is not numbers. */
export function usageCost(usage: unknown): number | undefined {
	if (typeof usage !== 'object' || usage === null) {
		return undefined;
	}
	const record = usage as Record<string, unknown>;
	const details = typeof record.input_tokens_details === 'object' && record.input_tokens_details !== null ? record.input_tokens_details as Record<string, unknown> : {};
	const checked: ImageUsage = {
		input_tokens: count(record.input_tokens),
		output_tokens: count(record.output_tokens),
		input_tokens_details: { text_tokens: count(details.text_tokens), image_tokens: count(details.image_tokens) },
	};
	const cost = costFromUsage(checked);
	return Number.isFinite(cost) ? cost : undefined;
}

/** The price of an SVG's authoring from a reply's `svg_usage`; undefined when there is none, it is not numbers, or its model has no listed price. */
export function svgUsageCost(usage: unknown): number | undefined {
	if (typeof usage !== 'object' || usage === null) {
		return undefined;
	}
	const record = usage as Record<string, unknown>;
	const cost = costFromSvgUsage({
		model: typeof record.model === 'string' && record.model.length <= 100 ? record.model : undefined,
		input_tokens: count(record.input_tokens),
		output_tokens: count(record.output_tokens),
		reasoning_tokens: count(record.reasoning_tokens),
		total_tokens: count(record.total_tokens),
	});
	return cost !== undefined && Number.isFinite(cost) ? cost : undefined;
}

const decoder = new TextDecoder();

/**
 * An image event's data split without parsing its 20+ MB of base64 as JSON: the event with
 * `b64_json` empty, parsed, and the base64 text, made a string once. Undefined where that
 * cannot be done exactly (no top-level `"b64_json":"…"` written that way, an escape in the
 * value, data that is not JSON): the whole event is then parsed as text. Measured by bench/b64Extraction.ts; the event is never a string twice
 * (the line, then its parsed value) as it was.
 */
export function splitImageData(data: Uint8Array): { readonly record: Record<string, unknown>; readonly b64: string } | undefined {
	const split = takeOutBase64(data);
	const record = split?.parsed;
	// The empty value must be the event's own b64_json, not one of a nested object.
	if (!split || typeof record !== 'object' || record === null || Array.isArray(record) || (record as Record<string, unknown>).b64_json !== '') {
		return undefined;
	}
	return { record: record as Record<string, unknown>, b64: split.b64 };
}

/**
 * Reads one event of an image stream, trusting nothing in it: the type, the base64 text, the
 * partial index and the usage are checked before anything uses them. Throws
 * `MalformedEventError` for data that is not JSON or an image event without an image. Data
 * as bytes (`sseEvents` with `rawData`) has its base64 taken out unparsed where that is exact
 * (see `splitImageData`); data split as it streamed in (`splitBase64`) comes with its image
 * already decoded (`ImageStreamEvent.bytes`), the rest of the event parsed here and checked
 * as the whole would be, or (not the event's own `b64_json`, not JSON) read from its bytes
 * rebuilt exactly. The result is the same as for the data as text.
 */
export function readStreamEvent(sse: ServerSentEvent | RawServerSentEvent | SplitServerSentEvent): StreamItem {
	if (isSplitBase64(sse.data)) {
		const record = splitRecord(sse.data);
		if (!record) {
			// Not the event's own b64_json, or the rest is not JSON: read as the bytes it came as.
			return readStreamEvent({ event: sse.event, data: joinSplitBase64(sse.data) });
		}
		const item = streamItem(sse.event, record, sse.data.bytes);
		return item.kind === 'image' ? { kind: 'image', event: { ...item.event, unparsed: true } } : item;
	}
	if (typeof sse.data !== 'string') {
		const split = splitImageData(sse.data);
		if (!split) {
			return readStreamEvent({ event: sse.event, data: decoder.decode(sse.data) });
		}
		const item = streamItem(sse.event, { ...split.record, b64_json: split.b64 });
		return item.kind === 'image' ? { kind: 'image', event: { ...item.event, unparsed: true } } : item;
	}
	if (sse.data === '[DONE]') {
		return { kind: 'done' };
	}
	let data: unknown;
	try {
		data = JSON.parse(sse.data);
	} catch {
		throw new MalformedEventError('json', `${sse.data.length} characters that are not JSON`);
	}
	return streamItem(sse.event, data);
}

/** The event around a split value, parsed: undefined unless it is an object whose own `b64_json` was the value. */
function splitRecord(split: SplitBase64): Record<string, unknown> | undefined {
	let record: unknown;
	try {
		record = JSON.parse(decoder.decode(split.head) + decoder.decode(split.tail));
	} catch {
		return undefined;
	}
	return typeof record === 'object' && record !== null && !Array.isArray(record) && (record as Record<string, unknown>).b64_json === '' ? record as Record<string, unknown> : undefined;
}

/** What an event's parsed data says; `image`, its image already decoded (its `b64_json` then empty). */
function streamItem(eventName: string | null, data: unknown, image?: Uint8Array): StreamItem {
	const record = typeof data === 'object' && data !== null && !Array.isArray(data) ? data as Record<string, unknown> : undefined;
	if (eventName === 'error' || record?.type === 'error' || (record && 'error' in record && record.error !== null && record.error !== undefined)) {
		const error = record?.error;
		return { kind: 'error', error: typeof error === 'object' && error !== null && !Array.isArray(error) ? error as Record<string, unknown> : { message: typeof error === 'string' ? error : 'The endpoint sent an error event.' } };
	}
	if (!record) {
		throw new MalformedEventError('shape', `${Array.isArray(data) ? 'an array' : typeof data} instead of an event object`);
	}
	const type = record.type;
	if (typeof type !== 'string' || (!PARTIAL_TYPES.has(type) && !FINAL_TYPES.has(type))) {
		return { kind: 'other' };
	}
	const b64 = record.b64_json;
	if (typeof b64 !== 'string' || (image ? image.length : b64.length) === 0) {
		throw new MalformedEventError('shape', `${type} without b64_json`);
	}
	const final = FINAL_TYPES.has(type);
	const index = record.partial_image_index;
	if (!final && !(typeof index === 'number' && Number.isInteger(index) && index >= 0 && index < 100)) {
		throw new MalformedEventError('shape', `${type} with partial_image_index ${JSON.stringify(index)?.slice(0, 20)}`);
	}
	return {
		kind: 'image',
		event: {
			final,
			b64,
			...(image ? { bytes: image } : {}),
			partialIndex: final ? 0 : index as number,
			size: label(record.size),
			quality: label(record.quality),
			costUsd: final ? usageCost(record.usage) : undefined,
		},
	};
}
