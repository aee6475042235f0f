import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { DEFAULT_MODEL, type OutputFormat } from '../core/models/capabilities';
import { costCeiling } from '../core/settings/costCeiling';

/**
 * The settings the MCP server takes from a workspace's `.vscode/settings.json` (JSON with
 * comments), read as VS Code would for a document of that folder, and no more: only the
 * resource-scoped `illustrate.*` settings and `markdown.copyFiles.destination`. Where the key
 * goes (`illustrate.baseUrl`, `illustrate.provider`, `illustrate.azure.*`) is a user (machine)
 * setting, which a cloned repository's file must never choose: it is not read, and the
 * server's endpoint comes from its own environment. A cost limit there can only lower the
 * server's own (`--max-cost`).
 */

/** A settings file larger than this is not a settings file. */
export const MAX_SETTINGS_BYTES = 1024 * 1024;

export interface AgentSettings {
	readonly model: string;
	readonly quality: string;
	readonly size: string;
	readonly outputFormat: OutputFormat;
	/** USD; undefined: no limit. */
	readonly maxCostPerRequest: number | undefined;
	readonly destinations: { readonly illustrate?: Readonly<Record<string, string>>; readonly markdown?: Readonly<Record<string, string>> };
	readonly linkStyle: 'markdown' | 'html';
	readonly provenance: 'manifest' | 'off';
	readonly requestTimeoutMs: number;
}

/** What the person running the server chose (its flags), the user layer of the settings. */
export interface ServerChoices {
	readonly maxCostPerRequest?: number;
	readonly requestTimeoutSeconds?: number;
}

/** Settings the server never takes from a workspace, whatever the file says. */
export const MACHINE_SETTINGS: readonly string[] = ['illustrate.baseUrl', 'illustrate.provider', 'illustrate.azure.endpoint', 'illustrate.azure.deployment', 'illustrate.azure.apiVersion', 'illustrate.history.maxSizeMB'];

/** A settings file's text as an object of values by dotted key; problems for a file that is not one. */
export function parseSettingsText(text: string): { values: Record<string, unknown>; problems: string[] } {
	const errors: ParseError[] = [];
	const parsed: unknown = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
	const problems = errors.map(error => `${printParseErrorCode(error.error)} at offset ${error.offset}`);
	if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
		return { values: {}, problems: problems.length > 0 ? problems : ['not a JSON object'] };
	}
	const values: Record<string, unknown> = {};
	// VS Code takes `"illustrate.destination": …` and `"illustrate": { "destination": … }` alike.
	const flatten = (prefix: string, object: Record<string, unknown>, depth: number) => {
		for (const [key, value] of Object.entries(object)) {
			const dotted = prefix ? `${prefix}.${key}` : key;
			if (key.startsWith('[')) {
				continue;
			}
			if (depth < 3 && typeof value === 'object' && value !== null && !Array.isArray(value) && !dotted.endsWith('.destination')) {
				flatten(dotted, value as Record<string, unknown>, depth + 1);
			} else if (!(dotted in values)) {
				values[dotted] = value;
			}
		}
	};
	flatten('', parsed as Record<string, unknown>, 0);
	return { values, problems };
}

function stringMap(value: unknown): Record<string, string> | undefined {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		return undefined;
	}
	const entries = Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
	return entries.length > 0 ? Object.fromEntries(entries) : undefined;
}

function stringSetting(values: Record<string, unknown>, key: string, fallback: string): string {
	const value = values[key];
	return typeof value === 'string' && value.trim() !== '' && value.length <= 200 ? value.trim() : fallback;
}

/**
 * The settings for the server's requests: the workspace's values over the defaults
 * package.json declares, the cost limit the smaller of the server's and the workspace's.
 */
export function agentSettings(values: Record<string, unknown>, choices: ServerChoices): AgentSettings {
	const format = values['illustrate.outputFormat'];
	const timeout = choices.requestTimeoutSeconds ?? (typeof values['illustrate.requestTimeoutSeconds'] === 'number' ? values['illustrate.requestTimeoutSeconds'] : 180);
	return {
		model: stringSetting(values, 'illustrate.model', DEFAULT_MODEL),
		quality: stringSetting(values, 'illustrate.quality', 'auto'),
		size: stringSetting(values, 'illustrate.size', '1024x1024'),
		outputFormat: format === 'jpeg' || format === 'webp' ? format : 'png',
		maxCostPerRequest: costCeiling({ globalValue: choices.maxCostPerRequest, workspaceValue: values['illustrate.maxCostPerRequest'] }),
		destinations: { illustrate: stringMap(values['illustrate.destination']), markdown: stringMap(values['markdown.copyFiles.destination']) },
		linkStyle: values['illustrate.linkStyle'] === 'html' ? 'html' : 'markdown',
		provenance: values['illustrate.provenance'] === 'off' ? 'off' : 'manifest',
		requestTimeoutMs: Math.max(10, Number.isFinite(timeout) ? timeout : 180) * 1000,
	};
}
