import * as vscode from 'vscode';
import { addStylePresets, type StylePreset } from '../core/prompt/stylePresets';
import { describeFileError, isFileNotFound } from '../platform/fileErrors';

/** Until src/panel/generatePanel.ts imports them from ../core/prompt/stylePresets (the lead applies it after merging). */

/** Where a team keeps its named style instructions, per workspace folder. */
export const STYLE_PRESETS_FILE = '.vscode/illustrate-styles.json';

/**
 * Reads the style presets of the workspace folder holding `resource` (or of every folder):
 * `{ "styles": { "Flat diagram": "flat vector diagram, pastel palette, white background" } }`.
 * A missing file means no presets; an unreadable or malformed one means none from it, with a warning in the log.
 */
export async function loadStylePresets(resource: vscode.Uri | undefined, log?: Pick<vscode.LogOutputChannel, 'warn'>): Promise<StylePreset[]> {
	const folder = resource ? vscode.workspace.getWorkspaceFolder(resource) : undefined;
	const folders = folder ? [folder] : vscode.workspace.workspaceFolders ?? [];
	const presets: StylePreset[] = [];
	for (const candidate of folders) {
		const file = vscode.Uri.joinPath(candidate.uri, STYLE_PRESETS_FILE);
		let text: string;
		try {
			text = new TextDecoder().decode(await vscode.workspace.fs.readFile(file));
		} catch (error) {
			if (!isFileNotFound(error)) {
				log?.warn(`${file.fsPath} could not be read (${describeFileError(error)}), so its style presets are not offered: ${error}`);
			}
			continue;
		}
		try {
			addStylePresets(text, presets);
		} catch (error) {
			log?.warn(`${file.fsPath} is not valid JSON, so its style presets are not offered: ${error}`);
		}
	}
	return presets;
}
