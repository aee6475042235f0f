import * as assert from 'node:assert/strict';
import sharp from 'sharp';
import { bytesNeedPanelCopy, historyCopy, panelCopy } from '../../src/core/images/cardCopy';
import { encodeJpeg, encodeJpegInSlices } from '../../src/core/images/jpegEncoder';
import { slicedHistoryCopy, slicedPanelCopy } from '../../src/core/images/slicedCopies';
import { withCardCopies } from '../../src/core/generation/pixelCopies';
import type { ArrivedPixels, VariantEvents } from '../../src/core/generation/batchRunner';
import { deflateCodec, nodeCodec } from '../../src/platform/compression';
import { renderImage } from '../server/imageFactory';

/** Opaque RGBA pixels with some texture, as a scaled copy has them. */
function pixels(width: number, height: number): { rgba: Uint8Array; width: number; height: number; alpha: boolean } {
	const rgba = new Uint8Array(width * height * 4);
	for (let i = 0; i < rgba.length; i += 4) {
		const p = i >> 2;
		rgba[i] = (p % width) & 255;
		rgba[i + 1] = (p * 7919) & 255;
		rgba[i + 2] = Math.floor(p / width) & 255;
		rgba[i + 3] = 255;
	}
	return { rgba, width, height, alpha: false };
}

/** Counts the turns the event loop gets while `work` runs (an immediate re-queued until it settles). */
async function turnsDuring<T>(work: () => Promise<T>): Promise<{ result: T; turns: number }> {
	let turns = 0;
	let done = false;
	const tick = () => {
		if (!done) {
			turns++;
			setImmediate(tick);
		}
	};
	setImmediate(tick);
	try {
		return { result: await work(), turns };
	} finally {
		done = true;
	}
}

suite('Card-size copies in slices (where there is no image worker)', () => {
	test('a JPEG encoded in slices is the same JPEG, and the thread gets turns while it is made', async () => {
		const input = pixels(744, 419);
		const whole = encodeJpeg(input, 82);
		const { result, turns } = await turnsDuring(() => encodeJpegInSlices(input, 82, 0));
		assert.deepEqual(result, whole);
		// 419 rows are 27 rows of 16-pixel blocks: with no time allowed per slice, the thread is given back after each.
		assert.ok(turns >= 20, `${turns} turns of the event loop during the encoding`);
		await assert.rejects(encodeJpegInSlices({ rgba: new Uint8Array(4), width: 2, height: 2 }, 82), RangeError);
	});

	test('the web\'s copies are the image worker\'s: a final\'s a 744 px JPEG, a partial\'s a 372 px preview, a transparent one a PNG', async () => {
		const final = await renderImage({ width: 1536, height: 1024, format: 'png', seed: 'sliced final', grain: 8 });
		const sliced = await slicedPanelCopy(final, nodeCodec);
		assert.ok(sliced);
		assert.deepEqual([sliced.format, sliced.width, sliced.height], ['jpeg', 744, 496]);
		assert.deepEqual(sliced, await panelCopy(final, nodeCodec, encodeJpeg));
		assert.deepEqual(await slicedHistoryCopy(final, nodeCodec), await historyCopy(final, nodeCodec, encodeJpeg));
		const partial = await renderImage({ width: 1536, height: 1024, format: 'png', seed: 'sliced partial', grain: 8, partial: { index: 0, of: 2 } });
		const preview = await slicedPanelCopy(partial, nodeCodec, { draft: true });
		assert.deepEqual([preview?.format, preview?.width], ['jpeg', 372]);
		assert.deepEqual(preview, await panelCopy(partial, nodeCodec, encodeJpeg, { draft: true }));
		// The web's own codec (CompressionStream) makes the same copy.
		assert.deepEqual(await slicedPanelCopy(final, deflateCodec()), sliced);
		assert.equal(await slicedPanelCopy(final, nodeCodec, { abandoned: () => true }), undefined, 'abandoned: none');
		const transparent = await sharp({ create: { width: 2048, height: 2048, channels: 4, background: { r: 10, g: 200, b: 30, alpha: 0.5 } } }).png().toBuffer();
		const kept = await slicedHistoryCopy(transparent, nodeCodec);
		assert.equal(kept?.format, 'png');
		assert.deepEqual(kept, await historyCopy(transparent, nodeCodec, encodeJpeg));
	});

	test('a batch on the main thread sends its large images as card-size copies, each slot\'s image after its pixels', async () => {
		const large = await renderImage({ width: 2560, height: 1440, format: 'png', seed: 'main thread final', grain: 8 });
		const small = await renderImage({ width: 512, height: 512, format: 'png', seed: 'main thread small' });
		const seen: string[] = [];
		const shown: ArrivedPixels[] = [];
		const events: VariantEvents<string> = {
			onPixels: (slot, arrived) => {
				seen.push(`pixels ${slot}`);
				shown.push(arrived);
			},
			onImage: (slot, image) => seen.push(`image ${slot} ${image}`),
			onSlotFailed: slot => seen.push(`failed ${slot}`),
		};
		const copied = withCardCopies(events, { needsCopy: bytesNeedPanelCopy, copy: (bytes, how) => slicedPanelCopy(bytes, nodeCodec, how), warn: message => assert.fail(message) });
		copied.events.onPixels?.(0, { bytes: large, format: 'png' });
		copied.events.onImage(0, 'a');
		copied.events.onPixels?.(1, { bytes: small, format: 'png' });
		copied.events.onImage(1, 'b');
		await copied.drained();
		assert.deepEqual(seen.filter(line => / 0( |$)/.test(line)), ['pixels 0', 'image 0 a'], 'slot 0: its image after its copy, although the copy took longer');
		assert.deepEqual(seen.filter(line => / 1( |$)/.test(line)), ['pixels 1', 'image 1 b']);
		const [copy, asIs] = [shown.find(arrived => arrived.cardCopy), shown.find(arrived => !arrived.cardCopy)];
		assert.deepEqual([copy?.format, copy?.bytes.length !== undefined && copy.bytes.length < large.length / 10], ['jpeg', true], 'the large PNG goes as its 744 px JPEG');
		assert.equal(asIs?.bytes, small, 'a small PNG goes as it is');
		const silent: VariantEvents<string> = { onImage: () => undefined };
		assert.equal(withCardCopies(silent, { needsCopy: () => assert.fail('nothing copied'), copy: () => assert.fail('nothing copied'), warn: () => undefined }).events, silent, 'no pixels shown, none copied');
	});
});
