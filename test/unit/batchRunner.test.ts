import * as assert from 'node:assert/strict';
import * as sdk from 'openai';
import { MAX_PARALLEL_REQUESTS, runBatch, type BatchSpec, type GenerationResult, type ImageSender, type VariantEvents } from '../../src/core/generation/batchRunner';
import { connectionFailure, imageMayHaveBeenCharged, isBatchFatal, neverSent } from '../../src/core/generation/failureRules';
import type { ImageRecipe } from '../../src/core/generation/imageRecipe';
import type { BatchClock } from '../../src/core/generation/requestClock';
import { CancelledError, IllustrateError } from '../../src/core/errors';
import type { OutputFormat } from '../../src/core/models/capabilities';
import { classifySdkError } from '../../src/providers/openaiImages';

/**
 * The batch runner with a scripted sender (real `Response`s with event-stream bodies the
 * test writes, errors of the real `openai` SDK's classes) and a fake clock: no real time.
 */

const encoder = new TextEncoder();
const ENDPOINT = 'https://api.test/v1';
const TIMEOUT_MS = 60_000;
const IDLE_MS = 30_000;

/** The first bytes of a PNG: enough for the runner to read its format and size. */
function png(width = 1024, height = 1024): string {
	const bytes = new Uint8Array(33);
	bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
	new DataView(bytes.buffer).setUint32(16, width);
	new DataView(bytes.buffer).setUint32(20, height);
	return Buffer.from(bytes).toString('base64');
}

const sse = (data: unknown) => `data: ${JSON.stringify(data)}\n\n`;
const partial = (index: number) => sse({ type: 'image_generation.partial_image', b64_json: png(), partial_image_index: index });
const final = (b64 = png()) => sse({ type: 'image_generation.completed', b64_json: b64, size: '1024x1024', quality: 'low', usage: { input_tokens: 10, output_tokens: 100, input_tokens_details: { text_tokens: 10, image_tokens: 0 } } });
const DONE = 'data: [DONE]\n\n';

/** A response body the test writes to; it errors as fetch's does when the request's signal aborts. */
class Body {
	private controller!: ReadableStreamDefaultController<Uint8Array>;
	readonly stream = new ReadableStream<Uint8Array>({ start: controller => { this.controller = controller; } });
	constructor(signal: AbortSignal) {
		signal.addEventListener('abort', () => this.controller.error(new DOMException('This operation was aborted', 'AbortError')), { once: true });
	}
	write(...texts: string[]): this {
		for (const text of texts) {
			this.controller.enqueue(encoder.encode(text));
		}
		return this;
	}
	end(): void {
		this.controller.close();
	}
	drop(error: unknown): void {
		this.controller.error(error);
	}
}

interface Call {
	readonly index: number;
	readonly count: number;
	readonly signal: AbortSignal;
	readonly body: Body;
}

/** A clock that only moves when told: timers fire when the test fires them. */
class FakeClock implements BatchClock {
	time = 0;
	readonly sleeps: number[] = [];
	private readonly timers = new Set<{ callback: () => void; ms: number }>();
	now = () => this.time;
	sleep = async (ms: number): Promise<void> => {
		this.sleeps.push(ms);
		this.time += ms;
	};
	setTimer = (callback: () => void, ms: number): unknown => {
		const timer = { callback, ms };
		this.timers.add(timer);
		return timer;
	};
	clearTimer = (timer: unknown): void => {
		this.timers.delete(timer as { callback: () => void; ms: number });
	};
	/** Fires every pending timer set for `ms`; how many fired. */
	fire(ms: number): number {
		const due = [...this.timers].filter(timer => timer.ms === ms);
		for (const timer of due) {
			this.timers.delete(timer);
			timer.callback();
		}
		return due.length;
	}
	pending(ms: number): number {
		return [...this.timers].filter(timer => timer.ms === ms).length;
	}
}

interface Stored {
	readonly id: string;
	readonly recipe: ImageRecipe;
}

