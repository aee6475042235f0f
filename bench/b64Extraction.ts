/**
 * Taking an image event's base64 out of its bytes (src/core/generation/imageEvents.ts,
 * `splitImageData`) against what Illustrate did before: the whole event decoded to text,
 * `JSON.parse`, then base64. An event like the API's for a 3840×2160 PNG (17 MB of noise,
 * 23 MB of base64) and one of 1024×1024 (2.3 MB). Prints the median and fastest of each.
 *   npm run build -- --tests && node --expose-gc out/bench/b64Extraction.js [--runs 15]
 */
import { randomBytes } from 'node:crypto';
import { decodeBase64 } from '../src/core/encoding/base64';
import { readStreamEvent } from '../src/core/generation/imageEvents';
import { sseEvents } from '../src/core/generation/sseEvents';
import { largestImageEventBytes, largestImagePixels } from '../src/core/images/imageBounds';

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

/** Called as each chunk is taken: where the memory is sampled (the reader holds what it holds then). */
let onPull: () => void = () => undefined;

/** The event as an SSE body in 64 KB chunks. */
function body(data: Uint8Array): ReadableStream<Uint8Array> {
	const stream = new Uint8Array(data.length + 60);
	const head = new TextEncoder().encode('event: image_generation.completed\ndata: ');
	stream.set(head);
	stream.set(data, head.length);
	stream.set(new TextEncoder().encode('\n\n'), head.length + data.length);
	const whole = stream.subarray(0, head.length + data.length + 2);
	let at = 0;
	return new ReadableStream({
		pull(controller) {
			onPull();
			if (at >= whole.length) {
				controller.close();
				return;
			}
			controller.enqueue(whole.slice(at, at + 65_536));
			at += 65_536;
		},
	}, { highWaterMark: 0 });
}

/** The image of the first event of a stream, read one of the two ways. */
async function streamed(data: Uint8Array, split: boolean): Promise<Uint8Array> {
	// The event limit the image worker reads a 3840×2160 image's stream with.
	const maxEventBytes = largestImageEventBytes(largestImagePixels('gpt-image-1', '3840x2160'));
	const events = split ? sseEvents(body(data), { splitBase64: true, maxEventBytes }) : sseEvents(body(data), { rawData: true, maxEventBytes });
	for await (const sse of events) {
		const item = readStreamEvent(sse);
		if (item.kind === 'image') {
			return item.event.bytes ?? decodeBase64(item.event.b64);
		}
	}
	throw new Error('no image');
}

const streamWays: Record<string, (data: Uint8Array) => Promise<Uint8Array>> = {
	'stream read, the line whole, taken out, decoded (before)': data => streamed(data, false),
	'stream read, decoded as it arrives (now)': data => streamed(data, true),
};

async function main(): Promise<void> {
for (const [label, pngBytes] of [['3840×2160', 17_300_000], ['1024×1024', 2_300_000]] as const) {
	const data = eventBytes(pngBytes);
	console.log(`${label}: event of ${(data.length / 1e6).toFixed(1)} MB`);
	// The ways take turns, so a busy moment of the machine falls on each alike.
	const times = new Map([...Object.keys(ways), ...Object.keys(streamWays)].map(way => [way, [] as number[]]));
	/** The most memory (resident, and outside the JavaScript heap) a way grew by, over its runs. */
	const peaks = new Map<string, number>();
	for (let run = 0; run < RUNS; run++) {
		for (const [way, read] of Object.entries(streamWays)) {
			globalThis.gc?.();
			const before = process.memoryUsage();
			let peak = 0;
			const sample = () => {
				const now = process.memoryUsage();
				peak = Math.max(peak, now.arrayBuffers + now.heapUsed - before.arrayBuffers - before.heapUsed);
			};
			// Sampled as each chunk is taken, and once the image is out (the garbage not yet collected counts too).
			onPull = sample;
			const started = process.hrtime.bigint();
			const result = await read(data);
			times.get(way)!.push(Number(process.hrtime.bigint() - started) / 1e6);
			sample();
			onPull = () => undefined;
			peaks.set(way, Math.max(peaks.get(way) ?? 0, peak));
			if (result.length !== pngBytes) {
				throw new Error(`${way} gave ${result.length}, not ${pngBytes}`);
			}
		}
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
		const peak = peaks.get(way);
		console.log(`  ${way}: median ${list[Math.floor(RUNS / 2)].toFixed(1)} ms, fastest ${list[0].toFixed(1)} ms${peak !== undefined ? `, JavaScript heap + buffers grew by up to ${(peak / 1e6).toFixed(0)} MB` : ''}`);
	}
}
}

void main();
