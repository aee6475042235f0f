import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { GenerateCommandResult } from '../../src/commands/generateCommands';
import { api, closeAllEditors, openFreshDocument, placeCursor, rejectionOf, removeIfPresent } from './helpers';

suite('Cost', () => {
	setup(async () => {
		await api().reset();
		await removeIfPresent('cost');
	});

	teardown(async () => {
		await vscode.workspace.getConfiguration('illustrate').update('maxCostPerRequest', undefined, vscode.ConfigurationTarget.Global);
		await closeAllEditors();
	});

	test('the cost a scripted call reports is the sum of the usage of its requests', async () => {
		const editor = await openFreshDocument('cost/a.md', '![a lantern]()\n');
		placeCursor(editor, '![a');
		const result = await vscode.commands.executeCommand<GenerateCommandResult>('illustrate.generateFromAltText', { insert: 'first', variants: 3, quality: 'medium', size: '1536x1024' });
		const requests = await api().requests();
		assert.equal(requests.length, 3);
		// The test server prices medium 1024x1024 at 1767 output tokens, scaled by pixels; text at 5 USD per million.
		const outputTokens = Math.round(1767 * (1536 * 1024) / (1024 * 1024));
		const textTokens = Math.ceil('a lantern'.length / 4);
		const expected = 3 * (outputTokens * 30 + textTokens * 5) / 1e6;
		assert.ok(Math.abs((result.costUsd ?? 0) - expected) < 1e-9, `${result.costUsd} ≠ ${expected}`);
	});

	test('above illustrate.maxCostPerRequest the user is asked, and declining sends nothing', async () => {
		await vscode.workspace.getConfiguration('illustrate').update('maxCostPerRequest', 0.05, vscode.ConfigurationTarget.Global);
		const editor = await openFreshDocument('cost/b.md', '![a lantern]()\n');
		placeCursor(editor, '![a');
		// 4 × high 1024x1024 = $0.844: above the limit. The test workbench answers dialogs with Cancel.
		const message = await rejectionOf('illustrate.generateFromAltText', { insert: 'first', variants: 4, quality: 'high', size: '1024x1024' });
		assert.match(message, /not sent: the estimated cost is above illustrate\.maxCostPerRequest/);
		assert.equal((await api().requests()).length, 0);
		assert.equal(editor.document.getText(), '![a lantern]()\n');
	});

	test('below the limit nothing is asked', async () => {
		await vscode.workspace.getConfiguration('illustrate').update('maxCostPerRequest', 0.05, vscode.ConfigurationTarget.Global);
		const editor = await openFreshDocument('cost/c.md', '![a lantern]()\n');
		placeCursor(editor, '![a');
		const result = await vscode.commands.executeCommand<GenerateCommandResult>('illustrate.generateFromAltText', { insert: 'first', variants: 2, quality: 'low', size: '1024x1024' });
		assert.equal(result.files.length, 1);
		assert.equal((await api().requests()).length, 2);
	});
});
