import * as assert from 'node:assert/strict';
import { extendedCanvasSizes } from '../../src/core/edits/canvasSizes';
import { findModel } from '../../src/core/models/capabilities';

suite('Extending the canvas: the sizes offered', () => {
	const custom = findModel('gpt-image-2')!;
	const fixed = findModel('gpt-image-1.5')!;

	test('a model with custom sizes: half wider, half taller, a quarter both ways, then its presets that contain the image', () => {
		assert.deepEqual(extendedCanvasSizes(custom, 1024, 1024), ['1536x1024', '1024x1536', '1280x1280']);
	});

	test('the custom sizes are rounded to multiples of 16, and one the model refuses is left out', () => {
		// 1000 × 1.5 = 1500 → 1504 wide, but 600 high is no multiple of 16; 1250 × 750 → 1248 × 752.
		assert.deepEqual(extendedCanvasSizes(custom, 1000, 600), ['1248x752', '1024x1024', '1536x1024', '1024x1536']);
	});

	test('never the image\'s own size, never a size that does not contain it', () => {
		assert.ok(!extendedCanvasSizes(custom, 1536, 1024).includes('1536x1024'));
		assert.ok(!extendedCanvasSizes(custom, 1536, 1024).includes('1024x1536'));
	});

	test('a model with fixed sizes gets only its presets that contain the image', () => {
		assert.deepEqual(extendedCanvasSizes(fixed, 1024, 1024), ['1536x1024', '1024x1536']);
		assert.deepEqual(extendedCanvasSizes(fixed, 1536, 1024), []);
	});

	test('a size the model refuses is not offered (aspect ratio beyond 3:1)', () => {
		const sizes = extendedCanvasSizes(custom, 1536, 512);
		assert.ok(!sizes.includes('2304x512'), '2304x512 is 4.5:1');
		assert.ok(sizes.includes('1536x768'));
	});

	test('no size is known: nothing to offer', () => {
		assert.deepEqual(extendedCanvasSizes(custom, 0, 0), []);
	});
});
