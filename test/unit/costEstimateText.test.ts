import * as assert from 'node:assert/strict';
import { costEstimateText } from '../../src/core/cost/costEstimateText';
import { findModel } from '../../src/core/models/capabilities';

const gptImage2 = findModel('gpt-image-2')!;
const flare25 = findModel('gpt-image-2.5-flare')!;
const request = { model: gptImage2, quality: 'low', size: '1024x1024', n: 1, invalid: false };

suite('costEstimateText', () => {
	test('one image: its estimate', () => {
		assert.deepEqual(costEstimateText(request), { text: 'Estimated cost $0.006.', overLimit: false });
	});

	test('several images: the total and the price of each', () => {
		assert.equal(costEstimateText({ ...request, n: 3 }).text, 'Estimated cost $0.018 (3 × $0.006).');
	});

	test('above the limit: a warning that the user will be asked', () => {
		const text = costEstimateText({ ...request, quality: 'high', n: 2, limitUsd: 0.1 });
		assert.equal(text.overLimit, true);
		assert.match(text.text, /Above your limit of \$0\.100: you will be asked before it is sent\./);
		assert.equal(costEstimateText({ ...request, limitUsd: 0.1 }).overLimit, false);
	});

	test('the last request\'s cost follows the estimate', () => {
		assert.equal(costEstimateText({ ...request, lastCostUsd: 0.2 }).text, 'Estimated cost $0.006. Last request: $0.200 (from usage).');
	});

	test('an invalid form or an unknown model: only the last cost', () => {
		assert.deepEqual(costEstimateText({ ...request, invalid: true, limitUsd: 0.001 }), { text: '', overLimit: false });
		assert.equal(costEstimateText({ ...request, model: undefined, lastCostUsd: 0.2 }).text, 'Last request: $0.200 (from usage).');
	});

	test('a model with no published price says the cost comes from usage', () => {
		assert.deepEqual(costEstimateText({ ...request, model: flare25 }), { text: 'No published price for gpt-image-2.5-flare: the cost shows after the request, from its usage.', overLimit: false });
	});
});
