/**
 * The one message protocol between the Illustrate webviews (the generate panel and the
 * history view) and the extension. Both sides import these types; the extension
 * validates everything it receives with the `parse…` functions, because a webview (and
 * the state it hands back after a reload) is untrusted input.
 */

import type { HistoryEntryView } from '../core/images/historyEntry';
import type { ImageMimeType } from '../core/images/imageInfo';

/**
 * The panel's translations: the extension's l10n bundle for the display language (English
 * source string → translation), as `vscode.l10n.bundle` gives it. The host writes it into the
 * page as JSON in the element with this id; the webview hands it to `@vscode/l10n` before it
 * renders, so the panel and the core checks it runs speak the display language.
 */
export type L10nBundle = Readonly<Record<string, string>>;
export const L10N_ELEMENT_ID = 'illustrate-l10n';

export type OutputFormatChoice = 'png' | 'jpeg' | 'webp';
export type BackgroundChoice = 'auto' | 'opaque' | 'transparent';
export type ComplexityChoice = 'low' | 'medium' | 'high';

/** The panel's pickers. */
export interface PanelOptions {
	readonly prompt: string;
	readonly model: string;
	readonly quality: string;
	readonly size: string;
	readonly n: number;
	readonly outputFormat: OutputFormatChoice;
	/** 0–100, JPEG and WebP only. */
	readonly outputCompression?: number;
	readonly background?: BackgroundChoice;
	/** The model's planning effort; absent for the model's default. */
	readonly complexity?: ComplexityChoice;
	/** The name of a workspace style preset whose instruction is added to the prompt. */
	readonly style?: string;
}

/** One model as the picker lists it; its rules come from the capability table. */
export interface ModelChoice {
	readonly id: string;
	readonly label: string;
	/** For example "shuts down on 2026-12-01". */
	readonly note?: string;
}

export interface VariantView {
	readonly id: string;
	readonly index: number;
	readonly state: 'waiting' | 'partial' | 'ready' | 'failed';
	/**
	 * A webview URI of the stored image file, once it is stored. The pixels of partial and
	 * final images come first in `pixels` messages, never in the state: the webview keeps
	 * the state for window reloads, where it shows `src`.
	 */
	readonly src?: string;
	readonly width?: number;
	readonly height?: number;
	readonly format?: OutputFormatChoice;
	/** The stored image, to find it again after a reload. */
	readonly imageId?: string;
	/** Milliseconds from the request to the final image. */
	readonly elapsedMs?: number;
	readonly error?: string;
	/** "Final of #2" for a re-render, "Edit of #1: warmer" for an edit. */
	readonly label?: string;
	/** The variant this one was made from, by an edit or a refine. */
	readonly parentId?: string;
	/** The path it was inserted or saved as, relative to the document. */
	readonly insertedAs?: string;
}

export type PanelActionId = 'setApiKey' | 'retry' | 'openVerification' | 'openBilling';

export interface PanelError {
	readonly message: string;
	readonly actions: readonly { readonly id: PanelActionId; readonly label: string }[];
}

/** Where Insert puts images: enough to track the place again after a reload. */
export interface PanelTarget {
	readonly documentUri: string;
	readonly kind: 'image' | 'after';
	readonly offset: number;
	readonly alt?: string;
	/** For example "README.md, line 3". */
	readonly description: string;
}

/** An image the edit sends, as the panel shows it. */
export interface EditImageView {
	readonly id: string;
	/** A webview URI, never image data. */
	readonly src: string;
	readonly label: string;
	readonly width?: number;
	readonly height?: number;
}

/** The panel in edit mode: what is edited, with what, and what Replace overwrites. */
export interface EditView {
	/** The image the instruction, mask or markup apply to. */
	readonly source: EditImageView;
	/** Further input images (up to 15 more). */
	readonly references: readonly EditImageView[];
	/** The workspace file Replace overwrites, relative to the workspace. */
	readonly replaceable?: string;
	/** The steps from the first image to the source: labels, oldest first. */
	readonly chain: readonly string[];
}

export interface PanelState {
	readonly options: PanelOptions;
	readonly variants: readonly VariantView[];
	readonly running: boolean;
	/** Epoch milliseconds when the running request started, for the elapsed-time display. */
	readonly startedAt?: number;
	readonly status?: string;
	readonly error?: PanelError;
	readonly target?: PanelTarget;
	/** What the last request cost, from the API's usage. */
	readonly lastCostUsd?: number;
	/** Present in edit mode. */
	readonly edit?: EditView;
}

/** What the panel's pickers need besides the capability table. */
export interface PanelEnvironment {
	readonly models: readonly ModelChoice[];
	/** `YYYY-MM-DD`, for shutdown dates. */
	readonly today: string;
	/** OpenAI-compatible endpoints: any model name, permissive rules. */
	readonly allowUnknownModels: boolean;
	/** illustrate.maxCostPerRequest, if set. */
	readonly maxCostPerRequest?: number;
	/** The names of the workspace's style presets. */
	readonly styles: readonly string[];
}

