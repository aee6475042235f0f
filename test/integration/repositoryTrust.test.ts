import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { waitFor } from '../harness/waitFor';
import type { FillResult } from '../../src/commands/fillMissingImages';
import { api, closeAllEditors, openFreshDocument, placeCursor, rejectionOf, removeIfPresent, workspaceRoot } from './helpers';

const encoder = new TextEncoder();

async function writeWorkspaceFile(relativePath: string, content: string | Uint8Array): Promise<void> {
	await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(workspaceRoot(), relativePath), typeof content === 'string' ? encoder.encode(content) : content);
}

/** Every Illustrate log file of this run (the output channel's files under the user data folder). */
function illustrateLogs(): string {
	const userData = process.env.ILLUSTRATE_TEST_USER_DATA;
	assert.ok(userData, 'ILLUSTRATE_TEST_USER_DATA is set by the harness');
	const files: string[] = [];
	const walk = (folder: string) => {
		for (const name of existsSync(folder) ? readdirSync(folder) : []) {
			const path = join(folder, name);
			if (statSync(path).isDirectory()) {
				walk(path);
			} else if (name.endsWith('Illustrate.log')) {
				files.push(path);
			}
		}
	};
	walk(join(userData, 'logs'));
	return files.map(file => readFileSync(file, 'utf8')).join('\n');
}

async function logContains(pattern: RegExp): Promise<string> {
	let text = '';
	await waitFor(() => pattern.test(text = illustrateLogs()), `the Illustrate log says ${pattern}`, 20_000);
	return text;
}

suite('What a repository cannot do', () => {
	setup(async () => {
		await api().reset();
		await removeIfPresent('repo');
	});

	teardown(async () => {
		const config = vscode.workspace.getConfiguration('illustrate');
		for (const key of ['maxCostPerRequest', 'variants', 'quality']) {
			await config.update(key, undefined, vscode.ConfigurationTarget.Workspace);
		}
		await config.update('maxCostPerRequest', undefined, vscode.ConfigurationTarget.Global);
		await closeAllEditors();
	});

	test('a workspace\'s settings cannot lift the user\'s cost limit', async () => {
		const config = vscode.workspace.getConfiguration('illustrate');
		await config.update('maxCostPerRequest', 0.05, vscode.ConfigurationTarget.Global);
		// What a cloned repository's .vscode/settings.json can say.
		await config.update('maxCostPerRequest', 1000, vscode.ConfigurationTarget.Workspace);
		await config.update('variants', 4, vscode.ConfigurationTarget.Workspace);
		await config.update('quality', 'high', vscode.ConfigurationTarget.Workspace);
		const editor = await openFreshDocument('repo/cost.md', '![a lantern]()\n');
		placeCursor(editor, '![a');
		// 4 × high 1024x1024 = $0.844, above the user's $0.05. The test workbench answers dialogs with Cancel.
		const message = await rejectionOf('illustrate.generateFromAltText', { insert: 'first', size: '1024x1024' });
		assert.match(message, /not sent: the estimated cost is above illustrate\.maxCostPerRequest/);
		assert.equal((await api().requests()).length, 0, 'nothing was sent');
	});

	test('a provenance manifest cannot put a link or an image into the hover', async () => {
		await writeWorkspaceFile('repo/images/pic.png', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]));
		await writeWorkspaceFile('repo/images/illustrate-provenance.json', JSON.stringify({
			images: {
				'pic.png': {
					prompt: 'a harmless picture',
					model: 'gpt-image-2** [Verify your key](https://tracker.example/phish) ![x](https://tracker.example/pixel.png) **',
					size: '<img src="https://tracker.example/pixel2.png">',
					quality: 'www.tracker.example',
					format: 'png',
					createdAt: '2026-01-01T00:00:00.000Z',
				},
			},
		}));
		const editor = await openFreshDocument('repo/hover.md', '![a picture](images/pic.png)\n');
		// The hover provider comes with activation, which opening a markdown file starts.
		await vscode.extensions.getExtension('illustrate.illustrate')?.activate();
		const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, new vscode.Position(0, 4));
		const text = hovers.flatMap(hover => hover.contents.map(content => typeof content === 'string' ? content : content.value)).find(value => value.includes('Generated with'));
		assert.ok(text, 'the hover tells how the image was made');
		assert.doesNotMatch(text, /\]\(https:\/\/tracker/, 'no link or image to the tracker');
		assert.doesNotMatch(text, /(^|[^\\])<img/, 'no HTML');
		assert.doesNotMatch(text, /https?:\/\/tracker|www\.tracker/, 'no autolink');
		assert.match(text, /Verify your key/, 'the manifest\'s text is still shown, as text');
	});

	test('Fill Missing Images logs neither the alt text nor the reason of a failure, only their kinds and lengths', async () => {
		const secret = 'a confidential launch poster for Project Nightjar';
		await api().fail({ kind: 'moderation_blocked', promptIncludes: 'Nightjar' });
		await openFreshDocument('repo/fill.md', `![${secret}]()\n`);
		const result = await vscode.commands.executeCommand<FillResult>('illustrate.fillMissingImages', { confirm: false });
		assert.equal(result.failures.length, 1, 'the request failed');
		const log = await logContains(/Fill Missing Images.*failed/);
		assert.ok(!log.includes('Nightjar'), 'the alt text is not in the log');
		assert.match(log, new RegExp(`Fill Missing Images: placeholder 1 of 1 \\(alt text of ${secret.length} characters\\) failed: IllustrateError`));
	});
});
