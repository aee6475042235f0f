import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import OpenAI, { toFile } from 'openai';
import sharp from 'sharp';
import { readImageInfo } from '../../src/core/images/imageInfo';
import { waitFor } from '../harness/waitFor';
import { startImageApiServer, type ImageApiServer } from './imageApiServer';
import { validateAgainstSpec } from './schemaValidator';

const KEY = 'sk-test-server-0123456789';

async function pixelSize(b64: string) {
	const meta = await sharp(Buffer.from(b64, 'base64')).metadata();
	return { width: meta.width, height: meta.height, format: meta.format };
}

suite('test image API server', function () {
	this.timeout(30_000);
	let server: ImageApiServer;
	let client: OpenAI;

	suiteSetup(async () => {
		server = await startImageApiServer();
		client = new OpenAI({ apiKey: KEY, baseURL: server.url, maxRetries: 0, timeout: 10_000 });
	});

	setup(() => server.reset());

	suiteTeardown(() => server.close());

	test('JSON generation: a spec-valid response with distinct real PNGs of the requested size', async () => {
		const response = await client.images.generate({ model: 'gpt-image-2', prompt: 'a fox', n: 2, size: '1536x864', quality: 'low' });
		assert.equal(validateAgainstSpec('ImagesResponse', response).valid, true, validateAgainstSpec('ImagesResponse', response).errors.join('; '));
		assert.equal(response.data?.length, 2);
		const [first, second] = response.data!;
		assert.deepEqual(await pixelSize(first.b64_json!), { width: 1536, height: 864, format: 'png' });
		assert.notEqual(createHash('sha256').update(first.b64_json!).digest('hex'), createHash('sha256').update(second.b64_json!).digest('hex'));
		assert.ok(response.usage && response.usage.output_tokens > 0);
		const [request] = server.requests;
		assert.equal(request.valid, true);
		assert.equal(request.authorization, `Bearer ${KEY}`);
		assert.deepEqual(server.imageBytes(request.id, 1), Buffer.from(second.b64_json!, 'base64'));
	});

	test('JPEG and WebP output with compression, and readImageInfo agrees', async () => {
		for (const format of ['jpeg', 'webp'] as const) {
			const response = await client.images.generate({ model: 'gpt-image-2', prompt: 'a fox', size: '1024x1536', output_format: format, output_compression: 60 });
			const bytes = Buffer.from(response.data![0].b64_json!, 'base64');
			assert.deepEqual(readImageInfo(bytes), { format, width: 1024, height: 1536 });
			assert.equal((await pixelSize(response.data![0].b64_json!)).format, format);
		}
	});

	test('streaming: partial images, then the completed one, each a spec-valid event', async () => {
		const stream = await client.images.generate({ model: 'gpt-image-2', prompt: 'a fox', stream: true, partial_images: 2, size: '1024x1024', quality: 'medium' });
		const types: string[] = [];
		for await (const event of stream) {
			const check = validateAgainstSpec('ImageGenStreamEvent', event);
			assert.equal(check.valid, true, check.errors.join('; '));
			types.push(event.type === 'image_generation.partial_image' ? `partial ${event.partial_image_index}` : 'completed');
			assert.deepEqual(await pixelSize(event.b64_json), { width: 1024, height: 1024, format: 'png' });
		}
		assert.deepEqual(types, ['partial 0', 'partial 1', 'completed']);
		assert.equal(server.requests[0].partials.length, 2);
	});

	test('streaming edits: multipart with stream and partial_images', async () => {
		const png = await sharp({ create: { width: 1024, height: 1536, channels: 3, background: '#336699' } }).png().toBuffer();
		const stream = await client.images.edit({ model: 'gpt-image-2', prompt: 'warmer', n: 1, stream: true, partial_images: 1, image: await toFile(png, 'in.png', { type: 'image/png' }) });
		const types: string[] = [];
		for await (const event of stream) {
			assert.equal(validateAgainstSpec('ImageEditStreamEvent', event).valid, true);
			types.push(event.type);
			assert.equal(event.size, '1024x1536', 'auto size follows a standard-size input');
		}
		assert.deepEqual(types, ['image_edit.partial_image', 'image_edit.completed']);
		assert.equal(server.requests[0].valid, true, server.requests[0].errors.join('; '));
	});

	test('holding finals: partials flow, finals wait for the release', async () => {
		server.configure({ holdFinals: true });
		const stream = await client.images.generate({ model: 'gpt-image-2', prompt: 'held', stream: true, partial_images: 1, size: '1024x1024', quality: 'low' });
		const seen: string[] = [];
		const consumed = (async () => {
			for await (const event of stream) {
				seen.push(event.type);
			}
		})();
		await waitFor(() => seen.length > 0, 'the partial image arrived');
		assert.deepEqual(seen, ['image_generation.partial_image']);
		assert.equal(server.requests[0].images.length, 0, 'the final image is held at the server');
		server.releaseFinals();
		await consumed;
		assert.deepEqual(seen, ['image_generation.partial_image', 'image_generation.completed']);
	});

	test('streaming paces events by the configured latency', async () => {
		server.configure({ imageMs: 300, firstByteMs: 100 });
		const started = Date.now();
		const stream = await client.images.generate({ model: 'gpt-image-2', prompt: 'slow fox', stream: true, partial_images: 1, size: '1024x1024', quality: 'low' });
		const times: number[] = [];
		for await (const _event of stream) {
			times.push(Date.now() - started);
		}
		assert.equal(times.length, 2);
		assert.ok(times[0] >= 240, `partial at ${times[0]} ms`);
		assert.ok(times[1] >= 390, `final at ${times[1]} ms`);
		// When the last byte left, for the bench's "server's last byte → all painted".
		const [request] = server.requests;
		await waitFor(() => request.lastByteAt !== undefined, 'the response finished');
		assert.ok(request.lastByteAt! >= request.images[0].sentAt! && request.images[0].sentAt! >= request.partials[0].sentAt! && request.partials[0].sentAt! >= request.receivedAt);
		assert.ok(request.lastByteAt! - request.receivedAt >= 390, `last byte ${request.lastByteAt! - request.receivedAt} ms after the request`);
	});

	test('edits: multipart image and mask are parsed, recorded and checked', async () => {
		const png = await sharp({ create: { width: 1024, height: 1024, channels: 4, background: '#336699ff' } }).png().toBuffer();
		const mask = await sharp({ create: { width: 1024, height: 1024, channels: 4, background: '#00000000' } }).png().toBuffer();
		const response = await client.images.edit({ model: 'gpt-image-2', prompt: 'warmer', n: 2, quality: 'high', output_compression: 80, output_format: 'webp', image: await toFile(png, 'in.png', { type: 'image/png' }), mask: await toFile(mask, 'mask.png', { type: 'image/png' }) });
		assert.equal(response.data?.length, 2);
		const [request] = server.requests;
		assert.equal(request.valid, true, request.errors.join('; '));
		assert.deepEqual([request.body.n, request.body.output_compression, request.body.quality], [2, 80, 'high'], 'multipart fields get their declared types back');
		assert.deepEqual(request.files.map(file => [file.field, file.width, file.height]), [['image', 1024, 1024], ['mask', 1024, 1024]]);

		const small = await sharp({ create: { width: 512, height: 512, channels: 4, background: '#00000000' } }).png().toBuffer();
		await assert.rejects(
			client.images.edit({ model: 'gpt-image-2', prompt: 'warmer', image: await toFile(png, 'in.png', { type: 'image/png' }), mask: await toFile(small, 'mask.png', { type: 'image/png' }) }),
			(error: InstanceType<typeof OpenAI.BadRequestError>) => error.status === 400 && /same dimensions/.test(error.message),
		);
		await assert.rejects(
			client.images.edit({ model: 'gpt-image-2', prompt: 'warmer', input_fidelity: 'high', image: await toFile(png, 'in.png', { type: 'image/png' }) }),
			/input_fidelity 'high' is not supported for gpt-image-2/,
		);
	});

	test('requests the spec does not allow are refused and recorded as invalid', async () => {
		await assert.rejects(client.images.generate({ model: 'gpt-image-2', prompt: 'x', n: 11 }), (error: InstanceType<typeof OpenAI.APIError>) => error.status === 400);
		await assert.rejects(client.images.generate({ model: 'gpt-image-2', prompt: 'x', unknown_field: 1 } as never), /Unrecognized request argument supplied: unknown_field/);
		await assert.rejects(client.images.generate({ model: 'gpt-image-2', prompt: 'x', size: '1000x1000' }), /divisible by 16/);
		await assert.rejects(client.images.generate({ model: 'dall-e-3', prompt: 'x' }), (error: InstanceType<typeof OpenAI.APIError>) => error.status === 404);
		assert.deepEqual(server.requests.map(request => request.valid), [false, false, false, false]);
	});

	test('a missing or unaccepted key is a 401', async () => {
		server.configure({ acceptedKeys: ['sk-only-this-one-123'] });
		await assert.rejects(client.images.generate({ model: 'gpt-image-2', prompt: 'x' }), (error: InstanceType<typeof OpenAI.APIError>) => error.status === 401 && error.code === 'invalid_api_key');
	});

	const httpFailures: Array<[Parameters<ImageApiServer['fail']>[0], number, string | null, string]> = [
		[{ kind: 'moderation_blocked' }, 400, 'moderation_blocked', 'image_generation_user_error'],
		[{ kind: 'invalid_size' }, 400, 'invalid_value', 'invalid_request_error'],
		[{ kind: 'invalid_api_key' }, 401, 'invalid_api_key', 'invalid_request_error'],
		[{ kind: 'organization_verification' }, 403, null, 'invalid_request_error'],
		[{ kind: 'model_not_found' }, 404, 'model_not_found', 'invalid_request_error'],
		[{ kind: 'rate_limit', retryAfterSeconds: 7 }, 429, 'rate_limit_exceeded', 'requests'],
		[{ kind: 'insufficient_quota' }, 429, 'insufficient_quota', 'insufficient_quota'],
		[{ kind: 'server_error' }, 500, null, 'server_error'],
		[{ kind: 'service_unavailable' }, 503, null, 'server_error'],
	];
	for (const [failure, status, code, type] of httpFailures) {
		test(`injects ${failure.kind}: ${status} with the API's error body`, async () => {
			server.fail(failure);
			const error = await client.images.generate({ model: 'gpt-image-2', prompt: 'x' }).then(() => undefined, (caught: unknown) => caught as InstanceType<typeof OpenAI.APIError>);
			assert.ok(error instanceof OpenAI.APIError);
			assert.equal(error.status, status);
			assert.equal(error.code, code);
			assert.equal(error.type, type);
			assert.equal(validateAgainstSpec('ErrorResponse', { error: error.error }).valid, true);
			if (failure.kind === 'rate_limit') {
				assert.equal(error.headers?.get('retry-after'), '7');
			}
			// The failure applies once; the next request succeeds.
			assert.equal((await client.images.generate({ model: 'gpt-image-2', prompt: 'x' })).data?.length, 1);
		});
	}

	test('injects a dropped connection and a stall past the client timeout', async () => {
		server.fail({ kind: 'drop_connection' });
		await assert.rejects(client.images.generate({ model: 'gpt-image-2', prompt: 'x' }), OpenAI.APIConnectionError);
		server.fail({ kind: 'stall' });
		const impatient = new OpenAI({ apiKey: KEY, baseURL: server.url, maxRetries: 0, timeout: 500 });
		await assert.rejects(impatient.images.generate({ model: 'gpt-image-2', prompt: 'x' }), OpenAI.APIConnectionTimeoutError);
	});

	test('injects an error event mid-stream after the first image', async () => {
		server.fail({ kind: 'stream_error', afterImages: 1 });
		const stream = await client.images.generate({ model: 'gpt-image-2', prompt: 'x', n: 3, stream: true });
		const received: string[] = [];
		await assert.rejects((async () => {
			for await (const event of stream) {
				received.push(event.type);
			}
		})(), (error: InstanceType<typeof OpenAI.APIError>) => /failed part-way/.test(error.message));
		assert.deepEqual(received, ['image_generation.completed']);
	});

	test('failures can target a path or a prompt', async () => {
		server.fail({ kind: 'server_error', promptIncludes: 'cursed' });
		assert.equal((await client.images.generate({ model: 'gpt-image-2', prompt: 'fine' })).data?.length, 1);
		await assert.rejects(client.images.generate({ model: 'gpt-image-2', prompt: 'a cursed fox' }), (error: InstanceType<typeof OpenAI.APIError>) => error.status === 500);
	});

	test('CORS, as the web extension needs it: preflights answered, answers readable from another origin', async () => {
		const preflight = await fetch(`${server.url}/images/generations`, {
			method: 'OPTIONS',
			headers: { origin: 'https://vscode.dev', 'access-control-request-method': 'POST', 'access-control-request-headers': 'authorization,content-type,x-stainless-runtime' },
		});
		assert.equal(preflight.status, 204);
		assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
		assert.match(preflight.headers.get('access-control-allow-methods') ?? '', /\bPOST\b/);
		assert.equal(preflight.headers.get('access-control-allow-headers'), 'authorization,content-type,x-stainless-runtime');
		assert.deepEqual(server.preflights, [{ path: '/v1/images/generations', origin: 'https://vscode.dev', method: 'POST', headers: ['authorization', 'content-type', 'x-stainless-runtime'] }]);
		assert.equal(server.requests.length, 0, 'a preflight is not a request');

		const response = await fetch(`${server.url}/images/generations`, {
			method: 'POST',
			headers: { origin: 'https://vscode.dev', authorization: `Bearer ${KEY}`, 'content-type': 'application/json', 'x-stainless-runtime': 'browser:chrome' },
			body: JSON.stringify({ model: 'gpt-image-2', prompt: 'a fox', size: '1024x1024', quality: 'low' }),
		});
		assert.equal(response.status, 200);
		assert.equal(response.headers.get('access-control-allow-origin'), '*');
		assert.match(response.headers.get('access-control-expose-headers') ?? '', /\bx-request-id\b.*\bretry-after\b/);
		assert.equal(server.requests[0].origin, 'https://vscode.dev');
		assert.equal(server.requests[0].runtime, 'browser:chrome');

		server.configure({ cors: false });
		const refused = await fetch(`${server.url}/images/generations`, { method: 'OPTIONS', headers: { origin: 'https://vscode.dev', 'access-control-request-method': 'POST' } });
		assert.equal(refused.headers.get('access-control-allow-origin'), null, 'cors: false allows no other origin');
	});

	test('the control API serves recorded requests and image bytes to other processes', async () => {
		const response = await client.images.generate({ model: 'gpt-image-2', prompt: 'a fox' });
		const recorded = await (await fetch(`${server.origin}/__control/requests`)).json() as Array<{ id: string }>;
		assert.equal(recorded.length, 1);
		const bytes = Buffer.from(await (await fetch(`${server.origin}/__control/requests/${recorded[0].id}/images/0`)).arrayBuffer());
		assert.deepEqual(bytes, Buffer.from(response.data![0].b64_json!, 'base64'));
	});

	test('fuzz mode: the seed and the request number decide each damaged response, so a run can be repeated', async () => {
		const run = async (seed: number) => {
			server.reset();
			server.configure({ fuzzSeed: seed });
			for (let index = 0; index < 12; index++) {
				const controller = new AbortController();
				const response = await fetch(`${server.url}/images/generations`, {
					method: 'POST',
					signal: controller.signal,
					headers: { 'content-type': 'application/json', authorization: `Bearer ${KEY}` },
					body: JSON.stringify({ model: 'gpt-image-2', prompt: 'a fox', size: '1024x1024', quality: 'low', stream: true, partial_images: 2 }),
				}).catch(() => undefined);
				// Read a little of each body, as far as it goes: some never end, some break.
				await response?.body?.getReader().read().catch(() => undefined);
				controller.abort();
			}
			await waitFor(() => !server.requests.some(request => !request.fuzz), 'the server recorded every fuzzed response', 5000);
			return server.requests.map(request => request.fuzz?.case.split('/')[0]);
		};
		const first = await run(7);
		assert.deepEqual(await run(7), first);
		assert.notDeepEqual(await run(8), first);
		assert.ok(new Set(first).size > 3, first.join(', '));
	});
});
