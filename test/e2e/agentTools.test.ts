import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

function agentCallerVsix(folder: string): string {
	return packageTestExtension(folder, 'agent-caller', {
		name: 'agent-caller', displayName: 'Agent Caller', publisher: 'illustrate-test', main: './main.js',
		activationEvents: ['onCommand:agentCaller.illustrate'],
		capabilities: { untrustedWorkspaces: { supported: true } },
		contributes: { commands: [{ command: 'agentCaller.illustrate', title: COMMAND_TITLE }] },
	}, {
		'main.js': `const vscode = require('vscode');
exports.activate = context => {
	context.subscriptions.push(vscode.commands.registerCommand('agentCaller.illustrate', async () => {
		try {
			const result = await vscode.lm.invokeTool('illustrate_generate_image', { toolInvocationToken: undefined, input: ${JSON.stringify(INPUT)} });
			const text = result.content.filter(part => part instanceof vscode.LanguageModelTextPart).map(part => part.value).join(' ');
			const images = result.content.filter(part => part && typeof part.mimeType === 'string').map(part => part.mimeType + ', ' + part.data.length + ' bytes');
			void vscode.window.showInformationMessage('Agent caller got: ' + text + ' [' + images.join('; ') + ']');
		} catch (error) {
			void vscode.window.showErrorMessage('Agent caller failed: ' + (error instanceof Error ? error.message : String(error)));
		}
	}));
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

	test('an agent\'s call asks first with model, size, quality, count, cost and where it goes; Yes fills the placeholder', async () => {
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
		assert.ok(existsSync(join(workspace, 'docs', 'images', 'request-flow.png')));
		assert.equal(api.requests.length, 1);
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
