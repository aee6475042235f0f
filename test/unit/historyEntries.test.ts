import * as assert from 'node:assert/strict';
import { entriesToPrune, historyEntryId, isHistoryEntry } from '../../src/core/history/historyEntries';

suite('The image history: which files are entries', () => {
	const entry = { id: 'a', file: 'a.png', prompt: 'a fox', model: 'gpt-image-2', size: '1024x1024', quality: 'low', format: 'png', bytes: 10, createdAt: '2026-01-01T00:00:00.000Z' };

	test('an entry with the fields the store relies on', () => {
		assert.equal(isHistoryEntry(entry), true);
		assert.equal(isHistoryEntry({ ...entry, format: 'jpeg' }), true);
	});

	test('not an entry: a missing or mistyped field, an unknown format, a file outside the folder', () => {
		for (const bad of [null, 'a', [], { ...entry, id: 3 }, { ...entry, bytes: '10' }, { ...entry, prompt: undefined }, { ...entry, format: 'gif' }, { ...entry, file: '../../.ssh/id_rsa' }, { ...entry, file: 'sub/a.png' }]) {
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
