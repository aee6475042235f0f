import type { ImageInfo } from '../images/imageInfo';
import { imageOf } from '../generation/imageStream';

/**
 * The image of a batch output line, checked as a synchronous reply's is (`imageOf`): PNG, JPEG,
 * WebP or GIF by their bytes, an SVG sanitised before anything stores it; undefined for bytes
 * that are none of them.
 */
export function batchImage(b64: string): { readonly bytes: Uint8Array; readonly info: ImageInfo } | undefined {
	const image = imageOf({ final: true, b64, partialIndex: 0 }, Number.MAX_SAFE_INTEGER);
	return 'bytes' in image ? { bytes: image.bytes, info: image.info } : undefined;
}
