import * as assert from 'node:assert/strict';
import type { HistoryEntry } from '../../src/core/history/historyEntries';
import { HISTORY_INDEX_MAX_BYTES, HISTORY_INDEX_NAME, historyIndexBytes, mergeHistoryIndex, parseHistoryIndex } from '../../src/core/history/historyIndex';

function entry(id: string, file = `${id}.png`): HistoryEntry {
	return { id, file, prompt: `prompt ${id}`, model: 'gpt-image-2', size: '1024x1024', quality: 'low', format: 'png', bytes: 10, createdAt: '2026-01-01T00:00:00.000Z' };
}

const encode = (text: string) => new TextEncoder().encode(text);

suite('The image history\'s index: reading it', () => {
	test('an index written is read back, entry for entry', () => {
		const entries = [entry('a'), { ...entry('b'), width: 3840, height: 2160, operation: 'replaced' as const, originalUri: 'file:///ws/a.png' }];
		assert.deepEqual(parseHistoryIndex(historyIndexBytes(entries)), { entries, dropped: false });
		assert.deepEqual(parseHistoryIndex(historyIndexBytes([])), { entries: [], dropped: false });
	});

	test('a file that is no index is ignored whole: not JSON, not UTF-8, another version, another shape', () => {
		for (const text of ['', '{ not json', 'null', '[]', '"index"', '{"version":1}', '{"version":1,"entries":{}}', '{"version":2,"entries":[]}', '{"entries":[]}', '[{"version":1,"entries":[]}]']) {
			assert.equal(parseHistoryIndex(encode(text)), undefined, text);
		}
		assert.equal(parseHistoryIndex(new Uint8Array([0x7b, 0xff, 0xfe, 0x7d])), undefined, 'bytes that are no UTF-8');
	});

	test('a file larger than the bound is not parsed, however valid', () => {
		const padded = new Uint8Array(HISTORY_INDEX_MAX_BYTES + 1).fill(0x20);
		padded.set(historyIndexBytes([entry('a')]));
		assert.equal(parseHistoryIndex(padded), undefined);
		assert.notEqual(parseHistoryIndex(padded.subarray(0, HISTORY_INDEX_MAX_BYTES)), undefined, 'the same index within the bound is read');
	});

	test('entries of a wrong shape are dropped one by one, with the JSON files\' checks, and the index is marked for rewriting', () => {
		const good = entry('good');
		const hostile = [null, 'a', 7, [], { ...entry('x'), file: '../../.ssh/id_rsa' }, { ...entry('y'), file: 'sub/y.png' }, { ...entry('z'), bytes: '10' }, { ...entry('w'), format: 'bmp' }, { ...good, prompt: 'a second entry of the same id' }];
		const parsed = parseHistoryIndex(encode(JSON.stringify({ version: 1, entries: [good, ...hostile] })));
		assert.deepEqual(parsed, { entries: [good], dropped: true });
	});

	test('a field named __proto__ does not reach any object\'s prototype', () => {
		const parsed = parseHistoryIndex(encode(`{"version":1,"entries":[${JSON.stringify(entry('a')).slice(0, -1)},"__proto__":{"polluted":true}}]}`));
		assert.equal(parsed?.entries.length, 1);
		assert.equal(({} as { polluted?: boolean }).polluted, undefined);
	});
});

suite('The image history\'s index: what a window trusts and what it reads', () => {
	test('an entry whose image and JSON file are both listed is trusted, nothing read', () => {
		const merged = mergeHistoryIndex([entry('a'), entry('b', 'b.jpeg')], ['a.png', 'a.json', 'b.jpeg', 'b.json', HISTORY_INDEX_NAME, 'cards']);
		assert.deepEqual(merged, { trusted: [entry('a'), entry('b', 'b.jpeg')], toRead: [], gone: 0 });
	});

	test('JSON files the index lacks are read: the image worker\'s, another window\'s, an older version\'s (no index at all)', () => {
		const listing = ['a.png', 'a.json', 'new.png', 'new.json', 'other.webp', 'other.json', HISTORY_INDEX_NAME];
		assert.deepEqual(mergeHistoryIndex([entry('a')], listing).toRead, ['new.json', 'other.json']);
		assert.deepEqual(mergeHistoryIndex(undefined, listing), { trusted: [], toRead: ['a.json', 'new.json', 'other.json'], gone: 0 }, 'no index: every JSON file, never the index itself');
	});

	test('an entry whose image or JSON file is gone (deleted, pruned by another window) is dropped, and counted', () => {
		const merged = mergeHistoryIndex([entry('image-gone'), entry('json-gone'), entry('both-gone'), entry('kept')], ['image-gone.json', 'json-gone.png', 'kept.png', 'kept.json']);
		assert.deepEqual(merged.trusted, [entry('kept')]);
		assert.equal(merged.gone, 3);
		assert.deepEqual(merged.toRead, ['image-gone.json'], 'a JSON file without its image is read as before there was an index (and then skipped by the store)');
	});

	test('an index entry is trusted only with a JSON file of its own id in the folder', () => {
		// A hostile index: ids that name files elsewhere, or no file.
		const merged = mergeHistoryIndex([entry('../a'), entry('sub/a'), entry(''), entry('a')], ['a.png', 'a.json', '.json']);
		assert.deepEqual(merged.trusted.map(trusted => trusted.id), ['a']);
		assert.equal(merged.gone, 3);
		const twice = mergeHistoryIndex([entry('a'), { ...entry('a'), prompt: 'second' }], ['a.png', 'a.json']);
		assert.deepEqual(twice.trusted, [entry('a')], 'the first entry of an id wins');
	});
});
