import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../harness/waitFor';
import { nextSuite, openFile, restoreWorkspace, runCommand, screenshot, type Workbench } from './workbench';

const DOCUMENT = [
	'# Fox Docs',
	'',
	'How a request travels through the service, in pictures.',
	'',
	'## Signing in',
	'',
	'![a fox at a login screen, flat illustration]()',
	'',
	'## The request flow',
	'',
	'![a diagram of a request flowing from browser to server]()',
	'',
	'## Something the safety system refuses',
	'',
	'![a forbidden picture]()',
	'',
	'## Settings',
	'',
	'![a settings page with toggles]()',
	'',
	'## Signing out',
	'',
	'![a fox waving goodbye]()',
	'',
].join('\n');

/**
 * Fill Missing Images in Document: runs in the workbench of fillWorkspace.test.ts, with the
 * fixture workspace restored (`restoreWorkspace`) and a fresh test server (`nextSuite`).
 */
export function fillMissingSuite(sharedWorkbench: () => Workbench): void {
	suite('Fill Missing Images in Document, through the UI', function () {
		let workbench: Workbench;

		suiteSetup(async () => {
			workbench = sharedWorkbench();
			await nextSuite(workbench, { imageMs: 300 });
			restoreWorkspace(workbench);
			writeFileSync(join(workbench.workspace, 'docs', 'fox-docs.md'), DOCUMENT);
		});

		test('five placeholders, one refused by the safety system: four filled as they arrive, the failure listed with its reason', async () => {
			const { page, api, workspace } = workbench;
			api.fail({ kind: 'moderation_blocked', promptIncludes: 'forbidden' });
			await openFile(page, 'docs/fox-docs.md');
			await page.keyboard.press('Control+B');
			// The lenses come as VS Code resolves them: wait for all five.
			const lenses = page.locator('.codelens-decoration', { hasText: 'Generate image' });
			let count = 0;
			await waitFor(async () => (count = await lenses.count()) === 5, 'a Generate image lens above each placeholder', 30_000)
				.catch(() => assert.equal(count, 5, 'a Generate image lens above each placeholder'));
			await screenshot(page, 'fill-before');

			await runCommand(page, 'Illustrate: Fill Missing Images in Document');
			const pick = page.locator('.quick-input-widget');
			await pick.getByText('Each image on its own').waitFor();
			await pick.locator('.monaco-list-row', { hasText: 'Each image on its own' }).click();

			const dialog = page.locator('.monaco-dialog-box');
			await dialog.getByText('Generate 5 image(s) for the placeholders in docs/fox-docs.md?').waitFor();
			assert.match(await dialog.innerText(), /Estimated \$0\.030 \(5 × \$0\.006, low quality, 1024x1024\)/);
			await dialog.getByRole('button', { name: 'Generate' }).click();

			const summary = page.locator('.notification-toast', { hasText: 'Filled 4 of 5 image placeholder(s) in docs/fox-docs.md' });
			await summary.waitFor({ timeout: 60_000 });
			assert.match(await summary.innerText(), /Not filled:\s+“a forbidden picture”: OpenAI's safety system rejected this prompt/);

			assert.equal(api.requests.length, 5);
			await page.keyboard.press('Control+S');
			const expected = new Map([
				[6, '![a fox at a login screen, flat illustration](images/a-fox-at-a-login-screen-flat-illustration.png)'],
				[10, '![a diagram of a request flowing from browser to server](images/a-diagram-of-a-request-flowing-from-browser-to-server.png)'],
				[14, '![a forbidden picture]()'],
				[18, '![a settings page with toggles](images/a-settings-page-with-toggles.png)'],
				[22, '![a fox waving goodbye](images/a-fox-waving-goodbye.png)'],
			]);
			await waitFor(() => {
				const lines = readFileSync(join(workspace, 'docs', 'fox-docs.md'), 'utf8').split('\n');
				return [...expected].every(([index, line]) => lines[index] === line);
			}, 'the saved document has the four links and the refused placeholder');
			for (const [index, line] of expected) {
				const file = /\]\((images\/[^)]+)\)/.exec(line)?.[1];
				if (file) {
					assert.ok(existsSync(join(workspace, 'docs', file)), `${file} exists (line ${index + 1})`);
				}
			}
			const manifest = JSON.parse(readFileSync(join(workspace, 'docs', 'images', 'illustrate-provenance.json'), 'utf8'));
			assert.deepEqual(Object.keys(manifest.images).sort(), ['a-diagram-of-a-request-flowing-from-browser-to-server.png', 'a-fox-at-a-login-screen-flat-illustration.png', 'a-fox-waving-goodbye.png', 'a-settings-page-with-toggles.png']);

			await runCommand(page, 'Markdown: Open Preview to the Side');
			const preview = page.frameLocator('iframe.webview.ready:visible').frameLocator('#active-frame');
			await preview.locator('img[alt="a fox waving goodbye"]').waitFor({ timeout: 30_000 });
			await preview.locator('img').last().evaluate(image => (image as HTMLImageElement).decode());
			await screenshot(page, 'fill-after');
		});
	});
}
