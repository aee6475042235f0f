/**
 * The Images API's rules per model, as the API enforces them beyond its schema (sizes,
 * qualities, formats, edit inputs), independently of the extension's own capability table.
 */
import { ApiError } from './httpReplies';
import type { RecordedFile } from './requestLog';

interface ModelRule {
	custom: boolean;
	qualities: string[];
	fidelity: string[];
	retired?: boolean;
	/** Takes `output_format: "svg"` (with project access). */
	svg?: boolean;
	/** Takes `output_format: "gif"` (a preview: with access to it). */
	gif?: boolean;
}

/** What this server knows of the models, independently of the extension's own table. */
const MODEL_RULES: Record<string, ModelRule> = {
	'gpt-image-2': { custom: true, qualities: ['low', 'medium', 'high', 'auto'], fidelity: [] },
	'gpt-image-2-2026-04-21': { custom: true, qualities: ['low', 'medium', 'high', 'auto'], fidelity: [] },
	'gpt-image-2.5-sunburst': { custom: true, qualities: ['low', 'medium', 'high', 'xhigh', 'max', 'auto'], fidelity: [] },
	'gpt-image-2.5-sunburst-2026-09-08': { custom: true, qualities: ['low', 'medium', 'high', 'xhigh', 'max', 'auto'], fidelity: [] },
	'gpt-image-2.5-flare': { custom: true, qualities: ['low', 'medium', 'high', 'xhigh', 'max', 'auto'], fidelity: [] },
	'gpt-image-2.5-flare-2026-09-08': { custom: true, qualities: ['low', 'medium', 'high', 'xhigh', 'max', 'auto'], fidelity: [] },
	'gpt-image-2.6-sunburst': { custom: false, qualities: ['low', 'medium', 'high', 'auto'], fidelity: [], svg: true, gif: true },
	'gpt-image-2.6-flare': { custom: false, qualities: ['low', 'medium', 'high', 'auto'], fidelity: [], svg: true, gif: true },
	'gpt-image-1.5': { custom: false, qualities: ['low', 'medium', 'high', 'auto'], fidelity: ['low', 'high'] },
	'gpt-image-1-mini': { custom: false, qualities: ['low', 'medium', 'high', 'auto'], fidelity: ['low'] },
	'chatgpt-image-latest': { custom: false, qualities: ['low', 'medium', 'high', 'auto'], fidelity: [] },
	'gpt-image-1': { custom: false, qualities: [], fidelity: [], retired: true },
	'dall-e-2': { custom: false, qualities: [], fidelity: [], retired: true },
	'dall-e-3': { custom: false, qualities: [], fidelity: [], retired: true },
};

/** What the key may use beyond the plain formats: the test server's `ServerConfig` switches these off. */
export interface FormatAccess {
	/** The project has SVG output. */
	readonly svgAccess: boolean;
	/** The project has the GIF preview. */
	readonly gifAccess: boolean;
	/** The project may name the SVG author (`svg.model`); without it `svg` must be omitted. */
	readonly svgModelSelection: boolean;
	/** The SVG author models the key may name. */
	readonly svgAuthorModels: readonly string[];
}

/** The SVG author when the request names none: the account's default. */
export const DEFAULT_SVG_AUTHOR = 'gpt-5.5';

export const FULL_ACCESS: FormatAccess = { svgAccess: true, gifAccess: true, svgModelSelection: true, svgAuthorModels: [DEFAULT_SVG_AUTHOR, 'gpt-5.5-mini', 'gpt-5.4', 'gpt-5.4-mini'] };

/**
 * The GIF preview's size limits: all frames share one image's pixel budget by tiers of frame
 * count (up to 9 frames: 960x960 a frame; up to 12: 816x816; up to 16: 720x720), together at
 * least 655,360 pixels; sides multiples of 16, at most 3:1.
 */
