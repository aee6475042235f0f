import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { Base64StreamDecoder, encodeBase64Bytes } from '../../src/core/encoding/base64Stream';
import { decodeBase64 } from '../../src/core/encoding/base64';
import { isSplitBase64, joinSplitBase64, StreamingBase64Split, takeOutBase64 } from '../../src/core/encoding/unparsedBase64';
import { MalformedEventError, readStreamEvent, type StreamItem } from '../../src/core/generation/imageEvents';
import { EventTooLargeError, sseEvents, type SplitServerSentEvent } from '../../src/core/generation/sseEvents';

const NodeBuffer = Buffer;
const ascii = (text: string) => new TextEncoder().encode(text);

/** Runs `check` as the web extension does, where there is no Node Buffer. */
async function withoutBuffer(check: () => void | Promise<void>): Promise<void> {
	const global = globalThis as { Buffer?: unknown };
	global.Buffer = undefined;
	try {
		await check();
	} finally {
		global.Buffer = NodeBuffer;
	}
}

/** Both ways a host decodes: with Node's Buffer and without. */
async function bothHosts(check: (host: string) => void | Promise<void>): Promise<void> {
	await check('with Buffer');
	await withoutBuffer(() => check('without Buffer'));
}

/** A deterministic generator of chunk lengths, so a failure can be run again. */
function lengths(seed: number): () => number {
	let state = seed;
	return () => {
		state = (state * 1_103_515_245 + 12_345) % 2 ** 31;
		return state;
	};
}

/** `bytes` cut into pieces: every one of `cuts`, or random lengths up to `max`. */
function chunked(bytes: Uint8Array, cuts: readonly number[]): Uint8Array[] {
	const pieces: Uint8Array[] = [];
	let from = 0;
	for (const cut of [...cuts, bytes.length]) {
		pieces.push(bytes.slice(from, cut));
		from = cut;
	}
	return pieces;
}

function randomCuts(length: number, max: number, seed: number): number[] {
	const next = lengths(seed);
	const cuts: number[] = [];
	for (let at = next() % max + 1; at < length; at += next() % max + 1) {
		cuts.push(at);
	}
	return cuts;
}

function body(chunks: readonly Uint8Array[]): ReadableStream<Uint8Array> {
	return new ReadableStream({
		start(controller) {
			for (const chunk of chunks) {
				controller.enqueue(chunk);
			}
			controller.close();
		},
	});
}

/** What a caller of the image stream gets of an item: the image's bytes however they came, or why it has none. */
function outcome(read: () => StreamItem): unknown {
	let item: StreamItem;
	try {
		item = read();
	} catch (error) {
		return error instanceof MalformedEventError ? { malformed: error.problem } : { thrown: String(error) };
	}
	if (item.kind !== 'image') {
		return item;
	}
	const { b64, bytes, unparsed, ...fields } = item.event;
	void unparsed;
	let image: unknown;
	try {
		image = NodeBuffer.from(bytes ?? decodeBase64(b64)).toString('hex');
	} catch {
		image = 'not base64';
	}
	return { ...fields, image };
}

