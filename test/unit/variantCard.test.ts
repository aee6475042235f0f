import * as assert from 'node:assert/strict';
import { acceptsPixels, cardControls, isFinalShown, pixelsSource, variantCaption, variantName, variantShortLabel, type CardVariant } from '../../src/core/generation/variantCard';

const ready: CardVariant = { index: 1, state: 'ready', width: 1536, height: 1024, elapsedMs: 12_345 };
const idle = { running: false, editing: false };

suite('variant cards: labels', () => {
	test('a variant is named by its number, or by the host\'s label', () => {
		assert.equal(variantName(ready), 'Variant 2');
		assert.equal(variantName({ ...ready, label: 'Final of #2' }), 'Final of #2');
		assert.equal(variantShortLabel(ready), '#2');
		assert.equal(variantShortLabel({ ...ready, label: 'Edit of #1: warmer' }), 'Edit of #1: warmer');
	});

	test('the caption: label, size and seconds, what is known of them', () => {
		assert.equal(variantCaption(ready), '#2 · 1536×1024 · 12.3 s');
		assert.equal(variantCaption({ index: 0, state: 'waiting' }), '#1');
		assert.equal(variantCaption({ index: 0, state: 'ready', width: 1024, elapsedMs: 900 }), '#1 · 0.9 s');
	});

	test('once inserted, the caption says where', () => {
		assert.equal(variantCaption({ ...ready, insertedAs: 'images/fox.png' }), 'Inserted as images/fox.png');
	});
});

suite('variant cards: pixels', () => {
	test('partials replace each other; nothing replaces the final image', () => {
		assert.equal(acceptsPixels(undefined), true);
		assert.equal(acceptsPixels({ partialIndex: 0 }), true);
		assert.equal(acceptsPixels({}), false);
	});

	test('the image says where its pixels came from', () => {
		assert.equal(pixelsSource(undefined), 'stored');
		assert.equal(pixelsSource({ partialIndex: 2 }), 'partial-2');
		assert.equal(pixelsSource({}), 'final');
	});

	test('final once ready, or once the final pixels arrived', () => {
		const partial: CardVariant = { index: 0, state: 'partial' };
		assert.equal(isFinalShown(partial, { partialIndex: 1 }), false);
		assert.equal(isFinalShown(partial, {}), true);
		assert.equal(isFinalShown(partial, undefined), false);
		assert.equal(isFinalShown(ready, undefined), true);
	});
});

suite('variant cards: controls', () => {
	test('buttons work only on a finished image; Make final also waits for the running request', () => {
		assert.deepEqual([cardControls(ready, undefined, idle).enabled, cardControls(ready, undefined, idle).makeFinalEnabled], [true, true]);
		const running = cardControls(ready, undefined, { running: true, editing: false });
		assert.deepEqual([running.enabled, running.makeFinalEnabled], [true, false]);
		const waiting = cardControls({ index: 0, state: 'partial' }, { partialIndex: 0 }, idle);
		assert.deepEqual([waiting.enabled, waiting.makeFinalEnabled], [false, false]);
		assert.equal(cardControls({ index: 0, state: 'failed' }, undefined, idle).enabled, false);
	});

	test('a re-render or an edit is not made final again', () => {
		assert.equal(cardControls(ready, undefined, idle).makeFinalShown, true);
		assert.equal(cardControls({ ...ready, label: 'Final of #2' }, undefined, idle).makeFinalShown, false);
	});

	test('Replace only when the edited image is a workspace file; Use as reference only while editing', () => {
		const plain = cardControls(ready, undefined, idle);
		assert.deepEqual([plain.replaceShown, plain.replaceTitle, plain.referenceShown], [false, '', false]);
		const editing = cardControls(ready, undefined, { running: false, editing: true });
		assert.deepEqual([editing.replaceShown, editing.referenceShown], [false, true]);
		const replacing = cardControls(ready, undefined, { running: false, editing: true, replaceable: 'docs/fox.png' });
		assert.equal(replacing.replaceShown, true);
		assert.equal(replacing.replaceTitle, 'Overwrite docs/fox.png with this image (its old bytes stay in Show Generated Images)');
	});

	test('the Preview badge while a partial image shows, gone with the final pixels', () => {
		assert.equal(cardControls({ index: 0, state: 'partial' }, { partialIndex: 0 }, idle).previewBadge, true);
		assert.equal(cardControls({ index: 0, state: 'partial' }, {}, idle).previewBadge, false);
		assert.equal(cardControls(ready, undefined, idle).previewBadge, false);
		assert.equal(cardControls({ index: 0, state: 'waiting' }, undefined, idle).previewBadge, false);
	});
});
