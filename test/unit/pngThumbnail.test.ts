import * as assert from 'node:assert/strict';
import { deflateSync, inflateSync } from 'node:zlib';
import sharp from 'sharp';
import { watchEventLoop } from '../harness/eventLoopWatch';
import { LARGEST_IMAGE_PIXELS } from '../../src/core/images/imageBounds';
import { crc32, type DeflateCodec } from '../../src/core/images/pngFormat';
import { pngThumbnail, thumbnailSize } from '../../src/core/images/pngThumbnail';
import { coalesced, nodeCodec, streamCodec } from '../../src/platform/compression';

const codec: DeflateCodec = {
	inflate: async data => inflateSync(data),
	deflate: async data => deflateSync(data),
};

/** A picture with detail everywhere (gradients and a checker), so every PNG filter gets used. */
function picture(width: number, height: number, channels: 1 | 2 | 3 | 4): Buffer {
	const raw = Buffer.alloc(width * height * channels);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const at = (y * width + x) * channels;
			const checker = ((x >> 3) + (y >> 3)) % 2 ? 40 : 0;
			const values = [(x * 255 / width + checker) % 256, (y * 255 / height) | 0, ((x * y) >> 4) & 0xff, (x + y) * 255 / (width + height) | 0];
			const alpha = channels === 2 || channels === 4 ? Math.min(255, (x * 3) % 300) : 255;
			for (let c = 0; c < channels; c++) {
				raw[at + c] = channels === 2 && c === 1 ? alpha : channels === 4 && c === 3 ? alpha : values[c];
			}
		}
	}
	return raw;
}

async function decode(png: Uint8Array): Promise<{ data: Buffer; width: number; height: number; channels: number }> {
	const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
	return { data, width: info.width, height: info.height, channels: info.channels };
}

/** Box averages of the source's pixels (alpha-weighted colour), the way the thumbnail is meant to be. */
function boxAverages(source: { data: Buffer; width: number; height: number; channels: number }, tw: number, th: number): number[][] {
	const sums = Array.from({ length: tw * th }, () => [0, 0, 0, 0, 0]);
	for (let y = 0; y < source.height; y++) {
		for (let x = 0; x < source.width; x++) {
			const at = (y * source.width + x) * source.channels;
			const gray = source.channels <= 2;
			const rgb = gray ? [source.data[at], source.data[at], source.data[at]] : [source.data[at], source.data[at + 1], source.data[at + 2]];
			const alpha = source.channels === 4 ? source.data[at + 3] : source.channels === 2 ? source.data[at + 1] : 255;
			const box = sums[Math.floor(y * th / source.height) * tw + Math.floor(x * tw / source.width)];
			for (let c = 0; c < 3; c++) {
				box[c] += rgb[c] * alpha;
			}
			box[3] += alpha;
			box[4]++;
		}
	}
	return sums.map(([r, g, b, a, count]) => a > 0 ? [r / a, g / a, b / a, a / count] : [0, 0, 0, 0]);
}

async function assertThumbnailOf(png: Buffer, maxSide: number, expectAlpha: boolean): Promise<void> {
	const source = await decode(png);
	const thumbnail = await pngThumbnail(png, maxSide, codec);
	assert.ok(thumbnail, 'a thumbnail is made');
	const expected = thumbnailSize(source.width, source.height, maxSide);
	assert.deepEqual({ width: thumbnail.width, height: thumbnail.height }, expected);
	const shown = await decode(thumbnail.png);
	assert.deepEqual({ width: shown.width, height: shown.height, channels: shown.channels }, { ...expected, channels: expectAlpha ? 4 : 3 }, 'sharp reads it back at that size');
	const boxes = boxAverages(source, expected.width, expected.height);
	let worst = 0;
	boxes.forEach((box, index) => {
		const at = index * shown.channels;
		const alpha = expectAlpha ? shown.data[at + 3] : 255;
		worst = Math.max(worst, Math.abs(alpha - box[3]));
		if (box[3] > 0) {
			for (let c = 0; c < 3; c++) {
				worst = Math.max(worst, Math.abs(shown.data[at + c] - box[c]));
			}
		}
	});
	assert.ok(worst <= 1, `every thumbnail pixel is its box's average (worst difference ${worst})`);
}

