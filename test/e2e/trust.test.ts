import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { waitFor } from '../harness/waitFor';
import { closeTab, goToLine, illustratePanel, imagesLoaded, openFile, reloadWindow, runCommand, screenshot, screenshotOnFailure, shownImageBytes, startWorkbench, type Workbench } from './workbench';

/** Waits for the notification that Illustrate needs a trusted workspace, then clears the notifications. */
async function expectTrustRequest(page: Page): Promise<void> {
	const warning = page.locator('.notification-toast', { hasText: 'Illustrate generates images only in trusted workspaces' });
	await warning.first().waitFor();
	await warning.first().getByRole('button', { name: 'Manage Workspace Trust' }).waitFor();
}

async function clearNotifications(page: Page): Promise<void> {
	await runCommand(page, 'Notifications: Clear All Notifications');
	await page.locator('.notification-toast').first().waitFor({ state: 'detached' });
}

/** The frame that hosts the Illustrate panel's webview (it relays the webview's state to the workbench). */
function panelHostFrame(page: Page): Frame {
	const frames = page.frames().filter(frame => frame.url().includes('extensionId=illustrate.illustrate') && frame.url().includes('/webview/browser/pre/index.html'));
	assert.equal(frames.length, 1, 'one Illustrate webview');
	return frames[0];
}

/** The text of every Illustrate log file under a folder. */
function illustrateLogs(folder: string): string {
	if (!existsSync(folder)) {
		return '';
	}
	return readdirSync(folder).map(name => {
		const path = join(folder, name);
		return statSync(path).isDirectory() ? illustrateLogs(path) : name.endsWith('Illustrate.log') ? readFileSync(path, 'utf8') : '';
	}).join('\n');
}