suite('base64 decoded as it streams in', () => {
	test('any text cut anywhere decodes to what the whole text does, and gives back its text exactly, with and without Buffer', async () => {
		await bothHosts(host => {
			for (const size of [0, 1, 2, 3, 4, 5, 6, 47, 48, 49, 100, 1000, 70_001]) {
				const data = randomBytes(size);
				const text = ascii(data.toString('base64'));
				const padding = text.length - ascii(data.toString('base64').replace(/=+$/, '')).length;
				const unpadded = text.subarray(0, text.length - padding);
				const cutsList = size <= 100
					? [[], ...Array.from({ length: unpadded.length }, (_, cut) => [cut]), Array.from({ length: unpadded.length }, (_, cut) => cut).slice(1)]
					: [[], randomCuts(unpadded.length, 7, size), randomCuts(unpadded.length, 5000, size + 1)];
				for (const cuts of cutsList) {
					const decoder = new Base64StreamDecoder();
					for (const piece of chunked(unpadded, cuts)) {
						assert.equal(decoder.push(piece), true, `${host}, ${size} bytes, cuts ${cuts.slice(0, 5).join()}`);
					}
					assert.equal(decoder.characters, unpadded.length);
					assert.deepEqual(NodeBuffer.from(decoder.text()), NodeBuffer.from(unpadded), `${host}: the text back`);
					assert.deepEqual(NodeBuffer.from(decoder.finish(padding)!), data, `${host}, ${size} bytes, cuts ${cuts.slice(0, 5).join()}`);
				}
			}
		});
	});

	test('a byte outside the strict alphabet is refused wherever it is, and leaves the decoder as it was', async () => {
		const text = ascii(randomBytes(300).toString('base64'));
		await bothHosts(host => {
			for (const stray of [' ', '\n', '\t', '-', '_', '=', '!', '"', '\\', '\u00e9', '\u0000']) {
				for (const at of [0, 1, 2, 3, 4, 5, 63, 64, 65, 66, 200, 399]) {
					const decoder = new Base64StreamDecoder();
					assert.equal(decoder.push(text.subarray(0, 10)), true);
					const bad = new Uint8Array([...text.subarray(10, 10 + at), ...new TextEncoder().encode(stray), ...text.subarray(10 + at, 500)]);
					assert.equal(decoder.push(bad), false, `${host}: ${JSON.stringify(stray)} at ${at}`);
					assert.deepEqual(NodeBuffer.from(decoder.text()), NodeBuffer.from(text.subarray(0, 10)), `${host}: nothing of the refused piece was taken`);
					assert.equal(decoder.push(text.subarray(10)), true);
					assert.deepEqual(NodeBuffer.from(decoder.finish()!), NodeBuffer.from(decodeBase64(new TextDecoder().decode(text))));
				}
			}
		});
	});

	test('only the padding an encoder writes ends a text: a group cut short, stray padding or unused bits set are refused', async () => {
		await bothHosts(host => {
			const finished = (text: string, padding: number) => {
				const decoder = new Base64StreamDecoder();
				assert.equal(decoder.push(ascii(text)), true);
				return decoder.finish(padding);
			};
			assert.deepEqual(finished('QUJD', 0), ascii('ABC'), host);
			assert.deepEqual(finished('QUI', 1), ascii('AB'), host);
			assert.deepEqual(finished('QQ', 2), ascii('A'), host);
			assert.deepEqual(finished('', 0), new Uint8Array(0), host);
			for (const [text, padding] of [['QQ', 0], ['QUI', 0], ['Q', 0], ['Q', 3], ['QQ', 1], ['QUI', 2], ['QUJD', 1], ['QR', 2], ['QUJ', 1], ['', 1], ['', 2]] as const) {
				assert.equal(finished(text, padding), undefined, `${host}: ${text} + ${padding} =`);
			}
		});
	});

	test('with a bound, the bytes grow in one buffer: a large image is handed out in it, of its exact length, not copied; past the bound, still exact', async () => {
		const large = randomBytes(9 * 1024 * 1024 + 7);
		const small = randomBytes(100_003);
		await bothHosts(host => {
			for (const [data, maxBytes] of [[large, large.length + 10], [large, large.length], [small, 1e6], [large, 1000], [small, 10]] as const) {
				const text = ascii(data.toString('base64'));
				const padding = data.length % 3 === 0 ? 0 : 3 - data.length % 3;
				const decoder = new Base64StreamDecoder({ maxBytes });
				for (const piece of chunked(text.subarray(0, text.length - padding), randomCuts(text.length - padding, 65_536, data.length))) {
					assert.equal(decoder.push(piece), true);
				}
				const decoded = decoder.finish(padding)!;
				assert.ok(NodeBuffer.from(decoded).equals(data), `${host}: ${data.length} bytes, bound ${maxBytes}`);
				if (data === large && maxBytes >= large.length) {
					assert.equal((decoded.buffer as ArrayBuffer & { resizable?: boolean }).resizable, true, `${host}: the buffer it grew in`);
					assert.equal(decoded.buffer.byteLength, data.length, `${host}: shrunk to the image`);
				} else {
					assert.equal(decoded.buffer.byteLength, data.length, `${host}: a buffer of its own`);
				}
			}
		});
	});

	test('bytes encoded back are base64 as Node writes it, with and without Buffer', async () => {
		for (const size of [0, 1, 2, 3, 4, 1000]) {
			const data = randomBytes(size);
			await bothHosts(host => assert.equal(new TextDecoder().decode(encodeBase64Bytes(data)), data.toString('base64'), `${host}, ${size}`));
		}
	});
});

