import { isSplitBase64, joinSplitBase64, StreamingBase64Split, type SplitBase64 } from '../encoding/unparsedBase64';

/** One server-sent event: its `event:` name (null when it has none) and its `data:` lines joined. */
export interface ServerSentEvent {
	readonly event: string | null;
	readonly data: string;
}

/**
 * An event read with `rawData`: the data of an event with one `data:` line stays the bytes
 * it came as (an image event is 20+ MB of base64: src/core/generation/imageEvents.ts takes
 * the image out of them without making the whole event a string); other data is text.
 */
export interface RawServerSentEvent {
	readonly event: string | null;
	readonly data: string | Uint8Array;
}

/**
 * An event read with `splitBase64`: a `data:` line holding `"b64_json":"…"` had its base64
 * decoded as the line arrived (src/core/encoding/unparsedBase64.ts, `StreamingBase64Split`):
 * the line is never held whole. Other data is as with `rawData`.
 */
export interface SplitServerSentEvent {
	readonly event: string | null;
	readonly data: string | Uint8Array | SplitBase64;
}

/** Options of `sseEvents`. */
export interface SseOptions {
	/** The longest event read (its data and the line being read); a longer one throws `EventTooLargeError`. */
	readonly maxEventBytes?: number;
	/** Called for every chunk of the body as it arrives: an idle timer's heartbeat. */
	readonly onChunk?: () => void;
}

/** An event (or a line) longer than the reader was told to hold: what is left of it is not read. */
export class EventTooLargeError extends Error {
	constructor(readonly limitBytes: number) {
		super(`A server-sent event passed ${limitBytes} bytes.`);
		this.name = 'EventTooLargeError';
	}
}

