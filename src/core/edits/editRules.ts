import * as l10n from '@vscode/l10n';
import { readImageInfo, type ImageInfo } from '../images/imageInfo';
import { formatSize } from '../images/imageSize';
import type { ModelCapabilities } from '../models/capabilities';
import { checkRequest, resolveModel, type ImageRequestOptions, type RequestProblem, type ValidationContext } from '../models/validation';

/** Largest input image the edits endpoint takes. */
export const MAX_INPUT_IMAGE_BYTES = 50 * 1024 * 1024;
/** Largest mask (and markup) it takes. */
export const MAX_MASK_BYTES = 4 * 1024 * 1024;

export interface EditFile {
	readonly name: string;
	readonly bytes: Uint8Array;
}

export interface EditRequestOptions extends ImageRequestOptions {
	/** The images to edit; the first is the one a mask or markup applies to. */
	readonly images: readonly EditFile[];
	/** Alpha 0 where the image may change. */
	readonly mask?: EditFile;
	/** A transparent PNG drawn over the first image to guide the edit (models with markup edits). */
	readonly markup?: EditFile;
	readonly inputFidelity?: 'low' | 'high';
}

/** Whether PNG bytes carry transparency: an alpha channel (colour types 4 and 6) or a tRNS chunk. */
export function pngHasAlpha(bytes: Uint8Array): boolean {
	if (readImageInfo(bytes)?.format !== 'png' || bytes.length < 33) {
		return false;
	}
	const colourType = bytes[25];
	if (colourType === 4 || colourType === 6) {
		return true;
	}
	let at = 8;
	while (at + 8 <= bytes.length) {
		const length = ((bytes[at] << 24) >>> 0) + (bytes[at + 1] << 16) + (bytes[at + 2] << 8) + bytes[at + 3];
		const type = String.fromCharCode(bytes[at + 4], bytes[at + 5], bytes[at + 6], bytes[at + 7]);
		if (type === 'tRNS') {
			return true;
		}
		if (type === 'IDAT' || type === 'IEND') {
			return false;
		}
		at += 12 + length;
	}
	return false;
}

const megabytes = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

/**
 * Every reason the edits endpoint would refuse this request, found before it is sent:
 * the generation rules, plus image count, formats and sizes, mask or markup (never both)
 * and input fidelity where the model has it.
 */
export function checkEditRequest(options: EditRequestOptions, context: ValidationContext): RequestProblem[] {
	const problems = checkRequest(options, context);
	const resolved = resolveModel(options.model, context);
	if (!('model' in resolved)) {
		return problems;
	}
	const model: ModelCapabilities = resolved.model;
	const add = (field: RequestProblem['field'], message: string) => problems.push({ field, message });
	if (options.images.length === 0) {
		add('images', l10n.t('Choose an image to edit.'));
	} else if (options.images.length > model.maxInputImages) {
		add('images', l10n.t('{0} takes at most {1} input images; remove {2}.', model.id, model.maxInputImages, options.images.length - model.maxInputImages));
	}
	let first: ImageInfo | undefined;
	for (const [index, image] of options.images.entries()) {
		const info = readImageInfo(image.bytes);
		if (index === 0) {
			first = info;
		}
		if (!info) {
			add('images', l10n.t('{0} is not a PNG, JPEG or WebP image.', image.name));
		} else if (image.bytes.length > MAX_INPUT_IMAGE_BYTES) {
			add('images', l10n.t('{0} is {1}; input images must be under 50 MB.', image.name, megabytes(image.bytes.length)));
		}
	}
	if (options.mask && options.markup) {
		add('mask', l10n.t('Send a mask or a markup overlay, not both.'));
	}
	if (options.mask && options.outputFormat === 'gif') {
		add('mask', l10n.t('A GIF is made without a mask: clear the mask, or pick PNG, JPEG or WebP.'));
	}
	const overlay = options.mask ?? options.markup;
	if (overlay) {
		const kind = options.mask ? 'mask' : 'markup';
		const info = readImageInfo(overlay.bytes);
		if (options.markup && !model.markupEdits) {
			add('markup', l10n.t('{0} does not take markup overlays; paint a mask instead.', model.id));
		}
		if (info?.format !== 'png') {
			add(kind, kind === 'mask' ? l10n.t('The mask must be a PNG.') : l10n.t('The markup must be a PNG.'));
		} else if (overlay.bytes.length > MAX_MASK_BYTES) {
			add(kind, kind === 'mask'
				? l10n.t('The mask is {0}; it must be under 4 MB.', megabytes(overlay.bytes.length))
				: l10n.t('The markup is {0}; it must be under 4 MB.', megabytes(overlay.bytes.length)));
		} else if (first && (info.width !== first.width || info.height !== first.height)) {
			const sizes = [formatSize(info.width, info.height), formatSize(first.width, first.height)];
			add(kind, kind === 'mask'
				? l10n.t('The mask is {0} but the image is {1}: they must be the same size.', ...sizes)
				: l10n.t('The markup is {0} but the image is {1}: they must be the same size.', ...sizes));
		} else if (!pngHasAlpha(overlay.bytes)) {
			add(kind, kind === 'mask'
				? l10n.t('The mask needs transparency: its transparent pixels mark where to edit.')
				: l10n.t('The markup needs transparency: its transparent pixels mark the guidance.'));
		}
	}
	if (options.inputFidelity !== undefined && !model.inputFidelity.includes(options.inputFidelity)) {
		add('inputFidelity', model.inputFidelity.length === 0
			? l10n.t('{0} does not take input fidelity; leave it unset.', model.id)
			: l10n.t('{0} takes input fidelity {1}, not {2}.', model.id, model.inputFidelity.join(', '), options.inputFidelity));
	}
	return problems;
}