suite('b64_json taken out of JSON as it streams in', () => {
	const image = randomBytes(150);
	const event = JSON.stringify({ type: 'image_generation.partial_image', b64_json: image.toString('base64'), created_at: 1, size: '1024x1024', quality: 'low', partial_image_index: 0 });

	test('a real event cut at every byte, and byte by byte, splits as takeOutBase64 does with the value decoded', async () => {
		const bytes = ascii(event);
		const whole = takeOutBase64(bytes)!;
		await bothHosts(host => {
			for (const cuts of [[], ...Array.from({ length: bytes.length }, (_, cut) => [cut]), Array.from({ length: bytes.length }, (_, cut) => cut).slice(1)]) {
				const splitter = new StreamingBase64Split();
				for (const piece of chunked(bytes, cuts)) {
					splitter.push(piece);
				}
				const split = splitter.end();
				assert.ok(isSplitBase64(split), `${host}, cuts ${cuts.slice(0, 3).join()}`);
				assert.deepEqual(JSON.parse(new TextDecoder().decode(split.head) + new TextDecoder().decode(split.tail)), whole.parsed);
				assert.deepEqual(NodeBuffer.from(split.bytes), image);
				assert.equal(new TextDecoder().decode(joinSplitBase64(split)), event);
			}
		});
	});

	test('a value that is not strict base64, or no value, gives the bytes back exactly as they came, cut anywhere', async () => {
		const hostile = [
			'{"type":"x","b64_json":"QU\\/B"}',
			'{"type":"x","b64_json":"QU FB"}',
			'{"type":"x","b64_json":"QU-_"}',
			'{"type":"x","b64_json":"QQ"}',
			'{"type":"x","b64_json":"QR=="}',
			'{"type":"x","b64_json":"QQ="}',
			'{"type":"x","b64_json":"QQ==="}',
			'{"type":"x","b64_json":"QQ==x"}',
			'{"type":"x","b64_json":"QUé="}',
			'{"type":"x","b64_json":"QUFB',
			'{"type":"x","b64_json":"QUFBQQ==',
			'{"type":"x", "b64_json" : "QUFB"}',
			'{"type":"x"}',
			'[DONE]',
			'',
		];
		await bothHosts(host => {
			for (const text of hostile) {
				const bytes = ascii(text);
				for (let cut = 0; cut <= bytes.length; cut++) {
					const splitter = new StreamingBase64Split();
					for (const piece of chunked(bytes, [cut])) {
						splitter.push(piece);
					}
					const result = splitter.end();
					assert.ok(result instanceof Uint8Array, `${host}: ${text} cut at ${cut}`);
					assert.equal(new TextDecoder().decode(result), text, `${host}: ${text} cut at ${cut}`);
				}
			}
		});
	});
});

