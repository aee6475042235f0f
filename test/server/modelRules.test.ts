import * as assert from 'node:assert/strict';
import { ApiError } from './httpReplies';
import { checkSemantics, gifAutoSize, gifDelayMs, gifSizeProblem, sizeProblem } from './modelRules';
import type { RecordedFile } from './requestLog';

const png = (field: string, width = 1024, height = 1024, extra: Partial<RecordedFile> = {}): RecordedFile => ({ field, filename: `${field}.png`, contentType: 'image/png', size: 1000, sha256: '0', width, height, hasAlpha: true, ...extra });
const body = (change: Record<string, unknown> = {}) => ({ model: 'gpt-image-2', prompt: 'a fox', ...change });

/** The API error `checkSemantics` throws, or undefined when it accepts the request. */
function refusal(request: Record<string, unknown>, files: RecordedFile[] = [], isEdit = false, anyModel = false): { status: number; code: string | null; param: string | null; message: string } | undefined {
	try {
		checkSemantics(request, files, isEdit, anyModel);
		return undefined;
	} catch (error) {
		assert.ok(error instanceof ApiError, String(error));
		return { status: error.status, code: error.code, param: error.param, message: error.message };
	}
}

suite('test server: model rules as the API enforces them', () => {
	test('sizes: standard and auto for all, custom sizes only for the models that take them, within their bounds', () => {
		assert.equal(sizeProblem('gpt-image-1.5', 'auto'), undefined);
		assert.equal(sizeProblem('gpt-image-1.5', '1536x1024'), undefined);
		assert.match(sizeProblem('gpt-image-1.5', '1536x864') ?? '', /Supported sizes are/);
		assert.equal(sizeProblem('gpt-image-2', '1536x864'), undefined);
		assert.match(sizeProblem('gpt-image-2', 'big') ?? '', /Use WIDTHxHEIGHT or auto/);
		assert.match(sizeProblem('gpt-image-2', '1000x1000') ?? '', /divisible by 16/);
		assert.match(sizeProblem('gpt-image-2', '3840x1024') ?? '', /aspect ratio/);
		assert.match(sizeProblem('gpt-image-2', '3856x2176') ?? '', /maximum supported resolution/);
		assert.match(sizeProblem('gpt-image-2', '512x512') ?? '', /fewer than 655360 pixels/);
		assert.equal(sizeProblem('another-vendor-model', '333x777'), undefined, 'another vendor\'s model has its own rules');
	});

	test('GIF: delays round to 10 ms within what a GIF frame can carry; sizes within the preview\'s limits', () => {
		assert.deepEqual([undefined, 1, 4, 5, 333, 335, 700_000].map(gifDelayMs), [200, 10, 10, 10, 330, 340, 655_350]);
		assert.equal(gifSizeProblem('960x960', 9), undefined);
		assert.equal(gifSizeProblem('512x512', 16), undefined);
		assert.equal(gifSizeProblem('auto', 16), undefined);
		assert.match(gifSizeProblem('1024x1024', 9) ?? '', /with 9 frames. With up to 9 frames each frame may have at most 921600 pixels \(for example 960x960\)/);
		assert.match(gifSizeProblem('960x960', 10) ?? '', /at most 691200 pixels \(for example 816x816\)/);
		assert.match(gifSizeProblem('256x256', 2) ?? '', /at least 72818 pixels/);
		assert.match(gifSizeProblem('500x500', 2) ?? '', /divisible by 16/);
		assert.match(gifSizeProblem('1536x496', 2) ?? '', /aspect ratio/);
		assert.deepEqual([2, 9, 12, 16].map(gifAutoSize), ['960x960', '960x960', '816x816', '720x720']);
		assert.equal(refusal(body({ model: 'gpt-image-2.6-flare', output_format: 'gif', size: '720x720', frame_count: 16 })), undefined, 'a GIF size need not be one of the model\'s standard sizes');
		assert.match(refusal(body({ model: 'gpt-image-2.6-flare', output_format: 'png', size: '720x720' }))?.message ?? '', /Supported sizes are/);
		assert.equal(refusal(body({ model: 'gpt-image-9', output_format: 'gif' }), [], false, true), undefined, 'another vendor\'s model has its own rules');
	});

	test('models: unknown ones are a 404 unless any model is allowed; retired ones are a 404', () => {
		assert.equal(refusal(body({ model: 'gpt-image-9' }))?.status, 404);
		assert.equal(refusal(body({ model: 'gpt-image-9' }), [], false, true), undefined);
		assert.match(refusal(body({ model: 'dall-e-3' }))?.message ?? '', /no longer available/);
		assert.equal(refusal(body()), undefined);
	});

	test('prompts: not empty, at most 32,000 characters', () => {
		assert.equal(refusal(body({ prompt: '  ' }))?.code, 'empty_prompt');
		assert.equal(refusal(body({ prompt: 'x'.repeat(32_001) }))?.code, 'string_above_max_length');
		assert.equal(refusal(body({ prompt: 'x'.repeat(32_000) })), undefined);
	});

	test('qualities by model: xhigh only where the model has it', () => {
		assert.equal(refusal(body({ quality: 'xhigh' }))?.param, 'quality');
		assert.equal(refusal(body({ model: 'gpt-image-2.5-flare', quality: 'xhigh' })), undefined);
	});

	test('formats: compression for JPEG and WebP only, 0 to 100; no transparent JPEG', () => {
		assert.match(refusal(body({ output_compression: 50 }))?.message ?? '', /only supported for jpeg and webp/);
		assert.match(refusal(body({ output_format: 'jpeg', output_compression: 101 }))?.message ?? '', /between 0 and 100/);
		assert.equal(refusal(body({ output_format: 'webp', output_compression: 80 })), undefined);
		assert.equal(refusal(body({ output_format: 'jpeg', background: 'transparent' }))?.param, 'background');
		assert.equal(refusal(body({ output_format: 'png', background: 'transparent' })), undefined);
	});

	test('edits: 1 to 16 images of at most 50 MB in PNG, JPEG or WebP', () => {
		assert.equal(refusal(body(), [], true)?.param, 'image');
		assert.match(refusal(body(), Array.from({ length: 17 }, () => png('image[]')), true)?.message ?? '', /At most 16 images/);
		assert.match(refusal(body(), [png('image', 1024, 1024, { size: 50 * 1024 * 1024 + 1 })], true)?.message ?? '', /smaller than 50MB/);
		assert.equal(refusal(body(), [png('image', 1024, 1024, { contentType: 'image/gif' })], true)?.code, 'invalid_image_format');
		assert.equal(refusal(body(), [png('image[]'), png('image[]')], true), undefined);
	});

	test('edits: a mask is a PNG under 4 MB with alpha, of the image\'s size, and never with markup', () => {
		const image = png('image');
		assert.equal(refusal(body(), [image, png('mask')], true), undefined);
		assert.match(refusal(body(), [image, png('mask'), png('markup')], true)?.message ?? '', /cannot be combined/);
		assert.match(refusal(body(), [image, png('mask', 1024, 1024, { contentType: 'image/jpeg' })], true)?.message ?? '', /PNG file smaller than 4MB/);
		assert.match(refusal(body(), [image, png('mask', 1024, 1024, { size: 4 * 1024 * 1024 + 1 })], true)?.message ?? '', /PNG file smaller than 4MB/);
		assert.match(refusal(body(), [image, png('mask', 512, 512)], true)?.message ?? '', /same dimensions/);
		assert.match(refusal(body(), [image, png('mask', 1024, 1024, { hasAlpha: false })], true)?.message ?? '', /alpha channel/);
	});

	test('edits: input fidelity only where the model takes it', () => {
		assert.equal(refusal(body({ input_fidelity: 'high' }), [png('image')], true)?.param, 'input_fidelity');
		assert.equal(refusal(body({ model: 'gpt-image-1.5', input_fidelity: 'high' }), [png('image')], true), undefined);
		assert.equal(refusal(body({ model: 'gpt-image-1-mini', input_fidelity: 'high' }), [png('image')], true)?.param, 'input_fidelity');
		assert.equal(refusal(body({ input_fidelity: 'high' })), undefined, 'generations do not check it');
	});
});
