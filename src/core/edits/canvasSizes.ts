import type { ModelCapabilities } from '../models/capabilities';
import { checkSize, parseSize } from '../models/validation';
import { formatSize } from '../images/imageSize';

/** The nearest multiple of 16 (at least 16): the step the models with custom sizes take. */
function round16(value: number): number {
	return Math.max(16, Math.round(value / 16) * 16);
}

/**
 * The sizes a canvas can be extended to (outpainting) around an image of `width` × `height`:
 * each contains the image, is larger on at least one side, and is a size the model takes.
 * Models with custom sizes also get the image widened by half, heightened by half, and
 * grown by a quarter both ways; every model gets its preset sizes that qualify.
 */
export function extendedCanvasSizes(model: ModelCapabilities, width: number, height: number): string[] {
	if (!width || !height) {
		return [];
	}
	const custom = model.customSizes
		? [formatSize(round16(width * 1.5), height), formatSize(width, round16(height * 1.5)), formatSize(round16(width * 1.25), round16(height * 1.25))]
		: [];
	const sizes = new Set<string>();
	for (const size of [...custom, ...model.sizePresets]) {
		const parsed = parseSize(size);
		if (parsed && parsed.width >= width && parsed.height >= height && (parsed.width > width || parsed.height > height) && checkSize(model, size).ok) {
			sizes.add(size);
		}
	}
	return [...sizes];
}
