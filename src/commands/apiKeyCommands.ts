import * as vscode from 'vscode';
import type { ApiKeys } from '../providers/apiKeys';
import type { Command } from './commandManager';

export class SetApiKeyCommand implements Command {
	readonly id = 'illustrate.setApiKey';

	constructor(private readonly keys: ApiKeys) { }

	async execute(): Promise<boolean> {
		const key = await vscode.window.showInputBox({
			title: vscode.l10n.t('Illustrate: Set API Key'),
			prompt: vscode.l10n.t('Your OpenAI API key. It is kept in VS Code\'s secret storage, never in settings.'),
			placeHolder: 'sk-…',
			password: true,
			ignoreFocusOut: true,
			validateInput: value => value.trim().length === 0 ? vscode.l10n.t('Enter a key, or press Escape to cancel.') : /\s/.test(value.trim()) ? vscode.l10n.t('An API key has no spaces.') : undefined,
		});
		if (!key) {
			return false;
		}
		await this.keys.set('openai', key.trim());
		void vscode.window.showInformationMessage(vscode.l10n.t('Illustrate: API key saved in secret storage.'));
		return true;
	}
}

export class ClearApiKeyCommand implements Command {
	readonly id = 'illustrate.clearApiKey';

	constructor(private readonly keys: ApiKeys) { }

	async execute(): Promise<void> {
		await this.keys.clear('openai');
		const fallback = process.env.OPENAI_API_KEY ? vscode.l10n.t(' OPENAI_API_KEY from the environment is still used.') : '';
		void vscode.window.showInformationMessage(vscode.l10n.t('Illustrate: API key removed from secret storage.') + fallback);
	}
}
