/**
 * Runs a mocha suite in this process (unit and end-to-end layers) and writes its counts
 * to ILLUSTRATE_LAYER_RESULT for scripts/test.mjs.
 *   node out/test/harness/runMocha.js <timeout-ms> <folder> [<folder>…]
 */
import Mocha from 'mocha';
import { readdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

const [timeout, ...folders] = process.argv.slice(2);
const mocha = new Mocha({ ui: 'tdd', color: true, timeout: Number(timeout), reporter: 'spec', ...(process.env.ILLUSTRATE_TEST_GREP ? { grep: process.env.ILLUSTRATE_TEST_GREP } : {}) });
for (const folder of folders) {
	for (const file of readdirSync(folder).filter(name => name.endsWith('.test.js')).sort()) {
		mocha.addFile(resolve(join(folder, file)));
	}
}
const runner = mocha.run(failures => {
	const results = { passed: runner.stats?.passes ?? 0, failed: runner.stats?.failures ?? failures, pending: runner.stats?.pending ?? 0 };
	if (process.env.ILLUSTRATE_LAYER_RESULT) {
		writeFileSync(process.env.ILLUSTRATE_LAYER_RESULT, JSON.stringify(results));
	}
	process.exitCode = failures > 0 ? 1 : 0;
});
