import type { OutputFormat } from '../models/capabilities';
import { svgPixelSize } from './svgSize';

export const MIME_TYPES = { png: 'image/png', jpeg: 'image/jpeg', webp: 'image/webp', svg: 'image/svg+xml', gif: 'image/gif' } as const satisfies Record<OutputFormat, string>;
export type ImageMimeType = typeof MIME_TYPES[OutputFormat];

export interface ImageInfo {
	readonly format: OutputFormat;
	/** Pixels; for an SVG, the size an `<img>` of it has (from width, height and viewBox). */
	readonly width: number;
	readonly height: number;
	/** A GIF's frame count (1 for a still one); undefined when the file ends before its trailer. */
	readonly frames?: number;
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

/** Skips a GIF's data sub-blocks from `at`; the offset after their terminator, or -1 past the end. */
function skipSubBlocks(bytes: Uint8Array, at: number): number {
	while (at < bytes.length) {
		const size = bytes[at];
		if (size === 0) {
			return at + 1;
		}
		at += size + 1;
	}
	return -1;
}

/** A GIF's logical screen size, and its frames counted by walking its blocks (no decoding); undefined without a frame. */
function gifInfo(bytes: Uint8Array): ImageInfo | undefined {
	const width = bytes[6] + (bytes[7] << 8);
	const height = bytes[8] + (bytes[9] << 8);
	const flags = bytes[10];
	let at = 13 + (flags & 0x80 ? 3 * (1 << ((flags & 0x07) + 1)) : 0);
	let frames = 0;
	while (at >= 0 && at < bytes.length) {
		const block = bytes[at];
		if (block === 0x3b) {
			return frames > 0 ? { format: 'gif', width, height, frames } : undefined;
		}
		if (block === 0x21) {
			at = skipSubBlocks(bytes, at + 2);
		} else if (block === 0x2c && at + 10 <= bytes.length) {
			frames++;
			const local = bytes[at + 9];
			at += 10 + (local & 0x80 ? 3 * (1 << ((local & 0x07) + 1)) : 0);
			// The LZW minimum code size, then the image data's sub-blocks.
			at = skipSubBlocks(bytes, at + 1);
		} else {
			break;
		}
	}
	// Cut short after a frame, a browser still shows what came; a header alone is no image.
	return frames > 0 ? { format: 'gif', width, height } : undefined;
}

/** How far into a text an SVG's root start tag is looked for: past any prolog a file has. */
const SVG_SNIFF_CHARS = 64 * 1024;

/**
 * An SVG's size, when the bytes are UTF-8 text whose first element (after an XML declaration,
 * comments, a DOCTYPE, whitespace) is `<svg …>`; its width, height and viewBox give the size.
 */
function svgInfo(bytes: Uint8Array): ImageInfo | undefined {
	const start = bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
	const text = new TextDecoder('utf-8').decode(bytes.subarray(start, start + SVG_SNIFF_CHARS));
	let at = 0;
	for (;;) {
		while (at < text.length && /\s/.test(text[at])) {
			at++;
		}
		if (text.startsWith('<?', at)) {
			at = text.indexOf('?>', at);
		} else if (text.startsWith('<!--', at)) {
			at = text.indexOf('-->', at);
		} else if (text.startsWith('<!', at)) {
			// A DOCTYPE, its internal subset (`[…]`) included.
			const subset = text.indexOf('[', at);
			const close = text.indexOf('>', at);
			at = subset >= 0 && subset < close ? text.indexOf(']', subset) : close;
		} else {
			break;
		}
		if (at < 0) {
			return undefined;
		}
		at = text.indexOf('>', at) + 1;
	}
	const root = /^<svg(?=[\s/>])([^>]*)>/.exec(text.slice(at));
	if (!root) {
		return undefined;
	}
	const attribute = (name: string) => new RegExp(`\\s${name}\\s*=\\s*(?:"([^"]*)"|'([^']*)')`).exec(root[1])?.slice(1).find(value => value !== undefined);
	return { format: 'svg', ...svgPixelSize(attribute('width'), attribute('height'), attribute('viewBox')) };
}

/**
 * Format and pixel size of PNG, JPEG, WebP, GIF (with its frame count) or SVG bytes, read from
 * the bytes themselves, never from what a server says they are; undefined for anything else.
 */
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
	if (bytes.length >= 13 && (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a')) {
		return gifInfo(bytes);
	}
	return svgInfo(bytes);
}
