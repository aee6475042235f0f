/**
 * A baseline JPEG encoder for the card-size copies (src/core/images/cardCopy.ts): 4:2:0 (the
 * colour at half the resolution each way, as cameras and browsers write JPEGs), the example
 * tables of the JPEG standard (ITU T.81, Annex K) scaled for the quality as libjpeg scales
 * them, the floating-point AAN DCT, and its output in a typed array. For a 744×744 copy it
 * takes a third of the time of jpeg-js (4:4:4, a JavaScript array per byte, its tables
 * built again at each call), which the image worker spent on each final image it showed.
 * Pure: no Node, no DOM; alpha is ignored (only opaque images become JPEGs).
 */

/** Natural (row-major) index of each coefficient in zigzag order. */
const NATURAL_ORDER = new Uint8Array([
	0, 1, 8, 16, 9, 2, 3, 10, 17, 24, 32, 25, 18, 11, 4, 5, 12, 19, 26, 33, 40, 48, 41, 34, 27, 20, 13, 6, 7, 14, 21, 28,
	35, 42, 49, 56, 57, 50, 43, 36, 29, 22, 15, 23, 30, 37, 44, 51, 58, 59, 52, 45, 38, 31, 39, 46, 53, 60, 61, 54, 47, 55, 62, 63,
]);

/** Annex K's quantization tables, natural order. */
const LUMINANCE_QUANT = [
	16, 11, 10, 16, 24, 40, 51, 61, 12, 12, 14, 19, 26, 58, 60, 55, 14, 13, 16, 24, 40, 57, 69, 56, 14, 17, 22, 29, 51, 87, 80, 62,
	18, 22, 37, 56, 68, 109, 103, 77, 24, 35, 55, 64, 81, 104, 113, 92, 49, 64, 78, 87, 103, 121, 120, 101, 72, 92, 95, 98, 112, 100, 103, 99,
];
const CHROMINANCE_QUANT = [
	17, 18, 24, 47, 99, 99, 99, 99, 18, 21, 26, 66, 99, 99, 99, 99, 24, 26, 56, 99, 99, 99, 99, 99, 47, 66, 99, 99, 99, 99, 99, 99,
	...new Array<number>(32).fill(99),
];

