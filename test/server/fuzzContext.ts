/**
 * What every fuzz case draws on: the seeded random numbers, the request's valid events, the
 * stream's layout (where each event and final image ends), and writing a stream in two parts.
 */
import { createHash } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { flushed } from './httpReplies';
import { renderImage, type ImageFormat } from './imageFactory';

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

export interface FuzzOutcome {
	/** Which kind of damage, with its variant: `truncated/destroy`, `absurd_json/deep`, … */
	readonly case: string;
	/** sha256 of each final image that arrived whole before anything was damaged. */
	readonly keep: string[];
}

export interface StreamEvent {
	readonly text: string;
	/** The final image's bytes, for a `completed` event. */
	readonly final?: Buffer;
}

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');
/**
 * The endpoint's own pause between a response's whole part and its damage, as a real server
 * stalls before it breaks: what the fuzz cases emulate, not a test waiting for a result.
 */
export const sleep = (ms: number) => new Promise(resolve => setTimeout(resolve, ms));

export type FuzzContext = ReturnType<typeof fuzzContext>;

/** The helpers of one fuzzed response; `random` is its seeded generator (nothing here draws from it until used). */
export function fuzzContext(request: FuzzRequest, random: () => number) {
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
	return { request, random, int, pick, response, signal, prefix, image, common, usage, eventText, partialEvent, finalEvent, validEvents, sseHeaders, layout, keptBefore, writeInTwo };
}
