/**
 * A smaller copy of a large PNG, for the panel's cards: a 3840×2160 image is 17 MB of PNG,
 * and a remote window would move every byte to the browser (and decode 33 MB of pixels) to
 * show it 300 pixels wide. Decodes 8-bit, non-interlaced PNGs of every colour type, averages
 * each box of pixels (alpha-weighted), and writes a PNG again. No `vscode`, no Node: the
 * deflate codec comes from the host (zlib in Node, compression streams in a browser).
 */

import { LARGEST_IMAGE_PIXELS } from './imageBounds';

export interface DeflateCodec {
	/** zlib-wrapped deflate (RFC 1950), as PNG's image data is; rejects when the output would pass `maxOutputBytes`. */
	inflate(data: Uint8Array, maxOutputBytes?: number): Promise<Uint8Array>;
	/**
	 * The same, its output as it comes, in pieces: the caller needs no buffer for the whole
	 * output (25 MB for 3840×2160) and can work on the first rows while later ones inflate.
	 * Throws once the output would pass `maxOutputBytes`; stopping the iteration stops the
	 * inflation. Optional: without it `inflate` is used.
	 */
	inflateChunks?(parts: readonly Uint8Array[], maxOutputBytes: number): AsyncIterable<Uint8Array>;
	/** `fast`: the fastest level, for a copy that is shown and dropped (a preview). */
	deflate(data: Uint8Array, options?: { readonly fast?: boolean }): Promise<Uint8Array>;
}

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
}

export interface Thumbnail {
	readonly png: Uint8Array;
	readonly width: number;
	readonly height: number;
}

/** How long the scaler works before it lets the event loop run: the extension host is shared with every other extension. */
const SLICE_MS = 20;

const SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

const CRC_TABLE = (() => {
	const table = new Uint32Array(256);
	for (let n = 0; n < 256; n++) {
		let c = n;
		for (let k = 0; k < 8; k++) {
			c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		}
		table[n] = c >>> 0;
	}
	return table;
})();

export function crc32(bytes: Uint8Array, crc = 0xffffffff): number {
	for (let index = 0; index < bytes.length; index++) {
		crc = CRC_TABLE[(crc ^ bytes[index]) & 0xff] ^ (crc >>> 8);
	}
	return crc;
}

function readUint32(bytes: Uint8Array, at: number): number {
	return ((bytes[at] << 24) >>> 0) + (bytes[at + 1] << 16) + (bytes[at + 2] << 8) + bytes[at + 3];
}

interface Header {
	readonly width: number;
	readonly height: number;
	readonly colorType: number;
	/** Bytes per pixel of the image data. */
	readonly channels: number;
}

const CHANNELS: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

interface Decoded {
	readonly header: Header;
	readonly data: Uint8Array[];
	readonly palette?: Uint8Array;
	readonly transparency?: Uint8Array;
}

/** The chunks that matter, or undefined for anything this decoder does not take. */
function readChunks(bytes: Uint8Array): Decoded | undefined {
	if (bytes.length < 33 || SIGNATURE.some((value, index) => bytes[index] !== value)) {
		return undefined;
	}
	let header: Header | undefined;
	const data: Uint8Array[] = [];
	let palette: Uint8Array | undefined;
	let transparency: Uint8Array | undefined;
	for (let at = 8; at + 12 <= bytes.length;) {
		const length = readUint32(bytes, at);
		const type = String.fromCharCode(bytes[at + 4], bytes[at + 5], bytes[at + 6], bytes[at + 7]);
		const body = bytes.subarray(at + 8, at + 8 + length);
		if (body.length !== length) {
			return undefined;
		}
		if (type === 'IHDR') {
			const colorType = body[9];
			// 8 bits per sample, no interlacing: what image APIs send. Anything else is shown as it is.
			if (body[8] !== 8 || body[12] !== 0 || CHANNELS[colorType] === undefined) {
				return undefined;
			}
			header = { width: readUint32(body, 0), height: readUint32(body, 4), colorType, channels: CHANNELS[colorType] };
		} else if (type === 'PLTE') {
			palette = body;
		} else if (type === 'tRNS') {
			transparency = body;
		} else if (type === 'IDAT') {
			data.push(body);
		} else if (type === 'IEND') {
			break;
		}
		at += 12 + length;
	}
	if (!header || header.width === 0 || header.height === 0 || data.length === 0 || (header.colorType === 3 && !palette)) {
		return undefined;
	}
	return { header, data, palette, transparency };
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
	if (parts.length === 1) {
		return parts[0];
	}
	const result = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
	let at = 0;
	for (const part of parts) {
		result.set(part, at);
		at += part.length;
	}
	return result;
}

