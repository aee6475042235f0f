/**
 * Card-size copies: the rules for which images the cards show as a smaller copy, what the
 * copy is called and how large it is. A 3840×2160 PNG is 17 MB; the card shows it 300 pixels
 * wide. The copies themselves are kept by the history's cache (src/history/cardCopies.ts).
 */

import type { OutputFormat } from '../models/capabilities';
import { readImageInfo } from './imageInfo';
import { pngThumbnail, thumbnailSize, type DeflateCodec, type ThumbnailOptions } from './pngThumbnail';

/** The longest side the cards get of a large image: twice a wide card on a high-DPI screen. */
export const CARD_IMAGE_MAX_SIDE = 1024;
/** Larger than this many pixels (2048×1024), a PNG goes to the cards as a scaled-down copy. */
export const LARGE_IMAGE_PIXELS = 2 * CARD_IMAGE_MAX_SIDE * CARD_IMAGE_MAX_SIDE;
/** A PNG whose size is not known gets a copy past this many bytes (a 2048×1024 PNG rarely passes 6 MB). */
const LARGE_UNKNOWN_PNG_BYTES = 6 * 1024 * 1024;
const COPY_SUFFIX = '.card.png';
/** The history's ids (`2026-12-03T09-38-21-000Z-1a2b3c4d`); anything else gets no file name. */
const ID_PATTERN = /^[A-Za-z0-9_-][A-Za-z0-9_.-]{0,99}$/;

/** What the rules need to know of an image. */
export interface CardImage {
	readonly format: OutputFormat;
	readonly width?: number;
	readonly height?: number;
	readonly bytes: number;
}

/**
 * Whether the cards show the image as a card-size copy: a PNG larger than 2048×1024 pixels.
 * JPEG and WebP are small for their size already and a browser decodes them fast; a small PNG
 * is its own copy.
 */
export function needsCardCopy(image: CardImage): boolean {
	if (image.format !== 'png') {
		return false;
	}
	if (image.width === undefined || image.height === undefined) {
		return image.bytes > LARGE_UNKNOWN_PNG_BYTES;
	}
	return image.width * image.height > LARGE_IMAGE_PIXELS;
}

/** The size of an image's card copy. */
export function cardCopySize(width: number, height: number): { width: number; height: number } {
	return thumbnailSize(width, height, CARD_IMAGE_MAX_SIDE);
}

/** The file name of the card copy of the image with this id; undefined for an id that is no plain name. */
export function cardCopyName(imageId: string): string | undefined {
	return ID_PATTERN.test(imageId) && !imageId.includes('..') ? `${imageId}${COPY_SUFFIX}` : undefined;
}

/** The image id a card copy's file name is for; undefined for any other file. */
export function imageIdOfCardCopy(name: string): string | undefined {
	if (!name.endsWith(COPY_SUFFIX)) {
		return undefined;
	}
	const id = name.slice(0, -COPY_SUFFIX.length);
	return cardCopyName(id) === name ? id : undefined;
}

/**
 * What a card shows of an image: the original file (it needs no copy, or no copy can be made
 * of it), its copy (made already), or nothing yet while the copy is being made.
 */
export type CardSource = 'original' | 'copy' | 'pending';

/**
 * @param copies the ids whose copy is on disk
 * @param failed the ids no copy could be made of (a PNG the scaler does not take): the card shows the original
 */
export function cardSource(image: CardImage & { readonly id: string }, copies: ReadonlySet<string>, failed: ReadonlySet<string> = new Set()): CardSource {
	if (!needsCardCopy(image) || failed.has(image.id) || cardCopyName(image.id) === undefined) {
		return 'original';
	}
	return copies.has(image.id) ? 'copy' : 'pending';
}

/**
 * The images whose copy is still to be made, in the order to make them: the history's order
 * (newest first), so the cards at the top, the ones the user sees, come first.
 */
export function missingCardCopies<T extends CardImage & { readonly id: string }>(images: readonly T[], copies: ReadonlySet<string>, failed: ReadonlySet<string> = new Set()): T[] {
	return images.filter(image => cardSource(image, copies, failed) === 'pending');
}

/** Whether an image's bytes go to the cards as a card-size copy (see `needsCardCopy`). */
export function bytesNeedCardCopy(bytes: Uint8Array): boolean {
	const info = readImageInfo(bytes);
	return info !== undefined && needsCardCopy({ ...info, bytes: bytes.length });
}

/**
 * The card-size copy of a large PNG (see `needsCardCopy`), at most `maxSide` pixels on its
 * longest side; undefined when the image needs none or is a PNG the decoder does not take
 * (16-bit, interlaced, damaged): the caller sends the image as it is. `options`: a draft, or
 * one that may be abandoned (see `ThumbnailOptions`).
 */
export async function cardCopy(bytes: Uint8Array, maxSide: number, codec: DeflateCodec, options?: ThumbnailOptions): Promise<Uint8Array | undefined> {
	if (!bytesNeedCardCopy(bytes)) {
		return undefined;
	}
	return (await pngThumbnail(bytes, maxSide, codec, options))?.png;
}
