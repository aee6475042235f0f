import * as assert from 'node:assert/strict';
import sharp from 'sharp';
import { readImageInfo } from '../../src/core/images/imageInfo';
import { encodeJpeg } from '../../src/core/images/jpegEncoder';

/** RGBA pixels: a gradient with a sharp edge and, with `grain`, noise (deterministic). */
function pixels(width: number, height: number, grain = 0): { rgba: Uint8Array; width: number; height: number } {
	const rgba = new Uint8Array(width * height * 4);
	let state = 0x9e3779b9;
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			state ^= state << 13;
			state ^= state >>> 17;
			state ^= state << 5;
			const noise = grain * (((state & 0xff) - 128) / 128);
			const at = (y * width + x) * 4;
			const clamp = (value: number) => Math.max(0, Math.min(255, Math.round(value + noise)));
			rgba[at] = clamp(x * 255 / width);
			rgba[at + 1] = clamp(x < width / 2 ? 40 : 220);
			rgba[at + 2] = clamp(y * 255 / height);
			rgba[at + 3] = 255;
		}
	}
	return { rgba, width, height };
}

/** Peak signal-to-noise ratio of the decoded JPEG against the pixels, in dB, and what the decoder said. */
async function decoded(source: ReturnType<typeof pixels>, jpeg: Uint8Array): Promise<{ psnr: number; width: number; height: number; format: string | undefined }> {
	const { data, info } = await sharp(jpeg).raw().toBuffer({ resolveWithObject: true });
	let squared = 0;
	for (let p = 0; p < source.width * source.height; p++) {
		for (let c = 0; c < 3; c++) {
			const difference = data[p * info.channels + c] - source.rgba[p * 4 + c];
			squared += difference * difference;
		}
	}
	const metadata = await sharp(jpeg).metadata();
	return { psnr: 10 * Math.log10(255 * 255 / (squared / (source.width * source.height * 3))), width: info.width, height: info.height, format: metadata.format };
}

suite('JPEG encoder (card-size copies)', () => {
	test('a baseline JPEG a decoder reads at its size, as close to its pixels as libjpeg\'s at the same quality, for sizes that are and are not multiples of 16', async () => {
		for (const [width, height] of [[744, 744], [744, 419], [419, 744], [1, 1], [17, 9], [372, 209]]) {
			const source = pixels(width, height);
			const jpeg = encodeJpeg(source, 82);
			assert.deepEqual(readImageInfo(jpeg), { format: 'jpeg', width, height });
			const result = await decoded(source, jpeg);
			assert.deepEqual([result.format, result.width, result.height], ['jpeg', width, height]);
			const reference = await sharp(source.rgba, { raw: { width, height, channels: 4 } }).removeAlpha().jpeg({ quality: 82, chromaSubsampling: '4:2:0' }).toBuffer();
			const expected = await decoded(source, reference);
			assert.ok(result.psnr > Math.min(expected.psnr, 45) - 1.5, `${width}×${height}: ${result.psnr.toFixed(1)} dB, libjpeg ${expected.psnr.toFixed(1)} dB`);
			assert.ok(result.psnr > 24, `${width}×${height}: ${result.psnr.toFixed(1)} dB`);
		}
	});

	test('4:2:0, as cameras and browsers write them; the quality trades size for fidelity', async () => {
		const source = pixels(744, 744, 24);
		const high = encodeJpeg(source, 82);
		const low = encodeJpeg(source, 40);
		assert.equal((await sharp(high).metadata()).chromaSubsampling, '4:2:0');
		assert.ok(low.length < high.length * 0.75, `${low.length} against ${high.length} bytes`);
		const [highResult, lowResult] = [await decoded(source, high), await decoded(source, low)];
		assert.ok(highResult.psnr > lowResult.psnr, `${highResult.psnr.toFixed(1)} against ${lowResult.psnr.toFixed(1)} dB`);
		assert.ok(highResult.psnr > 28, `${highResult.psnr.toFixed(1)} dB with noise`);
	});

	test('bytes of their own (to be transferred between threads); no JPEG of no pixels', () => {
		const jpeg = encodeJpeg(pixels(64, 64), 82);
		assert.equal(jpeg.byteOffset, 0);
		assert.equal(jpeg.byteLength, jpeg.buffer.byteLength);
		assert.deepEqual([...jpeg.subarray(0, 2)], [0xff, 0xd8]);
		assert.deepEqual([...jpeg.subarray(-2)], [0xff, 0xd9]);
		assert.throws(() => encodeJpeg({ rgba: new Uint8Array(0), width: 0, height: 0 }, 82), RangeError);
		assert.throws(() => encodeJpeg({ rgba: new Uint8Array(8), width: 4, height: 4 }, 82), RangeError);
	});
});
