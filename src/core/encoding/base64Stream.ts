/**
 * Base64 decoded as it arrives, in pieces of any length: the bytes of a base64 text (ASCII, as
 * it comes off the wire) go in, the decoded bytes come out once, in an array of their exact
 * length. The text is never a JavaScript string as a whole: an image event's 23 MB of base64
 * became 23 MB of string, then 17 MB of image, then a copy.
 *
 * Strict: only the base64 alphabet (`A–Z a–z 0–9 + /`), with `=` padding at the end only and
 * the unused bits of the last group zero, which is exactly what `btoa` and Node's encoder
 * write. Anything else (whitespace, the URL alphabet, missing or stray padding) is refused,
 * not guessed at: the caller then reads the text the lenient way (`decodeBase64`), having the
 * text it fed back exactly from `text()`. With Node's Buffer (the image worker, the Node
 * extension host) the decoding is native, on 4-character groups; without it (the web
 * extension, a browser's main thread), a table in JavaScript gives the same answers.
 */

/** The value of each base64 character, −1 for any other byte. */
const VALUES = new Int8Array(256).fill(-1);
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
for (let index = 0; index < ALPHABET.length; index++) {
	VALUES[ALPHABET.charCodeAt(index)] = index;
}
const PAD = 0x3d;
/** Node's base64 decoder also reads the URL alphabet's `-` and `_`; strict base64 refuses them. */
const DASH = 0x2d;
const UNDERSCORE = 0x5f;
/** The first block of decoded bytes; each next one twice the last, up to `MAX_BLOCK`. */
const FIRST_BLOCK = 64 * 1024;
const MAX_BLOCK = 4 * 1024 * 1024;
/**
 * Decoded bytes from this size on are handed out in the growable buffer they were decoded
 * into (no copy): a 3840×2160 image's 17 MB would otherwise be there twice at the end, and a
 * batch's finals arrive together. Smaller ones are copied into a buffer of their own.
 */
const KEEP_GROWN_BYTES = 8 * 1024 * 1024;

/** An ArrayBuffer that can grow up to `maxBytes` (ES2024), where the engine has them. */
function growableBuffer(maxBytes: number): ArrayBuffer | undefined {
	if (!Number.isFinite(maxBytes) || typeof (ArrayBuffer.prototype as { resize?: unknown }).resize !== 'function') {
		return undefined;
	}
	try {
		return new (ArrayBuffer as unknown as new (length: number, options: { maxByteLength: number }) => ArrayBuffer)(0, { maxByteLength: Math.ceil(maxBytes) });
	} catch {
		// The address space for it could not be reserved: blocks instead.
		return undefined;
	}
}

type Growable = ArrayBuffer & { resize(length: number): void; readonly maxByteLength: number };

type NodeBuffer = Uint8Array & {
	toString(encoding: string, start?: number, end?: number): string;
	write(text: string, offset: number, length: number, encoding: string): number;
	indexOf(value: number, from?: number): number;
};
interface BufferConstructor {
	from(buffer: ArrayBufferLike, byteOffset: number, length: number): NodeBuffer;
	from(text: string, encoding: string): NodeBuffer;
}

function nodeBuffer(): BufferConstructor | undefined {
	const candidate = (globalThis as { Buffer?: BufferConstructor }).Buffer;
	return typeof candidate === 'function' ? candidate : undefined;
}

