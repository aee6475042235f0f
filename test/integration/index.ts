/**
 * The integration suite's entry point, loaded by the VS Code test runner in the
 * extension host: by the code-server harness here, by @vscode/test-electron on desktop.
 */
import Mocha from 'mocha';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { format } from 'node:util';

/** Marks the suite's own output, so the harness can tell it from the workbench's console. */
export const OUTPUT_MARKER = '\u2063it\u2063 ';

export function run(): Promise<void> {
	const log = console.log.bind(console);
	Mocha.reporters.Base.consoleLog = (...args: unknown[]) => log(OUTPUT_MARKER + format(...args));
	const grep = process.env.ILLUSTRATE_TEST_GREP;
	const mocha = new Mocha({ ui: 'tdd', color: false, timeout: 60_000, reporter: 'spec', ...(grep ? { grep } : {}) });
	for (const file of readdirSync(__dirname).filter(name => name.endsWith('.test.js')).sort()) {
		mocha.addFile(join(__dirname, file));
	}
	return new Promise((resolve, reject) => {
		const runner = mocha.run(failures => {
			const results = { passed: runner.stats?.passes ?? 0, failed: runner.stats?.failures ?? failures, pending: runner.stats?.pending ?? 0 };
			if (process.env.ILLUSTRATE_TEST_RESULTS) {
				writeFileSync(process.env.ILLUSTRATE_TEST_RESULTS, JSON.stringify(results));
			}
			if (failures > 0) {
				reject(new Error(`${failures} integration test(s) failed.`));
			} else {
				resolve();
			}
		});
	});
}
