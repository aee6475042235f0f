import * as assert from 'node:assert/strict';
import { MODELS } from '../../src/core/models/capabilities';
import { checkRequest, type ImageRequestOptions } from '../../src/core/models/validation';

/**
 * What each model accepts, written out by hand from the SDK's documentation, so a slip in
 * the capability table shows up here: every combination is tried against checkRequest.
 */
const EXPECTED: Record<string, { qualities: string[]; custom: boolean; transparent: boolean; complexity: boolean; usable: boolean }> = {
	'gpt-image-2': { qualities: ['auto', 'low', 'medium', 'high'], custom: true, transparent: true, complexity: false, usable: true },
	'gpt-image-2-2026-04-21': { qualities: ['auto', 'low', 'medium', 'high'], custom: true, transparent: true, complexity: false, usable: true },
	'gpt-image-2.5-sunburst': { qualities: ['auto', 'low', 'medium', 'high', 'xhigh', 'max'], custom: true, transparent: true, complexity: false, usable: true },
	'gpt-image-2.5-flare': { qualities: ['auto', 'low', 'medium', 'high', 'xhigh', 'max'], custom: true, transparent: true, complexity: false, usable: true },
	'gpt-image-2.5-flare-2026-09-08': { qualities: ['auto', 'low', 'medium', 'high', 'xhigh', 'max'], custom: true, transparent: true, complexity: false, usable: true },
	'gpt-image-2.6-sunburst': { qualities: ['auto', 'low', 'medium', 'high'], custom: false, transparent: true, complexity: true, usable: true },
	'gpt-image-2.6-flare': { qualities: ['auto', 'low', 'medium', 'high'], custom: false, transparent: true, complexity: true, usable: true },
	'gpt-image-1.5': { qualities: ['auto', 'low', 'medium', 'high'], custom: false, transparent: true, complexity: false, usable: true },
	'gpt-image-1-mini': { qualities: ['auto', 'low', 'medium', 'high'], custom: false, transparent: true, complexity: false, usable: true },
	'chatgpt-image-latest': { qualities: ['auto', 'low', 'medium', 'high'], custom: false, transparent: true, complexity: false, usable: true },
	'gpt-image-1': { qualities: [], custom: false, transparent: false, complexity: false, usable: false },
	'dall-e-2': { qualities: [], custom: false, transparent: false, complexity: false, usable: false },
	'dall-e-3': { qualities: [], custom: false, transparent: false, complexity: false, usable: false },
};

const QUALITIES = ['auto', 'low', 'medium', 'high', 'xhigh', 'max', 'standard', 'hd'];
const PRESETS = ['auto', '1024x1024', '1536x1024', '1024x1536'];
const CUSTOM_VALID = ['1536x864', '2048x2048', '3840x2160', '1024x640', '1792x1024'];
const ALWAYS_INVALID = ['1000x1000', '4096x2160', '3072x1008', '512x512', '256x256'];
const TODAY = '2026-11-25';
const base: ImageRequestOptions = { model: 'gpt-image-2', prompt: 'a fox', size: '1024x1024', quality: 'low', n: 1, outputFormat: 'png' };

const fieldsOf = (options: ImageRequestOptions) => checkRequest(options, { today: TODAY }).map(problem => problem.field);

suite('every combination the model table forbids is refused before any request', () => {
	test('the expectations cover every model in the table', () => {
		for (const model of MODELS) {
			assert.ok(EXPECTED[model.id], `no expectation for ${model.id}`);
		}
	});

	for (const [model, expected] of Object.entries(EXPECTED)) {
		suite(model, () => {
			if (!expected.usable) {
				test('refused whatever the options, with the model named as the problem', () => {
					for (const quality of QUALITIES) {
						assert.deepEqual(fieldsOf({ ...base, model, quality }), ['model']);
					}
				});
				return;
			}
			test('qualities', () => {
				for (const quality of QUALITIES) {
					assert.equal(fieldsOf({ ...base, model, quality }).includes('quality'), !expected.qualities.includes(quality), `${model} ${quality}`);
				}
			});
			test('sizes', () => {
				for (const size of PRESETS) {
					assert.deepEqual(fieldsOf({ ...base, model, size }), [], `${model} ${size}`);
				}
				for (const size of CUSTOM_VALID) {
					assert.equal(fieldsOf({ ...base, model, size }).includes('size'), !expected.custom, `${model} ${size}`);
				}
				for (const size of ALWAYS_INVALID) {
					assert.ok(fieldsOf({ ...base, model, size }).includes('size'), `${model} ${size}`);
				}
			});
			test('variants, formats, compression, background, planning', () => {
				for (const n of [0, 1, 10, 11]) {
					assert.equal(fieldsOf({ ...base, model, n }).includes('n'), n < 1 || n > 10, `${model} n=${n}`);
				}
				for (const outputFormat of ['png', 'jpeg', 'webp'] as const) {
					assert.deepEqual(fieldsOf({ ...base, model, outputFormat }), []);
					assert.equal(fieldsOf({ ...base, model, outputFormat, outputCompression: 70 }).includes('outputCompression'), outputFormat === 'png');
					assert.equal(fieldsOf({ ...base, model, outputFormat, background: 'transparent' }).includes('background'), outputFormat === 'jpeg' || !expected.transparent);
				}
				assert.equal(fieldsOf({ ...base, model, complexity: 'medium' }).includes('complexity'), !expected.complexity);
			});
		});
	}

	test('after 2026-12-01 the deprecated models are refused too', () => {
		for (const model of ['gpt-image-1.5', 'gpt-image-1-mini', 'chatgpt-image-latest']) {
			assert.deepEqual(checkRequest({ ...base, model }, { today: '2026-12-01' }).map(problem => problem.field), ['model']);
		}
	});
});