function asBuffer(nodeBuffers: BufferConstructor, bytes: Uint8Array): NodeBuffer {
	return nodeBuffers.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Options of a `Base64StreamDecoder`. */
export interface Base64StreamOptions {
	/**
	 * The most bytes the text can decode to (its caller's bound): with it, the bytes are decoded
	 * into one buffer that grows in place (an ArrayBuffer with a `maxByteLength`: the address
	 * space is reserved, memory is used only as it is written) and, when large, handed out
	 * without a copy. Without it, or where the engine has no such buffers, into blocks.
	 */
	readonly maxBytes?: number;
}

/** Decodes one strict base64 text fed in pieces (see the file's comment). */
export class Base64StreamDecoder {
	private readonly nodeBuffers = nodeBuffer();
	/** The buffer that grows, while it can (else undefined: blocks). */
	private grown: Growable | undefined;

	constructor(options: Base64StreamOptions = {}) {
		this.grown = growableBuffer(options.maxBytes ?? Infinity) as Growable | undefined;
		if (this.grown) {
			this.block = new Uint8Array(this.grown);
		}
	}

	/** Filled blocks of decoded bytes, and the one being filled. */
	private readonly blocks: Uint8Array[] = [];
	private block: Uint8Array = new Uint8Array(0);
	private filled = 0;
	private decodedLength = 0;
	/** Characters (0–3) of a group not complete yet. */
	private pending = '';
	private finished = false;

	/** Base64 characters fed so far. */
	get characters(): number {
		return this.decodedLength / 3 * 4 + this.pending.length;
	}

	/**
	 * Decodes the next piece of the text (no padding: that goes to `finish`). False, and the
	 * decoder as it was, when the piece holds a byte outside the base64 alphabet.
	 */
	push(piece: Uint8Array): boolean {
		if (this.finished) {
			throw new Error('The base64 decoder has finished.');
		}
		if (piece.length === 0) {
			return true;
		}
		const nodeBuffers = this.nodeBuffers;
		if (!nodeBuffers) {
			for (let index = 0; index < piece.length; index++) {
				if (VALUES[piece[index]] < 0) {
					return false;
				}
			}
			return this.pushBytes(piece);
		}
		const buffer = asBuffer(nodeBuffers, piece);
		// Node's decoder reads these where strict base64 refuses them; every other stray byte it skips, which the length shows.
		if (buffer.indexOf(DASH) >= 0 || buffer.indexOf(UNDERSCORE) >= 0 || buffer.indexOf(PAD) >= 0) {
			return false;
		}
		const text = this.pending + buffer.toString('latin1');
		const whole = Math.floor(text.length / 4) * 4;
		const rest = text.slice(whole);
		for (let index = 0; index < rest.length; index++) {
			if (VALUES[rest.charCodeAt(index)] < 0) {
				return false;
			}
		}
		if (whole > 0) {
			const length = whole / 4 * 3;
			this.reserve(length);
			// A byte Node's decoder skips makes fewer bytes: refused, nothing taken.
			if (asBuffer(nodeBuffers, this.block).write(whole === text.length ? text : text.slice(0, whole), this.filled, length, 'base64') !== length) {
				return false;
			}
			this.filled += length;
			this.decodedLength += length;
		}
		this.pending = rest;
		return true;
	}

	/**
	 * The decoded bytes, once the text has ended with `padding` (0–2) `=` characters; undefined
	 * when the text is not strict base64 so ended (a group cut short, padding where none
	 * belongs, bits the last group does not use set). The decoder cannot be fed after.
	 */
	finish(padding = 0): Uint8Array | undefined {
		const last = this.pending.length;
		if (!(padding === 0 ? last === 0 : padding <= 2 && last === 4 - padding)) {
			return undefined;
		}
		if (last > 0) {
			const a = VALUES[this.pending.charCodeAt(0)];
			const b = VALUES[this.pending.charCodeAt(1)];
			const c = last === 3 ? VALUES[this.pending.charCodeAt(2)] : 0;
			// The bits after the last byte must be zero, as an encoder writes them.
			if (last === 2 ? (b & 0x0f) !== 0 : (c & 0x03) !== 0) {
				return undefined;
			}
			const tail = last === 2 ? Uint8Array.of((a << 2) | (b >> 4)) : Uint8Array.of((a << 2) | (b >> 4), ((b & 0x0f) << 4) | (c >> 2));
			this.reserve(tail.length);
			this.block.set(tail, this.filled);
			this.filled += tail.length;
			this.decodedLength += tail.length;
			this.pending = '';
		}
		this.finished = true;
		return this.take(true);
	}

	/** The text fed so far, as bytes again (exact: whole groups of the strict alphabet encode back to themselves). */
	text(): Uint8Array {
		const encoded = encodeBase64Bytes(this.take(false));
		const result = new Uint8Array(encoded.length + this.pending.length);
		result.set(encoded);
		for (let index = 0; index < this.pending.length; index++) {
			result[encoded.length + index] = this.pending.charCodeAt(index);
		}
		return result;
	}

	/** Without Buffer: a checked piece after the pending characters, decoded in JavaScript. */
	private pushBytes(piece: Uint8Array): boolean {
		const head = Math.min(piece.length, (4 - this.pending.length) % 4);
		if (this.pending.length > 0) {
			const group = this.pending + String.fromCharCode(...piece.subarray(0, head));
			if (group.length < 4) {
				this.pending = group;
				return true;
			}
			this.reserve(3);
			this.decodeInto(Uint8Array.from(group, char => char.charCodeAt(0)), 0, 4);
			this.filled += 3;
			this.decodedLength += 3;
			this.pending = '';
		}
		const whole = head + Math.floor((piece.length - head) / 4) * 4;
		if (whole > head) {
			const length = (whole - head) / 4 * 3;
			this.reserve(length);
			this.decodeInto(piece, head, whole);
			this.filled += length;
			this.decodedLength += length;
		}
		this.pending = String.fromCharCode(...piece.subarray(whole));
		return true;
	}

	/** Decodes checked groups `text[from…to)` at the block's fill mark (not moved). */
	private decodeInto(text: Uint8Array, from: number, to: number): void {
		const block = this.block;
		let out = this.filled;
		for (let at = from; at < to; at += 4) {
			const a = VALUES[text[at]];
			const b = VALUES[text[at + 1]];
			const c = VALUES[text[at + 2]];
			const d = VALUES[text[at + 3]];
			block[out++] = (a << 2) | (b >> 4);
			block[out++] = ((b & 0x0f) << 4) | (c >> 2);
			block[out++] = ((c & 0x03) << 6) | d;
		}
	}

	/** Room for `length` more bytes in the current block: a new block when it is full. */
	private reserve(length: number): void {
		if (this.filled + length <= this.block.length) {
			return;
		}
		const grown = this.grown;
		if (grown && this.filled + length <= grown.maxByteLength) {
			// To the bytes exactly: nothing to give back at the end (a shrink writes zeros over what
			// it gives back, 20–80 ms for a doubled 3840×2160 image), and growing in place is as cheap.
			grown.resize(this.filled + length);
			this.block = new Uint8Array(grown);
			return;
		}
		// Past the bound it was given (a caller's mistake, not the text's): blocks from here on.
		this.grown = undefined;
		if (this.filled > 0) {
			this.blocks.push(this.block.subarray(0, this.filled));
		}
		const next = Math.min(MAX_BLOCK, Math.max(FIRST_BLOCK, this.block.length * 2));
		this.block = new Uint8Array(Math.max(next, length));
		this.filled = 0;
	}

	/** The decoded bytes as one array of their length; `release` lets the blocks go. */
	private take(release: boolean): Uint8Array {
		if (release && this.grown && this.blocks.length === 0 && this.decodedLength >= KEEP_GROWN_BYTES) {
			// Grown to the bytes exactly: handed out as it is.
			const result = new Uint8Array(this.grown, 0, this.decodedLength);
			this.grown = undefined;
			this.block = new Uint8Array(0);
			this.filled = 0;
			return result;
		}
		const parts = this.filled > 0 ? [...this.blocks, this.block.subarray(0, this.filled)] : this.blocks;
		const result = new Uint8Array(this.decodedLength);
		let at = 0;
		for (const part of parts) {
			result.set(part, at);
			at += part.length;
		}
		if (release) {
			this.blocks.length = 0;
			this.block = new Uint8Array(0);
			this.filled = 0;
			this.grown = undefined;
		}
		return result;
	}
}

/** Bytes as base64 text, as ASCII bytes (for the rare text rebuilt from decoded bytes). */
export function encodeBase64Bytes(bytes: Uint8Array): Uint8Array {
	const nodeBuffers = nodeBuffer();
	if (nodeBuffers) {
		const text = asBuffer(nodeBuffers, bytes).toString('base64');
		return nodeBuffers.from(text, 'latin1');
	}
	const out = new Uint8Array(Math.ceil(bytes.length / 3) * 4);
	let at = 0;
	let index = 0;
	for (; index + 3 <= bytes.length; index += 3) {
		const n = (bytes[index] << 16) | (bytes[index + 1] << 8) | bytes[index + 2];
		out[at++] = ALPHABET.charCodeAt(n >> 18);
		out[at++] = ALPHABET.charCodeAt((n >> 12) & 63);
		out[at++] = ALPHABET.charCodeAt((n >> 6) & 63);
		out[at++] = ALPHABET.charCodeAt(n & 63);
	}
	const left = bytes.length - index;
	if (left > 0) {
		const n = (bytes[index] << 16) | (left === 2 ? bytes[index + 1] << 8 : 0);
		out[at++] = ALPHABET.charCodeAt(n >> 18);
		out[at++] = ALPHABET.charCodeAt((n >> 12) & 63);
		out[at++] = left === 2 ? ALPHABET.charCodeAt((n >> 6) & 63) : PAD;
		out[at++] = PAD;
	}
	return out;
}
