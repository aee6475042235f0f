import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../harness/waitFor';
import { goToLine, illustratePanel, imagesLoaded, openFile, runCommand, screenshotOnFailure, startWorkbench, type Workbench } from './workbench';

suite('Settings changed while the panel is open', function () {
	this.timeout(240_000);
	let workbench: Workbench;

	suiteSetup(async () => {
		workbench = await startWorkbench({
			userSettings: { 'illustrate.quality': 'low', 'illustrate.size': '1024x1024', 'illustrate.variants': 1 },
			apiConfig: { imageMs: 200 },
		});
	});

	screenshotOnFailure(() => workbench);

	suiteTeardown(async () => {
		await workbench?.close();
	});

	/**
	 * Sets a number setting in the Settings editor, as a user does (opened from the document's
	 * editor group, so the panel stays open beside it); waits until settings.json holds it, and
	 * closes the editor.
	 */
	async function setNumberSetting(key: string, value: number): Promise<void> {
		const { page, server } = workbench;
		await page.locator('.tab', { hasText: 'README.md' }).click();
		await runCommand(page, 'Preferences: Open Settings (UI)');
		const editor = page.locator('.settings-editor');
		await editor.waitFor();
		await editor.locator('.settings-header .suggest-input-container').click();
		await page.keyboard.press('Control+A');
		await page.keyboard.type(key);
		await editor.locator('.settings-count-widget', { hasText: '1 Setting Found' }).waitFor();
		const input = editor.locator(`input[aria-label="${key}"]`);
		// The list renders its rows again as the search settles, which can take the focus away
		// from a field just clicked: type again until the field holds the value.
		for (let attempt = 0; ; attempt++) {
			await input.click();
			await page.keyboard.press('Control+A');
			await page.keyboard.type(String(value));
			try {
				await waitFor(async () => await input.inputValue() === String(value), `the field reads ${value}`, 3000);
				break;
			} catch (error) {
				if (attempt >= 3) {
					throw error;
				}
			}
		}
		const file = join(server.userDataDir, 'User', 'settings.json');
		await waitFor(() => (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>)[key] === value, `settings.json holds ${key}: ${value}`, 30_000);
		await page.locator('.action-label[aria-label^="Close Modal Editor"]').click();
		await editor.waitFor({ state: 'hidden' });
	}

	test('illustrate.maxCostPerRequest lowered while the panel is open: the panel shows it and keeps the unsent prompt, the next Generate asks, Cancel sends nothing; raised: it goes', async () => {
		const { page, api } = workbench;
		await openFile(page, 'README.md');
		await goToLine(page, 5, 6);
		await runCommand(page, 'Illustrate: Generate Image from Alt Text');
		const panel = illustratePanel(page);
		await imagesLoaded(panel, 1);
		await panel.locator('.status', { hasText: 'Ready.' }).waitFor();
		assert.equal(api.requests.length, 1);
		const estimate = panel.locator('.estimate');
		assert.doesNotMatch(await estimate.innerText(), /Above your limit/);

		// A prompt typed and not sent yet survives the settings change.
		const typed = 'a fox reading the changelog by lamplight';
		await panel.locator('#prompt textarea').fill(typed);

		// A low 1024x1024 image is estimated at $0.006.
		await setNumberSetting('illustrate.maxCostPerRequest', 0.001);
		await panel.locator('.estimate', { hasText: 'Above your limit of $0.001: you will be asked before it is sent.' }).waitFor({ timeout: 30_000 });
		assert.equal(await panel.locator('#prompt textarea').inputValue(), typed, 'the new limit keeps the prompt being written');

		await panel.getByRole('button', { name: 'Generate', exact: true }).click();
		const dialog = page.locator('.monaco-dialog-box');
		await dialog.getByText(/above your limit of \$0\.001 \(illustrate\.maxCostPerRequest\)\. Send it anyway\?/).waitFor();
		await dialog.getByRole('button', { name: 'Cancel' }).click();
		await panel.locator('.status', { hasText: 'Not sent: above your cost limit.' }).waitFor();
		assert.equal(api.requests.length, 1, 'nothing was sent after Cancel');

		await setNumberSetting('illustrate.maxCostPerRequest', 1);
		await waitFor(async () => !/Above your limit/.test(await estimate.innerText()), 'the estimate no longer warns of the limit', 30_000);
		await panel.getByRole('button', { name: 'Generate', exact: true }).click();
		await waitFor(() => api.requests.length === 2, 'the second request reached the server', 30_000);
		assert.equal(api.requests[1].body.prompt, typed, 'the prompt typed before the change is the one sent');
		await panel.locator('.status', { hasText: 'Ready.' }).waitFor({ timeout: 60_000 });
		assert.equal(await dialog.count(), 0, 'below the limit nothing is asked');
		assert.equal(api.requests.length, 2);
	});
});
