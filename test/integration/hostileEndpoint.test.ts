import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { waitFor } from '../harness/waitFor';
import { MIME_TYPES } from '../../src/core/images/imageInfo';
import type { ImageRequestOptions } from '../../src/core/models/validation';
import { ImageStore } from '../../src/history/imageStore';
import { PanelPixels } from '../../src/panel/panelPixels';
import { ApiKeys } from '../../src/providers/apiKeys';
import { IllustrateError } from '../../src/core/errors';
import { ImageService, type GenerationResult } from '../../src/providers/imageService';
import { watchEventLoop } from '../harness/eventLoopWatch';
import { api } from './helpers';
import { OUTPUT_MARKER } from './index';

/** A line in the suite's output (the test runner shows it with the results), not only in the workbench log. */
function report(line: string): void {
	console.log(`${OUTPUT_MARKER}      ${line}`);
}

const config = () => vscode.workspace.getConfiguration('illustrate');
const OPTIONS: ImageRequestOptions = { prompt: 'a lighthouse in a storm', model: 'gpt-image-2', size: '1024x1024', quality: 'low', n: 1, outputFormat: 'png' };
const FUZZ_CALLS = 1000;
const FUZZ_LANES = 8;
const DEFAULT_FUZZ_SEED = 20261203;

/** Every message a failed request may end with: each says what happened and what to do. */
const CLEAR_MESSAGES = [
	/^The endpoint http:\/\/127\.0\.0\.1:\d+\/v1 (sent|answered)/,
	/^The response ended (without an image|after \d+ of \d+ images)\. Try again/,
	/^The connection to http:\/\/127\.0\.0\.1:\d+\/v1 dropped before the image arrived\./,
	/^The request to http:\/\/127\.0\.0\.1:\d+\/v1 took longer than illustrate\.requestTimeoutSeconds/,
	/^OpenAI refused the request: /,
	/^OpenAI rejected the API key \(401\)\./,
	/^OpenAI denied access to gpt-image-2 \(403\): /,
	/^The model "gpt-image-2" is not available to your API key\./,
	/^OpenAI's rate limit was reached/,
	/^OpenAI had a server error \(\d{3}\) and no image was made\./,
	/^The image request failed: /,
];
const UNCLEAR = /undefined|NaN|\[object |TypeError|RangeError|SyntaxError|Cannot read|is not a function|Unexpected token/;

function sha256(bytes: Uint8Array): string {
	return createHash('sha256').update(bytes).digest('hex');
}

suite('A hostile or broken endpoint', () => {
	let folder: string;
	let store: ImageStore;
	let service: ImageService;
	let keys: ApiKeys;
	const log = vscode.window.createOutputChannel('Illustrate endpoint tests', { log: true });

	setup(async () => {
		await api().reset();
		folder = mkdtempSync(join(tmpdir(), 'illustrate-hostile-'));
		store = new ImageStore(vscode.Uri.file(folder), () => 1024 ** 4, log);
		// No stored key: the environment's, as the harness sets it.
		keys = new ApiKeys({ get: async () => undefined, onDidChange: new vscode.EventEmitter<vscode.SecretStorageChangeEvent>().event } as unknown as vscode.SecretStorage, { OPENAI_API_KEY: process.env.OPENAI_API_KEY });
		service = new ImageService(keys, store, log);
	});

	teardown(async () => {
		await config().update('requestTimeoutSeconds', undefined, vscode.ConfigurationTarget.Global);
		await api().reset();
		store.dispose();
		keys.dispose();
		rmSync(folder, { recursive: true, force: true });
	});

	/** Two variants, the first request meeting `kind`; resolves with what the batch kept and said. */
	async function twoVariantsWith(kind: 'comment_flood' | 'endless_line' | 'stall_after_partial'): Promise<{ result: GenerationResult; seconds: number }> {
		await api().fail({ kind });
		const started = Date.now();
		const result = await service.generate({ ...OPTIONS, n: 2 }, undefined, new AbortController().signal, { onImage: () => undefined });
		return { result, seconds: (Date.now() - started) / 1000 };
	}

	async function historyHashes(): Promise<Set<string>> {
		const hashes = new Set<string>();
		for (const image of await store.list()) {
			hashes.add(sha256(await store.read(image)));
		}
		return hashes;
	}

	test('a stream of comment lines that never ends is given up at illustrate.requestTimeoutSeconds; the other variant is kept', async function () {
		this.timeout(60_000);
		await config().update('requestTimeoutSeconds', 10, vscode.ConfigurationTarget.Global);
		const { result, seconds } = await twoVariantsWith('comment_flood');
		assert.equal(result.images.length, 1);
		assert.equal(result.errors.length, 1);
		assert.match(result.errors[0].message, /^The request to http:\/\/127\.0\.0\.1:\d+\/v1 took longer than illustrate\.requestTimeoutSeconds and was given up\./);
		assert.ok(seconds >= 9.5 && seconds < 30, `gave up after ${seconds} s`);
		assert.equal((await store.list()).length, 1, 'the variant that arrived is in the history');
	});

	test('a stream that goes quiet after a partial image is given up after half of illustrate.requestTimeoutSeconds', async function () {
		this.timeout(60_000);
		await config().update('requestTimeoutSeconds', 10, vscode.ConfigurationTarget.Global);
		const { result, seconds } = await twoVariantsWith('stall_after_partial');
		assert.equal(result.images.length, 1);
		assert.match(result.errors[0]?.message ?? '', /^The endpoint http:\/\/127\.0\.0\.1:\d+\/v1 sent nothing for 5 s, so Illustrate gave up on the request\./);
		assert.ok(seconds >= 4.5 && seconds < 9.5, `gave up after ${seconds} s`);
		const [request] = (await api().requests()).filter(recorded => recorded.failure === 'stall_after_partial');
		assert.equal(request.aborted, true, 'the connection was closed');
	});

	test('a data line that never ends stops at the largest event the model needs, without holding it twice', async function () {
		this.timeout(60_000);
		const baseline = process.memoryUsage().rss;
		let peak = baseline;
		const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
		try {
			const { result, seconds } = await twoVariantsWith('endless_line');
			assert.equal(result.images.length, 1);
			assert.match(result.errors[0]?.message ?? '', /^The endpoint http:\/\/127\.0\.0\.1:\d+\/v1 sent an event of more than 55\.4 MB, larger than any image gpt-image-2 makes, so Illustrate stopped reading the response\. Try again\.$/);
			const growth = (peak - baseline) / 1024 / 1024;
			report(`endless data line refused after ${seconds.toFixed(1)} s; extension host memory grew ${growth.toFixed(0)} MB at most`);
			assert.ok(growth < 400, `memory grew ${growth.toFixed(0)} MB`);
		} finally {
			clearInterval(sampler);
		}
	});

	test('fuzz: 1,000 damaged responses; the host survives, never blocks, says what happened, keeps every whole image', async function () {
		this.timeout(10 * 60_000);
		const seed = Number(process.env.ILLUSTRATE_FUZZ_SEED) || DEFAULT_FUZZ_SEED;
		report(`fuzz seed ${seed} (repeat with ILLUSTRATE_FUZZ_SEED=${seed})`);
		// One whole request first: loading the SDK and the proxy-aware fetch (once per extension
		// host, at the first request) is not what this measures.
		await service.generate(OPTIONS, undefined, new AbortController().signal, { onImage: () => undefined });
		await api().reset();
		await api().configure({ fuzzSeed: seed });
		const pixels = new PanelPixels({ postMessage: async () => true }, () => undefined, log);
		const messages: string[] = [];
		const crashes: string[] = [];
		let next = 0;
		const baseline = process.memoryUsage().rss;
		let peak = baseline;
		const sampler = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 50);
		const watch = watchEventLoop();
		const started = Date.now();
		const lane = async () => {
			for (let call = next++; call < FUZZ_CALLS; call = next++) {
				try {
					const result = await service.generate(OPTIONS, undefined, new AbortController().signal, {
						onImage: () => undefined,
						onPixels: (_slot, arrived) => pixels.offer({ type: 'pixels', variantId: `v${call}`, bytes: arrived.bytes, mime: MIME_TYPES[arrived.format], partialIndex: arrived.partialIndex }),
					});
					messages.push(...result.errors.map(error => error.message));
				} catch (error) {
					if (error instanceof IllustrateError) {
						messages.push(error.message);
					} else {
						crashes.push(error instanceof Error ? error.stack ?? error.message : String(error));
					}
				}
			}
		};
		try {
			await Promise.all(Array.from({ length: FUZZ_LANES }, lane));
		} finally {
			clearInterval(sampler);
		}
		const blocks = watch.stop();
		const seconds = (Date.now() - started) / 1000;
		// The server records a response's outcome when it has finished writing it: wait for the last ones.
		let recorded = await api().requests();
		await waitFor(async () => !(recorded = await api().requests()).some(request => !request.fuzz), 'the server recorded every fuzzed response', 15_000);
		const responses = recorded.filter(request => request.fuzz);
		const expected = responses.flatMap(request => request.fuzz!.keep.map(hash => ({ hash, request: `#${request.seq} ${request.fuzz!.case}` })));
		const history = await historyHashes();
		const lost = expected.filter(({ hash }) => !history.has(hash));
		const unclear = messages.filter(message => UNCLEAR.test(message) || !CLEAR_MESSAGES.some(pattern => pattern.test(message)));
		const cases = new Map<string, number>();
		for (const request of responses) {
			const kind = request.fuzz!.case.split('/')[0];
			cases.set(kind, (cases.get(kind) ?? 0) + 1);
		}
		report(`fuzz figures: ${responses.length} responses tried in ${seconds.toFixed(0)} s, ${crashes.length} crashes, longest event-loop block ${blocks.cpuWithoutGcMs.toFixed(0)} ms of JavaScript (${blocks.cpuMs.toFixed(0)} ms of CPU with garbage collection, longest GC pause ${blocks.gcMs.toFixed(0)} ms, ${blocks.wallMs.toFixed(0)} ms wall clock on this machine's load), ${history.size} images kept (${expected.length - lost.length} of ${expected.length} that arrived whole), ${messages.length} failures with a clear message (${unclear.length} unclear), memory grew ${((peak - baseline) / 1024 / 1024).toFixed(0)} MB at most`);
		report(`cases: ${[...cases].map(([kind, count]) => `${kind} ${count}`).join(', ')}`);
		// What was in flight when the longest blocks happened, to find their cause.
		for (const block of blocks.longest.slice(0, 3)) {
			const during = responses.filter(request => request.receivedAt <= block.at && request.receivedAt > block.at - 400).map(request => request.fuzz!.case);
			report(`block of ${block.cpuMs} ms CPU (${block.gcMs} ms of it GC), ${((block.at - started) / 1000).toFixed(1)} s into the fuzz, while answering: ${during.join(', ') || 'nothing'}`);
		}
		assert.ok(responses.length >= FUZZ_CALLS, `${responses.length} responses`);
		assert.deepEqual(crashes, []);
		assert.deepEqual(unclear.slice(0, 5), [], `${unclear.length} unclear messages`);
		assert.deepEqual(lost.map(({ request }) => request), [], 'whole images missing from the history');
		assert.ok(blocks.cpuWithoutGcMs < 100, `the event loop was blocked ${blocks.cpuWithoutGcMs.toFixed(0)} ms`);
	});
});
