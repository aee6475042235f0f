import * as assert from 'node:assert/strict';
import { diagnosticsLines, hopFigures, hopTableRows, hostTableRows, quantile, summarize, targetChecks, type ConfigurationFigures, type HostRun, type ImagePath } from '../../bench/figures';
import type { BatchFigures } from '../../src/platform/diagnostics';

function batch(max: number, p99: number, cpuMs: number, images: number): BatchFigures {
	return { startedAt: 0, endedAt: 1, images, eventLoopDelayMs: { max, p99, mean: 1 }, cpuMs: { user: cpuMs - 100, system: 100 } };
}

function hostRun(max: number, p99: number, cpuMs: number, images: number, clickToRequestMs: number, lastByteToPaintedMs: number): HostRun {
	return { batch: batch(max, p99, cpuMs, images), clickToRequestMs, lastByteToPaintedMs };
}

const figures = (size: string, n: number, change: Partial<ConfigurationFigures>): ConfigurationFigures => ({
	size, n, ratio: 1.5, eventLoopDelayMaxMs: 20, eventLoopDelayP99Ms: 5, clickToRequestMs: 30, lastByteToPaintedMs: 400,
	hostCpuPerImageMs: 900, bareCpuPerImageMs: 300, cpuRatio: 3, peakHostGrowthMb: 100, ...change,
});

