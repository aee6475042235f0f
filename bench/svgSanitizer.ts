/**
 * How long sanitising an SVG takes, the cost every SVG pays before it is stored (in the image
 * worker on the desktop, on the extension host's thread in the web host):
 *   node esbuild.mjs --tests && node_modules/node/bin/node out/bench/svgSanitizer.js
 */
import { readImageInfo } from '../src/core/images/imageInfo';
import { sanitizeSvg } from '../src/core/images/svgSanitizer';

/** A drawing of `count` filled, stroked paths with a local gradient, as an SVG author writes one. */
function drawingOf(count: number): Uint8Array {
	const paths = Array.from({ length: count }, (_, i) => `<path d="M${i % 500} ${i % 300} L${(i * 7) % 500} ${(i * 3) % 300} C10 20 30 40 50 60" fill="#${(i * 4099 % 0xffffff).toString(16).padStart(6, '0')}" stroke="url(#g)" stroke-width="2"/>`).join('\n');
	return new TextEncoder().encode(`<svg xmlns="http://www.w3.org/2000/svg" width="1536" height="1024" viewBox="0 0 1536 1024"><defs><linearGradient id="g"><stop offset="0" stop-color="red"/></linearGradient></defs>${paths}<text x="10" y="20">caption</text></svg>`);
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)];
}

for (const [label, count, runs] of [['a diagram', 100, 51], ['a detailed drawing', 1000, 21], ['a very large SVG', 8000, 7]] as const) {
	const bytes = drawingOf(count);
	sanitizeSvg(bytes);
	const times: number[] = [];
	for (let run = 0; run < runs; run++) {
		const start = performance.now();
		sanitizeSvg(bytes);
		times.push(performance.now() - start);
	}
	const sniff = performance.now();
	for (let run = 0; run < 100; run++) {
		readImageInfo(bytes);
	}
	console.log(`${label} (${(bytes.length / 1024).toFixed(0)} KB, ${count} paths): sanitise median ${median(times).toFixed(2)} ms of ${runs}; readImageInfo ${((performance.now() - sniff) / 100).toFixed(3)} ms`);
}