/** Annex K's Huffman tables: how many codes of each length 1–16, and the symbols in code order. */
interface HuffmanSpec {
	readonly counts: readonly number[];
	readonly symbols: readonly number[];
}
const AC_LUMINANCE_SYMBOLS = [
	0x01, 0x02, 0x03, 0x00, 0x04, 0x11, 0x05, 0x12, 0x21, 0x31, 0x41, 0x06, 0x13, 0x51, 0x61, 0x07, 0x22, 0x71, 0x14, 0x32, 0x81, 0x91, 0xa1, 0x08,
	0x23, 0x42, 0xb1, 0xc1, 0x15, 0x52, 0xd1, 0xf0, 0x24, 0x33, 0x62, 0x72, 0x82, 0x09, 0x0a, 0x16, 0x17, 0x18, 0x19, 0x1a, 0x25, 0x26, 0x27, 0x28,
	0x29, 0x2a, 0x34, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58, 0x59,
	0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x83, 0x84, 0x85, 0x86, 0x87, 0x88, 0x89,
	0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4, 0xb5, 0xb6,
	0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda, 0xe1, 0xe2,
	0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf1, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa,
];
const AC_CHROMINANCE_SYMBOLS = [
	0x00, 0x01, 0x02, 0x03, 0x11, 0x04, 0x05, 0x21, 0x31, 0x06, 0x12, 0x41, 0x51, 0x07, 0x61, 0x71, 0x13, 0x22, 0x32, 0x81, 0x08, 0x14, 0x42, 0x91,
	0xa1, 0xb1, 0xc1, 0x09, 0x23, 0x33, 0x52, 0xf0, 0x15, 0x62, 0x72, 0xd1, 0x0a, 0x16, 0x24, 0x34, 0xe1, 0x25, 0xf1, 0x17, 0x18, 0x19, 0x1a, 0x26,
	0x27, 0x28, 0x29, 0x2a, 0x35, 0x36, 0x37, 0x38, 0x39, 0x3a, 0x43, 0x44, 0x45, 0x46, 0x47, 0x48, 0x49, 0x4a, 0x53, 0x54, 0x55, 0x56, 0x57, 0x58,
	0x59, 0x5a, 0x63, 0x64, 0x65, 0x66, 0x67, 0x68, 0x69, 0x6a, 0x73, 0x74, 0x75, 0x76, 0x77, 0x78, 0x79, 0x7a, 0x82, 0x83, 0x84, 0x85, 0x86, 0x87,
	0x88, 0x89, 0x8a, 0x92, 0x93, 0x94, 0x95, 0x96, 0x97, 0x98, 0x99, 0x9a, 0xa2, 0xa3, 0xa4, 0xa5, 0xa6, 0xa7, 0xa8, 0xa9, 0xaa, 0xb2, 0xb3, 0xb4,
	0xb5, 0xb6, 0xb7, 0xb8, 0xb9, 0xba, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc8, 0xc9, 0xca, 0xd2, 0xd3, 0xd4, 0xd5, 0xd6, 0xd7, 0xd8, 0xd9, 0xda,
	0xe2, 0xe3, 0xe4, 0xe5, 0xe6, 0xe7, 0xe8, 0xe9, 0xea, 0xf2, 0xf3, 0xf4, 0xf5, 0xf6, 0xf7, 0xf8, 0xf9, 0xfa,
];
const DC_SYMBOLS = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
const DC_LUMINANCE: HuffmanSpec = { counts: [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0], symbols: DC_SYMBOLS };
const DC_CHROMINANCE: HuffmanSpec = { counts: [0, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0], symbols: DC_SYMBOLS };
const AC_LUMINANCE: HuffmanSpec = { counts: [0, 2, 1, 3, 3, 2, 4, 3, 5, 5, 4, 4, 0, 0, 1, 0x7d], symbols: AC_LUMINANCE_SYMBOLS };
const AC_CHROMINANCE: HuffmanSpec = { counts: [0, 2, 1, 2, 4, 4, 3, 4, 7, 5, 4, 4, 0, 1, 2, 0x77], symbols: AC_CHROMINANCE_SYMBOLS };

/** A Huffman table as the encoder uses it: each symbol's code and its length in bits. */
interface HuffmanCodes {
	readonly codes: Uint16Array;
	readonly lengths: Uint8Array;
}

function huffmanCodes(spec: HuffmanSpec): HuffmanCodes {
	const codes = new Uint16Array(256);
	const lengths = new Uint8Array(256);
	let code = 0;
	let at = 0;
	for (let length = 1; length <= 16; length++) {
		for (let i = 0; i < spec.counts[length - 1]; i++) {
			const symbol = spec.symbols[at++];
			codes[symbol] = code++;
			lengths[symbol] = length;
		}
		code <<= 1;
	}
	return { codes, lengths };
}

const HUFFMAN = {
	dcLuminance: huffmanCodes(DC_LUMINANCE), acLuminance: huffmanCodes(AC_LUMINANCE),
	dcChrominance: huffmanCodes(DC_CHROMINANCE), acChrominance: huffmanCodes(AC_CHROMINANCE),
};

/** The AAN DCT's scale factors, folded into the quantization. */
const AAN_SCALE = [1, 1.387039845, 1.306562965, 1.175875602, 1, 0.785694958, 0.5411961, 0.275899379];

interface QuantTables {
	/** As written to the file: zigzag order. */
	readonly luminance: Uint8Array;
	readonly chrominance: Uint8Array;
	/** Multipliers of the DCT's output, natural order. */
	readonly luminanceScale: Float32Array;
	readonly chrominanceScale: Float32Array;
}

const quantCache = new Map<number, QuantTables>();

