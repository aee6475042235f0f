import * as vscode from 'vscode';
import { IllustrateError } from '../core/errors';
import { environmentVariable } from '../platform/environment';
import { readSettings } from '../settings/settings';
import { KEY_VARIABLES, providerLabel, type ApiKeys } from './apiKeys';
import { withBoundedErrorBodies } from './boundedFetch';
import type { OpenAIConnection, Sdk } from './openaiImages';
import { configuredProxyUrl, proxyFetch } from './proxy';

/**
 * A client for the configured provider (OpenAI, Azure OpenAI, or an OpenAI-compatible
 * endpoint), from the settings and the stored key. `loadSdk` loads the SDK at the first request.
 */
export async function configuredConnection(keys: ApiKeys, resource: vscode.Uri | undefined, loadSdk: () => Promise<Sdk>): Promise<OpenAIConnection> {
	const settings = readSettings(resource);
	const provider = settings.provider;
	const key = await keys.get(provider);
	if (!key) {
		throw new IllustrateError(vscode.l10n.t('No API key is set for {0}. Set one with "Illustrate: Set API Key" (it is kept in VS Code\'s secret storage), or set {1}.', providerLabel(provider), KEY_VARIABLES[provider]), ['setApiKey'], true);
	}
	const sdk = await loadSdk();
	const connection = { sdk, key: key.value, requestTimeoutMs: settings.requestTimeoutMs, proxy: configuredProxyUrl(), inBrowser: ILLUSTRATE_WEB };
	// A paid request is never retried by the SDK: Illustrate retries only where nothing can have been charged.
	// In the web the SDK runs in the browser's web worker and refuses to unless told: the key
	// comes from secret storage, on the user's own machine, as in every other host.
	// Behind a proxy: see proxy.ts for what VS Code does and what is added here. Error bodies
	// are read to 64 KB at most, whichever fetch sends the request.
	const proxied = await proxyFetch();
	// What the image worker needs to build the same client (src/providers/imageWorker.ts): plain data, its own fetch.
	const plain = { apiKey: key.value, maxRetries: 0, timeout: settings.requestTimeoutMs };
	const common = { ...plain, fetch: withBoundedErrorBodies(proxied), ...(ILLUSTRATE_WEB ? { dangerouslyAllowBrowser: true } : {}) };
	if (provider === 'azure') {
		if (!settings.azure.endpoint || !settings.azure.deployment) {
			throw new IllustrateError(vscode.l10n.t('Azure OpenAI needs illustrate.azure.endpoint and illustrate.azure.deployment in your user settings.'), [], true);
		}
		// The base URL, not the endpoint: the SDK would otherwise also read OPENAI_BASE_URL and refuse both.
		const baseURL = `${settings.azure.endpoint.replace(/\/+$/, '')}/openai`;
		const azure = { baseURL, deployment: settings.azure.deployment, apiVersion: settings.azure.apiVersion };
		return { ...connection, client: new sdk.AzureOpenAI({ ...common, ...azure }), clientConfig: { kind: 'azure', options: { ...plain, ...azure } } };
	}
	const baseURL = settings.baseUrl ?? (provider === 'openai-compatible' ? environmentVariable('OPENAI_BASE_URL')?.trim() || undefined : undefined);
	if (provider === 'openai-compatible' && !baseURL) {
		throw new IllustrateError(vscode.l10n.t('An OpenAI-compatible endpoint needs illustrate.baseUrl in your user settings (or OPENAI_BASE_URL).'), [], true);
	}
	const client = new sdk.OpenAI({ ...common, baseURL });
	// The base URL as the client resolved it (the environment's OPENAI_BASE_URL, or the API's).
	return { ...connection, client, clientConfig: { kind: 'openai', options: { ...plain, baseURL: client.baseURL } } };
}
