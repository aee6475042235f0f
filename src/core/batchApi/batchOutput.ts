import { concatBytes } from '../encoding/bytes';
import { takeOutBase64 } from '../encoding/unparsedBase64';
import { svgUsageCost, usageCost } from '../generation/imageEvents';
import type { ApiFailure } from '../generation/apiErrors';

/**
 * The longest line of an output file read: one image's response, its base64 included. A
 * 3840×2160 PNG of noise is 23 MB of base64; 96 MB leaves room and still bounds the memory.
 */
export const MAX_OUTPUT_LINE_BYTES = 96 * 1024 * 1024;

/** A line longer than the bound: skipped without being held, its length counted. */
export interface OverlongLine {
	readonly overlong: number;
}

const NEWLINE = 0x0a;

function indexOfByte(data: Uint8Array, byte: number, from: number): number {
	return typeof Buffer !== 'undefined' ? Buffer.from(data.buffer, data.byteOffset, data.byteLength).indexOf(byte, from) : data.indexOf(byte, from);
}

/**
 * The lines of a JSONL stream as bytes, one at a time, never the whole stream: each line is
 * held only until its newline; a line over `maxLineBytes` is dropped as it arrives (reported
 * as an `OverlongLine`). Blank lines are skipped; a `\r` before the newline is dropped.
 */
export async function* jsonlLines(chunks: AsyncIterable<Uint8Array>, maxLineBytes = MAX_OUTPUT_LINE_BYTES): AsyncGenerator<Uint8Array | OverlongLine> {
	let pieces: Uint8Array[] = [];
	let length = 0;
	let overlong = 0;
	const finish = (): Uint8Array | OverlongLine | undefined => {
		let result: Uint8Array | OverlongLine | undefined;
		if (overlong > 0) {
			result = { overlong };
		} else if (length > 0) {
			let line = concatBytes(pieces, length);
			if (line[line.length - 1] === 0x0d) {
				line = line.subarray(0, line.length - 1);
			}
			result = line.length > 0 ? line : undefined;
		}
		pieces = [];
		length = 0;
		overlong = 0;
		return result;
	};
	const take = (piece: Uint8Array) => {
		if (piece.length === 0) {
			return;
		}
		if (overlong > 0 || length + piece.length > maxLineBytes) {
			overlong = (overlong || length) + piece.length;
			pieces = [];
			length = 0;
			return;
		}
		pieces.push(piece);
		length += piece.length;
	};
	for await (const chunk of chunks) {
		let start = 0;
		for (let newline = indexOfByte(chunk, NEWLINE, 0); newline >= 0; newline = indexOfByte(chunk, NEWLINE, start)) {
			// A view, not a copy: a stream's chunks are its reader's to keep (a line over several chunks is joined once).
			take(chunk.subarray(start, newline));
			start = newline + 1;
			const line = finish();
			if (line) {
				yield line;
			}
		}
		take(chunk.subarray(start));
	}
	const last = finish();
	if (last) {
		yield last;
	}
}

/** A web stream's chunks, read one at a time (a browser's streams are not async iterable everywhere); leaving early cancels the stream. */
export async function* chunksOf(body: ReadableStream<Uint8Array>): AsyncGenerator<Uint8Array> {
	const reader = body.getReader();
	try {
		for (;;) {
			const { done, value } = await reader.read();
			if (done) {
				return;
			}
			yield value;
		}
	} finally {
		await reader.cancel().catch(() => undefined);
	}
}

/** What one line of a batch's output or error file says. */
export type BatchLine =
	| { readonly kind: 'image'; readonly customId: string; readonly b64: string; readonly costUsd?: number; readonly size?: string; readonly quality?: string }
	| { readonly kind: 'failure'; readonly customId: string; readonly failure: ApiFailure }
	/** A line that is none of these: not JSON, no `custom_id`, a success without an image. */
	| { readonly kind: 'malformed'; readonly customId?: string; readonly detail: string };

const decoder = new TextDecoder();

function object(value: unknown): Record<string, unknown> | undefined {
	return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : undefined;
}

function shortText(value: unknown, max = 2000): string | undefined {
	return typeof value === 'string' ? value.slice(0, max) : undefined;
}

/**
 * The line with its first image's base64 taken out without parsing it as JSON (tens of MB of
 * it; `takeOutBase64`, which a stream's events use too): the rest parsed with `b64_json`
 * empty, and the base64 as a string once. Undefined where that is not exact (no such key
 * written that way, an escape in the value, the emptied value not the first image's): the
 * line is then parsed whole.
 */
function splitLine(data: Uint8Array): { record: Record<string, unknown>; b64: string } | undefined {
	const split = takeOutBase64(data);
	const parsed = object(split?.parsed);
	// The emptied value must be the first image's, where the API puts it.
	const first = object((object(object(parsed?.response)?.body)?.data as unknown[] | undefined)?.[0]);
	if (!split || !parsed || first?.b64_json !== '') {
		return undefined;
	}
	return { record: parsed, b64: split.b64 };
}

/**
 * Reads one line of a batch's output or error file (`{ id, custom_id, response: { status_code,
 * body }, error }`), trusting nothing in it: a 2xx response with an image, or a failure with the
 * API's status, code and message (for the message a person reads), or malformed.
 */
export function readBatchLine(data: Uint8Array): BatchLine {
	let record: Record<string, unknown> | undefined;
	let b64: string | undefined;
	const split = splitLine(data);
	if (split) {
		record = split.record;
		b64 = split.b64;
	} else {
		try {
			record = object(JSON.parse(decoder.decode(data)));
		} catch {
			return { kind: 'malformed', detail: `${data.length} bytes that are not JSON` };
		}
	}
	if (!record) {
		return { kind: 'malformed', detail: 'not a JSON object' };
	}
	const customId = typeof record.custom_id === 'string' && record.custom_id.length > 0 && record.custom_id.length <= 200 ? record.custom_id : undefined;
	if (!customId) {
		return { kind: 'malformed', detail: 'no custom_id' };
	}
	const response = object(record.response);
	const status = typeof response?.status_code === 'number' && Number.isInteger(response.status_code) ? response.status_code : undefined;
	const body = object(response?.body);
	const lineError = object(record.error);
	if (lineError || status === undefined || status < 200 || status >= 300) {
		const error = object(body?.error) ?? lineError;
		return {
			kind: 'failure',
			customId,
			failure: {
				kind: status !== undefined ? 'http' : 'other',
				...(status !== undefined ? { status } : {}),
				code: shortText(error?.code, 100) ?? null,
				...(shortText(error?.type, 100) ? { type: shortText(error?.type, 100) } : {}),
				message: shortText(error?.message) ?? (status !== undefined ? `HTTP ${status}` : 'no response'),
			},
		};
	}
	const first = object((body?.data as unknown[] | undefined)?.[0]);
	const image = b64 ?? (typeof first?.b64_json === 'string' ? first.b64_json : undefined);
	if (!image) {
		return { kind: 'malformed', customId, detail: 'a success without b64_json' };
	}
	const size = shortText(body?.size, 32);
	const quality = shortText(body?.quality, 32);
	// An SVG's reply prices its author's tokens apart (`svg_usage`), as a synchronous reply does.
	const imageCost = usageCost(body?.usage);
	const svgCost = svgUsageCost(body?.svg_usage);
	const cost = imageCost !== undefined || svgCost !== undefined ? (imageCost ?? 0) + (svgCost ?? 0) : undefined;
	return { kind: 'image', customId, b64: image, ...(cost !== undefined ? { costUsd: cost } : {}), ...(size ? { size } : {}), ...(quality ? { quality } : {}) };
}
