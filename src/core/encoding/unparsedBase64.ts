import { Base64StreamDecoder, encodeBase64Bytes, type Base64StreamOptions } from './base64Stream';
const decoder = new TextDecoder();
/** `"b64_json":"`, as bytes. */
const B64_KEY = new TextEncoder().encode('"b64_json":"');
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

/**
 * Searches and text of a byte range: with Node's Buffer where there is one (its search is
 * native, 5–10 times faster on 20 MB than a Uint8Array's, and Latin-1 text is a copy where
 * UTF-8 is decoded), with the standard ones in a browser. Either gives the same answers.
 */
function byteTools(data: Uint8Array): { indexOf(byte: number, from: number): number; text(start: number, end: number): string } {
	if (typeof Buffer !== 'undefined') {
		const buffer = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
		return { indexOf: (byte, from) => buffer.indexOf(byte, from), text: (start, end) => buffer.toString('latin1', start, end) };
	}
	return { indexOf: (byte, from) => data.indexOf(byte, from), text: (start, end) => decoder.decode(data.subarray(start, end)) };
}

/**
 * JSON bytes with the first `"b64_json":"…"` value taken out without parsing it as JSON (an
 * image's tens of MB of base64): the rest parsed with that value empty, and the base64 text
 * made a string once. Undefined where that is not exact: no `"b64_json":"` written that way,
 * no closing quote, an escape in the value, or the rest is not JSON. The caller checks that the
 * emptied value is the one it expects (the event's own, a response's first image): a nested
 * object may hold the first such key.
 */
export function takeOutBase64(data: Uint8Array): { readonly parsed: unknown; readonly b64: string } | undefined {
	const bytes = byteTools(data);
	let start = -1;
	for (let quote = bytes.indexOf(QUOTE, 0); quote >= 0; quote = bytes.indexOf(QUOTE, quote + 1)) {
		if (B64_KEY.every((byte, index) => data[quote + index] === byte)) {
			start = quote + B64_KEY.length;
			break;
		}
	}
	const end = start < 0 ? -1 : bytes.indexOf(QUOTE, start);
	if (end < 0) {
		return undefined;
	}
	const escape = bytes.indexOf(BACKSLASH, start);
	if (escape >= 0 && escape < end) {
		return undefined;
	}
	let parsed: unknown;
	try {
		parsed = JSON.parse(decoder.decode(data.subarray(0, start)) + decoder.decode(data.subarray(end)));
	} catch {
		return undefined;
	}
	// Latin-1 and UTF-8 read base64 alike; any byte outside ASCII makes it not base64 either way.
	return { parsed, b64: bytes.text(start, end) };
}

/**
 * JSON bytes with the first `"b64_json":"…"` value taken out as `takeOutBase64` does, but fed
 * in pieces as they arrive and the value decoded as it comes (`Base64StreamDecoder`): the text
 * before the value (`head`, ending in `"b64_json":"`) and after it (`tail`, from the closing
 * quote) are kept, the base64 never is. The JSON is not parsed here (the caller parses
 * `head` + `tail`, which is the JSON with the value empty, and checks it, as after
 * `takeOutBase64`). Where the value is not strict base64 ending in a quote (an escape,
 * whitespace, the URL alphabet, padding a strict encoder does not write, no closing quote) the
 * bytes are given back as they came, for the exact reading.
 */
export interface SplitBase64 {
	/** The JSON up to and with `"b64_json":"`. */
	readonly head: Uint8Array;
	/** The JSON from the value's closing quote on. */
	readonly tail: Uint8Array;
	/** The value, decoded. */
	readonly bytes: Uint8Array;
}

/** Whether data is a `SplitBase64` (not bytes, not text). */
export function isSplitBase64(data: unknown): data is SplitBase64 {
	return typeof data === 'object' && data !== null && !(data instanceof Uint8Array) && 'head' in data && 'tail' in data && 'bytes' in data;
}

/** The JSON bytes a split was made of, exactly (its value was strict base64, which encodes back to itself). */
export function joinSplitBase64(split: SplitBase64): Uint8Array {
	const value = encodeBase64Bytes(split.bytes);
	const joined = new Uint8Array(split.head.length + value.length + split.tail.length);
	joined.set(split.head);
	joined.set(value, split.head.length);
	joined.set(split.tail, split.head.length + value.length);
	return joined;
}

/** Bytes appended into one array that doubles as it fills. */
class ByteBuilder {
	private bytes = new Uint8Array(256);
	length = 0;

	append(piece: Uint8Array): void {
		if (this.length + piece.length > this.bytes.length) {
			const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + piece.length));
			grown.set(this.view());
			this.bytes = grown;
		}
		this.bytes.set(piece, this.length);
		this.length += piece.length;
	}

	view(): Uint8Array {
		return this.bytes.subarray(0, this.length);
	}

	/** The bytes, in an array of their own length. */
	take(): Uint8Array {
		return this.bytes.length === this.length ? this.bytes : this.bytes.slice(0, this.length);
	}
}

