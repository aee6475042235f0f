import * as l10n from '@vscode/l10n';
import { findModel, isAvailable, permissiveCapabilities, type Background, type ModelCapabilities, type OutputFormat } from './capabilities';

/** What the user asks for, before it becomes an API request. */
export interface ImageRequestOptions {
	readonly model: string;
	readonly prompt: string;
	readonly size: string;
	readonly quality: string;
	readonly n: number;
	readonly outputFormat: OutputFormat;
	readonly outputCompression?: number;
	readonly background?: Background;
	/** How much the model plans before rendering; only for models that take it. */
	readonly complexity?: 'low' | 'medium' | 'high';
}

export interface RequestProblem {
	readonly field: keyof ImageRequestOptions | 'images' | 'mask' | 'markup' | 'inputFidelity';
	readonly message: string;
}

export interface SizeCheck {
	readonly ok: boolean;
	/** Why the size is refused, or a warning when it is accepted but experimental. */
	readonly message?: string;
	readonly experimental?: boolean;
	readonly width?: number;
	readonly height?: number;
}

export interface ValidationContext {
	/** Today as `YYYY-MM-DD`, for shutdown dates. */
	readonly today: string;
	/** OpenAI-compatible endpoints: unknown model names are allowed with permissive rules. */
	readonly allowUnknownModels?: boolean;
}

/** Parses `WIDTHxHEIGHT` (also with `×`); undefined when it is not of that form. */
export function parseSize(size: string): { width: number; height: number } | undefined {
	const match = /^\s*(\d{1,5})\s*[x×X]\s*(\d{1,5})\s*$/.exec(size);
	if (!match) {
		return undefined;
	}
	return { width: Number(match[1]), height: Number(match[2]) };
}

function nearestMultiple(value: number, multiple: number): number {
	return Math.max(multiple, Math.round(value / multiple) * multiple);
}

/** Checks a size against a model's rules, with the reason when it is refused. */
export function checkSize(model: ModelCapabilities, size: string): SizeCheck {
	if (size === 'auto') {
		return model.autoSize ? { ok: true } : { ok: false, message: l10n.t('{0} needs an explicit size; "auto" is not supported.', model.id) };
	}
	const parsed = parseSize(size);
	if (!parsed) {
		return { ok: false, message: l10n.t('"{0}" is not a size: use WIDTHxHEIGHT, for example 1536x1024, or auto.', size) };
	}
	const { width, height } = parsed;
	const canonical = `${width}x${height}`;
	if (model.sizePresets.includes(canonical)) {
		return { ok: true, width, height };
	}
	const rules = model.customSizes;
	if (!rules) {
		return { ok: false, message: l10n.t('{0} supports only {1}.', model.id, [...model.sizePresets, ...(model.autoSize ? ['auto'] : [])].join(', ')), width, height };
	}
	const fail = (message: string): SizeCheck => ({ ok: false, message, width, height });
	if (width % rules.multipleOf !== 0 || height % rules.multipleOf !== 0) {
		const suggestion = `${nearestMultiple(width, rules.multipleOf)}x${nearestMultiple(height, rules.multipleOf)}`;
		return fail(l10n.t('Width and height must both be multiples of {0} for {1}; try {2}.', rules.multipleOf, model.id, suggestion));
	}
	if (Math.max(width, height) > rules.maxEdge) {
		return fail(l10n.t('The longest side can be at most {0} pixels for {1} (largest size 3840x2160).', rules.maxEdge, model.id));
	}
	const ratio = Math.max(width, height) / Math.min(width, height);
	if (ratio > rules.maxAspectRatio) {
		return fail(l10n.t('The aspect ratio must be between 1:{0} and {0}:1 for {1}; {2} is {3}:1.', rules.maxAspectRatio, model.id, canonical, ratio.toFixed(2)));
	}
	const pixels = width * height;
	if (pixels < rules.minPixels) {
		return fail(l10n.t('{0} is too small for {1}: at least {2} pixels (for example 1024x640).', canonical, model.id, rules.minPixels.toLocaleString('en-US')));
	}
	if (pixels > rules.maxPixels) {
		return fail(l10n.t('{0} is too large for {1}: at most {2} pixels (3840x2160).', canonical, model.id, rules.maxPixels.toLocaleString('en-US')));
	}
	if (pixels > rules.experimentalAbovePixels) {
		return { ok: true, experimental: true, message: l10n.t('Sizes above 2560x1440 are experimental for {0}.', model.id), width, height };
	}
	return { ok: true, width, height };
}

