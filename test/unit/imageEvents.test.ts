import * as assert from 'node:assert/strict';
import { describeApiError, describeResponseProblem } from '../../src/core/generation/apiErrors';
import { MalformedEventError, readStreamEvent, splitImageData, usageCost, type ImageStreamEvent } from '../../src/core/generation/imageEvents';
import { imageOf } from '../../src/core/generation/imageStream';
import { largestImageEventBytes, largestImagePixels, LARGEST_IMAGE_PIXELS } from '../../src/core/images/imageBounds';
import { firstBytes, MAX_ERROR_BODY_BYTES, withBoundedErrorBodies } from '../../src/providers/boundedFetch';

const event = (data: unknown, name: string | null = null) => ({ event: name, data: typeof data === 'string' ? data : JSON.stringify(data) });
const partial = { type: 'image_generation.partial_image', b64_json: 'iVBORw0KGgo=', partial_image_index: 1, size: '1024x1024', quality: 'low' };

suite('image stream events', () => {
	test('image events are read with their fields checked; other types are skipped; [DONE] ends', () => {
		assert.deepEqual(readStreamEvent(event(partial)), { kind: 'image', event: { final: false, b64: 'iVBORw0KGgo=', partialIndex: 1, size: '1024x1024', quality: 'low', costUsd: undefined } });
		const final = readStreamEvent(event({ type: 'image_edit.completed', b64_json: 'AAAA', size: 'x'.repeat(500), quality: 42, usage: { input_tokens: 10, output_tokens: 1000, input_tokens_details: { text_tokens: 10 } } }));
		assert.deepEqual(final, { kind: 'image', event: { final: true, b64: 'AAAA', partialIndex: 0, size: undefined, quality: undefined, costUsd: (1000 * 30 + 10 * 5) / 1e6 } });
		assert.deepEqual(readStreamEvent(event({ type: 'image_generation.keepalive' })), { kind: 'other' });
		assert.deepEqual(readStreamEvent(event('[DONE]')), { kind: 'done' });
	});

	test('error events come back as the error object, whatever shape the endpoint gave it', () => {
		assert.deepEqual(readStreamEvent(event({ type: 'error', error: { message: 'failed', code: 'x' } }, 'error')), { kind: 'error', error: { message: 'failed', code: 'x' } });
		assert.deepEqual(readStreamEvent(event({ error: 'just text' })), { kind: 'error', error: { message: 'just text' } });
		assert.deepEqual(readStreamEvent(event([1, 2], 'error')), { kind: 'error', error: { message: 'The endpoint sent an error event.' } });
	});

	test('absurd events are a MalformedEventError, never a TypeError further on', () => {
		const malformed = (data: unknown, problem: 'json' | 'shape') => assert.throws(() => readStreamEvent(event(data)), (error: unknown) => error instanceof MalformedEventError && error.problem === problem, JSON.stringify(data)?.slice(0, 60));
		malformed('{"type": "image_generation.completed", "b64_json": "AAA', 'json');
		malformed('[[[[[[[[[[' .repeat(100_000), 'json');
		malformed('NaN', 'json');
		malformed(null, 'shape');
		malformed([partial], 'shape');
		malformed('"a string"', 'shape');
		malformed(12, 'shape');
		malformed({ ...partial, b64_json: 123 }, 'shape');
		malformed({ ...partial, b64_json: '' }, 'shape');
		malformed({ ...partial, partial_image_index: -1 }, 'shape');
		malformed({ ...partial, partial_image_index: 1e308 }, 'shape');
		malformed({ ...partial, partial_image_index: '0' }, 'shape');
	});

	test('an event as bytes: the base64 is taken out unparsed, the rest read as from text', () => {
		const bytes = (data: unknown, name: string | null = null) => ({ event: name, data: new TextEncoder().encode(typeof data === 'string' ? data : JSON.stringify(data)) });
		const fromText = readStreamEvent(event(partial));
		assert.deepEqual(readStreamEvent(bytes(partial)), fromText.kind === 'image' ? { kind: 'image', event: { ...fromText.event, unparsed: true } } : assert.fail());
		const usage = { input_tokens: 10, output_tokens: 1000, input_tokens_details: { text_tokens: 10 } };
		const final = readStreamEvent(bytes({ type: 'image_edit.completed', b64_json: 'AAAA', size: 'x'.repeat(500), quality: 42, usage }));
		assert.deepEqual(final, { kind: 'image', event: { final: true, b64: 'AAAA', partialIndex: 0, size: undefined, quality: undefined, costUsd: (1000 * 30 + 10 * 5) / 1e6, unparsed: true } });
		assert.deepEqual(splitImageData(bytes({ type: 'image_generation.completed', b64_json: 'QUFB', size: '1024x1024' }).data), { record: { type: 'image_generation.completed', b64_json: '', size: '1024x1024' }, b64: 'QUFB' });
		// Where the split would not be exact, the whole event is parsed: the same result as from text.
		for (const data of [
			'{"type":"image_generation.completed","b64_json":"QU\\/B"}',
			'{"type":"image_generation.completed", "b64_json" : "QUFB"}',
			'{"nested":{"b64_json":"QUFB"},"type":"image_generation.completed","b64_json":"QkJC"}',
			'{"b64_json":"QUFB","type":"image_generation.completed","b64_json":"QkJC"}',
			'{"type":"image_generation.completed","note":"\\"b64_json\\":\\"","b64_json":"QUFB"}',
			'[DONE]',
			JSON.stringify({ type: 'error', error: { message: 'failed' }, b64_json: 'QUFB' }),
		]) {
			const split = splitImageData(new TextEncoder().encode(data));
			const expected = readStreamEvent(event(data));
			const actual = readStreamEvent(bytes(data));
			assert.deepEqual(actual.kind === 'image' ? { ...actual, event: { ...actual.event, unparsed: undefined } } : actual, expected.kind === 'image' ? { ...expected, event: { ...expected.event, unparsed: split ? undefined : expected.event.unparsed } } : expected, data);
		}
		assert.equal(splitImageData(new TextEncoder().encode('{"nested":{"b64_json":"QUFB"},"b64_json":"QkJC"}')), undefined, 'a nested b64_json is not the event\'s');
		const malformedBytes = (data: string, problem: 'json' | 'shape') => assert.throws(() => readStreamEvent(bytes(data)), (error: unknown) => error instanceof MalformedEventError && error.problem === problem, data.slice(0, 60));
		malformedBytes('{"type": "image_generation.completed", "b64_json": "AAA', 'json');
		malformedBytes('{"type":"image_generation.completed","b64_json":"AAA', 'json');
		malformedBytes('{"type":"image_generation.completed","b64_json":"AAAA"', 'json');
		malformedBytes(JSON.stringify({ ...partial, b64_json: '' }), 'shape');
	});

	test('a control character in base64 taken out unparsed is what JSON.parse refuses: malformed JSON, as from text', () => {
		const data = '{"type":"image_generation.completed","b64_json":"QU\u0001FB"}'.replace('\\u0001', '\u0001');
		assert.throws(() => readStreamEvent(event(data)), (error: unknown) => error instanceof MalformedEventError && error.problem === 'json');
		const item = readStreamEvent({ event: null, data: new TextEncoder().encode(data) });
		assert.equal(item.kind, 'image');
		assert.deepEqual(imageOf((item as { event: ImageStreamEvent }).event, 1e8), { kind: 'malformedJson' });
		// Escaped, it is valid JSON with a character that is not base64: an image event without a readable image, both ways.
		const escaped = '{"type":"image_generation.completed","b64_json":"QU\\u0001FB"}';
		const fromText = readStreamEvent(event(escaped)) as { event: ImageStreamEvent };
		const fromBytes = readStreamEvent({ event: null, data: new TextEncoder().encode(escaped) }) as { event: ImageStreamEvent };
		assert.deepEqual(imageOf(fromText.event, 1e8), { kind: 'malformedEvent' });
		assert.deepEqual(imageOf(fromBytes.event, 1e8), { kind: 'malformedEvent' });
	});

	test('an SVG is sanitised where it arrives, its size read from the safe one; bytes that only claim to be one are no image', () => {
		const hostile = '<svg xmlns="http://www.w3.org/2000/svg" width="64" height="32" onload="alert(1)"><script>alert(1)</script><rect width="8" height="8" fill="red"/></svg>';
		const final = (text: string): ImageStreamEvent => ({ final: true, partialIndex: 0, b64: Buffer.from(text).toString('base64') });
		const image = imageOf(final(hostile), 1e8);
		assert.ok(!('kind' in image), JSON.stringify(image));
		const text = new TextDecoder().decode(image.bytes);
		assert.doesNotMatch(text, /script|onload|alert/);
		assert.match(text, /<rect width="8" height="8" fill="red"\/>/);
		assert.deepEqual(image.info, { format: 'svg', width: 64, height: 32 });
		assert.deepEqual(imageOf(final(`<svg width="1" height="1">${'<g>'.repeat(300)}</svg>`), 1e8), { kind: 'notAnImage' }, 'an SVG the sanitiser refuses');
		const huge = imageOf(final('<svg viewBox="0 0 100000 100000"/>'), 1);
		assert.ok(!('kind' in huge) && huge.info.width === 100_000, 'a vector decodes no pixels: the pixel bound is not its');
	});

	test('a usage that is not numbers costs nothing instead of NaN', () => {
		assert.equal(usageCost(undefined), undefined);
		assert.equal(usageCost('lots'), undefined);
		assert.equal(usageCost({ output_tokens: '1000', input_tokens: -5, input_tokens_details: 7 }), 0);
		assert.equal(usageCost({ output_tokens: Infinity }), 0);
	});
});

