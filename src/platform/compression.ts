import { concatBytes } from '../core/encoding/bytes';
import type { DeflateCodec } from '../core/images/pngFormat';

/**
 * zlib-wrapped deflate for the host the extension runs in: Node's zlib (native, off the
 * extension host's main thread) in a Node extension host, compression streams in the
 * browser's web worker.
 */
export function deflateCodec(): DeflateCodec {
	// A constant condition, so the web bundle drops the Node part with its import.
	return ILLUSTRATE_WEB ? streamCodec : nodeCodec;
}

/** Compression streams: what a browser has; Node has them too. */
export const streamCodec: DeflateCodec = {
	inflate: (data, maxOutputBytes) => throughStream(data, new DecompressionStream('deflate'), maxOutputBytes),
	inflateChunks: (parts, maxOutputBytes) => streamedPieces(parts, new DecompressionStream('deflate'), maxOutputBytes),
	// A compression stream has no levels.
	deflate: data => throughStream(data, new CompressionStream('deflate')),
};

/** The stream's output as it comes; past `maxOutputBytes` the stream is cancelled and this throws. */
async function* streamedPieces(parts: readonly Uint8Array[], transform: CompressionStream | DecompressionStream, maxOutputBytes = Infinity): AsyncGenerator<Uint8Array> {
	const reader = new Blob(parts as Uint8Array<ArrayBuffer>[]).stream().pipeThrough(transform).getReader();
	let total = 0;
	try {
		for (;;) {
			const { done, value } = await reader.read();
			if (done) {
				return;
			}
			total += value.length;
			if (total > maxOutputBytes) {
				throw new RangeError(`The data inflates to more than ${maxOutputBytes} bytes.`);
			}
			yield value;
		}
	} finally {
		// Stopped early (abandoned, too large, or a caller that had enough): the rest is never inflated.
		await reader.cancel().catch(() => undefined);
	}
}

/** The stream's output; past `maxOutputBytes` the stream is cancelled and this rejects. */
async function throughStream(data: Uint8Array, transform: CompressionStream | DecompressionStream, maxOutputBytes = Infinity): Promise<Uint8Array> {
	const parts: Uint8Array[] = [];
	let total = 0;
	for await (const part of streamedPieces([data], transform, maxOutputBytes)) {
		total += part.length;
		parts.push(part);
	}
	// An array of its own even for one piece: zlib's pieces are views into its own buffers.
	return parts.length === 1 ? new Uint8Array(parts[0]) : concatBytes(parts, total);
}

/**
 * zlib's output comes in pieces of this size: each piece is a round trip to the thread pool
 * (shared by the whole extension host), and the default (16 KB) made inflating a 3840×2160
 * image's 25 MB twice the CPU time; 1 MB makes it 25 round trips, each of which waits for a
 * core on a loaded machine.
 */
const ZLIB_CHUNK_BYTES = 1024 * 1024;

/** What zlib is given to inflate at a time (see `nodeCodec.inflateChunks`). */
const ZLIB_INPUT_BYTES = 1024 * 1024;

/** The parts joined into pieces of at least `size` bytes (the last may be smaller); a part that large already goes as it is. */
export function* coalesced(parts: readonly Uint8Array[], size: number): Generator<Uint8Array> {
	let group: Uint8Array[] = [];
	let length = 0;
	for (const part of parts) {
		group.push(part);
		length += part.length;
		if (length >= size) {
			yield concatBytes(group, length);
			group = [];
			length = 0;
		}
	}
	if (length > 0) {
		yield concatBytes(group, length);
	}
}

export const nodeCodec: DeflateCodec = {
	inflate: async (data, maxOutputBytes) => {
		const { inflate } = await import('node:zlib');
		// zlib stops (and fails) at the limit: a deflate bomb never gets its gigabytes.
		const options = maxOutputBytes === undefined ? { chunkSize: ZLIB_CHUNK_BYTES } : { maxOutputLength: Math.max(1, maxOutputBytes), chunkSize: Math.max(64, Math.min(ZLIB_CHUNK_BYTES, maxOutputBytes)) };
		return new Promise((resolve, reject) => inflate(data, options, (error, result) => error ? reject(error) : resolve(result)));
	},
	inflateChunks: async function* (parts, maxOutputBytes) {
		const [{ createInflate }, { Readable }] = await Promise.all([import('node:zlib'), import('node:stream')]);
		const inflater = createInflate({ chunkSize: Math.max(64, Math.min(ZLIB_CHUNK_BYTES, maxOutputBytes)) });
		// A PNG's image data often comes in 8 KB chunks (2,090 for a 3840×2160 image), and each
		// write is a call into zlib of its own: twice the CPU time of the same data in 1 MB
		// pieces. The pieces are made as zlib takes them, not all at once (17 MB).
		const input = Readable.from(coalesced(parts, ZLIB_INPUT_BYTES), { objectMode: false, highWaterMark: ZLIB_INPUT_BYTES });
		input.on('error', error => inflater.destroy(error));
		input.pipe(inflater);
		let total = 0;
		try {
			for await (const piece of inflater as AsyncIterable<Uint8Array>) {
				total += piece.length;
				if (total > maxOutputBytes) {
					throw new RangeError(`The data inflates to more than ${maxOutputBytes} bytes.`);
				}
				yield piece;
			}
		} finally {
			// Stopped early (abandoned, too large, a caller that had enough): zlib stops and frees its memory.
			input.destroy();
			inflater.destroy();
		}
	},
	deflate: async (data, options) => {
		const { constants, deflate } = await import('node:zlib');
		// A 1024×576 copy of a 3840×2160 photo-like image: level 6 (zlib's default) took 167 ms
		// for 550 KB, level 4 37 ms for 577 KB. A preview, shown and replaced, is run-length
		// coded: 7 ms, and smaller than level 1 for the smooth, Up-filtered rows of a preview.
		const settings = options?.fast ? { level: 1, strategy: constants.Z_RLE } : { level: 4 };
		return new Promise((resolve, reject) => deflate(data, { ...settings, chunkSize: ZLIB_CHUNK_BYTES }, (error, result) => error ? reject(error) : resolve(result)));
	},
};
