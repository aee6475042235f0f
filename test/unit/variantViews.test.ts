import * as assert from 'node:assert/strict';
import {
	batchId, cardName, changeCard, editChainFor, editVariantLabel, elapsedMs, finalCardId, markInserted,
	shortInstruction, slotIds, waitingCards, waitingEditCards, withFinalCard, withoutUnfinished, type VariantCard,
} from '../../src/core/panel/variantViews';

suite('Panel variant cards', () => {
	test('a batch\'s slot ids are its start time in base 36 and the slot number', () => {
		assert.equal(batchId(1_700_000_000_000), (1_700_000_000_000).toString(36));
		assert.deepEqual(slotIds('abc', 3), ['abc-0', 'abc-1', 'abc-2']);
		assert.deepEqual(slotIds('abc', 0), []);
		assert.deepEqual(waitingCards(['a-0', 'a-1']), [{ id: 'a-0', index: 0, state: 'waiting' }, { id: 'a-1', index: 1, state: 'waiting' }]);
	});

	test('a card goes by its label, or by its number counted from 1', () => {
		assert.equal(cardName({ index: 0 }), '#1');
		assert.equal(cardName({ index: 4, label: 'Final of #2 (re-render)' }), 'Final of #2 (re-render)');
	});

	test('an edit instruction in a label: whitespace collapsed, at most 40 characters, cut with an ellipsis', () => {
		assert.equal(shortInstruction('  warmer\n light\t now '), 'warmer light now');
		const forty = 'x'.repeat(40);
		assert.equal(shortInstruction(forty), forty, '40 characters stay whole');
		const cut = shortInstruction(`${forty}y`);
		assert.equal(cut, `${'x'.repeat(39)}…`);
		assert.equal([...cut].length, 40);
	});

	test('an edit\'s labels: numbered only when the edit makes several', () => {
		assert.equal(editVariantLabel('#1', 'warmer', 0, 1), '#1 → “warmer”');
		assert.equal(editVariantLabel('#1', 'warmer', 1, 3), '#1 → “warmer” (2)');
	});

	test('an edit\'s cards come after the cards there, waiting, labelled, children of the image edited', () => {
		assert.deepEqual(waitingEditCards(2, ['b-0', 'b-1'], '#2', ' bluer  sky ', 'a-1'), [
			{ id: 'b-0', index: 2, state: 'waiting', label: '#2 → “bluer sky” (1)', parentId: 'a-1' },
			{ id: 'b-1', index: 3, state: 'waiting', label: '#2 → “bluer sky” (2)', parentId: 'a-1' },
		]);
		assert.ok(!('parentId' in waitingEditCards(0, ['c-0'], 'logo.png', 'bluer', undefined)[0]), 'a workspace file has no parent card');
	});

	test('make final: a waiting card right after its draft, numbered after every card', () => {
		const cards: VariantCard[] = [{ id: 'a-0', index: 0, state: 'ready' }, { id: 'a-1', index: 1, state: 'ready' }, { id: 'a-2', index: 2, state: 'ready' }];
		const id = finalCardId('a-1', 36);
		assert.equal(id, 'a-1-final-10');
		assert.deepEqual(withFinalCard(cards, 'a-1', id).map(card => [card.id, card.index, card.state, card.label]), [
			['a-0', 0, 'ready', undefined],
			['a-1', 1, 'ready', undefined],
			[id, 3, 'waiting', 'Final of #2 (re-render)'],
			['a-2', 2, 'ready', undefined],
		]);
		assert.deepEqual(withFinalCard(cards, 'gone', id), cards, 'no draft, no card');
	});

	test('changing one card, marking inserted ones, keeping other fields', () => {
		const cards: (VariantCard & { src?: string })[] = [{ id: 'a', index: 0, state: 'waiting', src: 'x' }, { id: 'b', index: 1, state: 'waiting' }];
		assert.deepEqual(changeCard(cards, 'b', { state: 'failed' }), [cards[0], { id: 'b', index: 1, state: 'failed' }]);
		assert.deepEqual(markInserted(cards, new Map([['a', 'images/fox.png']])), [{ ...cards[0], insertedAs: 'images/fox.png' }, cards[1]]);
	});

	test('after a cancel, the batch\'s slots without an image go; other cards and finished slots stay', () => {
		const cards: VariantCard[] = [{ id: 'old', index: 0, state: 'ready' }, { id: 'n-0', index: 1, state: 'ready' }, { id: 'n-1', index: 2, state: 'partial' }];
		assert.deepEqual(withoutUnfinished(cards, ['n-0', 'n-1'], id => id === 'n-0').map(card => card.id), ['old', 'n-0']);
	});

	test('an edit on a card out of an edit continues the chain; on any other card it starts one', () => {
		const previous = { chain: ['logo.png'], sourceLabel: '#1 → “bluer”' };
		assert.deepEqual(editChainFor({ parentId: 'a-0' }, previous), ['logo.png', '#1 → “bluer”']);
		assert.deepEqual(editChainFor({}, previous), []);
		assert.deepEqual(editChainFor({ parentId: 'a-0' }, undefined), []);
	});

	test('elapsed time is milliseconds from the start', () => {
		assert.equal(elapsedMs(1000, 3500), 2500);
	});
});
