import * as l10n from '@vscode/l10n';
import { GIF_RULES, OUTPUT_FORMATS, SVG_EFFORTS, type Background, type ModelCapabilities, type OutputFormat, type SvgEffort } from './capabilities';
import type { ImageRequestOptions, RequestProblem, SizeCheck } from './validation';

/** The size picker's entry that shows the custom `WxH` field. */
export const CUSTOM_SIZE = 'custom';
/** The planning picker's entry for "send no complexity". */
export const DEFAULT_COMPLEXITY = 'default';
/** The SVG effort and GIF frame pickers' entry for "send none: the default". */
export const DEFAULT_CHOICE = 'default';

/** One entry of a picker. */
export interface Choice {
	readonly value: string;
	readonly label: string;
}

/** What the generate form's pickers offer for one model. */
export interface ModelPickers {
	readonly qualities: readonly Choice[];
	readonly sizes: readonly Choice[];
	readonly counts: readonly Choice[];
	readonly formats: readonly Choice[];
	readonly backgrounds: readonly Choice[];
	readonly complexities: readonly Choice[];
	/** The planning picker is shown only for models that take `complexity`. */
	readonly complexityShown: boolean;
	/** The SVG author's reasoning efforts, its default first. */
	readonly svgEfforts: readonly Choice[];
	/** A GIF's frame counts, the API's default first. */
	readonly frameCounts: readonly Choice[];
}

/** "SVG (vector)", "GIF (animated, preview)": a format as the picker names it. */
export function formatLabel(format: OutputFormat, model?: ModelCapabilities): string {
	const preview = model?.previewFormats?.includes(format) ?? false;
	switch (format) {
		case 'svg':
			return preview ? l10n.t('SVG (vector, preview)') : l10n.t('SVG (vector)');
		case 'gif':
			return preview ? l10n.t('GIF (animated, preview)') : l10n.t('GIF (animated)');
		default:
			return format.toUpperCase();
	}
}

/**
 * What a format implies, said under the pickers: one SVG per request and no previews; a GIF's
 * frames and length, no previews and no mask. Nothing for PNG, JPEG and WebP.
 */
export function formatNote(options: Pick<ImageRequestOptions, 'outputFormat' | 'n' | 'frames' | 'frameDurationMs'>): string | undefined {
	if (options.outputFormat === 'svg') {
		return options.n > 1
			? l10n.t('SVG: one drawing per request, so {0} variants are {0} requests. No previews while it is drawn; the cost shows afterwards.', options.n)
			: l10n.t('SVG: a vector drawing, sharp at any zoom. No previews while it is drawn; the cost shows afterwards.');
	}
	if (options.outputFormat === 'gif') {
		const frames = options.frames ?? GIF_RULES.defaultFrames;
		const duration = Math.min(GIF_RULES.maxFrameDurationMs, Math.max(10, Math.round((options.frameDurationMs ?? GIF_RULES.defaultFrameDurationMs) / 10) * 10));
		const seconds = (frames * duration / 1000).toLocaleString('en-US', { maximumFractionDigits: 2 });
		return l10n.t('GIF: {0} frames × {1} ms = {2} s, looping. No previews and no mask; the cost shows afterwards.', frames, duration, seconds);
	}
	return undefined;
}

/** "1536 × 1024", "Auto", or "Custom…" for the entry that opens the custom field. */
export function sizeLabel(size: string): string {
	return size === 'auto' ? l10n.t('Auto') : size === CUSTOM_SIZE ? l10n.t('Custom…') : size.replace('x', ' × ');
}

/** The quality picker's label for a quality the API takes; unknown ones capitalized. */
export function qualityLabel(quality: string): string {
	switch (quality) {
		case 'auto':
			return l10n.t('Auto');
		case 'low':
			return l10n.t('Low');
		case 'medium':
			return l10n.t('Medium');
		case 'high':
			return l10n.t('High');
		case 'xhigh':
			return l10n.t('Extra high');
		case 'max':
			return l10n.t('Maximum');
		default:
			return quality.length > 0 ? quality[0].toUpperCase() + quality.slice(1) : quality;
	}
}

