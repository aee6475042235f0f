/**
 * Runs the integration suite in desktop VS Code with @vscode/test-electron, against the
 * oldest supported VS Code (engines.vscode) and the current stable one. Needs internet
 * to download VS Code; CI on offline machines runs the same suite on code-server instead.
 *   npm run test:desktop [-- <version> ...]
 */
import { runTests } from '@vscode/test-electron';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { extensionHostEnvironment } from '../harness/testEnvironment';
import { startImageApiServer } from '../server/imageApiServer';

const root = resolve(__dirname, '..', '..', '..');
const minimum = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { engines: { vscode: string } }).engines.vscode.replace(/^\^/, '');
const versions = process.argv.slice(2).length > 0 ? process.argv.slice(2) : [minimum, 'stable'];

async function main(): Promise<void> {
	const api = await startImageApiServer();
	try {
		for (const version of versions) {
			const scratch = mkdtempSync(join(tmpdir(), 'illustrate-desktop-'));
			const workspace = join(scratch, 'workspace');
			cpSync(join(root, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });
			console.log(`\nIntegration tests on VS Code ${version}`);
			try {
				await runTests({
					version,
					extensionDevelopmentPath: root,
					extensionTestsPath: join(root, 'out', 'test', 'integration', 'index'),
					launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
					extensionTestsEnv: extensionHostEnvironment(api),
				});
			} finally {
				rmSync(scratch, { recursive: true, force: true });
			}
			await fetch(`${api.origin}/__control/reset`, { method: 'POST' });
		}
	} finally {
		await api.close();
	}
}

main().catch(error => {
	console.error(error);
	process.exit(1);
});
