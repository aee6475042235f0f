import * as assert from 'node:assert/strict';
import { ConcurrencyLimit, runBounded } from '../../src/core/generation/concurrency';

suite('runBounded', () => {
	test('never runs more than the limit at once, and runs every task', async () => {
		let running = 0;
		let peak = 0;
		const done: number[] = [];
		const tasks = Array.from({ length: 7 }, (_, index) => async () => {
			running++;
			peak = Math.max(peak, running);
			await new Promise(resolve => setTimeout(resolve, 5 + (index % 3) * 3));
			running--;
			done.push(index);
		});
		await runBounded(tasks, 3);
		assert.equal(peak, 3);
		assert.deepEqual([...done].sort((a, b) => a - b), [0, 1, 2, 3, 4, 5, 6]);
	});

	test('starts tasks in order', async () => {
		const started: number[] = [];
		await runBounded([0, 1, 2, 3].map(index => async () => { started.push(index); }), 2);
		assert.deepEqual(started, [0, 1, 2, 3]);
	});

	test('no tasks, nothing to do', async () => {
		await runBounded([], 4);
	});
});

suite('ConcurrencyLimit', () => {
	test('runs at most the limit at once, the rest in arrival order, and passes results and errors through', async () => {
		const limit = new ConcurrencyLimit(2);
		let running = 0;
		let peak = 0;
		const started: number[] = [];
		const work = (index: number) => limit.run(async () => {
			started.push(index);
			running++;
			peak = Math.max(peak, running);
			await new Promise(resolve => setTimeout(resolve, 5 + (index % 2) * 5));
			running--;
			if (index === 3) {
				throw new Error('three');
			}
			return index * 10;
		});
		const results = await Promise.allSettled([0, 1, 2, 3, 4, 5].map(work));
		assert.equal(peak, 2);
		assert.deepEqual(started, [0, 1, 2, 3, 4, 5]);
		assert.deepEqual(results.map(result => result.status === 'fulfilled' ? result.value : (result.reason as Error).message), [0, 10, 20, 'three', 40, 50]);
		// Its places all came back: two more start at once.
		let together = 0;
		await Promise.all([0, 1].map(() => limit.run(async () => {
			together++;
			await new Promise(resolve => setTimeout(resolve, 5));
			assert.equal(together, 2);
		})));
	});
});
