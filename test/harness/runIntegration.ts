/**
 * Runs the integration suite (test/integration) inside a real VS Code extension host:
 * code-server with the extension under development, opened in headless Chromium with a
 * test payload. Prints the suite's output and writes its counts to ILLUSTRATE_LAYER_RESULT.
 */
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format } from 'node:util';
import { startImageApiServer } from '../server/imageApiServer';
import { OUTPUT_MARKER } from '../integration/index';
import { extensionHostEnvironment } from './testEnvironment';
import { launchBrowser, openWorkbench, PROJECT_ROOT, startCodeServer, workbenchUrl } from './codeServer';

const SUITE_TIMEOUT_MS = 10 * 60_000;
const LOG_DIR = join(PROJECT_ROOT, '.test-runs');

async function main(): Promise<number> {
	const api = await startImageApiServer();
	const scratch = mkdtempSync(join(tmpdir(), 'illustrate-it-'));
	const workspace = join(scratch, 'workspace');
	cpSync(join(PROJECT_ROOT, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });
	const resultsFile = join(scratch, 'results.json');
	const server = await startCodeServer({
		workspace,
		smokeTestDriver: true,
		env: {
			...extensionHostEnvironment(api),
			ILLUSTRATE_TEST_RESULTS: resultsFile,
			ILLUSTRATE_TEST_WORKSPACE: workspace,
			...(process.env.ILLUSTRATE_TEST_GREP ? { ILLUSTRATE_TEST_GREP: process.env.ILLUSTRATE_TEST_GREP } : {}),
		},
	});
	const browser = await launchBrowser(join(scratch, 'profile'));
	try {
		const page = browser.pages()[0] ?? await browser.newPage();
		let exitCode: number | undefined;
		const exited = new Promise<number>(resolve => {
			void page.exposeFunction('codeAutomationExit', (code: number) => {
				exitCode = code;
				resolve(code);
			});
		});
		const workbenchLog: string[] = [];
		await page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
			const line = format(...(Array.isArray(args) ? args : [args]));
			if (line.startsWith(OUTPUT_MARKER)) {
				process.stdout.write(line.slice(OUTPUT_MARKER.length) + '\n');
			} else {
				workbenchLog.push(`[${type}] ${line}`);
			}
		});
		const payload: [string, string][] = [
			['extensionDevelopmentPath', `vscode-remote://remote${PROJECT_ROOT}`],
			['extensionTestsPath', `vscode-remote://remote${join(PROJECT_ROOT, 'out', 'test', 'integration', 'index')}`],
			['enableProposedApi', ''],
			['skipWelcome', 'true'],
			['skipReleaseNotes', 'true'],
		];
		await openWorkbench(page, workbenchUrl(server, workspace, payload));
		const timeout = new Promise<number>(resolve => setTimeout(() => resolve(-1), SUITE_TIMEOUT_MS));
		const code = await Promise.race([exited, timeout]);
		if (code === -1 || exitCode === undefined) {
			console.error(`The integration suite did not finish within ${SUITE_TIMEOUT_MS / 60_000} minutes.\n${server.output().slice(-4000)}`);
		}
		mkdirSync(LOG_DIR, { recursive: true });
		writeFileSync(join(LOG_DIR, 'integration-workbench.log'), workbenchLog.join('\n') + '\n\n--- code-server ---\n' + server.output());
		const results = existsSync(resultsFile)
			? JSON.parse(readFileSync(resultsFile, 'utf8')) as { passed: number; failed: number }
			: { passed: 0, failed: 1 };
		if (!existsSync(resultsFile)) {
			console.error('The integration suite wrote no results: it did not start, or crashed before reporting.');
		}
		if (process.env.ILLUSTRATE_LAYER_RESULT) {
			writeFileSync(process.env.ILLUSTRATE_LAYER_RESULT, JSON.stringify(results));
		}
		const ok = code === 0 && results.failed === 0;
		if (!ok) {
			console.error(`The workbench and extension host console is in ${join(LOG_DIR, 'integration-workbench.log')}; its last lines:\n${workbenchLog.slice(-40).join('\n')}`);
		}
		return ok ? 0 : 1;
	} finally {
		await browser.close();
		await server.stop();
		await api.close();
		rmSync(scratch, { recursive: true, force: true });
	}
}

main().then(code => process.exit(code), error => {
	console.error(error);
	process.exit(1);
});