/** The capabilities to validate against, or a problem when the model may not be used. */
export function resolveModel(id: string, context: ValidationContext): { model: ModelCapabilities } | { problem: string } {
	const model = findModel(id);
	if (!model) {
		if (context.allowUnknownModels && id.trim().length > 0) {
			return { model: permissiveCapabilities(id.trim()) };
		}
		return { problem: l10n.t('"{0}" is not a known image model. Pick one of the listed models, or set illustrate.provider to openai-compatible for a custom endpoint.', id) };
	}
	if (model.status === 'retired') {
		return { problem: l10n.t('{0} was retired on {1}. Use {2} instead.', model.id, model.shutdownDate ?? '', model.replacement ?? '') };
	}
	if (!isAvailable(model, context.today)) {
		return { problem: l10n.t('{0} was shut down on {1}. Use {2} instead.', model.id, model.shutdownDate ?? '', model.replacement ?? '') };
	}
	return { model };
}

/**
 * Every reason the API would refuse these options, found before any request is sent
 * (nothing is charged for a request that is never made).
 */
export function checkRequest(options: ImageRequestOptions, context: ValidationContext): RequestProblem[] {
	const resolved = resolveModel(options.model, context);
	if ('problem' in resolved) {
		return [{ field: 'model', message: resolved.problem }];
	}
	const model = resolved.model;
	const problems: RequestProblem[] = [];
	const prompt = options.prompt.trim();
	if (prompt.length === 0) {
		problems.push({ field: 'prompt', message: l10n.t('The prompt is empty: describe the image you want.') });
	} else if (options.prompt.length > model.maxPromptLength) {
		problems.push({ field: 'prompt', message: l10n.t('The prompt has {0} characters; {1} takes at most {2}. Shorten it.', options.prompt.length.toLocaleString('en-US'), model.id, model.maxPromptLength.toLocaleString('en-US')) });
	}
	if (!model.qualities.includes(options.quality as never)) {
		problems.push({ field: 'quality', message: l10n.t('{0} does not support quality "{1}"; use {2}.', model.id, options.quality, model.qualities.join(', ')) });
	}
	const size = checkSize(model, options.size);
	if (!size.ok) {
		problems.push({ field: 'size', message: size.message ?? l10n.t('Unsupported size.') });
	}
	if (!Number.isInteger(options.n) || options.n < 1 || options.n > model.maxVariants) {
		problems.push({ field: 'n', message: l10n.t('The number of variants must be a whole number from 1 to {0}.', model.maxVariants) });
	}
	if (!model.outputFormats.includes(options.outputFormat)) {
		problems.push({ field: 'outputFormat', message: l10n.t('{0} cannot return {1}; use {2}.', model.id, options.outputFormat, model.outputFormats.join(', ')) });
	}
	if (options.outputCompression !== undefined) {
		if (options.outputFormat === 'png') {
			problems.push({ field: 'outputCompression', message: l10n.t('Compression applies only to JPEG and WebP output.') });
		} else if (!Number.isInteger(options.outputCompression) || options.outputCompression < 0 || options.outputCompression > 100) {
			problems.push({ field: 'outputCompression', message: l10n.t('Compression must be a whole number from 0 to 100.') });
		}
	}
	if (options.complexity !== undefined && !model.complexity) {
		problems.push({ field: 'complexity', message: l10n.t('{0} does not take a planning level (complexity); leave it on the model\'s default.', model.id) });
	}
	if (options.background === 'transparent') {
		if (!model.transparentBackground) {
			problems.push({ field: 'background', message: l10n.t('{0} cannot make a transparent background.', model.id) });
		} else if (options.outputFormat === 'jpeg') {
			problems.push({ field: 'background', message: l10n.t('A transparent background needs PNG or WebP output; JPEG has no transparency.') });
		}
	}
	return problems;
}
