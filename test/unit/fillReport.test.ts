import * as assert from 'node:assert/strict';
import { fillConfirmation, fillSummary } from '../../src/core/generation/fillReport';

const quote = { document: 'docs/guide.md', placeholders: 4, model: 'gpt-image-2', quality: 'low', size: '1024x1024' };

suite('Fill Missing Images: what it asks first', () => {
	test('every placeholder when the budget covers them, with the estimate as the detail', () => {
		const confirmation = fillConfirmation({ ...quote, each: 0.25, budget: 5 });
		assert.deepEqual(confirmation, {
			kind: 'ask',
			count: 4,
			question: 'Generate 4 image(s) for the placeholders in docs/guide.md?',
			detail: 'Estimated $1.00 (4 × $0.250, low quality, 1024x1024).',
		});
	});

	test('the first ones the budget covers, saying so', () => {
		const confirmation = fillConfirmation({ ...quote, each: 0.25, budget: 0.5 });
		assert.equal(confirmation.kind === 'ask' && confirmation.count, 2);
		assert.equal(confirmation.kind === 'ask' && confirmation.question, 'Your budget of $0.500 covers 2 of the 4 placeholders in docs/guide.md. Fill the first 2?');
		assert.equal(confirmation.kind === 'ask' && confirmation.detail, 'Estimated $0.500 (2 × $0.250, low quality, 1024x1024).');
	});

	test('nothing sent when one image is above the budget', () => {
		assert.deepEqual(fillConfirmation({ ...quote, each: 0.25, budget: 0.1 }), {
			kind: 'overBudget',
			message: 'One image is estimated at $0.250, above your budget of $0.100 (illustrate.maxCostPerRequest). Nothing was sent.',
		});
	});

	test('a model without a price: all of them, and the cost shows afterwards', () => {
		const confirmation = fillConfirmation({ ...quote, model: 'my-model', each: undefined, budget: 0.1 });
		assert.equal(confirmation.kind === 'ask' && confirmation.count, 4);
		assert.equal(confirmation.kind === 'ask' && confirmation.detail, 'my-model has no published price: the cost shows afterwards.');
	});
});

suite('Fill Missing Images: what it says at the end', () => {
	const outcome = { document: 'docs/guide.md', filled: 3, total: 3, failures: [], skipped: 0, spent: 0.75 };

	test('all filled: information with the cost', () => {
		assert.deepEqual(fillSummary(outcome), { level: 'info', message: 'Filled 3 of 3 image placeholder(s) in docs/guide.md ($0.750).' });
		assert.deepEqual(fillSummary({ ...outcome, spent: undefined }), { level: 'info', message: 'Filled 3 of 3 image placeholder(s) in docs/guide.md.' });
	});

	test('some left for later: says how to fill them', () => {
		assert.equal(fillSummary({ ...outcome, filled: 1, skipped: 2 }).message, 'Filled 1 of 3 image placeholder(s) in docs/guide.md ($0.750). 2 left for later: run the command again to fill them.');
	});

	test('failures: a warning naming each alt text with its reason; the log line gives counts only', () => {
		const summary = fillSummary({ ...outcome, filled: 1, failures: [{ alt: 'a secret plan', reason: 'rate limited' }, { alt: 'a fox', reason: 'timed out' }], skipped: 0 });
		assert.equal(summary.level, 'warning');
		assert.equal(summary.message, 'Filled 1 of 3 image placeholder(s) in docs/guide.md ($0.750). Not filled: “a secret plan”: rate limited “a fox”: timed out');
		assert.equal(summary.logLine, 'Filled 1 of 3 image placeholder(s) in docs/guide.md ($0.750). 2 not filled.');
		assert.doesNotMatch(summary.logLine!, /secret|fox/);
	});
});
