/**
 * The pixel size of an SVG from its root's `width`, `height` and `viewBox`, as a browser sizes
 * an `<img>` of it: absolute lengths in CSS pixels; a missing or relative one (%, em) from the
 * viewBox's aspect ratio; neither, 300×150.
 */

/** CSS pixels per unit of the absolute lengths an SVG may use. */
const UNITS: Record<string, number> = { '': 1, px: 1, pt: 96 / 72, pc: 16, in: 96, cm: 96 / 2.54, mm: 96 / 25.4, q: 96 / 101.6 };

/** The largest side reported: an SVG may claim any size, a card or hover needs a sane one. */
const MAX_SIDE = 100_000;

/** A length in CSS pixels, or undefined for a relative, missing or senseless one. */
export function svgLength(value: string | undefined): number | undefined {
	const match = /^\s*([+]?(?:\d+\.?\d*|\.\d+)(?:e[+-]?\d+)?)\s*(px|pt|pc|in|cm|mm|q)?\s*$/i.exec(value ?? '');
	if (!match) {
		return undefined;
	}
	const pixels = Number(match[1]) * UNITS[(match[2] ?? '').toLowerCase()];
	return Number.isFinite(pixels) && pixels > 0 ? pixels : undefined;
}

/** The viewBox's width and height, or undefined when it is missing or invalid. */
export function svgViewBox(value: string | undefined): { width: number; height: number } | undefined {
	const parts = (value ?? '').trim().split(/[\s,]+/).map(Number);
	if (parts.length !== 4 || parts.some(part => !Number.isFinite(part)) || parts[2] <= 0 || parts[3] <= 0) {
		return undefined;
	}
	return { width: parts[2], height: parts[3] };
}

const side = (value: number) => Math.max(1, Math.min(MAX_SIDE, Math.round(value)));

/** The size an `<img>` of the SVG has (rounded, 1 to 100,000 px a side). */
export function svgPixelSize(width: string | undefined, height: string | undefined, viewBox: string | undefined): { width: number; height: number } {
	const w = svgLength(width);
	const h = svgLength(height);
	const box = svgViewBox(viewBox);
	if (w !== undefined && h !== undefined) {
		return { width: side(w), height: side(h) };
	}
	if (box) {
		if (w !== undefined) {
			return { width: side(w), height: side(w * box.height / box.width) };
		}
		if (h !== undefined) {
			return { width: side(h * box.width / box.height), height: side(h) };
		}
		return { width: side(box.width), height: side(box.height) };
	}
	return { width: side(w ?? 300), height: side(h ?? 150) };
}
