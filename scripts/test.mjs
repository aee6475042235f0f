// Runs Illustrate's test layers and sums them on the last line as "N passed, N failed".
//   node scripts/test.mjs [unit|integration|e2e ...]
// unit:        the pure core and the test API server, under plain Node
// integration: inside a real VS Code extension host (code-server + headless Chromium)
// e2e:         the packaged .vsix driven through the real workbench UI
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const node24 = join(root, 'node_modules', 'node', 'bin', 'node');

// openai 7 and code-server need Node 22+; the project brings Node 24 as a dev dependency.
if (Number(process.versions.node.split('.')[0]) < 22) {
	if (!existsSync(node24)) {
		console.error('Node 22 or later is needed: run `npm ci` first (it installs Node 24 into node_modules).');
		process.exit(1);
	}
	const rerun = spawnSync(node24, [fileURLToPath(import.meta.url), ...process.argv.slice(2)], { stdio: 'inherit' });
	process.exit(rerun.status ?? 1);
}

const LAYERS = {
	unit: ['out/test/harness/runMocha.js', '30000', 'out/test/unit', 'out/test/server'],
	integration: ['out/test/harness/runIntegration.js'],
	e2e: ['out/test/harness/runMocha.js', '300000', 'out/test/e2e'],
};
const requested = process.argv.slice(2);
const layers = requested.length > 0 ? requested : Object.keys(LAYERS);
for (const layer of layers) {
	if (!LAYERS[layer]) {
		console.error(`Unknown test layer "${layer}"; use ${Object.keys(LAYERS).join(', ')}.`);
		process.exit(2);
	}
}

function run(label, command, args, env = {}) {
	const started = Date.now();
	console.log(`\n▶ ${label}`);
	return new Promise(resolve => {
		const child = spawn(command, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
		child.on('error', error => console.error(error.message));
		child.on('close', code => resolve({ ok: code === 0, seconds: Math.round((Date.now() - started) / 100) / 10 }));
	});
}

/** Runs a command in the background; its output is kept for when it is awaited. */
function runAside(label, command, args) {
	const started = Date.now();
	console.log(`\n▶ ${label}: started beside the tests`);
	return new Promise(resolve => {
		const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
		let output = '';
		child.stdout.on('data', chunk => { output += chunk; });
		child.stderr.on('data', chunk => { output += chunk; });
		child.on('error', error => { output += `${error.message}\n`; });
		child.on('close', code => resolve({ ok: code === 0, output, seconds: Math.round((Date.now() - started) / 100) / 10 }));
	});
}

const summary = [];
let passed = 0;
let failed = 0;

const build = await run('build (extension, panel, tests)', process.execPath, ['esbuild.mjs', '--tests']);
// The type check reads the sources only: it runs beside the first test layer (a process of
// its own on another core) and reports when the layers are done.
const typecheck = runAside('type check (tsc --noEmit, strict)', process.execPath, ['node_modules/typescript/bin/tsc', '--noEmit', '-p', '.']);
if (!build.ok) {
	failed += 1;
	summary.push('build failed, counted as 1 failed');
}

const scratch = mkdtempSync(join(tmpdir(), 'illustrate-results-'));
if (build.ok) {
	for (const layer of layers) {
		if (layer === 'e2e') {
			const packaged = await run('package the .vsix for end-to-end tests', 'npm', ['run', 'package', '--silent']);
			if (!packaged.ok) {
				failed += 1;
				summary.push('e2e          packaging failed, counted as 1 failed');
				continue;
			}
		}
		const resultFile = join(scratch, `${layer}.json`);
		const outcome = await run(`${layer} tests`, process.execPath, LAYERS[layer], { ILLUSTRATE_LAYER_RESULT: resultFile });
		if (existsSync(resultFile)) {
			const counts = JSON.parse(readFileSync(resultFile, 'utf8'));
			passed += counts.passed;
			failed += counts.failed;
			const crashed = !outcome.ok && counts.failed === 0;
			if (crashed) {
				failed += 1;
			}
			summary.push(`${layer.padEnd(12)} ${String(counts.passed).padStart(4)} passed · ${counts.failed + (crashed ? 1 : 0)} failed · ${outcome.seconds} s`);
		} else {
			failed += 1;
			summary.push(`${layer.padEnd(12)} did not report (crashed), counted as 1 failed · ${outcome.seconds} s`);
		}
	}
}
rmSync(scratch, { recursive: true, force: true });

const checked = await typecheck;
console.log(`\n▶ type check (tsc --noEmit, strict): ${checked.ok ? 'no errors' : 'failed'} · ${checked.seconds} s`);
process.stdout.write(checked.output);
if (!checked.ok) {
	failed += 1;
	summary.push('type check failed, counted as 1 failed');
}

console.log('\nTest layers:');
for (const line of summary) {
	console.log(`  ${line}`);
}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed > 0 ? 1 : 0);