/** Reading the body failed (the connection broke, its framing was wrong): `cause` says how. */
export class StreamReadError extends Error {
	constructor(cause: unknown) {
		super(`Reading the response failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
		this.name = 'StreamReadError';
	}
}

/** The data lines' parts as text, joined (an event of several data lines). */
function joinedText(parts: readonly (string | Uint8Array | SplitBase64)[], decoder: TextDecoder): string {
	return parts.map(part => typeof part === 'string' ? part : decoder.decode(isSplitBase64(part) ? joinSplitBase64(part) : part)).join('\n');
}

const LF = 0x0a;
const CR = 0x0d;
const RETAINED_BUFFER_BYTES = 64 * 1024;

/**
 * Where `byte` first is in `bytes[from, to)`, −1 if nowhere: with Node's Buffer where there is
 * one (its search is the C library's, several times faster than a Uint8Array's over a
 * stream's 100+ MB), else the standard one.
 */
function findByte(bytes: Uint8Array, byte: number, from: number, to: number): number {
	const at = typeof Buffer !== 'undefined' ? Buffer.from(bytes.buffer, bytes.byteOffset + from, to - from).indexOf(byte) : bytes.subarray(from, to).indexOf(byte);
	return at < 0 ? -1 : from + at;
}

/** A line that starts with `data:`. */
function isDataLine(line: Uint8Array): boolean {
	return line.length >= 5 && line[0] === 0x64 && line[1] === 0x61 && line[2] === 0x74 && line[3] === 0x61 && line[4] === 0x3a;
}

/**
 * The events of a `text/event-stream` body, as the SSE format defines them (lines end in LF,
 * CRLF or CR; a blank line ends an event; `:` lines are comments). Lines are found with the
 * engine's native `indexOf` and decoded once each: an image event is one `data:` line of
 * 20+ MB of base64, which a byte-by-byte scanner in JavaScript takes about a second to read.
 */
export function sseEvents(body: ReadableStream<Uint8Array>, options?: SseOptions & { readonly rawData?: false }): AsyncGenerator<ServerSentEvent>;
/** With `rawData`, an event whose data is one line keeps it as bytes (see `RawServerSentEvent`). */
export function sseEvents(body: ReadableStream<Uint8Array>, options: SseOptions & { readonly rawData: true; readonly splitBase64?: false }): AsyncGenerator<RawServerSentEvent>;
/**
 * With `splitBase64`, every `data:` line goes through a `StreamingBase64Split` as its bytes
 * arrive, before its end is seen: an image's base64 is decoded on the way and the line is
 * never held whole (see `SplitServerSentEvent`). The limits are the same.
 */
export function sseEvents(body: ReadableStream<Uint8Array>, options: SseOptions & { readonly splitBase64: true }): AsyncGenerator<SplitServerSentEvent>;
export async function* sseEvents(body: ReadableStream<Uint8Array>, options: SseOptions & { readonly rawData?: boolean; readonly splitBase64?: boolean } = {}): AsyncGenerator<SplitServerSentEvent> {
	const maxEventBytes = options.maxEventBytes ?? Infinity;
	const split = options.splitBase64 ?? false;
	const rawData = split || (options.rawData ?? false);
	// A data line's value is at most the event's bytes; base64 decodes to three quarters of them.
	const splitOptions = { maxBytes: Math.ceil(maxEventBytes * 3 / 4) };
	const decoder = new TextDecoder();
	let buffer = new Uint8Array(RETAINED_BUFFER_BYTES);
	let start = 0;
	let end = 0;
	/** Where the search for the current line's end goes on from. */
	let scanned = 0;
	/** A CR ended the last line: a LF right after it belongs to that line ending. */
	let skipLf = false;
	let event: string | null = null;
	let data: (string | Uint8Array | SplitBase64)[] = [];
	/** The `data:` line being read as it arrives (`splitBase64`), its start already taken from the buffer. */
	let streamed: StreamingBase64Split | undefined;
	let hasData = false;
	/** Characters of the current event's fields so far. */
	let eventChars = 0;

	const takeLine = (line: string): SplitServerSentEvent | undefined => {
		if (line === '') {
			// An event without data is not dispatched.
			const complete = hasData ? { event, data: data.length === 1 ? data[0] : joinedText(data, decoder) } : undefined;
			event = null;
			data = [];
			hasData = false;
			eventChars = 0;
			return complete;
		}
		if (line.startsWith(':')) {
			return undefined;
		}
		const colon = line.indexOf(':');
		const field = colon < 0 ? line : line.slice(0, colon);
		let value = colon < 0 ? '' : line.slice(colon + 1);
		if (value.startsWith(' ')) {
			value = value.slice(1);
		}
		if (field === 'event') {
			event = value;
		} else if (field === 'data') {
			data.push(value);
			hasData = true;
		}
		eventChars += line.length;
		if (eventChars > maxEventBytes) {
			throw new EventTooLargeError(maxEventBytes);
		}
		return undefined;
	};

	/** A `data:` line kept as bytes (`rawData`): its value, after the colon and one space. */
	const takeDataBytes = (line: Uint8Array): undefined => {
		countBytes(line.length);
		const value = line.subarray(line[5] === 0x20 ? 6 : 5);
		if (split) {
			const splitter = new StreamingBase64Split(splitOptions);
			splitter.push(value);
			data.push(splitter.end());
		} else {
			data.push(value);
		}
		hasData = true;
		return undefined;
	};

	/** Bytes of the current event's lines, bounded. */
	const countBytes = (length: number): void => {
		eventChars += length;
		if (eventChars > maxEventBytes) {
			throw new EventTooLargeError(maxEventBytes);
		}
	};

	const reader = body.getReader();
	let finished = false;
	try {
		for (;;) {
			let chunk: ReadableStreamReadResult<Uint8Array>;
			try {
				chunk = await reader.read();
			} catch (error) {
				finished = true;
				throw new StreamReadError(error);
			}
			const { done, value } = chunk;
			if (done) {
				finished = true;
				break;
			}
			options.onChunk?.();
			if (end + value.length > buffer.length) {
				const live = end - start;
				if (live + value.length > buffer.length / 2) {
					const grown = new Uint8Array(Math.max(buffer.length * 2, live + value.length));
					grown.set(buffer.subarray(start, end));
					buffer = grown;
				} else {
					buffer.copyWithin(0, start, end);
				}
				scanned -= start;
				end = live;
				start = 0;
			}
			buffer.set(value, end);
			end += value.length;
			for (;;) {
				if (skipLf && start < end) {
					skipLf = false;
					if (buffer[start] === LF) {
						start++;
						scanned = Math.max(scanned, start);
					}
				}
				const lf = findByte(buffer, LF, scanned, end);
				const cr = findByte(buffer, CR, scanned, lf < 0 ? end : lf);
				const at = cr >= 0 ? cr : lf;
				if (at < 0) {
					scanned = end;
					if (streamed) {
						countBytes(end - start);
						streamed.push(buffer.subarray(start, end));
						start = scanned = end;
					} else if (split && end - start > 5 && isDataLine(buffer.subarray(start, end))) {
						// A data line's start: from here on its bytes go to the splitter as they come.
						countBytes(end - start);
						streamed = new StreamingBase64Split(splitOptions);
						streamed.push(buffer.subarray(start + (buffer[start + 5] === 0x20 ? 6 : 5), end));
						start = scanned = end;
					}
					break;
				}
				const lineEnd = at;
				const lineBytes = buffer.subarray(start, lineEnd);
				const wasStreamed = streamed !== undefined;
				if (streamed) {
					countBytes(lineBytes.length);
					streamed.push(lineBytes);
					data.push(streamed.end());
					hasData = true;
					streamed = undefined;
				}
				const raw = !wasStreamed && rawData && isDataLine(lineBytes);
				const line = raw || wasStreamed ? '' : decoder.decode(lineBytes);
				if (buffer[lineEnd] === CR) {
					if (lineEnd + 1 < end) {
						start = buffer[lineEnd + 1] === LF ? lineEnd + 2 : lineEnd + 1;
					} else {
						start = lineEnd + 1;
						skipLf = true;
					}
				} else {
					start = lineEnd + 1;
				}
				scanned = start;
				const release = start === end && buffer.length > RETAINED_BUFFER_BYTES;
				// Bytes kept of a line must not change under it: copied, unless its buffer is let go.
				// (The splitter copies what it keeps.)
				const kept = raw ? (release || split ? lineBytes : lineBytes.slice()) : undefined;
				if (release) {
					// Nothing is left of a large event: let its buffer go.
					buffer = new Uint8Array(RETAINED_BUFFER_BYTES);
					start = end = scanned = 0;
				}
				const complete = wasStreamed ? undefined : kept ? takeDataBytes(kept) : takeLine(line);
				if (complete) {
					yield complete;
				}
			}
			// What is left is the start of a line: with the event's fields so far, it may not pass the limit.
			if (eventChars + (end - start) > maxEventBytes) {
				throw new EventTooLargeError(maxEventBytes);
			}
		}
		// A last event the stream ended without a blank line after is dropped, as the format says.
	} finally {
		// Left early (an error, or the consumer stopped): the rest of the body is not wanted.
		if (!finished) {
			await reader.cancel().catch(() => undefined);
		}
		reader.releaseLock();
	}
}