/** Resolves once `condition` holds, turning the event loop (no timers); fails after many turns. */
async function until(condition: () => boolean, what: string): Promise<void> {
	for (let turn = 0; turn < 5_000; turn++) {
		if (condition()) {
			return;
		}
		await new Promise(resolve => setImmediate(resolve));
	}
	throw new Error(`never happened: ${what}`);
}

const headers = (more: Record<string, string> = {}) => new Headers({ 'x-request-id': 'req_test', ...more });
const httpError = (status: number, error: Record<string, unknown> = { message: `status ${status}` }, more: Record<string, string> = {}) => sdk.APIError.generate(status, { error }, undefined, headers(more));
/** What fetch throws when the connection is refused: nothing left the machine. */
const refused = () => new sdk.APIConnectionError({ cause: Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' }) }) });
/** What reading a body throws when the connection resets after the request was sent. */
const reset = () => Object.assign(new TypeError('terminated'), { cause: Object.assign(new Error('other side closed'), { code: 'UND_ERR_SOCKET' }) });

/**
 * One batch with a scripted sender: `script` runs at each send, may throw (the request
 * failed), write to the body (it is returned as the response) or return another response.
 */
function batch(n: number, strategy: 'parallel' | 'single', script: (call: Call) => void | Response | Promise<void | Response>) {
	const calls: Call[] = [];
	const clock = new FakeClock();
	const log: string[] = [];
	const stored: Stored[] = [];
	const seen: string[] = [];
	const failures = new Map<number, IllustrateError>();
	let inFlight = 0;
	let peak = 0;
	const sender: ImageSender = {
		async send(count, signal) {
			const call: Call = { index: calls.length, count, signal, body: new Body(signal) };
			calls.push(call);
			const response = await script(call);
			inFlight++;
			peak = Math.max(peak, inFlight);
			return response ?? new Response(call.body.stream, { headers: headers({ 'content-type': 'text/event-stream' }) });
		},
		classify: error => classifySdkError(error, sdk, undefined),
		listModels: async () => ['gpt-4o', 'gpt-image-1', 'dall-e-3', 'gpt-image-2'],
	};
	const events: VariantEvents<Stored> = {
		onStart: slot => seen.push(`start ${slot}`),
		onPixels: (slot, pixels) => seen.push(`pixels ${slot} ${pixels.partialIndex === undefined ? 'final' : `partial ${pixels.partialIndex}`}`),
		onImage: (slot, image) => {
			inFlight--;
			seen.push(`image ${slot} ${image.id}`);
		},
		onSlotFailed: (slot, error) => {
			failures.set(slot, error);
			seen.push(`failed ${slot}`);
		},
		onRetry: (slot, seconds, status) => seen.push(`retry ${slot} ${seconds} s ${status}`),
	};
	const spec: BatchSpec = {
		operation: 'images.generate',
		strategy,
		options: { model: 'gpt-image-2', prompt: 'a fox', size: '1024x1024', quality: 'low', n, outputFormat: 'png' },
		recipe: { prompt: 'a fox', model: 'gpt-image-2', size: '1024x1024', quality: 'low', operation: 'generate' },
		endpoint: ENDPOINT,
		key: 'sk-test-0123456789abcdef',
		requestTimeoutMs: TIMEOUT_MS,
	};
	const controller = new AbortController();
	const store = async (_bytes: Uint8Array, recipe: ImageRecipe, _format: OutputFormat): Promise<Stored> => {
		const image = { id: `stored-${stored.length + 1}`, recipe };
		stored.push(image);
		return image;
	};
	const logger = { info: (line: string) => log.push(`info ${line}`), warn: (line: string) => log.push(`warn ${line}`), error: (line: string) => log.push(`error ${line}`) };
	return {
		calls, clock, log, stored, seen, failures, controller,
		get peak() { return peak; },
		run: (): Promise<GenerationResult<Stored>> => runBatch(spec, { sender, store, clock, log: logger }, controller.signal, events),
	};
}

async function rejection(promise: Promise<unknown>): Promise<Error> {
	try {
		await promise;
	} catch (error) {
		return error as Error;
	}
	throw new Error('the batch did not fail');
}

suite('Batch runner: retries', () => {
	test('a rate limit (429) waits as long as retry-after asks, says so, and tries again', async () => {
		const run = batch(1, 'parallel', call => {
			if (call.index === 0) {
				throw httpError(429, { message: 'Rate limit reached', type: 'requests', code: 'rate_limit_exceeded' }, { 'retry-after': '3' });
			}
			call.body.write(partial(0), final(), DONE).end();
		});
		const result = await run.run();
		assert.equal(run.calls.length, 2);
		assert.deepEqual(run.clock.sleeps, [3000]);
		assert.deepEqual(run.seen, ['start 0', 'retry 0 3 s 429', 'start 0', 'pixels 0 partial 0', 'pixels 0 final', 'image 0 stored-1']);
		assert.deepEqual(result.images.map(image => image.id), ['stored-1']);
		assert.deepEqual(result.errors, []);
		assert.ok(run.log.some(line => /^warn images\.generate variant 1: rate limit \(request id unknown\), retrying in 3 s$/.test(line)), run.log.join('\n'));
	});

	test('a rate limit that stays is reported after three retries, with the wait it asks for', async () => {
		const run = batch(1, 'parallel', () => {
			throw httpError(429, { message: 'Rate limit reached', code: 'rate_limit_exceeded' }, { 'retry-after': '2' });
		});
		const error = await rejection(run.run());
		assert.equal(run.calls.length, 4);
		assert.deepEqual(run.clock.sleeps, [2000, 2000, 2000]);
		assert.ok(error instanceof IllustrateError);
		assert.match(error.message, /rate limit was reached, and still was after Illustrate waited and tried again\. Try again in 2 s/);
		assert.equal(error.batchFatal, false);
	});

	test('an exhausted quota (429 insufficient_quota) is not retried and stops the batch', async () => {
		const run = batch(1, 'parallel', () => {
			throw httpError(429, { message: 'You exceeded your current quota', type: 'insufficient_quota', code: 'insufficient_quota' });
		});
		const error = await rejection(run.run());
		assert.equal(run.calls.length, 1);
		assert.match(error.message, /no credit left/);
		assert.equal((error as IllustrateError).batchFatal, true);
	});

	test('a server error (5xx) before anything arrived is retried twice, then reported', async () => {
		const run = batch(1, 'parallel', () => {
			throw httpError(502, { message: 'Bad gateway' });
		});
		const error = await rejection(run.run());
		assert.equal(run.calls.length, 3);
		assert.deepEqual(run.clock.sleeps, [1000, 2000]);
		assert.deepEqual(run.seen.filter(line => line.startsWith('retry')), ['retry 0 1 s 502', 'retry 0 2 s 502']);
		assert.match(error.message, /server error \(502\) and no image was made/);
	});

	test('a server error once, then the image', async () => {
		const run = batch(1, 'parallel', call => {
			if (call.index === 0) {
				throw httpError(500);
			}
			call.body.write(final(), DONE).end();
		});
		const result = await run.run();
		assert.equal(result.images.length, 1);
		assert.ok(run.log.some(line => line.includes('server error 500 (request id unknown), retrying in 1 s')), run.log.join('\n'));
	});

	test('a failure after partial images arrived is not retried: the image is on its way, and paid for', async () => {
		const run = batch(1, 'parallel', call => {
			call.body.write(partial(0), sse({ type: 'error', error: { message: 'The server had an error', code: 'server_error' } }));
		});
		const error = await rejection(run.run());
		assert.equal(run.calls.length, 1);
		assert.deepEqual(run.clock.sleeps, []);
		assert.equal(error.message, 'The image request failed: The server had an error');
		assert.deepEqual(run.seen, ['start 0', 'pixels 0 partial 0', 'failed 0']);
	});

	test('a connection that drops after partials arrived is not retried, and may have been charged', async () => {
		const run = batch(1, 'parallel', call => {
			call.body.write(partial(0));
		});
		const running = run.run();
		await until(() => run.seen.includes('pixels 0 partial 0'), 'the partial arrives');
		run.calls[0].body.drop(reset());
		const error = await rejection(running);
		assert.equal(run.calls.length, 1);
		assert.equal(error.message, `The connection to ${ENDPOINT} dropped before the image arrived. The image may still have been made and charged, so Illustrate did not retry on its own. Try again if you want another one.`);
	});
});

suite('Batch runner: connections and clocks', () => {
	test('a connection refused before the request left: unreachable, not retried, nothing charged', async () => {
		const run = batch(1, 'parallel', () => {
			throw refused();
		});
		const error = await rejection(run.run());
		assert.equal(run.calls.length, 1);
		assert.equal(error.message, `Could not reach ${ENDPOINT}. Check your network connection (or illustrate.baseUrl), then try again.`);
	});

	test('a connection that drops after the request was sent, before any answer: may have been charged, not retried', async () => {
		const run = batch(1, 'parallel', () => {
			throw new sdk.APIConnectionError({ cause: reset() });
		});
		const error = await rejection(run.run());
		assert.equal(run.calls.length, 1);
		assert.match(error.message, /dropped before the image arrived\. The image may still have been made and charged/);
	});

	test('the charge rule: a sent request that lost its answer, or any that received something, may have been charged', () => {
		assert.equal(imageMayHaveBeenCharged({ kind: 'unreachable', message: '' }, false), false);
		assert.equal(imageMayHaveBeenCharged({ kind: 'http', status: 500, message: '' }, false), false);
		assert.equal(imageMayHaveBeenCharged({ kind: 'connection', message: '' }, false), true);
		assert.equal(imageMayHaveBeenCharged({ kind: 'timeout', message: '' }, false), true);
		assert.equal(imageMayHaveBeenCharged({ kind: 'http', status: 500, message: '' }, true), true);
		assert.equal(imageMayHaveBeenCharged({ kind: 'network', message: '' }, false), false);
	});

	test('never sent: refused, no such host, a port fetch refuses; not a reset', () => {
		const wrapped = (cause: object) => new Error('fetch failed', { cause });
		assert.equal(neverSent(wrapped({ code: 'ECONNREFUSED' })), true);
		assert.equal(neverSent(wrapped({ code: 'ENOTFOUND' })), true);
		assert.equal(neverSent(wrapped({ message: 'bad port' })), true);
		assert.equal(neverSent(wrapped({ cause: { code: 'EAI_AGAIN' } })), true);
		assert.equal(neverSent(wrapped({ code: 'ECONNRESET' })), false);
		assert.equal(neverSent(new Error('no cause')), false);
		assert.equal(connectionFailure(wrapped({ code: 'ENOTFOUND' }), undefined).kind, 'unreachable');
		assert.equal(connectionFailure(wrapped({ code: 'UND_ERR_SOCKET' }), undefined).kind, 'connection');
		assert.equal(connectionFailure(wrapped({ code: 'SELF_SIGNED_CERT_IN_CHAIN' }), undefined).kind, 'network');
	});

	test('a stream that goes silent is given up after the idle limit (half the timeout), not retried', async () => {
		const run = batch(1, 'parallel', call => {
			call.body.write(partial(0));
		});
		const running = run.run();
		await until(() => run.seen.includes('pixels 0 partial 0') && run.clock.pending(IDLE_MS) === 1, 'the partial arrives and the idle clock runs');
		assert.equal(run.clock.fire(IDLE_MS), 1);
		const error = await rejection(running);
		assert.equal(run.calls.length, 1);
		assert.match(error.message, new RegExp(`^The endpoint ${ENDPOINT} sent nothing for 30 s, so Illustrate gave up on the request\\. The image may still have been made and charged`));
		assert.equal(run.calls[0].signal.aborted, true, 'the request is aborted');
		assert.equal(run.clock.pending(TIMEOUT_MS), 0, 'its deadline is cleared');
	});

	test('a request past its deadline is given up as a timeout, not retried', async () => {
		const run = batch(1, 'parallel', call => new Promise<void>((_, reject) => {
			call.signal.addEventListener('abort', () => reject(new sdk.APIUserAbortError()), { once: true });
		}));
		const running = run.run();
		await until(() => run.calls.length === 1 && run.clock.pending(TIMEOUT_MS) === 1, 'the request is sent');
		run.clock.fire(TIMEOUT_MS);
		const error = await rejection(running);
		assert.equal(run.calls.length, 1);
		assert.match(error.message, /took longer than illustrate\.requestTimeoutSeconds and was given up\. The image may still have been made and charged/);
	});

	test('each chunk restarts the idle clock', async () => {
		const run = batch(1, 'parallel', call => {
			call.body.write(partial(0));
		});
		const running = run.run();
		await until(() => run.seen.includes('pixels 0 partial 0'), 'the first partial');
		run.calls[0].body.write(partial(1));
		await until(() => run.seen.includes('pixels 0 partial 1'), 'the second partial');
		assert.equal(run.clock.pending(IDLE_MS), 1, 'one idle timer, not one per chunk');
		run.calls[0].body.write(final(), DONE);
		run.calls[0].body.end();
		const result = await running;
		assert.equal(result.images.length, 1);
		assert.equal(run.clock.pending(IDLE_MS) + run.clock.pending(TIMEOUT_MS), 0, 'no timer outlives the request');
	});
});

suite('Batch runner: responses it refuses', () => {
	test('an event that is not JSON stops the request, not retried', async () => {
		const run = batch(1, 'parallel', call => {
			call.body.write('data: {"type": "image_generation.partial_image", \n\n').end();
		});
		const error = await rejection(run.run());
		assert.equal(run.calls.length, 1);
		assert.match(error.message, /sent an event that is not valid JSON, so Illustrate stopped reading the response\. Try again\./);
	});

	test('a final image whose bytes are not an image is not stored', async () => {
		const run = batch(1, 'parallel', call => {
			call.body.write(final(Buffer.from('GIF89a not what was asked for at all').toString('base64')), DONE).end();
		});
		const error = await rejection(run.run());
		assert.match(error.message, /sent image data that is not a PNG, JPEG, WebP, SVG or GIF image/);
		assert.deepEqual(run.stored, []);
	});

	test('a final image larger than the model makes is not stored', async () => {
		const run = batch(1, 'parallel', call => {
			call.body.write(final(png(20_000, 20_000)), DONE).end();
		});
		const error = await rejection(run.run());
		assert.match(error.message, /an image of 20000×20000 pixels, larger than any image gpt-image-2 makes/);
		assert.deepEqual(run.stored, []);
	});

	test('a response that is not an event stream', async () => {
		const run = batch(1, 'parallel', () => new Response('{"data": []}', { headers: headers({ 'content-type': 'application/json; charset=utf-8' }) }));
		const error = await rejection(run.run());
		assert.match(error.message, /answered with "application\/json" instead of an event stream/);
	});

	test('a problem after an image of a single request keeps the images before it', async () => {
		const run = batch(2, 'single', call => {
			call.body.write(final(), 'data: [1, 2]\n\n').end();
		});
		const result = await run.run();
		assert.deepEqual(result.slots.map(slot => slot?.id), ['stored-1', undefined]);
		assert.equal(result.errors.length, 1);
		assert.match(result.errors[0].message, /without a readable image.*The images that arrived before it \(1\) are kept in the history\./);
		assert.deepEqual([...run.failures.keys()], [1]);
	});

	test('a stream that ends without an image: "ended without an image"', async () => {
		const run = batch(1, 'parallel', call => {
			call.body.write(partial(0), DONE).end();
		});
		const error = await rejection(run.run());
		assert.equal(error.message, 'The response ended without an image. Try again.');
		assert.deepEqual((error as IllustrateError).actions, ['retry']);
		assert.equal(run.calls.length, 1);
	});

	test('a single request that ends after 1 of 3 images keeps the one and fails the rest', async () => {
		const run = batch(3, 'single', call => {
			call.body.write(final(), DONE).end();
		});
		const result = await run.run();
		assert.deepEqual(result.slots.map(slot => slot?.id), ['stored-1', undefined, undefined]);
		assert.deepEqual(result.errors.map(error => error.message), ['The response ended after 1 of 3 images. Try again for the rest.']);
		assert.deepEqual([...run.failures.keys()], [1, 2]);
	});

	test('no request at all: "No image arrived"', async () => {
		const error = await rejection(batch(0, 'parallel', () => undefined).run());
		assert.equal(error.message, 'No image arrived. Try again.');
	});

	test('a 404 names the image models the endpoint lists', async () => {
		const run = batch(1, 'parallel', () => {
			throw httpError(404, { message: 'The model does not exist', code: 'model_not_found' });
		});
		const error = await rejection(run.run());
		assert.equal(error.message, 'The model "gpt-image-2" is not available to your API key. Pick another model. Image models your key can use: dall-e-3, gpt-image-1, gpt-image-2.');
	});
});

suite('Batch runner: batches', () => {
	test('a failure every request would meet (401) aborts the others, and is reported once', async () => {
		let release!: () => void;
		const othersStreaming = new Promise<void>(resolve => { release = resolve; });
		const run = batch(3, 'parallel', async call => {
			if (call.index === 0) {
				await othersStreaming;
				throw httpError(401, { message: 'Incorrect API key provided: sk-test-0123456789abcdef', code: 'invalid_api_key' });
			}
			call.body.write(partial(0));
		});
		const running = run.run();
		await until(() => run.seen.includes('pixels 1 partial 0') && run.seen.includes('pixels 2 partial 0'), 'the other two stream');
		release();
		const error = await rejection(running);
		assert.match(error.message, /^OpenAI rejected the API key \(401\)/);
		assert.equal((error as IllustrateError).batchFatal, true);
		assert.equal(run.calls.length, 3, 'nothing is retried');
		assert.deepEqual(run.calls.slice(1).map(call => call.signal.aborted), [true, true], 'the other requests are aborted');
		assert.deepEqual([...run.failures.keys()], [0]);
		assert.equal(run.log.filter(line => line.startsWith('error')).length, 1);
	});

	test('the fatal rule: bad request, key, access, model and quota stop the batch; rate limits and server errors do not', () => {
		for (const status of [400, 401, 403, 404]) {
			assert.equal(isBatchFatal({ kind: 'http', status, message: '' }), true, String(status));
		}
		assert.equal(isBatchFatal({ kind: 'http', status: 429, code: 'insufficient_quota', message: '' }), true);
		for (const status of [429, 500, 503]) {
			assert.equal(isBatchFatal({ kind: 'http', status, message: '' }), false, String(status));
		}
		assert.equal(isBatchFatal({ kind: 'connection', message: '' }), false);
	});

	test('cancelling mid-batch: CancelledError carrying the stored slots', async () => {
		const run = batch(3, 'parallel', call => {
			call.body.write(partial(0));
			if (call.index === 0) {
				call.body.write(final(), DONE).end();
			}
		});
		const running = run.run();
		await until(() => run.seen.includes('image 0 stored-1') && run.seen.includes('pixels 2 partial 0'), 'one image stored, the others stream');
		run.controller.abort();
		const error = await rejection(running);
		assert.ok(error instanceof CancelledError);
		const partialResult = (error as CancelledError & { partial: GenerationResult<Stored> }).partial;
		assert.deepEqual(partialResult.slots.map(slot => slot?.id), ['stored-1', undefined, undefined]);
		assert.deepEqual(partialResult.images.map(image => image.id), ['stored-1']);
		assert.deepEqual(partialResult.errors, []);
		assert.deepEqual(run.calls.slice(1).map(call => call.signal.aborted), [true, true]);
		assert.equal(run.failures.size, 0, 'a cancelled slot is not a failed one');
		assert.equal(run.log.filter(line => / cancelled after /.test(line)).length, 2);
	});

	test('single: one request for all variants, its images given to the slots in the order they complete', async () => {
		const run = batch(3, 'single', call => {
			call.body.write(partial(0), final(), partial(0), partial(1), final(), final(), DONE).end();
		});
		const result = await run.run();
		assert.deepEqual(run.calls.map(call => call.count), [3]);
		assert.deepEqual(run.seen, [
			'start 0', 'start 1', 'start 2',
			'pixels 0 partial 0', 'pixels 0 final', 'image 0 stored-1',
			'pixels 1 partial 0', 'pixels 1 partial 1', 'pixels 1 final', 'image 1 stored-2',
			'pixels 2 final', 'image 2 stored-3',
		]);
		assert.deepEqual(result.slots.map(slot => slot?.id), ['stored-1', 'stored-2', 'stored-3']);
		assert.equal(result.costUsd !== undefined && result.costUsd > 0, true);
	});

	test('single: a retry asks only for the images still missing', async () => {
		const run = batch(2, 'single', call => {
			if (call.index === 0) {
				throw httpError(503);
			}
			call.body.write(final(), final(), DONE).end();
		});
		await run.run();
		assert.deepEqual(run.calls.map(call => call.count), [2, 2]);
		assert.deepEqual(run.seen.filter(line => line.startsWith('retry')), ['retry 0 1 s 503', 'retry 1 1 s 503']);
	});

	test('parallel: one request per variant, at most MAX_PARALLEL_REQUESTS at once', async () => {
		const n = MAX_PARALLEL_REQUESTS + 2;
		const run = batch(n, 'parallel', call => {
			call.body.write(partial(0));
		});
		const running = run.run();
		await until(() => run.calls.length === MAX_PARALLEL_REQUESTS && run.seen.filter(line => line.endsWith('partial 0')).length === MAX_PARALLEL_REQUESTS, 'the first requests stream');
		// Another turn of the loop: no further request starts while all are in flight.
		await new Promise(resolve => setImmediate(resolve));
		assert.equal(run.calls.length, MAX_PARALLEL_REQUESTS);
		run.calls[0].body.write(final(), DONE);
		run.calls[0].body.end();
		await until(() => run.calls.length === MAX_PARALLEL_REQUESTS + 1, 'the ninth request starts when one finishes');
		for (const call of run.calls.slice(1)) {
			call.body.write(final(), DONE);
			call.body.end();
		}
		await until(() => run.calls.length === n, 'the last request starts');
		run.calls[n - 1].body.write(final(), DONE);
		run.calls[n - 1].body.end();
		const result = await running;
		assert.equal(run.peak, MAX_PARALLEL_REQUESTS);
		assert.deepEqual(run.calls.map(call => call.count), new Array(n).fill(1));
		assert.equal(result.images.length, n);
		assert.deepEqual(result.slots.map(slot => slot !== undefined), new Array(n).fill(true));
	});

	test('the recipe stored takes the size and quality the endpoint reports, and each image\'s cost', async () => {
		const run = batch(1, 'parallel', call => {
			call.body.write(sse({ type: 'image_generation.completed', b64_json: png(1536, 1024), size: '1536x1024', quality: 'medium', usage: { input_tokens: 10, output_tokens: 100, input_tokens_details: { text_tokens: 10, image_tokens: 0 } } }), DONE).end();
		});
		const result = await run.run();
		const recipe = run.stored[0].recipe;
		assert.equal(recipe.size, '1536x1024');
		assert.equal(recipe.quality, 'medium');
		assert.equal(recipe.prompt, 'a fox');
		assert.equal(recipe.costUsd, result.costUsd);
	});
});
