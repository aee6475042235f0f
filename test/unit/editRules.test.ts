import * as assert from 'node:assert/strict';
import sharp from 'sharp';
import { checkEditRequest, pngHasAlpha, type EditRequestOptions } from '../../src/core/edits/editRules';

const TODAY = '2026-11-25';

async function png(width: number, height: number, alpha: boolean): Promise<Uint8Array> {
	return sharp({ create: { width, height, channels: alpha ? 4 : 3, background: alpha ? '#00000000' : '#336699' } }).png().toBuffer();
}

suite('checkEditRequest', () => {
	let base: EditRequestOptions;

	suiteSetup(async () => {
		base = { model: 'gpt-image-2', prompt: 'warmer', size: 'auto', quality: 'low', n: 1, outputFormat: 'png', images: [{ name: 'a.png', bytes: await png(1024, 1024, false) }] };
	});

	const fields = (options: EditRequestOptions) => checkEditRequest(options, { today: TODAY }).map(problem => problem.field);

	test('a plain edit passes', () => {
		assert.deepEqual(fields(base), []);
	});

	test('a mask: a PNG with transparency of the first image\'s size', async () => {
		assert.deepEqual(fields({ ...base, mask: { name: 'm.png', bytes: await png(1024, 1024, true) } }), []);
		const wrongSize = checkEditRequest({ ...base, mask: { name: 'm.png', bytes: await png(512, 512, true) } }, { today: TODAY });
		assert.match(wrongSize[0].message, /mask is 512x512 but the image is 1024x1024/);
		assert.match(checkEditRequest({ ...base, mask: { name: 'm.png', bytes: await png(1024, 1024, false) } }, { today: TODAY })[0].message, /needs transparency/);
		const jpeg = await sharp({ create: { width: 1024, height: 1024, channels: 3, background: '#000' } }).jpeg().toBuffer();
		assert.match(checkEditRequest({ ...base, mask: { name: 'm.jpg', bytes: jpeg } }, { today: TODAY })[0].message, /must be a PNG/);
	});

	test('markup only for models that take it, and never with a mask', async () => {
		const overlay = { name: 'o.png', bytes: await png(1024, 1024, true) };
		assert.match(checkEditRequest({ ...base, markup: overlay }, { today: TODAY })[0].message, /gpt-image-2 does not take markup overlays/);
		assert.deepEqual(fields({ ...base, model: 'gpt-image-2.5-flare', markup: overlay }), []);
		assert.ok(fields({ ...base, model: 'gpt-image-2.5-flare', markup: overlay, mask: overlay }).includes('mask'));
	});

	test('input fidelity never for gpt-image-2; low or high for gpt-image-1.5', () => {
		assert.match(checkEditRequest({ ...base, inputFidelity: 'high' }, { today: TODAY })[0].message, /gpt-image-2 does not take input fidelity/);
		assert.deepEqual(fields({ ...base, model: 'gpt-image-1.5', size: '1024x1024', inputFidelity: 'high' }), []);
		assert.match(checkEditRequest({ ...base, model: 'gpt-image-1-mini', size: '1024x1024', inputFidelity: 'high' }, { today: TODAY })[0].message, /takes input fidelity low, not high/);
	});

	test('at most 16 images, each an image under 50 MB', async () => {
		const image = base.images[0];
		assert.deepEqual(fields({ ...base, images: Array.from({ length: 16 }, () => image) }), []);
		assert.match(checkEditRequest({ ...base, images: Array.from({ length: 17 }, () => image) }, { today: TODAY })[0].message, /at most 16 input images; remove 1/);
		assert.match(checkEditRequest({ ...base, images: [{ name: 'notes.txt', bytes: new TextEncoder().encode('hello') }] }, { today: TODAY })[0].message, /notes\.txt is not a PNG, JPEG or WebP/);
		const huge = new Uint8Array(50 * 1024 * 1024 + 1);
		huge.set(image.bytes.subarray(0, 64));
		assert.match(checkEditRequest({ ...base, images: [{ name: 'big.png', bytes: huge }] }, { today: TODAY })[0].message, /must be under 50 MB/);
		assert.match(checkEditRequest({ ...base, images: [] }, { today: TODAY })[0].message, /Choose an image to edit/);
	});

	test('pngHasAlpha reads the colour type and tRNS', async () => {
		assert.equal(pngHasAlpha(await png(8, 8, true)), true);
		assert.equal(pngHasAlpha(await png(8, 8, false)), false);
		const palette = await sharp({ create: { width: 8, height: 8, channels: 4, background: '#ff000080' } }).png({ palette: true }).toBuffer();
		assert.equal(pngHasAlpha(palette), true);
	});
});
