import * as vscode from 'vscode';
import { writeTargetRefusal } from '../core/destination/writeTarget';
import { IllustrateError } from '../core/errors';
import { leavesThroughLink } from './realPath';

/**
 * The folder every write of one action stays in: the document's workspace folder, or the
 * document's own folder when it is in none.
 */
export interface WriteScope {
	readonly folder: vscode.Uri;
	/** The workspace folder, for messages; undefined when `folder` is the document's folder. */
	readonly workspaceFolder?: vscode.WorkspaceFolder;
}

/** The scope of writes made for a document: its workspace folder, else its own folder. */
export function writeScopeOfDocument(document: vscode.Uri): WriteScope {
	const workspaceFolder = vscode.workspace.getWorkspaceFolder(document);
	return workspaceFolder ? { folder: workspaceFolder.uri, workspaceFolder } : { folder: vscode.Uri.joinPath(document, '..') };
}

/** The scope of writes to an existing workspace file (Replace, Restore): its workspace folder, if it is in one. */
export function writeScopeOfWorkspaceFile(file: vscode.Uri): WriteScope | undefined {
	const workspaceFolder = vscode.workspace.getWorkspaceFolder(file);
	return workspaceFolder ? { folder: workspaceFolder.uri, workspaceFolder } : undefined;
}

function refusalMessage(target: vscode.Uri, scope: WriteScope, throughLink: boolean): string {
	const name = target.scheme === scope.folder.scheme && target.authority === scope.folder.authority
		? vscode.workspace.asRelativePath(target)
		: target.toString(true);
	if (throughLink) {
		return scope.workspaceFolder
			? vscode.l10n.t('{0} leads outside the workspace folder {1} through a symbolic link, so Illustrate does not write there.', name, scope.workspaceFolder.name)
			: vscode.l10n.t('{0} leads outside the document\'s folder through a symbolic link, so Illustrate does not write there.', name);
	}
	return scope.workspaceFolder
		? vscode.l10n.t('{0} is outside the workspace folder {1}, so Illustrate does not write there.', name, scope.workspaceFolder.name)
		: vscode.l10n.t('{0} is outside the document\'s folder, so Illustrate does not write there.', name);
}

/**
 * Why writing any of `targets` now would leave the scope, or undefined when none would: by the
 * text of its URI (another file system, `..`, an absolute path or a scheme after the folder),
 * then on disk (a symbolic link at the file or at any folder above it). Call it right before
 * the write: a check made earlier says nothing about links made since.
 */
export async function writeRefusal(targets: readonly vscode.Uri[], scope: WriteScope): Promise<string | undefined> {
	for (const target of targets) {
		if (writeTargetRefusal(target, scope.folder)) {
			return refusalMessage(target, scope, false);
		}
	}
	// Every target asked at once; the first refused in their order is told.
	const throughLink = await Promise.all(targets.map(target => leavesThroughLink(target, scope.folder)));
	const refused = targets.find((_, index) => throughLink[index]);
	return refused ? refusalMessage(refused, scope, true) : undefined;
}

/** Throws the refusal for `targets` (see {@link writeRefusal}), with `more` after it. */
export async function assertWritable(targets: readonly vscode.Uri[], scope: WriteScope, more?: string): Promise<void> {
	const refusal = await writeRefusal(targets, scope);
	if (refusal !== undefined) {
		throw new IllustrateError(more ? `${refusal} ${more}` : refusal);
	}
}

/** Writes a file of the workspace once it is checked to stay in the scope. */
export async function writeWorkspaceFile(file: vscode.Uri, bytes: Uint8Array, scope: WriteScope): Promise<void> {
	await assertWritable([file], scope);
	await vscode.workspace.fs.writeFile(file, bytes);
}

/**
 * Copies files (images of the history, in the extension's storage) to new files of the
 * workspace: every target checked to stay in the scope right before the copies, none made over
 * a file that is there. Where both file systems are local the bytes never pass through the
 * extension host's main thread. When a copy fails, the copies made are deleted (they did not
 * exist before) and its error is thrown. Resolves once every file is there.
 */
export async function copyIntoWorkspace(copies: readonly { readonly source: vscode.Uri; readonly target: vscode.Uri }[], scope: WriteScope, more?: string): Promise<void> {
	await assertWritable(copies.map(copy => copy.target), scope, more);
	const folders = new Map(copies.map(copy => {
		const folder = vscode.Uri.joinPath(copy.target, '..');
		return [folder.toString(), folder];
	}));
	await Promise.all([...folders.values()].map(folder => vscode.workspace.fs.createDirectory(folder)));
	const results = await Promise.allSettled(copies.map(copy => vscode.workspace.fs.copy(copy.source, copy.target, { overwrite: false })));
	const failed = results.find((result): result is PromiseRejectedResult => result.status === 'rejected');
	if (failed) {
		await removeCopies(copies.filter((_, index) => results[index].status === 'fulfilled').map(copy => copy.target));
		throw failed.reason;
	}
}

/** Deletes files {@link copyIntoWorkspace} made, when the step they were made for failed; a file already gone is no error. */
export async function removeCopies(files: readonly vscode.Uri[]): Promise<void> {
	await Promise.all(files.map(async file => {
		try {
			await vscode.workspace.fs.delete(file, { useTrash: false });
		} catch {
			// Gone already, or not deletable: nothing links it.
		}
	}));
}

/**
 * A workspace edit that creates files with their bytes and changes text, applied as one
 * undoable step after every file it writes is checked against the scope. The only way
 * Illustrate writes files into a workspace, besides {@link writeWorkspaceFile}.
 */
export class ScopedWorkspaceEdit {
	private readonly edit = new vscode.WorkspaceEdit();
	private readonly writes: vscode.Uri[] = [];

	constructor(private readonly scope: WriteScope) { }

	/** Creates `file` holding `contents` (replacing what is there only with `overwrite`); undo removes it, redo brings the same bytes back. */
	createFile(file: vscode.Uri, contents: Uint8Array, options: { readonly overwrite: boolean }): void {
		this.writes.push(file);
		this.edit.createFile(file, options.overwrite ? { overwrite: true, contents } : { overwrite: false, ignoreIfExists: false, contents });
	}

	/** Changes text of an open document (the document an action works on; it is saved by the user). */
	replace(document: vscode.Uri, range: vscode.Range, text: string): void {
		this.edit.replace(document, range, text);
	}

	/**
	 * Checks every file it creates, then applies the edit. Throws the refusal (with `more` after
	 * it) when a file would leave the scope; false when VS Code could not apply the edit.
	 * `addText` runs between the check and the edit with nothing awaited in between, so text
	 * changes it adds are computed from the document as the edit finds it.
	 */
	async apply(options: { readonly more?: string; readonly metadata?: vscode.WorkspaceEditMetadata; readonly addText?: (edit: ScopedWorkspaceEdit) => void } = {}): Promise<boolean> {
		await assertWritable(this.writes, this.scope, options.more);
		options.addText?.(this);
		return vscode.workspace.applyEdit(this.edit, options.metadata);
	}
}
