import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { driveBatch } from '../server/batchRoutes';
import { waitFor } from '../harness/waitFor';
import { nextSuite, reloadWindow, restoreWorkspace, runCommand, screenshot, type Workbench } from './workbench';

const FILES: Record<string, string> = {
	'docs/harbour.md': '# Guide\n\nThe harbour at dawn.\n\n![a harbour at dawn, watercolour]()\n\nThe old lighthouse.\n\n![an old lighthouse on a cliff]()\n',
	'docs/faq.md': '# FAQ\n\nThe market.\n\n![a fish market with stalls]()\n',
};

/**
 * The batch through the UI: runs last in the workbench of fillWorkspace.test.ts (it reloads the
 * window), with the fixture workspace restored (`restoreWorkspace`) and a fresh test server (`nextSuite`).
 */
export function batchesSuite(sharedWorkbench: () => Workbench): void {
	suite('Batches, through the UI', function () {
		let workbench: Workbench;

		suiteSetup(async () => {
			workbench = sharedWorkbench();
			await nextSuite(workbench);
			restoreWorkspace(workbench);
			for (const [path, text] of Object.entries(FILES)) {
				mkdirSync(join(workbench.workspace, path, '..'), { recursive: true });
				writeFileSync(join(workbench.workspace, path), text);
			}
		});

		test('Fill Missing Images in Workspace as a batch: the Illustrate Batches view follows it across a window reload, and its images land in the documents', async () => {
			const { page, api, workspace } = workbench;
			const readme = readFileSync(join(workspace, 'README.md'), 'utf8');
			await runCommand(page, 'Illustrate: Fill Missing Images in Workspace');
			const pick = page.locator('.quick-input-widget');
			// The fixture's README.md has a placeholder of its own.
			await pick.getByText(/Illustrate: 4 placeholder\(s\) in 3 document\(s\)/).waitFor({ timeout: 30_000 });
			await page.keyboard.press('Enter');
			await pick.locator('.monaco-list-row', { hasText: 'Each image on its own' }).click();
			await pick.locator('.monaco-list-row', { hasText: 'Batch: half price, within 24 h' }).click();

			await waitFor(() => api.batches.order.length === 1, 'the batch is created at the server', 30_000);
			const view = page.locator('.pane-header', { hasText: 'Illustrate Batches' });
			await view.waitFor({ timeout: 30_000 });
			if ((await view.getAttribute('aria-expanded')) !== 'true') {
				await view.click();
			}
			const row = page.locator('.monaco-list-row', { hasText: '4 image(s) in 3 document(s)' });
			await row.locator('.label-name', { hasText: 'validating' }).waitFor({ timeout: 30_000 });
			assert.match(await row.innerText(), /validating · 0 of 4 done · about \$0\.012/);

			// The batch runs on while the window reloads; polling resumes from the stored record.
			await driveBatch(api.batches, 'latest', { status: 'in_progress' });
			await reloadWindow(page);
			await page.locator('.monaco-list-row', { hasText: '4 image(s) in 3 document(s)' }).locator('.label-name', { hasText: 'in progress' }).waitFor({ timeout: 60_000 });

			await driveBatch(api.batches, 'latest', { status: 'finalizing' });
			await driveBatch(api.batches, 'latest', { status: 'completed' });
			await runCommand(page, 'Illustrate: Show Batches');
			await page.locator('.notification-toast', { hasText: 'Illustrate: batch of 4 image(s) completed: 4 inserted.' }).waitFor({ timeout: 60_000 });
			const expected: Record<string, string> = {
				'docs/harbour.md': FILES['docs/harbour.md']
					.replace('![a harbour at dawn, watercolour]()', '![a harbour at dawn, watercolour](images/a-harbour-at-dawn-watercolour.png)')
					.replace('![an old lighthouse on a cliff]()', '![an old lighthouse on a cliff](images/an-old-lighthouse-on-a-cliff.png)'),
				'docs/faq.md': FILES['docs/faq.md'].replace('![a fish market with stalls]()', '![a fish market with stalls](images/a-fish-market-with-stalls.png)'),
				'README.md': readme.replace('![a red fox reading a book]()', '![a red fox reading a book](images/a-red-fox-reading-a-book.png)'),
			};
			await waitFor(() => Object.entries(expected).every(([path, text]) => readFileSync(join(workspace, path), 'utf8') === text), 'every document saved with its links', 20_000)
				.catch(() => assert.deepEqual(Object.fromEntries(Object.keys(expected).map(path => [path, readFileSync(join(workspace, path), 'utf8')])), expected));
			for (const file of ['docs/images/a-harbour-at-dawn-watercolour.png', 'docs/images/an-old-lighthouse-on-a-cliff.png', 'docs/images/a-fish-market-with-stalls.png', 'images/a-red-fox-reading-a-book.png']) {
				assert.ok(existsSync(join(workspace, file)), file);
			}
			const done = page.locator('.monaco-list-row', { hasText: '4 image(s) in 3 document(s)' });
			await done.locator('.label-name', { hasText: 'completed · 4 of 4 inserted' }).waitFor({ timeout: 20_000 });
			// Under the batch, each placeholder and what became of it.
			await done.click();
			await page.locator('.monaco-list-row', { hasText: 'an old lighthouse on a cliff' }).waitFor();
			await screenshot(page, 'batches-view');
		});
	});
}
