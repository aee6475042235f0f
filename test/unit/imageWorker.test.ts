import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ArrivedPixels, VariantEvents } from '../../src/core/generation/batchRunner';
import { fromWorkerError, ownedBytes, toWorkerError, transferList, type ToWorker, type WorkerBatchOutput } from '../../src/core/generation/workerProtocol';
import type { LineOutcome } from '../../src/core/batchApi/batchDeliveryLines';
import { WorkerSession } from '../../src/core/generation/workerSession';
import { CancelledError, IllustrateError } from '../../src/core/errors';
import { readImageInfo } from '../../src/core/images/imageInfo';
import type { HistoryEntry } from '../../src/core/history/historyEntries';
import { ImageWorker, type WorkerRun } from '../../src/providers/imageWorkerClient';
import { renderImage } from '../server/imageFactory';
import { startImageApiServer, type ImageApiServer } from '../server/imageApiServer';
import { ImageApiControl } from '../server/controlClient';

const KEY = 'sk-worker-0123456789abcdef';
/** The worker as the tests build it (out/src/providers/imageWorker.js), beside this file's compiled sources. */
const SCRIPT = join(__dirname, '..', '..', 'src', 'providers', 'imageWorker.js');
const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

suite('The image worker protocol', () => {
	test('pixels, card copies and their answers move their buffer; other messages move nothing', () => {
		const bytes = new Uint8Array(16);
		assert.deepEqual(transferList({ type: 'pixels', id: 1, slot: 0, bytes, format: 'png', partialIndex: 0 }), [bytes.buffer]);
		assert.deepEqual(transferList({ type: 'cardCopy', id: 2, bytes, maxSide: 1024 }), [bytes.buffer]);
		assert.deepEqual(transferList({ type: 'cardCopied', id: 2, bytes }), [bytes.buffer]);
		assert.deepEqual(transferList({ type: 'cardCopied', id: 2 }), []);
		assert.deepEqual(transferList({ type: 'historyCopied', id: 3, readBytes: 17_000_000, copy: { bytes, format: 'jpeg', width: 744, height: 419 } }), [bytes.buffer]);
		assert.deepEqual(transferList({ type: 'historyCopied', id: 3, readBytes: 1000 }), []);
		assert.deepEqual(transferList({ type: 'historyCopy', id: 3, path: '/tmp/x.png', maxBytes: 1000 }), [], 'a path, no bytes');
		assert.deepEqual(transferList({ type: 'start', id: 1, slot: 0 }), []);
		assert.deepEqual(transferList({ type: 'cancel', id: 1 }), []);
	});

	test('a view into a larger buffer is never transferred (it would hand over bytes that are not the image\'s); ownedBytes copies it', () => {
		const whole = new Uint8Array([1, 2, 3, 4, 5, 6]);
		const view = whole.subarray(2, 4);
		assert.throws(() => transferList({ type: 'pixels', id: 1, slot: 0, bytes: view, format: 'png' }), /must own their buffer/);
		const owned = ownedBytes(view);
		assert.notEqual(owned.buffer, whole.buffer);
		assert.deepEqual([...owned], [3, 4]);
		assert.equal(owned.buffer.byteLength, 2);
		assert.equal(ownedBytes(whole), whole, 'bytes that own their buffer are not copied');
	});

	test('errors cross the thread boundary with their class, actions and fatality', () => {
		const illustrate = fromWorkerError(toWorkerError(new IllustrateError('Your key was refused.', ['setApiKey'], true)));
		assert.ok(illustrate instanceof IllustrateError);
		assert.equal(illustrate.message, 'Your key was refused.');
		assert.deepEqual(illustrate.actions, ['setApiKey']);
		assert.equal(illustrate.batchFatal, true);
		assert.ok(fromWorkerError(toWorkerError(new CancelledError())) instanceof CancelledError);
		const other = fromWorkerError(toWorkerError(new TypeError('boom')));
		assert.ok(!(other instanceof IllustrateError));
		assert.equal(other.message, 'boom');
		assert.equal(toWorkerError('a string').message, 'a string');
	});
});

