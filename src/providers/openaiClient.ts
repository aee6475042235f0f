import * as vscode from 'vscode';
import { IllustrateError } from '../core/errors';
import { environmentVariable } from '../platform/environment';
import { readSettings } from '../settings/settings';
import { KEY_VARIABLES, providerLabel, type ApiKeys } from './apiKeys';
import { withBoundedErrorBodies } from './boundedFetch';
import type { WorkerClientConfig } from '../core/generation/workerProtocol';
import type { OpenAIConnection, Sdk } from './openaiImages';
import { configuredProxyUrl, proxyFetch } from './proxy';

/**
 * What a client for the configured provider (OpenAI, Azure OpenAI, or an OpenAI-compatible
 * endpoint) is made of, from the settings and the stored key: plain data, no SDK, so the
 * image worker (src/providers/imageWorker.ts) can build the client in its own thread.
 */
export interface ConfiguredClient {
	readonly config: WorkerClientConfig;
	/** Kept out of every message. */
	readonly key: string;
	readonly requestTimeoutMs: number;
	/** The proxy requests go through, if any. */
	readonly proxy?: string;
	readonly inBrowser: boolean;
}

/** The configured provider's client, as data; throws when the key or a setting it needs is missing. */
export async function configuredClient(keys: ApiKeys, resource: vscode.Uri | undefined): Promise<ConfiguredClient> {
	const settings = readSettings(resource);
	const provider = settings.provider;
	const key = await keys.get(provider);
	if (!key) {
		throw new IllustrateError(vscode.l10n.t('No API key is set for {0}. Set one with "Illustrate: Set API Key" (it is kept in VS Code\'s secret storage), or set {1}.', providerLabel(provider), KEY_VARIABLES[provider]), ['setApiKey'], true);
	}
	// A paid request is never retried by the SDK: Illustrate retries only where nothing can have been charged.
	const options = { apiKey: key.value, maxRetries: 0, timeout: settings.requestTimeoutMs };
	const configured = { key: key.value, requestTimeoutMs: settings.requestTimeoutMs, proxy: configuredProxyUrl(), inBrowser: ILLUSTRATE_WEB };
	if (provider === 'azure') {
		if (!settings.azure.endpoint || !settings.azure.deployment) {
			throw new IllustrateError(vscode.l10n.t('Azure OpenAI needs illustrate.azure.endpoint and illustrate.azure.deployment in your user settings.'), [], true);
		}
		// The base URL, not the endpoint: the SDK would otherwise also read OPENAI_BASE_URL and refuse both.
		const baseURL = `${settings.azure.endpoint.replace(/\/+$/, '')}/openai`;
		return { ...configured, config: { kind: 'azure', options: { ...options, baseURL, deployment: settings.azure.deployment, apiVersion: settings.azure.apiVersion } } };
	}
	const baseURL = settings.baseUrl ?? (provider === 'openai-compatible' ? environmentVariable('OPENAI_BASE_URL')?.trim() || undefined : undefined);
	if (provider === 'openai-compatible' && !baseURL) {
		throw new IllustrateError(vscode.l10n.t('An OpenAI-compatible endpoint needs illustrate.baseUrl in your user settings (or OPENAI_BASE_URL).'), [], true);
	}
	// No base URL: the SDK's own (OPENAI_BASE_URL, or the API's), read where the client is made.
	return { ...configured, config: { kind: 'openai', options: { ...options, ...(baseURL ? { baseURL } : {}) } } };
}

/** The client itself, on this thread, with the SDK loaded. */
export async function clientConnection(configured: ConfiguredClient, sdk: Sdk): Promise<OpenAIConnection> {
	// In the web the SDK runs in the browser's web worker and refuses to unless told: the key
	// comes from secret storage, on the user's own machine, as in every other host.
	// Behind a proxy: see proxy.ts for what VS Code does and what is added here. Error bodies
	// are read to 64 KB at most, whichever fetch sends the request.
	const proxied = await proxyFetch();
	const options = { ...configured.config.options, fetch: withBoundedErrorBodies(proxied), ...(ILLUSTRATE_WEB ? { dangerouslyAllowBrowser: true } : {}) };
	const client = configured.config.kind === 'azure' ? new sdk.AzureOpenAI(options) : new sdk.OpenAI(options);
	return { sdk, client, key: configured.key, requestTimeoutMs: configured.requestTimeoutMs, proxy: configured.proxy, inBrowser: configured.inBrowser };
}
