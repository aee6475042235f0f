// The image worker (dist/imageWorker.js, a worker_threads thread of the Node extension host):
// sends a batch's requests through the `openai` SDK, reads their streams, decodes the images,
// writes each final image into the history folder and has card-size copies made on its copy
// thread (src/providers/copyWorker.ts), so that none of it holds the extension host's main
// thread and no copy holds this one. It talks to the main thread only in the
// messages of src/core/generation/workerProtocol.ts; src/providers/imageWorkerClient.ts starts it.
import * as l10n from '@vscode/l10n';
import { mkdir, writeFile } from 'node:fs/promises';
import * as tls from 'node:tls';
import { join } from 'node:path';
import { parentPort, Worker, workerData } from 'node:worker_threads';
import type OpenAI from 'openai';
import type { ArrivedPixels, BatchLog, VariantEvents } from '../core/generation/batchRunner';
import { ownedBytes, toWorkerError, transferList, type FromWorker, type ToWorker, type WorkerClientConfig } from '../core/generation/workerProtocol';
import { readBatchFiles } from '../core/batchApi/batchDeliveryLines';
import { chunksOf } from '../core/batchApi/batchOutput';
import { CancelledError } from '../core/errors';
import { entryFileName, entryJson, entryForImage, type HistoryEntry } from '../core/history/historyEntries';
import { bytesNeedPanelCopy, type JpegEncoder } from '../core/images/cardCopy';
import { CopyThreads, makeCopy, type CopyJob, type CopyMaker, type FromCopier } from '../core/generation/copyThreads';
import { encodeJpeg as encodeJpegBytes } from '../core/images/jpegEncoder';
import { SlotPixels } from '../core/generation/slotPixels';
import { nodeCodec } from '../platform/compression';
import { withBoundedErrorBodies } from './boundedFetch';
import { readBounded } from './readBounded';
import { editImages, generateImages, type OpenAIConnection, type Sdk } from './openaiImages';

const port = parentPort;
if (!port) {
	throw new Error('imageWorker.js runs as a worker thread.');
}
const post = (message: FromWorker) => port.postMessage(message, transferList(message));

/** What the main thread starts the worker with (see `ImageWorker`). */
interface ImageWorkerData {
	readonly l10n?: Record<string, string>;
	/** The copy threads' file: dist/copyWorker.js beside this one unless given. */
	readonly copyScript?: string;
	/** Copy threads at most (0: every copy is made in this thread). */
	readonly copyThreads?: number;
}
const data = (workerData ?? {}) as ImageWorkerData;
const bundle = data.l10n;
if (bundle) {
	l10n.config({ contents: bundle });
}

const log: BatchLog = {
	info: message => post({ type: 'log', level: 'info', message }),
	warn: message => post({ type: 'log', level: 'warn', message }),
	error: message => post({ type: 'log', level: 'error', message }),
};

/**
 * VS Code adds the system's certificates to the main thread's TLS (`http.systemCertificates`),
 * not to a worker's: the worker adds them to its own, once, before its first HTTPS request
 * (about 70 ms of this thread; Node 22.19 and later, where `tls.setDefaultCACertificates` is).
 */
let systemCertificatesAdded = false;
function addSystemCertificates(): void {
	if (systemCertificatesAdded) {
		return;
	}
	systemCertificatesAdded = true;
	try {
		if (typeof tls.getCACertificates === 'function' && typeof tls.setDefaultCACertificates === 'function') {
			tls.setDefaultCACertificates([...new Set([...tls.getCACertificates('default'), ...tls.getCACertificates('system')])]);
		}
	} catch (error) {
		log.warn(`The system's certificates could not be added to the image worker's: ${error instanceof Error ? error.message : String(error)}`);
	}
}

let sdk: Promise<Sdk> | undefined;

/** The history's and the panel's copies of opaque images: src/core/images/jpegEncoder.ts (4:2:0, bytes of their own, to be transferred). */
const encodeJpeg: JpegEncoder = encodeJpegBytes;
const maker: CopyMaker = { codec: nodeCodec, encodeJpeg, read: readBounded };

/**
 * Copy threads: one. On the 2-core machine (`npm run bench -- --runs 1`, one thread and two
 * back to back, load about 2) a second thread made partials no faster overall (event →
 * painted at 4 × 1024²: 265 ms against 199 ms; at 8 × 3840×2160: 239 ms against 307 ms) and
 * cost memory (peak growth at 8 × 3840×2160: +329 MB against +251 MB).
 */
const COPY_THREADS = 1;

/**
 * The card-size copies are made on copy threads of this worker's own (dist/copyWorker.js):
 * this thread reads the streams and never waits behind a copy. Where a thread cannot start
 * or stops, the copies are made here.
 */
