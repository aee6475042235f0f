import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../harness/waitFor';
import {
	closeTab,
	expectEditorLine,
	goToLine,
	illustratePanel,
	imagesLoaded,
	nextSuite,
	openFile,
	reloadWindow,
	restoreWorkspace,
	runCommand,
	screenshot,
	sentImages,
	shownImageBytes,
	screenshotOnFailure,
	startWorkbench,
	type Workbench,
} from './workbench';
import { generatePanelSuite } from './generatePanel.test';

const sha256 = (bytes: Buffer) => createHash('sha256').update(bytes).digest('hex');

/**
 * The panel with two variants: streaming, cancel, make final, reload and history, then
 * generating from alt text (generatePanel.test.ts); two suites in one workbench, each with the fixture workspace as it
 * was (`restoreWorkspace`), every editor closed and a fresh test server (`nextSuite`). Streaming
 * goes first: it reads the session's cost in the status bar, which counts every image of the window.
 */
suite('The panel with two variants', function () {
	this.timeout(240_000);
	let workbench: Workbench;

	suiteSetup(async () => {
		workbench = await startWorkbench({
			userSettings: { 'illustrate.quality': 'low', 'illustrate.size': '1024x1024', 'illustrate.variants': 2 },
		});
	});

	screenshotOnFailure(() => workbench);

	suiteTeardown(async () => {
		await workbench?.close();
	});

	suite('The panel: streaming, cancel, make final, reload, history', function () {
		suiteSetup(async () => {
			await nextSuite(workbench);
			restoreWorkspace(workbench);
			writeFileSync(join(workbench.workspace, 'docs', 'stream.md'), '# Streaming\n\n![a lighthouse in a storm at night]()\n');
			await openFile(workbench.page, 'docs/stream.md');
			await workbench.page.keyboard.press('Control+B');
		});

		// A test that fails while the server holds its finals must not leave the next one a panel
		// busy with a batch that never ends (one failure became six in a loaded CI run).
		teardown(() => {
			workbench?.api.configure({ holdFinals: false });
			workbench?.api.releaseFinals();
		});

		test('partial images show in each slot before the final image arrives', async () => {
			const { page, api } = workbench;
			// Finals wait for the test's go, so partials are on screen however long the workbench takes.
			api.configure({ firstByteMs: 200, imageMs: 1500, holdFinals: true });
			await goToLine(page, 3, 5);
			await runCommand(page, 'Illustrate: Generate Image from Alt Text');
			const panel = illustratePanel(page);

			await panel.locator('.variant[data-state="partial"] img[data-partial="true"]').first().waitFor({ timeout: 30_000 });
			assert.equal(api.requests.reduce((sum, request) => sum + request.images.length, 0), 0, 'no final image was sent yet');
			assert.ok(api.requests.some(request => request.partials.length > 0));
			await panel.locator('.variant[data-state="partial"]').nth(1).waitFor({ timeout: 30_000 });
			await panel.locator('.variant img[data-partial="true"]').nth(1).evaluate(image => (image as HTMLImageElement).decode());
			await screenshot(page, 'panel-streaming');
			assert.equal(api.requests.reduce((sum, request) => sum + request.images.length, 0), 0, 'still no final image');

			api.releaseFinals();
			await imagesLoaded(panel, 2);
			assert.equal(await panel.locator('.variant .badge:visible').count(), 0, 'no "Preview" badge once final');
			assert.equal(api.requests.length, 2);
			await panel.locator('.status', { hasText: 'Pick one and Insert.' }).waitFor();
			// 2 × low 1024x1024: 200 output tokens each at $30 per million, plus the prompt's few text tokens.
			await panel.getByText('Last request: $0.012 (from usage).').waitFor();
			await page.locator('.statusbar-item', { hasText: '$0.012' }).waitFor();
		});

		test('Cancel in mid-stream stops the requests, writes nothing into the workspace, and the panel stays usable', async () => {
			const { page, api, workspace } = workbench;
			const panel = illustratePanel(page);
			api.configure({ firstByteMs: 100, imageMs: 300, holdFinals: true });
			const before = api.requests.length;
			await panel.getByRole('button', { name: 'Generate', exact: true }).click();
			await panel.locator('.variant[data-state="partial"]').first().waitFor({ timeout: 30_000 });
			await panel.getByRole('button', { name: 'Cancel', exact: true }).click();

			await panel.locator('.status', { hasText: 'Cancelled' }).waitFor();
			await waitFor(() => api.requests.slice(before).every(request => request.aborted), 'the server saw both requests aborted');
			assert.equal(api.requests.slice(before).reduce((sum, request) => sum + request.images.length, 0), 0);
			assert.equal(await panel.locator('.variant').count(), 0, 'no half-received variant is left');
			assert.equal(existsSync(join(workspace, 'docs', 'images')), false, 'nothing was written beside the document');
			assert.equal(existsSync(join(workspace, 'images')), false);

			api.configure({ firstByteMs: 0, imageMs: 200, holdFinals: false });
			const generate = panel.getByRole('button', { name: 'Generate', exact: true });
			await waitFor(async () => !(await generate.evaluate(button => (button as HTMLElement & { disabled: boolean }).disabled)), 'Generate is enabled again');
			await generate.click();
			await imagesLoaded(panel, 2);
		});

		test('Cancel on the progress notification stops the requests too', async () => {
			const { page, api } = workbench;
			const panel = illustratePanel(page);
			api.configure({ firstByteMs: 100, imageMs: 300, holdFinals: true });
			const before = api.requests.length;
			const variantsBefore = await panel.locator('.variant').count();
			await panel.getByRole('button', { name: 'Generate', exact: true }).click();
			await panel.locator('.variant[data-state="partial"]').first().waitFor({ timeout: 30_000 });
			const toast = page.locator('.notification-toast', { hasText: 'Illustrate: generating 2 image(s)' });
			await toast.getByRole('button', { name: 'Cancel' }).click();
			await panel.locator('.status', { hasText: 'Cancelled' }).waitFor();
			await waitFor(() => api.requests.slice(before).every(request => request.aborted), 'the server saw the requests aborted');
			assert.equal(await panel.locator('.variant').count(), 0, 'the cancelled batch left no variant behind');
			assert.ok(variantsBefore > 0);
			api.configure({ firstByteMs: 0, imageMs: 200, holdFinals: false });
			await panel.getByRole('button', { name: 'Generate', exact: true }).click();
			await imagesLoaded(panel, 2);
		});

		test('Make final re-renders a draft through an edit with the draft\'s bytes, at high quality', async () => {
			const { page, api } = workbench;
			const panel = illustratePanel(page);
			const draft = await shownImageBytes(panel, 0);
			await panel.locator('.variant').first().getByRole('button', { name: 'Make final', exact: true }).click();

			const final = panel.locator('.variant', { hasText: 'Final of #1 (re-render)' });
			await final.locator('img').waitFor({ timeout: 30_000 });
			await panel.locator('.variant[data-state="ready"]').nth(2).waitFor({ timeout: 30_000 });
			const edit = api.requests[api.requests.length - 1];
			assert.equal(edit.path, '/v1/images/edits');
			assert.equal(edit.valid, true, edit.errors.join('; '));
			assert.equal(edit.body.quality, 'high');
			assert.equal(edit.body.n, 1);
			assert.equal(edit.body.size, '1024x1024');
			// Multipart text fields carry CRLF line breaks (the HTML form encoding).
			assert.match(String(edit.body.prompt), /^a lighthouse in a storm at night\r?\n\r?\nRe-render this image/);
			const [image] = edit.files;
			assert.equal(image.field, 'image');
			assert.equal(image.sha256, sha256(draft), 'the edit carries exactly the draft\'s bytes');
			assert.equal(await panel.locator('.variant').nth(1).textContent().then(text => text?.includes('Final of #1')), true, 'the re-render sits right after its draft');
		});

		test('a window reload restores the variants', async () => {
			const { page } = workbench;
			let panel = illustratePanel(page);
			const count = await panel.locator('.variant[data-state="ready"]').count();
			const before = await Promise.all(Array.from({ length: count }, (_, index) => shownImageBytes(panel, index)));

			await reloadWindow(page);
			panel = illustratePanel(page);
			await imagesLoaded(panel, count);
			assert.equal(await panel.locator('.variant').count(), count);
			for (const [index, bytes] of before.entries()) {
				assert.ok((await shownImageBytes(panel, index)).equals(bytes), `card ${index + 1} shows the same image after the reload`);
			}
			await panel.locator('.variant', { hasText: 'Final of #1 (re-render)' }).waitFor();
		});

		test('an image received, its panel closed, then inserted from Show Generated Images', async () => {
			const { page, api, workspace } = workbench;
			await closeTab(page, 'Illustrate');
			await openFile(page, 'docs/stream.md');
			await goToLine(page, 3, 5);
			await runCommand(page, 'Illustrate: Show Generated Images');

			const history = illustratePanel(page);
			const newest = history.locator('.variant').first();
			await newest.locator('img').waitFor();
			await history.getByText('Insert goes to docs/stream.md, line 3.').waitFor();
			// The card may show a card-size copy (a 1024×1024 PNG gets one): the stored image is the file named by its id.
			const id = await newest.getAttribute('data-image-id');
			const images = join(workbench.server.userDataDir, 'User', 'globalStorage', 'illustrate.illustrate', 'images');
			const storedName = readdirSync(images).find(name => name.startsWith(`${id}.`) && !name.endsWith('.json'));
			assert.ok(id && storedName, `the newest card's image is stored: ${id}`);
			const stored = readFileSync(join(images, storedName));
			await newest.getByRole('button', { name: 'Insert', exact: true }).click();

			const file = join(workspace, 'docs', 'images', 'a-lighthouse-in-a-storm-at-night.png');
			// Insert creates the file in the same undoable edit as the link, then writes its bytes.
			await waitFor(() => existsSync(file) && statSync(file).size === stored.length, 'the image file is written');
			assert.ok(readFileSync(file).equals(stored), 'the inserted file holds the stored image\'s bytes');
			assert.equal(sentImages(api).filter(sent => sent.bytes.equals(stored)).length, 1, 'which the server sent');
			await page.locator('.tab', { hasText: 'stream.md' }).click();
			await expectEditorLine(page, 3, '![a lighthouse in a storm at night](images/a-lighthouse-in-a-storm-at-night.png)');
		});
	});

	generatePanelSuite(() => workbench);
});