/** Undoes one row's filter in place (`row` holds the filtered bytes, `previous` the row above). */
function unfilter(filter: number, row: Uint8Array, previous: Uint8Array, bpp: number): boolean {
	const length = row.length;
	switch (filter) {
		case 0:
			return true;
		case 1:
			for (let i = bpp; i < length; i++) {
				row[i] = (row[i] + row[i - bpp]) & 0xff;
			}
			return true;
		case 2:
			for (let i = 0; i < length; i++) {
				row[i] = (row[i] + previous[i]) & 0xff;
			}
			return true;
		case 3:
			for (let i = 0; i < bpp; i++) {
				row[i] = (row[i] + (previous[i] >> 1)) & 0xff;
			}
			for (let i = bpp; i < length; i++) {
				row[i] = (row[i] + ((row[i - bpp] + previous[i]) >> 1)) & 0xff;
			}
			return true;
		case 4:
			for (let i = 0; i < bpp; i++) {
				row[i] = (row[i] + previous[i]) & 0xff;
			}
			for (let i = bpp; i < length; i++) {
				const a = row[i - bpp];
				const b = previous[i];
				const c = previous[i - bpp];
				const p = a + b - c;
				const pa = Math.abs(p - a);
				const pb = Math.abs(p - b);
				const pc = Math.abs(p - c);
				row[i] = (row[i] + (pa <= pb && pa <= pc ? a : pb <= pc ? b : c)) & 0xff;
			}
			return true;
		default:
			return false;
	}
}

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
		yield await codec.inflate(concat(parts), maxOutputBytes);
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

/** An image scaled down: RGBA pixels, row by row, and whether any of them is not opaque. */
export interface ScaledPixels {
	readonly width: number;
	readonly height: number;
	/** `width × height × 4` bytes, RGBA; alpha 255 throughout when `alpha` is false. */
	readonly rgba: Uint8Array;
	/** Some pixel is not opaque (an alpha channel that is 255 throughout does not count). */
	readonly alpha: boolean;
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

/**
 * Pixels as a PNG: RGBA when some are not opaque, else RGB; each row with filter 2 (Up):
 * cheap, and smooth images compress better. `fast`: at the fastest level (a preview).
 */
export async function encodePng(pixels: ScaledPixels, codec: DeflateCodec, fast?: boolean): Promise<Uint8Array> {
	const { width: tw, height: th, rgba, alpha } = pixels;
	const outChannels = alpha ? 4 : 3;
	const outStride = tw * outChannels;
	const out = new Uint8Array(th * (outStride + 1));
	let line = new Uint8Array(outStride);
	let lineAbove = new Uint8Array(outStride);
	for (let ty = 0; ty < th; ty++) {
		for (let tx = 0, o = ty * tw * 4, at = 0; tx < tw; tx++, o += 4, at += outChannels) {
			line[at] = rgba[o];
			line[at + 1] = rgba[o + 1];
			line[at + 2] = rgba[o + 2];
			if (alpha) {
				line[at + 3] = rgba[o + 3];
			}
		}
		const rowStart = ty * (outStride + 1);
		out[rowStart] = 2;
		for (let i = 0; i < outStride; i++) {
			out[rowStart + 1 + i] = (line[i] - lineAbove[i]) & 0xff;
		}
		[line, lineAbove] = [lineAbove, line];
	}
	const ihdr = new Uint8Array(13);
	writeUint32(ihdr, 0, tw);
	writeUint32(ihdr, 4, th);
	ihdr.set([8, alpha ? 6 : 2, 0, 0, 0], 8);
	return concat([Uint8Array.from(SIGNATURE), chunk('IHDR', ihdr), chunk('IDAT', await codec.deflate(out, { fast })), chunk('IEND', new Uint8Array(0))]);
}

function writeUint32(bytes: Uint8Array, at: number, value: number): void {
	bytes[at] = (value >>> 24) & 0xff;
	bytes[at + 1] = (value >>> 16) & 0xff;
	bytes[at + 2] = (value >>> 8) & 0xff;
	bytes[at + 3] = value & 0xff;
}

function chunk(type: string, body: Uint8Array): Uint8Array {
	const result = new Uint8Array(12 + body.length);
	writeUint32(result, 0, body.length);
	for (let index = 0; index < 4; index++) {
		result[4 + index] = type.charCodeAt(index);
	}
	result.set(body, 8);
	writeUint32(result, 8 + body.length, (crc32(result.subarray(4, 8 + body.length)) ^ 0xffffffff) >>> 0);
	return result;
}
