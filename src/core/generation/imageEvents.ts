import { costFromUsage, type ImageUsage } from '../cost/cost';
import type { ServerSentEvent } from './sseEvents';

/** One image of a stream, checked: a partial image or the final one, its base64 not yet decoded. */
export interface ImageStreamEvent {
	readonly final: boolean;
	readonly b64: string;
	/** For a partial image: which one (0, 1, …). */
	readonly partialIndex: number;
	readonly size?: string;
	readonly quality?: string;
	/** For a final image: its price from `usage`, when the event has a readable one. */
	readonly costUsd?: number;
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

/**
 * Reads one event of an image stream, trusting nothing in it: the type, the base64 text, the
 * partial index and the usage are checked before anything uses them. Throws
 * `MalformedEventError` for data that is not JSON or an image event without an image.
 */
export function readStreamEvent(sse: ServerSentEvent): StreamItem {
	if (sse.data === '[DONE]') {
		return { kind: 'done' };
	}
	let data: unknown;
	try {
		data = JSON.parse(sse.data);
	} catch {
		throw new MalformedEventError('json', `${sse.data.length} characters that are not JSON`);
	}
	const record = typeof data === 'object' && data !== null && !Array.isArray(data) ? data as Record<string, unknown> : undefined;
	if (sse.event === 'error' || record?.type === 'error' || (record && 'error' in record && record.error !== null && record.error !== undefined)) {
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
	if (typeof b64 !== 'string' || b64.length === 0) {
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
			partialIndex: final ? 0 : index as number,
			size: label(record.size),
			quality: label(record.quality),
			costUsd: final ? usageCost(record.usage) : undefined,
		},
	};
}
