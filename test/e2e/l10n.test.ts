import * as assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { goToLine, illustratePanel, imagesLoaded, languagePackVsix, openFile, runCommand, screenshot, screenshotOnFailure, startWorkbench, type Workbench } from './workbench';

suite('VS Code in German', function () {
	this.timeout(300_000);
	let workbench: Workbench;
	let packFolder: string;

	suiteSetup(async () => {
		packFolder = mkdtempSync(join(tmpdir(), 'illustrate-language-pack-'));
		workbench = await startWorkbench({
			locale: 'de',
			extraVsix: [languagePackVsix(packFolder, 'de', 'Deutsch')],
			userSettings: { 'illustrate.quality': 'low', 'illustrate.size': '1024x1024', 'illustrate.variants': 2 },
			apiConfig: { imageMs: 400 },
		});
	});

	screenshotOnFailure(() => workbench);

	suiteTeardown(async () => {
		await workbench?.close();
		rmSync(packFolder, { recursive: true, force: true });
	});

	test('the command palette lists Illustrate\'s commands with their German titles', async () => {
		const { page } = workbench;
		// What the server's language pack set for the workbench; VS Code's own text has no German here.
		assert.equal(await page.evaluate(() => (globalThis as { _VSCODE_NLS_LANGUAGE?: string })._VSCODE_NLS_LANGUAGE), 'de', 'the workbench runs in German');
		const picker = page.locator('.quick-input-widget');
		// The palette lists the commands registered when it opens: the extension's may come a few seconds later.
		for (let attempt = 0; ; attempt++) {
			await page.keyboard.press('F1');
			await picker.locator('input.input').fill('>Illustrate: ');
			try {
				await picker.locator('.monaco-list-row', { hasText: 'Illustrate: Bild generieren…' }).first().waitFor({ timeout: 3000 });
				break;
			} catch (error) {
				await page.keyboard.press('Escape');
				if (attempt >= 10) {
					throw error;
				}
			}
		}
		for (const title of ['Illustrate: API-Schlüssel festlegen', 'Illustrate: Generierte Bilder anzeigen']) {
			await picker.locator('.monaco-list-row', { hasText: title }).first().waitFor();
		}
		// Under each German title VS Code shows the English one, as it does for every command in a translated window.
		assert.match(await picker.locator('.monaco-list-row', { hasText: 'Illustrate: Bild generieren…' }).first().innerText(), /^Illustrate: Bild generieren…\s+Illustrate: Generate Image…$/);
		await screenshot(page, 'palette-de');
		await page.keyboard.press('Escape');
	});

	test('the panel speaks German: its controls, the extension\'s status line and the core\'s checks', async () => {
		const { page } = workbench;
		await openFile(page, 'README.md');
		await goToLine(page, 5, 6);
		await runCommand(page, 'Illustrate: Bild aus Alternativtext generieren');

		const panel = illustratePanel(page);
		await imagesLoaded(panel, 2);
		// Written by the webview from its strings.
		await panel.getByRole('button', { name: 'Generieren', exact: true }).waitFor();
		assert.equal(await panel.getByRole('button', { name: 'Einfügen', exact: true }).count(), 2, 'each variant has its Einfügen button');
		await panel.locator('label', { hasText: 'Qualität' }).waitFor();
		await panel.getByText(/^Geschätzte Kosten \$0\.\d{3} \(2 × \$0\.\d{3}\)\. Letzte Anfrage: \$0\.\d{3} \(laut Nutzung\)\.$/).waitFor();
		// Sent by the extension host in the panel's state.
		await panel.locator('.status', { hasText: 'Wählen Sie eines aus und fügen Sie es ein.' }).waitFor();
		await panel.getByText('Einfügen in README.md, Zeile 5').waitFor();
		await page.keyboard.press('Control+B');
		await screenshot(page, 'panel-de');

		// Checked by the core's rules inside the webview.
		await panel.locator('#size').click();
		await panel.locator('#size vscode-option', { hasText: 'Benutzerdefiniert…' }).click();
		await panel.locator('#custom-size input').fill('1000x1000');
		await panel.getByText('Breite und Höhe müssen für gpt-image-2 beide Vielfache von 16 sein; versuchen Sie 1008x1008.').waitFor();
	});

	test('the API\'s refusal comes back in German: the core\'s message, written in the extension host', async () => {
		const { page, api } = workbench;
		const panel = illustratePanel(page);
		await panel.locator('#custom-size input').fill('1024x1024');
		api.fail({ kind: 'moderation_blocked', times: 2 });
		await panel.getByRole('button', { name: 'Generieren', exact: true }).click();
		await panel.locator('.error', { hasText: 'Das Sicherheitssystem von OpenAI hat diesen Prompt abgelehnt. Formulieren Sie ihn um und versuchen Sie es erneut.' }).waitFor({ timeout: 40_000 });
	});
});
