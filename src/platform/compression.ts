import type { DeflateCodec } from '../core/images/pngThumbnail';

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
	deflate: data => throughStream(data, new CompressionStream('deflate')),
};

/** The stream's output; past `maxOutputBytes` the stream is cancelled and this rejects. */
async function throughStream(data: Uint8Array, transform: CompressionStream | DecompressionStream, maxOutputBytes = Infinity): Promise<Uint8Array> {
	const reader = new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(transform).getReader();
	const parts: Uint8Array[] = [];
	let total = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) {
			break;
		}
		total += value.length;
		if (total > maxOutputBytes) {
			await reader.cancel().catch(() => undefined);
			throw new RangeError(`The data inflates to more than ${maxOutputBytes} bytes.`);
		}
		parts.push(value);
	}
	const result = new Uint8Array(total);
	let at = 0;
	for (const part of parts) {
		result.set(part, at);
		at += part.length;
	}
	return result;
}

export const nodeCodec: DeflateCodec = {
	inflate: async (data, maxOutputBytes) => {
		const { inflate } = await import('node:zlib');
		// zlib stops (and fails) at the limit: a deflate bomb never gets its gigabytes.
		const options = maxOutputBytes === undefined ? {} : { maxOutputLength: Math.max(1, maxOutputBytes) };
		return new Promise((resolve, reject) => inflate(data, options, (error, result) => error ? reject(error) : resolve(result)));
	},
	deflate: async data => {
		const { deflate } = await import('node:zlib');
		return new Promise((resolve, reject) => deflate(data, { level: 6 }, (error, result) => error ? reject(error) : resolve(result)));
	},
};