suite('pngThumbnail', () => {
	test('thumbnailSize keeps the aspect ratio and never enlarges', () => {
		assert.deepEqual(thumbnailSize(3840, 2160, 1024), { width: 1024, height: 576 });
		assert.deepEqual(thumbnailSize(1024, 1536, 1024), { width: 683, height: 1024 });
		assert.deepEqual(thumbnailSize(800, 600, 1024), { width: 800, height: 600 });
		assert.deepEqual(thumbnailSize(3000, 1, 1024), { width: 1024, height: 1 });
	});

	test('crc32 of "123456789" is the standard check value', () => {
		assert.equal((crc32(new TextEncoder().encode('123456789')) ^ 0xffffffff) >>> 0, 0xcbf43926);
	});

	test('RGB with every filter type (adaptive filtering) becomes box averages, RGB', async () => {
		const png = await sharp(picture(301, 203, 3), { raw: { width: 301, height: 203, channels: 3 } }).png({ adaptiveFiltering: true, compressionLevel: 9 }).toBuffer();
		await assertThumbnailOf(png, 64, false);
	});

	test('RGBA averages colour by alpha and keeps the transparency', async () => {
		const png = await sharp(picture(250, 130, 4), { raw: { width: 250, height: 130, channels: 4 } }).png({ adaptiveFiltering: true }).toBuffer();
		await assertThumbnailOf(png, 100, true);
	});

	test('grey, grey with alpha and palette images decode too', async () => {
		const grey = await sharp(picture(200, 120, 1), { raw: { width: 200, height: 120, channels: 1 } }).png().toBuffer();
		await assertThumbnailOf(grey, 50, false);
		const greyAlpha = await sharp(picture(200, 120, 2), { raw: { width: 200, height: 120, channels: 2 } }).png().toBuffer();
		await assertThumbnailOf(greyAlpha, 50, true);
		const palette = await sharp(picture(200, 120, 3), { raw: { width: 200, height: 120, channels: 3 } }).png({ palette: true, colours: 64, dither: 0 }).toBuffer();
		assert.equal(palette[25], 3, 'sharp wrote an indexed PNG');
		await assertThumbnailOf(palette, 50, false);
	});

	test('the browser\'s compression streams and Node\'s zlib make the same thumbnail', async () => {
		const png = await sharp(picture(301, 203, 4), { raw: { width: 301, height: 203, channels: 4 } }).png({ adaptiveFiltering: true }).toBuffer();
		const fromStreams = await pngThumbnail(png, 80, streamCodec);
		const fromZlib = await pngThumbnail(png, 80, nodeCodec);
		assert.ok(fromStreams && fromZlib);
		const [a, b] = await Promise.all([decode(fromStreams.png), decode(fromZlib.png)]);
		assert.deepEqual({ width: a.width, height: a.height }, { width: 80, height: 54 });
		assert.ok(a.data.equals(b.data), 'the same pixels');
		await assertThumbnailOf(png, 80, true);
	});

	test('what it does not take is left alone: small, interlaced, 16-bit, JPEG, damaged', async () => {
		const raw = picture(120, 80, 3);
		const small = await sharp(raw, { raw: { width: 120, height: 80, channels: 3 } }).png().toBuffer();
		assert.equal(await pngThumbnail(small, 1024, codec), undefined, 'already fits');
		const interlaced = await sharp(raw, { raw: { width: 120, height: 80, channels: 3 } }).png({ progressive: true }).toBuffer();
		assert.equal(interlaced[28], 1, 'sharp wrote an interlaced PNG');
		assert.equal(await pngThumbnail(interlaced, 32, codec), undefined);
		const deep = await sharp(raw, { raw: { width: 120, height: 80, channels: 3 } }).toColourspace('rgb16').png().toBuffer();
		assert.equal(deep[24], 16, 'sharp wrote a 16-bit PNG');
		assert.equal(await pngThumbnail(deep, 32, codec), undefined);
		const jpeg = await sharp(raw, { raw: { width: 120, height: 80, channels: 3 } }).jpeg().toBuffer();
		assert.equal(await pngThumbnail(jpeg, 32, codec), undefined);
		assert.equal(await pngThumbnail(small.subarray(0, small.length - 40), 32, codec), undefined, 'cut short');
		const corrupt = Buffer.from(small);
		corrupt.fill(0x55, 60, 80);
		assert.equal(await pngThumbnail(corrupt, 32, codec), undefined, 'image data that does not inflate');
	});

	test('a deflate bomb is inflated no further than its header declares, with both codecs', async () => {
		// 2049×1024 RGBA declares 8.4 MB of image data; this inflates to 256 MiB.
		const bomb = pngOf(2049, 1024, 6, deflateSync(Buffer.alloc(256 * 1024 * 1024), { level: 9 }));
		for (const [name, candidate] of [['zlib', nodeCodec], ['compression streams', streamCodec]] as const) {
			const outputs: number[] = [];
			const counting: DeflateCodec = {
				inflate: async (data, max) => {
					const result = await candidate.inflate(data, max);
					outputs.push(result.length);
					return result;
				},
				deflate: data => candidate.deflate(data),
			};
			assert.equal(await pngThumbnail(bomb, 1024, counting), undefined, name);
			assert.deepEqual(outputs, [], `${name}: the inflation failed at the limit instead of returning 256 MiB`);
		}
	});

	test('a deflate bomb streamed row by row is stopped at the header\'s size, with both codecs', async () => {
		const bomb = pngOf(2049, 1024, 6, deflateSync(Buffer.alloc(256 * 1024 * 1024), { level: 9 }));
		const declared = 1024 * (2049 * 4 + 1);
		for (const [name, candidate] of [['zlib', nodeCodec], ['compression streams', streamCodec]] as const) {
			let received = 0;
			const counting: DeflateCodec = {
				inflate: () => Promise.reject(new Error('the streamed inflation is used')),
				inflateChunks: async function* (parts, max) {
					for await (const piece of candidate.inflateChunks!(parts, max)) {
						received += piece.length;
						yield piece;
					}
				},
				deflate: data => candidate.deflate(data),
			};
			assert.equal(await pngThumbnail(bomb, 1024, counting), undefined, name);
			assert.ok(received <= declared, `${name}: ${received} bytes inflated, the header declares ${declared}`);
		}
	});

	test('streamed and whole inflation make the same thumbnail; a PNG whose image data ends early makes none', async () => {
		const png = await sharp(picture(301, 203, 3), { raw: { width: 301, height: 203, channels: 3 } }).png({ adaptiveFiltering: true }).toBuffer();
		const streamed = await pngThumbnail(png, 64, nodeCodec);
		const whole = await pngThumbnail(png, 64, codec);
		assert.ok(streamed && whole);
		assert.ok((await decode(streamed.png)).data.equals((await decode(whole.png)).data));
		const raw = Buffer.alloc(100 * (3000 * 3 + 1));
		const short = pngOf(3000, 101, 2, deflateSync(raw));
		assert.equal(await pngThumbnail(short, 1024, nodeCodec), undefined, 'one row missing');
	});

	test('a draft takes every second pixel: within a few levels of the full box averages, and the PNG is valid', async () => {
		const png = await sharp(picture(640, 360, 4), { raw: { width: 640, height: 360, channels: 4 } }).png().toBuffer();
		const full = await pngThumbnail(png, 160, nodeCodec);
		const draft = await pngThumbnail(png, 160, nodeCodec, { draft: true });
		assert.ok(full && draft);
		assert.deepEqual([draft.width, draft.height], [160, 90]);
		const [a, b] = await Promise.all([decode(full.png), decode(draft.png)]);
		assert.equal(b.channels, 4);
		let total = 0;
		for (let index = 0; index < a.data.length; index++) {
			total += Math.abs(a.data[index] - b.data[index]);
		}
		const mean = total / a.data.length;
		assert.ok(mean < 6, `mean difference ${mean.toFixed(2)} levels`);
		assert.ok(!a.data.equals(b.data), 'the draft sampled fewer pixels');
	});

	test('an abandoned thumbnail stops while its image data inflates: nothing is written', async () => {
		const png = await sharp(picture(3000, 1200, 3), { raw: { width: 3000, height: 1200, channels: 3 } }).png({ compressionLevel: 1 }).toBuffer();
		let asked = 0;
		let deflated = 0;
		const counting: DeflateCodec = { ...nodeCodec, deflate: async data => { deflated++; return nodeCodec.deflate(data); } };
		assert.equal(await pngThumbnail(png, 1024, counting, { abandoned: () => ++asked > 1 }), undefined);
		assert.equal(asked, 2, 'asked after each piece until it was abandoned');
		assert.equal(deflated, 0);
		assert.ok(await pngThumbnail(png, 1024, counting, { abandoned: () => false }));
	});

	test('a thumbnail waits where it yields while `paused` holds it (a copy thread making a preview first), then goes on', async () => {
		const png = await sharp(picture(3840, 2160, 3), { raw: { width: 3840, height: 2160, channels: 3 } }).png({ compressionLevel: 1 }).toBuffer();
		let release!: () => void;
		const held = new Promise<void>(resolve => release = resolve);
		let firstPause!: () => void;
		const pausedOnce = new Promise<void>(resolve => firstPause = resolve);
		let pauses = 0;
		let done = false;
		const making = pngThumbnail(png, 744, nodeCodec, { paused: () => { pauses++; firstPause(); return held; } }).then(thumbnail => {
			done = true;
			return thumbnail;
		});
		await pausedOnce;
		// Other tasks of this thread run (here: a few turns of the event loop); the held scaler does not.
		for (let turn = 0; turn < 20; turn++) {
			await new Promise(resolve => setImmediate(resolve));
		}
		assert.deepEqual([pauses, done], [1, false], 'held at its first yield');
		release();
		const thumbnail = await making;
		assert.deepEqual([thumbnail?.width, thumbnail?.height], [744, 419]);
		assert.ok(pauses >= 1);
	});

	test('coalesced joins small parts into pieces of at least the size, and passes large ones as they are', () => {
		const parts = [new Uint8Array([1, 2]), new Uint8Array([3]), new Uint8Array([4, 5, 6, 7]), new Uint8Array([8])];
		const pieces = [...coalesced(parts, 3)];
		assert.deepEqual(pieces.map(piece => [...piece]), [[1, 2, 3], [4, 5, 6, 7], [8]]);
		assert.equal(pieces[1], parts[2], 'a part large enough is not copied');
	});

	test('a header declaring more pixels than any model makes is refused before anything is inflated', async () => {
		let inflated = 0;
		const counting: DeflateCodec = { inflate: async data => { inflated++; return inflateSync(data); }, deflate: async data => deflateSync(data) };
		const line = pngOf(200_000_000, 1, 2, deflateSync(Buffer.alloc(1024)));
		assert.equal(await pngThumbnail(line, 1024, counting), undefined);
		const justOver = pngOf(3841, 2160, 2, deflateSync(Buffer.alloc(1024)));
		assert.equal(await pngThumbnail(justOver, 1024, counting), undefined);
		assert.equal(inflated, 0);
		assert.equal(LARGEST_IMAGE_PIXELS, 3840 * 2160);
	});

	test('scaling a 3840×2160 image leaves the event loop free: no block over 100 ms', async function () {
		this.timeout(60_000);
		const png = await sharp(picture(3840, 2160, 3), { raw: { width: 3840, height: 2160, channels: 3 } }).png({ compressionLevel: 1 }).toBuffer();
		const watch = watchEventLoop();
		const started = performance.now();
		const thumbnail = await pngThumbnail(png, 1024, nodeCodec);
		const took = performance.now() - started;
		const blocks = watch.stop();
		assert.deepEqual({ width: thumbnail?.width, height: thumbnail?.height }, { width: 1024, height: 576 });
		console.log(`      3840×2160 scaled in ${took.toFixed(0)} ms; longest event-loop block ${blocks.cpuMs.toFixed(1)} ms of CPU (${blocks.wallMs.toFixed(1)} ms wall clock)`);
		assert.ok(blocks.cpuMs < 100, `the event loop was blocked ${blocks.cpuMs.toFixed(1)} ms`);
	});
});

/** A PNG of a given header and image data (CRCs right), for headers no encoder would write. */
function pngOf(width: number, height: number, colorType: number, data: Uint8Array): Buffer {
	const chunkOf = (type: string, body: Uint8Array): Buffer => {
		const chunk = Buffer.alloc(12 + body.length);
		chunk.writeUInt32BE(body.length, 0);
		chunk.write(type, 4, 'latin1');
		chunk.set(body, 8);
		chunk.writeUInt32BE((crc32(chunk.subarray(4, 8 + body.length)) ^ 0xffffffff) >>> 0, 8 + body.length);
		return chunk;
	};
	const header = Buffer.alloc(13);
	header.writeUInt32BE(width, 0);
	header.writeUInt32BE(height, 4);
	header.set([8, colorType, 0, 0, 0], 8);
	return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunkOf('IHDR', header), chunkOf('IDAT', data), chunkOf('IEND', new Uint8Array(0))]);
}
