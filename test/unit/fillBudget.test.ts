import * as assert from 'node:assert/strict';
import { affordableCount, BudgetTally } from '../../src/core/cost/fillBudget';

suite('Fill Missing Images: how many placeholders the budget covers', () => {
	test('all of them without a budget or without an estimate', () => {
		assert.equal(affordableCount(7, undefined, 0.5), 7);
		assert.equal(affordableCount(7, 0.25, undefined), 7);
	});

	test('all of them when they fit, exactly or not', () => {
		assert.equal(affordableCount(4, 0.25, 1), 4);
		assert.equal(affordableCount(3, 0.25, 5), 3);
	});

	test('the first ones that fit, else none', () => {
		assert.equal(affordableCount(10, 0.25, 1), 4);
		assert.equal(affordableCount(10, 0.3, 1), 3);
		assert.equal(affordableCount(10, 0.25, 0.2), 0);
	});

	test('a budget met exactly in cents is met, whatever floating point makes of it', () => {
		// 0.1 * 3 is 0.30000000000000004 and 0.3 / 0.1 is 2.9999999999999996.
		assert.equal(affordableCount(3, 0.1, 0.3), 3);
		assert.equal(affordableCount(5, 0.1, 0.3), 3);
		assert.equal(affordableCount(8, 0.07, 0.21), 3);
	});
});

suite('Fill Missing Images: the running cost against the budget', () => {
	test('sends while the cost so far plus one estimate stays within the budget', () => {
		const tally = new BudgetTally(0.1, 0.3);
		assert.equal(tally.spent, undefined, 'nothing spent before the first result');
		assert.equal(tally.allowsAnother(), true);
		tally.add(0.1);
		tally.add(0.1);
		assert.equal(tally.allowsAnother(), true, '0.2 + 0.1 meets 0.3');
		tally.add(0.1);
		assert.equal(tally.allowsAnother(), false);
		assert.ok(Math.abs(tally.spent! - 0.3) < 1e-12);
	});

	test('real costs above the estimate stop it sooner', () => {
		const tally = new BudgetTally(0.1, 0.3);
		tally.add(0.25);
		assert.equal(tally.allowsAnother(), false);
	});

	test('an unknown cost counts as nothing but the total is known to be zero', () => {
		const tally = new BudgetTally(undefined, 0.3);
		tally.add(undefined);
		assert.equal(tally.spent, 0);
		assert.equal(tally.allowsAnother(), true, 'no estimate: the budget cannot stop it');
	});

	test('no budget: never stops', () => {
		const tally = new BudgetTally(0.1, undefined);
		tally.add(100);
		assert.equal(tally.allowsAnother(), true);
	});
});
