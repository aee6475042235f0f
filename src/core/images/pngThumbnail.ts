/**
 * A smaller copy of a large PNG, for the panel's cards: a 3840×2160 image is 17 MB of PNG,
 * and a remote window would move every byte to the browser (and decode 33 MB of pixels) to
 * show it 300 pixels wide. Decodes 8-bit, non-interlaced PNGs of every colour type, averages
 * each box of pixels (alpha-weighted), and writes a PNG again. No `vscode`, no Node: the
 * deflate codec comes from the host (zlib in Node, compression streams in a browser).
 */

import { LARGEST_IMAGE_PIXELS } from './imageBounds';
import { concatBytes } from '../encoding/bytes';
import { encodePng, readChunks, unfilter, type DeflateCodec, type ScaledPixels } from './pngFormat';

/** How a thumbnail is made. */
export interface ThumbnailOptions {
	/** More pixels than this in the header and nothing is inflated (default: the largest image a model makes). */
	readonly maxPixels?: number;
	/**
	 * A preview that is shown briefly: every pixel is still decoded (PNG's filters need the
	 * rows above), but the box averages take every second pixel of every second row, and the
	 * PNG is written at the fastest level. About half the CPU time.
	 */
	readonly draft?: boolean;
	/** Asked while the image is decoded: true when the thumbnail is not wanted any more (undefined is returned). */
	readonly abandoned?: () => boolean;
	/**
	 * Asked each time the scaler lets the event loop run: a promise to wait for before it goes
	 * on (a copy thread holds a final image's copy while a preview is made), or undefined.
	 */
	readonly paused?: () => Promise<void> | undefined;
}

export interface Thumbnail {
	readonly png: Uint8Array;
	readonly width: number;
	readonly height: number;
}

/** How long the scaler works before it lets the event loop run: the extension host is shared with every other extension. */
const SLICE_MS = 20;

/** The size a `width`×`height` image takes to fit `maxSide`, keeping its aspect ratio. */
export function thumbnailSize(width: number, height: number, maxSide: number): { width: number; height: number } {
	const scale = Math.max(width, height) / maxSide;
	if (scale <= 1) {
		return { width, height };
	}
	return { width: Math.max(1, Math.round(width / scale)), height: Math.max(1, Math.round(height / scale)) };
}

function nextTask(): Promise<void> {
	return new Promise(resolve => setTimeout(resolve, 0));
}

/** The image data's pieces as they inflate: streamed when the codec can, else all at once. */
async function* inflated(codec: DeflateCodec, parts: readonly Uint8Array[], maxOutputBytes: number): AsyncIterable<Uint8Array> {
	if (codec.inflateChunks) {
		yield* codec.inflateChunks(parts, maxOutputBytes);
	} else {
		yield await codec.inflate(concatBytes(parts), maxOutputBytes);
	}
}

/** How many of the whole numbers in [from, to) a sampler taking every `step`th one (0, step, 2·step…) takes. */
function sampled(from: number, to: number, step: number): number {
	return Math.ceil(to / step) - Math.ceil(from / step);
}

/** What the box sums need to take one row in. */
interface Accumulator {
	readonly sums: Uint32Array;
	/** Each source column's box, times 4 (its offset in a row of `sums`). */
	readonly columnOf: Uint32Array;
	readonly width: number;
	readonly colorType: number;
	readonly channels: number;
	/** Every `step`th pixel of the row is taken. */
	readonly step: number;
	readonly palette?: Uint8Array;
	readonly transparency?: Uint8Array;
}

/**
 * Adds one unfiltered row to its boxes' sums, which start at `base` (4 per box): r·a, g·a,
 * b·a and a, where an opaque image counts a as 1 (the colour is the sum over the count all
 * the same). The common colour types get a loop of their own: this runs for every pixel.
 */
function accumulate(row: Uint8Array, base: number, { sums, columnOf, width, colorType, channels, step, palette, transparency }: Accumulator): void {
	const advance = channels * step;
	if (colorType === 2) {
		for (let x = 0, at = 0; x < width; x += step, at += advance) {
			const o = base + columnOf[x];
			sums[o] += row[at];
			sums[o + 1] += row[at + 1];
			sums[o + 2] += row[at + 2];
			sums[o + 3]++;
		}
		return;
	}
	if (colorType === 6) {
		for (let x = 0, at = 0; x < width; x += step, at += advance) {
			const o = base + columnOf[x];
			const a = row[at + 3];
			sums[o] += row[at] * a;
			sums[o + 1] += row[at + 1] * a;
			sums[o + 2] += row[at + 2] * a;
			sums[o + 3] += a;
		}
		return;
	}
	for (let x = 0, at = 0; x < width; x += step, at += advance) {
		let r: number;
		let g: number;
		let b: number;
		let a: number;
		switch (colorType) {
			case 0:
				r = g = b = row[at];
				a = 1;
				break;
			case 4:
				r = g = b = row[at];
				a = row[at + 1];
				break;
			default: {
				const entry = row[at];
				r = palette![entry * 3] ?? 0;
				g = palette![entry * 3 + 1] ?? 0;
				b = palette![entry * 3 + 2] ?? 0;
				a = transparency ? entry < transparency.length ? transparency[entry] : 255 : 1;
			}
		}
		const o = base + columnOf[x];
		sums[o] += r * a;
		sums[o + 1] += g * a;
		sums[o + 2] += b * a;
		sums[o + 3] += a;
	}
}