function quantTables(quality: number): QuantTables {
	let tables = quantCache.get(quality);
	if (!tables) {
		// libjpeg's quality scaling (jcparam.c).
		const factor = quality < 50 ? Math.floor(5000 / quality) : 200 - quality * 2;
		const scaled = (base: readonly number[]) => base.map(value => Math.min(255, Math.max(1, Math.floor((value * factor + 50) / 100))));
		const zigzag = (natural: readonly number[]) => Uint8Array.from(NATURAL_ORDER, index => natural[index]);
		const scale = (natural: readonly number[]) => Float32Array.from(natural, (value, index) => 1 / (value * AAN_SCALE[index >> 3] * AAN_SCALE[index & 7] * 8));
		const luminance = scaled(LUMINANCE_QUANT);
		const chrominance = scaled(CHROMINANCE_QUANT);
		tables = { luminance: zigzag(luminance), chrominance: zigzag(chrominance), luminanceScale: scale(luminance), chrominanceScale: scale(chrominance) };
		quantCache.set(quality, tables);
	}
	return tables;
}

/** The entropy-coded bytes as they are written: a growing buffer, with the bits not yet a whole byte. */
class BitWriter {
	bytes: Uint8Array;
	length = 0;
	private bits = 0;
	private bitCount = 0;

	constructor(capacity: number) {
		this.bytes = new Uint8Array(capacity);
	}

	byte(value: number): void {
		if (this.length === this.bytes.length) {
			const grown = new Uint8Array(this.bytes.length * 2);
			grown.set(this.bytes);
			this.bytes = grown;
		}
		this.bytes[this.length++] = value;
	}

	raw(values: ArrayLike<number>): void {
		for (let i = 0; i < values.length; i++) {
			this.byte(values[i]);
		}
	}

	/** `size` bits (at most 16) of `value`, most significant first; a 0xFF byte is followed by 0 (byte stuffing). */
	write(value: number, size: number): void {
		this.bits = ((this.bits << size) | (value & ((1 << size) - 1))) >>> 0;
		this.bitCount += size;
		while (this.bitCount >= 8) {
			this.bitCount -= 8;
			const byte = (this.bits >>> this.bitCount) & 0xff;
			this.byte(byte);
			if (byte === 0xff) {
				this.byte(0);
			}
		}
		this.bits &= (1 << this.bitCount) - 1;
	}

	/** The last byte filled with 1 bits. */
	flush(): void {
		if (this.bitCount > 0) {
			this.write(0x7f, 8 - this.bitCount);
		}
	}
}

/** The forward DCT of an 8×8 block in place (AAN, as libjpeg's jfdctflt.c), then quantized into `out` in zigzag order. */
function transform(block: Float32Array, scale: Float32Array, out: Int32Array): void {
	for (let pass = 0; pass < 2; pass++) {
		// Rows first (stride 1, step 8), then columns (stride 8, step 1).
		const stride = pass === 0 ? 1 : 8;
		const step = pass === 0 ? 8 : 1;
		for (let line = 0, base = 0; line < 8; line++, base += step) {
			const d0 = block[base], d1 = block[base + stride], d2 = block[base + 2 * stride], d3 = block[base + 3 * stride];
			const d4 = block[base + 4 * stride], d5 = block[base + 5 * stride], d6 = block[base + 6 * stride], d7 = block[base + 7 * stride];
			const tmp0 = d0 + d7, tmp7 = d0 - d7, tmp1 = d1 + d6, tmp6 = d1 - d6;
			const tmp2 = d2 + d5, tmp5 = d2 - d5, tmp3 = d3 + d4, tmp4 = d3 - d4;
			let tmp10 = tmp0 + tmp3;
			const tmp13 = tmp0 - tmp3;
			let tmp11 = tmp1 + tmp2;
			let tmp12 = tmp1 - tmp2;
			block[base] = tmp10 + tmp11;
			block[base + 4 * stride] = tmp10 - tmp11;
			const z1 = (tmp12 + tmp13) * 0.707106781;
			block[base + 2 * stride] = tmp13 + z1;
			block[base + 6 * stride] = tmp13 - z1;
			tmp10 = tmp4 + tmp5;
			tmp11 = tmp5 + tmp6;
			tmp12 = tmp6 + tmp7;
			const z5 = (tmp10 - tmp12) * 0.382683433;
			const z2 = 0.5411961 * tmp10 + z5;
			const z4 = 1.306562965 * tmp12 + z5;
			const z3 = tmp11 * 0.707106781;
			const z11 = tmp7 + z3;
			const z13 = tmp7 - z3;
			block[base + 5 * stride] = z13 + z2;
			block[base + 3 * stride] = z13 - z2;
			block[base + stride] = z11 + z4;
			block[base + 7 * stride] = z11 - z4;
		}
	}
	for (let k = 0; k < 64; k++) {
		const index = NATURAL_ORDER[k];
		out[k] = Math.round(block[index] * scale[index]);
	}
}