/**
 * An image's bytes for a variant the moment they are decoded: a partial image, or the final
 * one before it is stored. The webview shows them from memory (a blob URL); a remote
 * window would otherwise fetch each file back through the remote connection.
 */
export interface VariantPixels {
	readonly type: 'pixels';
	readonly variantId: string;
	readonly bytes: Uint8Array;
	readonly mime: ImageMimeType;
	/** Which partial image this is; absent for the final image. */
	readonly partialIndex?: number;
}

export type HostToWebviewMessage =
	| { readonly type: 'init'; readonly environment: PanelEnvironment; readonly state: PanelState }
	| { readonly type: 'state'; readonly state: PanelState }
	| VariantPixels;

export type VariantAction = 'insert' | 'makeFinal' | 'copyLink' | 'open' | 'edit' | 'replace' | 'reference';

export type WebviewToHostMessage =
	| { readonly type: 'ready' }
	| { readonly type: 'generate'; readonly options: PanelOptions }
	| { readonly type: 'cancel' }
	| { readonly type: 'insert'; readonly variantIds: readonly string[] }
	| { readonly type: 'variant'; readonly action: Exclude<VariantAction, 'insert'>; readonly variantId: string }
	| { readonly type: 'action'; readonly action: PanelActionId }
	/**
	 * Sends the edit. `overlay`: the painted mask or markup, a PNG of the source's size (or of
	 * `canvas` when the canvas is extended, then `image` is the padded source), base64.
	 */
	| { readonly type: 'edit'; readonly options: PanelOptions; readonly overlay?: { readonly kind: 'mask' | 'markup'; readonly png: string }; readonly image?: string; readonly inputFidelity?: 'low' | 'high' }
	| { readonly type: 'reference'; readonly action: 'pick' | 'remove' | 'uris'; readonly id?: string; readonly uris?: readonly string[] }
	| { readonly type: 'endEdit' };

export type HostToHistoryMessage =
	| { readonly type: 'history'; readonly entries: readonly HistoryEntryView[]; readonly target?: string }
	/** A card's image, once its card-size copy is made. */
	| { readonly type: 'cardImage'; readonly id: string; readonly src: string };

export type HistoryToHostMessage =
	| { readonly type: 'ready' }
	| { readonly type: 'insert' | 'open' | 'delete' | 'restore'; readonly id: string };

const MAX_PROMPT_CHARS = 100_000;
/** A 4 MB PNG in base64: the largest mask or markup the API takes. */
const MAX_OVERLAY_BASE64 = Math.ceil(4 * 1024 * 1024 / 3) * 4;
/** A 50 MB image in base64: the largest input image the API takes. */
const MAX_IMAGE_BASE64 = Math.ceil(50 * 1024 * 1024 / 3) * 4;
const ID_PATTERN = /^[A-Za-z0-9_.-]{1,100}$/;

function isRecord(value: unknown): value is Record<string, unknown> {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isShortString(value: unknown, max = 200): value is string {
	return typeof value === 'string' && value.length <= max;
}

function isBase64(value: unknown, max: number): value is string {
	return typeof value === 'string' && value.length > 0 && value.length <= max && value.length % 4 === 0 && /^[A-Za-z0-9+/]+={0,2}$/.test(value);
}

function isId(value: unknown): value is string {
	return typeof value === 'string' && ID_PATTERN.test(value);
}

/** Validates panel options from the webview; undefined when anything is off. */
export function parseOptions(value: unknown): PanelOptions | undefined {
	if (!isRecord(value)) {
		return undefined;
	}
	const { prompt, model, quality, size, n, outputFormat, outputCompression, background, complexity, style } = value;
	if (!isShortString(prompt, MAX_PROMPT_CHARS) || !isShortString(model) || !isShortString(quality) || !isShortString(size)) {
		return undefined;
	}
	if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 10) {
		return undefined;
	}
	if (outputFormat !== 'png' && outputFormat !== 'jpeg' && outputFormat !== 'webp') {
		return undefined;
	}
	if (outputCompression !== undefined && (typeof outputCompression !== 'number' || !Number.isInteger(outputCompression) || outputCompression < 0 || outputCompression > 100)) {
		return undefined;
	}
	if (background !== undefined && background !== 'auto' && background !== 'opaque' && background !== 'transparent') {
		return undefined;
	}
	if (complexity !== undefined && complexity !== 'low' && complexity !== 'medium' && complexity !== 'high') {
		return undefined;
	}
	if (style !== undefined && !isShortString(style, 80)) {
		return undefined;
	}
	return {
		prompt, model, quality, size, n, outputFormat,
		...(outputCompression !== undefined ? { outputCompression } : {}),
		...(background !== undefined ? { background } : {}),
		...(complexity !== undefined ? { complexity } : {}),
		...(style ? { style } : {}),
	};
}

