import * as vscode from 'vscode';
import { DEFAULT_MODEL, type OutputFormat } from '../core/models/capabilities';

/** Illustrate's settings for one resource, typed, with the defaults package.json declares. */
export interface IllustrateSettings {
	readonly model: string;
	readonly quality: string;
	readonly size: string;
	readonly variants: number;
	readonly outputFormat: OutputFormat;
	/** Only from user (machine) settings: a workspace can never redirect the key. */
	readonly baseUrl: string | undefined;
	/** Ask before a request estimated above this many USD; undefined: never ask. */
	readonly maxCostPerRequest: number | undefined;
	/** Bytes the image history may take before the oldest entries are pruned. */
	readonly historyMaxBytes: number;
}

/** Reads the settings that apply to `resource` (a document), or the window's when undefined. */
export function readSettings(resource?: vscode.Uri): IllustrateSettings {
	const config = vscode.workspace.getConfiguration('illustrate', resource);
	const variants = config.get<number>('variants', 2);
	const outputFormat = config.get<string>('outputFormat', 'png');
	const baseUrl = config.inspect<string>('baseUrl')?.globalValue?.trim();
	const maxCost = config.get<number | null>('maxCostPerRequest', null);
	const historyMb = config.get<number>('history.maxSizeMB', 500);
	return {
		model: config.get<string>('model', DEFAULT_MODEL) || DEFAULT_MODEL,
		quality: config.get<string>('quality', 'auto'),
		size: config.get<string>('size', '1024x1024'),
		variants: Number.isInteger(variants) && variants >= 1 && variants <= 10 ? variants : 2,
		outputFormat: outputFormat === 'jpeg' || outputFormat === 'webp' ? outputFormat : 'png',
		baseUrl: baseUrl ? baseUrl : undefined,
		maxCostPerRequest: typeof maxCost === 'number' && Number.isFinite(maxCost) && maxCost >= 0 ? maxCost : undefined,
		historyMaxBytes: (Number.isFinite(historyMb) && historyMb > 0 ? historyMb : 500) * 1024 * 1024,
	};
}
