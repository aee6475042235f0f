import type * as vscode from 'vscode';
import { today } from '../core/errors';
import { panelEnvironmentOf } from '../core/panel/panelEnvironment';
import type { PanelEnvironment } from '../protocol/messages';
import type { SettingsService } from '../settings/settingsService';
import { loadStylePresets } from '../workspace/stylePresets';

/**
 * The models the pickers offer today, the limits they show and the styles of the workspace
 * folder of `resource`; a styles file that cannot be read as JSON is logged.
 */
export async function panelEnvironment(settings: SettingsService, resource: vscode.Uri | undefined, log: vscode.LogOutputChannel): Promise<PanelEnvironment> {
	const styles = await loadStylePresets(resource, log);
	return panelEnvironmentOf(settings.read(resource), styles.map(style => style.name), today());
}
