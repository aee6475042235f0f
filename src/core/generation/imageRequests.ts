import type { ImageRecipe, StoredImageOf } from './imageRecipe';
import type { ImageRequestOptions } from '../models/validation';
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
	readonly format: 'png' | 'jpeg' | 'webp';
}

/** What an edit sends besides the options: the images, and a mask or a markup overlay. */
export interface EditInputs extends ImageRequestOptions {
	readonly images: readonly ReferenceImage[];
	readonly mask?: ReferenceImage;
	readonly markup?: ReferenceImage;
	readonly inputFidelity?: 'low' | 'high';
}

/** The fields of a streaming request both endpoints take. */
interface StreamingBody {
	readonly model: string;
	readonly prompt: string;
	readonly n: number;
	readonly size: string;
	readonly quality: string;
	readonly output_format: ImageRequestOptions['outputFormat'];
	readonly output_compression?: number;
	readonly background?: ImageRequestOptions['background'];
	readonly stream: true;
	readonly partial_images: number;
}

/** The body of images.generate for `n` of the images `options` ask for. */
export interface GenerateBody extends StreamingBody {
	readonly complexity?: ImageRequestOptions['complexity'];
}

/** The body of images.edit for `n` images, but for the files (image, mask, markup) the sender adds. */
export interface EditBody extends StreamingBody {
	readonly input_fidelity?: 'low' | 'high';
}

function streamingBody(options: ImageRequestOptions, n: number): StreamingBody {
	return {
		model: options.model,
		prompt: options.prompt,
		n,
		size: options.size,
		quality: options.quality,
		output_format: options.outputFormat,
		...(options.outputCompression !== undefined ? { output_compression: options.outputCompression } : {}),
		...(options.background ? { background: options.background } : {}),
		stream: true,
		partial_images: PARTIAL_IMAGES,
	};
}

/** The body of a streaming images.generate request for `n` images. */
export function toGenerateParams(options: ImageRequestOptions, n: number): GenerateBody {
	return { ...streamingBody(options, n), ...(options.complexity ? { complexity: options.complexity } : {}) };
}

/** The body of a streaming images.edit request for `n` images, without its files. */
export function toEditParams(request: EditInputs, n: number): EditBody {
	return { ...streamingBody(request, n), ...(request.inputFidelity ? { input_fidelity: request.inputFidelity } : {}) };
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