suite('An untrusted workspace', function () {
	this.timeout(300_000);
	let workbench: Workbench;
	const document = '# Untrusted\n\n![a lighthouse at dusk]()\n';

	suiteSetup(async () => {
		workbench = await startWorkbench({
			workspaceTrust: true,
			userSettings: { 'illustrate.quality': 'low', 'illustrate.size': '1024x1024', 'illustrate.variants': 2 },
		});
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
		await clearNotifications(page);
	});

	test('a panel revived in Restricted Mode asks for trust before Make final and Insert; its saved state cannot name a document outside the workspace; an ill-typed message is logged without its text', async () => {
		const { page, api, workspace, server } = workbench;
		// Trusted for a while: the panel makes two variants.
		await runCommand(page, 'Workspaces: Manage Workspace Trust');
		const trustEditor = page.locator('.workspace-trust-editor');
		await trustEditor.locator('.monaco-button', { hasText: /^Trust$/ }).first().click();
		await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).waitFor({ state: 'detached' });
		await runCommand(page, 'View: Close Editor');
		await trustEditor.waitFor({ state: 'hidden' });
		await openFile(page, 'docs/untrusted.md');
		await goToLine(page, 3, 5);
		await runCommand(page, 'Illustrate: Generate Image from Alt Text');
		let panel = illustratePanel(page);
		await imagesLoaded(panel, 2);
		await panel.getByText('Insert into docs/untrusted.md, line 3').waitFor();
		assert.equal(api.requests.length, 2);

		// A file a Replace overwrote earlier: its old bytes in the history, for Restore.
		const storage = join(server.userDataDir, 'User', 'globalStorage', 'illustrate.illustrate', 'images');
		const original = join(workspace, 'docs', 'diagram.png');
		writeFileSync(original, await shownImageBytes(panel, 1));
		writeFileSync(join(storage, 'replaced-1.png'), await shownImageBytes(panel, 0));
		writeFileSync(join(storage, 'replaced-1.json'), JSON.stringify({
			id: 'replaced-1', file: 'replaced-1.png', prompt: '', model: 'gpt-image-2', size: '1024x1024', quality: 'low', format: 'png',
			bytes: readFileSync(join(storage, 'replaced-1.png')).length, createdAt: new Date().toISOString(), operation: 'replaced', originalUri: `file://${original}`,
		}));
		const originalBytes = readFileSync(original);

		// Trust taken back (the folder's entry deleted from the trusted folders): the window
		// reloads in Restricted Mode and the panel comes back.
		await runCommand(page, 'Workspaces: Manage Workspace Trust');
		const entry = trustEditor.locator('.monaco-list-row', { hasText: 'workspace' }).first();
		await entry.hover();
		await Promise.all([
			page.waitForEvent('framenavigated', { predicate: frame => frame === page.mainFrame(), timeout: 60_000 }),
			entry.locator('[aria-label="Delete Path"], [title="Delete Path"]').first().click(),
		]);
		// The workbench decides on trust once the remote extension host is back: slow on a loaded machine.
		await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).waitFor({ timeout: 120_000 });
		await page.locator('.tab', { hasText: 'Illustrate' }).click();
		panel = illustratePanel(page);
		await imagesLoaded(panel, 2);
		await screenshot(page, 'trust-revived-restricted');

		await panel.locator('.variant').first().getByRole('button', { name: 'Make final', exact: true }).click();
		await expectTrustRequest(page);
		assert.equal(api.requests.length, 2, 'Make final sent nothing');
		assert.equal(await panel.locator('.variant').count(), 2, 'no re-render slot');
		await clearNotifications(page);

		await panel.getByRole('button', { name: 'Insert', exact: true }).first().click();
		await expectTrustRequest(page);
		await clearNotifications(page);
		assert.equal(readFileSync(join(workspace, 'docs', 'untrusted.md'), 'utf8'), document, 'Insert wrote nothing into the document');
		assert.equal(existsSync(join(workspace, 'docs', 'images')), false, 'nor an image file');

		// An ill-typed message is logged by its shape, never its text.
		const secret = 'Project Nightjar launch poster';
		await panelHostFrame(page).evaluate(message => {
			(window as unknown as Record<string, (channel: string, data: unknown) => void>)['__vscode_post_message__']('onmessage', { message });
		}, { type: 'generate', options: { prompt: secret, model: 'gpt-image-2', quality: 'low', size: '1024x1024', n: 1000, outputFormat: 'png' } });
		const logs = join(server.userDataDir, 'logs');
		await waitFor(() => /Ignored an invalid message from the panel: an object of type "generate"/.test(illustrateLogs(logs)), 'the ignored message is logged');
		assert.ok(!illustrateLogs(logs).includes('Nightjar'), 'the prompt of an ill-typed message is not in the log');
		assert.equal(api.requests.length, 2, 'nothing was sent');

		// The webview keeps the panel's state and hands it back after a reload: it may name any file.
		const outside = join(workspace, '..', 'outside.md');
		writeFileSync(outside, '![a secret]()\n');
		const imageIds = await panel.locator('.variant img').evaluateAll(images => images.map(image => (image.getAttribute('data-stored') ?? image.getAttribute('src') ?? '')));
		const options = { prompt: 'a lighthouse at dusk', model: 'gpt-image-2', quality: 'low', size: '1024x1024', n: 2, outputFormat: 'png' };
		const state = {
			options,
			state: {
				options,
				running: false,
				variants: imageIds.map((src, index) => ({ id: `v${index}`, index, state: 'ready', imageId: basename(decodeURIComponent(new URL(src).pathname)).replace(/\.png$/, '') })),
				target: { documentUri: `file://${outside}`, kind: 'image', offset: 0, alt: 'a secret', description: 'outside.md' },
			},
		};
		await panelHostFrame(page).evaluate(saved => {
			(window as unknown as Record<string, (channel: string, data: unknown) => void>)['__vscode_post_message__']('do-update-state', saved);
		}, JSON.stringify(state));
		await reloadWindow(page);
		await page.locator('.tab', { hasText: 'Illustrate' }).click();
		panel = illustratePanel(page);
		await imagesLoaded(panel, 2);
		assert.equal(await panel.locator('.target').isVisible(), false, 'the panel has no document to insert into');
		assert.equal(await panel.getByText('Insert into').count(), 0);

		// Show Generated Images in Restricted Mode: it shows the images, Insert and Restore ask for trust.
		await closeTab(page, 'Illustrate');
		await openFile(page, 'docs/untrusted.md');
		await goToLine(page, 3, 5);
		await runCommand(page, 'Illustrate: Show Generated Images');
		const history = illustratePanel(page);
		await history.locator('.variant').nth(2).waitFor();
		await history.getByText('Insert goes to docs/untrusted.md, line 3.').waitFor();
		await history.locator('.variant', { has: history.locator('.restore') }).getByRole('button', { name: 'Restore' }).click();
		await expectTrustRequest(page);
		await clearNotifications(page);
		assert.ok(readFileSync(original).equals(originalBytes), 'Restore wrote nothing');
		await history.locator('.variant', { has: history.locator('.insert') }).first().getByRole('button', { name: 'Insert', exact: true }).click();
		await expectTrustRequest(page);
		await clearNotifications(page);
		assert.equal(readFileSync(join(workspace, 'docs', 'untrusted.md'), 'utf8'), document, 'Insert wrote nothing into the document');
		assert.deepEqual(existsSync(join(workspace, 'docs', 'images')) ? readdirSync(join(workspace, 'docs', 'images')) : [], [], 'nor an image file');
	});
});
