/**
 * The PNG format for the card copies: its chunks and filters read (8-bit, non-interlaced, every
 * colour type), and scaled pixels written as a PNG again. No `vscode`, no Node: the deflate
 * codec comes from the host (zlib in Node, compression streams in a browser).
 */

import { concatBytes } from '../encoding/bytes';

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

/** An image scaled down: RGBA pixels, row by row, and whether any of them is not opaque. */
export interface ScaledPixels {
	readonly width: number;
	readonly height: number;
	/** `width × height × 4` bytes, RGBA; alpha 255 throughout when `alpha` is false. */
	readonly rgba: Uint8Array;
	/** Some pixel is not opaque (an alpha channel that is 255 throughout does not count). */
	readonly alpha: boolean;
}

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
export function readChunks(bytes: Uint8Array): Decoded | undefined {
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

/** Undoes one row's filter in place (`row` holds the filtered bytes, `previous` the row above). */
export function unfilter(filter: number, row: Uint8Array, previous: Uint8Array, bpp: number): boolean {
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
	return concatBytes([Uint8Array.from(SIGNATURE), chunk('IHDR', ihdr), chunk('IDAT', await codec.deflate(out, { fast })), chunk('IEND', new Uint8Array(0))]);
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
