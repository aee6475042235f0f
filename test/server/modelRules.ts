/**
 * The Images API's rules per model, as the API enforces them beyond its schema (sizes,
 * qualities, formats, edit inputs), independently of the extension's own capability table.
 */
import { ApiError } from './httpReplies';
import type { RecordedFile } from './requestLog';

/** What this server knows of the models, independently of the extension's own table. */
const MODEL_RULES: Record<string, { custom: boolean; qualities: string[]; fidelity: string[]; retired?: boolean }> = {
	'gpt-image-2': { custom: true, qualities: ['low', 'medium', 'high', 'auto'], fidelity: [] },
	'gpt-image-2-2026-04-21': { custom: true, qualities: ['low', 'medium', 'high', 'auto'], fidelity: [] },
	'gpt-image-2.5-sunburst': { custom: true, qualities: ['low', 'medium', 'high', 'xhigh', 'max', 'auto'], fidelity: [] },
	'gpt-image-2.5-sunburst-2026-09-08': { custom: true, qualities: ['low', 'medium', 'high', 'xhigh', 'max', 'auto'], fidelity: [] },
	'gpt-image-2.5-flare': { custom: true, qualities: ['low', 'medium', 'high', 'xhigh', 'max', 'auto'], fidelity: [] },
	'gpt-image-2.5-flare-2026-09-08': { custom: true, qualities: ['low', 'medium', 'high', 'xhigh', 'max', 'auto'], fidelity: [] },
	'gpt-image-2.6-sunburst': { custom: false, qualities: ['low', 'medium', 'high', 'auto'], fidelity: [] },
	'gpt-image-2.6-flare': { custom: false, qualities: ['low', 'medium', 'high', 'auto'], fidelity: [] },
	'gpt-image-1.5': { custom: false, qualities: ['low', 'medium', 'high', 'auto'], fidelity: ['low', 'high'] },
	'gpt-image-1-mini': { custom: false, qualities: ['low', 'medium', 'high', 'auto'], fidelity: ['low'] },
	'chatgpt-image-latest': { custom: false, qualities: ['low', 'medium', 'high', 'auto'], fidelity: [] },
	'gpt-image-1': { custom: false, qualities: [], fidelity: [], retired: true },
	'dall-e-2': { custom: false, qualities: [], fidelity: [], retired: true },
	'dall-e-3': { custom: false, qualities: [], fidelity: [], retired: true },
};

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
export function checkSemantics(body: Record<string, unknown>, files: RecordedFile[], isEdit: boolean, anyModel: boolean): void {
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
	const problem = sizeProblem(model, size);
	if (problem) {
		throw new ApiError(400, 'invalid_request_error', 'invalid_value', problem, 'size');
	}
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
	if (body.background === 'transparent' && format === 'jpeg') {
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