export const GIF_PIXEL_BUDGET = 8_294_400;
export const GIF_MIN_TOTAL_PIXELS = 655_360;
export const GIF_FRAME_TIERS = [9, 12, 16] as const;
/** GIF frame counts the API takes, and its default; the default delay per frame (ms). */
export const GIF_FRAMES = { min: 2, max: 16, default: 9 } as const;
export const GIF_DEFAULT_DELAY_MS = 200;
/** The longest delay a GIF frame can carry: 65535 hundredths of a second. */
export const GIF_MAX_DELAY_MS = 655_350;

/** The delay the API encodes for a requested one: the nearest 10 ms, at least 10, at most 655,350. */
export function gifDelayMs(requested: number | undefined): number {
	const value = requested ?? GIF_DEFAULT_DELAY_MS;
	return Math.min(GIF_MAX_DELAY_MS, Math.max(10, Math.round(value / 10) * 10));
}

/** The frame-count tier a GIF is budgeted for. */
export function gifFrameTier(frames: number): number {
	return GIF_FRAME_TIERS.find(tier => frames <= tier) ?? GIF_FRAME_TIERS[GIF_FRAME_TIERS.length - 1];
}

/** The size `auto` gives a GIF: the largest square frame of its tier. */
export function gifAutoSize(frames: number): string {
	const side = Math.floor(Math.sqrt(GIF_PIXEL_BUDGET / gifFrameTier(frames)) / 16) * 16;
	return `${side}x${side}`;
}

/** Why the GIF preview refuses a size for `frames` frames, or undefined when it takes it. */
export function gifSizeProblem(size: string, frames: number): string | undefined {
	if (size === 'auto') {
		return undefined;
	}
	const match = /^(\d+)x(\d+)$/.exec(size);
	if (!match) {
		return `Invalid size '${size}'. Use WIDTHxHEIGHT or auto.`;
	}
	const width = Number(match[1]);
	const height = Number(match[2]);
	if (width % 16 !== 0 || height % 16 !== 0) {
		return `Invalid size '${size}'. Width and height must both be divisible by 16.`;
	}
	if (Math.max(width, height) / Math.min(width, height) > 3) {
		return `Invalid size '${size}'. The aspect ratio must be between 1:3 and 3:1.`;
	}
	const tier = gifFrameTier(frames);
	if (width * height * tier > GIF_PIXEL_BUDGET) {
		return `Invalid size '${size}' for output_format 'gif' with ${frames} frames. With up to ${tier} frames each frame may have at most ${Math.floor(GIF_PIXEL_BUDGET / tier)} pixels (for example ${gifAutoSize(frames)}). Use a smaller size or fewer frames.`;
	}
	if (width * height * tier < GIF_MIN_TOTAL_PIXELS) {
		return `Invalid size '${size}' for output_format 'gif'. With up to ${tier} frames each frame must have at least ${Math.ceil(GIF_MIN_TOTAL_PIXELS / tier)} pixels.`;
	}
	return undefined;
}

const isSet = (value: unknown) => value !== undefined && value !== null;

function rangeProblem(param: string, value: unknown, min: number, max?: number): ApiError | undefined {
	if (typeof value !== 'number' || !Number.isInteger(value)) {
		return new ApiError(400, 'invalid_request_error', 'invalid_type', `Invalid type for '${param}': expected an integer, but got ${typeof value === 'string' ? 'a string' : typeof value} instead.`, param);
	}
	if (value < min) {
		return new ApiError(400, 'invalid_request_error', 'integer_below_min_value', `Invalid '${param}': integer below minimum value. Expected a value >= ${min}, but got ${value} instead.`, param);
	}
	if (max !== undefined && value > max) {
		return new ApiError(400, 'invalid_request_error', 'integer_above_max_value', `Invalid '${param}': integer above maximum value. Expected a value <= ${max}, but got ${value} instead.`, param);
	}
	return undefined;
}

