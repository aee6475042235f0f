import * as assert from 'node:assert/strict';
import { parseDocument } from 'htmlparser2';
import { DomUtils } from 'htmlparser2';
import OpenAI, { toFile } from 'openai';
import sharp from 'sharp';
import { decodeGif } from './gifDecoder';
import { startImageApiServer, type ImageApiServer } from './imageApiServer';
import { validateAgainstSpec } from './schemaValidator';

const KEY = 'sk-test-server-0123456789';
type ApiError = InstanceType<typeof OpenAI.APIError>;

/** The first image of a JSON reply, decoded. */
const firstImage = (response: OpenAI.ImagesResponse) => Buffer.from(response.data![0].b64_json!, 'base64');

/** Differing pixels between two RGBA frames. */
function differingPixels(a: Uint8Array, b: Uint8Array): number {
	let count = 0;
	for (let at = 0; at < a.length; at += 4) {
		if (a[at] !== b[at] || a[at + 1] !== b[at + 1] || a[at + 2] !== b[at + 2]) {
			count++;
		}
	}
	return count;
}

suite('test image API server: SVG and GIF output', function () {
	this.timeout(60_000);
	let server: ImageApiServer;
	let client: OpenAI;

	suiteSetup(async () => {
		server = await startImageApiServer();
		client = new OpenAI({ apiKey: KEY, baseURL: server.url, maxRetries: 0, timeout: 30_000 });
	});

	setup(() => server.reset());

	suiteTeardown(() => server.close());

	/** The API error a request ends in (failing the test when it succeeds). */
	async function refusal(request: Promise<unknown>): Promise<ApiError> {
		const error = await request.then(() => undefined, (caught: unknown) => caught);
		assert.ok(error instanceof OpenAI.APIError, `expected an API error, got ${String(error)}`);
		return error;
	}

	test('SVG: a spec-valid JSON reply with a real SVG of the requested size that labels itself with the prompt, and svg_usage', async () => {
		const response = await client.images.generate({ model: 'gpt-image-2.6-flare', prompt: 'a flow diagram of a <request> & its reply', size: '1536x1024', output_format: 'svg', svg: { model: 'gpt-5.4-mini', reasoning: { effort: 'high' } } });
		const check = validateAgainstSpec('ImagesResponse', response);
		assert.equal(check.valid, true, check.errors.join('; '));
		assert.equal(response.output_format, 'svg');
		assert.equal(response.data?.length, 1);
		const bytes = firstImage(response);
		// librsvg (through sharp) reads and renders it: a real SVG, not just text that looks like one.
		const meta = await sharp(bytes).metadata();
		assert.deepEqual({ format: meta.format, width: meta.width, height: meta.height }, { format: 'svg', width: 1536, height: 1024 });
		assert.equal((await sharp(bytes).png().toBuffer()).length > 0, true);
		const document = parseDocument(bytes.toString('utf8'), { xmlMode: true });
		const root = DomUtils.findOne(element => element.name === 'svg', document.children, true);
		assert.equal(root?.attribs.viewBox, '0 0 1536 1024');
		const texts = DomUtils.findAll(element => element.name === 'text', document.children).map(element => DomUtils.textContent(element));
		assert.ok(texts.some(text => text.includes('a flow diagram of a <request> & its reply')), texts.join(' | '));
		const usage = response.svg_usage;
		assert.ok(usage, 'svg_usage in the reply');
		assert.equal(usage.model, 'gpt-5.4-mini');
		assert.ok(usage.input_tokens > 0 && usage.reasoning_tokens > 0 && usage.output_tokens > usage.reasoning_tokens);
		assert.equal(usage.total_tokens, usage.input_tokens + usage.output_tokens);
		assert.ok(response.usage && response.usage.output_tokens > 0, 'the reference image has its own usage');
		assert.equal(server.requests[0].images[0].format, 'svg');
	});

	test('SVG override: the reply carries the SVG a test gives, byte for byte (a hostile one, say)', async () => {
		const hostile = '<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"><script>alert(1)</script></svg>';
		server.configure({ svgOverride: hostile });
		const response = await client.images.generate({ model: 'gpt-image-2.6-flare', prompt: 'a tree', output_format: 'svg' });
		assert.equal(firstImage(response).toString('utf8'), hostile);
		server.reset();
		assert.notEqual(firstImage(await client.images.generate({ model: 'gpt-image-2.6-flare', prompt: 'a tree', output_format: 'svg' })).toString('utf8'), hostile);
	});

	test('SVG without an author named: the default author, no reasoning effort asked, medium used', async () => {
		const response = await client.images.generate({ model: 'gpt-image-2.6-sunburst', prompt: 'a tree', output_format: 'svg' });
		assert.equal(response.svg_usage?.model, 'gpt-5.5');
		assert.equal((await sharp(firstImage(response)).metadata()).width, 1024);
	});

	test('GIF: a real animated GIF, 9 frames of 200 ms by default, looping, of the requested size, every frame different', async () => {
		const response = await client.images.generate({ model: 'gpt-image-2.6-sunburst', prompt: 'a bouncing ball', size: '512x768', output_format: 'gif' });
		assert.equal(validateAgainstSpec('ImagesResponse', response).valid, true);
		assert.equal(response.output_format, 'gif');
		assert.equal(response.svg_usage, undefined);
		const gif = decodeGif(firstImage(response));
		assert.equal(gif.width, 512);
		assert.equal(gif.height, 768);
		assert.equal(gif.frames.length, 9);
		assert.deepEqual(gif.delaysMs, Array(9).fill(200));
		assert.equal(gif.loopCount, 0, 'loops forever');
		for (let index = 1; index < gif.frames.length; index++) {
			assert.ok(differingPixels(gif.frames[index - 1], gif.frames[index]) > 100, `frame ${index} moves`);
		}
	});

	test('GIF: the requested frame count and frame duration, rounded to 10 ms, in a generation and in an edit', async () => {
		const four = await client.images.generate({ model: 'gpt-image-2.6-flare', prompt: 'a loader', size: '960x960', output_format: 'gif', frame_count: 4, frame_duration_ms: 300 });
		const decoded = decodeGif(firstImage(four));
		assert.deepEqual({ frames: decoded.frames.length, delays: decoded.delaysMs, width: decoded.width, height: decoded.height }, { frames: 4, delays: [300, 300, 300, 300], width: 960, height: 960 });
		const png = await sharp({ create: { width: 1024, height: 1024, channels: 3, background: '#336699' } }).png().toBuffer();
		const edited = await client.images.edit({ model: 'gpt-image-2.6-flare', prompt: 'make it spin', image: await toFile(png, 'in.png', { type: 'image/png' }), output_format: 'gif', frame_count: 2, frame_duration_ms: 333 });
		const gif = decodeGif(firstImage(edited));
		assert.deepEqual({ frames: gif.frames.length, delays: gif.delaysMs, width: gif.width }, { frames: 2, delays: [330, 330], width: 960 }, 'auto: the largest square of the frame count\'s tier');
		assert.equal(server.requests[1].valid, true, server.requests[1].errors.join('; '));
		assert.equal(server.requests[1].body.frame_count, 2, 'multipart numbers get their type back');
	});

	test('SVG edits: the author and effort arrive as multipart svg[model] and svg[reasoning][effort]', async () => {
		const png = await sharp({ create: { width: 1024, height: 1024, channels: 3, background: '#336699' } }).png().toBuffer();
		const response = await client.images.edit({ model: 'gpt-image-2.6-flare', prompt: 'as a diagram', image: await toFile(png, 'in.png', { type: 'image/png' }), output_format: 'svg', svg: { model: 'gpt-5.5-mini', reasoning: { effort: 'low' } } });
		assert.equal(response.svg_usage?.model, 'gpt-5.5-mini');
		assert.equal(response.svg_usage?.reasoning_tokens, 640);
		assert.deepEqual(server.requests[0].body.svg, { model: 'gpt-5.5-mini', reasoning: { effort: 'low' } });
		assert.equal((await sharp(firstImage(response)).metadata()).format, 'svg');
	});

	test('refuses, as the API does, what SVG and GIF do not take', async () => {
		const cases: { request: Record<string, unknown>; status: number; param: string; message: RegExp }[] = [
			{ request: { output_format: 'svg', n: 2 }, status: 400, param: 'n', message: /SVG output requires n=1, but got 2/ },
			{ request: { output_format: 'svg', stream: true }, status: 400, param: 'stream', message: /SVG output does not support streaming/ },
			{ request: { output_format: 'gif', stream: true, partial_images: 2 }, status: 400, param: 'stream', message: /GIF output does not support streaming/ },
			{ request: { output_format: 'svg', partial_images: 1 }, status: 400, param: 'partial_images', message: /does not support partial images/ },
			{ request: { output_format: 'svg', output_compression: 50 }, status: 400, param: 'output_compression', message: /only supported for jpeg and webp/ },
			{ request: { output_format: 'gif', output_compression: 50 }, status: 400, param: 'output_compression', message: /only supported for jpeg and webp/ },
			{ request: { output_format: 'gif', frame_count: 1 }, status: 400, param: 'frame_count', message: /integer below minimum value. Expected a value >= 2, but got 1/ },
			{ request: { output_format: 'gif', frame_count: 17 }, status: 400, param: 'frame_count', message: /integer above maximum value. Expected a value <= 16, but got 17/ },
			{ request: { output_format: 'gif', frame_duration_ms: 0 }, status: 400, param: 'frame_duration_ms', message: /Expected a value >= 1/ },
			{ request: { output_format: 'png', frame_count: 4 }, status: 400, param: 'frame_count', message: /only supported with output_format=gif/ },
			{ request: { output_format: 'png', svg: { model: 'gpt-5.5' } }, status: 400, param: 'svg', message: /only supported with output_format=svg/ },
			{ request: { output_format: 'gif', size: '1024x1024' }, status: 400, param: 'size', message: /Invalid size '1024x1024' for output_format 'gif' with 9 frames/ },
			{ request: { output_format: 'gif', size: '960x960', frame_count: 16 }, status: 400, param: 'size', message: /at most 518400 pixels \(for example 720x720\)/ },
			{ request: { output_format: 'gif', background: 'transparent' }, status: 400, param: 'background', message: /png or webp/ },
			{ request: { output_format: 'svg', svg: { model: 'gpt-4o' } }, status: 404, param: 'svg.model', message: /The model `gpt-4o` does not exist or you do not have access to it/ },
			{ request: { model: 'gpt-image-2.5-flare', output_format: 'gif' }, status: 400, param: 'output_format', message: /Invalid value: 'gif'. Supported values for gpt-image-2.5-flare are: 'png', 'jpeg', 'webp'\./ },
			{ request: { model: 'gpt-image-1.5', output_format: 'svg' }, status: 400, param: 'output_format', message: /Supported values for gpt-image-1.5 are: 'png', 'jpeg', 'webp'\./ },
		];
		for (const { request, status, param, message } of cases) {
			const error = await refusal(client.images.generate({ model: 'gpt-image-2.6-flare', prompt: 'a fox', ...request } as OpenAI.ImageGenerateParamsNonStreaming));
			const label = JSON.stringify(request);
			assert.equal(error.status, status, label);
			assert.equal(error.param, param, label);
			assert.match(error.message, message, label);
		}
		assert.equal(server.requests.length, cases.length);
		assert.ok(server.requests.every(request => !request.valid && request.images.length === 0));
	});

	test('refuses a GIF edit with a mask', async () => {
		const png = await sharp({ create: { width: 1024, height: 1024, channels: 4, background: { r: 0, g: 0, b: 0, alpha: 0 } } }).png().toBuffer();
		const error = await refusal(client.images.edit({ model: 'gpt-image-2.6-flare', prompt: 'spin', output_format: 'gif', image: await toFile(png, 'in.png', { type: 'image/png' }), mask: await toFile(png, 'mask.png', { type: 'image/png' }) }));
		assert.equal(error.status, 400);
		assert.equal(error.param, 'mask');
		assert.match(error.message, /GIF output does not support masks/);
	});

	test('a project without SVG, GIF or SVG model selection is refused as the API refuses it; access comes back on reset', async () => {
		server.configure({ svgAccess: false, gifAccess: false, svgModelSelection: true, svgAuthorModels: ['gpt-5.5'] });
		const svg = await refusal(client.images.generate({ model: 'gpt-image-2.6-flare', prompt: 'x', output_format: 'svg' }));
		assert.deepEqual([svg.status, svg.code, svg.param], [403, 'svg_access_required', 'output_format']);
		assert.match(svg.message, /does not have access to SVG output/);
		const gif = await refusal(client.images.generate({ model: 'gpt-image-2.6-flare', prompt: 'x', output_format: 'gif' }));
		assert.deepEqual([gif.status, gif.code, gif.param], [403, 'gif_access_required', 'output_format']);
		assert.match(gif.message, /GIF output requires access to the GIF preview for the selected model/);
		server.configure({ svgAccess: true, svgModelSelection: false });
		const selection = await refusal(client.images.generate({ model: 'gpt-image-2.6-flare', prompt: 'x', output_format: 'svg', svg: { model: 'gpt-5.5' } }));
		assert.deepEqual([selection.status, selection.code, selection.param], [400, 'svg_model_selection_disabled', 'svg']);
		const withoutAuthor = await client.images.generate({ model: 'gpt-image-2.6-flare', prompt: 'x', output_format: 'svg' });
		assert.equal(withoutAuthor.svg_usage?.model, 'gpt-5.5', 'omitting svg still works');
		server.reset();
		const gifAgain = await client.images.generate({ model: 'gpt-image-2.6-flare', prompt: 'x', output_format: 'gif', frame_count: 2 });
		assert.equal(decodeGif(firstImage(gifAgain)).frames.length, 2);
	});
});
