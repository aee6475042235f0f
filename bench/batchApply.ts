/**
 * Applying a finished batch, measured in the real VS Code extension host (code-server, headless
 * Chromium): 1,000 results across 200 documents (5 placeholders each) at the test server, their
 * output file streamed, every image stored in the history, then each document's images inserted
 * in one edit. Issue #19: the extension host's memory grows by at most 300 MB and its event loop
 * is never held over 50 ms. Run with `npm run bench:batchApply`; options:
 *   --json <file>          where the figures go (default .test-runs/bench-batch-apply.json)
 *   --cpu-prof <file>      also writes a CPU profile of the extension host's main thread while it
 *                          applies (a .cpuprofile, for Chrome DevTools or VS Code; it slows the run)
 *   --heap-prof <file>     also writes a sampling heap profile of what that thread allocates while it
 *                          applies, garbage included (a .heapprofile, for Chrome DevTools' Memory tab)
 * The run is the integration test "bench: applying 1,000 results…", which prints one
 * `BENCH batchApply {…}` line and fails when a limit is passed.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { PROJECT_ROOT } from '../test/harness/codeServer';

function option(name: string, fallback: string): string {
	const at = process.argv.indexOf(name);
	return at >= 0 ? process.argv[at + 1] : fallback;
}

const JSON_OUT = option('--json', join(PROJECT_ROOT, '.test-runs', 'bench-batch-apply.json'));
const CPU_PROFILE = option('--cpu-prof', '');
const HEAP_PROFILE = option('--heap-prof', '');

const result = spawnSync(process.execPath, [join(PROJECT_ROOT, 'out', 'test', 'harness', 'runIntegration.js')], {
	cwd: PROJECT_ROOT,
	encoding: 'utf8',
	env: { ...process.env, ILLUSTRATE_TEST_GREP: 'bench: applying 1,000 results', ...(CPU_PROFILE ? { ILLUSTRATE_BENCH_CPU_PROFILE: resolve(CPU_PROFILE) } : {}), ...(HEAP_PROFILE ? { ILLUSTRATE_BENCH_HEAP_PROFILE: resolve(HEAP_PROFILE) } : {}) },
	maxBuffer: 64 * 1024 * 1024,
});
const line = /BENCH batchApply (\{.*\})/.exec(result.stdout);
if (!line) {
	console.error(`The batch bench did not finish:\n${result.stdout.slice(-3000)}\n${result.stderr.slice(-3000)}`);
	process.exit(1);
}
const figures = JSON.parse(line[1]) as { results: number; documents: number; outputMb: number; ms: number; readAndStoreMs: number; applyMs: number; rssGrowthMb: number; eventLoopWallMaxMs: number; eventLoopCpuMaxMs: number; eventLoopCpuWithoutGcMaxMs: number; gcMaxMs: number; gcCount: number; gcTotalMs: number };
mkdirSync(dirname(JSON_OUT), { recursive: true });
writeFileSync(JSON_OUT, JSON.stringify(figures, null, 2));
console.log(`Applying ${figures.results} batch results (${figures.outputMb} MB of output) across ${figures.documents} documents: ${figures.ms} ms (read and stored ${figures.readAndStoreMs} ms, inserted ${figures.applyMs} ms); host memory +${figures.rssGrowthMb} MB (limit 300); event loop held at most ${figures.eventLoopCpuWithoutGcMaxMs} ms of CPU by JavaScript (limit 50), ${figures.eventLoopCpuMaxMs} ms with garbage collection (longest GC pause ${figures.gcMaxMs} ms, ${figures.gcCount} pauses, ${figures.gcTotalMs} ms in all), ${figures.eventLoopWallMaxMs} ms wall clock; figures in ${JSON_OUT}`);
process.exitCode = result.status === 0 ? 0 : 1;
