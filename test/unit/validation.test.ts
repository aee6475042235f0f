import * as assert from 'node:assert/strict';
import { findModel, MODELS, selectableModels } from '../../src/core/models/capabilities';
import { checkRequest, checkSize, parseSize, resolveModel, type ImageRequestOptions } from '../../src/core/models/validation';
import { costFromUsage, estimateCost, formatUsd } from '../../src/core/cost/cost';

const TODAY = '2026-11-25';
const base: ImageRequestOptions = { model: 'gpt-image-2', prompt: 'a fox', size: '1024x1024', quality: 'low', n: 2, outputFormat: 'png' };
const gptImage2 = findModel('gpt-image-2')!;

suite('model table', () => {
	test('every model has an id, a label and a known status', () => {
		for (const model of MODELS) {
			assert.ok(model.id && model.label, model.id);
			assert.ok(['current', 'deprecated', 'retired'].includes(model.status));
			if (model.status !== 'current') {
				assert.match(model.shutdownDate ?? '', /^\d{4}-\d{2}-\d{2}$/, model.id);
				assert.ok(model.replacement, model.id);
			}
		}
	});

	test('snapshot names resolve to their model', () => {
		assert.equal(findModel('gpt-image-2-2026-04-21')?.id, 'gpt-image-2');
		assert.equal(findModel('gpt-image-2.5-flare-2026-09-08')?.id, 'gpt-image-2.5-flare');
	});

	test('the pickers offer deprecated models until their shutdown, never retired ones', () => {
		const before = selectableModels('2026-11-30').map(model => model.id);
		assert.ok(before.includes('gpt-image-1.5'));
		assert.ok(!before.includes('dall-e-3'));
		assert.ok(!before.includes('gpt-image-1'));
		const after = selectableModels('2026-12-01').map(model => model.id);
		assert.ok(!after.includes('gpt-image-1.5'));
		assert.ok(after.includes('gpt-image-2'));
	});
});

suite('parseSize and checkSize', () => {
	test('parses WxH and W×H', () => {
		assert.deepEqual(parseSize('1536x864'), { width: 1536, height: 864 });
		assert.deepEqual(parseSize('1536 × 864'), { width: 1536, height: 864 });
		assert.equal(parseSize('big'), undefined);
	});

	const cases: Array<[string, boolean, RegExp?]> = [
		['auto', true],
		['1024x1024', true],
		['1536x864', true],
		['3840x2160', true, /experimental/],
		['2160x3840', true, /experimental/],
		['2560x1440', true],
		['1000x1000', false, /multiples of 16 .*try 1008x1008/],
		['3856x2160', false, /longest side/],
		['3072x1008', false, /between 1:3 and 3:1/],
		['1024x624', false, /too small/],
		['3840x2176', false, /too large|longest/],
		['0x0', false],
		['huge', false, /not a size/],
	];
	for (const [size, ok, message] of cases) {
		test(`gpt-image-2 ${size}: ${ok ? 'accepted' : 'refused'}`, () => {
			const check = checkSize(gptImage2, size);
			assert.equal(check.ok, ok, check.message);
			if (message) {
				assert.match(check.message ?? '', message);
			}
		});
	}

	test('models without custom sizes take only the presets and auto', () => {
		const legacy = findModel('gpt-image-1.5')!;
		assert.equal(checkSize(legacy, '1536x1024').ok, true);
		assert.equal(checkSize(legacy, 'auto').ok, true);
		assert.match(checkSize(legacy, '1536x864').message ?? '', /supports only 1024x1024, 1536x1024, 1024x1536, auto/);
	});
});

