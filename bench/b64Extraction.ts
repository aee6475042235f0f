/**
 * Taking an image event's base64 out of its bytes (src/core/generation/imageEvents.ts,
 * `splitImageData`) against what Illustrate did before: the whole event decoded to text,
 * `JSON.parse`, then base64. An event like the API's for a 3840×2160 PNG (17 MB of noise,
 * 23 MB of base64) and one of 1024×1024 (2.3 MB). Prints the median and fastest of each.
 *   npm run build -- --tests && node out/bench/b64Extraction.js [--runs 15]
 */
import { randomBytes } from 'node:crypto';
import { decodeBase64 } from '../src/core/encoding/base64';
import { readStreamEvent } from '../src/core/generation/imageEvents';

const at = process.argv.indexOf('--runs');
const RUNS = at >= 0 ? Number(process.argv[at + 1]) : 15;

function eventBytes(pngBytes: number): Uint8Array {
	return new TextEncoder().encode(JSON.stringify({
		type: 'image_generation.completed', b64_json: randomBytes(pngBytes).toString('base64'), created_at: 1_780_000_000,
		size: '3840x2160', quality: 'high', background: 'opaque', output_format: 'png',
		usage: { input_tokens: 50, output_tokens: 6_000, total_tokens: 6_050, input_tokens_details: { text_tokens: 50, image_tokens: 0 } },
	}));
}

const decoder = new TextDecoder();
const b64Of = (item: ReturnType<typeof readStreamEvent>) => item.kind === 'image' ? item.event.b64 : '';
/** Each way up to the base64 text, and with it decoded (the same `decodeBase64` both ways). */
const ways: Record<string, (data: Uint8Array) => string | Uint8Array> = {
	'text + JSON.parse (before), to the base64 text': data => b64Of(readStreamEvent({ event: null, data: decoder.decode(data) })),
	'taken out of the bytes (now), to the base64 text': data => b64Of(readStreamEvent({ event: null, data })),
	'text + JSON.parse (before), to the image bytes': data => decodeBase64(b64Of(readStreamEvent({ event: null, data: decoder.decode(data) }))),
	'taken out of the bytes (now), to the image bytes': data => decodeBase64(b64Of(readStreamEvent({ event: null, data }))),
};

for (const [label, pngBytes] of [['3840×2160', 17_300_000], ['1024×1024', 2_300_000]] as const) {
	const data = eventBytes(pngBytes);
	console.log(`${label}: event of ${(data.length / 1e6).toFixed(1)} MB`);
	// The ways take turns, so a busy moment of the machine falls on each alike.
	const times = new Map(Object.keys(ways).map(way => [way, [] as number[]]));
	for (let run = 0; run < RUNS; run++) {
		for (const [way, read] of Object.entries(ways)) {
			const started = process.hrtime.bigint();
			const result = read(data);
			times.get(way)!.push(Number(process.hrtime.bigint() - started) / 1e6);
			const expected = typeof result === 'string' ? Math.ceil(pngBytes / 3) * 4 : pngBytes;
			if (result.length !== expected) {
				throw new Error(`${way} gave ${result.length}, not ${expected}`);
			}
		}
	}
	for (const [way, list] of times) {
		list.sort((a, b) => a - b);
		console.log(`  ${way}: median ${list[Math.floor(RUNS / 2)].toFixed(1)} ms, fastest ${list[0].toFixed(1)} ms`);
	}
}
