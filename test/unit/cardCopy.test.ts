import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { bytesNeedCardCopy, bytesNeedPanelCopy, CARD_IMAGE_MAX_SIDE, cardCopy, cardCopyName, cardCopySize, cardSource, HISTORY_CARD_MAX_SIDE, historyCopy, imageIdOfCardCopy, legacyCardCopyName, missingCardCopies, needsCardCopy, needsHistoryCopy, panelCopy, parseCardCopyName, type JpegEncoder } from '../../src/core/images/cardCopy';
import { readImageInfo } from '../../src/core/images/imageInfo';
import { encodeJpeg as encodeJpegBytes } from '../../src/core/images/jpegEncoder';
import { nodeCodec } from '../../src/platform/compression';
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
	test('a copy is named for its image id, its card size and its format, and the name gives the id back', () => {
		assert.equal(cardCopyName(ID), `${ID}.card-744.jpg`);
		assert.equal(cardCopyName(ID, 'png'), `${ID}.card-744.png`);
		assert.deepEqual(parseCardCopyName(`${ID}.card-744.jpg`), { id: ID, current: true });
		assert.deepEqual(parseCardCopyName(`${ID}.card-744.png`), { id: ID, current: true });
		assert.equal(imageIdOfCardCopy(`${ID}.card-744.jpg`), ID);
	});

	test('the 1024 px copies of earlier versions are known by their name, as copies to replace', () => {
		assert.equal(legacyCardCopyName(ID), `${ID}.card.png`);
		assert.deepEqual(parseCardCopyName(`${ID}.card.png`), { id: ID, current: false });
		assert.equal(imageIdOfCardCopy(`${ID}.card.png`), ID);
		// A copy of another size (a later version's card size) is not this version's.
		assert.equal(parseCardCopyName(`${ID}.card-512.jpg`), undefined);
	});

	test('an id that is no plain file name gets no copy', () => {
		for (const id of ['', '../escape', 'a/b', 'a\\b', '.hidden', '..', 'x'.repeat(101), 'a b']) {
			assert.equal(cardCopyName(id), undefined, JSON.stringify(id));
		}
	});

	test('other files in the folder are no copies', () => {
		for (const name of [`${ID}.png`, `${ID}.json`, '.card.png', `${ID}.card.png.tmp`, '../x.card.png', 'a b.card.png', '.card-744.jpg', `${ID}.card-744.jpg.tmp`, '../x.card-744.jpg', `${ID}.card-744.webp`]) {
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

	test('a mid-sized PNG (larger than the history\'s copy, up to 2048×1024) shows as it is until its copy is made', () => {
		assert.equal(needsHistoryCopy(small), true);
		assert.equal(cardSource(small, new Set()), 'interim');
		assert.equal(cardSource(small, new Set(['small'])), 'copy');
		assert.equal(needsHistoryCopy({ ...small, width: 744, height: 744 }), false);
		assert.equal(needsHistoryCopy({ ...small, width: 745, height: 400 }), true);
		assert.equal(needsHistoryCopy({ format: 'png', bytes: 2_000_000 }), false, 'a PNG of unknown size, as needsCardCopy');
		assert.equal(needsHistoryCopy(jpeg), false);
	});

	test('the original for an image that needs no copy, or that no copy can be made of', () => {
		assert.equal(cardSource({ ...small, width: 512, height: 512 }, new Set()), 'original');
		assert.equal(cardSource(small, new Set(), new Set(['small'])), 'original');
		assert.equal(cardSource(jpeg, new Set()), 'original');
		assert.equal(cardSource(large, new Set(), new Set(['large'])), 'original');
		assert.equal(cardSource({ ...large, id: '../large' }, new Set()), 'original', 'an id with no file name for a copy');
	});

	test('the copies to make: the large and mid-sized PNGs without one, in the history\'s order', () => {
		const older = { ...large, id: 'older' };
		const failed = { ...large, id: 'failed' };
		const done = { ...large, id: 'done' };
		assert.deepEqual(
			missingCardCopies([large, small, done, jpeg, failed, older], new Set(['done']), new Set(['failed'])).map(image => image.id),
			['large', 'small', 'older'],
		);
	});
});

/** The image worker's encoder. */
const encodeJpeg: JpegEncoder = encodeJpegBytes;

/** The mean of each channel of an image's pixels, as sharp decodes them. */
async function means(image: Uint8Array): Promise<number[]> {
	const { channels } = await sharp(image).stats();
	return channels.map(channel => channel.mean);
}

suite('Card-size copies: the history\'s copies', () => {
	test('sized for the widest history card, twice, as webview/panel.css lays the cards out', () => {
		const css = readFileSync(join(__dirname, '..', '..', '..', 'webview', 'panel.css'), 'utf8');
		const column = /\.grid \{[^}]*grid-template-columns: repeat\(auto-fill, minmax\((\d+)px, 1fr\)\)/.exec(css);
		const gap = /--gap: (\d+)px;/.exec(css);
		assert.ok(column && gap, 'the card grid and its gap are in panel.css');
		// auto-fill adds a column as soon as one more fits: a column is narrower than two and a gap.
		const widestCard = 2 * Number(column[1]) + Number(gap[1]);
		assert.equal(HISTORY_CARD_MAX_SIDE, 2 * widestCard);
		assert.equal(HISTORY_CARD_MAX_SIDE, 744);
	});

	test('an opaque 3840×2160 PNG becomes a 744×419 JPEG of a few tens of KB that looks like it', async () => {
		const original = await renderImage({ width: 3840, height: 2160, format: 'png', seed: 'history copy', grain: 8 });
		const copy = await historyCopy(original, nodeCodec, encodeJpeg);
		assert.ok(copy);
		assert.deepEqual([copy.format, copy.width, copy.height], ['jpeg', 744, 419]);
		assert.deepEqual(readImageInfo(copy.bytes), { format: 'jpeg', width: 744, height: 419 });
		const metadata = await sharp(copy.bytes).metadata();
		assert.deepEqual([metadata.format, metadata.width, metadata.height], ['jpeg', 744, 419], 'a JPEG a browser decodes');
		const panelCopy = await cardCopy(original, CARD_IMAGE_MAX_SIDE, nodeCodec);
		assert.ok(panelCopy);
		assert.ok(copy.bytes.length * 10 < panelCopy.length, `${copy.bytes.length} bytes, against the 1024 px PNG's ${panelCopy.length}`);
		const [expected, shown] = [await means(original), await means(copy.bytes)];
		for (let channel = 0; channel < 3; channel++) {
			assert.ok(Math.abs(expected[channel] - shown[channel]) < 3, `channel ${channel}: ${shown[channel]} against ${expected[channel]}`);
		}
	});

	test('a PNG with transparency stays a PNG, its transparency kept; without a JPEG encoder (the web) the copy is a PNG', async () => {
		const transparent = await sharp({ create: { width: 2048, height: 2048, channels: 4, background: { r: 10, g: 200, b: 30, alpha: 0.5 } } }).png().toBuffer();
		const copy = await historyCopy(transparent, nodeCodec, encodeJpeg);
		assert.ok(copy);
		assert.deepEqual([copy.format, copy.width, copy.height], ['png', 744, 744]);
		const { channels, isOpaque } = await sharp(copy.bytes).stats();
		assert.equal(channels.length, 4);
		assert.equal(isOpaque, false);
		const opaque = await renderImage({ width: 3840, height: 2160, format: 'png', seed: 'web' });
		const inTheWeb = await historyCopy(opaque, nodeCodec);
		assert.deepEqual([inTheWeb?.format, readImageInfo(inTheWeb!.bytes)?.format, inTheWeb?.width], ['png', 'png', 744]);
	});

	test('an RGBA PNG that is opaque throughout (as models often send) becomes a JPEG', async () => {
		const rgba = await sharp(await renderImage({ width: 2560, height: 1440, format: 'png', seed: 'rgba' })).ensureAlpha().png().toBuffer();
		assert.equal((await sharp(rgba).metadata()).channels, 4);
		assert.equal((await historyCopy(rgba, nodeCodec, encodeJpeg))?.format, 'jpeg');
	});

	test('an older 1024 px copy is a source too; an image that fits already gets none', async () => {
		const original = await renderImage({ width: 3840, height: 2160, format: 'png', seed: 'older' });
		const older = await cardCopy(original, CARD_IMAGE_MAX_SIDE, nodeCodec);
		assert.ok(older);
		const copy = await historyCopy(older, nodeCodec, encodeJpeg);
		// 1024×576 scaled to 744 wide is 418.5 rows high: 418, a row less than from the 3840×2160 original.
		assert.deepEqual([copy?.format, copy?.width, copy?.height], ['jpeg', 744, 418]);
		assert.equal(await historyCopy(await renderImage({ width: 744, height: 500, format: 'png', seed: 'fits' }), nodeCodec, encodeJpeg), undefined);
	});
});

suite('Card-size copies: the Generate panel\'s, as images stream in', () => {
	test('a PNG over 1 MB larger than a card (744 px) gets one, a partial already over 256 KB and above 372 px; one over 2048×1024 always; JPEG, WebP, SVG and GIF never', async () => {
		const png = (width: number, height: number, grain = 8) => renderImage({ width, height, format: 'png', seed: 'panel copy', grain });
		assert.equal(bytesNeedPanelCopy(await png(1024, 1024)), true, 'a 1024×1024 final of 2 MB: crosses the web socket as a copy');
		assert.equal(bytesNeedPanelCopy(await png(1536, 1024)), true);
		assert.equal(bytesNeedPanelCopy(await png(1024, 1024, 0)), false, 'a smooth one of tens of KB goes as it is');
		assert.equal(bytesNeedPanelCopy(await png(3840, 2160, 0)), true, 'a large one always: its pixels, not its bytes, cost the page');
		assert.equal(bytesNeedPanelCopy(await png(744, 740)), false, 'a card shows it as it is');
		assert.equal(bytesNeedPanelCopy(await png(744, 740), true), true, 'a preview of it is smaller');
		assert.equal(bytesNeedPanelCopy(await png(372, 300), true), false);
		const underOneMb = await png(1024, 1024, 1);
		assert.ok(underOneMb.length > 256 * 1024 && underOneMb.length < 1024 * 1024, String(underOneMb.length));
		assert.equal(bytesNeedPanelCopy(underOneMb), false, 'a final under 1 MB goes as it is: its copy would cost more than its bytes on the way');
		assert.equal(bytesNeedPanelCopy(underOneMb, true), true, 'a partial of the same bytes goes as a draft preview: a few KB that reach the page at once');
		assert.equal(bytesNeedPanelCopy(await png(1024, 1024, 0), true), false, 'a partial of 160 KB goes as it is');
		for (const format of ['jpeg', 'webp', 'gif'] as const) {
			assert.equal(bytesNeedPanelCopy(await renderImage({ width: 2048, height: 2048, format, seed: 'panel copy' })), false, format);
		}
		assert.equal(bytesNeedPanelCopy(await renderImage({ width: 3840, height: 2160, format: 'svg', seed: 'panel copy', text: 'a diagram' })), false, 'svg');
	});

	test('a final\'s copy is the history\'s copy, byte for byte (the history keeps it as it is): a 1024×1024 PNG of 2 MB becomes a 744 px JPEG of tens of KB', async () => {
		const original = await renderImage({ width: 1024, height: 1024, format: 'png', seed: 'panel final', grain: 8 });
		const copy = await panelCopy(original, nodeCodec, encodeJpeg);
		assert.ok(copy);
		assert.deepEqual([copy.format, copy.width, copy.height], ['jpeg', 744, 744]);
		assert.deepEqual(readImageInfo(copy.bytes), { format: 'jpeg', width: 744, height: 744 });
		assert.ok(copy.bytes.length * 20 < original.length, `${copy.bytes.length} bytes, against the PNG's ${original.length}`);
		assert.deepEqual(copy, await historyCopy(original, nodeCodec, encodeJpeg));
		const [expected, shown] = [await means(original), await means(copy.bytes)];
		for (let channel = 0; channel < 3; channel++) {
			assert.ok(Math.abs(expected[channel] - shown[channel]) < 3, `channel ${channel}: ${shown[channel]} against ${expected[channel]}`);
		}
	});

	test('a partial\'s copy is a preview: 372 px, a JPEG of a few KB; transparency keeps it a PNG; abandoned, none', async () => {
		const partial = await renderImage({ width: 1536, height: 1024, format: 'png', seed: 'panel partial', grain: 8, partial: { index: 1, of: 2 } });
		const copy = await panelCopy(partial, nodeCodec, encodeJpeg, { draft: true });
		assert.deepEqual([copy?.format, copy?.width, copy?.height], ['jpeg', 372, 248]);
		assert.ok(copy!.bytes.length < 30_000, `${copy!.bytes.length} bytes`);
		const transparent = await sharp({ create: { width: 1024, height: 1024, channels: 4, background: { r: 10, g: 200, b: 30, alpha: 0.5 } } }).png().toBuffer();
		const kept = await panelCopy(transparent, nodeCodec, encodeJpeg, { draft: true });
		assert.deepEqual([kept?.format, kept?.width, (await sharp(kept!.bytes).stats()).isOpaque], ['png', 372, false]);
		assert.equal(await panelCopy(partial, nodeCodec, encodeJpeg, { draft: true, abandoned: () => true }), undefined);
	});
});
