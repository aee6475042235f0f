import * as assert from 'node:assert/strict';
import { entriesToPrune, entryFileName, entryForImage, entryJson, historyEntryId, isHistoryEntry } from '../../src/core/history/historyEntries';
import { bytesNeedCardCopy } from '../../src/core/images/cardCopy';

suite('The image history: which files are entries', () => {
	const entry = { id: 'a', file: 'a.png', prompt: 'a fox', model: 'gpt-image-2', size: '1024x1024', quality: 'low', format: 'png', bytes: 10, createdAt: '2026-01-01T00:00:00.000Z' };

	test('an entry with the fields the store relies on', () => {
		assert.equal(isHistoryEntry(entry), true);
		assert.equal(isHistoryEntry({ ...entry, format: 'jpeg' }), true);
		assert.equal(isHistoryEntry({ ...entry, format: 'svg', file: 'a.svg' }), true, 'an SVG stays in the history across reloads');
		assert.equal(isHistoryEntry({ ...entry, format: 'gif', file: 'a.gif' }), true);
	});

	test('not an entry: a missing or mistyped field, an unknown format, a file outside the folder', () => {
		for (const bad of [null, 'a', [], { ...entry, id: 3 }, { ...entry, bytes: '10' }, { ...entry, prompt: undefined }, { ...entry, format: 'bmp' }, { ...entry, file: '../../.ssh/id_rsa' }, { ...entry, file: 'sub/a.png' }]) {
			assert.equal(isHistoryEntry(bad), false, JSON.stringify(bad));
		}
	});

	test('an id is the time, safe in a file name, with eight random characters', () => {
		assert.equal(historyEntryId('2026-12-03T09:37:01.123Z', '0123456789abcdef'), '2026-12-03T09-37-01-123Z-01234567');
	});
});

suite('The image history: which entries pruning removes', () => {
	const mb = 1024 * 1024;
	const none = () => false;

	test('the oldest first, until the rest fits the cap', () => {
		const newestFirst = [{ id: 'new', bytes: 4 * mb }, { id: 'mid', bytes: 4 * mb }, { id: 'old', bytes: 4 * mb }, { id: 'oldest', bytes: 4 * mb }];
		assert.deepEqual(entriesToPrune(newestFirst, 8 * mb, none), ['oldest', 'old']);
		assert.deepEqual(entriesToPrune(newestFirst, 16 * mb, none), [], 'at the cap exactly: nothing');
	});

	test('this window\'s images stay even past the cap', () => {
		const newestFirst = [{ id: 'now-2', bytes: 6 * mb }, { id: 'now-1', bytes: 6 * mb }, { id: 'old', bytes: 1 * mb }];
		assert.deepEqual(entriesToPrune(newestFirst, 10 * mb, id => id.startsWith('now')), ['old']);
	});

	test('bytes a Replace kept for Restore are never counted nor pruned', () => {
		const newestFirst = [{ id: 'new', bytes: 4 * mb }, { id: 'kept', bytes: 100 * mb, operation: 'replaced' }, { id: 'old', bytes: 4 * mb }];
		assert.deepEqual(entriesToPrune(newestFirst, 8 * mb, none), []);
		assert.deepEqual(entriesToPrune(newestFirst, 5 * mb, none), ['old']);
	});
});

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
		const entry = entryForImage(pngHeader(1536, 1024), recipe, 'jpeg', new Date('2026-12-03T10:20:30.456Z'), 'abcdef12-3456-7890');
		assert.deepEqual(entry, { ...recipe, id: '2026-12-03T10-20-30-456Z-abcdef12', format: 'png', width: 1536, height: 1024, bytes: 33, createdAt: '2026-12-03T10:20:30.456Z', file: '2026-12-03T10-20-30-456Z-abcdef12.png' });
		assert.equal(entryFileName(entry), '2026-12-03T10-20-30-456Z-abcdef12.json');
	});

	test('bytes whose format cannot be read take the format asked for, without a size; JPEG files end in .jpg', () => {
		const entry = entryForImage(new Uint8Array([1, 2, 3]), recipe, 'jpeg', new Date('2026-12-03T00:00:00.000Z'), '00000000');
		assert.equal(entry.format, 'jpeg');
		assert.equal(entry.file, '2026-12-03T00-00-00-000Z-00000000.jpg');
		assert.equal(entry.width, undefined);
		assert.ok(!('width' in JSON.parse(new TextDecoder().decode(entryJson(entry)))), 'no size is written when none was read');
	});

	test('the JSON file holds the recipe, the file name and what the bytes are, tab-indented', () => {
		const entry = entryForImage(pngHeader(1024, 1024), recipe, 'png', new Date('2026-12-03T00:00:00.000Z'), '11111111');
		const text = new TextDecoder().decode(entryJson(entry));
		assert.ok(text.startsWith('{\n\t"prompt": "a fox"'), text.slice(0, 40));
		assert.deepEqual(JSON.parse(text), entry);
	});

	test('only PNGs larger than 2048×1024 get a card-size copy', () => {
		assert.equal(bytesNeedCardCopy(pngHeader(3840, 2160)), true);
		assert.equal(bytesNeedCardCopy(pngHeader(2049, 1024)), true);
		assert.equal(bytesNeedCardCopy(pngHeader(2048, 1024)), false);
		assert.equal(bytesNeedCardCopy(new Uint8Array([0xff, 0xd8, 0xff])), false);
	});
});
