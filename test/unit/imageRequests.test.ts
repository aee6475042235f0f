import * as assert from 'node:assert/strict';
import * as sdk from 'openai';
import { generateRecipe, makeFinalRequest, MAKE_FINAL_INSTRUCTION, PARTIAL_IMAGES, REFERENCE_INSTRUCTION, toEditParams, toGenerateParams, withReferenceInstruction } from '../../src/core/generation/imageRequests';
import { errorEventFailure } from '../../src/core/generation/imageStream';
import { idleTimeoutMs } from '../../src/core/generation/requestClock';
import type { ImageRequestOptions } from '../../src/core/models/validation';

const OPTIONS: ImageRequestOptions = { prompt: 'a fox', model: 'gpt-image-2', size: '1536x1024', quality: 'medium', n: 3, outputFormat: 'webp' };

suite('Image request bodies', () => {
	test('a generation streams, with partial images, for the n it is given (not the options\' n)', () => {
		assert.deepEqual(toGenerateParams(OPTIONS, 1), { model: 'gpt-image-2', prompt: 'a fox', n: 1, size: '1536x1024', quality: 'medium', output_format: 'webp', stream: true, partial_images: PARTIAL_IMAGES });
	});

	test('optional fields are sent only when set; compression 0 is set', () => {
		const body = toGenerateParams({ ...OPTIONS, outputCompression: 0, background: 'transparent', complexity: 'high' }, 2);
		assert.equal(body.output_compression, 0);
		assert.equal(body.background, 'transparent');
		assert.equal(body.complexity, 'high');
		assert.equal('output_compression' in toGenerateParams(OPTIONS, 1), false);
	});

	test('an edit takes input fidelity and never the generation-only complexity', () => {
		const body = toEditParams({ ...OPTIONS, complexity: 'high', inputFidelity: 'high', images: [] }, 3);
		assert.equal(body.input_fidelity, 'high');
		assert.equal('complexity' in body, false);
		assert.equal('images' in body, false);
		assert.equal(body.n, 3);
		assert.equal(body.stream, true);
	});
});

suite('Re-render and reference requests', () => {
	const draft = { id: 'draft-1', uri: { path: '/storage/images/draft-1.png' }, format: 'png' as const, width: 1024, height: 1536, bytes: 10, createdAt: '2026-12-03', prompt: 'a fox', model: 'gpt-image-2', size: 'auto', quality: 'low' };

	test('a re-render: one image at high quality, at the draft\'s own size, the prompt asking to keep it', () => {
		const final = makeFinalRequest(draft, 'a fox', OPTIONS);
		assert.deepEqual(final.options, { ...OPTIONS, quality: 'high', n: 1, size: '1024x1536', prompt: `a fox\n\n${MAKE_FINAL_INSTRUCTION}` });
		assert.deepEqual(final.recipe, { prompt: 'a fox', model: 'gpt-image-2', size: '1024x1536', quality: 'high', operation: 'makeFinal', sourceId: 'draft-1' });
		assert.equal(final.fileName, 'draft-1.png');
	});

	test('a draft of unknown size is re-rendered at the size asked for', () => {
		const final = makeFinalRequest({ ...draft, width: undefined }, 'a fox', OPTIONS);
		assert.equal(final.options.size, '1536x1024');
		assert.equal(final.recipe.size, '1536x1024');
	});

	test('a reference request asks to match the reference; its recipe keeps the prompt as written', () => {
		assert.equal(withReferenceInstruction(OPTIONS).prompt, `a fox\n\n${REFERENCE_INSTRUCTION}`);
		assert.deepEqual(generateRecipe(OPTIONS), { prompt: 'a fox', model: 'gpt-image-2', size: '1536x1024', quality: 'medium', operation: 'generate' });
	});
});

suite('Stream details', () => {
	test('an error event reads as the SDK\'s APIError reads it', () => {
		for (const error of [{ message: 'Server overloaded', code: 'server_error', type: 'server' }, { message: { detail: 'nested' } }, { code: 'x' }, {}]) {
			const headers = new Headers({ 'x-request-id': 'req_1' });
			const theirs = new sdk.APIError(undefined, error, undefined, headers);
			const ours = errorEventFailure(error, headers);
			assert.deepEqual({ message: ours.message, code: ours.code, type: ours.type, status: ours.status }, { message: theirs.message, code: theirs.code, type: theirs.type, status: theirs.status }, JSON.stringify(error));
		}
	});

	test('the idle limit: half the request timeout, at least 5 s', () => {
		assert.equal(idleTimeoutMs(180_000), 90_000);
		assert.equal(idleTimeoutMs(6_000), 5_000);
		assert.equal(idleTimeoutMs(10_001), 5_001);
	});
});
