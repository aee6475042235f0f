import * as assert from 'node:assert/strict';
import { BatchProgress } from '../../src/core/generation/batchProgress';

const close = (actual: number, expected: number) => assert.ok(Math.abs(actual - expected) < 1e-9, `${actual} ≈ ${expected}`);

suite('BatchProgress', () => {
	test('each partial moves its variant\'s share on, the final completes it, and all of them make 100', () => {
		const progress = new BatchProgress(4, 2);
		close(progress.partial(0, 0), 25 / 3);
		close(progress.partial(0, 1), 25 / 3);
		close(progress.finish(0), 25 / 3);
		assert.equal(progress.finished, 1);
		let total = 25;
		for (const slot of [3, 1, 2]) {
			total += progress.partial(slot, 0) + progress.partial(slot, 1) + progress.finish(slot);
		}
		close(total, 100);
		assert.equal(progress.finished, 4);
	});

	test('a repeated, late or out-of-range event moves nothing, so the bar never passes 100', () => {
		const progress = new BatchProgress(2, 2);
		close(progress.partial(0, 1), 50 * 2 / 3);
		assert.equal(progress.partial(0, 0), 0, 'an earlier partial after a later one');
		assert.equal(progress.partial(0, 1), 0, 'the same partial twice (a retried request)');
		close(progress.finish(0), 50 / 3);
		assert.equal(progress.finish(0), 0, 'a variant ends once');
		assert.equal(progress.partial(0, 1), 0, 'a partial after the final');
		assert.equal(progress.partial(5, 0), 0);
		assert.equal(progress.finish(-1), 0);
		assert.equal(progress.finished, 1);
		close(progress.finish(1), 50);
		assert.equal(progress.finished, 2);
	});

	test('a failed variant completes its share without partials; more partials than announced count as the last', () => {
		const progress = new BatchProgress(1, 1);
		close(progress.partial(0, 3), 50);
		close(progress.finish(0), 50);
		const none = new BatchProgress(3, 0);
		assert.equal(none.partial(1, 0), 0, 'no partials were asked for');
		close(none.finish(1), 100 / 3);
	});
});
