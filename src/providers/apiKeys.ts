import * as vscode from 'vscode';
import { environment } from '../platform/environment';

export type Provider = 'openai' | 'azure' | 'openai-compatible';

/** The provider as messages name it: "OpenAI", "Azure OpenAI", "your OpenAI-compatible endpoint". */
export function providerLabel(provider: Provider): string {
	switch (provider) {
		case 'openai':
			return 'OpenAI';
		case 'azure':
			return 'Azure OpenAI';
		case 'openai-compatible':
			return vscode.l10n.t('your OpenAI-compatible endpoint');
	}
}

/** The environment variable each provider falls back on, as the SDK reads them. */
export const KEY_VARIABLES: Record<Provider, string> = {
	openai: 'OPENAI_API_KEY',
	azure: 'AZURE_OPENAI_API_KEY',
	'openai-compatible': 'OPENAI_API_KEY',
};

const SECRET_PREFIX = 'illustrate.apiKey.';

export interface ApiKey {
	readonly value: string;
	readonly source: 'secretStorage' | 'environment';
}

/** API keys in SecretStorage, one per provider, with the environment as fallback. */
export class ApiKeys {
	constructor(private readonly secrets: vscode.SecretStorage, private readonly env: Readonly<Record<string, string | undefined>> = environment()) { }

	async get(provider: Provider): Promise<ApiKey | undefined> {
		const stored = await this.secrets.get(SECRET_PREFIX + provider);
		if (stored) {
			return { value: stored, source: 'secretStorage' };
		}
		const fromEnv = this.env[KEY_VARIABLES[provider]]?.trim();
		return fromEnv ? { value: fromEnv, source: 'environment' } : undefined;
	}

	async set(provider: Provider, key: string): Promise<void> {
		await this.secrets.store(SECRET_PREFIX + provider, key);
	}

	async clear(provider: Provider): Promise<void> {
		await this.secrets.delete(SECRET_PREFIX + provider);
	}
}
