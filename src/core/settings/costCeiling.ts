/** A setting's values per layer, as `WorkspaceConfiguration.inspect()` reports them. */
export interface SettingLayers {
	readonly defaultValue?: unknown;
	readonly globalValue?: unknown;
	readonly workspaceValue?: unknown;
	readonly workspaceFolderValue?: unknown;
	readonly defaultLanguageValue?: unknown;
	readonly globalLanguageValue?: unknown;
	readonly workspaceLanguageValue?: unknown;
	readonly workspaceFolderLanguageValue?: unknown;
}

function usdLimit(value: unknown): number | undefined {
	return typeof value === 'number' && Number.isFinite(value) && value >= 0 ? value : undefined;
}

/**
 * The cost limit that applies: the user's own (user settings, else the default) is a
 * ceiling, and a workspace or folder value (a cloned repository's `.vscode/settings.json`)
 * can only lower it, never lift or remove it. Undefined: no limit anywhere.
 */
export function costCeiling(layers: SettingLayers | undefined): number | undefined {
	if (!layers) {
		return undefined;
	}
	const user = usdLimit(layers.globalLanguageValue) ?? usdLimit(layers.globalValue) ?? usdLimit(layers.defaultLanguageValue) ?? usdLimit(layers.defaultValue);
	const workspace = [layers.workspaceValue, layers.workspaceFolderValue, layers.workspaceLanguageValue, layers.workspaceFolderLanguageValue]
		.map(usdLimit)
		.filter((value): value is number => value !== undefined);
	const limits = user === undefined ? workspace : [user, ...workspace];
	return limits.length > 0 ? Math.min(...limits) : undefined;
}
