import * as l10n from '@vscode/l10n';
import type { ImageRecipe, StoredImageOf } from './imageRecipe';
import { IllustrateError } from '../errors';
import { isWholeFileFormat, type OutputFormat, type RasterFormat } from '../models/capabilities';
import { roundFrameDuration, type ImageRequestOptions } from '../models/validation';
import { measuredSize } from '../images/imageSize';

/**
 * What Illustrate asks of the image API: the options turned into a request body (as the
 * `openai` SDK takes it), and the prompts and recipes of a re-render and of a request with a
 * reference image.
 */

/** Partial images per variant: previews while the final renders. */
export const PARTIAL_IMAGES = 2;
/** Appended to the prompt of a re-render, so the model keeps the draft and refines it. */
export const MAKE_FINAL_INSTRUCTION = 'Re-render this image faithfully at full quality: keep its composition, subject, colours and style; refine detail and clarity only.';
/** Appended to the prompt of a request with a reference image. */
export const REFERENCE_INSTRUCTION = 'Match the visual style, palette, line work and rendering of the reference image, so both look like one set; depict only what is described above.';

/** An image sent as the input of an edit. */
export interface ReferenceImage {
	readonly bytes: Uint8Array;
	readonly name: string;
	readonly format: RasterFormat;
}

/** Whether the edits endpoint takes an image of this format as input: PNG, JPEG and WebP only. */
export function isRasterFormat(format: OutputFormat): format is RasterFormat {
	return format === 'png' || format === 'jpeg' || format === 'webp';
}

/**
 * The format of an image sent as an edit's input, or an error saying why it cannot be sent:
 * the edits endpoint takes PNG, JPEG and WebP, not an SVG or a GIF (its frames are not an
 * input). Make a PNG of the same prompt to refine it, or edit the SVG's source.
 */
export function editInputFormat(format: OutputFormat, purpose: 'makeFinal' | 'edit' | 'reference'): RasterFormat {
	if (isRasterFormat(format)) {
		return format;
	}
	const kind = format.toUpperCase();
	switch (purpose) {
		case 'makeFinal':
			throw new IllustrateError(l10n.t('Make final re-renders a draft through the edits endpoint, which takes PNG, JPEG or WebP images, not {0}. Generate again at high quality instead.', kind));
		case 'reference':
			throw new IllustrateError(l10n.t('A reference image must be PNG, JPEG or WebP; the edits endpoint does not take {0}.', kind));
		default:
			throw new IllustrateError(l10n.t('The edits endpoint takes PNG, JPEG or WebP images, not {0}: this image cannot be refined or edited. Generate a new one with a changed prompt instead.', kind));
	}
}

/** What an edit sends besides the options: the images, and a mask or a markup overlay. */
export interface EditInputs extends ImageRequestOptions {
	readonly images: readonly ReferenceImage[];
	readonly mask?: ReferenceImage;
	readonly markup?: ReferenceImage;
	readonly inputFidelity?: 'low' | 'high';
}

/** The fields of a request both endpoints take. */
interface RequestBody {
	readonly model: string;
	readonly prompt: string;
	readonly n: number;
	readonly size: string;
	readonly quality: string;
	readonly output_format: ImageRequestOptions['outputFormat'];
	readonly output_compression?: number;
	readonly background?: ImageRequestOptions['background'];
	/** SVG: the model that authors it and its reasoning effort. */
	readonly svg?: { readonly model: string; readonly reasoning?: { readonly effort: NonNullable<ImageRequestOptions['svg']>['effort'] } };
	/** GIF: its frames and each one's delay (rounded to 10 ms). */
	readonly frame_count?: number;
	readonly frame_duration_ms?: number;
	/** PNG, JPEG and WebP stream with partial images; SVG and GIF come whole, in one JSON reply. */
	readonly stream: boolean;
	readonly partial_images?: number;
}

/** The body of images.generate for `n` of the images `options` ask for. */
export interface GenerateBody extends RequestBody {
	readonly complexity?: ImageRequestOptions['complexity'];
	readonly moderation?: ImageRequestOptions['moderation'];
}

/** The body of images.edit for `n` images, but for the files (image, mask, markup) the sender adds. */
export interface EditBody extends RequestBody {
	readonly input_fidelity?: 'low' | 'high';
}

/** Whether a request for this format streams (with partial images); SVG and GIF do not, as the API requires. */
export function streams(options: Pick<ImageRequestOptions, 'outputFormat'>): boolean {
	return !isWholeFileFormat(options.outputFormat);
}

function requestBody(options: ImageRequestOptions, n: number): RequestBody {
	const format = options.outputFormat;
	return {
		model: options.model,
		prompt: options.prompt,
		n,
		size: options.size,
		quality: options.quality,
		output_format: format,
		...(options.outputCompression !== undefined && !isWholeFileFormat(format) ? { output_compression: options.outputCompression } : {}),
		...(options.background ? { background: options.background } : {}),
		...(format === 'svg' && options.svg ? { svg: { model: options.svg.model.trim(), ...(options.svg.effort ? { reasoning: { effort: options.svg.effort } } : {}) } } : {}),
		...(format === 'gif' && options.frames !== undefined ? { frame_count: options.frames } : {}),
		...(format === 'gif' && options.frameDurationMs !== undefined ? { frame_duration_ms: roundFrameDuration(options.frameDurationMs) } : {}),
		...(streams(options) ? { stream: true, partial_images: PARTIAL_IMAGES } : { stream: false }),
	};
}

/** The body of an images.generate request for `n` images: streaming, but for SVG and GIF. */
export function toGenerateParams(options: ImageRequestOptions, n: number): GenerateBody {
	return {
		...requestBody(options, n),
		...(options.complexity ? { complexity: options.complexity } : {}),
		...(options.moderation && options.moderation !== 'auto' ? { moderation: options.moderation } : {}),
	};
}

/** The body of an images.edit request for `n` images, without its files (the edits endpoint takes no `moderation`). */
export function toEditParams(request: EditInputs, n: number): EditBody {
	return { ...requestBody(request, n), ...(request.inputFidelity ? { input_fidelity: request.inputFidelity } : {}) };
}

/** The recipe stored beside each image a generation (with or without a reference) makes. */
export function generateRecipe(options: ImageRequestOptions): ImageRecipe {
	return { prompt: options.prompt, model: options.model, size: options.size, quality: options.quality, operation: 'generate' };
}

/** A request with a reference image: the prompt asks to match its look. */
export function withReferenceInstruction(options: ImageRequestOptions): ImageRequestOptions {
	return { ...options, prompt: `${options.prompt}\n\n${REFERENCE_INSTRUCTION}` };
}

/**
 * A re-render of a draft: one image at high quality, at the draft's own size when it is
 * known, the prompt asking to keep the draft; the draft goes as the input image, named as
 * its file is.
 */
export function makeFinalRequest(draft: StoredImageOf<{ readonly path: string }>, prompt: string, options: ImageRequestOptions): { options: ImageRequestOptions; recipe: ImageRecipe; fileName: string } {
	const size = measuredSize({ width: draft.width, height: draft.height, size: options.size });
	return {
		options: { ...options, quality: 'high', n: 1, size, prompt: `${prompt}\n\n${MAKE_FINAL_INSTRUCTION}` },
		recipe: { prompt, model: options.model, size, quality: 'high', operation: 'makeFinal', sourceId: draft.id },
		fileName: draft.uri.path.split('/').pop() || 'draft.png',
	};
}