suite('image bounds', () => {
	test('the largest image and event sizes come from the model table', () => {
		assert.equal(LARGEST_IMAGE_PIXELS, 3840 * 2160);
		assert.equal(largestImagePixels('gpt-image-2', '1024x1024'), 3840 * 2160);
		assert.equal(largestImagePixels('gpt-image-1.5', 'auto'), 1536 * 1024);
		assert.equal(largestImagePixels('some-other-model', '4096x4096'), 4096 * 4096, 'an unknown model: the size asked for');
		assert.equal(largestImagePixels('some-other-model', 'auto'), 3840 * 2160);
		assert.equal(Math.round(largestImageEventBytes(3840 * 2160) / 1e6), 55);
		assert.ok(largestImageEventBytes(1024 * 1024) < 8 * 1024 * 1024);
	});
});

suite('response problems', () => {
	const context = { endpoint: 'http://127.0.0.1:9/v1', model: 'gpt-image-2', imagesKept: 0 };

	test('each says what the endpoint did, and that images that arrived are kept', () => {
		assert.equal(describeResponseProblem({ kind: 'contentType', contentType: 'text/html' }, context).message,
			'The endpoint http://127.0.0.1:9/v1 answered with "text/html" instead of an event stream (text/event-stream): it does not stream images, or is not an image API. Check illustrate.baseUrl. Try again.');
		assert.match(describeResponseProblem({ kind: 'contentType', contentType: '' }, context).message, /answered with "no content type"/);
		assert.equal(describeResponseProblem({ kind: 'idle', seconds: 90 }, { ...context, imagesKept: 2 }).message,
			'The endpoint http://127.0.0.1:9/v1 sent nothing for 90 s, so Illustrate gave up on the request. The image may still have been made and charged, so Illustrate did not retry on its own. The images that arrived before it (2) are kept in the history. Try again.');
		assert.match(describeResponseProblem({ kind: 'eventTooLarge', limitBytes: 58_000_000 }, context).message, /an event of more than 58 MB, larger than any image gpt-image-2 makes/);
		assert.match(describeResponseProblem({ kind: 'imageTooLarge', width: 200_000_000, height: 1 }, context).message, /an image of 200000000×1 pixels, larger than any image gpt-image-2 makes; it was not kept/);
	});

	test('an endpoint\'s own error text is quoted short and on one line', () => {
		const html = `<html>\n<body>${'x'.repeat(100_000)}</body></html>`;
		const described = describeApiError({ kind: 'http', status: 400, message: `400 ${html}` }, { model: 'gpt-image-2', endpoint: context.endpoint });
		assert.ok(described.message.length < 400, `${described.message.length} characters`);
		assert.ok(!described.message.includes('\n'));
	});
});

suite('bounded error bodies', () => {
	test('an endless error body is read to 64 KB and no further; successful ones are left alone', async () => {
		let pulled = 0;
		let cancelled = false;
		const endless = () => new ReadableStream<Uint8Array>({
			pull(controller) {
				pulled += 16_384;
				controller.enqueue(new Uint8Array(16_384).fill(0x61));
			},
			cancel() {
				cancelled = true;
			},
		}, { highWaterMark: 0 });
		const fetchEndless = withBoundedErrorBodies(async () => new Response(endless(), { status: 500, headers: { 'x-request-id': 'req_1' } }));
		const response = await fetchEndless('http://127.0.0.1/');
		assert.equal(response.status, 500);
		assert.equal(response.headers.get('x-request-id'), 'req_1');
		assert.equal((await response.text()).length, MAX_ERROR_BODY_BYTES);
		assert.ok(pulled <= MAX_ERROR_BODY_BYTES + 2 * 16_384);
		assert.equal(cancelled, true);
		const ok = new Response('data: 1\n\n', { status: 200 });
		assert.equal(await withBoundedErrorBodies(async () => ok)('http://127.0.0.1/'), ok);
		assert.equal(await new Response(firstBytes(new Response('short').body!, 100)).text(), 'short');
	});
});
