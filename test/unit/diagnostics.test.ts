import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { batchFigures, DIAGNOSTICS_VARIABLE, startBatchDiagnostics, type BatchFigures } from '../../src/platform/diagnostics';
import { waitFor } from '../harness/waitFor';

suite('batch diagnostics (for npm run bench)', () => {
	test('a delay is how much later than its 10 ms period the monitor fired, in ms; CPU in ms', () => {
		const histogram = { max: 118_340_000, mean: 10_400_000, percentile: (p: number) => p === 99 ? 61_000_000 : Number.NaN };
		assert.deepEqual(batchFigures(histogram, { user: 1_234_567, system: 89_400 }, 1000, 5000, 4), {
			startedAt: 1000, endedAt: 5000, images: 4,
			eventLoopDelayMs: { max: 108.3, p99: 51, mean: 0.4 },
			cpuMs: { user: 1235, system: 89 },
		});
		// A timer that fired early, and an empty histogram (no firing at all), are no delay.
		assert.deepEqual(batchFigures({ max: 9_100_000, mean: Number.NaN, percentile: () => 0 }, { user: 0, system: 0 }, 0, 1, 0).eventLoopDelayMs, { max: 0, p99: 0, mean: 0 });
	});

	test('off without the environment variable', () => {
		const before = process.env[DIAGNOSTICS_VARIABLE];
		delete process.env[DIAGNOSTICS_VARIABLE];
		try {
			assert.equal(startBatchDiagnostics(), undefined);
		} finally {
			if (before !== undefined) {
				process.env[DIAGNOSTICS_VARIABLE] = before;
			}
		}
	});

	test('with it, a batch appends its event-loop delay and CPU time to the file once its pixels are sent', async () => {
		const folder = mkdtempSync(join(tmpdir(), 'illustrate-diagnostics-'));
		const file = join(folder, 'batches.jsonl');
		process.env[DIAGNOSTICS_VARIABLE] = file;
		try {
			const diagnostics = startBatchDiagnostics();
			assert.ok(diagnostics);
			// The loop is blocked for 150 ms of CPU time, as a large event's parse would block it.
			// The monitor records from its second 10 ms tick on, so the block starts after a few
			// ticks: the timer schedules the work being measured, nothing waits on it.
			await new Promise<void>(resolve => setTimeout(() => {
				const cpu = process.cpuUsage();
				while (process.cpuUsage(cpu).user < 150_000) {
					// Busy.
				}
				resolve();
			}, 30));
			// The last pixels go to the panel 50 ms after the batch's request ended (the scenario, not
			// a wait: the monitor's late tick that records the block lands in between).
			let sentAt = 0;
			diagnostics.end(3, new Promise<void>(resolve => setTimeout(() => {
				sentAt = Date.now();
				resolve();
			}, 50)));
			await waitFor(() => existsSync(file) && readFileSync(file, 'utf8').endsWith('\n'), 'the diagnostics line');
			const lines = readFileSync(file, 'utf8').trim().split('\n');
			assert.equal(lines.length, 1);
			const figures = JSON.parse(lines[0]) as BatchFigures;
			assert.equal(figures.images, 3);
			assert.ok(figures.eventLoopDelayMs.max >= 130, `max ${figures.eventLoopDelayMs.max} ms`);
			assert.ok(figures.cpuMs.user >= 150, `CPU ${JSON.stringify(figures.cpuMs)}`);
			// The block was the main thread's own work: its CPU time between two ticks says so.
			assert.ok((figures.mainThreadBlockMs?.cpu ?? 0) >= 140, `main-thread block ${JSON.stringify(figures.mainThreadBlockMs)}`);
			// The longest stall is that block, with its CPU time (on a loaded machine, less than its wall time).
			const stall = figures.mainThreadBlockMs?.stall;
			assert.ok(stall && stall.wall >= 140 && stall.cpu >= 140 && stall.cpu <= stall.wall + 5, `longest stall ${JSON.stringify(stall)}`);
			assert.ok(sentAt > 0 && figures.endedAt >= sentAt, 'measured to the end of the request, not to the pixels sent');
		} finally {
			delete process.env[DIAGNOSTICS_VARIABLE];
			rmSync(folder, { recursive: true, force: true });
		}
	});
});
