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
	inflate: data => throughStream(data, new DecompressionStream('deflate')),
	deflate: data => throughStream(data, new CompressionStream('deflate')),
};

async function throughStream(data: Uint8Array, transform: CompressionStream | DecompressionStream): Promise<Uint8Array> {
	const stream = new Blob([data as Uint8Array<ArrayBuffer>]).stream().pipeThrough(transform);
	return new Uint8Array(await new Response(stream).arrayBuffer());
}

export const nodeCodec: DeflateCodec = {
	inflate: async data => {
		const { inflate } = await import('node:zlib');
		return new Promise((resolve, reject) => inflate(data, (error, result) => error ? reject(error) : resolve(result)));
	},
	deflate: async data => {
		const { deflate } = await import('node:zlib');
		return new Promise((resolve, reject) => deflate(data, { level: 6 }, (error, result) => error ? reject(error) : resolve(result)));
	},
};