/**
 * SVG and GIF as the API takes them: the model and the project's access, one SVG per request,
 * no streaming, partial images or compression for either, a GIF's frames, delay, size limits
 * and no mask, the SVG author the key may name. Throws the API's error.
 */
function checkVectorAndAnimation(body: Record<string, unknown>, files: RecordedFile[], isEdit: boolean, model: string, size: string, access: FormatAccess): void {
	const format = typeof body.output_format === 'string' ? body.output_format : 'png';
	if (format !== 'svg' && isSet(body.svg)) {
		throw new ApiError(400, 'invalid_request_error', 'invalid_value', 'svg is only supported with output_format=svg.', 'svg');
	}
	if (format !== 'gif') {
		for (const param of ['frame_count', 'frame_duration_ms']) {
			if (isSet(body[param])) {
				throw new ApiError(400, 'invalid_request_error', 'invalid_value', `${param} is only supported with output_format=gif.`, param);
			}
		}
	}
	if (format !== 'svg' && format !== 'gif') {
		return;
	}
	const known = MODEL_RULES[model];
	if (known && !known[format]) {
		const supported = ['png', 'jpeg', 'webp', ...(known.svg ? ['svg'] : []), ...(known.gif ? ['gif'] : [])];
		throw new ApiError(400, 'invalid_request_error', 'invalid_value', `Invalid value: '${format}'. Supported values for ${model} are: ${supported.map(value => `'${value}'`).join(', ')}.`, 'output_format');
	}
	if (format === 'svg' && !access.svgAccess) {
		throw new ApiError(403, 'invalid_request_error', 'svg_access_required', 'Your project does not have access to SVG output. SVG output requires a supported image model and project access.', 'output_format');
	}
	if (format === 'gif' && !access.gifAccess) {
		throw new ApiError(403, 'invalid_request_error', 'gif_access_required', `Your project does not have access to the GIF preview for ${model}. GIF output requires access to the GIF preview for the selected model.`, 'output_format');
	}
	const label = format === 'svg' ? 'SVG' : 'GIF';
	if (body.stream === true) {
		throw new ApiError(400, 'invalid_request_error', 'invalid_value', `${label} output does not support streaming. Set stream to false or omit it.`, 'stream');
	}
	if (isSet(body.partial_images)) {
		throw new ApiError(400, 'invalid_request_error', 'invalid_value', `${label} output does not support partial images. Omit partial_images.`, 'partial_images');
	}
	if (isSet(body.output_compression)) {
		throw new ApiError(400, 'invalid_request_error', 'invalid_value', 'output_compression is only supported for jpeg and webp output formats.', 'output_compression');
	}
	if (format === 'svg') {
		const n = body.n ?? 1;
		if (n !== 1) {
			throw new ApiError(400, 'invalid_request_error', 'invalid_value', `Invalid 'n': SVG output requires n=1, but got ${String(n)} instead.`, 'n');
		}
		if (isSet(body.svg)) {
			const svg = body.svg as { model?: unknown };
			if (!access.svgModelSelection) {
				throw new ApiError(400, 'invalid_request_error', 'svg_model_selection_disabled', 'SVG model selection is not enabled for your project. Omit svg to use the default SVG author.', 'svg');
			}
			if (typeof svg.model !== 'string') {
				if (!isEdit) {
					throw new ApiError(400, 'invalid_request_error', null, 'Missing required parameter: \'svg.model\'.', 'svg.model');
				}
			} else if (!access.svgAuthorModels.includes(svg.model)) {
				throw new ApiError(404, 'invalid_request_error', 'model_not_found', `The model \`${svg.model}\` does not exist or you do not have access to it.`, 'svg.model');
			}
		}
		return;
	}
	if (isSet(body.frame_count)) {
		const problem = rangeProblem('frame_count', body.frame_count, GIF_FRAMES.min, GIF_FRAMES.max);
		if (problem) {
			throw problem;
		}
	}
	if (isSet(body.frame_duration_ms)) {
		const problem = rangeProblem('frame_duration_ms', body.frame_duration_ms, 1);
		if (problem) {
			throw problem;
		}
	}
	if (isEdit && files.some(file => file.field === 'mask')) {
		throw new ApiError(400, 'invalid_request_error', 'invalid_value', 'GIF output does not support masks. Omit mask.', 'mask');
	}
	const problem = gifSizeProblem(size, typeof body.frame_count === 'number' ? body.frame_count : GIF_FRAMES.default);
	if (problem) {
		throw new ApiError(400, 'invalid_request_error', 'invalid_value', problem, 'size');
	}
}

