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
	deflate(data: Uint8Array): Promise<Uint8Array>;
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

/**
 * The image scaled down to fit `maxSide`, as a PNG (RGB, or RGBA when it has transparency);
 * undefined when it already fits or is not a PNG this decoder takes (16-bit, interlaced,
 * damaged, or declaring more pixels than any model makes), so the caller shows the original.
 * Its image data is inflated no further than the header's size needs (a deflate bomb is
 * refused at that size), and the decoding yields to the event loop every few milliseconds.
 */
export async function pngThumbnail(bytes: Uint8Array, maxSide: number, codec: DeflateCodec, maxPixels = LARGEST_IMAGE_PIXELS): Promise<Thumbnail | undefined> {
	const decoded = readChunks(bytes);
	if (!decoded) {
		return undefined;
	}
	const { header, palette, transparency } = decoded;
	const { width, height, colorType, channels } = header;
	if (width * height > maxPixels) {
		return undefined;
	}
	const target = thumbnailSize(width, height, maxSide);
	if (target.width === width && target.height === height) {
		return undefined;
	}
	const stride = width * channels;
	const expectedBytes = height * (stride + 1);
	let raw: Uint8Array;
	try {
		raw = await codec.inflate(concat(decoded.data), expectedBytes);
	} catch {
		return undefined;
	}
	if (raw.length < expectedBytes) {
		return undefined;
	}
	const alpha = colorType === 4 || colorType === 6 || (colorType === 3 && transparency !== undefined);
	const outChannels = alpha ? 4 : 3;
	const tw = target.width;
	const th = target.height;
	// Alpha-weighted sums per thumbnail pixel: r·a, g·a, b·a, a (a = 255 when opaque); whole
	// numbers that fit 32 bits for any box up to 256×256 source pixels.
	const sums = new Uint32Array(tw * th * 4);
	const columnOf = new Uint32Array(width);
	for (let x = 0; x < width; x++) {
		columnOf[x] = Math.min(tw - 1, Math.floor(x * tw / width));
	}
	let previous: Uint8Array = new Uint8Array(stride);
	let sliceStart = performance.now();
	for (let y = 0; y < height; y++) {
		if ((y & 15) === 0 && performance.now() - sliceStart > SLICE_MS) {
			await nextTask();
			sliceStart = performance.now();
		}
		const start = y * (stride + 1);
		const row = raw.subarray(start + 1, start + 1 + stride);
		if (!unfilter(raw[start], row, previous, Math.max(1, channels))) {
			return undefined;
		}
		const base = Math.min(th - 1, Math.floor(y * th / height)) * tw;
		for (let x = 0; x < width; x++) {
			let r: number;
			let g: number;
			let b: number;
			let a = 255;
			const at = x * channels;
			switch (colorType) {
				case 2:
					r = row[at];
					g = row[at + 1];
					b = row[at + 2];
					break;
				case 6:
					r = row[at];
					g = row[at + 1];
					b = row[at + 2];
					a = row[at + 3];
					break;
				case 0:
					r = g = b = row[at];
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
					a = transparency && entry < transparency.length ? transparency[entry] : 255;
				}
			}
			const o = (base + columnOf[x]) * 4;
			sums[o] += r * a;
			sums[o + 1] += g * a;
			sums[o + 2] += b * a;
			sums[o + 3] += a;
		}
		// The filtered row became the unfiltered one in place: it is the next row's "above".
		previous = row;
	}
	const boxArea = (ty: number, tx: number) => {
		const x0 = Math.ceil(tx * width / tw);
		const x1 = Math.ceil((tx + 1) * width / tw);
		const y0 = Math.ceil(ty * height / th);
		const y1 = Math.ceil((ty + 1) * height / th);
		return Math.max(1, (Math.min(x1, width) - x0) * (Math.min(y1, height) - y0));
	};
	// Rows of the new PNG, each with filter 2 (Up): cheap, and smooth images compress better.
	const outStride = tw * outChannels;
	const out = new Uint8Array(th * (outStride + 1));
	let above = new Uint8Array(outStride);
	for (let ty = 0; ty < th; ty++) {
		if ((ty & 15) === 0 && performance.now() - sliceStart > SLICE_MS) {
			await nextTask();
			sliceStart = performance.now();
		}
		const line = new Uint8Array(outStride);
		for (let tx = 0; tx < tw; tx++) {
			const o = (ty * tw + tx) * 4;
			const alphaSum = sums[o + 3];
			const at = tx * outChannels;
			if (alphaSum > 0) {
				line[at] = Math.round(sums[o] / alphaSum);
				line[at + 1] = Math.round(sums[o + 1] / alphaSum);
				line[at + 2] = Math.round(sums[o + 2] / alphaSum);
			}
			if (alpha) {
				line[at + 3] = Math.round(alphaSum / boxArea(ty, tx));
			}
		}
		const rowStart = ty * (outStride + 1);
		out[rowStart] = 2;
		for (let i = 0; i < outStride; i++) {
			out[rowStart + 1 + i] = (line[i] - above[i]) & 0xff;
		}
		above = line;
	}
	const ihdr = new Uint8Array(13);
	writeUint32(ihdr, 0, tw);
	writeUint32(ihdr, 4, th);
	ihdr.set([8, alpha ? 6 : 2, 0, 0, 0], 8);
	const png = concat([Uint8Array.from(SIGNATURE), chunk('IHDR', ihdr), chunk('IDAT', await codec.deflate(out)), chunk('IEND', new Uint8Array(0))]);
	return { png, width: tw, height: th };
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