const copies = new CopyThreads({
	size: data.copyThreads ?? COPY_THREADS,
	start: events => {
		const thread = new Worker(data.copyScript ?? join(__dirname, 'copyWorker.js'));
		// A copy thread never keeps this worker alive; it ends with it (the extension host's terminate ends both).
		thread.unref();
		thread.on('message', (message: FromCopier) => events.message(message));
		thread.on('error', error => events.stopped(error));
		thread.on('exit', code => events.stopped(new Error(`exit code ${code}`)));
		return thread;
	},
	local: (job, abandoned) => makeCopy(job, maker, abandoned),
	warn: log.warn,
});

/**
 * A client per batch, as on the main thread: it reads OPENAI_BASE_URL and the like from the
 * environment it shares with the extension host as it is now. Connections are kept by the
 * thread's fetch, not the client, so they are reused all the same.
 */
async function clientFor(config: WorkerClientConfig): Promise<{ sdk: Sdk; client: OpenAI }> {
	const loaded = await (sdk ??= import('openai'));
	const options = { ...config.options, fetch: withBoundedErrorBodies() };
	return { sdk: loaded, client: config.kind === 'azure' ? new loaded.AzureOpenAI(options) : new loaded.OpenAI(options) };
}

/** Folders made by this worker: each once (again, if it was deleted). */
const folders = new Map<string, Promise<unknown>>();

async function writeInto(folder: string, name: string, bytes: Uint8Array): Promise<void> {
	let created = folders.get(folder);
	if (!created) {
		created = mkdir(folder, { recursive: true });
		folders.set(folder, created);
		created.catch(() => folders.delete(folder));
	}
	await created;
	try {
		await writeFile(join(folder, name), bytes);
	} catch (error) {
		if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
			throw error;
		}
		await mkdir(folder, { recursive: true });
		await writeFile(join(folder, name), bytes);
	}
}

/** An image kept in the history folder as the main thread's store keeps it: its bytes as received, its entry beside them. */
async function storeInto(folder: string, bytes: Uint8Array, recipe: Parameters<typeof entryForImage>[1], fallbackFormat: Parameters<typeof entryForImage>[2]): Promise<HistoryEntry> {
	const entry = entryForImage(bytes, recipe, fallbackFormat);
	await writeInto(folder, entry.file, bytes);
	await writeInto(folder, entryFileName(entry), entryJson(entry));
	return entry;
}

const running = new Map<number, AbortController>();

async function run(message: Extract<ToWorker, { type: 'run' }>): Promise<void> {
	const { id } = message;
	const controller = new AbortController();
	running.set(id, controller);
	// An image larger than a card goes to the main thread as its card-size copy, made here: the
	// main thread and the webview never get its full bytes. Each slot's messages keep their order.
	const made = { onThread: 0, here: 0 };
	const pixels = new SlotPixels({
		needsCopy: bytesNeedPanelCopy,
		// The bytes are kept: a final's are being written, and either goes as it is when no copy comes.
		copy: async (bytes, how) => {
			const outcome = await copies.copy({ kind: 'panel', bytes, draft: how.draft }, { keep: true, signal: how.signal });
			if (outcome.copy) {
				made[outcome.onThread ? 'onThread' : 'here']++;
			}
			return outcome.copy;
		},
		// A final image's bytes are being written: the main thread gets a copy of its own (made here).
		post: (slot, shown) => post({ type: 'pixels', id, slot, bytes: shown.partialIndex === undefined && !shown.cardCopy ? shown.bytes.slice() : ownedBytes(shown.bytes), format: shown.format, partialIndex: shown.partialIndex, cardCopy: shown.cardCopy }),
		warn: log.warn,
	});
	const events: VariantEvents<HistoryEntry> = {
		onStart: slot => post({ type: 'start', id, slot }),
		// Nothing shows the pixels (a command's or an agent's batch): no copies, no messages.
		...(message.pixels === false ? {} : { onPixels: (slot: number, arrived: ArrivedPixels) => pixels.offer(slot, arrived) }),
		onImage: (slot, entry) => pixels.after(slot, () => post({ type: 'image', id, slot, entry })),
		onSlotFailed: (slot, error) => pixels.after(slot, () => post({ type: 'slotFailed', id, slot, error: toWorkerError(error) })),
		onRetry: (slot, seconds, status) => post({ type: 'retry', id, slot, seconds, status }),
	};
	const store = (bytes: Uint8Array, recipe: Parameters<typeof entryForImage>[1], fallbackFormat: Parameters<typeof entryForImage>[2]) => storeInto(message.folder, bytes, recipe, fallbackFormat);
	try {
		if (message.systemCertificates && !/^http:/i.test(message.client.options.baseURL ?? '')) {
			addSystemCertificates();
		}
		const { sdk: loaded, client } = await clientFor(message.client);
		const connection: OpenAIConnection = { sdk: loaded, client, key: message.client.options.apiKey, requestTimeoutMs: message.requestTimeoutMs };
		const services = { store, log };
		const result = message.batch.kind === 'generate'
			? await generateImages(connection, message.batch.options, services, controller.signal, events)
			: await editImages(connection, message.batch.request, message.batch.recipe, services, controller.signal, events);
		await pixels.drained();
		logCopies(made);
		post({ type: 'done', id, costUsd: result.costUsd, errors: result.errors.map(toWorkerError) });
	} catch (error) {
		const partial = (error as { partial?: { costUsd?: number; errors: readonly Error[] } }).partial;
		await pixels.drained();
		logCopies(made);
		post({ type: 'failed', id, error: toWorkerError(error), costUsd: partial?.costUsd, errors: partial?.errors.map(toWorkerError) });
	} finally {
		running.delete(id);
	}
}

