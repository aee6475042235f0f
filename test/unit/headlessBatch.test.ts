import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as sdk from 'openai';
import type { ImageRecipe } from '../../src/core/generation/imageRecipe';
import { systemClock } from '../../src/core/generation/requestClock';
import { IllustrateError } from '../../src/core/errors';
import type { OutputFormat } from '../../src/core/models/capabilities';
import type { ImageRequestOptions } from '../../src/core/models/validation';
import { classifySdkError, editImages, generateImages, type BatchServices, type OpenAIConnection } from '../../src/providers/openaiImages';
import { startImageApiServer, type ImageApiServer } from '../server/imageApiServer';

/**
 * A caller with no UI (an agent, a whole-site batch): the core batch runner with the
 * `openai` SDK's sender, against the test API server, storing in memory, in a process where
 * no `vscode` module exists.
 */

const KEY = 'sk-headless-0123456789abcdef';
const OPTIONS: ImageRequestOptions = { prompt: 'a lighthouse', model: 'gpt-image-2', size: '1024x1024', quality: 'low', n: 2, outputFormat: 'png' };

interface MemoryImage {
	readonly id: number;
	readonly bytes: Uint8Array;
	readonly recipe: ImageRecipe;
	readonly format: OutputFormat;
}

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

suite('A headless batch: the core runner and the openai SDK, no VS Code', function () {
	this.timeout(30_000);
	let server: ImageApiServer;
	let connection: OpenAIConnection;
	let stored: MemoryImage[];
	let log: string[];
	let services: BatchServices<MemoryImage>;

	suiteSetup(async () => {
		server = await startImageApiServer();
		connection = { sdk, client: new sdk.OpenAI({ apiKey: KEY, baseURL: server.url, maxRetries: 0, timeout: 20_000 }), key: KEY, requestTimeoutMs: 20_000 };
	});

	setup(() => {
		server.reset();
		stored = [];
		log = [];
		services = {
			store: async (bytes, recipe, format) => {
				const image = { id: stored.length, bytes, recipe, format };
				stored.push(image);
				return image;
			},
			log: { info: line => log.push(line), warn: line => log.push(line), error: line => log.push(line) },
			// Retry waits pass at once; the requests' own clocks are the system's.
			clock: { ...systemClock, sleep: async () => undefined },
		};
	});

	suiteTeardown(() => server.close());

	test('no vscode module can be loaded here', () => {
		assert.throws(() => require.resolve('vscode'), /Cannot find module 'vscode'/);
	});

	test('generates two variants in parallel requests and stores the bytes the server sent', async () => {
		const pixels: number[] = [];
		const result = await generateImages(connection, OPTIONS, services, new AbortController().signal, { onImage: () => undefined, onPixels: slot => pixels.push(slot) });
		assert.equal(result.images.length, 2);
		assert.equal(server.requests.length, 2);
		const sent = server.requests.map(request => sha256(server.imageBytes(request.id, 0)!)).sort();
		assert.deepEqual(stored.map(image => sha256(image.bytes)).sort(), sent);
		assert.ok(server.requests.every(request => request.valid && request.stream && request.body.n === 1 && request.body.partial_images === 2), JSON.stringify(server.requests.map(request => request.errors)));
		assert.equal(server.requests[0].authorization, `Bearer ${KEY}`);
		assert.deepEqual(stored.map(image => image.recipe.operation), ['generate', 'generate']);
		assert.ok(pixels.includes(0) && pixels.includes(1));
		assert.ok(result.costUsd !== undefined && result.costUsd > 0);
	});

	test('an edit with a reference image: one multipart request for both variants', async () => {
		await generateImages(connection, { ...OPTIONS, n: 1 }, services, new AbortController().signal, { onImage: () => undefined });
		const reference = stored[0].bytes;
		server.reset();
		stored = [];
		const recipe: ImageRecipe = { prompt: 'warmer', model: 'gpt-image-2', size: '1024x1024', quality: 'low', operation: 'edit' };
		const result = await editImages(connection, { ...OPTIONS, prompt: 'warmer', images: [{ bytes: reference, name: 'reference.png', format: 'png' }] }, recipe, services, new AbortController().signal, { onImage: () => undefined });
		assert.equal(result.images.length, 2);
		assert.equal(server.requests.length, 1);
		const [request] = server.requests;
		assert.equal(request.path, '/v1/images/edits');
		assert.equal(request.valid, true, request.errors.join('; '));
		assert.equal(sha256(server.uploadedBytes(request.id, 0)!), sha256(reference));
		assert.deepEqual(stored.map(image => image.recipe.operation), ['edit', 'edit']);
	});

	test('a rate limit is waited out and retried, through the SDK\'s error classes', async () => {
		server.fail({ kind: 'rate_limit', retryAfterSeconds: 1 });
		const retries: number[] = [];
		const result = await generateImages(connection, { ...OPTIONS, n: 1 }, services, new AbortController().signal, { onImage: () => undefined, onRetry: (_slot, seconds, status) => retries.push(seconds, status ?? 0) });
		assert.equal(result.images.length, 1);
		assert.deepEqual(retries, [1, 429]);
		assert.equal(server.requests.length, 2);
	});

	test('a rejected key stops the batch with the message a user can act on', async () => {
		server.fail({ kind: 'invalid_api_key', times: 2 });
		const error = await generateImages(connection, OPTIONS, services, new AbortController().signal, { onImage: () => undefined }).then(() => undefined, (caught: unknown) => caught);
		assert.ok(error instanceof IllustrateError);
		assert.match(error.message, /^OpenAI rejected the API key \(401\)/);
		assert.equal(error.batchFatal, true);
		assert.ok(!error.message.includes(KEY));
		assert.deepEqual(stored, []);
	});
});

suite('The SDK\'s errors as the batch runner reads them', () => {
	test('a timeout, a connection refused or dropped, an HTTP error, anything else', () => {
		assert.equal(classifySdkError(new sdk.APIConnectionTimeoutError(), sdk, undefined).kind, 'timeout');
		const refused = new sdk.APIConnectionError({ cause: Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } }) });
		assert.equal(classifySdkError(refused, sdk, undefined).kind, 'unreachable');
		assert.equal(classifySdkError(new sdk.APIConnectionError({ cause: new TypeError('terminated') }), sdk, undefined).kind, 'connection');
		const limited = classifySdkError(sdk.APIError.generate(429, { error: { message: 'slow down', code: 'rate_limit_exceeded', type: 'requests' } }, undefined, new Headers({ 'retry-after': '2' })), sdk, undefined);
		assert.deepEqual({ kind: limited.kind, status: limited.status, code: limited.code, type: limited.type, message: limited.message }, { kind: 'http', status: 429, code: 'rate_limit_exceeded', type: 'requests', message: '429 slow down' });
		assert.equal((limited.headers as Headers).get('retry-after'), '2');
		assert.deepEqual(classifySdkError(new RangeError('odd'), sdk, undefined), { kind: 'other', message: 'odd' });
	});
});
