import * as assert from 'node:assert/strict';
import { deflateSync, inflateSync } from 'node:zlib';
import sharp from 'sharp';
import { CARD_IMAGE_MAX_SIDE, cardCopy } from '../../src/core/images/cardCopy';
import type { DeflateCodec } from '../../src/core/images/pngFormat';
import type { VariantPixels } from '../../src/protocol/messages';
import { PanelPixels } from '../../src/panel/panelPixels';

/** A PNG of 3000×1000 pixels: above the size the cards get a copy of. */
async function largePng(): Promise<Uint8Array> {
	return new Uint8Array(await sharp({ create: { width: 3000, height: 1000, channels: 3, background: { r: 200, g: 80, b: 40 } } }).png().toBuffer());
}

/** The panel's pixels for one final image, with what went to the webview and to the log. */
async function sendFinal(codec: DeflateCodec, bytes: Uint8Array): Promise<{ posted: VariantPixels[]; warnings: string[] }> {
	const posted: VariantPixels[] = [];
	const warnings: string[] = [];
	const pixels = new PanelPixels({ postMessage: async message => posted.push(message as VariantPixels) > 0 }, () => undefined, { warn: message => void warnings.push(message) }, undefined, bytes => cardCopy(bytes, CARD_IMAGE_MAX_SIDE, codec));
	pixels.offer({ type: 'pixels', variantId: 'a-0', bytes, mime: 'image/png' });
	await pixels.finalShown('a-0');
	return { posted, warnings };
}

suite('Panel pixels', () => {
	test('a large PNG goes to the cards as a card-size copy, and nothing is logged', async () => {
		const original = await largePng();
		const { posted, warnings } = await sendFinal({ inflate: async data => inflateSync(data), deflate: async data => deflateSync(data) }, original);
		assert.equal(posted.length, 1);
		const shown = await sharp(posted[0].bytes).metadata();
		assert.deepEqual([shown.width, shown.height], [1024, 341]);
		assert.deepEqual(warnings, []);
	});

	test('a card-size copy that fails is logged as a warning with its reason, and the full image goes instead', async () => {
		const original = await largePng();
		const { posted, warnings } = await sendFinal({ inflate: async data => inflateSync(data), deflate: () => Promise.reject(new Error('out of memory for the copy')) }, original);
		assert.equal(posted.length, 1);
		assert.equal(posted[0].bytes, original, 'the full image is sent');
		assert.equal(warnings.length, 1);
		assert.match(warnings[0], /card-size copy of a 3000×1000 image failed.*out of memory for the copy/);
	});
});

suite('Panel pixels made card-size in the image worker', () => {
	test('are sent as they are, never scaled again, and the final\'s copy is handed to the history\'s card copies', async () => {
		const copy = new Uint8Array(await sharp({ create: { width: 1024, height: 341, channels: 3, background: { r: 1, g: 2, b: 3 } } }).png().toBuffer());
		const posted: VariantPixels[] = [];
		const kept: Uint8Array[] = [];
		const formats: unknown[] = [];
		let scaled = 0;
		const pixels = new PanelPixels(
			{ postMessage: async message => posted.push(message as VariantPixels) > 0 },
			() => undefined,
			{ warn: () => undefined },
			{
				keep: async (_image, png, format) => {
					kept.push(png);
					formats.push(format);
				},
			},
			async bytes => {
				scaled++;
				return bytes;
			},
		);
		pixels.offer({ type: 'pixels', variantId: 'a-0', bytes: copy, mime: 'image/png' }, true);
		await pixels.keepCopy('a-0', { id: 'image-1' } as Parameters<PanelPixels['keepCopy']>[1]);
		assert.equal(scaled, 0, 'no second scaling');
		assert.equal(posted.length, 1);
		assert.equal(posted[0].bytes, copy);
		assert.ok(!('cardCopy' in posted[0]), 'the webview gets the protocol\'s message, nothing more');
		assert.deepEqual(kept, [copy]);
		// The worker's copy is the history's copy, in its format: kept as the card-size copy, not one to replace.
		const jpeg = new Uint8Array(await sharp({ create: { width: 744, height: 419, channels: 3, background: { r: 1, g: 2, b: 3 } } }).jpeg().toBuffer());
		pixels.offer({ type: 'pixels', variantId: 'a-1', bytes: jpeg, mime: 'image/jpeg' }, true);
		await pixels.keepCopy('a-1', { id: 'image-2' } as Parameters<PanelPixels['keepCopy']>[1]);
		assert.deepEqual(kept, [copy, jpeg]);
		assert.deepEqual(formats, ['png', 'jpeg']);
		assert.equal(posted[1].mime, 'image/jpeg');
	});
});
