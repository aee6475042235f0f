/**
 * Card-size copies: the rules for which images the cards show as a smaller copy, what the
 * copy is called and how large it is. A 3840×2160 PNG is 17 MB; the card shows it 300 pixels
 * wide. The copies themselves are kept by the history's cache (src/history/cardCopies.ts).
 */

import type { OutputFormat } from '../models/capabilities';
import { readImageInfo } from './imageInfo';
import { encodePng, type DeflateCodec, type ScaledPixels } from './pngFormat';
import { pngThumbnail, scalePng, thumbnailSize, type ThumbnailOptions } from './pngThumbnail';

/** The longest side the cards get of a large image: twice a wide card on a high-DPI screen. */
export const CARD_IMAGE_MAX_SIDE = 1024;

/** The narrowest column of the panels' card grids (webview/panel.css: `minmax(180px, 1fr)`). */
export const CARD_COLUMN_MIN_PX = 180;
/** The gap between the cards (webview/panel.css: `--gap`). */
export const CARD_GAP_PX = 12;
/**
 * The longest side of the history's copies (Show Generated Images, a panel restored after a
 * reload): the widest a card's square frame gets, twice, for a screen of device pixel ratio
 * 2. With `repeat(auto-fill, minmax(180px, 1fr))` a column is narrower than two columns and
 * a gap (the grid adds a column as soon as one more fits), so an image in it is at most
 * 2 × 180 + 12 = 372 CSS pixels wide: 744 device pixels.
 */
export const HISTORY_CARD_MAX_SIDE = 2 * (2 * CARD_COLUMN_MIN_PX + CARD_GAP_PX);
/**
 * The largest file a history copy is made from: a 3840×2160 PNG of noise is about 25 MB
 * (the most pixels any model makes, at worst 5 bytes each, is 41 MB). Larger is no image.
 */
export const HISTORY_COPY_SOURCE_MAX_BYTES = 64 * 1024 * 1024;
/** The JPEG quality of the history's copies of opaque images: a card-size picture, looked at, not edited. */
export const HISTORY_COPY_JPEG_QUALITY = 82;
/** Larger than this many pixels (2048×1024), a PNG goes to the cards as a scaled-down copy. */
export const LARGE_IMAGE_PIXELS = 2 * CARD_IMAGE_MAX_SIDE * CARD_IMAGE_MAX_SIDE;
/** A PNG whose size is not known gets a copy past this many bytes (a 2048×1024 PNG rarely passes 6 MB). */
const LARGE_UNKNOWN_PNG_BYTES = 6 * 1024 * 1024;
/** The name of the copies before they were sized for the history's cards (1024 px PNGs): still shown until replaced. */
const LEGACY_COPY_SUFFIX = '.card.png';
/** The history's copies: sized for a card (the size in the name, so a new size makes new copies), JPEG when opaque. */
const COPY_SUFFIXES = { jpeg: `.card-${HISTORY_CARD_MAX_SIDE}.jpg`, png: `.card-${HISTORY_CARD_MAX_SIDE}.png` } as const;
/** The formats a history copy is written in: JPEG for an opaque image, PNG for one with transparency. */
export type CardCopyFormat = keyof typeof COPY_SUFFIXES;
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

/**
 * The file name of the card copy of the image with this id, in this format; undefined for an
 * id that is no plain file name.
 */
export function cardCopyName(imageId: string, format: CardCopyFormat = 'jpeg'): string | undefined {
	return isPlainId(imageId) ? `${imageId}${COPY_SUFFIXES[format]}` : undefined;
}

function isPlainId(imageId: string): boolean {
	return ID_PATTERN.test(imageId) && !imageId.includes('..');
}

/** A file in the copies' folder: the copy of which image, and whether it is a history-card-size copy or an older 1024 px one. */
export interface CardCopyFile {
	readonly id: string;
	/** False for a copy made before they were sized for the history's cards: shown, then replaced. */
	readonly current: boolean;
}

