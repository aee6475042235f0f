import * as assert from 'node:assert/strict';
import { APPLY_STORE_EVERY_MS, storePacer } from '../../src/core/batchApi/storePacing';

suite('Storing a batch record while its images are applied', () => {
	test('the first document is stored at once, then at most once a second however many documents are filled', () => {
		let clock = 0;
		const pacer = storePacer(APPLY_STORE_EVERY_MS, () => clock);
		const stored: number[] = [];
		// 200 documents, one every 80 ms (16 s, as the bench applies them on a quiet machine).
		for (let document = 0; document < 200; document++) {
			clock = document * 80;
			if (pacer.due()) {
				stored.push(clock);
			}
		}
		assert.equal(stored[0], 0);
		assert.equal(stored.length, 16, '16 stores in 16 s instead of 200');
		for (let index = 1; index < stored.length; index++) {
			assert.ok(stored[index] - stored[index - 1] >= APPLY_STORE_EVERY_MS, `store ${index} came ${stored[index] - stored[index - 1]} ms after the one before`);
		}
	});

	test('documents a second or more apart are each stored', () => {
		let clock = 5_000;
		const pacer = storePacer(1000, () => clock);
		assert.equal(pacer.due(), true);
		clock += 1000;
		assert.equal(pacer.due(), true);
		clock += 999;
		assert.equal(pacer.due(), false);
		clock += 1;
		assert.equal(pacer.due(), true);
	});
});
