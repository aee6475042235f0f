import * as vscode from 'vscode';
import { isInside } from '../core/destination/destination';
import { IllustrateError } from '../core/errors';
import { readImageInfo } from '../core/images/imageInfo';
import { fileExists } from '../platform/fileErrors';
import { readSettings } from '../settings/settings';
import { keptInHistory, type HistoryImage, type ImageHistory } from './imageHistory';
import { recordProvenance } from './provenanceWriter';
import { assertWritable, ScopedWorkspaceEdit, writeScopeOfWorkspaceFile } from './workspaceWriter';

/**
 * Replace and Restore: overwrites a workspace image with a new one and puts the old bytes
 * back, keeping whatever is overwritten in the history first, so nothing is lost either way.
 */
export class ImageReplacer {
	constructor(private readonly history: ImageHistory, private readonly log?: vscode.LogOutputChannel) { }

	/**
	 * Overwrites a workspace image with a new one, after keeping its old bytes in the
	 * history (from where Restore puts them back). One undoable edit.
	 */
	async replace(file: vscode.Uri, image: HistoryImage, alt: string): Promise<void> {
		const scope = writeScopeOfWorkspaceFile(file);
		if (!scope || !isInside(file.path, scope.folder.path)) {
			throw new IllustrateError(vscode.l10n.t('{0} is not inside a workspace folder, so Illustrate does not overwrite it.', file.fsPath));
		}
		await assertWritable([file], scope);
		const old = await vscode.workspace.fs.readFile(file);
		const oldFormat = readImageInfo(old)?.format ?? image.format;
		if (oldFormat !== image.format) {
			throw new IllustrateError(vscode.l10n.t('{0} is {1} and the new image is {2}: pick that format, or use Insert to save it under a new name.', vscode.workspace.asRelativePath(file), oldFormat.toUpperCase(), image.format.toUpperCase()));
		}
		await this.history.save(old, { prompt: vscode.l10n.t('The earlier {0}, replaced by Illustrate', vscode.workspace.asRelativePath(file)), model: '', size: '', quality: '', operation: 'replaced', originalUri: file.toString() }, oldFormat);
		const edit = new ScopedWorkspaceEdit(scope);
		edit.createFile(file, await this.history.read(image), { overwrite: true });
		if (!(await edit.apply({ more: keptInHistory() }))) {
			throw new IllustrateError(vscode.l10n.t('Could not overwrite {0}: check that it is writable. The new image is kept in Illustrate: Show Generated Images.', vscode.workspace.asRelativePath(file)));
		}
		await recordProvenance(readSettings(file).provenance, [file], [image], alt, scope, this.log);
	}

	/** Puts the bytes a Replace overwrote back into their file; the bytes it holds now go to the history first. */
	async restore(replaced: HistoryImage): Promise<vscode.Uri> {
		if (!replaced.originalUri) {
			throw new IllustrateError(vscode.l10n.t('This image did not come from a replaced file.'));
		}
		const file = vscode.Uri.parse(replaced.originalUri, true);
		const scope = writeScopeOfWorkspaceFile(file);
		if (!scope || !isInside(file.path, scope.folder.path)) {
			throw new IllustrateError(vscode.l10n.t('{0} is not in this workspace: open its folder to restore it.', file.fsPath));
		}
		// Before reading what the file holds now, and again right before the write.
		await assertWritable([file], scope);
		if (await fileExists(file)) {
			const current = await vscode.workspace.fs.readFile(file);
			await this.history.save(current, { prompt: vscode.l10n.t('{0} before a restore', vscode.workspace.asRelativePath(file)), model: '', size: '', quality: '', operation: 'replaced', originalUri: file.toString() }, readImageInfo(current)?.format ?? replaced.format);
		}
		const edit = new ScopedWorkspaceEdit(scope);
		edit.createFile(file, await this.history.read(replaced), { overwrite: true });
		if (!(await edit.apply())) {
			throw new IllustrateError(vscode.l10n.t('Could not write {0}: check that it is writable.', vscode.workspace.asRelativePath(file)));
		}
		return file;
	}
}
