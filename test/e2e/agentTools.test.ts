import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { waitFor } from '../harness/waitFor';
import { openFile, packageTestExtension, runCommand, screenshot, screenshotOnFailure, startWorkbench, type Workbench } from './workbench';

/**
 * An agent in VS Code, as far as these machines have one: another extension that calls
 * Illustrate's tool through `vscode.lm.invokeTool`, with no chat (so VS Code asks with a
 * dialog), and shows what came back.
 */
const COMMAND_TITLE = 'Agent Caller: Illustrate the Request Flow';
const INPUT = { prompt: 'A diagram of the request flow: browser, API gateway, service, database; flat style, labelled boxes and arrows', document: 'docs/architecture.md', placeholder: 'request flow', quality: 'low', size: '1024x1024' };
const EDIT_TITLE = 'Agent Caller: Edit the Request Flow in Place';
const EDIT_INPUT = { path: 'docs/images/request-flow.png', instruction: 'Make the background white', saveAs: 'docs/images/request-flow.png' };

function agentCallerVsix(folder: string): string {
	return packageTestExtension(folder, 'agent-caller', {
		name: 'agent-caller', displayName: 'Agent Caller', publisher: 'illustrate-test', main: './main.js',
		activationEvents: ['onCommand:agentCaller.illustrate', 'onCommand:agentCaller.edit'],
		capabilities: { untrustedWorkspaces: { supported: true } },
		contributes: { commands: [{ command: 'agentCaller.illustrate', title: COMMAND_TITLE }, { command: 'agentCaller.edit', title: EDIT_TITLE }] },
	}, {
		'main.js': `const vscode = require('vscode');
async function call(tool, input) {
	try {
		const result = await vscode.lm.invokeTool(tool, { toolInvocationToken: undefined, input });
		const text = result.content.filter(part => part instanceof vscode.LanguageModelTextPart).map(part => part.value).join(' ');
		const images = result.content.filter(part => part && typeof part.mimeType === 'string').map(part => part.mimeType + ', ' + part.data.length + ' bytes');
		void vscode.window.showInformationMessage('Agent caller got: ' + text + ' [' + images.join('; ') + ']');
	} catch (error) {
		void vscode.window.showErrorMessage('Agent caller failed: ' + (error instanceof Error ? error.message : String(error)));
	}
}
exports.activate = context => {
	context.subscriptions.push(
		vscode.commands.registerCommand('agentCaller.illustrate', () => call('illustrate_generate_image', ${JSON.stringify(INPUT)})),
		vscode.commands.registerCommand('agentCaller.edit', () => call('illustrate_edit_image', ${JSON.stringify(EDIT_INPUT)})),
	);
};
`,
		'README.md': 'Calls Illustrate\'s language model tool the way an agent does, for the end-to-end tests.\n',
	});
}

const DOCUMENT = '# Architecture\n\nHow a request travels.\n\n![request flow]()\n';

async function toast(page: Page, text: string): Promise<string> {
	const found = page.locator('.notification-toast', { hasText: text }).first();
	await found.waitFor({ timeout: 60_000 });
	return (await found.innerText()).replace(/\s+/g, ' ');
}

