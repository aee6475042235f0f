import * as l10n from '@vscode/l10n';
import type { Background, ModelCapabilities, OutputFormat } from './capabilities';
import type { ImageRequestOptions, RequestProblem, SizeCheck } from './validation';

/** The size picker's entry that shows the custom `WxH` field. */
export const CUSTOM_SIZE = 'custom';
/** The planning picker's entry for "send no complexity". */
export const DEFAULT_COMPLEXITY = 'default';

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

/** The pickers' entries for a model, from its capability table row. */
export function modelPickers(model: ModelCapabilities): ModelPickers {
	const sizes = [...model.sizePresets, ...(model.autoSize ? ['auto'] : []), ...(model.customSizes ? [CUSTOM_SIZE] : [])];
	const backgrounds: Choice[] = [{ value: 'auto', label: l10n.t('Auto') }, { value: 'opaque', label: l10n.t('Opaque') }];
	if (model.transparentBackground) {
		backgrounds.push({ value: 'transparent', label: model.transparentBackground === 'preview' ? l10n.t('Transparent (preview)') : l10n.t('Transparent') });
	}
	return {
		qualities: model.qualities.map(value => ({ value, label: qualityLabel(value) })),
		sizes: sizes.map(value => ({ value, label: sizeLabel(value) })),
		counts: Array.from({ length: model.maxVariants }, (_, i) => ({ value: String(i + 1), label: String(i + 1) })),
		formats: model.outputFormats.map(value => ({ value, label: value.toUpperCase() })),
		backgrounds,
		complexities: [
			{ value: DEFAULT_COMPLEXITY, label: l10n.t('Model default') },
			{ value: 'low', label: l10n.t('Low') },
			{ value: 'medium', label: l10n.t('Medium') },
			{ value: 'high', label: l10n.t('High') },
		],
		complexityShown: model.complexity,
	};
}

/**
 * Which size entry to select for a wanted size: a listed one as is; any other non-empty size
 * goes into the custom field when the model takes custom sizes (`custom` holds it).
 */
export function sizeSelection(model: ModelCapabilities, wanted: string): { readonly choice: string; readonly custom?: string } {
	const listed = modelPickers(model).sizes.some(size => size.value === wanted);
	return !listed && model.customSizes !== undefined && wanted !== '' ? { choice: CUSTOM_SIZE, custom: wanted } : { choice: wanted };
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
}

/** The request the form describes, with a style preset's name. */
export interface FormOptions extends ImageRequestOptions {
	readonly outputFormat: OutputFormat;
	readonly background?: Exclude<Background, 'auto'>;
	readonly style?: string;
}

/**
 * Reads the form into request options: the count at least 1, PNG for an unknown format,
 * compression only for JPEG and WebP, no `auto` background, complexity only for a model that
 * takes it and not at its default, no empty style.
 */
export function formOptions(values: FormValues, model: ModelCapabilities | undefined): FormOptions {
	const n = Number.parseInt(values.count, 10);
	const format: OutputFormat = values.format === 'jpeg' || values.format === 'webp' ? values.format : 'png';
	const compression = values.compression.trim() === '' ? undefined : Number(values.compression);
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
		...(format !== 'png' && compression !== undefined && Number.isFinite(compression) ? { outputCompression: compression } : {}),
		...(background === 'opaque' || background === 'transparent' ? { background } : {}),
		...(complexity ? { complexity } : {}),
		...(values.style ? { style: values.style } : {}),
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
