import sharp from 'sharp';
import { createHash } from 'node:crypto';

export type ImageFormat = 'png' | 'jpeg' | 'webp';

export interface ImageSpec {
	readonly width: number;
	readonly height: number;
	readonly format: ImageFormat;
	/** 0–100 for jpeg and webp, as `output_compression`. */
	readonly compression?: number;
	/** Anything that should make the picture differ: prompt, request number, variant index. */
	readonly seed: string;
	/** Film-grain noise so the file is about as large as a real photo-like image. */
	readonly grain?: number;
	/** 0 = final image; 1…3 = a partial image, blurrier the earlier it is. */
	readonly partial?: { readonly index: number; readonly of: number };
}

function hashNumbers(seed: string): number[] {
	const digest = createHash('sha256').update(seed).digest();
	return Array.from(digest);
}

function hslToRgb(h: number, s: number, l: number): [number, number, number] {
	const a = s * Math.min(l, 1 - l);
	const f = (n: number) => {
		const k = (n + h * 12) % 12;
		return Math.round(255 * (l - a * Math.max(-1, Math.min(k - 3, 9 - k, 1))));
	};
	return [f(0), f(8), f(4)];
}

/**
 * A raw RGB picture unique to its seed: a two-colour diagonal gradient, a soft "sun" and
 * optional grain. Deterministic, so a test can ask for the same bytes again.
 */
function renderRaw(spec: ImageSpec): Buffer {
	const { width, height } = spec;
	const h = hashNumbers(spec.seed);
	const top = hslToRgb(h[0] / 255, 0.55, 0.35 + h[1] / 255 * 0.2);
	const bottom = hslToRgb(((h[0] / 255) + 0.35 + h[2] / 255 * 0.3) % 1, 0.6, 0.55 + h[3] / 255 * 0.2);
	const sun = hslToRgb(((h[0] / 255) + 0.12) % 1, 0.9, 0.75);
	const cx = width * (0.25 + h[4] / 255 * 0.5);
	const cy = height * (0.25 + h[5] / 255 * 0.4);
	const radius = Math.min(width, height) * (0.12 + h[6] / 255 * 0.12);
	const grain = spec.grain ?? 0;
	const raw = Buffer.allocUnsafe(width * height * 3);
	let noiseState = (h[7] << 24) ^ (h[8] << 16) ^ (h[9] << 8) ^ h[10] ^ 0x9e3779b9;
	let at = 0;
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const t = (x / width + y / height) / 2;
			const dx = x - cx;
			const dy = y - cy;
			const d = Math.sqrt(dx * dx + dy * dy) / radius;
			const glow = d < 1 ? 1 : Math.max(0, 1.6 - d * 0.6) ** 2 * 0.6;
			let noise = 0;
			if (grain > 0) {
				noiseState ^= noiseState << 13;
				noiseState ^= noiseState >>> 17;
				noiseState ^= noiseState << 5;
				noise = ((noiseState & 0xff) - 128) / 128 * grain;
			}
			for (let c = 0; c < 3; c++) {
				const base = top[c] * (1 - t) + bottom[c] * t;
				const value = base * (1 - glow) + sun[c] * glow + noise;
				raw[at++] = value < 0 ? 0 : value > 255 ? 255 : value;
			}
		}
	}
	return raw;
}

const cache = new Map<string, Promise<Buffer>>();
const CACHE_LIMIT = 64;

/** Encodes a picture for `spec` with libvips (through sharp); cached by spec. */
export function renderImage(spec: ImageSpec): Promise<Buffer> {
	const key = JSON.stringify(spec);
	let cached = cache.get(key);
	if (!cached) {
		cached = encode(spec);
		cache.set(key, cached);
		if (cache.size > CACHE_LIMIT) {
			cache.delete(cache.keys().next().value as string);
		}
		cached.catch(() => cache.delete(key));
	}
	return cached;
}

async function encode(spec: ImageSpec): Promise<Buffer> {
	let image = sharp(renderRaw(spec), { raw: { width: spec.width, height: spec.height, channels: 3 } });
	if (spec.partial) {
		const sigma = 2 + (spec.partial.of - spec.partial.index) * Math.max(spec.width, spec.height) / 256;
		image = image.blur(sigma);
	}
	const quality = spec.compression ?? 100;
	switch (spec.format) {
		case 'png':
			return image.png({ compressionLevel: 6 }).toBuffer();
		case 'jpeg':
			return image.jpeg({ quality: Math.max(1, quality) }).toBuffer();
		case 'webp':
			return image.webp({ quality: Math.max(1, quality) }).toBuffer();
	}
}

/** Pixel size of image bytes, for checks on uploaded images and masks. */
export async function imageMetadata(bytes: Buffer): Promise<{ width: number; height: number; format: string; hasAlpha: boolean }> {
	const meta = await sharp(bytes).metadata();
	return { width: meta.width ?? 0, height: meta.height ?? 0, format: meta.format ?? 'unknown', hasAlpha: meta.hasAlpha ?? false };
}