/** The pickers' entries for a model, from its capability table row; a GIF's sizes are the model's GIF sizes. */
export function modelPickers(model: ModelCapabilities, format?: OutputFormat): ModelPickers {
	const sizes = format === 'gif' && model.gif
		? [...model.gif.sizePresets, 'auto', CUSTOM_SIZE]
		: [...model.sizePresets, ...(model.autoSize ? ['auto'] : []), ...(model.customSizes ? [CUSTOM_SIZE] : [])];
	const backgrounds: Choice[] = [{ value: 'auto', label: l10n.t('Auto') }, { value: 'opaque', label: l10n.t('Opaque') }];
	if (model.transparentBackground) {
		backgrounds.push({ value: 'transparent', label: model.transparentBackground === 'preview' ? l10n.t('Transparent (preview)') : l10n.t('Transparent') });
	}
	return {
		qualities: model.qualities.map(value => ({ value, label: qualityLabel(value) })),
		sizes: sizes.map(value => ({ value, label: sizeLabel(value) })),
		counts: Array.from({ length: model.maxVariants }, (_, i) => ({ value: String(i + 1), label: String(i + 1) })),
		formats: model.outputFormats.map(value => ({ value, label: formatLabel(value, model) })),
		backgrounds,
		complexities: [
			{ value: DEFAULT_COMPLEXITY, label: l10n.t('Model default') },
			{ value: 'low', label: l10n.t('Low') },
			{ value: 'medium', label: l10n.t('Medium') },
			{ value: 'high', label: l10n.t('High') },
		],
		complexityShown: model.complexity,
		svgEfforts: [{ value: DEFAULT_CHOICE, label: l10n.t('Author\'s default') }, ...SVG_EFFORTS.map(value => ({ value, label: effortLabel(value) }))],
		frameCounts: Array.from({ length: GIF_RULES.maxFrames - GIF_RULES.minFrames + 1 }, (_, i) => {
			const count = GIF_RULES.minFrames + i;
			return { value: String(count), label: count === GIF_RULES.defaultFrames ? l10n.t('{0} (default)', count) : String(count) };
		}),
	};
}

function effortLabel(effort: SvgEffort): string {
	switch (effort) {
		case 'none':
			return l10n.t('None');
		case 'minimal':
			return l10n.t('Minimal');
		default:
			return qualityLabel(effort);
	}
}

/**
 * Which size entry to select for a wanted size: a listed one as is; any other non-empty size
 * goes into the custom field when the model takes custom sizes (`custom` holds it).
 */
export function sizeSelection(model: ModelCapabilities, wanted: string, format?: OutputFormat): { readonly choice: string; readonly custom?: string } {
	const listed = modelPickers(model, format).sizes.some(size => size.value === wanted);
	const custom = model.customSizes !== undefined || (format === 'gif' && model.gif !== undefined);
	return !listed && custom && wanted !== '' ? { choice: CUSTOM_SIZE, custom: wanted } : { choice: wanted };
}

/** `1536 × 864`, `1536X864` and ` 1536x864 ` as the API writes it: `1536x864`. */
export function normalizeCustomSize(text: string): string {
	return text.trim().replace(/\s*[×X]\s*/, 'x');
}

/** The form's controls as the webview reads them: raw strings. */
export interface FormValues {
	readonly prompt: string;
	readonly model: string;
	readonly quality: string;
	readonly size: string;
	readonly customSize: string;
	readonly count: string;
	readonly format: string;
	readonly compression: string;
	readonly background: string;
	readonly complexity: string;
	readonly style: string;
	/** The canvas size of an extended (outpainting) edit; wins over the size pickers. */
	readonly extendedSize?: string;
	/** SVG: the author model's name (empty: the account's default) and its effort. */
	readonly svgModel?: string;
	readonly svgEffort?: string;
	/** GIF: the frame count and each frame's duration in ms (empty: the API's default). */
	readonly frames?: string;
	readonly frameDurationMs?: string;
}

