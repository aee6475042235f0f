import * as vscode from 'vscode';

/** Where a team keeps its named style instructions, per workspace folder. */
export const STYLE_PRESETS_FILE = '.vscode/illustrate-styles.json';

/** A named style instruction shared in the workspace, for example "Flat diagram". */
export interface StylePreset {
	readonly name: string;
	readonly instruction: string;
}

/**
 * Reads the style presets of the workspace folder holding `resource` (or of every folder):
 * `{ "styles": { "Flat diagram": "flat vector diagram, pastel palette, white background" } }`.
 * A missing or malformed file means no presets, never an error.
 */
export async function loadStylePresets(resource: vscode.Uri | undefined, log?: vscode.LogOutputChannel): Promise<StylePreset[]> {
	const folder = resource ? vscode.workspace.getWorkspaceFolder(resource) : undefined;
	const folders = folder ? [folder] : vscode.workspace.workspaceFolders ?? [];
	const presets: StylePreset[] = [];
	for (const candidate of folders) {
		const file = vscode.Uri.joinPath(candidate.uri, STYLE_PRESETS_FILE);
		let text: string;
		try {
			text = new TextDecoder().decode(await vscode.workspace.fs.readFile(file));
		} catch {
			continue;
		}
		try {
			const parsed = JSON.parse(text) as { styles?: unknown };
			const styles = parsed.styles;
			if (typeof styles === 'object' && styles !== null && !Array.isArray(styles)) {
				for (const [name, instruction] of Object.entries(styles)) {
					if (typeof instruction === 'string' && name.trim() && instruction.trim() && !presets.some(preset => preset.name === name)) {
						presets.push({ name: name.trim().slice(0, 80), instruction: instruction.trim() });
					}
				}
			}
		} catch (error) {
			log?.warn(`${file.fsPath} is not valid JSON, so its style presets are not offered: ${error}`);
		}
	}
	return presets;
}

/** The prompt sent for a prompt and a style: the style's instruction after the subject. */
export function applyStyle(prompt: string, preset: StylePreset | undefined): string {
	return preset ? `${prompt.trim()}\n\nStyle: ${preset.instruction}` : prompt;
}
