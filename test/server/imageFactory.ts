import sharp from 'sharp';
import { createHash } from 'node:crypto';
import { GIFEncoder } from 'gifenc';

export type ImageFormat = 'png' | 'jpeg' | 'webp' | 'svg' | 'gif';

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
	/** For SVG: the words the drawing labels itself with (the prompt). */
	readonly text?: string;
	/** For GIF: how many frames (2–16) and each one's delay in ms (a multiple of 10). */
	readonly frames?: number;
	readonly frameDelayMs?: number;
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
	if (spec.format === 'svg') {
		return Buffer.from(renderSvg(spec), 'utf8');
	}
	if (spec.format === 'gif') {
		return renderGif(spec);
	}
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

const XML_ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };
const escapeXml = (text: string) => text.replace(/[&<>"']/g, char => XML_ESCAPES[char]);
const hex = ([r, g, b]: [number, number, number]) => `#${[r, g, b].map(value => value.toString(16).padStart(2, '0')).join('')}`;

/**
 * A flow diagram as an SVG author draws one: a gradient background, a sun, three boxes joined
 * by arrows (a marker and a gradient referenced by local `#id`s, as real SVGs do), and the
 * prompt's first words as a <text> caption; `width`/`height` and `viewBox` are the requested size.
 */
function renderSvg(spec: ImageSpec): string {
	const { width, height } = spec;
	const h = hashNumbers(spec.seed);
	const top = hex(hslToRgb(h[0] / 255, 0.55, 0.35 + h[1] / 255 * 0.2));
	const bottom = hex(hslToRgb(((h[0] / 255) + 0.35 + h[2] / 255 * 0.3) % 1, 0.6, 0.55 + h[3] / 255 * 0.2));
	const sun = hex(hslToRgb(((h[0] / 255) + 0.12) % 1, 0.9, 0.75));
	const words = (spec.text ?? '').split(/\s+/).filter(Boolean).slice(0, 12).join(' ') || 'diagram';
	const boxWidth = Math.round(width * 0.22);
	const boxHeight = Math.round(height * 0.14);
	const boxY = Math.round(height * 0.5);
	const xs = [0.06, 0.39, 0.72].map(fraction => Math.round(width * fraction));
	const fontSize = Math.max(12, Math.round(Math.min(width, height) * 0.045));
	const boxes = xs.map((x, index) => `<rect x="${x}" y="${boxY}" width="${boxWidth}" height="${boxHeight}" rx="${Math.round(boxHeight / 5)}" fill="#ffffff" fill-opacity="0.85" stroke="#1f2933" stroke-width="3"/>`
		+ `<text x="${x + boxWidth / 2}" y="${boxY + boxHeight / 2}" font-family="sans-serif" font-size="${fontSize}" text-anchor="middle" dominant-baseline="middle" fill="#1f2933">${['Request', 'Render', 'Reply'][index]}</text>`).join('');
	const arrows = xs.slice(0, 2).map(x => `<line x1="${x + boxWidth}" y1="${boxY + boxHeight / 2}" x2="${x + Math.round(width * 0.33) - 6}" y2="${boxY + boxHeight / 2}" stroke="#1f2933" stroke-width="3" marker-end="url(#arrow)"/>`).join('');
	return `<?xml version="1.0" encoding="UTF-8"?>
<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">
<title>${escapeXml(words)}</title>
<defs>
<linearGradient id="bg" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="${top}"/><stop offset="1" stop-color="${bottom}"/></linearGradient>
<marker id="arrow" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="6" markerHeight="6" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="#1f2933"/></marker>
</defs>
<rect width="${width}" height="${height}" fill="url(#bg)"/>
<circle cx="${Math.round(width * (0.25 + h[4] / 255 * 0.5))}" cy="${Math.round(height * (0.1 + h[5] / 255 * 0.2))}" r="${Math.round(Math.min(width, height) * 0.08)}" fill="${sun}"/>
${boxes}
${arrows}
<text x="${Math.round(width / 2)}" y="${Math.round(height * 0.85)}" font-family="sans-serif" font-size="${fontSize}" text-anchor="middle" fill="#ffffff">${escapeXml(words)}</text>
</svg>
`;
}

/** Gradient steps and sun shades in the GIF's one global palette. */
const GIF_GRADIENT_STEPS = 48;
const GIF_SUN_STEPS = 16;

/**
 * An animated GIF (looping forever) with gifenc: the gradient of the still pictures in a
 * 64-colour palette, and a sun that crosses it frame by frame, so every frame differs.
 * Pixels are drawn straight as palette indices: no quantising.
 */
function renderGif(spec: ImageSpec): Buffer {
	const { width, height } = spec;
	const frames = spec.frames ?? 9;
	const delay = spec.frameDelayMs ?? 200;
	const h = hashNumbers(spec.seed);
	const top = hslToRgb(h[0] / 255, 0.55, 0.35 + h[1] / 255 * 0.2);
	const bottom = hslToRgb(((h[0] / 255) + 0.35 + h[2] / 255 * 0.3) % 1, 0.6, 0.55 + h[3] / 255 * 0.2);
	const sun = hslToRgb(((h[0] / 255) + 0.12) % 1, 0.9, 0.75);
	const palette: number[][] = [];
	for (let step = 0; step < GIF_GRADIENT_STEPS; step++) {
		const t = step / (GIF_GRADIENT_STEPS - 1);
		palette.push(top.map((value, c) => Math.round(value * (1 - t) + bottom[c] * t)));
	}
	const middle = palette[GIF_GRADIENT_STEPS >> 1];
	for (let step = 0; step < GIF_SUN_STEPS; step++) {
		const glow = 1 - step / GIF_SUN_STEPS;
		palette.push(sun.map((value, c) => Math.round(value * glow + middle[c] * (1 - glow))));
	}
	const background = new Uint8Array(width * height);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			background[y * width + x] = Math.min(GIF_GRADIENT_STEPS - 1, Math.floor((x / width + y / height) / 2 * GIF_GRADIENT_STEPS));
		}
	}
	const radius = Math.max(2, Math.min(width, height) * (0.1 + h[6] / 255 * 0.08));
	const cy = height * (0.3 + h[5] / 255 * 0.3);
	const gif = GIFEncoder();
	for (let frame = 0; frame < frames; frame++) {
		const pixels = background.slice();
		const cx = width * (0.15 + 0.7 * frame / Math.max(1, frames - 1));
		for (let y = Math.max(0, Math.floor(cy - radius)); y < Math.min(height, Math.ceil(cy + radius)); y++) {
			for (let x = Math.max(0, Math.floor(cx - radius)); x < Math.min(width, Math.ceil(cx + radius)); x++) {
				const d = Math.hypot(x - cx, y - cy) / radius;
				if (d < 1) {
					pixels[y * width + x] = GIF_GRADIENT_STEPS + Math.min(GIF_SUN_STEPS - 1, Math.floor(d * d * GIF_SUN_STEPS));
				}
			}
		}
		gif.writeFrame(pixels, width, height, frame === 0 ? { palette, delay, repeat: 0 } : { delay });
	}
	gif.finish();
	return Buffer.from(gif.bytes());
}

/** Pixel size of image bytes, for checks on uploaded images and masks. */
export async function imageMetadata(bytes: Buffer): Promise<{ width: number; height: number; format: string; hasAlpha: boolean }> {
	const meta = await sharp(bytes).metadata();
	return { width: meta.width ?? 0, height: meta.height ?? 0, format: meta.format ?? 'unknown', hasAlpha: meta.hasAlpha ?? false };
}