/** The bit length of |value| (JPEG's "category"): 0 for 0, at most 11 here. */
function category(value: number): number {
	let magnitude = value < 0 ? -value : value;
	let bits = 0;
	while (magnitude > 0) {
		bits++;
		magnitude >>= 1;
	}
	return bits;
}

/** Writes one block's Huffman-coded coefficients; returns its DC value, the next block's predictor. */
function writeBlock(writer: BitWriter, coefficients: Int32Array, previousDc: number, dc: HuffmanCodes, ac: HuffmanCodes): number {
	const difference = coefficients[0] - previousDc;
	const dcBits = category(difference);
	writer.write(dc.codes[dcBits], dc.lengths[dcBits]);
	if (dcBits > 0) {
		writer.write(difference < 0 ? difference - 1 : difference, dcBits);
	}
	let last = 63;
	while (last > 0 && coefficients[last] === 0) {
		last--;
	}
	let run = 0;
	for (let k = 1; k <= last; k++) {
		const value = coefficients[k];
		if (value === 0) {
			run++;
			continue;
		}
		while (run > 15) {
			writer.write(ac.codes[0xf0], ac.lengths[0xf0]);
			run -= 16;
		}
		const bits = category(value);
		const symbol = (run << 4) | bits;
		writer.write(ac.codes[symbol], ac.lengths[symbol]);
		writer.write(value < 0 ? value - 1 : value, bits);
		run = 0;
	}
	if (last < 63) {
		writer.write(ac.codes[0], ac.lengths[0]);
	}
	return coefficients[0];
}

function writeMarker(writer: BitWriter, marker: number, body: readonly number[]): void {
	const length = body.length + 2;
	writer.raw([0xff, marker, length >> 8, length & 0xff]);
	writer.raw(body);
}

/** RGBA pixels (alpha ignored), as `ScaledPixels` has them. */
export interface JpegInput {
	readonly rgba: Uint8Array;
	readonly width: number;
	readonly height: number;
}

/** The pixels as a baseline JPEG at `quality` (1–100), 4:2:0. */
export function encodeJpeg(input: JpegInput, quality: number): Uint8Array {
	const steps = jpegEncoding(input, quality);
	for (;;) {
		const step = steps.next();
		if (step.done) {
			return step.value;
		}
	}
}

/**
 * The longest `encodeJpegInSlices` holds its thread at a time: a 744×744 copy takes 35–70 ms
 * to encode on the extension host's main thread (more on a loaded machine), which every other
 * extension waits for when done at once.
 */
export const JPEG_SLICE_MS = 10;

/**
 * The same JPEG as `encodeJpeg`, made in slices of at most about `sliceMs` (whole rows of
 * 16-pixel blocks), giving the thread back between them: for a thread others share (the web
 * extension host's, or the Node host's main thread when the image worker is not used).
 */
export async function encodeJpegInSlices(input: JpegInput, quality: number, sliceMs = JPEG_SLICE_MS): Promise<Uint8Array> {
	const steps = jpegEncoding(input, quality);
	let sliceStart = performance.now();
	for (;;) {
		const step = steps.next();
		if (step.done) {
			return step.value;
		}
		if (performance.now() - sliceStart >= sliceMs) {
			await new Promise<void>(resolve => setTimeout(resolve, 0));
			sliceStart = performance.now();
		}
	}
}

