import * as vscode from 'vscode';
import { altTextSource } from '../editor/editorTargets';
import { resolveLinkTarget } from '../editor/documentPlaceholders';
import { inputFromWorkspaceFile } from '../panel/editSession';
import { GeneratePanel } from '../panel/generatePanel';
import type { Services } from '../services';
import { IllustrateError } from '../core/errors';
import { fileExists } from '../platform/fileErrors';
import { readSettings } from '../settings/settings';
import { TrackedTarget } from '../workspace/trackedTarget';
import { ensureTrusted } from '../workspace/trust';
import type { Command } from './commandManager';

/**
 * `illustrate.editImage`: the panel in edit mode on the image linked under the cursor,
 * or on an image file right-clicked in the Explorer. Replace can overwrite that file.
 */
export class EditImageCommand implements Command {
	readonly id = 'illustrate.editImage';

	constructor(private readonly services: Services) { }

	async execute(resource?: unknown): Promise<void> {
		if (!(await ensureTrusted(false))) {
			return;
		}
		try {
			let file: vscode.Uri | undefined;
			let target: TrackedTarget | undefined;
			if (resource instanceof vscode.Uri) {
				file = resource;
			} else {
				const editor = vscode.window.activeTextEditor;
				const source = editor ? altTextSource(editor) : undefined;
				if (!editor || !source) {
					throw new IllustrateError(vscode.l10n.t('Put the cursor in a link to an image, or right-click an image file in the Explorer, then run Edit Image again.'));
				}
				file = source.url ? resolveLinkTarget(editor.document, source.url) : undefined;
				if (!file) {
					throw new IllustrateError(vscode.l10n.t('This image has no picture yet: use "Generate Image from Alt Text" first.'));
				}
				if (!(await fileExists(file))) {
					throw new IllustrateError(vscode.l10n.t('{0} does not exist yet: use "Generate Image from Alt Text" to create it.', vscode.workspace.asRelativePath(file)));
				}
				target = new TrackedTarget(editor.document.uri, source.target, source.alt);
			}
			const input = await inputFromWorkspaceFile(file, this.services.store);
			const settings = readSettings(target?.documentUri ?? file);
			GeneratePanel.showEdit(this.services, { source: input, references: [], linkedFile: file, chain: [] }, target, {
				prompt: '',
				model: settings.model,
				quality: settings.quality,
				size: 'auto',
				n: 1,
				outputFormat: input.format,
			});
		} catch (error) {
			void vscode.window.showErrorMessage(error instanceof Error ? error.message : String(error));
		}
	}
}
