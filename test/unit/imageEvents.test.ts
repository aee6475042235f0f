import * as assert from 'node:assert/strict';
import { describeApiError, describeResponseProblem } from '../../src/core/generation/apiErrors';
import { MalformedEventError, readStreamEvent, usageCost } from '../../src/core/generation/imageEvents';
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
