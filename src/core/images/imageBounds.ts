import { findModel, MODELS, type ModelCapabilities } from '../models/capabilities';
import { parseSize } from '../models/validation';

/** The most pixels a model's images can have: its largest custom size or preset; Infinity when it sets no bound. */
function modelPixels(model: ModelCapabilities): number {
	const presets = model.sizePresets.map(size => parseSize(size)).map(size => size ? size.width * size.height : 0);
	return Math.max(model.customSizes?.maxPixels ?? 0, ...presets);
}

/**
 * The most pixels any image model makes (gpt-image-2's 3840×2160): an image header that
 * declares more is damaged or hostile, and is never decoded.
 */
export const LARGEST_IMAGE_PIXELS = Math.max(...MODELS.map(modelPixels).filter(Number.isFinite));

/**
 * The most pixels an image of `modelId` can have: from the model table, or for a model it
 * does not know (an OpenAI-compatible endpoint's) the larger of the requested size and the
 * largest any known model makes.
 */
export function largestImagePixels(modelId: string, size: string): number {
	const known = findModel(modelId);
	const pixels = known ? modelPixels(known) : Infinity;
	if (Number.isFinite(pixels) && pixels > 0) {
		return pixels;
	}
	const requested = parseSize(size);
	return Math.max(LARGEST_IMAGE_PIXELS, requested ? requested.width * requested.height : 0);
}

/** Bytes per pixel an encoded image can take at worst: an uncompressed RGBA PNG is 4 and a bit; a JPEG or WebP of noise at top quality stays under 5. */
const WORST_BYTES_PER_PIXEL = 5;
/** Room for the event's other JSON fields (usage, size, quality, …) and its `event:` line. */
const EVENT_OVERHEAD_BYTES = 64 * 1024;

/**
 * The largest server-sent event a stream of images of up to `pixels` pixels can need: the
 * worst-case image as base64 in its JSON. Anything longer is not an image event, and is not
 * held in memory. 58 MB for 3840×2160, 7.1 MB for 1024×1024.
 */
export function largestImageEventBytes(pixels: number): number {
	return Math.ceil(pixels * WORST_BYTES_PER_PIXEL / 3) * 4 + EVENT_OVERHEAD_BYTES;
}