export const STANDARD_SIZES = new Set(['1024x1024', '1536x1024', '1024x1536']);
/** Output tokens of one 1024x1024 image per quality, from gpt-image-2's prices at $30 per million. */
export const OUTPUT_TOKENS_1024: Record<string, number> = { low: 200, medium: 1767, high: 7033, xhigh: 9000, max: 12000 };
/** Why the API refuses a size for a model, or undefined when it takes it. */
export function sizeProblem(model: string, size: string): string | undefined {
	if (size === 'auto' || STANDARD_SIZES.has(size)) {
		return undefined;
	}
	const match = /^(\d+)x(\d+)$/.exec(size);
	if (!match) {
		return `Invalid size '${size}'. Use WIDTHxHEIGHT or auto.`;
	}
	if (!MODEL_RULES[model]) {
		// Another vendor's model on an OpenAI-compatible server: its own rules, not OpenAI's.
		return undefined;
	}
	if (!MODEL_RULES[model].custom) {
		return `Invalid size '${size}'. Supported sizes are 1024x1024, 1024x1536, 1536x1024, and auto.`;
	}
	const width = Number(match[1]);
	const height = Number(match[2]);
	if (width % 16 !== 0 || height % 16 !== 0) {
		return `Invalid size '${size}'. Width and height must both be divisible by 16.`;
	}
	if (Math.max(width, height) / Math.min(width, height) > 3) {
		return `Invalid size '${size}'. The aspect ratio must be between 1:3 and 3:1.`;
	}
	if (Math.max(width, height) > 3840 || width * height > 8_294_400) {
		return `Invalid size '${size}'. The maximum supported resolution is 3840x2160.`;
	}
	if (width * height < 655_360) {
		return `Invalid size '${size}'. The requested size has fewer than 655360 pixels.`;
	}
	return undefined;
}

