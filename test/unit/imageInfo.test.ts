import * as assert from 'node:assert/strict';
import sharp, { type Sharp } from 'sharp';
import { readImageInfo } from '../../src/core/images/imageInfo';

suite('readImageInfo', () => {
	const encoders = {
		png: (image: Sharp) => image.png(),
		jpeg: (image: Sharp) => image.jpeg({ quality: 70 }),
		webp: (image: Sharp) => image.webp({ quality: 70 }),
		'webp lossless': (image: Sharp) => image.webp({ lossless: true }),
		'webp with alpha': (image: Sharp) => image.ensureAlpha().webp({ quality: 70, alphaQuality: 50 }),
	};
	for (const [name, encode] of Object.entries(encoders)) {
		test(`reads format and size of ${name}`, async () => {
			const bytes = await encode(sharp({ create: { width: 1536, height: 864, channels: 3, background: '#884422' } })).toBuffer();
			const info = readImageInfo(bytes);
			assert.deepEqual(info, { format: name.startsWith('webp') ? 'webp' : name, width: 1536, height: 864 });
		});
	}

	test('undefined for bytes that are no image', () => {
		assert.equal(readImageInfo(new TextEncoder().encode('<svg xmlns="http://www.w3.org/2000/svg"/>')), undefined);
		assert.equal(readImageInfo(new Uint8Array()), undefined);
	});
});