/** Encodes the JPEG one row of 16-pixel blocks per step; the last step returns its bytes. */
function* jpegEncoding({ rgba, width, height }: JpegInput, quality: number): Generator<void, Uint8Array, void> {
	if (width < 1 || height < 1 || width > 65535 || height > 65535 || rgba.length < width * height * 4) {
		throw new RangeError(`No JPEG of ${width}×${height} pixels from ${rgba.length} bytes.`);
	}
	const tables = quantTables(Math.min(100, Math.max(1, Math.round(quality))));
	const writer = new BitWriter(Math.max(4096, width * height >> 2));
	writer.raw([0xff, 0xd8]);
	writeMarker(writer, 0xe0, [0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0]);
	writeMarker(writer, 0xdb, [0, ...tables.luminance, 1, ...tables.chrominance]);
	writeMarker(writer, 0xc0, [8, height >> 8, height & 0xff, width >> 8, width & 0xff, 3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1]);
	const huffmanBody: number[] = [];
	for (const [tableClass, spec] of [[0x00, DC_LUMINANCE], [0x10, AC_LUMINANCE], [0x01, DC_CHROMINANCE], [0x11, AC_CHROMINANCE]] as const) {
		huffmanBody.push(tableClass, ...spec.counts, ...spec.symbols);
	}
	writeMarker(writer, 0xc4, huffmanBody);
	writeMarker(writer, 0xda, [3, 1, 0x00, 2, 0x11, 3, 0x11, 0, 63, 0]);

	// One 16×16 MCU at a time: four luminance blocks, one of each chrominance at half resolution.
	const y = new Float32Array(256);
	const cb = new Float32Array(256);
	const cr = new Float32Array(256);
	const block = new Float32Array(64);
	const coefficients = new Int32Array(64);
	let dcY = 0;
	let dcCb = 0;
	let dcCr = 0;
	const lastX = width - 1;
	const lastY = height - 1;
	for (let top = 0; top < height; top += 16) {
		for (let left = 0; left < width; left += 16) {
			for (let row = 0; row < 16; row++) {
				// Past the edge the last row and column repeat.
				const line = Math.min(top + row, lastY) * width;
				for (let column = 0; column < 16; column++) {
					const at = (line + Math.min(left + column, lastX)) * 4;
					const r = rgba[at];
					const g = rgba[at + 1];
					const b = rgba[at + 2];
					const i = row * 16 + column;
					y[i] = 0.299 * r + 0.587 * g + 0.114 * b - 128;
					cb[i] = -0.168735892 * r - 0.331264108 * g + 0.5 * b;
					cr[i] = 0.5 * r - 0.418687589 * g - 0.081312411 * b;
				}
			}
			for (let quarter = 0; quarter < 4; quarter++) {
				const offset = (quarter >> 1) * 128 + (quarter & 1) * 8;
				for (let i = 0; i < 64; i++) {
					block[i] = y[offset + (i >> 3) * 16 + (i & 7)];
				}
				transform(block, tables.luminanceScale, coefficients);
				dcY = writeBlock(writer, coefficients, dcY, HUFFMAN.dcLuminance, HUFFMAN.acLuminance);
			}
			for (let plane = 0; plane < 2; plane++) {
				const source = plane === 0 ? cb : cr;
				for (let i = 0; i < 64; i++) {
					const at = (i >> 3) * 32 + (i & 7) * 2;
					block[i] = (source[at] + source[at + 1] + source[at + 16] + source[at + 17]) * 0.25;
				}
				transform(block, tables.chrominanceScale, coefficients);
				if (plane === 0) {
					dcCb = writeBlock(writer, coefficients, dcCb, HUFFMAN.dcChrominance, HUFFMAN.acChrominance);
				} else {
					dcCr = writeBlock(writer, coefficients, dcCr, HUFFMAN.dcChrominance, HUFFMAN.acChrominance);
				}
			}
		}
		yield;
	}
	writer.flush();
	writer.raw([0xff, 0xd9]);
	return writer.bytes.slice(0, writer.length);
}
