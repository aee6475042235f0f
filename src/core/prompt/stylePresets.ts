/** A named style instruction shared in the workspace, for example "Flat diagram". */
export interface StylePreset {
	readonly name: string;
	readonly instruction: string;
}

/** Longest preset name offered in a picker. */
const MAX_NAME_LENGTH = 80;

/**
 * The presets in a styles file's text, `{ "styles": { "Flat diagram": "flat vector diagram, …" } }`,
 * added to `into` (a name already there keeps its first instruction). Entries that are not a
 * non-empty name with a non-empty string are skipped; throws a `SyntaxError` when the text is not JSON.
 */
export function addStylePresets(text: string, into: StylePreset[]): void {
	const parsed = JSON.parse(text) as { styles?: unknown } | null;
	const styles = parsed?.styles;
	if (typeof styles !== 'object' || styles === null || Array.isArray(styles)) {
		return;
	}
	for (const [name, instruction] of Object.entries(styles)) {
		if (typeof instruction === 'string' && name.trim() && instruction.trim() && !into.some(preset => preset.name === name)) {
			into.push({ name: name.trim().slice(0, MAX_NAME_LENGTH), instruction: instruction.trim() });
		}
	}
}

/** The prompt sent for a prompt and a style: the style's instruction after the subject. */
export function applyStyle(prompt: string, preset: StylePreset | undefined): string {
	return preset ? `${prompt.trim()}\n\nStyle: ${preset.instruction}` : prompt;
}