/**
 * Narrows an untrusted message from the panel to the protocol, or returns undefined
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
			if (!Array.isArray(ids) || ids.length === 0 || ids.length > 20 || !ids.every(isId)) {
				return undefined;
			}
			return { type: 'insert', variantIds: ids as string[] };
		}
		case 'variant':
			return (value.action === 'makeFinal' || value.action === 'copyLink' || value.action === 'open' || value.action === 'edit' || value.action === 'replace' || value.action === 'reference') && isId(value.variantId)
				? { type: 'variant', action: value.action, variantId: value.variantId }
				: undefined;
		case 'edit': {
			const options = parseOptions(value.options);
			if (!options) {
				return undefined;
			}
			const overlay = value.overlay;
			let parsedOverlay: { kind: 'mask' | 'markup'; png: string } | undefined;
			if (overlay !== undefined) {
				if (!isRecord(overlay) || (overlay.kind !== 'mask' && overlay.kind !== 'markup') || !isBase64(overlay.png, MAX_OVERLAY_BASE64)) {
					return undefined;
				}
				parsedOverlay = { kind: overlay.kind, png: overlay.png };
			}
			if (value.image !== undefined && !isBase64(value.image, MAX_IMAGE_BASE64)) {
				return undefined;
			}
			if (value.inputFidelity !== undefined && value.inputFidelity !== 'low' && value.inputFidelity !== 'high') {
				return undefined;
			}
			return {
				type: 'edit',
				options,
				...(parsedOverlay ? { overlay: parsedOverlay } : {}),
				...(typeof value.image === 'string' ? { image: value.image } : {}),
				...(value.inputFidelity ? { inputFidelity: value.inputFidelity } : {}),
			};
		}
		case 'reference':
			if (value.action === 'pick') {
				return { type: 'reference', action: 'pick' };
			}
			if (value.action === 'remove' && isId(value.id)) {
				return { type: 'reference', action: 'remove', id: value.id };
			}
			if (value.action === 'uris' && Array.isArray(value.uris) && value.uris.length > 0 && value.uris.length <= 16 && value.uris.every(uri => isShortString(uri, 4000))) {
				return { type: 'reference', action: 'uris', uris: value.uris as string[] };
			}
			return undefined;
		case 'endEdit':
			return { type: 'endEdit' };
		case 'action':
			return value.action === 'setApiKey' || value.action === 'retry' || value.action === 'openVerification' || value.action === 'openBilling'
				? { type: 'action', action: value.action }
				: undefined;
		default:
			return undefined;
	}
}

/** Narrows an untrusted message from the history view. */
export function parseHistoryMessage(value: unknown): HistoryToHostMessage | undefined {
	if (!isRecord(value)) {
		return undefined;
	}
	if (value.type === 'ready') {
		return { type: 'ready' };
	}
	if ((value.type === 'insert' || value.type === 'open' || value.type === 'delete' || value.type === 'restore') && isId(value.id)) {
		return { type: value.type, id: value.id };
	}
	return undefined;
}

/** What the panel hands back after a window reload, checked before anything uses it. */
export interface RestoredPanel {
	readonly options: PanelOptions;
	readonly variants: readonly { readonly id: string; readonly index: number; readonly imageId: string; readonly label?: string; readonly insertedAs?: string }[];
	readonly target?: { readonly documentUri: string; readonly kind: 'image' | 'after'; readonly offset: number; readonly alt?: string };
}

/** Validates the webview state VS Code passes to the panel serializer; undefined parts are dropped. */
export function parseRestoredPanel(value: unknown): RestoredPanel | undefined {
	if (!isRecord(value) || !isRecord(value.state)) {
		return undefined;
	}
	const state = value.state;
	const options = parseOptions(value.options) ?? parseOptions(state.options);
	if (!options) {
		return undefined;
	}
	const variants: RestoredPanel['variants'][number][] = [];
	for (const variant of Array.isArray(state.variants) ? state.variants.slice(0, 50) : []) {
		if (isRecord(variant) && isId(variant.id) && isId(variant.imageId) && typeof variant.index === 'number' && Number.isInteger(variant.index) && variant.index >= 0 && variant.index < 50) {
			variants.push({
				id: variant.id,
				index: variant.index,
				imageId: variant.imageId,
				...(isShortString(variant.label) ? { label: variant.label } : {}),
				...(isShortString(variant.insertedAs, 1000) ? { insertedAs: variant.insertedAs } : {}),
			});
		}
	}
	let target: RestoredPanel['target'];
	const rawTarget = state.target;
	if (isRecord(rawTarget) && isShortString(rawTarget.documentUri, 4000) && (rawTarget.kind === 'image' || rawTarget.kind === 'after')
		&& typeof rawTarget.offset === 'number' && Number.isInteger(rawTarget.offset) && rawTarget.offset >= 0
		&& (rawTarget.alt === undefined || isShortString(rawTarget.alt, 10_000))) {
		target = { documentUri: rawTarget.documentUri, kind: rawTarget.kind, offset: rawTarget.offset, ...(rawTarget.alt !== undefined ? { alt: rawTarget.alt } : {}) };
	}
	return { options, variants, ...(target ? { target } : {}) };
}
