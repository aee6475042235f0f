import * as vscode from 'vscode';
import { KEY_VARIABLES, providerLabel, type ApiKeys } from '../providers/apiKeys';
import { readSettings } from '../settings/settings';
import { environmentVariable } from '../platform/environment';
import type { Command } from './commandManager';

export class SetApiKeyCommand implements Command {
	readonly id = 'illustrate.setApiKey';

	constructor(private readonly keys: ApiKeys) { }

	async execute(): Promise<boolean> {
		const provider = readSettings().provider;
		const key = await vscode.window.showInputBox({
			title: vscode.l10n.t('Illustrate: Set API Key for {0}', providerLabel(provider)),
			prompt: vscode.l10n.t('Your API key for {0}. It is kept in VS Code\'s secret storage, never in settings.', providerLabel(provider)),
			placeHolder: 'sk-…',
			password: true,
			ignoreFocusOut: true,
			validateInput: value => value.trim().length === 0 ? vscode.l10n.t('Enter a key, or press Escape to cancel.') : /\s/.test(value.trim()) ? vscode.l10n.t('An API key has no spaces.') : undefined,
		});
		if (!key) {
			return false;
		}
		await this.keys.set(provider, key.trim());
		void vscode.window.showInformationMessage(vscode.l10n.t('Illustrate: API key for {0} saved in secret storage.', providerLabel(provider)));
		return true;
	}
}

export class ClearApiKeyCommand implements Command {
	readonly id = 'illustrate.clearApiKey';

	constructor(private readonly keys: ApiKeys) { }

	async execute(): Promise<void> {
		const provider = readSettings().provider;
		await this.keys.clear(provider);
		const variable = KEY_VARIABLES[provider];
		const fallback = environmentVariable(variable) ? ' ' + vscode.l10n.t('{0} from the environment is still used.', variable) : '';
		void vscode.window.showInformationMessage(vscode.l10n.t('Illustrate: API key for {0} removed from secret storage.', providerLabel(provider)) + fallback);
	}
}
