/**
 * The runtime checks of the webview protocol (`messages.ts`): everything a webview sends, and
 * the state it hands back after a reload, is untrusted input, narrowed here before use.
 */

import type { HistoryToHostMessage, PanelOptions, RestoredPanel, SvgEffortChoice, WebviewToHostMessage } from './messages';

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
	const { prompt, model, quality, size, n, outputFormat, outputCompression, background, complexity, style, svgModel, svgEffort, frames, frameDurationMs } = value;
	if (!isShortString(prompt, MAX_PROMPT_CHARS) || !isShortString(model) || !isShortString(quality) || !isShortString(size)) {
		return undefined;
	}
	if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > 10) {
		return undefined;
	}
	if (outputFormat !== 'png' && outputFormat !== 'jpeg' && outputFormat !== 'webp' && outputFormat !== 'svg' && outputFormat !== 'gif') {
		return undefined;
	}
	if (svgModel !== undefined && !(isShortString(svgModel, 100) && /^[A-Za-z0-9_.:-]+$/.test(svgModel))) {
		return undefined;
	}
	if (svgEffort !== undefined && !(['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max'] as unknown[]).includes(svgEffort)) {
		return undefined;
	}
	if (frames !== undefined && (typeof frames !== 'number' || !Number.isInteger(frames) || frames < 1 || frames > 100)) {
		return undefined;
	}
	if (frameDurationMs !== undefined && (typeof frameDurationMs !== 'number' || !Number.isFinite(frameDurationMs) || frameDurationMs < 0 || frameDurationMs > 1_000_000)) {
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
		...(svgModel ? { svgModel } : {}),
		...(svgEffort !== undefined ? { svgEffort: svgEffort as SvgEffortChoice } : {}),
		...(frames !== undefined ? { frames } : {}),
		...(frameDurationMs !== undefined ? { frameDurationMs } : {}),
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
