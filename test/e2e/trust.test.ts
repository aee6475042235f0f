import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { goToLine, openFile, runCommand, screenshotOnFailure, startWorkbench, type Workbench } from './workbench';

suite('An untrusted workspace', function () {
	this.timeout(300_000);
	let workbench: Workbench;
	const document = '# Untrusted\n\n![a lighthouse at dusk]()\n';

	suiteSetup(async () => {
		workbench = await startWorkbench({ workspaceTrust: true });
		writeFileSync(join(workbench.workspace, 'docs', 'untrusted.md'), document);
	});

	screenshotOnFailure(() => workbench);

	suiteTeardown(async () => {
		await workbench?.close();
	});

	test('generation asks for trust first, sends nothing and writes nothing', async () => {
		const { page, api, workspace } = workbench;
		// A folder nobody has trusted yet opens in Restricted Mode.
		await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).waitFor({ timeout: 60_000 });

		await openFile(page, 'docs/untrusted.md');
		await goToLine(page, 3, 5);
		await runCommand(page, 'Illustrate: Generate Image from Alt Text');
		const warning = page.locator('.notification-toast', { hasText: 'Illustrate generates images only in trusted workspaces' });
		await warning.waitFor();
		await warning.getByRole('button', { name: 'Manage Workspace Trust' }).waitFor();
		// VS Code shows one toast for the same message twice: clear it, so the next one proves
		// that Fill Missing Images was refused too.
		await runCommand(page, 'Notifications: Clear All Notifications');
		await warning.waitFor({ state: 'hidden' });
		await runCommand(page, 'Illustrate: Fill Missing Images');
		await warning.waitFor();

		assert.equal(await page.locator('iframe[src*="extensionId=illustrate.illustrate"]').count(), 0, 'no panel opened');
		assert.equal(api.requests.length, 0, 'no request was sent');
		assert.equal(readFileSync(join(workspace, 'docs', 'untrusted.md'), 'utf8'), document);
	});
});
