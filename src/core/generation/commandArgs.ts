import * as l10n from '@vscode/l10n';
import { GIF_RULES, OUTPUT_FORMATS, type OutputFormat } from '../models/capabilities';

export type InsertMode = 'none' | 'first' | 'all';

/** The optional argument of the generate commands, for keybindings, tasks and other extensions. */
export interface GenerateCommandArgs {
	readonly prompt?: string;
	readonly model?: string;
	readonly size?: string;
	readonly quality?: string;
	readonly variants?: number;
	readonly outputFormat?: OutputFormat;
	/** GIF only: 2–16 frames. */
	readonly frames?: number;
	/** GIF only: each frame's delay in ms (the API rounds it to 10 ms). */
	readonly frameDurationMs?: number;
	readonly insert?: InsertMode;
}

const STRING_KEYS = ['prompt', 'model', 'size', 'quality'] as const;
const KNOWN_KEYS = new Set<string>([...STRING_KEYS, 'variants', 'outputFormat', 'frames', 'frameDurationMs', 'insert']);

/** VS Code passes the document's URI when a command runs from an editor menu. */
function looksLikeUri(value: object): boolean {
	const candidate = value as { scheme?: unknown; path?: unknown };
	return typeof candidate.scheme === 'string' && typeof candidate.path === 'string';
}

/**
 * Checks the argument object of a generate command. Throws an `Error` whose message
 * says what is wrong; returns `{}` for no argument or an editor-menu URI.
 */
export function parseGenerateArgs(value: unknown): GenerateCommandArgs {
	if (value === undefined || value === null) {
		return {};
	}
	if (typeof value !== 'object' || Array.isArray(value)) {
		throw new Error(l10n.t('Illustrate: the command argument must be an object such as {0}.', '{ "prompt": "a red fox", "insert": "first" }'));
	}
	if (looksLikeUri(value)) {
		return {};
	}
	const record = value as Record<string, unknown>;
	const unknown = Object.keys(record).filter(key => !KNOWN_KEYS.has(key));
	if (unknown.length > 0) {
		throw new Error(l10n.t('Illustrate: unknown argument {0}; the known ones are {1}.', unknown.map(key => `"${key}"`).join(', '), [...KNOWN_KEYS].join(', ')));
	}
	const args: { -readonly [K in keyof GenerateCommandArgs]: GenerateCommandArgs[K] } = {};
	for (const key of STRING_KEYS) {
		const field = record[key];
		if (field !== undefined) {
			if (typeof field !== 'string') {
				throw new Error(l10n.t('Illustrate: "{0}" must be a string.', key));
			}
			args[key] = field;
		}
	}
	if (record.variants !== undefined) {
		if (typeof record.variants !== 'number' || !Number.isInteger(record.variants) || record.variants < 1 || record.variants > 10) {
			throw new Error(l10n.t('Illustrate: "variants" must be a whole number from 1 to 10.'));
		}
		args.variants = record.variants;
	}
	if (record.outputFormat !== undefined) {
		if (!OUTPUT_FORMATS.includes(record.outputFormat as OutputFormat)) {
			throw new Error(l10n.t('Illustrate: "outputFormat" must be "png", "jpeg", "webp", "svg" or "gif".'));
		}
		args.outputFormat = record.outputFormat as OutputFormat;
	}
	if (record.frames !== undefined) {
		if (typeof record.frames !== 'number' || !Number.isInteger(record.frames) || record.frames < GIF_RULES.minFrames || record.frames > GIF_RULES.maxFrames) {
			throw new Error(l10n.t('Illustrate: "frames" must be a whole number from {0} to {1}.', GIF_RULES.minFrames, GIF_RULES.maxFrames));
		}
		args.frames = record.frames;
	}
	if (record.frameDurationMs !== undefined) {
		if (typeof record.frameDurationMs !== 'number' || !Number.isFinite(record.frameDurationMs) || record.frameDurationMs < 10 || record.frameDurationMs > GIF_RULES.maxFrameDurationMs) {
			throw new Error(l10n.t('Illustrate: "frameDurationMs" must be a number of milliseconds from 10 to {0}.', GIF_RULES.maxFrameDurationMs));
		}
		args.frameDurationMs = record.frameDurationMs;
	}
	if ((args.frames !== undefined || args.frameDurationMs !== undefined) && args.outputFormat !== undefined && args.outputFormat !== 'gif') {
		throw new Error(l10n.t('Illustrate: "frames" and "frameDurationMs" apply only with "outputFormat": "gif".'));
	}
	if (record.insert !== undefined) {
		if (record.insert !== 'none' && record.insert !== 'first' && record.insert !== 'all') {
			throw new Error(l10n.t('Illustrate: "insert" must be "none", "first" or "all".'));
		}
		args.insert = record.insert;
	}
	return args;
}

/** The optional argument of Fill Missing Images, for tasks and tests: `{ confirm: false }` runs without asking. */
export interface FillCommandArgs {
	readonly confirm?: boolean;
	readonly reference?: 'none' | 'first';
	readonly style?: string;
}

/**
 * Checks the argument of `illustrate.fillMissingImages`. Throws an `Error` saying the
 * argument's shape; returns `{}` for no argument or an editor-menu URI.
 */
export function parseFillArgs(value: unknown): FillCommandArgs {
	if (value === undefined || value === null || (typeof value === 'object' && 'scheme' in value)) {
		return {};
	}
	const record = value as Record<string, unknown>;
	if (typeof value !== 'object' || Array.isArray(value)
		|| (record.confirm !== undefined && typeof record.confirm !== 'boolean')
		|| (record.reference !== undefined && record.reference !== 'none' && record.reference !== 'first')
		|| (record.style !== undefined && typeof record.style !== 'string')) {
		throw new Error(l10n.t('Illustrate: the argument of illustrate.fillMissingImages is {0}.', '{ confirm?: boolean, reference?: "none" | "first", style?: string }'));
	}
	return record as FillCommandArgs;
}