/** What a file of the copies' folder is; undefined for any other file. */
export function parseCardCopyName(name: string): CardCopyFile | undefined {
	for (const suffix of Object.values(COPY_SUFFIXES)) {
		if (name.endsWith(suffix)) {
			const id = name.slice(0, -suffix.length);
			return isPlainId(id) ? { id, current: true } : undefined;
		}
	}
	if (name.endsWith(LEGACY_COPY_SUFFIX)) {
		const id = name.slice(0, -LEGACY_COPY_SUFFIX.length);
		return isPlainId(id) ? { id, current: false } : undefined;
	}
	return undefined;
}

/** The image id a card copy's file name is for (of any size); undefined for any other file. */
export function imageIdOfCardCopy(name: string): string | undefined {
	return parseCardCopyName(name)?.id;
}

/** The name of an image's older 1024 px copy, to find and replace it. */
export function legacyCardCopyName(imageId: string): string | undefined {
	return isPlainId(imageId) ? `${imageId}${LEGACY_COPY_SUFFIX}` : undefined;
}

/**
 * Whether the history shows the image from a copy sized for its cards: a PNG larger than
 * that copy (a 1024×1024 PNG is 1.5–2.5 MB; its 744 px JPEG some tens of KB). JPEG and WebP
 * are shown as they are; so are SVG and GIF (see `needsCardCopy`).
 */
export function needsHistoryCopy(image: CardImage): boolean {
	if (image.format !== 'png') {
		return false;
	}
	if (image.width === undefined || image.height === undefined) {
		return needsCardCopy(image);
	}
	return Math.max(image.width, image.height) > HISTORY_CARD_MAX_SIDE;
}

/**
 * What a card shows of an image: the original file (it needs no copy, or no copy can be made
 * of it), its copy (made already), nothing yet while the copy of a large image is being made
 * (`pending`), or the original while the copy of a mid-sized one (up to 2048×1024, which a
 * card can show as it is) is being made (`interim`).
 */
export type CardSource = 'original' | 'copy' | 'pending' | 'interim';

/**
 * @param copies the ids whose copy is on disk
 * @param failed the ids no copy could be made of (a PNG the scaler does not take): the card shows the original
 */
export function cardSource(image: CardImage & { readonly id: string }, copies: ReadonlySet<string>, failed: ReadonlySet<string> = new Set()): CardSource {
	if (!needsHistoryCopy(image) || failed.has(image.id) || !isPlainId(image.id)) {
		return 'original';
	}
	if (copies.has(image.id)) {
		return 'copy';
	}
	return needsCardCopy(image) ? 'pending' : 'interim';
}

/**
 * The images whose copy is still to be made, in the order to make them: the history's order
 * (newest first), so the cards at the top, the ones the user sees, come first.
 */
