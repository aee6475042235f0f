import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import type { Frame, FrameLocator } from 'playwright-core';
import type { FailureSpec } from '../server/apiFailures';
import { waitFor } from '../harness/waitFor';
import { TEST_API_KEY } from '../harness/testEnvironment';
import { closeTab, goToLine, illustratePanel, openFile, runCommand, screenshotOnFailure, setApiKeyFromPalette, startWorkbench, type Workbench } from './workbench';

/** A key only the secret storage holds: set through the UI, the one the server accepts. */
const SECRET_KEY = 'sk-secret-storage-9f8e7d6c5b4a39281706';

function filesUnder(folder: string): string[] {
	if (!existsSync(folder)) {
		return [];
	}
	// The kind each entry had when listed: no stat afterwards, which a temporary file renamed meanwhile would fail.
	return readdirSync(folder, { withFileTypes: true }).flatMap(entry => {
		const path = join(folder, entry.name);
		return entry.isDirectory() ? filesUnder(path) : [path];
	});
}

/** Every file under the folders that holds one of the strings. */
function filesHolding(folders: readonly string[], secrets: readonly string[]): string[] {
	return folders.flatMap(filesUnder).filter(file => {
		const text = readFileSync(file).toString('latin1');
		return secrets.some(secret => text.includes(secret));
	});
}

function snapshot(folder: string): Map<string, string> {
	return new Map(filesUnder(folder).filter(file => !file.includes(`${join(folder, '.vscode')}`)).map(file => [relative(folder, file), readFileSync(file).toString('base64')]));
}