suite('Agent tools in the workbench', function () {
	this.timeout(300_000);
	let workbench: Workbench | undefined;
	let scratch: string;

	suiteSetup(() => {
		scratch = mkdtempSync(join(tmpdir(), 'illustrate-agent-caller-'));
	});

	screenshotOnFailure(() => workbench);

	teardown(async () => {
		await workbench?.close();
		workbench = undefined;
	});

	suiteTeardown(() => {
		rmSync(scratch, { recursive: true, force: true });
	});

	test('an agent\'s call asks first with model, size, quality, count, cost and where it goes; Yes fills the placeholder; an edit in place replaces only after Replace', async () => {
		workbench = await startWorkbench({ extraVsix: [agentCallerVsix(scratch)], userSettings: { 'illustrate.quality': 'low' } });
		const { page, api, workspace } = workbench;
		const file = join(workspace, 'docs', 'architecture.md');
		writeFileSync(file, DOCUMENT);
		await openFile(page, 'docs/architecture.md');
		await runCommand(page, COMMAND_TITLE);

		const dialog = page.locator('.monaco-dialog-box');
		await dialog.getByText('Generate an image with Illustrate?').waitFor({ timeout: 60_000 });
		const question = (await dialog.innerText()).replace(/\s+/g, ' ');
		for (const expected of ['1 image(s) with gpt-image-2, 1024x1024, low quality. Estimated cost $0.006.', 'Fills the placeholder "request flow" in docs/architecture.md.', 'Prompt: A diagram of the request flow']) {
			assert.ok(question.includes(expected), `the question says "${expected}": ${question}`);
		}
		assert.equal(api.requests.length, 0, 'nothing is sent before the answer');
		await screenshot(page, 'agent-confirmation');

		// VS Code's confirmation outside chat: Yes and Cancel.
		await dialog.getByRole('button', { name: 'Yes' }).click();
		const answer = await toast(page, 'Agent caller got:');
		assert.ok(answer.includes('Saved docs/images/request-flow.png. The placeholder "request flow" in docs/architecture.md now links it: ![request flow](images/request-flow.png)'), answer);
		assert.match(answer, /\[image\/png, \d+ bytes\]/);
		await waitFor(() => readFileSync(file, 'utf8').includes('![request flow](images/request-flow.png)'), 'the document on disk links the image');
		const image = join(workspace, 'docs', 'images', 'request-flow.png');
		assert.ok(existsSync(image));
		assert.equal(api.requests.length, 1);

		// An edit that names the original as saveAs: asked twice (the call, then the file), Replace replaces it; the old bytes go to the history.
		const before = readFileSync(image);
		await runCommand(page, 'Notifications: Clear All Notifications');
		await page.locator('.notification-toast').first().waitFor({ state: 'detached' });
		await runCommand(page, EDIT_TITLE);
		await dialog.getByText('Edit docs/images/request-flow.png with Illustrate?').waitFor({ timeout: 60_000 });
		assert.ok((await dialog.innerText()).includes('an existing file is replaced only if you confirm'));
		await dialog.getByRole('button', { name: 'Yes' }).click();
		await dialog.getByText('docs/images/request-flow.png already exists. Replace it with the image an agent generated?').waitFor({ timeout: 60_000 });
		await dialog.getByRole('button', { name: 'Replace' }).click();
		const edited = await toast(page, 'Agent caller got: Saved docs/images/request-flow.png. No document was changed');
		assert.match(edited, /\[image\/png, \d+ bytes\]/);
		assert.equal(api.requests.length, 2);
		assert.equal(api.requests[1].path, '/v1/images/edits');
		assert.ok(!readFileSync(image).equals(before), 'the file holds the edited image');
		const history = join(workbench.server.userDataDir, 'User', 'globalStorage', 'illustrate.illustrate', 'images');
		// (The generated image is in the history too, from before it was saved: the entry Replace keeps is marked as replaced.)
		const replaced = readdirSync(history).filter(name => name.endsWith('.json')).map(name => JSON.parse(readFileSync(join(history, name), 'utf8')) as { operation?: string; file?: string; originalUri?: string }).filter(entry => entry.operation === 'replaced');
		assert.equal(replaced.length, 1, 'one entry keeps the replaced bytes');
		assert.ok(replaced[0].originalUri?.endsWith('/docs/images/request-flow.png'));
		assert.ok(readFileSync(join(history, replaced[0].file ?? '')).equals(before), 'the replaced bytes are in the history');
	});

	test('in an untrusted workspace the call is refused with the reason, unasked, and nothing is sent or written', async () => {
		workbench = await startWorkbench({ workspaceTrust: true, extraVsix: [agentCallerVsix(scratch)], userSettings: { 'illustrate.quality': 'low' } });
		const { page, api, workspace } = workbench;
		await page.locator('.statusbar-item', { hasText: 'Restricted Mode' }).waitFor({ timeout: 60_000 });
		const file = join(workspace, 'docs', 'architecture.md');
		writeFileSync(file, DOCUMENT);
		await runCommand(page, COMMAND_TITLE);

		const refusal = await toast(page, 'Agent caller failed:');
		assert.ok(refusal.includes('Illustrate generates images only in trusted workspaces'), refusal);
		assert.equal(await page.locator('.monaco-dialog-box').count(), 0, 'nothing was asked');
		assert.equal(api.requests.length, 0);
		assert.equal(readFileSync(file, 'utf8'), DOCUMENT);
		assert.equal(existsSync(join(workspace, 'docs', 'images')), false);
	});
});
