import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { GenerateCommandResult } from '../../src/commands/generateCommands';
import { createServer } from 'node:net';
import { waitFor } from '../harness/waitFor';
import { api, closeAllEditors, openFreshDocument, placeCursor, rejectionOf, removeIfPresent, workspaceRoot } from './helpers';

/** A loopback address nothing listens on any more: a request sent there is refused. */
let UNREACHABLE = 'http://127.0.0.1:9/v1';

async function closedPort(): Promise<number> {
	const server = createServer();
	await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
	const port = (server.address() as { port: number }).port;
	await new Promise(resolve => server.close(resolve));
	return port;
}

suite('Endpoint: illustrate.baseUrl and OPENAI_BASE_URL', () => {
	let savedBaseUrl: string | undefined;

	suiteSetup(async () => {
		UNREACHABLE = `http://127.0.0.1:${await closedPort()}/v1`;
	});

	setup(async () => {
		await api().reset();
		await removeIfPresent('endpoint');
		savedBaseUrl = process.env.OPENAI_BASE_URL;
	});

	teardown(async () => {
		process.env.OPENAI_BASE_URL = savedBaseUrl;
		await vscode.workspace.getConfiguration('illustrate').update('baseUrl', undefined, vscode.ConfigurationTarget.Global);
		await removeIfPresent('.vscode');
		await closeAllEditors();
	});

	test('illustrate.baseUrl in user settings wins over OPENAI_BASE_URL', async () => {
		process.env.OPENAI_BASE_URL = UNREACHABLE;
		await vscode.workspace.getConfiguration('illustrate').update('baseUrl', savedBaseUrl, vscode.ConfigurationTarget.Global);
		const editor = await openFreshDocument('endpoint/a.md', '![a kite]()\n');
		placeCursor(editor, '![a');
		const result = await vscode.commands.executeCommand<GenerateCommandResult>('illustrate.generateFromAltText', { insert: 'first', variants: 1, quality: 'low' });
		assert.equal(result.files.length, 1);
		assert.equal((await api().requests()).length, 1);
	});

	test('OPENAI_BASE_URL is honoured when illustrate.baseUrl is unset, and an unreachable endpoint says so', async () => {
		process.env.OPENAI_BASE_URL = UNREACHABLE;
		const editor = await openFreshDocument('endpoint/b.md', '![a kite]()\n');
		placeCursor(editor, '![a');
		const message = await rejectionOf('illustrate.generateFromAltText', { insert: 'first', variants: 1, quality: 'low' });
		assert.equal(message, `Illustrate: Could not reach ${UNREACHABLE}. Check your network connection (or illustrate.baseUrl), then try again.`);
		assert.equal((await api().requests()).length, 0);
		assert.equal(editor.document.getText(), '![a kite]()\n');
	});

	test('a workspace cannot redirect the key: illustrate.baseUrl in .vscode/settings.json is ignored', async () => {
		const settings = vscode.Uri.joinPath(workspaceRoot(), '.vscode', 'settings.json');
		// A window setting beside it shows when VS Code has read the file (illustrate.baseUrl is
		// machine-scoped: VS Code itself drops it from workspace settings, so it cannot show that).
		await vscode.workspace.fs.writeFile(settings, new TextEncoder().encode(JSON.stringify({ 'illustrate.baseUrl': UNREACHABLE, 'editor.tabSize': 7 })));
		await waitFor(() => vscode.workspace.getConfiguration('editor').inspect('tabSize')?.workspaceValue === 7, 'VS Code read .vscode/settings.json');
		const editor = await openFreshDocument('endpoint/c.md', '![a kite]()\n');
		placeCursor(editor, '![a');
		const result = await vscode.commands.executeCommand<GenerateCommandResult>('illustrate.generateFromAltText', { insert: 'first', variants: 1, quality: 'low' });
		assert.equal(result.files.length, 1);
		const [request] = await api().requests();
		assert.equal(request.authorization, `Bearer ${process.env.OPENAI_API_KEY}`);
	});
});