/** The request the form describes, with a style preset's name. */
export interface FormOptions extends ImageRequestOptions {
	readonly outputFormat: OutputFormat;
	readonly background?: Exclude<Background, 'auto'>;
	readonly style?: string;
	readonly svgModel?: string;
	readonly svgEffort?: SvgEffort;
	readonly frameDurationMs?: number;
}

/**
 * Reads the form into request options: the count at least 1, PNG for an unknown format,
 * compression only for JPEG and WebP, no `auto` background, complexity only for a model that
 * takes it and not at its default, no empty style.
 */
export function formOptions(values: FormValues, model: ModelCapabilities | undefined): FormOptions {
	const n = Number.parseInt(values.count, 10);
	const format: OutputFormat = OUTPUT_FORMATS.includes(values.format as OutputFormat) ? values.format as OutputFormat : 'png';
	const compression = values.compression.trim() === '' ? undefined : Number(values.compression);
	const svgModel = format === 'svg' ? values.svgModel?.trim() ?? '' : '';
	const svgEffort = svgModel && SVG_EFFORTS.includes(values.svgEffort as SvgEffort) ? values.svgEffort as SvgEffort : undefined;
	const frames = format === 'gif' && values.frames && values.frames !== DEFAULT_CHOICE ? Number.parseInt(values.frames, 10) : undefined;
	const duration = format === 'gif' && values.frameDurationMs?.trim() ? Number(values.frameDurationMs) : undefined;
	const background = values.background;
	const complexity = model?.complexity && values.complexity !== DEFAULT_COMPLEXITY && (values.complexity === 'low' || values.complexity === 'medium' || values.complexity === 'high')
		? values.complexity
		: undefined;
	return {
		prompt: values.prompt,
		model: values.model,
		quality: values.quality,
		size: values.extendedSize ?? (values.size === CUSTOM_SIZE ? normalizeCustomSize(values.customSize) : values.size),
		n: Number.isInteger(n) && n >= 1 ? n : 1,
		outputFormat: format,
		...((format === 'jpeg' || format === 'webp') && compression !== undefined && Number.isFinite(compression) ? { outputCompression: compression } : {}),
		...(background === 'opaque' || background === 'transparent' ? { background } : {}),
		...(complexity ? { complexity } : {}),
		...(values.style ? { style: values.style } : {}),
		...(svgModel ? { svgModel, svg: { model: svgModel, ...(svgEffort ? { effort: svgEffort } : {}) } } : {}),
		...(svgEffort ? { svgEffort } : {}),
		...(frames !== undefined && Number.isFinite(frames) ? { frames } : {}),
		...(duration !== undefined && !Number.isNaN(duration) ? { frameDurationMs: duration } : {}),
	};
}

/** A field's message line: its text, and whether it refuses the request (else a warning). */
export interface FieldMessage {
	readonly text: string;
	readonly invalid: boolean;
}

/**
 * The message under each field: the request's problems, except an empty prompt's before the
 * first Generate; else the size's experimental warning. Fields with nothing to say are absent.
 */
export function fieldMessages(problems: readonly RequestProblem[], context: { readonly attempted: boolean; readonly prompt: string; readonly sizeCheck?: SizeCheck }): Map<string, FieldMessage> {
	const messages = new Map<string, FieldMessage>();
	for (const problem of problems) {
		if (problem.field !== 'prompt' || context.attempted || context.prompt.length > 0) {
			messages.set(problem.field, { text: problem.message, invalid: true });
		}
	}
	if (!messages.has('size') && context.sizeCheck?.experimental && context.sizeCheck.message) {
		messages.set('size', { text: context.sizeCheck.message, invalid: false });
	}
	return messages;
}
