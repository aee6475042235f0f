/**
 * The one message protocol between the Illustrate panel (webview) and the extension.
 * Both sides import these types; the extension validates everything it receives with
 * `parseWebviewMessage`, because a webview is untrusted input.
 */

export type OutputFormatChoice = 'png' | 'jpeg' | 'webp';

/** The panel's pickers. */
export interface PanelOptions {
	readonly prompt: string;
	readonly model: string;
	readonly quality: string;
	readonly size: string;
	readonly n: number;
	readonly outputFormat: OutputFormatChoice;
}

/** One model as the pickers show it. */
export interface ModelChoice {
	readonly id: string;
	readonly label: string;
	readonly qualities: readonly string[];
	readonly sizes: readonly string[];
	readonly maxVariants: number;
	readonly outputFormats: readonly OutputFormatChoice[];
	/** For example "shuts down on 2026-12-01". */
	readonly note?: string;
}

export interface VariantView {
	readonly id: string;
	readonly index: number;
	readonly state: 'waiting' | 'ready' | 'failed';
	/** A webview URI of the stored image file, never image data. */
	readonly src?: string;
	readonly width?: number;
	readonly height?: number;
	readonly format?: OutputFormatChoice;
	/** The workspace-relative path it was inserted as, once inserted. */
	readonly insertedAs?: string;
}

export type PanelActionId = 'setApiKey' | 'retry';

export interface PanelError {
	readonly message: string;
	readonly actions: readonly { readonly id: PanelActionId; readonly label: string }[];
}

export interface PanelState {
	readonly options: PanelOptions;
	readonly variants: readonly VariantView[];
	readonly running: boolean;
	/** Epoch milliseconds when the running request started, for the elapsed-time display. */
	readonly startedAt?: number;
	readonly status?: string;
	readonly error?: PanelError;
	/** Where Insert puts images, for example "README.md, line 3". */
	readonly target?: string;
}

export type HostToWebviewMessage =
	| { readonly type: 'init'; readonly models: readonly ModelChoice[]; readonly state: PanelState }
	| { readonly type: 'state'; readonly state: PanelState };

export type WebviewToHostMessage =
	| { readonly type: 'ready' }
	| { readonly type: 'generate'; readonly options: PanelOptions }
	| { readonly type: 'cancel' }
	| { readonly type: 'insert'; readonly variantIds: readonly string[] }
	| { readonly type: 'action'; readonly action: PanelActionId };

const MAX_PROMPT_CHARS = 100_000;

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isShortString(value: unknown, max = 200): value is string {
	return typeof value === 'string' && value.length <= max;
}

function parseOptions(value: unknown): PanelOptions | undefined {
	if (!isRecord(value)) {
		return undefined;
	}
	const { prompt, model, quality, size, n, outputFormat } = value;
	if (!isShortString(prompt, MAX_PROMPT_CHARS) || !isShortString(model) || !isShortString(quality) || !isShortString(size)) {
		return undefined;
	}
	if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 10) {
		return undefined;
	}
	if (outputFormat !== 'png' && outputFormat !== 'jpeg' && outputFormat !== 'webp') {
		return undefined;
	}
	return { prompt, model, quality, size, n, outputFormat };
}

/**
 * Narrows an untrusted message from the webview to the protocol, or returns undefined
 * for anything unknown or ill-typed.
 */
export function parseWebviewMessage(value: unknown): WebviewToHostMessage | undefined {
	if (!isRecord(value) || typeof value.type !== 'string') {
		return undefined;
	}
	switch (value.type) {
		case 'ready':
		case 'cancel':
			return { type: value.type };
		case 'generate': {
			const options = parseOptions(value.options);
			return options ? { type: 'generate', options } : undefined;
		}
		case 'insert': {
			const ids = value.variantIds;
			if (!Array.isArray(ids) || ids.length === 0 || ids.length > 10 || !ids.every(id => isShortString(id, 100))) {
				return undefined;
			}
			return { type: 'insert', variantIds: ids as string[] };
		}
		case 'action':
			return value.action === 'setApiKey' || value.action === 'retry' ? { type: 'action', action: value.action } : undefined;
		default:
			return undefined;
	}
}
