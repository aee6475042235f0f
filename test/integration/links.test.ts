import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { GenerateCommandResult } from '../../src/commands/generateCommands';
import { api, closeAllEditors, exists, openFreshDocument, placeCursor, removeIfPresent, workspaceRoot } from './helpers';

const config = () => vscode.workspace.getConfiguration('illustrate');

suite('Links: percent-encoded targets and scheme-like paths (issue #14)', () => {
	setup(async () => {
		await api().reset();
		await removeIfPresent('linknames');
	});

	teardown(async () => {
		await config().update('destination', undefined, vscode.ConfigurationTarget.Global);
		await closeAllEditors();
	});

	const documents: Array<[string, string, string]> = [
		['Markdown', 'linknames/page.md', '![a red fox](images/red%20fox.png)\n'],
		['HTML in Markdown', 'linknames/inline.md', '<img src="images/red%20fox.png" alt="a red fox">\n'],
		['reStructuredText', 'linknames/page.rst', '.. image:: images/red%20fox.png\n   :alt: a red fox\n'],
		['AsciiDoc', 'linknames/page.adoc', 'image::images/red%20fox.png[a red fox]\n'],
	];
	for (const [format, path, text] of documents) {
		test(`${format}: a link to the missing images/red%20fox.png is filled as the file "red fox.png", the link kept`, async () => {
			const editor = await openFreshDocument(path, text);
			placeCursor(editor, 'red');
			const result = await vscode.commands.executeCommand<GenerateCommandResult>('illustrate.generateFromAltText', { insert: 'first', variants: 1, quality: 'low' });
			const saved = vscode.Uri.joinPath(workspaceRoot(), 'linknames', 'images', 'red fox.png');
			assert.equal(vscode.Uri.parse(result.files[0]).path, saved.path);
			assert.ok(await exists(saved), 'the file is on disk under its decoded name');
			assert.equal(await exists(vscode.Uri.joinPath(workspaceRoot(), 'linknames', 'images', 'red%20fox.png')), false, 'and not under the encoded one');
			assert.equal(editor.document.getText(), text);
		});
	}

	test('a destination whose first folder has a colon: the link starts with ./ so it is no URL scheme', async () => {
		await config().update('destination', { '**/*.md': 'C:/' }, vscode.ConfigurationTarget.Global);
		const editor = await openFreshDocument('linknames/colon.md', '![a kite]()\n');
		placeCursor(editor, '![a');
		const result = await vscode.commands.executeCommand<GenerateCommandResult>('illustrate.generateFromAltText', { insert: 'first', variants: 1, quality: 'low' });
		assert.equal(vscode.Uri.parse(result.files[0]).path, vscode.Uri.joinPath(workspaceRoot(), 'linknames', 'C:', 'a-kite.png').path);
		assert.equal(editor.document.getText(), '![a kite](./C:/a-kite.png)\n');
	});
});