suite('bench figures (npm run bench)', () => {
	test('quantiles interpolate between the sorted values', () => {
		assert.equal(quantile([40, 10, 30, 20], 0.5), 25);
		assert.equal(quantile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], 0.95), 10.5);
		assert.ok(Number.isNaN(quantile([], 0.5)));
	});

	test('reads the batches the extension host appended after the ones already there', () => {
		const text = `${JSON.stringify(batch(1, 1, 200, 1))}\n${JSON.stringify(batch(80, 12, 4000, 4))}\n`;
		assert.deepEqual(diagnosticsLines(text, 1), [batch(80, 12, 4000, 4)]);
		assert.deepEqual(diagnosticsLines('', 0), []);
	});

	test('a configuration: the worst delay of any batch, medians of the rest, CPU per image side by side with the bare script\'s', () => {
		const summary = summarize(
			[hostRun(80, 12, 4000, 4, 260, 900), hostRun(35, 8, 3000, 4, 240, 700), hostRun(50, 20, 9000, 4, 250, 800)],
			[{ ms: 3000, cpuMs: 1200, images: 4 }, { ms: 3100, cpuMs: 1000, images: 4 }, { ms: 3200, cpuMs: 1100, images: 4 }],
		);
		assert.deepEqual(summary, {
			eventLoopDelayMaxMs: 80, eventLoopDelayP99Ms: 12, clickToRequestMs: 250, lastByteToPaintedMs: 800,
			hostCpuPerImageMs: 1000, bareCpuPerImageMs: 275, cpuRatio: 3.64,
		});
	});

	test('prints a row per configuration, size as the time table writes it', () => {
		const rows = hostTableRows([figures('3840x2160', 8, { eventLoopDelayMaxMs: 412.5, eventLoopDelayP99Ms: 190.1 })]);
		assert.equal(rows.length, 3);
		assert.equal(rows[2], '| 3840×2160 | 8 | 412.5 ms (190.1 ms) | 30 ms | 400 ms | 900 ms | 300 ms | 3.00 | +100 MB |');
		assert.equal(rows[0].split('|').length, rows[2].split('|').length);
	});

	test('the main thread\'s own longest block and GC pause, where the host measured them: the worst of any batch, beside the delay', () => {
		const measured = (cpu: number, gc: number): HostRun => {
			const run = hostRun(80, 12, 4000, 4, 260, 900);
			return { ...run, batch: { ...run.batch, mainThreadBlockMs: { cpu, gc } } };
		};
		const summary = summarize([measured(31.5, 4), measured(12, 9.5), hostRun(35, 8, 3000, 4, 240, 700)], [{ ms: 3000, cpuMs: 1200, images: 4 }]);
		assert.deepEqual(summary.mainThreadBlockMs, { cpu: 31.5, gc: 9.5 });
		const rows = hostTableRows([figures('1024x1024', 4, { eventLoopDelayMaxMs: 80, eventLoopDelayP99Ms: 12, mainThreadBlockMs: { cpu: 31.5, gc: 9.5 } })]);
		assert.match(rows[2], /\| 80 ms \(12 ms\); own work ≤ 31\.5 ms CPU, GC ≤ 9\.5 ms \|/);
	});

	test('the longest stall of any batch, with the CPU time the main thread had in it: a stall without CPU was time without a core', () => {
		const measured = (wall: number, cpu: number): HostRun => {
			const run = hostRun(80, 12, 4000, 4, 260, 900);
			return { ...run, batch: { ...run.batch, mainThreadBlockMs: { cpu: 10, gc: 5, stall: { wall, cpu } } } };
		};
		const summary = summarize([measured(42, 30), measured(96.4, 3.2), measured(60, 58)], [{ ms: 3000, cpuMs: 1200, images: 4 }]);
		assert.deepEqual(summary.mainThreadBlockMs, { cpu: 10, gc: 5, stall: { wall: 96.4, cpu: 3.2 } });
		const rows = hostTableRows([figures('3840x2160', 8, { eventLoopDelayMaxMs: 101.2, eventLoopDelayP99Ms: 20, mainThreadBlockMs: summary.mainThreadBlockMs })]);
		assert.match(rows[2], /\| 101\.2 ms \(20 ms\); own work ≤ 10 ms CPU, GC ≤ 5 ms, longest stall 96\.4 ms with 3\.2 ms CPU \|/);
	});

	test('the issue #16 targets: limits met or missed, the rest as figures to follow', () => {
		const checks = targetChecks([
			figures('1024x1024', 4, { eventLoopDelayMaxMs: 45, clickToRequestMs: 20, cpuRatio: 5 }),
			figures('3840x2160', 8, { eventLoopDelayMaxMs: 60, clickToRequestMs: 70, cpuRatio: 1.8, peakHostGrowthMb: 400 }),
		], { median: 1300, p95: 11000 });
		const byTarget = new Map(checks.map(check => [check.target.split(' ')[0] + check.target.split(' ')[1], check]));
		assert.deepEqual(byTarget.get('event-loopdelay'), { target: 'event-loop delay max ≤ 50 ms during any batch', measured: '60 ms (8 × 3840×2160)', met: false });
		assert.equal(byTarget.get('click→')?.met, false);
		assert.equal(byTarget.get('hostCPU')?.met, true, 'only the 3840×2160 rows count');
		assert.equal(byTarget.get('partialevent')?.measured, '1300 ms / 11000 ms');
		assert.equal(byTarget.get('peakhost')?.measured, '+400 MB (8 × 3840×2160)');
		assert.equal(targetChecks([figures('1024x1024', 4, {})], { median: 1, p95: 2 }).find(check => check.target.startsWith('host CPU'))?.met, undefined);
	});

	test('an image\'s way: each hop the median and p95 over the images that have both its ends; a table row per kind of image', () => {
		const path = (offset: number, posted: number): ImagePath => ({
			final: true, bytes: 64 * 1024, sentAt: offset, arrivedAt: offset + 100, postedAt: offset + 100, deliveredAt: offset + 100 + posted,
			receivedAt: offset + 100 + posted, handledAt: offset + 101 + posted, loadedAt: offset + 111 + posted, paintedAt: offset + 131 + posted,
		});
		// The third image was not seen by the page: its page hops are left out, not counted as 0.
		const figures = hopFigures([path(0, 40), path(1000, 60), { final: true, sentAt: 0, arrivedAt: 300 }]);
		assert.equal(figures.images, 3);
		assert.equal(figures.kb, 64);
		assert.deepEqual(figures.hops.map(hop => [hop.name, hop.median]), [
			['server → host main thread', 100], ['main thread → postMessage', 0], ['postMessage → page', 50], ['page handler', 1], ['source set → loaded', 10], ['loaded → painted', 20],
		]);
		assert.deepEqual(figures.hops[0], { name: 'server → host main thread', median: 100, p95: 280 });
		assert.deepEqual(figures.total, { median: 181, p95: 190 });
		assert.deepEqual(figures.settled, { median: 50, p95: 59 });
		const rows = hopTableRows([{ size: '1024x1024', n: 4, finals: figures, lastFinals: hopFigures([path(0, 40)]), partials: hopFigures([]) }]);
		assert.equal(rows.length, 5);
		assert.equal(rows[2], '| 1024×1024 | 4 | finals (3) | 64 | 100 (280) | 0 (0) | 50 (59) | 1 (1) | 10 (10) | 20 (20) | 181 (190) | 50 (59) |');
		assert.equal(rows[4], '| 1024×1024 | 4 | partials (0) | – | – | – | – | – | – | – | – | – |');
	});
});
