import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../harness/waitFor';
import { batchesSuite } from './batches.test';
import { fillMissingSuite } from './fillMissing.test';
import { nextSuite, restoreWorkspace, runCommand, screenshot, screenshotOnFailure, startWorkbench, type Workbench } from './workbench';

const FILES: Record<string, string> = {
	'docs/tour.md': '# Tour\n\nThe harbour at dawn.\n\n![a harbour at dawn, watercolour]()\n\nThe old lighthouse.\n\n![an old lighthouse on a cliff]()\n',
	'docs/history.rst': 'History\n=======\n\nThe town in 1900.\n\n.. image::\n   :alt: a fishing town in 1900, sepia photo\n',
	'site/index.html': '<h1>Visit</h1>\n<p>The market.</p>\n<img alt="a fish market with stalls">\n',
	// search.exclude leaves node_modules out by default: its placeholders are no one's to fill.
	'docs/node_modules/theme/README.md': '![a theme preview]()\n',
};

/**
 * Filling documents and workspaces, now and as a batch: three suites in one workbench (those
 * of fillMissing.test.ts and batches.test.ts run here), each with the fixture workspace as it
 * was and its own documents (`restoreWorkspace`), every editor closed and a fresh test server
 * (`nextSuite`). The batch goes last: it reloads the window.
 */
suite('Filling placeholders through the UI', function () {
	this.timeout(300_000);
	let workbench: Workbench;

	suiteSetup(async () => {
		workbench = await startWorkbench({ userSettings: { 'illustrate.quality': 'low', 'illustrate.size': '1024x1024', 'markdown.preview.scrollPreviewWithEditor': false } });
	});

	screenshotOnFailure(() => workbench);

	suiteTeardown(async () => {
		await workbench?.close();
	});

	fillMissingSuite(() => workbench);

	suite('Fill Missing Images in Workspace, through the UI', function () {
		suiteSetup(async () => {
			await nextSuite(workbench, { imageMs: 300 });
			restoreWorkspace(workbench);
			for (const [path, text] of Object.entries(FILES)) {
				mkdirSync(join(workbench.workspace, path, '..'), { recursive: true });
				writeFileSync(join(workbench.workspace, path), text);
			}
		});

		test('the palette command lists the placeholders by document with their cost now and as a batch; the ones left ticked are filled Now', async () => {
			const { page, api, workspace } = workbench;
			const readme = readFileSync(join(workspace, 'README.md'), 'utf8');
			await runCommand(page, 'Illustrate: Fill Missing Images in Workspace');
			const pick = page.locator('.quick-input-widget');
			// The fixture's README.md has a placeholder of its own.
			await pick.getByText('Illustrate: 5 placeholder(s) in 4 document(s): $0.030 now, $0.015 as a batch').waitFor({ timeout: 30_000 });
			for (const separator of ['docs/history.rst', 'docs/tour.md', 'README.md', 'site/index.html']) {
				await pick.getByText(separator, { exact: true }).waitFor();
			}
			assert.equal(await pick.getByText('a theme preview').count(), 0, 'node_modules is left out');
			await screenshot(page, 'fill-workspace-picker');

			await pick.locator('.monaco-list-row', { hasText: 'an old lighthouse on a cliff' }).click();
			await pick.getByText('Illustrate: 4 placeholder(s) in 4 document(s): $0.024 now, $0.012 as a batch').waitFor();
			await pick.locator('.monaco-list-row', { hasText: 'a red fox reading a book' }).click();
			await pick.getByText('Illustrate: 3 placeholder(s) in 3 document(s): $0.018 now, $0.009 as a batch').waitFor();
			await page.keyboard.press('Enter');

			await pick.getByText('Each image on its own').waitFor();
			await pick.locator('.monaco-list-row', { hasText: 'Each image on its own' }).click();

			await pick.getByText('Illustrate: fill 3 placeholder(s) now or as a batch?').waitFor();
			const now = pick.locator('.monaco-list-row', { hasText: 'Now' }).first();
			const batch = pick.locator('.monaco-list-row', { hasText: 'Batch: half price, within 24 h' });
			assert.match(await now.innerText(), /\$0\.018/);
			assert.match(await batch.innerText(), /\$0\.009/);
			await screenshot(page, 'fill-workspace-modes');
			await now.click();

			await page.locator('.notification-toast', { hasText: 'Filled 3 of 3 image placeholder(s) in 3 document(s)' }).waitFor({ timeout: 60_000 });
			assert.equal(api.requests.length, 3);
			const expected: Record<string, string> = {
				'docs/tour.md': FILES['docs/tour.md'].replace('![a harbour at dawn, watercolour]()', '![a harbour at dawn, watercolour](images/a-harbour-at-dawn-watercolour.png)'),
				'docs/history.rst': FILES['docs/history.rst'].replace('.. image::\n', '.. image:: images/a-fishing-town-in-1900-sepia-photo.png\n'),
				'site/index.html': FILES['site/index.html'].replace('<img alt=', '<img src="images/a-fish-market-with-stalls.png" alt='),
				'docs/node_modules/theme/README.md': FILES['docs/node_modules/theme/README.md'],
				'README.md': readme,
			};
			await waitFor(() => Object.entries(expected).every(([path, text]) => readFileSync(join(workspace, path), 'utf8') === text), 'every document saved with its links', 20_000)
				.catch(() => assert.deepEqual(Object.fromEntries(Object.keys(expected).map(path => [path, readFileSync(join(workspace, path), 'utf8')])), expected));
			for (const file of ['docs/images/a-harbour-at-dawn-watercolour.png', 'docs/images/a-fishing-town-in-1900-sepia-photo.png', 'site/images/a-fish-market-with-stalls.png']) {
				assert.ok(existsSync(join(workspace, file)), file);
			}
			await screenshot(page, 'fill-workspace-done');
		});
	});

	batchesSuite(() => workbench);
});
