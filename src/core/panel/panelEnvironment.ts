import * as l10n from '@vscode/l10n';
import { selectableModels } from '../models/capabilities';
import type { Provider } from '../models/provider';

/** What the panel's form needs to know of the settings and the date (the protocol's `PanelEnvironment`). */
export interface PanelEnvironmentView {
	readonly models: readonly { readonly id: string; readonly label: string; readonly note?: string }[];
	readonly today: string;
	readonly allowUnknownModels: boolean;
	readonly maxCostPerRequest?: number;
	readonly styles: readonly string[];
}

/** The settings the panel's environment depends on. */
export interface EnvironmentSettings {
	readonly provider: Provider;
	readonly maxCostPerRequest: number | undefined;
}

/**
 * The models the pickers offer on `today` (a deprecated one labelled with its shutdown date
 * and a note naming its replacement), the cost limit, the style names, and whether any model
 * name goes (an OpenAI-compatible endpoint).
 */
export function panelEnvironmentOf(settings: EnvironmentSettings, styles: readonly string[], today: string): PanelEnvironmentView {
	return {
		styles: [...styles],
		models: selectableModels(today).map(model => ({
			id: model.id,
			label: model.status === 'deprecated' ? l10n.t('{0} (until {1})', model.label, model.shutdownDate ?? '') : model.label,
			...(model.status === 'deprecated' ? { note: l10n.t('{0} shuts down on {1}; use {2}.', model.id, model.shutdownDate ?? '', model.replacement ?? '') } : {}),
		})),
		today,
		allowUnknownModels: settings.provider === 'openai-compatible',
		...(settings.maxCostPerRequest !== undefined ? { maxCostPerRequest: settings.maxCostPerRequest } : {}),
	};
}

/** Whether two environments show the same form (so a settings change that alters neither is not sent again). */
export function sameEnvironment(a: PanelEnvironmentView, b: PanelEnvironmentView): boolean {
	return JSON.stringify(a) === JSON.stringify(b);
}