/**
 * The image scaled down to fit `maxSide`, as a PNG (RGB, or RGBA when it has transparency);
 * undefined when it already fits, is not a PNG this decoder takes (16-bit, interlaced,
 * damaged, or declaring more pixels than any model makes), so the caller shows the original,
 * or was abandoned (`options.abandoned`). Its image data is inflated as a stream where the
 * codec can, row by row (no buffer for the whole image: 25 MB at 3840×2160), no further than
 * the header's size needs (a deflate bomb is refused at that size), and the decoding yields
 * to the event loop every few milliseconds.
 */
export async function pngThumbnail(bytes: Uint8Array, maxSide: number, codec: DeflateCodec, options: ThumbnailOptions = {}): Promise<Thumbnail | undefined> {
	const scaled = await scalePng(bytes, maxSide, codec, options);
	return scaled && { png: await encodePng(scaled, codec, options.draft), width: scaled.width, height: scaled.height };
}


/**
 * The pixels of a PNG scaled down to fit `maxSide`, each the (alpha-weighted) average of its
 * box of source pixels; undefined when the image fits already, is not a PNG this decoder
 * takes, or was abandoned (see `pngThumbnail`).
 */
export async function scalePng(bytes: Uint8Array, maxSide: number, codec: DeflateCodec, options: ThumbnailOptions = {}): Promise<ScaledPixels | undefined> {
	const decoded = readChunks(bytes);
	if (!decoded) {
		return undefined;
	}
	const { header, palette, transparency } = decoded;
	const { width, height, colorType, channels } = header;
	if (width * height > (options.maxPixels ?? LARGEST_IMAGE_PIXELS)) {
		return undefined;
	}
	const target = thumbnailSize(width, height, maxSide);
	if (target.width === width && target.height === height) {
		return undefined;
	}
	const stride = width * channels;
	const rowBytes = stride + 1;
	const expectedBytes = height * rowBytes;
	const alpha = colorType === 4 || colorType === 6 || (colorType === 3 && transparency !== undefined);
	const tw = target.width;
	const th = target.height;
	// A draft takes every second pixel where each box is at least 2 pixels wide and high.
	const step = options.draft ? Math.max(1, Math.min(2, Math.floor(width / tw), Math.floor(height / th))) : 1;
	// Sums per thumbnail pixel (see `accumulate`): whole numbers that fit 32 bits for any box up to 256×256 source pixels.
	const sums = new Uint32Array(tw * th * 4);
	const columnOf = new Uint32Array(width);
	for (let x = 0; x < width; x++) {
		columnOf[x] = Math.min(tw - 1, Math.floor(x * tw / width)) * 4;
	}
	const accumulator: Accumulator = { sums, columnOf, width, colorType, channels, step, palette, transparency };
	const bpp = Math.max(1, channels);
	// Two rows, each with its filter byte: the one being filled and the one above it (zeros above the first).
	let current = new Uint8Array(rowBytes);
	let above = new Uint8Array(rowBytes);
	let filled = 0;
	let y = 0;
	let sliceStart = performance.now();
	try {
		for await (const piece of inflated(codec, decoded.data, expectedBytes)) {
			let at = 0;
			while (at < piece.length && y < height) {
				const take = Math.min(rowBytes - filled, piece.length - at);
				current.set(piece.subarray(at, at + take), filled);
				filled += take;
				at += take;
				if (filled < rowBytes) {
					break;
				}
				const row = current.subarray(1);
				if (!unfilter(current[0], row, above.subarray(1), bpp)) {
					return undefined;
				}
				if (y % step === 0) {
					accumulate(row, Math.min(th - 1, Math.floor(y * th / height)) * tw * 4, accumulator);
				}
				// The unfiltered row is the next row's "above".
				[current, above] = [above, current];
				filled = 0;
				y++;
				if ((y & 15) === 0 && performance.now() - sliceStart > SLICE_MS) {
					await nextTask();
					await options.paused?.();
					sliceStart = performance.now();
				}
			}
			if (options.abandoned?.()) {
				return undefined;
			}
		}
	} catch {
		// Image data that does not inflate, or inflates past the header's size.
		return undefined;
	}
	if (y < height) {
		return undefined;
	}
	const boxAlpha = (ty: number, tx: number, alphaSum: number) => {
		const x0 = Math.ceil(tx * width / tw);
		const x1 = Math.min(width, Math.ceil((tx + 1) * width / tw));
		const y0 = Math.ceil(ty * height / th);
		const y1 = Math.min(height, Math.ceil((ty + 1) * height / th));
		return Math.round(alphaSum / Math.max(1, sampled(x0, x1, step) * sampled(y0, y1, step)));
	};
	const rgba = new Uint8Array(tw * th * 4);
	// An alpha channel that is opaque throughout (as many models send) is no transparency.
	let translucent = false;
	for (let ty = 0; ty < th; ty++) {
		if ((ty & 15) === 0 && performance.now() - sliceStart > SLICE_MS) {
			await nextTask();
			await options.paused?.();
			sliceStart = performance.now();
		}
		for (let tx = 0, o = ty * tw * 4; tx < tw; tx++, o += 4) {
			const alphaSum = sums[o + 3];
			if (alphaSum > 0) {
				rgba[o] = Math.round(sums[o] / alphaSum);
				rgba[o + 1] = Math.round(sums[o + 1] / alphaSum);
				rgba[o + 2] = Math.round(sums[o + 2] / alphaSum);
			}
			const a = alpha ? boxAlpha(ty, tx, alphaSum) : 255;
			rgba[o + 3] = a;
			translucent ||= a < 255;
		}
	}
	return { width: tw, height: th, rgba, alpha: translucent };
}
