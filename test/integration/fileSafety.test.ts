import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { waitFor } from '../harness/waitFor';
import type { GenerateCommandResult } from '../../src/commands/generateCommands';
import { api, bytesEqual, closeAllEditors, exists, openFreshDocument, placeCursor, readWorkspaceFile, rejectionOf, removeIfPresent, sentImages, workspaceRoot } from './helpers';

/** The image files Illustrate keeps in its history (global storage). */
function historyImages(): Buffer[] {
	const userData = process.env.ILLUSTRATE_TEST_USER_DATA;
	assert.ok(userData, 'ILLUSTRATE_TEST_USER_DATA is set by the harness');
	const folder = join(userData, 'User', 'globalStorage', 'illustrate.illustrate', 'images');
	return existsSync(folder) ? readdirSync(folder).filter(name => !name.endsWith('.json')).map(name => readFileSync(join(folder, name))) : [];
}

async function assertEverySentImageInHistory(): Promise<void> {
	const kept = historyImages();
	const sent = await sentImages();
	assert.ok(sent.length > 0, 'the server sent images');
	for (const image of sent) {
		assert.ok(kept.some(bytes => bytesEqual(bytes, image.bytes)), `image ${image.index} of ${image.requestId} is in the history`);
	}
}

/** Waits until the test server has received `count` requests. */
async function requestsReceived(count: number): Promise<void> {
	await waitFor(async () => (await api().requests()).length >= count, `the server received ${count} request(s)`, 20_000);
}

/**
 * Starts Generate from Alt Text with the cursor after `marker`, and returns once the request
 * is at the server, its image held back until `api().releaseFinals()`.
 */
async function generateHeld(editor: vscode.TextEditor, marker: string): Promise<{ running: Thenable<GenerateCommandResult> }> {
	placeCursor(editor, marker);
	await api().configure({ holdFinals: true });
	const running = vscode.commands.executeCommand<GenerateCommandResult>('illustrate.generateFromAltText', { insert: 'first', variants: 1, quality: 'low' });
	await requestsReceived(1);
	// In an object: an async function returning the thenable itself would wait for it.
	return { running };
}

suite('The user\'s files are safe while images are generated', () => {
	setup(async () => {
		await api().reset();
		await removeIfPresent('safety');
	});

	teardown(async () => {
		await api().reset();
		await closeAllEditors();
	});

	test('a destination that cannot be written: a clear message, the document unchanged, the image kept in history', async () => {
		const editor = await openFreshDocument('safety/blocked.md', '![a paper boat]()\n');
		// A file where the images folder should be: nothing can be created inside it (as with a read-only folder or a full disk).
		await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(workspaceRoot(), 'safety', 'images'), new TextEncoder().encode('not a folder'));
		placeCursor(editor, '![a paper');
		const message = await rejectionOf('illustrate.generateFromAltText', { insert: 'first', variants: 1, quality: 'low' });
		assert.match(message, /Could not write images\/a-paper-boat\.png beside safety\/blocked\.md \(a file is where a folder should be\): check that the folder is writable.*kept in Illustrate: Show Generated Images/);
		assert.equal(editor.document.getText(), '![a paper boat]()\n');
		assert.equal(new TextDecoder().decode(await readWorkspaceFile(vscode.Uri.joinPath(workspaceRoot(), 'safety', 'images'))), 'not a folder');
		await assertEverySentImageInHistory();
	});

	test('the document edited while generating: the link goes where the placeholder is now', async () => {
		const editor = await openFreshDocument('safety/edited.md', '# Edited\n\n![a kite over a hill]()\n');
		const { running } = await generateHeld(editor, '![a kite');
		await editor.edit(edit => edit.insert(new vscode.Position(1, 0), '\nA paragraph written while the image was on its way.\n'));
		await api().releaseFinals();
		const result = await running;
		assert.equal(result.files.length, 1);
		assert.equal(editor.document.getText(), '# Edited\n\nA paragraph written while the image was on its way.\n\n![a kite over a hill](images/a-kite-over-a-hill.png)\n');
	});

	test('the placeholder deleted while generating: the user is told, nothing is written, the image is kept', async () => {
		const editor = await openFreshDocument('safety/deleted.md', '# Deleted\n\n![a lantern in fog]()\n\nEnd.\n');
		const running = (await generateHeld(editor, '![a lantern')).running.then(() => '', (error: Error) => error.message);
		await editor.edit(edit => edit.delete(new vscode.Range(2, 0, 4, 0)));
		await api().releaseFinals();
		assert.match(await running, /The image "a lantern in fog" is no longer in safety\/deleted\.md\. Nothing was written\. The images are kept in Illustrate: Show Generated Images\./);
		assert.equal(editor.document.getText(), '# Deleted\n\nEnd.\n');
		assert.equal(await exists(vscode.Uri.joinPath(workspaceRoot(), 'safety', 'images')), false, 'no image folder was made');
		await assertEverySentImageInHistory();
	});

	test('the document closed while generating: the link still lands in it', async () => {
		const editor = await openFreshDocument('safety/closed.md', '![a compass rose]()\n');
		const { running } = await generateHeld(editor, '![a compass');
		await closeAllEditors();
		await api().releaseFinals();
		await running;
		const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(workspaceRoot(), 'safety', 'closed.md'));
		assert.equal(document.getText(), '![a compass rose](images/a-compass-rose.png)\n');
		const saved = await readWorkspaceFile(vscode.Uri.joinPath(workspaceRoot(), 'safety', 'images', 'a-compass-rose.png'));
		assert.equal((await sentImages()).filter(sent => bytesEqual(saved, sent.bytes)).length, 1);
	});
});
