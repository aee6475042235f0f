import * as vscode from 'vscode';
import { DEFAULT_MODEL, OUTPUT_FORMATS, type Moderation, type OutputFormat } from '../core/models/capabilities';
import { costCeiling } from '../core/settings/costCeiling';
import { SettingsCache } from '../core/settings/settingsCache';
import type { Provider } from '../core/models/provider';

/** Illustrate's settings for one resource, typed, with the defaults package.json declares. */
export interface IllustrateSettings {
	readonly model: string;
	readonly quality: string;
	readonly size: string;
	readonly variants: number;
	readonly outputFormat: OutputFormat;
	/** OpenAI's filtering of generated images: `auto` (its default) or `low`. */
	readonly moderation: Moderation;
	/** Only from user (machine) settings: a workspace can never redirect the key. */
	readonly baseUrl: string | undefined;
	/** Ask before a request estimated above this many USD; undefined: never ask. A workspace can only lower the user's limit. */
	readonly maxCostPerRequest: number | undefined;
	/** Bytes the image history may take before the oldest entries are pruned. */
	readonly historyMaxBytes: number;
	/** Glob → path template maps: Illustrate's own, then the Markdown extension's. */
	readonly destinations: { readonly illustrate?: Readonly<Record<string, string>>; readonly markdown?: Readonly<Record<string, string>> };
	readonly linkStyle: 'markdown' | 'html';
	readonly provenance: 'manifest' | 'off';
	readonly codeLens: boolean;
	readonly provider: Provider;
	/** Azure OpenAI, from user (machine) settings only. */
	readonly azure: { readonly endpoint?: string; readonly deployment?: string; readonly apiVersion: string };
	/** How long one request may take before it is given up, in milliseconds. */
	readonly requestTimeoutMs: number;
}

/** The Azure OpenAI API version used when illustrate.azure.apiVersion is not set. */
export const DEFAULT_AZURE_API_VERSION = '2025-04-01-preview';

function stringMap(value: unknown): Record<string, string> | undefined {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		return undefined;
	}
	const entries = Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
	return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

/** The cache `readSettings` answers from while a SettingsService runs (src/settings/settingsService.ts). */
let activeCache: SettingsCache<vscode.Uri, vscode.WorkspaceFolder, IllustrateSettings> | undefined;

/**
 * The settings that apply to `resource` (a document), or the window's when undefined: the
 * same object until a setting they hold changes. Read once per workspace folder while a
 * SettingsService runs (every feature of the extension), from VS Code each time otherwise.
 */
export function readSettings(resource?: vscode.Uri): IllustrateSettings {
	return activeCache ? activeCache.get(resource) : readSettingsNow(resource);
}

/** Sections read as their value in a folder: a change drops the folders where it changed it. */
const RESOLVED_SECTIONS = ['illustrate', 'markdown.copyFiles.destination'];
/** Settings read layer by layer (`inspect`): a change of one drops every folder's settings. */
const LAYERED_SETTINGS = ['illustrate.baseUrl', 'illustrate.provider', 'illustrate.azure', 'illustrate.maxCostPerRequest'];

/**
 * A cache for `readSettings`, used from now on, until `stop`; `changed` and `clear` must see
 * every configuration change, change of the workspace's folders and grant of workspace trust.
 */
export function startSettingsCache(): { changed(event: vscode.ConfigurationChangeEvent): void; clear(): void; stop(): void } {
	const cache = new SettingsCache<vscode.Uri, vscode.WorkspaceFolder, IllustrateSettings>({
		scopeOf: resource => resource ? vscode.workspace.getWorkspaceFolder(resource) : undefined,
		keyOf: folder => folder.uri.toString(),
		read: folder => readSettingsNow(folder?.uri),
		resolvedSections: RESOLVED_SECTIONS,
		layeredSettings: LAYERED_SETTINGS,
	});
	activeCache = cache;
	return {
		changed: event => cache.changed(event),
		clear: () => cache.clear(),
		stop: () => {
			if (activeCache === cache) {
				activeCache = undefined;
			}
		},
	};
}

/** Reads the settings from VS Code: for `resource`'s folder, or the window's when undefined. */
function readSettingsNow(resource: vscode.Uri | undefined): IllustrateSettings {
	const config = vscode.workspace.getConfiguration('illustrate', resource);
	const variants = config.get<number>('variants', 2);
	const outputFormat = config.get<string>('outputFormat', 'png');
	/** Settings that choose where the key goes: only what the user set, never a workspace. */
	const machineOnly = (key: string) => config.inspect<string>(key)?.globalValue?.trim() || undefined;
	const baseUrl = machineOnly('baseUrl');
	const provider = machineOnly('provider') ?? 'openai';
	const timeout = config.get<number>('requestTimeoutSeconds', 180);
	const historyMb = config.get<number>('history.maxSizeMB', 500);
	const markdownDestination = vscode.workspace.getConfiguration('markdown', resource).get<unknown>('copyFiles.destination');
	// Frozen: one object answers every reader until the settings change.
	return Object.freeze({
		model: config.get<string>('model', DEFAULT_MODEL) || DEFAULT_MODEL,
		quality: config.get<string>('quality', 'auto'),
		size: config.get<string>('size', '1024x1024'),
		variants: Number.isInteger(variants) && variants >= 1 && variants <= 10 ? variants : 2,
		outputFormat: OUTPUT_FORMATS.includes(outputFormat as OutputFormat) ? outputFormat as OutputFormat : 'png',
		moderation: config.get<string>('moderation') === 'low' ? 'low' : 'auto',
		baseUrl: baseUrl ? baseUrl : undefined,
		maxCostPerRequest: costCeiling(config.inspect<number | null>('maxCostPerRequest')),
		historyMaxBytes: (Number.isFinite(historyMb) && historyMb > 0 ? historyMb : 500) * 1024 * 1024,
		destinations: Object.freeze({ illustrate: frozen(stringMap(config.get<unknown>('destination'))), markdown: frozen(stringMap(markdownDestination)) }),
		linkStyle: config.get<string>('linkStyle') === 'html' ? 'html' : 'markdown',
		provenance: config.get<string>('provenance') === 'off' ? 'off' : 'manifest',
		codeLens: config.get<boolean>('codeLens', true) !== false,
		provider: provider === 'azure' || provider === 'openai-compatible' ? provider : 'openai',
		azure: Object.freeze({
			endpoint: machineOnly('azure.endpoint'),
			deployment: machineOnly('azure.deployment'),
			apiVersion: machineOnly('azure.apiVersion') ?? DEFAULT_AZURE_API_VERSION,
		}),
		requestTimeoutMs: Math.max(10, Number.isFinite(timeout) ? timeout : 180) * 1000,
	});
}

function frozen<T extends object>(value: T | undefined): Readonly<T> | undefined {
	return value && Object.freeze(value);
}
