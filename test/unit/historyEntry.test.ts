import * as assert from 'node:assert/strict';
import { entryFileName, entryJson, historyEntry } from '../../src/core/history/historyEntry';
import { needsCardCopy } from '../../src/core/images/cardCopy';

/** The first bytes of a PNG of `width`×`height` (its signature and header), enough for its header to be read. */
function pngHeader(width: number, height: number): Uint8Array {
	const bytes = new Uint8Array(33);
	bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
	new DataView(bytes.buffer).setUint32(16, width);
	new DataView(bytes.buffer).setUint32(20, height);
	bytes.set([8, 2, 0, 0, 0], 24);
	return bytes;
}

suite('History entries: what the store and the image worker write beside each image', () => {
	const recipe = { prompt: 'a fox', model: 'gpt-image-2', size: '1024x1024', quality: 'low', costUsd: 0.01 };

	test('the id comes from the time and a random part; the file name from the id and the format the bytes have', () => {
		const entry = historyEntry(pngHeader(1536, 1024), recipe, 'jpeg', new Date('2026-12-03T10:20:30.456Z'), 'abcdef12-3456-7890');
		assert.deepEqual(entry, { ...recipe, id: '2026-12-03T10-20-30-456Z-abcdef12', format: 'png', width: 1536, height: 1024, bytes: 33, createdAt: '2026-12-03T10:20:30.456Z', file: '2026-12-03T10-20-30-456Z-abcdef12.png' });
		assert.equal(entryFileName(entry), '2026-12-03T10-20-30-456Z-abcdef12.json');
	});

	test('bytes whose format cannot be read take the format asked for, without a size; JPEG files end in .jpg', () => {
		const entry = historyEntry(new Uint8Array([1, 2, 3]), recipe, 'jpeg', new Date('2026-12-03T00:00:00.000Z'), '00000000');
		assert.equal(entry.format, 'jpeg');
		assert.equal(entry.file, '2026-12-03T00-00-00-000Z-00000000.jpg');
		assert.equal(entry.width, undefined);
		assert.ok(!('width' in JSON.parse(new TextDecoder().decode(entryJson(entry)))), 'no size is written when none was read');
	});

	test('the JSON file holds the recipe, the file name and what the bytes are, tab-indented', () => {
		const entry = historyEntry(pngHeader(1024, 1024), recipe, 'png', new Date('2026-12-03T00:00:00.000Z'), '11111111');
		const text = new TextDecoder().decode(entryJson(entry));
		assert.ok(text.startsWith('{\n\t"prompt": "a fox"'), text.slice(0, 40));
		assert.deepEqual(JSON.parse(text), entry);
	});

	test('only PNGs larger than 2048×1024 get a card-size copy', () => {
		assert.equal(needsCardCopy(pngHeader(3840, 2160)), true);
		assert.equal(needsCardCopy(pngHeader(2049, 1024)), true);
		assert.equal(needsCardCopy(pngHeader(2048, 1024)), false);
		assert.equal(needsCardCopy(new Uint8Array([0xff, 0xd8, 0xff])), false);
	});
});