suite('Failures, keys, trust and hostile messages', function () {
	this.timeout(600_000);
	let workbench: Workbench;
	/** The panel the tests use, once `keyAndPanel` opened it. */
	let panel: FrameLocator | undefined;

	suiteSetup(async () => {
		workbench = await startWorkbench({
			userSettings: { 'illustrate.quality': 'low', 'illustrate.size': '1024x1024', 'illustrate.variants': 2, 'illustrate.requestTimeoutSeconds': 10 },
			apiConfig: { imageMs: 100, acceptedKeys: [SECRET_KEY] },
		});
		writeFileSync(join(workbench.workspace, 'docs', 'failures.md'), '# Failures\n\n![a weather vane on a roof]()\n');
	});

	screenshotOnFailure(() => workbench);

	suiteTeardown(async () => {
		await workbench?.close();
	});

	/**
	 * What every test here starts from: the key set with Set API Key, and the panel open on
	 * docs/failures.md with a first batch of two variants in it. The first test makes it; a
	 * filtered run (ILLUSTRATE_TEST_GREP) of a later test alone makes it there.
	 */
	async function keyAndPanel(): Promise<FrameLocator> {
		if (!panel) {
			const { page, api } = workbench;
			api.reset();
			await setApiKeyFromPalette(page, SECRET_KEY);
			await openFile(page, 'docs/failures.md');
			await goToLine(page, 3, 5);
			await runCommand(page, 'Illustrate: Generate Image from Alt Text');
			const opened = illustratePanel(page);
			await opened.locator('.variant[data-state="ready"]').nth(1).waitFor({ timeout: 60_000 });
			panel = opened;
		}
		return panel;
	}

	test('the key set with Set API Key is used, taking precedence over OPENAI_API_KEY', async () => {
		await keyAndPanel();
		const { api } = workbench;
		assert.equal(api.requests.length, 2, 'one request per variant');
		assert.ok(api.requests.every(request => request.authorization === `Bearer ${SECRET_KEY}`));
	});

	const storageFolder = () => join(workbench.server.userDataDir, 'User', 'globalStorage', 'illustrate.illustrate', 'images');

	/** Every final image the server sent is in the history, byte for byte. */
	function assertHistoryHoldsEverythingSent(): void {
		const stored = new Set(filesUnder(storageFolder()).filter(file => /\.(png|jpe?g|webp|gif|svg)$/i.test(file)).map(file => readFileSync(file).toString('base64')));
		for (const request of workbench.api.requests) {
			for (const image of request.images) {
				assert.ok(stored.has((workbench.api.imageBytes(request.id, image.index) ?? Buffer.alloc(0)).toString('base64')), `image ${image.index} of ${request.id} is in the history`);
			}
		}
	}

	const cases: Array<{ failure: FailureSpec; message: RegExp; action?: string; imagesKept: number }> = [
		{ failure: { kind: 'invalid_api_key', times: 2 }, message: /OpenAI rejected the API key \(401\)\. Set a valid key/, action: 'Set API Key', imagesKept: 0 },
		{ failure: { kind: 'organization_verification', times: 2 }, message: /organization must be verified to use gpt-image-2/, action: 'Verify Organization', imagesKept: 0 },
		{ failure: { kind: 'model_not_found', times: 2 }, message: /not available to your API key\. .*Image models your key can use: gpt-image-1\.5, gpt-image-2/, imagesKept: 0 },
		{ failure: { kind: 'insufficient_quota', times: 2 }, message: /no credit left \(insufficient_quota\)/, action: 'Open Billing', imagesKept: 0 },
		{ failure: { kind: 'moderation_blocked', times: 2 }, message: /safety system rejected this prompt\. Rephrase it/, imagesKept: 0 },
		{ failure: { kind: 'invalid_size', times: 2 }, message: /OpenAI refused the request: Invalid size '1024x1024'\. Requested resolution must have both width and height divisible by 16/, imagesKept: 0 },
		{ failure: { kind: 'service_unavailable', times: 6 }, message: /OpenAI had a server error \(503\) and no image was made\. Illustrate tried again and gave up/, action: 'Retry', imagesKept: 0 },
		{ failure: { kind: 'drop_connection' }, message: /1 of 2 failed: The connection to .* dropped before the image arrived\. The image may still have been made and charged/, action: 'Retry', imagesKept: 1 },
		{ failure: { kind: 'stall' }, message: /1 of 2 failed: The request to .* took longer than illustrate\.requestTimeoutSeconds/, action: 'Retry', imagesKept: 1 },
	];
	for (const { failure, message, action, imagesKept } of cases) {
		test(`${failure.kind}: the panel says what to do, keeps what arrived, changes nothing else`, async () => {
			const panel = await keyAndPanel();
			const { api, workspace } = workbench;
			api.reset();
			api.configure({ acceptedKeys: [SECRET_KEY], imageMs: 100 });
			api.fail(failure);
			const before = snapshot(workspace);
			await panel.getByRole('button', { name: 'Generate', exact: true }).click();
			const error = panel.locator('.error');
			// The previous case's message is still shown until this run clears it: wait for this one's.
			let shown = '';
			await waitFor(async () => {
				shown = await error.isVisible() ? await error.innerText() : '';
				return message.test(shown);
			}, `the panel shows ${message} (it shows "${shown}")`, 40_000).catch(() => assert.match(shown, message));
			if (action) {
				await error.getByRole('button', { name: action }).waitFor();
			}
			await waitFor(async () => (await panel.locator('.variant[data-state="ready"]').count()) === imagesKept, `${imagesKept} variant(s) kept in the panel`, 15_000);
			assertHistoryHoldsEverythingSent();
			assert.deepEqual(snapshot(workspace), before, 'the workspace is unchanged');
			assert.equal(readFileSync(join(workspace, 'docs', 'failures.md'), 'utf8'), '# Failures\n\n![a weather vane on a roof]()\n');
		});
	}

	test('a rate limit and a server error: retried as the API asks, both variants arrive', async () => {
		const panel = await keyAndPanel();
		const { api } = workbench;
		api.reset();
		api.configure({ acceptedKeys: [SECRET_KEY], imageMs: 100 });
		api.fail({ kind: 'rate_limit', retryAfterSeconds: 1 }, { kind: 'server_error' });
		await panel.getByRole('button', { name: 'Generate', exact: true }).click();
		await panel.locator('.status', { hasText: /trying again in \d+ s/ }).waitFor({ timeout: 10_000 });
		await panel.locator('.status', { hasText: 'Pick one and Insert.' }).waitFor({ timeout: 30_000 });
		assert.equal(await panel.locator('.variant[data-state="ready"]').count(), 2);
		assert.deepEqual(api.requests.map(request => request.status).sort(), [200, 200, 429, 500].sort());
		assertHistoryHoldsEverythingSent();
	});

	test('an error event mid-stream keeps the image already received', async () => {
		const panel = await keyAndPanel();
		const { api } = workbench;
		api.reset();
		api.configure({ acceptedKeys: [SECRET_KEY], imageMs: 100 });
		// An edit of two variants is one request: the first image arrives, then the error event.
		api.fail({ kind: 'stream_error', afterImages: 1, path: '/v1/images/edits' });
		await panel.locator('.variant').first().getByRole('button', { name: 'Refine', exact: true }).click();
		await panel.locator('.chain .current').waitFor();
		await panel.locator('#prompt textarea').fill('make it autumn');
		await panel.getByRole('button', { name: 'Generate', exact: true }).click();
		await panel.locator('.error', { hasText: '1 of 2 failed' }).waitFor({ timeout: 30_000 });
		assert.equal(await panel.locator('.variant[data-state="ready"]', { hasText: 'make it autumn' }).count(), 1, 'the image that arrived before the error is shown');
		assertHistoryHoldsEverythingSent();
		await panel.getByRole('button', { name: 'Back to generating' }).click();
		await panel.locator('section.edit').waitFor({ state: 'hidden' });
	});

	test('hostile messages from the webview are ignored and change nothing', async () => {
		const panel = await keyAndPanel();
		const { page, api, workspace } = workbench;
		api.reset();
		api.configure({ acceptedKeys: [SECRET_KEY] });
		const before = snapshot(workspace);
		const host = page.frames().find(frame => frame.url().includes('extensionId=illustrate.illustrate') && frame.url().includes('/webview/browser/pre/index.html')) as Frame;
		assert.ok(host, 'the panel\'s webview host frame');
		await host.evaluate(messages => {
			const post = (window as unknown as Record<string, (channel: string, data: unknown) => void>)['__vscode_post_message__'];
			for (const message of messages) {
				post('onmessage', { message });
			}
		}, [
			{ type: 'insert', variantIds: ['../../../etc/passwd'] },
			{ type: 'insert', variantIds: ['not-a-variant'] },
			{ type: 'variant', action: 'replace', variantId: 'x/../../y' },
			{ type: 'variant', action: 'copyLink', variantId: 'unknown' },
			{ type: 'reference', action: 'uris', uris: ['file:///etc/hosts'] },
			{ type: 'generate', options: { prompt: 'x', model: 'gpt-image-2', quality: 'low', size: '1024x1024', n: 1000, outputFormat: 'png' } },
			{ type: 'generate', options: { prompt: 'x', model: 'gpt-image-2', quality: 'low', size: '1024x1024', n: 1, outputFormat: 'exe' } },
			{ type: 'edit', options: { prompt: 'x', model: 'gpt-image-2', quality: 'low', size: 'auto', n: 1, outputFormat: 'png' }, overlay: { kind: 'mask', png: '../../etc' } },
			{ type: 'action', action: 'runShellCommand' },
			{ type: '__proto__', polluted: true },
			'just a string',
			null,
			// Last, so its line in the log proves the host has taken every message before it.
			{ type: 'sentinel', afterTheHostileMessages: true },
		]);
		const illustrateLog = () => filesUnder(join(workbench.server.userDataDir, 'logs')).filter(file => file.endsWith('Illustrate.log')).map(file => readFileSync(file, 'utf8')).join('\n');
		await waitFor(() => illustrateLog().includes('Ignored an invalid message from the panel: an object of type "sentinel" with afterTheHostileMessages: boolean'), 'the Illustrate log shows the last message was handled', 20_000);
		const log = illustrateLog();
		// Logged by its shape, never its text.
		assert.match(log, /Ignored an invalid message from the panel: an object of type "action" with action: string of 15 characters/);
		assert.doesNotMatch(log, /runShellCommand|just a string/);
		assert.match(log, /Insert asked for unknown variants: not-a-variant/);
		assert.equal(api.requests.length, 0, 'nothing was sent');
		assert.deepEqual(snapshot(workspace), before, 'nothing was written');
		assert.equal(existsSync(join(workbench.server.userDataDir, 'User', 'globalStorage', 'illustrate.illustrate', 'sources', 'hosts')), false);
		await panel.getByRole('button', { name: 'Generate', exact: true }).waitFor();
	});

	test('after the whole session, the keys are nowhere: not in logs, the webview, global storage, settings or the workspace', async () => {
		const panel = await keyAndPanel();
		const { page, workspace, server } = workbench;
		const secrets = [SECRET_KEY, TEST_API_KEY];
		// The scan finds a key where there is one.
		const probe = join(workspace, 'probe.txt');
		writeFileSync(probe, `token=${SECRET_KEY}`);
		assert.deepEqual(filesHolding([workspace], secrets), [probe]);
		writeFileSync(probe, 'nothing');

		assert.deepEqual(filesHolding([join(server.userDataDir, 'logs')], secrets), [], 'logs');
		assert.deepEqual(filesHolding([join(server.userDataDir, 'User', 'globalStorage', 'illustrate.illustrate')], secrets), [], 'global storage');
		assert.ok(!secrets.some(secret => readFileSync(join(server.userDataDir, 'User', 'settings.json'), 'utf8').includes(secret)), 'settings');
		assert.deepEqual(filesHolding([workspace], secrets), [], 'workspace');
		const dom = await panel.locator('html').evaluate(html => html.outerHTML);
		assert.ok(!secrets.some(secret => dom.includes(secret)), 'panel DOM');
		await closeTab(page, 'Illustrate');
		await runCommand(page, 'Illustrate: Show Generated Images');
		const history = illustratePanel(page);
		await history.locator('.variant').first().waitFor();
		const historyDom = await history.locator('html').evaluate(html => html.outerHTML);
		assert.ok(!secrets.some(secret => historyDom.includes(secret)), 'history DOM');
	});
});