export function missingCardCopies<T extends CardImage & { readonly id: string }>(images: readonly T[], copies: ReadonlySet<string>, failed: ReadonlySet<string> = new Set()): T[] {
	return images.filter(image => {
		const source = cardSource(image, copies, failed);
		return source === 'pending' || source === 'interim';
	});
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

/** An encoder of RGBA pixels as a JPEG (alpha ignored): the image worker's (src/core/images/jpegEncoder.ts); none in the web extension. */
export type JpegEncoder = (pixels: ScaledPixels, quality: number) => Uint8Array;

/** A history copy's bytes and what they are. */
export interface HistoryCopy {
	readonly bytes: Uint8Array;
	readonly format: CardCopyFormat;
	readonly width: number;
	readonly height: number;
}

/**
 * The history's copy of a PNG: at most `HISTORY_CARD_MAX_SIDE` pixels on its longest side,
 * a JPEG when the image is opaque and a JPEG encoder is given (a 3840×2160 image: tens of KB
 * instead of 17 MB, or 0.5 MB as a 1024 px PNG), else a PNG (transparency kept). The source
 * may be the original or an older, larger copy. Undefined when the image fits already or is
 * not a PNG the decoder takes.
 */
export async function historyCopy(bytes: Uint8Array, codec: DeflateCodec, encodeJpeg?: JpegEncoder, maxSide = HISTORY_CARD_MAX_SIDE, options?: Pick<ThumbnailOptions, 'paused'>): Promise<HistoryCopy | undefined> {
	const scaled = await scalePng(bytes, maxSide, codec, options);
	if (!scaled) {
		return undefined;
	}
	const { width, height } = scaled;
	if (!scaled.alpha && encodeJpeg) {
		return { bytes: encodeJpeg(scaled, HISTORY_COPY_JPEG_QUALITY), format: 'jpeg', width, height };
	}
	return { bytes: await encodePng(scaled, codec), format: 'png', width, height };
}

/**
 * The longest side of the Generate panel's copies of partial images: previews, shown for a
 * second or two until the next one (the API's partials are soft anyway), so half a card on a
 * high-DPI screen, the one pixel per CSS pixel of a card elsewhere.
 */
export const PREVIEW_COPY_MAX_SIDE = HISTORY_CARD_MAX_SIDE / 2;
/** The JPEG quality of a preview's copy. */
export const PREVIEW_COPY_JPEG_QUALITY = 70;

/**
 * Below this many bytes a PNG of a few megapixels goes to the Generate panel as it is: its
 * copy would cost the image worker more time (30–70 ms of CPU for 1024×1024, several times
 * that on a loaded machine, one image after another) than its bytes cost on their way.
 */
export const PANEL_COPY_MIN_BYTES = 1024 * 1024;

/**
 * The same for a partial, whose preview is a draft (every second pixel) and a few KB: a 0.3 MB
 * partial of 1024×1024 took 132 ms from postMessage to the page as it was, 33 ms as its
 * preview (event → painted, median of 16: 209 ms as it was, 181 ms copied; p95 374 → 260 ms).
 */
export const PREVIEW_COPY_MIN_BYTES = 256 * 1024;

/**
 * Whether the Generate panel shows an image's bytes as a copy (see `panelCopy`): a PNG over
 * 2048×1024 pixels always (see `needsCardCopy`), and one larger than a card (a preview's
 * card, for a partial) when it is over `PANEL_COPY_MIN_BYTES`. In a remote window every byte
 * the extension host sends the panel crosses one web socket to the browser: a 1024×1024 PNG
 * is 1.5–2.5 MB, its card-size JPEG 30–70 KB (four of them took 1.3 s from postMessage to
 * the page, their copies 40 ms). JPEG and WebP are small already; SVG and GIF go as they are.
 */
export function bytesNeedPanelCopy(bytes: Uint8Array, partial = false): boolean {
	const info = readImageInfo(bytes);
	if (info?.format !== 'png') {
		return false;
	}
	if (info.width === undefined || info.height === undefined) {
		return bytes.length > LARGE_UNKNOWN_PNG_BYTES;
	}
	if (info.width * info.height > LARGE_IMAGE_PIXELS) {
		return true;
	}
	return bytes.length > (partial ? PREVIEW_COPY_MIN_BYTES : PANEL_COPY_MIN_BYTES) && Math.max(info.width, info.height) > (partial ? PREVIEW_COPY_MAX_SIDE : HISTORY_CARD_MAX_SIDE);
}

/**
 * The Generate panel's copy of a PNG as it streams in. A final image's is the history's copy
 * (`historyCopy`: card size, a JPEG when opaque, else a PNG), so the history keeps it as it
 * is; a partial's is a preview (`PREVIEW_COPY_MAX_SIDE`, every second pixel averaged, a JPEG
 * at a lower quality when opaque). Undefined when the image fits already, is not a PNG the
 * decoder takes, or was abandoned (`options.abandoned`).
 */
export async function panelCopy(bytes: Uint8Array, codec: DeflateCodec, encodeJpeg: JpegEncoder | undefined, options: Pick<ThumbnailOptions, 'draft' | 'abandoned' | 'paused'> = {}): Promise<HistoryCopy | undefined> {
	const draft = options.draft ?? false;
	const scaled = await scalePng(bytes, draft ? PREVIEW_COPY_MAX_SIDE : HISTORY_CARD_MAX_SIDE, codec, options);
	if (!scaled) {
		return undefined;
	}
	const { width, height } = scaled;
	if (!scaled.alpha && encodeJpeg) {
		return { bytes: encodeJpeg(scaled, draft ? PREVIEW_COPY_JPEG_QUALITY : HISTORY_COPY_JPEG_QUALITY), format: 'jpeg', width, height };
	}
	return { bytes: await encodePng(scaled, codec, draft), format: 'png', width, height };
}
