import * as vscode from 'vscode';

export type Provider = 'openai';

const SECRET_PREFIX = 'illustrate.apiKey.';

export interface ApiKey {
	readonly value: string;
	readonly source: 'secretStorage' | 'environment';
}

/** API keys in SecretStorage, one per provider, with the environment as fallback. */
export class ApiKeys {
	constructor(private readonly secrets: vscode.SecretStorage, private readonly env: NodeJS.ProcessEnv = process.env) { }

	async get(provider: Provider): Promise<ApiKey | undefined> {
		const stored = await this.secrets.get(SECRET_PREFIX + provider);
		if (stored) {
			return { value: stored, source: 'secretStorage' };
		}
		const fromEnv = this.env.OPENAI_API_KEY?.trim();
		return fromEnv ? { value: fromEnv, source: 'environment' } : undefined;
	}

	async set(provider: Provider, key: string): Promise<void> {
		await this.secrets.store(SECRET_PREFIX + provider, key);
	}

	async clear(provider: Provider): Promise<void> {
		await this.secrets.delete(SECRET_PREFIX + provider);
	}
}
