import * as assert from 'node:assert/strict';
import { bytesNeedCardCopy, cardCopyName, cardCopySize, cardSource, imageIdOfCardCopy, missingCardCopies, needsCardCopy } from '../../src/core/images/cardCopy';
import { renderImage } from '../server/imageFactory';

const ID = '2026-12-03T09-38-21-000Z-1a2b3c4d';

suite('Card-size copies: which images get one', () => {
	test('a PNG larger than 2048×1024 pixels gets one', () => {
		assert.equal(needsCardCopy({ format: 'png', width: 3840, height: 2160, bytes: 17_000_000 }), true);
		assert.equal(needsCardCopy({ format: 'png', width: 2048, height: 1025, bytes: 3_000_000 }), true);
		assert.equal(needsCardCopy({ format: 'png', width: 1024, height: 4096, bytes: 9_000_000 }), true);
	});

	test('a PNG up to 2048×1024 pixels is its own copy', () => {
		assert.equal(needsCardCopy({ format: 'png', width: 2048, height: 1024, bytes: 4_000_000 }), false);
		assert.equal(needsCardCopy({ format: 'png', width: 1024, height: 1024, bytes: 1_500_000 }), false);
		assert.equal(needsCardCopy({ format: 'png', width: 1536, height: 1024, bytes: 2_000_000 }), false);
	});

	test('JPEG and WebP never get one, however large', () => {
		assert.equal(needsCardCopy({ format: 'jpeg', width: 3840, height: 2160, bytes: 2_000_000 }), false);
		assert.equal(needsCardCopy({ format: 'webp', width: 3840, height: 2160, bytes: 1_000_000 }), false);
	});

	test('an SVG or a GIF is its own card copy: a vector scales itself, a GIF\'s frames would be lost', async () => {
		assert.equal(needsCardCopy({ format: 'svg', width: 3840, height: 2160, bytes: 9_000_000 }), false);
		assert.equal(needsCardCopy({ format: 'gif', width: 3840, height: 2160, bytes: 30_000_000 }), false);
		assert.equal(needsCardCopy({ format: 'gif', bytes: 30_000_000 }), false);
		// From the bytes, whatever size they declare: a large SVG and an animated GIF.
		const svg = await renderImage({ width: 3840, height: 2160, format: 'svg', seed: 'card', text: 'a diagram' });
		const gif = await renderImage({ width: 2048, height: 2048, format: 'gif', seed: 'card', frames: 2, frameDelayMs: 100 });
		assert.equal(bytesNeedCardCopy(svg), false);
		assert.equal(bytesNeedCardCopy(gif), false);
		assert.equal(cardSource({ id: ID, format: 'gif', width: 2048, height: 2048, bytes: gif.length }, new Set()), 'original');
	});

	test('a PNG of unknown size gets one when its file is large', () => {
		assert.equal(needsCardCopy({ format: 'png', bytes: 17_000_000 }), true);
		assert.equal(needsCardCopy({ format: 'png', width: 3840, bytes: 17_000_000 }), true);
		assert.equal(needsCardCopy({ format: 'png', bytes: 2_000_000 }), false);
	});

	test('the copy fits 1024 pixels on its longest side, keeping the aspect ratio', () => {
		assert.deepEqual(cardCopySize(3840, 2160), { width: 1024, height: 576 });
		assert.deepEqual(cardCopySize(2160, 3840), { width: 576, height: 1024 });
		assert.deepEqual(cardCopySize(4096, 4096), { width: 1024, height: 1024 });
		assert.deepEqual(cardCopySize(800, 600), { width: 800, height: 600 });
	});
});

suite('Card-size copies: names', () => {
	test('a copy is named for its image id, and the name gives the id back', () => {
		assert.equal(cardCopyName(ID), `${ID}.card.png`);
		assert.equal(imageIdOfCardCopy(`${ID}.card.png`), ID);
	});

	test('an id that is no plain file name gets no copy', () => {
		for (const id of ['', '../escape', 'a/b', 'a\\b', '.hidden', '..', 'x'.repeat(101), 'a b']) {
			assert.equal(cardCopyName(id), undefined, JSON.stringify(id));
		}
	});

	test('other files in the folder are no copies', () => {
		for (const name of [`${ID}.png`, `${ID}.json`, '.card.png', `${ID}.card.png.tmp`, '../x.card.png', 'a b.card.png']) {
			assert.equal(imageIdOfCardCopy(name), undefined, name);
		}
	});
});

suite('Card-size copies: what a card shows', () => {
	const large = { id: 'large', format: 'png' as const, width: 3840, height: 2160, bytes: 17_000_000 };
	const small = { id: 'small', format: 'png' as const, width: 1024, height: 1024, bytes: 1_500_000 };
	const jpeg = { id: 'jpeg', format: 'jpeg' as const, width: 3840, height: 2160, bytes: 2_000_000 };

	test('the copy once it is on disk, nothing before', () => {
		assert.equal(cardSource(large, new Set()), 'pending');
		assert.equal(cardSource(large, new Set(['large'])), 'copy');
	});

	test('the original for an image that needs no copy, or that no copy can be made of', () => {
		assert.equal(cardSource(small, new Set()), 'original');
		assert.equal(cardSource(jpeg, new Set()), 'original');
		assert.equal(cardSource(large, new Set(), new Set(['large'])), 'original');
		assert.equal(cardSource({ ...large, id: '../large' }, new Set()), 'original', 'an id with no file name for a copy');
	});

	test('the copies to make: the large images without one, in the history\'s order', () => {
		const older = { ...large, id: 'older' };
		const failed = { ...large, id: 'failed' };
		const done = { ...large, id: 'done' };
		assert.deepEqual(
			missingCardCopies([large, small, done, jpeg, failed, older], new Set(['done']), new Set(['failed'])).map(image => image.id),
			['large', 'older'],
		);
	});
});