/** An SSE stream's events read with `splitBase64`, as a caller of the image stream gets them. */
async function splitOutcomes(chunks: readonly Uint8Array[], maxEventBytes?: number): Promise<unknown[]> {
	const outcomes: unknown[] = [];
	for await (const sse of sseEvents(body(chunks), { splitBase64: true, maxEventBytes })) {
		outcomes.push(outcome(() => readStreamEvent(sse)));
	}
	return outcomes;
}

/** The same stream read the exact way: each event's data as text, parsed whole. */
async function exactOutcomes(text: Uint8Array): Promise<unknown[]> {
	const outcomes: unknown[] = [];
	for await (const sse of sseEvents(body([text]))) {
		outcomes.push(outcome(() => readStreamEvent(sse)));
	}
	return outcomes;
}

suite('sseEvents with splitBase64 (image events decoded as they arrive)', () => {
	const usage = { input_tokens: 10, output_tokens: 1000, input_tokens_details: { text_tokens: 10 } };
	const partial = (index: number) => JSON.stringify({ type: 'image_generation.partial_image', b64_json: randomBytes(40 + index).toString('base64'), partial_image_index: index, size: '1024x1024' });
	const final = JSON.stringify({ type: 'image_generation.completed', b64_json: randomBytes(61).toString('base64'), size: '1024x1024', quality: 'high', usage });

	test('a stream of real events, in LF and CRLF, cut at every byte, gives what the exact reading does, with the images decoded', async () => {
		for (const newline of ['\n', '\r\n', '\r']) {
			const stream = ascii([
				`event: image_generation.partial_image${newline}data: ${partial(0)}${newline}${newline}`,
				`: keep-alive${newline}`,
				`event: image_generation.partial_image${newline}data:${partial(1)}${newline}${newline}`,
				`event: image_generation.completed${newline}data: ${final}${newline}${newline}`,
				`data: [DONE]${newline}${newline}`,
			].join(''));
			const expected = await exactOutcomes(stream);
			assert.equal(expected.length, 4);
			assert.ok(expected.slice(0, 3).every(item => typeof item === 'object' && item !== null && 'image' in item && (item as { image: string }).image.length > 0));
			// Without Buffer (the web extension) for one of the line endings: the cuts are the same code.
			await (newline === '\r\n' ? bothHosts : (check: (host: string) => Promise<void>) => check('with Buffer'))(async host => {
				assert.deepEqual(await splitOutcomes([stream]), expected, `${host}: in one chunk`);
				assert.deepEqual(await splitOutcomes(chunked(stream, Array.from({ length: stream.length }, (_, cut) => cut).slice(1))), expected, `${host}: byte by byte`);
				for (let cut = 1; cut < stream.length; cut++) {
					assert.deepEqual(await splitOutcomes(chunked(stream, [cut])), expected, `${host}: ${JSON.stringify(newline)}, cut at ${cut}`);
				}
			});
		}
	});

	test('the image data of a split event is decoded as it came (not kept as text): bytes, not base64', async () => {
		const stream = ascii(`data: ${final}\n\n`);
		const events: SplitServerSentEvent[] = [];
		for await (const sse of sseEvents(body(chunked(stream, [20, 70])), { splitBase64: true })) {
			events.push(sse);
		}
		assert.equal(events.length, 1);
		const item = readStreamEvent(events[0]);
		assert.ok(item.kind === 'image' && item.event.bytes && item.event.b64 === '', 'the image arrives decoded');
		assert.deepEqual(NodeBuffer.from(item.event.bytes), NodeBuffer.from(JSON.parse(final).b64_json, 'base64'));
	});

	test('a large image event in random chunks is read as the exact reading reads it', async () => {
		const large = JSON.stringify({ type: 'image_generation.completed', b64_json: randomBytes(3_000_001).toString('base64'), size: '3840x2160', usage });
		const stream = ascii(`event: image_generation.completed\r\ndata: ${large}\r\n\r\ndata: [DONE]\r\n\r\n`);
		const expected = await exactOutcomes(stream);
		for (const [max, seed] of [[65_536, 1], [16_384, 2], [7, 3]] as const) {
			if (max === 7) {
				// Byte-sized chunks over 4 MB take long: the start and the end of the event cut finely, the middle whole.
				const cuts = [...randomCuts(200, 7, seed), 500, stream.length - 300, ...randomCuts(300, 7, seed).map(cut => stream.length - 300 + cut)];
				assert.deepEqual(await splitOutcomes(chunked(stream, cuts)), expected, 'fine cuts at both ends');
				continue;
			}
			assert.deepEqual(await splitOutcomes(chunked(stream, randomCuts(stream.length, max, seed))), expected, `chunks up to ${max}`);
		}
		await withoutBuffer(async () => assert.deepEqual(await splitOutcomes(chunked(stream, randomCuts(stream.length, 65_536, 4))), expected, 'without Buffer'));
		assert.deepEqual(await splitOutcomes(chunked(stream, randomCuts(stream.length, 65_536, 5)), 60_000_000), expected, 'with an event limit: decoded into a buffer that grows');
	});

	test('hostile events (escapes, whitespace, stray padding, nested or repeated keys, a control character, errors) read as without the split, cut anywhere', async () => {
		const events = [
			'{"type":"image_generation.completed","b64_json":"QU\\/B"}',
			'{"type":"image_generation.completed","b64_json":"QU FB"}',
			'{"type":"image_generation.completed","b64_json":"QU-_"}',
			'{"type":"image_generation.completed","b64_json":"QQ"}',
			'{"type":"image_generation.completed","b64_json":"QR=="}',
			'{"type":"image_generation.completed","b64_json":"QUJD=="}',
			'{"type":"image_generation.completed","b64_json":""}',
			'{"type":"image_generation.completed","b64_json":"QUFB"',
			'{"type":"image_generation.completed","b64_json":"QUFB',
			'{"nested":{"b64_json":"QUFB"},"type":"image_generation.completed","b64_json":"QkJC"}',
			'{"b64_json":"QUFB","type":"image_generation.completed","b64_json":"QkJC"}',
			'{"type":"image_generation.completed","note":"\\"b64_json\\":\\"","b64_json":"QUFB"}',
			'{"type":"image_generation.partial_image","b64_json":"QUFB","partial_image_index":"1"}',
			'{"type":"image_generation.partial_image","b64_json":"QUFB","partial_image_index":100}',
			'{"type":"image_generation.completed","b64_json":"QU\u0001FB"}',
			'{"type":"image_generation.completed","b64_json":"QUFB","usage":{"input_tokens":"x"}}',
			'{"type":"some.new_event","b64_json":"QUFB"}',
			'["b64_json"]',
			JSON.stringify({ type: 'error', error: { message: 'failed' }, b64_json: 'QUFB' }),
		];
		for (const data of events) {
			const stream = ascii(`data: ${data}\r\n\r\n`);
			// The reading before this change: the data line as bytes, its base64 taken out whole.
			const expected: unknown[] = [];
			for await (const sse of sseEvents(body([stream]), { rawData: true })) {
				expected.push(outcome(() => readStreamEvent(sse)));
			}
			for (let cut = 0; cut <= stream.length; cut++) {
				assert.deepEqual(await splitOutcomes(chunked(stream, [cut])), expected, `${data} cut at ${cut}`);
			}
		}
	});

	test('an event at the limit is read, one byte over it is not, however it is cut', async () => {
		const line = `data: ${final}`;
		const stream = ascii(`${line}\n\n`);
		for (const cuts of [[], [10], [60], randomCuts(stream.length, 9, 5)]) {
			assert.equal((await splitOutcomes(chunked(stream, cuts), line.length)).length, 1, `at the limit, cuts ${cuts.join()}`);
			await assert.rejects(splitOutcomes(chunked(stream, cuts), line.length - 1), EventTooLargeError, `over it, cuts ${cuts.join()}`);
		}
	});
});