/** Where a batch's card-size copies were made: in the log, for the output channel and the tests. */
function logCopies(made: { readonly onThread: number; readonly here: number }): void {
	if (made.onThread + made.here > 0) {
		log.info(`Card-size copies: ${made.onThread} made on a copy thread, ${made.here} in the image worker.`);
	}
}

/** A copy for the main thread: the bytes it sent are moved on to a copy thread (the main thread keeps its own). */
async function copyFor(job: CopyJob) {
	return copies.copy(job, { keep: false });
}

async function copyForCard(message: Extract<ToWorker, { type: 'cardCopy' }>): Promise<void> {
	// A panel copy can be given up (`cancel`): a partial a newer image overtook.
	const controller = new AbortController();
	if (message.panel) {
		running.set(message.id, controller);
	}
	try {
		const { copy } = message.panel
			? !bytesNeedPanelCopy(message.bytes, message.panel.draft) ? {} : await copies.copy({ kind: 'panel', bytes: message.bytes, draft: message.panel.draft }, { keep: false, signal: controller.signal })
			: await copyFor({ kind: 'card', bytes: message.bytes, maxSide: message.maxSide });
		post({ type: 'cardCopied', id: message.id, bytes: copy && ownedBytes(copy.bytes), format: copy?.format });
	} catch (error) {
		post({ type: 'cardFailed', id: message.id, message: error instanceof Error ? error.message : String(error) });
	} finally {
		running.delete(message.id);
	}
}

async function copyForHistory(message: Extract<ToWorker, { type: 'historyCopy' }>): Promise<void> {
	try {
		const { copy, readBytes } = await copyFor({ kind: 'history', path: message.path, maxBytes: message.maxBytes });
		post({ type: 'historyCopied', id: message.id, readBytes: readBytes ?? 0, copy: copy && { ...copy, bytes: ownedBytes(copy.bytes) } });
	} catch (error) {
		post({ type: 'cardFailed', id: message.id, message: error instanceof Error ? error.message : String(error) });
	}
}

/**
 * A finished batch's output and error files, downloaded with the SDK (the client a run uses),
 * read line by line and each image written into the history folder, as `run` stores a final
 * image: the main thread gets one small message per request (`batchLine`) and the summary.
 */
async function readBatchOutput(message: Extract<ToWorker, { type: 'batchOutput' }>): Promise<void> {
	const { id, job } = message;
	const controller = new AbortController();
	running.set(id, controller);
	try {
		if (job.systemCertificates && !/^http:/i.test(job.client.options.baseURL ?? '')) {
			addSystemCertificates();
		}
		const { client } = await clientFor(job.client);
		const entries = new Map(job.entries.map(entry => [entry.customId, entry]));
		const summary = await readBatchFiles<HistoryEntry>({
			batchId: job.batchId,
			files: job.files,
			rules: { options: job.options, entry: customId => entries.get(customId), taken: new Set(job.done) },
			content: async fileId => {
				const response = await client.files.content(fileId, { signal: controller.signal });
				if (!response.body) {
					throw new Error('The Files API sent no content.');
				}
				return chunksOf(response.body as ReadableStream<Uint8Array>);
			},
			store: image => storeInto(job.folder, image.bytes, image.recipe, image.fallbackFormat),
			outcome: outcome => post({ type: 'batchLine', id, outcome }),
			warn: log.warn,
			signal: controller.signal,
		});
		post({ type: 'batchOutputDone', id, summary });
	} catch (error) {
		post({ type: 'batchOutputFailed', id, error: toWorkerError(controller.signal.aborted ? new CancelledError() : error) });
	} finally {
		running.delete(id);
	}
}

port.on('message', (message: ToWorker) => {
	switch (message.type) {
		case 'run':
			void run(message);
			break;
		case 'cancel':
			running.get(message.id)?.abort();
			break;
		case 'cardCopy':
			void copyForCard(message);
			break;
		case 'historyCopy':
			void copyForHistory(message);
			break;
		case 'batchOutput':
			void readBatchOutput(message);
			break;
		case 'warm':
			copies.warm();
			sdk ??= import('openai');
			sdk.catch(error => log.warn(`Loading the openai SDK in the image worker failed: ${error instanceof Error ? error.message : String(error)}`));
			break;
	}
});
