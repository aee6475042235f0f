/**
 * Which is faster for n variants with streaming previews: one request with `n`, or n
 * parallel requests with `n: 1`? Measured with the real `openai` SDK against the test
 * server, under both ways the server may render a multi-image request (side by side, or
 * one after another). Prints a table; `--json <file>` writes the figures.
 *   node out/bench/variantStrategies.js [--variants 4] [--image-ms 2400] [--first-byte-ms 300] [--runs 3]
 */
import OpenAI from 'openai';
import { writeFileSync } from 'node:fs';
import { startImageApiServer } from '../test/server/imageApiServer';

function option(name: string, fallback: number): number {
	const at = process.argv.indexOf(name);
	return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

const variants = option('--variants', 4);
const imageMs = option('--image-ms', 2400);
const firstByteMs = option('--first-byte-ms', 300);
const runs = option('--runs', 3);
const partialImages = 2;

interface Timing {
	/** First pixels of any variant. */
	firstPixels: number;
	/** Every variant's slot shows something (a partial or the final). */
	everySlotHasPixels: number;
	/** Every final image received. */
	allFinal: number;
}

async function single(client: OpenAI): Promise<Timing> {
	const started = performance.now();
	const slotSeen: number[] = [];
	let completed = 0;
	let firstPixels = Infinity;
	const stream = await client.images.generate({ model: 'gpt-image-2', prompt: 'bench', n: variants, size: '1024x1024', quality: 'low', stream: true, partial_images: partialImages });
	for await (const event of stream) {
		const now = performance.now() - started;
		firstPixels = Math.min(firstPixels, now);
		// Events carry no image index: a partial can only belong to the image being completed next.
		const slot = completed;
		slotSeen[slot] ??= now;
		if (event.type === 'image_generation.completed') {
			completed++;
		}
	}
	return { firstPixels, everySlotHasPixels: Math.max(...slotSeen), allFinal: performance.now() - started };
}

async function parallel(client: OpenAI): Promise<Timing> {
	const started = performance.now();
	const slotSeen: number[] = [];
	await Promise.all(Array.from({ length: variants }, async (_, slot) => {
		const stream = await client.images.generate({ model: 'gpt-image-2', prompt: 'bench', n: 1, size: '1024x1024', quality: 'low', stream: true, partial_images: partialImages });
		for await (const _event of stream) {
			slotSeen[slot] ??= performance.now() - started;
		}
	}));
	return { firstPixels: Math.min(...slotSeen), everySlotHasPixels: Math.max(...slotSeen), allFinal: performance.now() - started };
}

function median(values: number[]): number {
	const sorted = [...values].sort((a, b) => a - b);
	return sorted[Math.floor(sorted.length / 2)];
}

async function main(): Promise<void> {
	const server = await startImageApiServer({ config: { firstByteMs, imageMs } });
	const client = new OpenAI({ apiKey: 'sk-bench-0123456789', baseURL: server.url, maxRetries: 0 });
	const rows: Array<{ rendering: string; strategy: string } & Timing> = [];
	try {
		// Warm the image cache so encoding time does not count.
		await parallel(client);
		await single(client);
		for (const parallelVariants of [true, false]) {
			server.configure({ parallelVariants });
			for (const [strategy, run] of [['one request, n=' + variants, single], [`${variants} requests, n=1`, parallel]] as const) {
				const timings: Timing[] = [];
				for (let i = 0; i < runs; i++) {
					timings.push(await run(client));
				}
				rows.push({
					rendering: parallelVariants ? 'side by side' : 'one after another',
					strategy,
					firstPixels: median(timings.map(t => t.firstPixels)),
					everySlotHasPixels: median(timings.map(t => t.everySlotHasPixels)),
					allFinal: median(timings.map(t => t.allFinal)),
				});
			}
		}
	} finally {
		await server.close();
	}
	console.log(`\n${variants} variants, 1024x1024, partial_images=${partialImages}; server: first byte ${firstByteMs} ms, ${imageMs} ms per image; median of ${runs} runs (ms)\n`);
	console.log('server renders a request   | strategy            | first pixels | every slot has pixels | all final');
	console.log('---------------------------|---------------------|--------------|-----------------------|----------');
	for (const row of rows) {
		console.log(`${row.rendering.padEnd(27)}| ${row.strategy.padEnd(20)}| ${row.firstPixels.toFixed(0).padStart(12)} | ${row.everySlotHasPixels.toFixed(0).padStart(21)} | ${row.allFinal.toFixed(0).padStart(9)}`);
	}
	const jsonAt = process.argv.indexOf('--json');
	if (jsonAt >= 0) {
		writeFileSync(process.argv[jsonAt + 1], JSON.stringify({ variants, imageMs, firstByteMs, runs, rows }, null, 2));
	}
}

void main();