/** Where `needle` is in `haystack` from `from` on, −1 if nowhere. */
function indexOfBytes(haystack: Uint8Array, needle: Uint8Array, from: number): number {
	if (typeof Buffer !== 'undefined') {
		return Buffer.from(haystack.buffer, haystack.byteOffset, haystack.byteLength).indexOf(needle, from);
	}
	for (let at = haystack.indexOf(needle[0], from); at >= 0 && at + needle.length <= haystack.length; at = haystack.indexOf(needle[0], at + 1)) {
		if (needle.every((byte, index) => haystack[at + index] === byte)) {
			return at;
		}
	}
	return -1;
}

const EQUALS = 0x3d;

/** Where `byte` first is in `bytes`, −1 if nowhere: Buffer's native search where there is one. */
function indexOfByte(bytes: Uint8Array, byte: number): number {
	return typeof Buffer !== 'undefined' ? Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).indexOf(byte) : bytes.indexOf(byte);
}

/** Splits one JSON text fed in pieces (see `SplitBase64`). */
export class StreamingBase64Split {
	private state: 'key' | 'value' | 'padding' | 'tail' | 'raw' = 'key';
	/** The text before the key is found; all of it once given up ('raw'). */
	private readonly text = new ByteBuilder();
	private head = new Uint8Array(0);
	private readonly tail = new ByteBuilder();
	/** Made when the key is found. */
	private decoder = new Base64StreamDecoder();
	private decoded: Uint8Array | undefined;

	/** `maxBytes`: the most the value can decode to (see `Base64StreamOptions`). */
	constructor(private readonly options: Base64StreamOptions = {}) {}
	/** `=` read after the value's characters. */
	private padding = 0;

	/** The next bytes of the text (copied where kept: the caller may reuse `piece`). */
	push(piece: Uint8Array): void {
		switch (this.state) {
			case 'key': {
				const searchFrom = Math.max(0, this.text.length - B64_KEY.length + 1);
				this.text.append(piece);
				const text = this.text.view();
				const key = indexOfBytes(text, B64_KEY, searchFrom);
				if (key >= 0) {
					const valueStart = key + B64_KEY.length;
					this.head = text.slice(0, valueStart);
					const rest = text.slice(valueStart);
					this.text.length = 0;
					this.decoder = new Base64StreamDecoder(this.options);
					this.state = 'value';
					this.value(rest);
				}
				return;
			}
			case 'value':
				return this.value(piece);
			case 'padding':
				return this.pad(piece);
			case 'tail':
				return this.tail.append(piece);
			case 'raw':
				return this.text.append(piece);
		}
	}

	/** The text split, or (when it could not be) its bytes as they came. */
	end(): SplitBase64 | Uint8Array {
		if (this.state === 'value' || this.state === 'padding') {
			this.giveUp(new Uint8Array(0));
		}
		if (this.state === 'tail') {
			return { head: this.head, tail: this.tail.take(), bytes: this.decoded! };
		}
		return this.text.take();
	}

	private value(piece: Uint8Array): void {
		const quote = indexOfByte(piece, QUOTE);
		const end = quote < 0 ? piece.length : quote;
		const within = piece.subarray(0, end);
		if (indexOfByte(within, BACKSLASH) >= 0) {
			return this.giveUp(piece);
		}
		const equals = indexOfByte(within, EQUALS);
		if (!this.decoder.push(equals < 0 ? within : within.subarray(0, equals))) {
			return this.giveUp(piece);
		}
		if (equals >= 0) {
			this.state = 'padding';
			return this.pad(piece.subarray(equals));
		}
		if (quote >= 0) {
			this.close(piece.subarray(quote));
		}
	}

	private pad(piece: Uint8Array): void {
		for (let at = 0; at < piece.length; at++) {
			if (piece[at] === QUOTE) {
				return this.close(piece.subarray(at));
			}
			if (piece[at] !== EQUALS || this.padding === 2) {
				return this.giveUp(piece.subarray(at));
			}
			this.padding++;
		}
	}

	/** The closing quote (the first byte of `rest`): the value decoded, or given up when it is not strict base64. */
	private close(rest: Uint8Array): void {
		const decoded = this.decoder.finish(this.padding);
		if (!decoded) {
			return this.giveUp(rest);
		}
		this.decoded = decoded;
		this.state = 'tail';
		this.tail.append(rest);
	}

	/** The text so far rebuilt, exactly, then `rest`: everything from now on is kept as it comes. */
	private giveUp(rest: Uint8Array): void {
		this.text.length = 0;
		this.text.append(this.head);
		this.text.append(this.decoder.text());
		this.text.append(new Uint8Array(this.padding).fill(EQUALS));
		this.text.append(rest);
		this.state = 'raw';
	}
}