suite('The image worker session: the main thread\'s side, with a port of its own', () => {
	const request: WorkerRun = {
		client: { kind: 'openai', options: { apiKey: KEY, maxRetries: 0, timeout: 1_000 } },
		requestTimeoutMs: 1_000,
		batch: { kind: 'generate', options: { prompt: 'a fox', model: 'gpt-image-2', size: '1024x1024', quality: 'low', n: 2, outputFormat: 'png' } },
		folder: '/tmp/history',
	};
	const entry = (id: string): HistoryEntry => ({ prompt: 'a fox', model: 'gpt-image-2', size: '1024x1024', quality: 'low', id, format: 'png', bytes: 3, createdAt: '2026-12-03T00:00:00.000Z', file: `${id}.png` });

	function session() {
		const sent: { message: ToWorker; transfer: ArrayBuffer[] }[] = [];
		const logged: string[] = [];
		const port = { postMessage: (message: ToWorker, transfer: ArrayBuffer[]) => sent.push({ message, transfer }) };
		return { sent, logged, port, session: new WorkerSession({ info: line => logged.push(line), warn: line => logged.push(line), error: line => logged.push(line) }) };
	}

	test('a batch: the run message, then each message to its event; done resolves with the adopted images by slot', async () => {
		const { sent, port, session: worker } = session();
		const { recorded, events } = recorder();
		const adopted: string[] = [];
		const running = worker.run(port, request, new AbortController().signal, events, stored => (adopted.push(stored.id), stored));
		assert.deepEqual(sent, [{ message: { type: 'run', id: 1, ...request, pixels: true }, transfer: [] }]);
		// A batch nobody shows (no onPixels: a command's, an agent's) asks the worker for no pixels and no copies.
		void worker.run(port, request, new AbortController().signal, { onImage: () => undefined }, stored => stored);
		assert.equal((sent.pop()!.message as { pixels?: boolean }).pixels, false);
		const pixels = new Uint8Array([1, 2, 3]);
		worker.receive({ type: 'start', id: 1, slot: 1 });
		worker.receive({ type: 'pixels', id: 1, slot: 1, bytes: pixels, format: 'png', partialIndex: 0 });
		worker.receive({ type: 'retry', id: 1, slot: 0, seconds: 2, status: 429 });
		worker.receive({ type: 'image', id: 1, slot: 1, entry: entry('b') });
		worker.receive({ type: 'slotFailed', id: 1, slot: 0, error: { kind: 'illustrate', message: 'refused', actions: ['retry'] } });
		worker.receive({ type: 'start', id: 99, slot: 0 });
		worker.receive({ type: 'done', id: 1, costUsd: 0.5, errors: [{ kind: 'illustrate', message: 'refused', actions: ['retry'] }] });
		const result = await running;
		assert.deepEqual(recorded.starts, [1], 'another batch\'s message is not this one\'s');
		assert.equal(recorded.pixels[0].pixels.bytes, pixels);
		assert.deepEqual(recorded.retries, [{ slot: 0, seconds: 2, status: 429 }]);
		assert.deepEqual(adopted, ['b']);
		assert.deepEqual(result.slots, [undefined, entry('b')]);
		assert.deepEqual(result.images, [entry('b')]);
		assert.equal(result.costUsd, 0.5);
		assert.ok(result.errors[0] instanceof IllustrateError && recorded.failed[0].error instanceof IllustrateError);
		assert.deepEqual(result.errors[0].actions, ['retry']);
	});

	test('cancel: the abort becomes a cancel message; the worker\'s cancelled end is a CancelledError with what arrived', async () => {
		const { sent, port, session: worker } = session();
		const abort = new AbortController();
		const running = worker.run(port, request, abort.signal, recorder().events, stored => stored);
		worker.receive({ type: 'image', id: 1, slot: 0, entry: entry('a') });
		abort.abort();
		assert.deepEqual(sent.map(({ message }) => message.type), ['run', 'cancel']);
		assert.deepEqual(sent[1].message, { type: 'cancel', id: 1 });
		worker.receive({ type: 'failed', id: 1, error: { kind: 'cancelled', message: 'The request was cancelled.' }, costUsd: 0.2, errors: [] });
		const error = await running.then(() => undefined, (caught: unknown) => caught) as CancelledError & { partial: { images: HistoryEntry[]; costUsd?: number } };
		assert.ok(error instanceof CancelledError);
		assert.deepEqual(error.partial.images, [entry('a')]);
		assert.equal(error.partial.costUsd, 0.2);
		abort.abort();
		assert.equal(sent.length, 2, 'nothing more is sent for a batch that ended');
	});

	test('a worker that stops: running batches fail with its message, card copies are none, the log says so', async () => {
		const { port, logged, session: worker } = session();
		const running = worker.run(port, request, new AbortController().signal, recorder().events, stored => stored);
		const card = worker.cardCopy(port, new Uint8Array(4));
		worker.stopped(new Error('out of memory'));
		const error = await running.then(() => undefined, (caught: unknown) => caught);
		assert.ok(error instanceof IllustrateError);
		assert.match(error.message, /The image worker stopped \(out of memory\)/);
		assert.equal(await card, undefined);
		assert.ok(logged.some(line => /stopped: out of memory/.test(line)));
	});

	const job: WorkerBatchOutput = {
		batchId: 'batch_1', client: request.client, requestTimeoutMs: 1_000, folder: '/tmp/history',
		files: [{ fileId: 'file-out', which: 'output' }], options: { model: 'gpt-image-1.5', size: '1024x1024', quality: 'low', outputFormat: 'png' },
		entries: [{ customId: 'ph-2', prompt: 'an owl' }, { customId: 'ph-3', prompt: 'a hare' }], done: ['ph-1'],
	};

	test('a batch\'s files: the job goes to the worker; each line\'s outcome reaches the caller in order, an image adopted first; the summary resolves', async () => {
		const { sent, port, session: worker } = session();
		const adopted: string[] = [];
		const lines: LineOutcome<string>[] = [];
		const reading = worker.readBatchOutput<string>(port, job, new AbortController().signal, line => lines.push(line), stored => (adopted.push(stored.id), `adopted ${stored.id}`));
		assert.deepEqual(sent.map(({ message }) => message), [{ type: 'batchOutput', id: 1, job }]);
		assert.deepEqual(sent[0].transfer, [], 'no bytes go with it');
		worker.receive({ type: 'batchLine', id: 1, outcome: { customId: 'ph-2', result: 'kept', image: entry('img-2'), costUsd: 0.01 } });
		worker.receive({ type: 'batchLine', id: 1, outcome: { customId: 'ph-3', result: 'failed', reason: 'refused' } });
		// Another job's message is not this one's.
		worker.receive({ type: 'batchLine', id: 7, outcome: { customId: 'ph-9', result: 'failed', reason: 'not ours' } });
		worker.receive({ type: 'batchOutputDone', id: 1, summary: { strangers: 1, overlong: 2 } });
		assert.deepEqual(await reading, { strangers: 1, overlong: 2 });
		assert.deepEqual(adopted, ['img-2']);
		assert.deepEqual(lines, [{ customId: 'ph-2', result: 'kept', image: 'adopted img-2', costUsd: 0.01 }, { customId: 'ph-3', result: 'failed', reason: 'refused' }]);
		worker.receive({ type: 'batchLine', id: 1, outcome: { customId: 'ph-2', result: 'failed', reason: 'late' } });
		assert.equal(lines.length, 2, 'nothing reaches a job that ended');
	});

	test('a batch\'s files: the abort becomes a cancel message and a CancelledError; a failure is the worker\'s error; a stopped worker fails it; a throwing handler cancels', async () => {
		const { sent, port, session: worker } = session();
		const abort = new AbortController();
		const lines: LineOutcome<HistoryEntry>[] = [];
		const cancelled = worker.readBatchOutput<HistoryEntry>(port, job, abort.signal, line => lines.push(line), stored => stored);
		worker.receive({ type: 'batchLine', id: 1, outcome: { customId: 'ph-2', result: 'kept', image: entry('img-2') } });
		abort.abort();
		assert.deepEqual(sent[1].message, { type: 'cancel', id: 1 });
		worker.receive({ type: 'batchOutputFailed', id: 1, error: { kind: 'cancelled', message: 'The request was cancelled.' } });
		await assert.rejects(cancelled, error => error instanceof CancelledError);
		assert.equal(lines.length, 1, 'what arrived before stands');

		const failing = worker.readBatchOutput(port, job, new AbortController().signal, () => undefined, stored => stored);
		worker.receive({ type: 'batchOutputFailed', id: 2, error: { kind: 'other', message: 'ENOSPC: no space left on device' } });
		await assert.rejects(failing, /ENOSPC/);

		const stopping = worker.readBatchOutput(port, job, new AbortController().signal, () => undefined, stored => stored);
		worker.stopped(new Error('out of memory'));
		await assert.rejects(stopping, (error: Error) => error instanceof IllustrateError && /The image worker stopped \(out of memory\)/.test(error.message));

		const throwing = worker.readBatchOutput(port, job, new AbortController().signal, () => {
			throw new Error('the record could not be written');
		}, stored => stored);
		worker.receive({ type: 'batchLine', id: 4, outcome: { customId: 'ph-3', result: 'failed', reason: 'refused' } });
		await assert.rejects(throwing, /the record could not be written/);
		assert.deepEqual(sent.at(-1)?.message, { type: 'cancel', id: 4 }, 'the worker is told to stop reading');
	});
});

