/** Fuzz cases that damage the event stream itself: cut, flipped, garbled, reordered, absurd or huge events. */
import { deflateSync } from 'node:zlib';
import { craftedPng, deflateBomb, hugeJpeg } from './craftedImages';
import { sha256, type FuzzContext, type FuzzOutcome, type StreamEvent } from './fuzzContext';
import { drained } from './httpReplies';

/** A valid stream. */
async function valid(context: FuzzContext, kind: string): Promise<FuzzOutcome> {
	const { response, validEvents, sseHeaders, layout, keptBefore } = context;
	const { body, finals } = layout(await validEvents());
	response.writeHead(200, sseHeaders);
	response.end(body);
	return { case: kind, keep: keptBefore(finals, Infinity) };
}

/** A valid stream with what the format allows and a client must skip. */
async function validNoise(context: FuzzContext, kind: string): Promise<FuzzOutcome> {
	const { int, pick, response, prefix, eventText, validEvents, sseHeaders, layout, keptBefore } = context;
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

/** A valid stream cut anywhere, ended or destroyed. */
async function truncated(context: FuzzContext, kind: string): Promise<FuzzOutcome> {
	const { int, pick, validEvents, layout, keptBefore, writeInTwo } = context;
	const { body, finals } = layout(await validEvents());
	const at = int(body.length);
	const end = pick(['end', 'destroy'] as const);
	await writeInTwo(body, at, Buffer.alloc(0), end);
	return { case: `${kind}/${end}`, keep: keptBefore(finals, at) };
}

/** A valid stream with a few bits flipped from a point on. */
async function bitflip(context: FuzzContext, kind: string): Promise<FuzzOutcome> {
	const { int, validEvents, layout, keptBefore, writeInTwo } = context;
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

/** Garbage bytes inserted anywhere in a valid stream. */
async function garbage(context: FuzzContext, kind: string): Promise<FuzzOutcome> {
	const { int, pick, validEvents, layout, keptBefore, writeInTwo } = context;
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

/** Absurd JSON in an event: harmless fields around a good image, or an event nothing after is read from. */
async function absurdJson(context: FuzzContext, kind: string): Promise<FuzzOutcome> {
	const { random, int, pick, response, prefix, common, eventText, finalEvent, validEvents, sseHeaders, layout, keptBefore } = context;
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

/** Valid events in an order the API never sends. */
async function outOfOrder(context: FuzzContext, kind: string): Promise<FuzzOutcome> {
	const { pick, response, prefix, eventText, finalEvent, validEvents, sseHeaders, layout, keptBefore } = context;
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

/** An image whose header declares a size no model makes, or a deflate bomb. */
async function hugeImage(context: FuzzContext, kind: string): Promise<FuzzOutcome> {
	const { pick, response, prefix, common, eventText, finalEvent, validEvents, sseHeaders, layout } = context;
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

/** One data line longer than any image, until the client stops reading. */
async function hugeEvent(context: FuzzContext, kind: string): Promise<FuzzOutcome> {
	const { response, signal, prefix, sseHeaders } = context;
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

/** A valid stream in small pieces. */
async function slowDrip(context: FuzzContext, kind: string): Promise<FuzzOutcome> {
	const { int, response, signal, validEvents, sseHeaders, layout, keptBefore } = context;
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

/** The cases of this module by name. */
export const STREAM_CASES: Readonly<Record<string, (context: FuzzContext, kind: string) => Promise<FuzzOutcome>>> = {
	valid: valid,
	valid_noise: validNoise,
	truncated: truncated,
	bitflip: bitflip,
	garbage: garbage,
	absurd_json: absurdJson,
	out_of_order: outOfOrder,
	huge_image: hugeImage,
	huge_event: hugeEvent,
	slow_drip: slowDrip,
};
