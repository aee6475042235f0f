import type { OutputFormat } from '../models/capabilities';

export const MIME_TYPES = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp', svg: 'image/svg+xml', gif: 'image/gif' } as const satisfies Record<OutputFormat, string>;
export type ImageMimeType = typeof MIME_TYPES[OutputFormat];

export interface ImageInfo {
	readonly format: OutputFormat;
	readonly width: number;
	readonly height: number;
}

function readUint32BE(bytes: Uint8Array, at: number): number {
	return ((bytes[at] << 24) >>> 0) + (bytes[at + 1] << 16) + (bytes[at + 2] << 8) + bytes[at + 3];
}

function ascii(bytes: Uint8Array, at: number, length: number): string {
	return String.fromCharCode(...bytes.subarray(at, at + length));
}

function jpegInfo(bytes: Uint8Array): ImageInfo | undefined {
	let at = 2;
	while (at + 9 < bytes.length) {
		if (bytes[at] !== 0xff) {
			return undefined;
		}
		const marker = bytes[at + 1];
		const length = (bytes[at + 2] << 8) + bytes[at + 3];
		// Start-of-frame markers carry the size; 0xC4 (DHT), 0xC8 (JPG) and 0xCC (DAC) do not.
		if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
			return { format: 'jpeg', height: (bytes[at + 5] << 8) + bytes[at + 6], width: (bytes[at + 7] << 8) + bytes[at + 8] };
		}
		at += 2 + length;
	}
	return undefined;
}

function webpInfo(bytes: Uint8Array): ImageInfo | undefined {
	const chunk = ascii(bytes, 12, 4);
	if (chunk === 'VP8X') {
		const width = 1 + bytes[24] + (bytes[25] << 8) + (bytes[26] << 16);
		const height = 1 + bytes[27] + (bytes[28] << 8) + (bytes[29] << 16);
		return { format: 'webp', width, height };
	}
	if (chunk === 'VP8 ') {
		return { format: 'webp', width: (bytes[26] + (bytes[27] << 8)) & 0x3fff, height: (bytes[28] + (bytes[29] << 8)) & 0x3fff };
	}
	if (chunk === 'VP8L') {
		const bits = bytes[21] + (bytes[22] << 8) + (bytes[23] << 16) + (bytes[24] << 24);
		return { format: 'webp', width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1 };
	}
	return undefined;
}

/** Format and pixel size of PNG, JPEG or WebP bytes, read from their headers; undefined for anything else. */
export function readImageInfo(bytes: Uint8Array): ImageInfo | undefined {
	if (bytes.length >= 24 && bytes[0] === 0x89 && ascii(bytes, 1, 3) === 'PNG') {
		return { format: 'png', width: readUint32BE(bytes, 16), height: readUint32BE(bytes, 20) };
	}
	if (bytes.length >= 4 && bytes[0] === 0xff && bytes[1] === 0xd8) {
		return jpegInfo(bytes);
	}
	if (bytes.length >= 30 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') {
		return webpInfo(bytes);
	}
	return undefined;
}
