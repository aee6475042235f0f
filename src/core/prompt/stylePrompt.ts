/** A named style instruction shared in the workspace, for example "Flat diagram". */
export interface StylePreset {
	readonly name: string;
	readonly instruction: string;
}

/** The prompt sent for a prompt and a style: the style's instruction after the subject. */
export function applyStyle(prompt: string, preset: StylePreset | undefined): string {
	return preset ? `${prompt.trim()}\n\nStyle: ${preset.instruction}` : prompt;
}