interface Recorded {
	readonly starts: number[];
	readonly pixels: { slot: number; pixels: ArrivedPixels }[];
	readonly images: { slot: number; entry: HistoryEntry }[];
	readonly failed: { slot: number; error: IllustrateError }[];
	readonly retries: { slot: number; seconds: number; status: number | undefined }[];
}

function recorder(): { recorded: Recorded; events: VariantEvents<HistoryEntry> } {
	const recorded: Recorded = { starts: [], pixels: [], images: [], failed: [], retries: [] };
	return {
		recorded,
		events: {
			onStart: slot => recorded.starts.push(slot),
			onPixels: (slot, pixels) => recorded.pixels.push({ slot, pixels }),
			onImage: (slot, entry) => recorded.images.push({ slot, entry }),
			onSlotFailed: (slot, error) => recorded.failed.push({ slot, error }),
			onRetry: (slot, seconds, status) => recorded.retries.push({ slot, seconds, status }),
		},
	};
}

suite('The image worker: a batch in a worker thread, against the test API server', function () {
	this.timeout(30_000);
	let server: ImageApiServer;
	let worker: ImageWorker;
	let folder: string;
	let logged: string[];

	const run = (n: number, signal = new AbortController().signal, events = recorder().events, size = '1024x1024', on = worker) => {
		const request: WorkerRun = {
			client: { kind: 'openai', options: { apiKey: KEY, maxRetries: 0, timeout: 20_000, baseURL: server.url } },
			requestTimeoutMs: 20_000,
			batch: { kind: 'generate', options: { prompt: 'a lighthouse', model: 'gpt-image-2', size, quality: 'low', n, outputFormat: 'png' } },
			folder,
		};
		return on.run(request, signal, events, entry => entry);
	};

	suiteSetup(async () => {
		server = await startImageApiServer();
		logged = [];
		worker = new ImageWorker(SCRIPT, { info: line => logged.push(line), warn: line => logged.push(line), error: line => logged.push(line) });
	});

	setup(() => {
		server.reset();
		logged.length = 0;
		folder = mkdtempSync(join(tmpdir(), 'illustrate-worker-'));
	});

	teardown(() => rmSync(folder, { recursive: true, force: true }));

	suiteTeardown(async () => {
		await worker.dispose();
		await server.close();
	});

	test('a finished batch\'s files: downloaded, read and written into the folder by the worker; the main thread gets an entry or a reason per request, and requests done before are skipped', async () => {
		const { default: OpenAI, toFile } = await import('openai');
		const client = new OpenAI({ apiKey: KEY, baseURL: server.url, maxRetries: 0 });
		const line = (customId: string, prompt: string) => ({ custom_id: customId, method: 'POST', url: '/v1/images/generations', body: { model: 'gpt-image-1.5', prompt, size: '1024x1024', quality: 'low' } });
		const input = await client.files.create({ file: await toFile(Buffer.from([line('ph-1', 'a fox'), line('ph-2', 'an owl'), line('ph-3', 'a hare'), line('ph-4', 'a forbidden thing')].map(value => JSON.stringify(value)).join('\n')), 'input.jsonl'), purpose: 'batch' });
		const batch = await client.batches.create({ input_file_id: input.id, endpoint: '/v1/images/generations', completion_window: '24h' });
		const control = new ImageApiControl(server.origin);
		await control.driveBatch(batch.id, { status: 'in_progress' });
		await control.driveBatch(batch.id, { status: 'finalizing' });
		const completed = await control.driveBatch(batch.id, { status: 'completed', failLines: ['ph-4'] });
		const outputText = await (await client.files.content(String(completed.output_file_id))).text();
		const sentImages = new Map(outputText.split('\n').filter(Boolean).map(text => {
			const parsed = JSON.parse(text) as { custom_id: string; response: { body: { data: { b64_json: string }[] } } };
			return [parsed.custom_id, Buffer.from(parsed.response.body.data[0].b64_json, 'base64')];
		}));
		const lines: LineOutcome<HistoryEntry>[] = [];
		const summary = await worker.readBatchOutput<HistoryEntry>({
			batchId: batch.id, client: { kind: 'openai', options: { apiKey: KEY, maxRetries: 0, timeout: 20_000, baseURL: server.url } }, requestTimeoutMs: 20_000, folder,
			files: [{ fileId: String(completed.output_file_id), which: 'output' }, { fileId: String(completed.error_file_id), which: 'error' }],
			options: { model: 'gpt-image-1.5', size: '1024x1024', quality: 'low', outputFormat: 'png' },
			entries: [{ customId: 'ph-2', prompt: 'an owl' }, { customId: 'ph-3', prompt: 'a hare' }, { customId: 'ph-4', prompt: 'a forbidden thing' }],
			done: ['ph-1'],
		}, new AbortController().signal, outcome => lines.push(outcome), entry => entry);
		assert.deepEqual(summary, { strangers: 0, overlong: 0 });
		// Images are written a few at once: their outcomes come as their writes end, in any order; the error file is read after them.
		const kept = lines.slice(0, 2).map(outcome => [outcome.customId, outcome.result]).sort();
		assert.deepEqual([...kept, [lines[2]?.customId, lines[2]?.result]], [['ph-2', 'kept'], ['ph-3', 'kept'], ['ph-4', 'failed']]);
		assert.equal(lines.length, 3);
		assert.match((lines[2] as { reason: string }).reason, /safety system rejected this prompt/);
		for (const outcome of lines.slice(0, 2)) {
			const entry = (outcome as { image: HistoryEntry }).image;
			assert.ok(readFileSync(join(folder, entry.file)).equals(sentImages.get(outcome.customId)!), `${outcome.customId}: the file holds the line's image, byte for byte`);
			const stored = JSON.parse(readFileSync(join(folder, `${entry.id}.json`), 'utf8')) as HistoryEntry;
			assert.deepEqual([stored.prompt, stored.model, stored.operation, stored.format], [outcome.customId === 'ph-2' ? 'an owl' : 'a hare', 'gpt-image-1.5', 'generate', 'png']);
		}
		assert.equal(readdirSync(folder).length, 4, 'two images and their entries; nothing for the request done before, nor the failed one');
	});

	test('two variants: partials then finals arrive as pixels, each final is written into the folder with its entry, bytes as sent', async () => {
		const { recorded, events } = recorder();
		const result = await run(2, undefined, events);
		assert.deepEqual(recorded.starts.sort(), [0, 1]);
		assert.equal(result.images.length, 2);
		assert.equal(recorded.images.length, 2);
		assert.deepEqual(result.slots, [0, 1].map(slot => recorded.images.find(image => image.slot === slot)?.entry));
		assert.ok(recorded.pixels.some(({ pixels }) => pixels.partialIndex === 0), 'partial images arrive');
		for (const { pixels } of recorded.pixels) {
			assert.ok(pixels.bytes.buffer instanceof ArrayBuffer, 'pixels come as bytes, not a string or a shared buffer');
			// Smooth 1024×1024 PNGs of tens of KB: they go as they are.
			assert.equal(readImageInfo(pixels.bytes)?.format, 'png');
			assert.equal(pixels.cardCopy, undefined);
		}
		const files = readdirSync(folder).sort();
		assert.equal(files.length, 4, files.join(', '));
		const sent = server.requests.map(request => sha256(server.imageBytes(request.id, 0)!)).sort();
		const written = recorded.images.map(({ entry }) => sha256(readFileSync(join(folder, entry.file)))).sort();
		assert.deepEqual(written, sent, 'the files hold the bytes the server sent');
		for (const { entry, slot } of recorded.images) {
			const json = JSON.parse(readFileSync(join(folder, `${entry.id}.json`), 'utf8')) as HistoryEntry;
			assert.equal(json.file, entry.file);
			assert.equal(json.prompt, 'a lighthouse');
			assert.equal(json.width, 1024);
			const finalPixels = recorded.pixels.find(pixels => pixels.slot === slot && pixels.pixels.partialIndex === undefined);
			assert.ok(finalPixels, 'the final image is shown while it is stored');
			assert.equal(sha256(finalPixels.pixels.bytes), sha256(readFileSync(join(folder, entry.file))));
		}
		assert.ok(typeof result.costUsd === 'number' && result.costUsd > 0);
		assert.ok(logged.some(line => /images\.generate ×2 \(parallel\)/.test(line)), 'the runner logs through the main thread');
		assert.ok(!logged.some(line => line.includes(KEY)), 'the key is never logged');
	});

	test('a 1024×1024 final of 2 MB reaches the main thread as its card-size JPEG, its blurred partials of 0.3 MB as 372 px previews; the file keeps every pixel', async () => {
		server.configure({ grain: 8 });
		const { recorded, events } = recorder();
		const result = await run(1, undefined, events);
		assert.equal(result.images.length, 1);
		const shown = recorded.pixels.map(({ pixels }) => {
			const info = readImageInfo(pixels.bytes);
			return [pixels.partialIndex ?? 'final', info?.format, info?.width, info?.height, pixels.format, pixels.cardCopy ?? false];
		});
		// A partial's draft is given up when a newer image overtakes it (here they come back to back): those shown are previews.
		assert.deepEqual(shown.at(-1), ['final', 'jpeg', 744, 744, 'jpeg', true]);
		for (const partial of shown.slice(0, -1)) {
			assert.deepEqual(partial.slice(1), ['jpeg', 372, 372, 'jpeg', true], `partial ${partial[0]}: a 372 px preview`);
		}
		const final = recorded.pixels.at(-1)!.pixels.bytes;
		assert.ok(final.length < 150_000, `${final.length} bytes`);
		const stored = readFileSync(join(folder, recorded.images[0].entry.file));
		assert.deepEqual(readImageInfo(stored), { format: 'png', width: 1024, height: 1024 });
		assert.ok(stored.length > 1024 * 1024, `the file holds the full image: ${stored.length} bytes`);
	});

	test('large images: partials and finals reach the main thread as card-size copies made in the worker, each final before its stored image; the file keeps every pixel', async () => {
		const order: string[] = [];
		const { recorded, events } = recorder();
		const result = await run(2, undefined, {
			...events,
			onPixels: (slot, pixels) => {
				order.push(`${slot}:${pixels.partialIndex ?? 'final'}`);
				events.onPixels?.(slot, pixels);
			},
			onImage: (slot, entry) => {
				order.push(`${slot}:image`);
				events.onImage(slot, entry);
			},
		}, '2560x1440');
		assert.equal(result.images.length, 2);
		assert.ok(recorded.pixels.some(({ pixels }) => pixels.partialIndex !== undefined), 'partial images arrive');
		for (const { slot, pixels } of recorded.pixels) {
			const info = readImageInfo(pixels.bytes);
			// The final's copy is the history's (twice a wide card); a partial's a preview half that.
			const expected = pixels.partialIndex === undefined ? [744, 419] : [372, 209];
			assert.deepEqual([info?.format, info?.width, info?.height, pixels.cardCopy], ['jpeg', ...expected, true], `slot ${slot} ${pixels.partialIndex ?? 'final'}: the card-size copy, not ${info?.width}×${info?.height}`);
		}
		for (const { slot, entry } of recorded.images) {
			const stored = readImageInfo(readFileSync(join(folder, entry.file)));
			assert.deepEqual([stored?.width, stored?.height], [2560, 1440], 'the stored file is the full image');
			const final = order.indexOf(`${slot}:final`);
			assert.ok(final >= 0 && final < order.indexOf(`${slot}:image`), `slot ${slot}: final pixels, then the stored image (${order.join(', ')})`);
		}
	});

	test('the card-size copies are made on the image worker\'s copy thread, not on the thread that reads the streams', async () => {
		const { recorded, events } = recorder();
		await run(2, undefined, events, '2560x1440');
		const copies = recorded.pixels.filter(({ pixels }) => pixels.cardCopy).length;
		assert.ok(copies >= 2, `${copies} copies`);
		assert.ok(logged.includes(`Card-size copies: ${copies} made on a copy thread, 0 in the image worker.`), logged.join('\n'));
	});

	test('a copy thread that stops in the middle of its copies: the image worker makes them, every final still arrives as its card-size copy, the log says so', async () => {
		const script = join(folder, 'stopping-copy-thread.js');
		// A copy thread that exits at its first copy, the bytes of the copies it was given with it.
		writeFileSync(script, 'require(\'node:worker_threads\').parentPort.on(\'message\', () => process.exit(7));\n');
		const lines: string[] = [];
		const broken = new ImageWorker(SCRIPT, { info: line => lines.push(line), warn: line => lines.push(line), error: line => lines.push(line) }, undefined, { copyScript: script });
		try {
			const { recorded, events } = recorder();
			const result = await run(2, undefined, events, '2560x1440', broken);
			assert.equal(result.images.length, 2);
			const finals = recorded.pixels.filter(({ pixels }) => pixels.partialIndex === undefined);
			assert.deepEqual(finals.map(({ pixels }) => { const info = readImageInfo(pixels.bytes); return [info?.format, info?.width, pixels.cardCopy]; }), [['jpeg', 744, true], ['jpeg', 744, true]]);
			assert.ok(lines.some(line => /^A copy thread stopped \(exit code 7\); its copies and the ones after are made in the image worker\.$/.test(line)), lines.join('\n'));
			const copies = recorded.pixels.filter(({ pixels }) => pixels.cardCopy).length;
			assert.ok(lines.includes(`Card-size copies: 0 made on a copy thread, ${copies} in the image worker.`), lines.join('\n'));
			assert.ok(await broken.cardCopy(await renderImage({ width: 2560, height: 1440, format: 'png', seed: 'after-stop' })), 'later copies are made too');
		} finally {
			await broken.dispose();
		}
	});

	test('a batch on the main thread (behind a proxy) gets the panel\'s copies from the worker: a final as the 744 px JPEG, a partial as the 372 px draft, a given-up draft none, the caller\'s bytes kept', async () => {
		const png = await renderImage({ width: 1024, height: 1024, format: 'png', seed: 'panel-copy', grain: 8 });
		const length = png.length;
		const final = await worker.panelCopy(png, false);
		assert.deepEqual(final && [final.format, readImageInfo(final.bytes)], ['jpeg', { format: 'jpeg', width: 744, height: 744 }]);
		const draft = await worker.panelCopy(png, true);
		assert.deepEqual(draft && [draft.format, readImageInfo(draft.bytes)], ['jpeg', { format: 'jpeg', width: 372, height: 372 }]);
		assert.equal(png.length, length, 'the bytes were copied to the worker, not moved');
		const controller = new AbortController();
		controller.abort();
		assert.equal(await worker.panelCopy(png, true, controller.signal), undefined, 'a draft given up before it is made');
		const small = await renderImage({ width: 256, height: 256, format: 'png', seed: 'panel-copy-small' });
		assert.equal(await worker.panelCopy(small, false), undefined, 'a small image needs none: it goes as it is');
	});

	test('disposing the image worker ends its copy thread with it: no thread left behind (a window reload, deactivation)', async function () {
		if (process.platform !== 'linux') {
			this.skip();
		}
		// The process's threads as Linux lists them: the worker and its copy thread are two of them.
		const threads = () => readdirSync('/proc/self/task').length;
		const png = await renderImage({ width: 2560, height: 1440, format: 'png', seed: 'dispose' });
		const before = threads();
		const another = new ImageWorker(SCRIPT, { info: () => undefined, warn: () => undefined, error: () => undefined });
		assert.ok(await another.cardCopy(png), 'a copy was made (the copy thread started)');
		assert.equal(threads(), before + 2, 'the image worker and its copy thread');
		await another.dispose();
		assert.equal(threads(), before, 'both ended');
	});

	test('cancel: the request is abandoned, the batch rejects with CancelledError and nothing is written', async () => {
		server.configure({ holdFinals: true });
		const abort = new AbortController();
		const { recorded, events } = recorder();
		let partialSeen!: () => void;
		const partial = new Promise<void>(resolve => partialSeen = resolve);
		const running = run(1, abort.signal, { ...events, onPixels: (slot, pixels) => { events.onPixels?.(slot, pixels); partialSeen(); } });
		await partial;
		abort.abort();
		const error = await running.then(() => undefined, (caught: unknown) => caught);
		assert.ok(error instanceof CancelledError, String(error));
		assert.deepEqual((error as CancelledError & { partial: { images: unknown[] } }).partial.images, []);
		assert.equal(recorded.images.length, 0);
		assert.deepEqual(readdirSync(folder), []);
	});

	test('a rate limit is retried after retry-after, reported per slot, and succeeds', async () => {
		server.fail({ kind: 'rate_limit', retryAfterSeconds: 1 });
		const { recorded, events } = recorder();
		const result = await run(1, undefined, events);
		assert.deepEqual(recorded.retries, [{ slot: 0, seconds: 1, status: 429 }]);
		assert.equal(result.images.length, 1);
		assert.deepEqual(server.requests.map(request => request.status), [429, 200]);
	});

	test('a refused key: the core\'s message, its action and a fatal error, the key not in it', async () => {
		server.fail({ kind: 'invalid_api_key' });
		const error = await run(1).then(() => undefined, (caught: unknown) => caught);
		assert.ok(error instanceof IllustrateError, String(error));
		assert.match(error.message, /API key/);
		assert.ok(error.actions.includes('setApiKey'), error.actions.join());
		assert.equal(error.batchFatal, true);
		assert.ok(!error.message.includes(KEY));
	});

	test('a dropped connection is not retried and says the image may have been charged', async () => {
		server.fail({ kind: 'drop_connection' });
		const { recorded, events } = recorder();
		const error = await run(1, undefined, events).then(() => undefined, (caught: unknown) => caught);
		assert.ok(error instanceof IllustrateError, String(error));
		assert.match(error.message, /dropped before the image arrived/);
		assert.equal(server.requests.length, 1);
		assert.equal(recorded.failed.length, 1);
		assert.equal(recorded.failed[0].error.message, error.message);
	});

	test('an event handler that throws stops the batch with its error, as it would out of runBatch', async () => {
		server.configure({ holdFinals: true });
		const error = await run(1, undefined, { onImage: () => undefined, onStart: () => { throw new RangeError('the panel broke'); } }).then(() => undefined, (caught: unknown) => caught);
		assert.ok(error instanceof RangeError, String(error));
		assert.equal(error.message, 'the panel broke');
	});

	test('a worker that stops (here: its file is missing) fails its batch with a message that says so, never hangs', async () => {
		const broken = new ImageWorker(join(folder, 'missing.js'), { info: () => undefined, warn: () => undefined, error: line => logged.push(line) });
		const request: WorkerRun = {
			client: { kind: 'openai', options: { apiKey: KEY, maxRetries: 0, timeout: 20_000, baseURL: server.url } },
			requestTimeoutMs: 20_000,
			batch: { kind: 'generate', options: { prompt: 'a lighthouse', model: 'gpt-image-2', size: '1024x1024', quality: 'low', n: 1, outputFormat: 'png' } },
			folder,
		};
		const error = await broken.run(request, new AbortController().signal, { onImage: () => undefined }, entry => entry).then(() => undefined, (caught: unknown) => caught);
		assert.ok(error instanceof IllustrateError, String(error));
		assert.match(error.message, /^The image worker stopped \(.+\)\. Images that arrived before are in the history\. Try again\.$/);
		assert.deepEqual(error.actions, ['retry']);
		assert.ok(logged.some(line => /The image worker stopped/.test(line)));
	});

	test('a card-size copy of a large PNG is made in the worker; a small one needs none', async () => {
		const large = await renderImage({ width: 2560, height: 1440, format: 'png', seed: 'card' });
		const copy = await worker.cardCopy(large);
		assert.ok(copy, 'a copy was made');
		const info = readImageInfo(copy);
		assert.deepEqual([info?.format, info?.width, info?.height], ['png', 1024, 576]);
		assert.equal(large.length > 0, true, 'the caller keeps its bytes');
		const small = await renderImage({ width: 1024, height: 1024, format: 'png', seed: 'small' });
		assert.equal(await worker.cardCopy(small), undefined);
	});

	test('the history\'s copy of a file is read and made in the worker, from its path: a card-size JPEG comes back', async () => {
		const path = join(folder, 'history-original.png');
		writeFileSync(path, await renderImage({ width: 3840, height: 2160, format: 'png', seed: 'history', grain: 8 }));
		const copy = await worker.historyCopy(path);
		assert.ok(copy);
		assert.deepEqual([copy.format, copy.width, copy.height], ['jpeg', 744, 419]);
		assert.deepEqual(readImageInfo(copy.bytes), { format: 'jpeg', width: 744, height: 419 });
		assert.ok(copy.bytes.buffer.byteLength === copy.bytes.length, 'its own buffer, transferred');
		const fits = join(folder, 'history-fits.png');
		writeFileSync(fits, await renderImage({ width: 512, height: 512, format: 'png', seed: 'fits' }));
		assert.equal(await worker.historyCopy(fits), undefined, 'an image that fits a card gets none');
	});

	test('a history copy\'s file larger than an image can be is refused unread; a missing one rejects; neither stops the worker', async () => {
		const path = join(folder, 'history-large.png');
		writeFileSync(path, new Uint8Array(4096));
		await assert.rejects(worker.historyCopy(path, 1024), /history-large\.png is 4096 bytes, more than an image's 1024/);
		await assert.rejects(worker.historyCopy(join(folder, 'missing.png')), /ENOENT/);
		const small = await renderImage({ width: 2560, height: 1440, format: 'png', seed: 'after' });
		writeFileSync(path, small);
		assert.equal((await worker.historyCopy(path))?.format, 'jpeg');
	});
});
