import * as vscode from 'vscode';
import type { Provider } from '../core/models/provider';
import { environment } from '../platform/environment';

export type { Provider };

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

/**
 * API keys in SecretStorage, one per provider, with the environment as fallback. A key read
 * once stays in memory (SecretStorage answers through the window, a round trip before every
 * request otherwise) until `secrets.onDidChange` says it changed, from this window or another.
 */
export class ApiKeys implements vscode.Disposable {
	private readonly cache = new Map<Provider, Promise<string | undefined>>();
	private readonly subscription: vscode.Disposable;

	constructor(private readonly secrets: vscode.SecretStorage, private readonly env: Readonly<Record<string, string | undefined>> = environment()) {
		this.subscription = secrets.onDidChange(event => {
			if (event.key.startsWith(SECRET_PREFIX)) {
				this.cache.delete(event.key.slice(SECRET_PREFIX.length) as Provider);
			}
		});
	}

	async get(provider: Provider): Promise<ApiKey | undefined> {
		const stored = await this.stored(provider);
		if (stored) {
			return { value: stored, source: 'secretStorage' };
		}
		const fromEnv = this.env[KEY_VARIABLES[provider]]?.trim();
		return fromEnv ? { value: fromEnv, source: 'environment' } : undefined;
	}

	async set(provider: Provider, key: string): Promise<void> {
		this.cache.delete(provider);
		await this.secrets.store(SECRET_PREFIX + provider, key);
		this.cache.delete(provider);
	}

	async clear(provider: Provider): Promise<void> {
		this.cache.delete(provider);
		await this.secrets.delete(SECRET_PREFIX + provider);
		this.cache.delete(provider);
	}

	dispose(): void {
		this.subscription.dispose();
		this.cache.clear();
	}

	private stored(provider: Provider): Promise<string | undefined> {
		let pending = this.cache.get(provider);
		if (!pending) {
			pending = Promise.resolve(this.secrets.get(SECRET_PREFIX + provider));
			this.cache.set(provider, pending);
			// A failed read is not remembered: the next request asks again.
			pending.catch(() => this.cache.get(provider) === pending && this.cache.delete(provider));
		}
		return pending;
	}
}
