import * as l10n from '@vscode/l10n';
import { findModel, isAvailable, MODELS, isWholeFileFormat, permissiveCapabilities, type Background, type GifRules, type ModelCapabilities, type Moderation, type OutputFormat, type SvgEffort } from './capabilities';

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
	/** How much the model plans before rendering; only for models that take it. For SVG, of the reference image. */
	readonly complexity?: 'low' | 'medium' | 'high';
	/** `low` filters less; absent: the API's default (`auto`). Generations only. */
	readonly moderation?: Moderation;
	/** SVG only: the model that authors the SVG and its effort; absent, the account's default. */
	readonly svg?: { readonly model: string; readonly effort?: SvgEffort };
	/** GIF only: the number of frames (2–16; the API's default 9 when absent). */
	readonly frames?: number;
	/** GIF only: each frame's delay in ms, rounded to 10 ms (the API's default 200 when absent). */
	readonly frameDurationMs?: number;
}

export interface RequestProblem {
	readonly field: keyof ImageRequestOptions | 'images' | 'mask' | 'markup' | 'inputFidelity' | 'svgModel' | 'svgEffort';
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

/** The frame count a GIF's size is budgeted for: the tier `frames` falls in (the API's default when absent). */
export function gifFrameTier(rules: GifRules, frames: number | undefined): number {
	const count = frames ?? rules.defaultFrames;
	return rules.frameTiers.find(tier => count <= tier) ?? rules.frameTiers[rules.frameTiers.length - 1];
}

/** The largest square frame a GIF of `frames` frames may have, a multiple of 16: 960 for up to 9 frames. */
export function largestGifSquare(rules: GifRules, frames: number | undefined): number {
	return Math.floor(Math.sqrt(rules.pixelBudget / gifFrameTier(rules, frames)) / 16) * 16;
}

/**
 * Checks the size of a GIF's frames: `auto`, or WIDTHxHEIGHT in multiples of 16, ratio at most
 * 3:1, its pixels times the frame count's tier within the model's GIF budget.
 */
export function checkGifSize(model: ModelCapabilities, rules: GifRules, size: string, frames: number | undefined): SizeCheck {
	if (size === 'auto') {
		return { ok: true };
	}
	const parsed = parseSize(size);
	if (!parsed) {
		return { ok: false, message: l10n.t('"{0}" is not a size: use WIDTHxHEIGHT, for example 512x512, or auto.', size) };
	}
	const { width, height } = parsed;
	const fail = (message: string): SizeCheck => ({ ok: false, message, width, height });
	if (width % 16 !== 0 || height % 16 !== 0) {
		return fail(l10n.t('Width and height must both be multiples of {0} for {1}; try {2}.', 16, model.id, `${nearestMultiple(width, 16)}x${nearestMultiple(height, 16)}`));
	}
	if (Math.max(width, height) / Math.min(width, height) > 3) {
		return fail(l10n.t('The aspect ratio must be between 1:{0} and {0}:1 for {1}; {2} is {3}:1.', 3, model.id, `${width}x${height}`, (Math.max(width, height) / Math.min(width, height)).toFixed(2)));
	}
	const tier = gifFrameTier(rules, frames);
	const count = frames ?? rules.defaultFrames;
	if (width * height * tier > rules.pixelBudget) {
		const square = largestGifSquare(rules, frames);
		return fail(l10n.t('{0} is too large for a GIF of {1} frames on {2}: at most {3} pixels a frame (for example {4}x{4}). Pick a smaller size or fewer frames.', `${width}x${height}`, count, model.id, Math.floor(rules.pixelBudget / tier).toLocaleString('en-US'), square));
	}
	if (width * height * tier < rules.minTotalPixels) {
		return fail(l10n.t('{0} is too small for a GIF on {1}: at least {2} pixels a frame (for example 512x512).', `${width}x${height}`, model.id, Math.ceil(rules.minTotalPixels / tier).toLocaleString('en-US')));
	}
	return { ok: true, width, height };
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
	const size = options.outputFormat === 'gif' && model.gif ? checkGifSize(model, model.gif, options.size, options.frames) : checkSize(model, options.size);
	if (!size.ok) {
		problems.push({ field: 'size', message: size.message ?? l10n.t('Unsupported size.') });
	}
	if (!Number.isInteger(options.n) || options.n < 1 || options.n > model.maxVariants) {
		problems.push({ field: 'n', message: l10n.t('The number of variants must be a whole number from 1 to {0}.', model.maxVariants) });
	}
	if (!model.outputFormats.includes(options.outputFormat)) {
		const makers = MODELS.filter(other => other.outputFormats.includes(options.outputFormat) && isAvailable(other, context.today)).map(other => other.id);
		problems.push({ field: 'outputFormat', message: isWholeFileFormat(options.outputFormat) && makers.length > 0
			? l10n.t('{0} cannot make {1}; {2} can. Pick one of them, or another format.', model.id, options.outputFormat.toUpperCase(), makers.join(', '))
			: l10n.t('{0} cannot return {1}; use {2}.', model.id, options.outputFormat, model.outputFormats.join(', ')) });
	}
	if (options.outputCompression !== undefined) {
		if (options.outputFormat === 'png' || isWholeFileFormat(options.outputFormat)) {
			problems.push({ field: 'outputCompression', message: l10n.t('Compression applies only to JPEG and WebP output.') });
		} else if (!Number.isInteger(options.outputCompression) || options.outputCompression < 0 || options.outputCompression > 100) {
			problems.push({ field: 'outputCompression', message: l10n.t('Compression must be a whole number from 0 to 100.') });
		}
	}
	if (options.complexity !== undefined && !model.complexity) {
		problems.push({ field: 'complexity', message: l10n.t('{0} does not take a planning level (complexity); leave it on the model\'s default.', model.id) });
	}
	problems.push(...checkFormatOptions(options, model));
	if (options.background === 'transparent') {
		if (!model.transparentBackground) {
			problems.push({ field: 'background', message: l10n.t('{0} cannot make a transparent background.', model.id) });
		} else if (options.outputFormat === 'jpeg') {
			problems.push({ field: 'background', message: l10n.t('A transparent background needs PNG or WebP output; JPEG has no transparency.') });
		} else if (isWholeFileFormat(options.outputFormat)) {
			problems.push({ field: 'background', message: l10n.t('A transparent background needs PNG or WebP output, as the API says; pick Auto or Opaque for {0}.', options.outputFormat.toUpperCase()) });
		}
	}
	return problems;
}

/** The largest delay a GIF frame can have in the API (its encoded delay is capped there). */
const MAX_FRAME_DELAY_MS = 655_350;

/** A GIF frame's delay as the API encodes it: rounded to the nearest 10 ms, at least 10. */
export function roundFrameDuration(ms: number): number {
	return Math.min(MAX_FRAME_DELAY_MS, Math.max(10, Math.round(ms / 10) * 10));
}

/**
 * The rules of the SVG and GIF options: an SVG author model and effort only for SVG, frames
 * and their delay only for GIF, each in the API's range; moderation only `auto` or `low`.
 */
function checkFormatOptions(options: ImageRequestOptions, model: ModelCapabilities): RequestProblem[] {
	const problems: RequestProblem[] = [];
	if (options.svg !== undefined) {
		if (options.outputFormat !== 'svg') {
			problems.push({ field: 'svgModel', message: l10n.t('An SVG author model applies only to SVG output.') });
		} else if (options.svg.model.trim().length === 0 || options.svg.model.length > 100 || /\s/.test(options.svg.model.trim())) {
			problems.push({ field: 'svgModel', message: l10n.t('Name the model that authors the SVG (for example gpt-5.6-terra), or leave it empty for your account\'s default.') });
		}
	}
	if (options.frames !== undefined || options.frameDurationMs !== undefined) {
		const rules = model.gif;
		if (options.outputFormat !== 'gif') {
			problems.push({ field: 'frames', message: l10n.t('Frames and their duration apply only to GIF output.') });
		} else if (rules) {
			if (options.frames !== undefined && (!Number.isInteger(options.frames) || options.frames < rules.minFrames || options.frames > rules.maxFrames)) {
				problems.push({ field: 'frames', message: l10n.t('A GIF has {0} to {1} frames.', rules.minFrames, rules.maxFrames) });
			}
			if (options.frameDurationMs !== undefined && (!Number.isFinite(options.frameDurationMs) || options.frameDurationMs < 5 || options.frameDurationMs > rules.maxFrameDurationMs)) {
				problems.push({ field: 'frameDurationMs', message: l10n.t('A frame lasts from {0} ms to {1} ms (rounded to {2} ms).', 10, rules.maxFrameDurationMs.toLocaleString('en-US'), rules.frameDurationStepMs) });
			}
		}
	}
	if (options.moderation !== undefined && options.moderation !== 'auto' && options.moderation !== 'low') {
		problems.push({ field: 'moderation', message: l10n.t('Moderation is "auto" or "low".') });
	}
	return problems;
}

/**
 * The size to use for a format when the size came from a default: as it is, but for a GIF
 * whose frames it does not fit (the default 1024x1024 is over every GIF budget): then the
 * largest of the GIF presets that fits.
 */
export function sizeForFormat(modelId: string, format: OutputFormat, size: string, frames?: number): string {
	const model = findModel(modelId);
	if (format !== 'gif' || !model?.gif || checkGifSize(model, model.gif, size, frames).ok) {
		return size;
	}
	const rules = model.gif;
	const pixels = (preset: string) => (parseSize(preset)?.width ?? 0) * (parseSize(preset)?.height ?? 0);
	return [...rules.sizePresets].sort((a, b) => pixels(b) - pixels(a)).find(preset => checkGifSize(model, rules, preset, frames).ok) ?? 'auto';
}
