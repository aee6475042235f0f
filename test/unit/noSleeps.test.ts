import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');

/**
 * The tests that drive a real VS Code (and their harness, and the test server's own tests)
 * wait for something they can observe: a log line, a request at the test server, a DOM
 * state, through `waitFor` or Playwright's own waits. A fixed sleep followed by an assertion
 * passes on a fast machine and fails on a loaded one (three CI failures in one round).
 */
const SCANNED = ['test/e2e', 'test/integration', 'test/harness', 'test/server'];

/** What counts as a timer: Playwright's sleep, the timer functions, promise-returning sleeps. */
const TIMER = /\bwaitForTimeout\s*\(|\bsetTimeout\s*\(|\bsetInterval\s*\(|['"](node:)?timers\/promises['"]|\b(sleep|delay)\s*\(/;

/**
 * The timers that stay, each with why it is not a sleep before an assertion. An entry is
 * one exact line of one file: a new timer in the same file is still found.
 */
const ALLOWED: readonly { readonly file: string; readonly line: string; readonly why: string }[] = [
	{
		file: 'test/harness/eventLoopWatch.ts',
		line: 'const ticker = setInterval(() => {',
		why: 'the event-loop watch measures how late its own ticks come: a measurement, nothing waits on it',
	},
	{
		file: 'test/integration/hostileEndpoint.test.ts',
		line: 'const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);',
		why: 'samples the extension host\'s memory while the endless line is read: a measurement, nothing waits on it',
	},
	{
		file: 'test/integration/hostileEndpoint.test.ts',
		line: 'const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 50);',
		why: 'samples the extension host\'s memory during the fuzz run: a measurement, nothing waits on it',
	},
	{
		file: 'test/harness/waitFor.ts',
		line: 'await new Promise(resolve => setTimeout(resolve, 100));',
		why: 'the poll interval of waitFor itself, which returns as soon as its condition holds',
	},
	{
		file: 'test/harness/codeServer.ts',
		line: 'await new Promise(done => setTimeout(done, 200));',
		why: 'the poll of /healthz while code-server starts, bounded by its deadline and by the process exiting',
	},
	{
		file: 'test/harness/codeServer.ts',
		line: 'await Promise.race([exited, new Promise(done => setTimeout(done, 5000))]);',
		why: 'at most 5 s for code-server to end on SIGTERM before SIGKILL; it ends as soon as the process exits, and nothing is asserted after it',
	},
	{
		file: 'test/harness/runIntegration.ts',
		line: 'const timeout = new Promise<number>(resolve => setTimeout(() => resolve(-1), SUITE_TIMEOUT_MS));',
		why: 'the deadline of the whole integration suite: reaching it fails the run',
	},
];

/** The test server simulates latency on purpose (imageMs, firstByteMs, stalls): only its tests are scanned. */
const isScanned = (file: string) => file.endsWith('.ts') && (!file.startsWith('test/server/') || file.endsWith('.test.ts'));

function sourcesUnder(folder: string): string[] {
	return readdirSync(join(root, folder)).flatMap(name => {
		const path = `${folder}/${name}`;
		return statSync(join(root, path)).isDirectory() ? sourcesUnder(path) : [path];
	}).filter(isScanned);
}

/** Every line with a timer that the allow-list does not name, as "file:line: text". */
function timersIn(file: string, text: string): string[] {
	return text.split('\n').flatMap((line, index) => {
		const code = line.trim();
		if (!TIMER.test(code) || ALLOWED.some(allowed => allowed.file === file && allowed.line === code)) {
			return [];
		}
		return [`${file}:${index + 1}: ${code}`];
	});
}

suite('Tests wait for what they can observe, never for a fixed time', () => {
	const files = SCANNED.flatMap(sourcesUnder);

	test('no fixed sleep in the end-to-end, integration, harness or test-server tests', () => {
		assert.ok(files.some(file => file.startsWith('test/e2e/')) && files.some(file => file.startsWith('test/integration/')), 'the scan finds the test sources');
		const found = files.flatMap(file => timersIn(file, readFileSync(join(root, file), 'utf8')));
		assert.deepEqual(found, [], 'wait for a log line, a request at the test server or a DOM state instead (test/harness/waitFor.ts, Playwright\'s locator.waitFor); a negative check first waits for a positive sentinel');
	});

	test('every allowed timer is still there (the list does not outlive the code)', () => {
		for (const allowed of ALLOWED) {
			const lines = readFileSync(join(root, allowed.file), 'utf8').split('\n').map(line => line.trim());
			assert.ok(lines.includes(allowed.line), `${allowed.file} no longer has "${allowed.line}": remove it from the allow-list`);
		}
	});

	test('the scan finds the sleeps it is there to find', () => {
		const source = [
			'await page.waitForTimeout(1500);',
			'await new Promise(resolve => setTimeout(resolve, 500));',
			'import { setTimeout as wait } from \'node:timers/promises\';',
			'await sleep(50);',
			'await waitFor(() => api.requests.length === 1, \'the request arrived\');',
		].join('\n');
		assert.deepEqual(timersIn('test/e2e/example.test.ts', source).map(found => found.split(': ')[0]), [
			'test/e2e/example.test.ts:1',
			'test/e2e/example.test.ts:2',
			'test/e2e/example.test.ts:3',
			'test/e2e/example.test.ts:4',
		]);
		// An allowed line counts only in its own file.
		assert.equal(timersIn('test/e2e/example.test.ts', 'await new Promise(resolve => setTimeout(resolve, 100));').length, 1);
		assert.equal(timersIn('test/harness/waitFor.ts', 'await new Promise(resolve => setTimeout(resolve, 100));').length, 0);
	});
});
