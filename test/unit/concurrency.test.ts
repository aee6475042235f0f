import * as assert from 'node:assert/strict';
import { runBounded } from '../../src/core/generation/concurrency';

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
