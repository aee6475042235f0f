import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ImageApiControl } from '../server/controlClient';

export const api = (): ImageApiControl => ImageApiControl.fromEnvironment();

export function workspaceRoot(): vscode.Uri {
	const folder = vscode.workspace.workspaceFolders?.[0];
	assert.ok(folder, 'the tests need an open workspace folder');
	return folder.uri;
}

/** Writes a fresh document into the workspace and opens it in an editor. */
export async function openFreshDocument(relativePath: string, content: string): Promise<vscode.TextEditor> {
	const uri = vscode.Uri.joinPath(workspaceRoot(), relativePath);
	await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(content));
	const document = await vscode.workspace.openTextDocument(uri);
	return vscode.window.showTextDocument(document);
}

/** Puts the cursor just after the first occurrence of `marker` (or selects it). */
export function placeCursor(editor: vscode.TextEditor, marker: string, options: { select?: boolean } = {}): void {
	const text = editor.document.getText();
	const at = text.indexOf(marker);
	assert.ok(at >= 0, `"${marker}" is not in the document`);
	const start = editor.document.positionAt(at);
	const end = editor.document.positionAt(at + marker.length);
	editor.selection = options.select ? new vscode.Selection(start, end) : new vscode.Selection(end, end);
}

export async function readWorkspaceFile(uri: vscode.Uri): Promise<Uint8Array> {
	return vscode.workspace.fs.readFile(uri);
}

export async function exists(uri: vscode.Uri): Promise<boolean> {
	try {
		await vscode.workspace.fs.stat(uri);
		return true;
	} catch {
		return false;
	}
}

/** Removes a folder of the workspace between tests. */
export async function removeIfPresent(relativePath: string): Promise<void> {
	const uri = vscode.Uri.joinPath(workspaceRoot(), relativePath);
	if (await exists(uri)) {
		await vscode.workspace.fs.delete(uri, { recursive: true, useTrash: false });
	}
}

/** Saves and closes every editor, so no save dialog comes up. */
export async function closeAllEditors(): Promise<void> {
	await vscode.workspace.saveAll(false);
	await vscode.commands.executeCommand('workbench.action.closeAllEditors');
}

/** Runs a command and returns the message it rejected with. */
export async function rejectionOf(command: string, ...args: unknown[]): Promise<string> {
	try {
		await vscode.commands.executeCommand(command, ...args);
	} catch (error) {
		return error instanceof Error ? error.message : String(error);
	}
	assert.fail(`${command} resolved; it should have rejected`);
}

export function bytesEqual(actual: Uint8Array, expected: Uint8Array): boolean {
	return actual.length === expected.length && actual.every((byte, index) => byte === expected[index]);
}

/** Every final image the test server sent, with the request it answered. */
export async function sentImages(): Promise<{ requestId: string; index: number; bytes: Uint8Array }[]> {
	const control = api();
	const sent: { requestId: string; index: number; bytes: Uint8Array }[] = [];
	for (const request of await control.requests()) {
		for (const image of request.images) {
			sent.push({ requestId: request.id, index: image.index, bytes: await control.imageBytes(request.id, image.index) });
		}
	}
	return sent;
}
