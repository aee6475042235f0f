import * as assert from 'node:assert/strict';
import sharp, { type Sharp } from 'sharp';
import { readImageInfo } from '../../src/core/images/imageInfo';
import { renderImage } from '../server/imageFactory';

const utf8 = (text: string) => new TextEncoder().encode(text);

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
		assert.equal(readImageInfo(utf8('<html><body><svg xmlns="http://www.w3.org/2000/svg"/></body></html>')), undefined);
		assert.equal(readImageInfo(utf8('a fox <svg width="10" height="10"/>')), undefined);
		assert.equal(readImageInfo(utf8('<svgx width="10"/>')), undefined);
		assert.equal(readImageInfo(utf8('<?xml version="1.0"')), undefined);
		assert.equal(readImageInfo(utf8('GIF89a')), undefined);
		assert.equal(readImageInfo(utf8('GIF89a not what was asked for at all')), undefined, 'a header and no frame');
		assert.equal(readImageInfo(new Uint8Array()), undefined);
	});

	test('SVG: text whose first element is <svg>, sized by width, height and viewBox, past any prolog', () => {
		assert.deepEqual(readImageInfo(utf8('<svg xmlns="http://www.w3.org/2000/svg" width="1536" height="1024"/>')), { format: 'svg', width: 1536, height: 1024 });
		assert.deepEqual(readImageInfo(utf8('\uFEFF<?xml version="1.0" encoding="UTF-8"?>\n<!-- made by hand > with a bracket -->\n<!DOCTYPE svg PUBLIC "-//W3C//DTD SVG 1.1//EN" "http://www.w3.org/Graphics/SVG/1.1/DTD/svg11.dtd">\n<svg viewBox="0 0 640 480" xmlns="http://www.w3.org/2000/svg"><rect/></svg>')), { format: 'svg', width: 640, height: 480 });
		assert.deepEqual(readImageInfo(utf8('<!DOCTYPE svg [<!ENTITY a "<b>">]><svg width=\'2in\' viewBox="0 0 2 1"></svg>')), { format: 'svg', width: 192, height: 96 });
		assert.deepEqual(readImageInfo(utf8('<svg\n\twidth="100%"\n\theight="50%">')), { format: 'svg', width: 300, height: 150 }, 'relative and no viewBox: the default an <img> has');
	});

	test('SVG and GIF from the test server: the size asked for, and a GIF\'s frame count', async () => {
		const svg = await renderImage({ width: 1024, height: 768, format: 'svg', seed: 'info', text: 'a diagram' });
		assert.deepEqual(readImageInfo(svg), { format: 'svg', width: 1024, height: 768 });
		const gif = await renderImage({ width: 720, height: 480, format: 'gif', seed: 'info', frames: 7, frameDelayMs: 120 });
		assert.deepEqual(readImageInfo(gif), { format: 'gif', width: 720, height: 480, frames: 7 });
		assert.deepEqual(readImageInfo(gif.subarray(0, gif.length - 1)), { format: 'gif', width: 720, height: 480 }, 'no trailer: no frame count');
		// Another encoder (libvips): a still GIF87a/89a with a global colour table.
		const still = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#884422' } }).gif().toBuffer();
		assert.deepEqual(readImageInfo(still), { format: 'gif', width: 300, height: 200, frames: 1 });
		const header87 = Buffer.from(still);
		header87.write('GIF87a', 0, 'latin1');
		assert.equal(readImageInfo(header87)?.format, 'gif');
	});
});
