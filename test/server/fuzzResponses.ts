/**
 * Damaged answers for the fuzz test: in fuzz mode every image request gets a response drawn
 * from a seeded generator (the seed and the request number decide it, so a run can be
 * repeated): truncated, bit-flipped, wrong lengths and framing, huge declared sizes, absurd
 * JSON, wrong content types, events out of order, HTTP errors with odd bodies, or a valid
 * stream. Each response says which final images arrived whole before any damage: those
 * must end up in the extension's history.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { deflateSync } from 'node:zlib';
import { renderImage, type ImageFormat } from './imageFactory';

export interface FuzzOutcome {
	/** Which kind of damage, with its variant: `truncated/destroy`, `absurd_json/deep`, … */
	readonly case: string;
	/** sha256 of each final image that arrived whole before anything was damaged. */
	readonly keep: string[];
}

export interface FuzzRequest {
	readonly seed: number;
	readonly seq: number;
	readonly isEdit: boolean;
	readonly format: ImageFormat;
	readonly partials: number;
	readonly request: IncomingMessage;
	readonly response: ServerResponse;
	readonly signal: AbortSignal;
	readonly headers: Record<string, string>;
}

/** mulberry32: small, fast, and the same numbers for the same seed everywhere. */
export function prng(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const CASES: readonly [string, number][] = [
	['valid', 14],
	['valid_noise', 5],
	['truncated', 11],
	['bitflip', 11],
	['garbage', 7],
	['absurd_json', 11],
	['out_of_order', 8],
	['content_type', 6],
	['http_error', 6],
	['framing', 8],
	['huge_image', 6],
	['huge_event', 2],
	['empty', 3],
	['slow_drip', 2],
];
const TOTAL_WEIGHT = CASES.reduce((sum, [, weight]) => sum + weight, 0);

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
function flushed(response: ServerResponse): Promise<void> {
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

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
/**
 * The endpoint's own pause between a response's whole part and its damage, as a real server
 * stalls before it breaks: what the fuzz cases emulate, not a test waiting for a result.
 */
const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

function crc32(bytes: Uint8Array): number {
	let crc = 0xffffffff;
	for (const byte of bytes) {
		crc ^= byte;
		for (let k = 0; k < 8; k++) {
			crc = crc & 1 ? 0xedb88320 ^ (crc >>> 1) : crc >>> 1;
		}
	}
	return (crc ^ 0xffffffff) >>> 0;
}

/** A PNG with any header and image data: for headers no encoder would write. */
export function craftedPng(width: number, height: number, colorType: number, data: Uint8Array): Buffer {
	const chunk = (type: string, body: Uint8Array): Buffer => {
		const out = Buffer.alloc(12 + body.length);
		out.writeUInt32BE(body.length, 0);
		out.write(type, 4, 'latin1');
		out.set(body, 8);
		out.writeUInt32BE(crc32(out.subarray(4, 8 + body.length)), 8 + body.length);
		return out;
	};
	const header = Buffer.alloc(13);
	header.writeUInt32BE(width >>> 0, 0);
	header.writeUInt32BE(height >>> 0, 4);
	header.set([8, colorType, 0, 0, 0], 8);
	return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', data), chunk('IEND', new Uint8Array(0))]);
}

let bombData: Buffer | undefined;
/** zlib data that inflates to 256 MiB of zeros (about 256 KB). */
function deflateBomb(): Buffer {
	bombData ??= deflateSync(Buffer.alloc(256 * 1024 * 1024), { level: 9 });
	return bombData;
}

/** A JPEG whose frame header declares 65535×65535 pixels. */
function hugeJpeg(): Buffer {
	return Buffer.from([0xff, 0xd8, 0xff, 0xc0, 0x00, 0x11, 0x08, 0xff, 0xff, 0xff, 0xff, 0x03, 0x01, 0x22, 0x00, 0x02, 0x11, 0x01, 0x03, 0x11, 0x01, 0xff, 0xd9]);
}

interface StreamEvent {
	readonly text: string;
	/** The final image's bytes, for a `completed` event. */
	readonly final?: Buffer;
}

/** Writes one response for a request in fuzz mode and says what the client must keep. */
export async function fuzzResponse(request: FuzzRequest): Promise<FuzzOutcome> {
	const random = prng((request.seed ^ Math.imul(request.seq, 0x9e3779b1)) >>> 0);
	const int = (below: number) => Math.floor(random() * below);
	const pick = <T>(values: readonly T[]): T => values[int(values.length)];
	const { response, signal } = request;
	const prefix = request.isEdit ? 'image_edit' : 'image_generation';
	const seedText = `fuzz|${request.seed}|${request.seq}`;
	const image = async (partial?: number) => renderImage({ width: 48 + int(32), height: 48 + int(32), format: request.format, seed: `${seedText}|${partial ?? 'final'}`, partial: partial === undefined ? undefined : { index: partial, of: request.partials } });
	const common = { created_at: Math.floor(Date.now() / 1000), size: '1024x1024', quality: 'low', background: 'opaque', output_format: request.format };
	const usage = { input_tokens: 12, input_tokens_details: { text_tokens: 12, image_tokens: 0 }, output_tokens: 272, total_tokens: 284 };
	const eventText = (name: string | null, data: unknown) => `${name ? `event: ${name}\n` : ''}data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`;
	const partialEvent = async (index: number): Promise<StreamEvent> => ({ text: eventText(`${prefix}.partial_image`, { type: `${prefix}.partial_image`, b64_json: (await image(index)).toString('base64'), partial_image_index: index, ...common }) });
	const finalEvent = async (bytes?: Buffer, extra: Record<string, unknown> = {}): Promise<StreamEvent> => {
		const final = bytes ?? await image();
		return { text: eventText(`${prefix}.completed`, { type: `${prefix}.completed`, b64_json: final.toString('base64'), ...common, usage, ...extra }), final };
	};
	const validEvents = async (): Promise<StreamEvent[]> => {
		const events: StreamEvent[] = [];
		for (let index = 0; index < request.partials; index++) {
			events.push(await partialEvent(index));
		}
		events.push(await finalEvent());
		return events;
	};
	const sseHeaders = { ...request.headers, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' };

	/** The stream's bytes, where each event ends, and the finals among them. */
	const layout = (events: readonly StreamEvent[]) => {
		const parts: Buffer[] = [];
		const finals: { end: number; bytes: Buffer }[] = [];
		let at = 0;
		for (const event of events) {
			const bytes = Buffer.from(event.text, 'utf8');
			parts.push(bytes);
			at += bytes.length;
			if (event.final) {
				finals.push({ end: at, bytes: event.final });
			}
		}
		return { body: Buffer.concat(parts), finals };
	};
	/** The first final (a request asks for one image) if it ends before `damageAt`. */
	const keptBefore = (finals: readonly { end: number; bytes: Buffer }[], damageAt: number) => finals.length > 0 && finals[0].end <= damageAt ? [sha256(finals[0].bytes)] : [];

	/** Sends what is before `at`, gives the client time to read it, then the rest (damaged). */
	const writeInTwo = async (body: Buffer, at: number, rest: Buffer, end: 'end' | 'destroy') => {
		response.writeHead(200, sseHeaders);
		response.write(body.subarray(0, at));
		await sleep(60);
		if (signal.aborted) {
			return;
		}
		if (rest.length > 0) {
			response.write(rest);
		}
		if (end === 'destroy') {
			await flushed(response);
			response.destroy();
		} else {
			response.end();
		}
	};

	let roll = random() * TOTAL_WEIGHT;
	let kind = CASES[0][0];
	for (const [name, weight] of CASES) {
		roll -= weight;
		if (roll < 0) {
			kind = name;
			break;
		}
	}

	switch (kind) {
		case 'valid': {
			const { body, finals } = layout(await validEvents());
			response.writeHead(200, sseHeaders);
			response.end(body);
			return { case: kind, keep: keptBefore(finals, Infinity) };
		}
		case 'valid_noise': {
			// What the format allows and a client must skip: comments, unknown fields and events, [DONE].
			const events = await validEvents();
			const noise: StreamEvent[] = [];
			for (const event of events) {
				noise.push({ text: `: keep-alive ${'.'.repeat(int(2000))}\n${int(2) ? 'id: 7\nretry: 10\n' : ''}\n` });
				noise.push({ text: eventText(`${prefix}.in_progress`, { type: `${prefix}.in_progress`, note: 'x'.repeat(int(100)) }) });
				noise.push(event);
			}
			noise.push({ text: 'data: [DONE]\n\n' });
			const { body, finals } = layout(noise);
			const mode = pick(['crlf', 'cr', 'lf'] as const);
			const text = mode === 'lf' ? body : Buffer.from(body.toString('utf8').replace(/\n/g, mode === 'crlf' ? '\r\n' : '\r'), 'utf8');
			response.writeHead(200, sseHeaders);
			response.end(text);
			return { case: `${kind}/${mode}`, keep: keptBefore(finals, Infinity) };
		}
		case 'truncated': {
			const { body, finals } = layout(await validEvents());
			const at = int(body.length);
			const end = pick(['end', 'destroy'] as const);
			await writeInTwo(body, at, Buffer.alloc(0), end);
			return { case: `${kind}/${end}`, keep: keptBefore(finals, at) };
		}
		case 'bitflip': {
			const { body, finals } = layout(await validEvents());
			const damaged = Buffer.from(body);
			const first = int(body.length);
			const flips = 1 + int(8);
			for (let flip = 0; flip < flips; flip++) {
				const at = flip === 0 ? first : first + int(body.length - first);
				damaged[at] ^= 1 << int(8);
			}
			await writeInTwo(damaged, first, damaged.subarray(first), 'end');
			return { case: kind, keep: keptBefore(finals, first) };
		}
		case 'garbage': {
			const { body, finals } = layout(await validEvents());
			const at = int(body.length);
			const variant = pick(['random', 'nul', 'utf8', 'lines'] as const);
			const size = 64 + int(8192);
			const garbage = variant === 'random' ? Buffer.from(Array.from({ length: size }, () => int(256)))
				: variant === 'nul' ? Buffer.alloc(size)
					: variant === 'utf8' ? Buffer.from(Array.from({ length: size }, () => 0x80 + int(64)))
						: Buffer.from('\n\n\r\r\ndata:\ndata: {\n\n'.repeat(1 + int(50)));
			await writeInTwo(body, at, Buffer.concat([garbage, body.subarray(at)]), 'end');
			// A run of blank lines and empty data lines can end an event early: what came before is still whole.
			return { case: `${kind}/${variant}`, keep: keptBefore(finals, at) };
		}
		case 'absurd_json': {
			const events = await validEvents();
			const finalBytes = events[events.length - 1].final!;
			// Absurd fields around a good image: the image is read, the rest ignored or priced at nothing.
			const harmless: [string, StreamEvent][] = [
				['usage', await finalEvent(finalBytes, { usage: pick([null, 'lots', { output_tokens: 'NaN', input_tokens: -1 }, [1, 2], { input_tokens_details: 5 }]) })],
				['size', await finalEvent(finalBytes, { size: 'x'.repeat(10_000), quality: { nested: true } })],
				['proto', { text: eventText(`${prefix}.completed`, `{"__proto__":{"polluted":true},"constructor":{"prototype":{"bad":1}},"type":"${prefix}.completed","b64_json":"${finalBytes.toString('base64')}","usage":{"output_tokens":1}}`), final: finalBytes }],
			];
			const fatal: [string, string][] = [
				['null', 'null'], ['array', '[]'], ['string', '"image"'], ['number', '1e999'], ['deep', '['.repeat(200_000)],
				['no_b64', JSON.stringify({ type: `${prefix}.completed`, ...common })],
				['b64_number', JSON.stringify({ type: `${prefix}.completed`, b64_json: 12345 })],
				['b64_alphabet', JSON.stringify({ type: `${prefix}.completed`, b64_json: '!!!not base64 at all***' })],
				['b64_not_image', JSON.stringify({ type: `${prefix}.completed`, b64_json: Buffer.from('hello, this is not an image').toString('base64') })],
				['partial_index', JSON.stringify({ type: `${prefix}.partial_image`, b64_json: finalBytes.toString('base64'), partial_image_index: pick([-1, 'x', 1e300, 2.5, null]) })],
				['error_number', JSON.stringify({ error: 5 })],
				['error_event', JSON.stringify({ type: 'error', error: { message: 'x'.repeat(100_000), code: { nested: [] } } })],
				['unterminated', `{"type":"${prefix}.completed","b64_json":"${finalBytes.toString('base64')}`],
			];
			if (random() < 0.3) {
				const [name, final] = pick(harmless);
				const { body, finals } = layout([...events.slice(0, -1), final]);
				response.writeHead(200, sseHeaders);
				response.end(body);
				return { case: `${kind}/${name}`, keep: keptBefore(finals, Infinity) };
			}
			const [name, data] = pick(fatal);
			const position = int(events.length);
			const withAbsurd = [...events.slice(0, position), { text: eventText(name === 'error_event' ? 'error' : `${prefix}.completed`, data) }, ...events.slice(position)];
			const { body } = layout(withAbsurd);
			response.writeHead(200, sseHeaders);
			response.end(body);
			// Nothing after the absurd event is read; the final comes after it.
			return { case: `${kind}/${name}`, keep: [] as string[] };
		}
		case 'out_of_order': {
			const events = await validEvents();
			const final = events[events.length - 1];
			const partials = events.slice(0, -1);
			const variant = pick(['final_first', 'partials_reversed', 'two_finals', 'done_first', 'error_after', 'names_swapped'] as const);
			const ordered: StreamEvent[] = variant === 'final_first' ? [final, ...partials]
				: variant === 'partials_reversed' ? [...partials.reverse(), final]
					: variant === 'two_finals' ? [final, await finalEvent(), ...partials]
						: variant === 'done_first' ? [{ text: 'data: [DONE]\n\n' }, ...events]
							: variant === 'error_after' ? [...events, { text: eventText('error', { type: 'error', error: { message: 'late error' } }) }]
								: events.map(event => ({ ...event, text: event.text.replace(/^event: \S+/, event.final ? `event: ${prefix}.partial_image` : `event: ${prefix}.completed`) }));
			const { body, finals } = layout(ordered);
			response.writeHead(200, sseHeaders);
			response.end(body);
			return { case: `${kind}/${variant}`, keep: variant === 'done_first' ? [] : keptBefore(finals, Infinity) };
		}
		case 'content_type': {
			const final = await image();
			const variant = pick(['json', 'html', 'text', 'octet', 'none', 'lookalike'] as const);
			const body = variant === 'json' ? JSON.stringify({ created: 1, data: [{ b64_json: final.toString('base64') }] })
				: variant === 'html' ? '<!doctype html><html><body><h1>Welcome to nginx!</h1></body></html>'
					: layout(await validEvents()).body.toString('utf8');
			const type = { json: 'application/json', html: 'text/html; charset=utf-8', text: 'text/plain', octet: 'application/octet-stream', none: undefined, lookalike: 'text/event-streamed' }[variant];
			response.removeHeader('content-type');
			response.writeHead(200, { ...request.headers, ...(type ? { 'content-type': type } : {}) });
			response.end(body);
			return { case: `${kind}/${variant}`, keep: [] };
		}
		case 'http_error': {
			const status = pick([400, 401, 403, 404, 409, 413, 418, 422, 429, 500, 502, 503, 520]);
			const variant = pick(['html', 'empty', 'cut_json', 'megabyte', 'api_json', 'error_null', 'sse'] as const);
			const body = variant === 'html' ? '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>'
				: variant === 'empty' ? ''
					: variant === 'cut_json' ? '{"error": {"message": "The server had an err'
						: variant === 'megabyte' ? 'x'.repeat(1024 * 1024)
							: variant === 'api_json' ? JSON.stringify({ error: { message: 'Something odd happened.', type: 'server_error', param: null, code: null } })
								: variant === 'error_null' ? '{"error": null}'
									: layout(await validEvents()).body.toString('utf8');
			const retryAfter = status === 429 ? { 'retry-after': pick(['-1', 'NaN', '1e9', '0', 'soon', '1']) } : {};
			response.writeHead(status, { ...request.headers, 'content-type': variant === 'sse' ? 'text/event-stream' : variant.includes('json') ? 'application/json' : 'text/html', ...retryAfter });
			response.end(body);
			return { case: `${kind}/${status}/${variant}`, keep: [] };
		}
		case 'framing': {
			// Written straight to the socket: lengths and chunk sizes that lie.
			const { body, finals } = layout(await validEvents());
			const socket = request.request.socket;
			const variant = pick(['length_long', 'length_short', 'length_huge', 'bad_chunk', 'chunk_too_long', 'gzip_lie', 'both_lengths'] as const);
			const head = (headers: string) => `HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\nx-request-id: ${request.headers['x-request-id']}\r\n${headers}\r\n`;
			let keep: string[] = [];
			const writeSocket = (data: string | Buffer) => new Promise<void>(resolve => socket.write(data, () => resolve()));
			if (variant === 'length_long' || variant === 'length_huge') {
				await writeSocket(head(`content-length: ${variant === 'length_huge' ? '999999999999' : body.length + 1 + int(100_000)}\r\n`));
				await writeSocket(body);
				keep = keptBefore(finals, body.length);
				await sleep(60);
			} else if (variant === 'length_short') {
				const length = int(body.length);
				await writeSocket(head(`content-length: ${length}\r\n`));
				await writeSocket(body);
				keep = keptBefore(finals, length);
				await sleep(60);
			} else if (variant === 'bad_chunk' || variant === 'chunk_too_long') {
				const at = int(body.length);
				await writeSocket(head('transfer-encoding: chunked\r\n'));
				await writeSocket(`${at.toString(16)}\r\n`);
				await writeSocket(Buffer.concat([body.subarray(0, at), Buffer.from('\r\n')]));
				keep = keptBefore(finals, at);
				await sleep(60);
				await writeSocket(variant === 'bad_chunk' ? 'zz\r\nnot a chunk\r\n' : `10\r\n${'A'.repeat(200)}\r\n0\r\n\r\n`);
			} else if (variant === 'gzip_lie') {
				await writeSocket(head(`content-encoding: gzip\r\ncontent-length: ${body.length}\r\n`));
				await writeSocket(body);
			} else {
				await writeSocket(head(`content-length: ${body.length}\r\ntransfer-encoding: chunked\r\n`));
				await writeSocket(body);
			}
			socket.destroy();
			return { case: `${kind}/${variant}`, keep };
		}
		case 'huge_image': {
			const variant = pick(['png_line', 'png_bomb_partial', 'png_bomb_final', 'jpeg_huge', 'png_just_over'] as const);
			const bomb = craftedPng(2049, 1024, 6, deflateBomb());
			const events = await validEvents();
			let ordered: StreamEvent[];
			let keep: string[] = [];
			if (variant === 'png_bomb_partial') {
				const bombPartial = { text: eventText(`${prefix}.partial_image`, { type: `${prefix}.partial_image`, b64_json: bomb.toString('base64'), partial_image_index: 0, ...common }) };
				ordered = [bombPartial, ...events];
				keep = [sha256(events[events.length - 1].final!)];
			} else if (variant === 'png_bomb_final') {
				// Its header is a size a model makes: kept as it came (the card scaler refuses its data).
				ordered = [...events.slice(0, -1), await finalEvent(bomb)];
				keep = [sha256(bomb)];
			} else {
				const huge = variant === 'png_line' ? craftedPng(200_000_000, 1, 2, deflateSync(Buffer.alloc(4096)))
					: variant === 'png_just_over' ? craftedPng(3841, 2160, 2, deflateSync(Buffer.alloc(4096)))
						: hugeJpeg();
				ordered = [...events.slice(0, -1), await finalEvent(huge)];
			}
			const { body } = layout(ordered);
			response.writeHead(200, sseHeaders);
			response.end(body);
			return { case: `${kind}/${variant}`, keep };
		}
		case 'huge_event': {
			// One data line longer than any image the model makes, sent until the client stops reading.
			response.writeHead(200, sseHeaders);
			response.write(`event: ${prefix}.completed\ndata: {"type":"${prefix}.completed","b64_json":"`);
			const block = Buffer.alloc(256 * 1024, 0x41);
			for (let sent = 0; sent < 64 * 1024 * 1024 && !signal.aborted && !response.destroyed; sent += block.length) {
				if (!response.write(block)) {
					await drained(response);
				}
			}
			response.end();
			return { case: kind, keep: [] };
		}
		case 'empty': {
			const variant = pick(['end', 'destroy', 'done_only'] as const);
			response.writeHead(200, sseHeaders);
			if (variant === 'destroy') {
				response.flushHeaders();
				await flushed(response);
				response.destroy();
			} else {
				response.end(variant === 'done_only' ? 'data: [DONE]\n\n' : undefined);
			}
			return { case: `${kind}/${variant}`, keep: [] };
		}
		case 'slow_drip':
		default: {
			const { body, finals } = layout(await validEvents());
			response.writeHead(200, sseHeaders);
			for (let at = 0; at < body.length && !signal.aborted;) {
				const next = Math.min(body.length, at + 1 + int(4096));
				response.write(body.subarray(at, next));
				at = next;
				await new Promise(resolve => setImmediate(resolve));
			}
			response.end();
			return { case: kind, keep: keptBefore(finals, Infinity) };
		}
	}
}