/** Semantic checks the API makes beyond the schema. Throws the API's error. */
export function checkSemantics(body: Record<string, unknown>, files: RecordedFile[], isEdit: boolean, anyModel: boolean, access: FormatAccess = FULL_ACCESS): void {
	const model = typeof body.model === 'string' ? body.model : 'gpt-image-1.5';
	const rules = MODEL_RULES[model] ?? (anyModel ? { custom: true, qualities: ['low', 'medium', 'high', 'xhigh', 'max', 'auto'], fidelity: ['low', 'high'] } : undefined);
	if (!rules) {
		throw new ApiError(404, 'invalid_request_error', 'model_not_found', `The model \`${model}\` does not exist or you do not have access to it.`);
	}
	if (rules.retired) {
		throw new ApiError(404, 'invalid_request_error', 'model_not_found', `The model \`${model}\` has been deprecated and is no longer available.`);
	}
	const prompt = typeof body.prompt === 'string' ? body.prompt : '';
	if (prompt.trim().length === 0) {
		throw new ApiError(400, 'invalid_request_error', 'empty_prompt', 'The prompt must not be empty.', 'prompt');
	}
	if (prompt.length > 32_000) {
		throw new ApiError(400, 'invalid_request_error', 'string_above_max_length', `Invalid 'prompt': string too long. Expected a string with maximum length 32000, but got a string with length ${prompt.length} instead.`, 'prompt');
	}
	const quality = typeof body.quality === 'string' ? body.quality : 'auto';
	if (!rules.qualities.includes(quality)) {
		throw new ApiError(400, 'invalid_request_error', 'invalid_value', `Invalid value: '${quality}'. Supported values for ${model} are: ${rules.qualities.map(q => `'${q}'`).join(', ')}.`, 'quality');
	}
	const size = typeof body.size === 'string' ? body.size : 'auto';
	// A GIF's frames have limits of their own (checked with the other GIF rules).
	const problem = body.output_format === 'gif' ? undefined : sizeProblem(model, size);
	if (problem) {
		throw new ApiError(400, 'invalid_request_error', 'invalid_value', problem, 'size');
	}
	checkVectorAndAnimation(body, files, isEdit, model, size, access);
	const format = typeof body.output_format === 'string' ? body.output_format : 'png';
	if (body.output_compression !== undefined && body.output_compression !== null) {
		const compression = Number(body.output_compression);
		if (format === 'png') {
			throw new ApiError(400, 'invalid_request_error', 'invalid_value', 'output_compression is only supported for jpeg and webp output formats.', 'output_compression');
		}
		if (!Number.isInteger(compression) || compression < 0 || compression > 100) {
			throw new ApiError(400, 'invalid_request_error', 'invalid_value', 'output_compression must be an integer between 0 and 100.', 'output_compression');
		}
	}
	if (body.background === 'transparent' && format !== 'png' && format !== 'webp') {
		throw new ApiError(400, 'invalid_request_error', 'invalid_value', 'Transparent background requires output_format png or webp.', 'background');
	}
	if (isEdit) {
		const images = files.filter(file => file.field === 'image' || file.field === 'image[]');
		if (images.length === 0) {
			throw new ApiError(400, 'invalid_request_error', null, 'Missing required parameter: \'image\'.', 'image');
		}
		if (images.length > 16) {
			throw new ApiError(400, 'invalid_request_error', 'invalid_value', `Too many images: ${images.length}. At most 16 images are supported.`, 'image');
		}
		for (const image of images) {
			if (image.size > 50 * 1024 * 1024) {
				throw new ApiError(400, 'invalid_request_error', 'invalid_value', 'Each image must be smaller than 50MB.', 'image');
			}
			if (!/^image\/(png|jpeg|webp)$/.test(image.contentType)) {
				throw new ApiError(400, 'invalid_request_error', 'invalid_image_format', `Invalid file '${image.filename}': unsupported mimetype ('${image.contentType}'). Supported file formats are 'image/jpeg', 'image/png', and 'image/webp'.`, 'image');
			}
		}
		const mask = files.find(file => file.field === 'mask');
		const markup = files.find(file => file.field === 'markup');
		if (mask && markup) {
			throw new ApiError(400, 'invalid_request_error', 'invalid_value', 'markup cannot be combined with mask.', 'markup');
		}
		if (mask) {
			if (mask.contentType !== 'image/png' || mask.size > 4 * 1024 * 1024) {
				throw new ApiError(400, 'invalid_request_error', 'invalid_value', 'The mask must be a PNG file smaller than 4MB.', 'mask');
			}
			if (mask.width !== images[0].width || mask.height !== images[0].height) {
				throw new ApiError(400, 'invalid_request_error', 'invalid_value', `Invalid mask: it must have the same dimensions as the image (${images[0].width}x${images[0].height}), got ${mask.width}x${mask.height}.`, 'mask');
			}
			if (!mask.hasAlpha) {
				throw new ApiError(400, 'invalid_request_error', 'invalid_value', 'Invalid mask: it must have an alpha channel.', 'mask');
			}
		}
		if (body.input_fidelity !== undefined && body.input_fidelity !== null && !rules.fidelity.includes(String(body.input_fidelity))) {
			throw new ApiError(400, 'invalid_request_error', 'invalid_value', `input_fidelity '${String(body.input_fidelity)}' is not supported for ${model}.`, 'input_fidelity');
		}
	}
}