suite('resolveModel and checkRequest', () => {
	test('a valid request has no problems', () => {
		assert.deepEqual(checkRequest(base, { today: TODAY }), []);
	});

	test('retired models are refused with the replacement named', () => {
		assert.deepEqual(checkRequest({ ...base, model: 'dall-e-2' }, { today: TODAY }), [{ field: 'model', message: 'dall-e-2 was retired on 2026-05-12. Use gpt-image-2 instead.' }]);
		assert.match(checkRequest({ ...base, model: 'gpt-image-1' }, { today: TODAY })[0].message, /retired on 2026-10-23\. Use gpt-image-2\.5-sunburst or gpt-image-2\.5-flare/);
	});

	test('deprecated models work until their shutdown date, then are refused', () => {
		assert.deepEqual(checkRequest({ ...base, model: 'gpt-image-1.5' }, { today: '2026-11-30' }), []);
		assert.match(checkRequest({ ...base, model: 'gpt-image-1.5' }, { today: '2026-12-01' })[0].message, /shut down on 2026-12-01\. Use gpt-image-2/);
	});

	test('unknown models: refused for OpenAI, allowed with permissive rules for compatible endpoints', () => {
		assert.match(checkRequest({ ...base, model: 'my-diffusion' }, { today: TODAY })[0].message, /not a known image model/);
		assert.deepEqual(checkRequest({ ...base, model: 'my-diffusion', size: '1000x700', quality: 'max' }, { today: TODAY, allowUnknownModels: true }), []);
		const resolved = resolveModel('my-diffusion', { today: TODAY, allowUnknownModels: true });
		assert.ok('model' in resolved && resolved.model.id === 'my-diffusion');
	});

	test('xhigh and max only where the model has them', () => {
		assert.match(checkRequest({ ...base, quality: 'xhigh' }, { today: TODAY })[0].message, /does not support quality "xhigh"/);
		assert.deepEqual(checkRequest({ ...base, model: 'gpt-image-2.5-sunburst', quality: 'max' }, { today: TODAY }), []);
	});

	test('empty and over-long prompts', () => {
		assert.match(checkRequest({ ...base, prompt: '   ' }, { today: TODAY })[0].message, /prompt is empty/);
		assert.match(checkRequest({ ...base, prompt: 'x'.repeat(32_001) }, { today: TODAY })[0].message, /at most 32,000/);
	});

	test('a planning level (complexity) only where the model takes it', () => {
		assert.match(checkRequest({ ...base, complexity: 'high' }, { today: TODAY })[0].message, /does not take a planning level/);
		assert.deepEqual(checkRequest({ ...base, model: 'gpt-image-2.6-flare', complexity: 'high' }, { today: TODAY }), []);
	});

	test('variants, compression and background rules', () => {
		assert.equal(checkRequest({ ...base, n: 11 }, { today: TODAY })[0].field, 'n');
		assert.equal(checkRequest({ ...base, n: 0 }, { today: TODAY })[0].field, 'n');
		assert.match(checkRequest({ ...base, outputCompression: 50 }, { today: TODAY })[0].message, /only to JPEG and WebP/);
		assert.deepEqual(checkRequest({ ...base, outputFormat: 'webp', outputCompression: 50 }, { today: TODAY }), []);
		assert.match(checkRequest({ ...base, outputFormat: 'jpeg', background: 'transparent' }, { today: TODAY })[0].message, /needs PNG or WebP/);
	});
});

suite('cost', () => {
	test('estimates from the table, times the number of variants', () => {
		const near = (actual: number | undefined, expected: number) => assert.ok(actual !== undefined && Math.abs(actual - expected) < 1e-9, `${actual} ≠ ${expected}`);
		near(estimateCost(gptImage2, 'low', '1024x1024', 1), 0.006);
		near(estimateCost(gptImage2, 'medium', '1536x1024', 2), 0.082);
		near(estimateCost(gptImage2, 'high', '1024x1536', 4), 0.66);
	});

	test('auto quality is priced as high, auto size as 1024x1024', () => {
		assert.equal(estimateCost(gptImage2, 'auto', 'auto', 1), 0.211);
	});

	test('custom sizes scale by pixels from the nearest preset', () => {
		const estimate = estimateCost(gptImage2, 'high', '2048x2048', 1)!;
		assert.ok(Math.abs(estimate - 0.211 * 4) < 1e-9, String(estimate));
		const wide = estimateCost(gptImage2, 'low', '3072x1024', 1)!;
		assert.ok(Math.abs(wide - 0.005 * 2) < 1e-9, String(wide));
	});

	test('no estimate for a model without published prices', () => {
		assert.equal(estimateCost(findModel('gpt-image-2.6-flare')!, 'low', '1024x1024', 1), undefined);
	});

	test('actual cost from usage tokens', () => {
		const cost = costFromUsage({ input_tokens: 50, output_tokens: 7033, input_tokens_details: { text_tokens: 50, image_tokens: 0 } });
		assert.ok(Math.abs(cost - (7033 * 30 + 50 * 5) / 1e6) < 1e-12);
	});

	test('formats dollars', () => {
		assert.equal(formatUsd(0.0064), '$0.006');
		assert.equal(formatUsd(1.2), '$1.20');
	});
});
