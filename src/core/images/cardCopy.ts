import { readImageInfo } from './imageInfo';
import { pngThumbnail, type DeflateCodec } from './pngThumbnail';

/** The longest side the cards get of a large image: twice a wide card on a high-DPI screen. */
export const CARD_IMAGE_MAX_SIDE = 1024;
/** Larger than this many pixels (2048×1024), a PNG goes to the cards as a scaled-down copy. */
export const LARGE_IMAGE_PIXELS = 2 * CARD_IMAGE_MAX_SIDE * CARD_IMAGE_MAX_SIDE;

/** Whether an image goes to the cards as a scaled-down copy: a PNG of more than `LARGE_IMAGE_PIXELS`. */
export function needsCardCopy(bytes: Uint8Array): boolean {
	const info = readImageInfo(bytes);
	return info?.format === 'png' && info.width * info.height > LARGE_IMAGE_PIXELS;
}

/**
 * The card-size copy of a large PNG (see `needsCardCopy`), at most `maxSide` pixels on its
 * longest side; undefined when the image needs none or is a PNG the decoder does not take
 * (16-bit, interlaced, damaged): the caller sends the image as it is.
 */
export async function cardCopy(bytes: Uint8Array, maxSide: number, codec: DeflateCodec): Promise<Uint8Array | undefined> {
	if (!needsCardCopy(bytes)) {
		return undefined;
	}
	return (await pngThumbnail(bytes, maxSide, codec))?.png;
}
