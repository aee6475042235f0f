/**
 * The answers to an accepted image request: real images of the requested size, as one JSON
 * reply or as an event stream (partial images, then each final one, at the configured
 * latency), and the streams that never end on their own.
 */
import { createHash } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { errorReply, streamErrorEvent, type FailureSpec } from './apiFailures';
import type { ServerState } from './controlApi';
import { drained, sendJson, sleep } from './httpReplies';
import { renderImage, type ImageFormat } from './imageFactory';
import { DEFAULT_SVG_AUTHOR, GIF_FRAMES, gifAutoSize, gifDelayMs, OUTPUT_TOKENS_1024, STANDARD_SIZES } from './modelRules';
import type { ParsedBody } from './requestBody';
import type { RecordedRequest, SentImage } from './requestLog';

/** One accepted request being answered. */
export interface ImageReply {
	readonly state: ServerState;
	readonly record: RecordedRequest;
	readonly parsed: ParsedBody;
	readonly response: ServerResponse;
	readonly signal: AbortSignal;
	readonly baseHeaders: Record<string, string>;
	readonly isEdit: boolean;
}

/** A 200 event stream that never finishes on its own: the client's timeouts and limits must end it. */
export async function neverEnding(reply: ImageReply, kind: 'comment_flood' | 'endless_line' | 'stall_after_partial'): Promise<void> {
	const { state, parsed, response, signal, baseHeaders, isEdit } = reply;
	response.writeHead(200, { ...baseHeaders, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
	const prefix = isEdit ? 'image_edit' : 'image_generation';
	if (kind === 'stall_after_partial') {
		const format = (typeof parsed.body.output_format === 'string' ? parsed.body.output_format : 'png') as ImageFormat;
		const bytes = await renderImage({ width: 256, height: 256, format, seed: `stall|${state.currentSeq}`, partial: { index: 0, of: 2 } });
		response.write(`event: ${prefix}.partial_image\ndata: ${JSON.stringify({ type: `${prefix}.partial_image`, b64_json: bytes.toString('base64'), partial_image_index: 0, size: '1024x1024', quality: 'low', background: 'opaque', output_format: format })}\n\n`);
		await sleep(state.config.stallMs, signal);
	} else if (kind === 'comment_flood') {
		while (!signal.aborted) {
			response.write(': still rendering\n');
			await sleep(50, signal);
		}
	} else {
		response.write(`event: ${prefix}.completed\ndata: {"type":"${prefix}.completed","b64_json":"`);
		const block = Buffer.alloc(64 * 1024, 0x41);
		while (!signal.aborted) {
			// As fast as the client reads: the next block waits for the last to drain.
			if (!response.write(block)) {
				await drained(response);
			}
		}
	}
	response.destroy();
}

/** Renders the requested images and sends them, as JSON or as a stream; a `stream_error` failure breaks off after its images. */
export async function produceImages(reply: ImageReply, failure: FailureSpec | undefined): Promise<void> {
	const { state, record, parsed, response, signal, baseHeaders, isEdit } = reply;
	const config = state.config;
	const body = parsed.body;
	const n = typeof body.n === 'number' ? body.n : 1;
	const format = (typeof body.output_format === 'string' ? body.output_format : 'png') as ImageFormat;
	const compression = typeof body.output_compression === 'number' ? body.output_compression : undefined;
	const requestedQuality = typeof body.quality === 'string' ? body.quality : 'auto';
	const quality = requestedQuality === 'auto' ? 'high' : requestedQuality;
	let size = typeof body.size === 'string' ? body.size : 'auto';
	if (size === 'auto' && format === 'gif') {
		size = gifAutoSize(typeof body.frame_count === 'number' ? body.frame_count : GIF_FRAMES.default);
	} else if (size === 'auto') {
		const first = record.files.find(file => file.field.startsWith('image'));
		size = isEdit && first?.width && first.height && STANDARD_SIZES.has(`${first.width}x${first.height}`) ? `${first.width}x${first.height}` : '1024x1024';
	}
	const [width, height] = size.split('x').map(Number);
	const partialCount = record.stream && typeof body.partial_images === 'number' ? body.partial_images : 0;
	const background = body.background === 'transparent' ? 'transparent' : 'opaque';
	const prompt = String(body.prompt ?? '');
	const textTokens = Math.max(1, Math.ceil(prompt.length / 4));
	const imageInputTokens = record.files.filter(file => file.field.startsWith('image')).length * 323;
	const outputTokens = Math.round((OUTPUT_TOKENS_1024[quality] ?? 1767) * (width * height) / (1024 * 1024));
	const usage = {
		input_tokens: textTokens + imageInputTokens,
		input_tokens_details: { text_tokens: textTokens, image_tokens: imageInputTokens },
		output_tokens: outputTokens * n,
		total_tokens: textTokens + imageInputTokens + outputTokens * n,
	};
	const eventUsage = { ...usage, output_tokens: outputTokens, total_tokens: textTokens + imageInputTokens + outputTokens };
	const seed = (index: number) => config.seedPool > 0 ? `pool|${(record.seq + index) % config.seedPool}` : `${prompt}|${record.seq}|${index}`;
	const frames = format === 'gif' ? (typeof body.frame_count === 'number' ? body.frame_count : GIF_FRAMES.default) : undefined;
	const frameDelayMs = format === 'gif' ? gifDelayMs(typeof body.frame_duration_ms === 'number' ? body.frame_duration_ms : undefined) : undefined;
	const render = (index: number, partial?: number) => format === 'svg' && config.svgOverride ? Promise.resolve(Buffer.from(config.svgOverride, 'utf8')) : renderImage({
		width, height, format, compression, seed: seed(index), grain: config.grain,
		partial: partial === undefined ? undefined : { index: partial, of: partialCount },
		...(format === 'svg' ? { text: prompt } : {}),
		...(format === 'gif' ? { frames, frameDelayMs } : {}),
	});
	const fingerprint = (index: number, bytes: Buffer, partialIndex?: number): SentImage => ({ index, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length, width, height, format, partialIndex });
	const remember = (sent: SentImage, bytes: Buffer) => {
		if (sent.partialIndex === undefined) {
			record.images.push(sent);
			state.keepSent(record.id, sent.index, bytes);
		} else {
			record.partials.push(sent);
		}
	};
	const started = Date.now();
	/** When image `index` (partial `partial`) is ready, relative to the start. */
	const readyAt = (index: number, partial?: number) => {
		const slot = config.parallelVariants ? 0 : index;
		const fraction = partial === undefined ? 1 : (partial + 1) / (partialCount + 1);
		return config.firstByteMs + (slot + fraction) * config.imageMs;
	};
	const waitUntil = (at: number) => sleep(started + at - Date.now(), signal);

	if (!record.stream) {
		const data: { b64_json: string }[] = [];
		for (let index = 0; index < n; index++) {
			const bytes = await render(index);
			remember(fingerprint(index, bytes), bytes);
			data.push({ b64_json: bytes.toString('base64') });
		}
		await waitUntil(readyAt(n - 1));
		if (signal.aborted) {
			return;
		}
		if (failure?.kind === 'stream_error') {
			record.status = 500;
			const reply = errorReply({ kind: 'server_error' }, { model: String(body.model), requestId: record.id });
			sendJson(response, 500, reply?.body, baseHeaders);
			return;
		}
		record.status = 200;
		const payload = {
			created: Math.floor(Date.now() / 1000), background, data, output_format: format, quality, size: `${width}x${height}`, usage,
			...(format === 'svg' ? { svg_usage: svgUsage(body, textTokens, imageInputTokens, data[0]?.b64_json ?? '') } : {}),
		};
		for (const image of record.images) {
			image.sentAt = Date.now();
		}
		sendJson(response, 200, payload, { ...baseHeaders, 'openai-processing-ms': String(Date.now() - started) });
		return;
	}

	await waitUntil(config.firstByteMs);
	if (signal.aborted) {
		return;
	}
	record.status = 200;
	response.writeHead(200, { ...baseHeaders, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
	const prefix = isEdit ? 'image_edit' : 'image_generation';
	const eventText = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
	const common = () => ({ created_at: Math.floor(Date.now() / 1000), size: `${width}x${height}`, quality, background, output_format: format });
	for (let index = 0; index < n; index++) {
		if (failure?.kind === 'stream_error' && index >= (failure.afterImages ?? 1)) {
			response.write(eventText('error', streamErrorEvent(record.id)));
			response.end();
			return;
		}
		// Each event is encoded before its time comes, as the non-streaming reply is: the
		// server's own encoding never delays an event past its fixed latency.
		for (let partial = 0; partial < partialCount; partial++) {
			const bytes = await render(index, partial);
			const sent = fingerprint(index, bytes, partial);
			const text = eventText(`${prefix}.partial_image`, { type: `${prefix}.partial_image`, b64_json: bytes.toString('base64'), partial_image_index: partial, ...common() });
			await waitUntil(readyAt(index, partial));
			if (signal.aborted) {
				return;
			}
			remember(sent, bytes);
			response.write(text);
			sent.sentAt = Date.now();
		}
		const bytes = await render(index);
		const sent = fingerprint(index, bytes);
		const text = eventText(`${prefix}.completed`, { type: `${prefix}.completed`, b64_json: bytes.toString('base64'), ...common(), usage: eventUsage });
		await waitUntil(readyAt(index));
		await state.finalsReleased(signal);
		if (signal.aborted) {
			return;
		}
		remember(sent, bytes);
		response.write(text);
		sent.sentAt = Date.now();
	}
	response.end();
}

/** Reasoning tokens the SVG author spends per effort (its default is `medium`). */
const REASONING_TOKENS: Record<string, number> = { none: 0, minimal: 96, low: 640, medium: 2_400, high: 7_200, xhigh: 14_400, max: 28_800 };

/**
 * The SVG author's own usage, apart from the reference image's: it reads the prompt, any input
 * images and the reference image, reasons at the requested effort and writes the SVG's text.
 */
export function svgUsage(body: Record<string, unknown>, textTokens: number, imageInputTokens: number, b64: string) {
	const svg = (body.svg ?? {}) as { model?: unknown; reasoning?: { effort?: unknown } | null };
	const effort = typeof svg.reasoning?.effort === 'string' ? svg.reasoning.effort : 'medium';
	const input = textTokens + imageInputTokens + 765;
	const reasoning = REASONING_TOKENS[effort] ?? REASONING_TOKENS.medium;
	const output = Math.ceil(Buffer.from(b64, 'base64').length / 4) + reasoning;
	return {
		input_tokens: input,
		output_tokens: output,
		reasoning_tokens: reasoning,
		total_tokens: input + output,
		model: typeof svg.model === 'string' ? svg.model : DEFAULT_SVG_AUTHOR,
	};
}
