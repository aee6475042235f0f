import * as assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { driveBatch } from '../server/batchRoutes';
import { waitFor } from '../harness/waitFor';
import { nextSuite, openFile, reloadWindow, restoreWorkspace, runCommand, screenshot, screenshotOnFailure, startWorkbench, type Workbench } from './workbench';

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

/** The documents of Fill Missing Images in Workspace. */
const WORKSPACE_FILES: Record<string, string> = {
	'docs/tour.md': '# Tour\n\nThe harbour at dawn.\n\n![a harbour at dawn, watercolour]()\n\nThe old lighthouse.\n\n![an old lighthouse on a cliff]()\n',
	'docs/history.rst': 'History\n=======\n\nThe town in 1900.\n\n.. image::\n   :alt: a fishing town in 1900, sepia photo\n',
	'site/index.html': '<h1>Visit</h1>\n<p>The market.</p>\n<img alt="a fish market with stalls">\n',
	// search.exclude leaves node_modules out by default: its placeholders are no one's to fill.
	'docs/node_modules/theme/README.md': '![a theme preview]()\n',
};

/** The documents of the batch. */
const BATCH_FILES: Record<string, string> = {
	'docs/harbour.md': '# Guide\n\nThe harbour at dawn.\n\n![a harbour at dawn, watercolour]()\n\nThe old lighthouse.\n\n![an old lighthouse on a cliff]()\n',
	'docs/faq.md': '# FAQ\n\nThe market.\n\n![a fish market with stalls]()\n',
};

/**
 * Filling documents and workspaces, now and as a batch: three suites in one workbench, each
 * with the fixture workspace as it was and its own documents (`restoreWorkspace`), every
 * editor closed and a fresh test server (`nextSuite`). The batch goes last: it reloads the window.
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

	suite('Fill Missing Images in Document, through the UI', function () {
		suiteSetup(async () => {
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

	suite('Fill Missing Images in Workspace, through the UI', function () {
		suiteSetup(async () => {
			await nextSuite(workbench, { imageMs: 300 });
			restoreWorkspace(workbench);
			for (const [path, text] of Object.entries(WORKSPACE_FILES)) {
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
				'docs/tour.md': WORKSPACE_FILES['docs/tour.md'].replace('![a harbour at dawn, watercolour]()', '![a harbour at dawn, watercolour](images/a-harbour-at-dawn-watercolour.png)'),
				'docs/history.rst': WORKSPACE_FILES['docs/history.rst'].replace('.. image::\n', '.. image:: images/a-fishing-town-in-1900-sepia-photo.png\n'),
				'site/index.html': WORKSPACE_FILES['site/index.html'].replace('<img alt=', '<img src="images/a-fish-market-with-stalls.png" alt='),
				'docs/node_modules/theme/README.md': WORKSPACE_FILES['docs/node_modules/theme/README.md'],
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

	suite('Batches, through the UI', function () {
		suiteSetup(async () => {
			await nextSuite(workbench);
			restoreWorkspace(workbench);
			for (const [path, text] of Object.entries(BATCH_FILES)) {
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
				'docs/harbour.md': BATCH_FILES['docs/harbour.md']
					.replace('![a harbour at dawn, watercolour]()', '![a harbour at dawn, watercolour](images/a-harbour-at-dawn-watercolour.png)')
					.replace('![an old lighthouse on a cliff]()', '![an old lighthouse on a cliff](images/an-old-lighthouse-on-a-cliff.png)'),
				'docs/faq.md': BATCH_FILES['docs/faq.md'].replace('![a fish market with stalls]()', '![a fish market with stalls](images/a-fish-market-with-stalls.png)'),
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
});
