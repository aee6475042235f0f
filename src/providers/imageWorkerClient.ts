import * as l10n from '@vscode/l10n';
import type { Worker } from 'node:worker_threads';
import type { BatchLog, GenerationResult, VariantEvents } from '../core/generation/batchRunner';
import { fromWorkerError, transferList, type FromWorker, type ToWorker, type WorkerBatch, type WorkerClientConfig } from '../core/generation/workerProtocol';
import { CancelledError, IllustrateError } from '../core/errors';
import type { HistoryEntry } from '../core/history/historyEntry';
import { CARD_IMAGE_MAX_SIDE } from '../core/images/cardCopy';

/** A batch for the worker: who to ask, what, and the history folder (a local path) its images go to. */
export interface WorkerRun {
	readonly client: WorkerClientConfig;
	readonly requestTimeoutMs: number;
	readonly batch: WorkerBatch;
	readonly folder: string;
	/** `http.systemCertificates`: the worker's TLS trusts the system's certificates too, as the main thread's does. */
	readonly systemCertificates?: boolean;
}

/** A batch in the worker, as the main thread follows it. */
interface RunningBatch<Stored> {
	readonly events: VariantEvents<Stored>;
	readonly slots: (Stored | undefined)[];
	readonly adopt: (entry: HistoryEntry) => Stored;
	readonly collected: (costUsd: number | undefined, errors: readonly Error[]) => GenerationResult<Stored>;
	readonly resolve: (result: GenerationResult<Stored>) => void;
	readonly reject: (error: unknown) => void;
}

interface PendingBatch {
	readonly receive: (message: FromWorker) => void;
	readonly fail: (error: Error) => void;
}

/**
 * The main thread's side of the image worker (src/providers/imageWorker.ts): starts it at the
 * first batch or card copy (never at activation), runs batches in it and routes their
 * messages to the batch's events. Pixels arrive as transferred buffers. Node extension host only.
 */
export class ImageWorker {
	private worker: Worker | undefined;
	private nextId = 1;
	private readonly batches = new Map<number, PendingBatch>();
	private readonly cards = new Map<number, (bytes: Uint8Array | undefined) => void>();
	/** Batches run in the worker since it was made: what the diagnostics and the tests read. */
	batchesRun = 0;

	/**
	 * @param script the worker's file (dist/imageWorker.js)
	 * @param l10nBundle the display language's strings, for the core's messages made in the worker
	 */
	constructor(private readonly script: string, private readonly log: BatchLog, private readonly l10nBundle?: Record<string, string>) { }

	private async start(): Promise<Worker> {
		if (!this.worker) {
			const threads = await import('node:worker_threads');
			// SHARE_ENV: the SDK reads OPENAI_BASE_URL and the like from the environment the extension host has now.
			const worker = new threads.Worker(this.script, { env: threads.SHARE_ENV, workerData: { l10n: this.l10nBundle } });
			// The worker never keeps the extension host alive.
			worker.unref();
			worker.on('message', (message: FromWorker) => this.receive(message));
			worker.on('error', error => this.stopped(worker, error));
			worker.on('exit', code => this.stopped(worker, new Error(`The image worker exited with code ${code}.`)));
			this.worker = worker;
		}
		return this.worker;
	}

	private post(worker: Worker, message: ToWorker): void {
		worker.postMessage(message, transferList(message));
	}

	private stopped(worker: Worker, error: Error): void {
		if (this.worker !== worker) {
			return;
		}
		this.worker = undefined;
		this.log.error(`The image worker stopped: ${error.message}`);
		// Images it stored before are in the history; what it was receiving may have been charged.
		const failure = new IllustrateError(l10n.t('The image worker stopped ({0}). Images that arrived before are in the history. Try again.', error.message), ['retry']);
		for (const batch of this.batches.values()) {
			batch.fail(failure);
		}
		this.batches.clear();
		for (const resolve of this.cards.values()) {
			resolve(undefined);
		}
		this.cards.clear();
	}

	private receive(message: FromWorker): void {
		if (message.type === 'log') {
			this.log[message.level](message.message);
			return;
		}
		if (message.type === 'cardCopied' || message.type === 'cardFailed') {
			const resolve = this.cards.get(message.id);
			this.cards.delete(message.id);
			if (message.type === 'cardFailed') {
				this.log.warn(`A card-size copy failed, the image goes as it is: ${message.message}`);
			}
			resolve?.(message.type === 'cardCopied' ? message.bytes : undefined);
			return;
		}
		this.batches.get(message.id)?.receive(message);
	}

	/**
	 * Runs a batch in the worker. `adopt` takes each stored image (its files written by the
	 * worker) into the history and returns what `events.onImage` and the result hold.
	 * Resolves and rejects as `runBatch` does (src/core/generation/batchRunner.ts).
	 */
	async run<Stored>(request: WorkerRun, signal: AbortSignal, events: VariantEvents<Stored>, adopt: (entry: HistoryEntry) => Stored): Promise<GenerationResult<Stored>> {
		const worker = await this.start();
		const id = this.nextId++;
		this.batchesRun++;
		const slots: (Stored | undefined)[] = [];
		const collected = (costUsd: number | undefined, errors: readonly Error[]) => {
			const all = Array.from({ length: request.batch.kind === 'generate' ? request.batch.options.n : request.batch.request.n }, (_, slot) => slots[slot]);
			return { slots: all, images: all.filter((image): image is Stored => image !== undefined), costUsd, errors: errors.filter((error): error is IllustrateError => error instanceof IllustrateError) };
		};
		const cancel = () => this.worker === worker && this.post(worker, { type: 'cancel', id });
		try {
			return await new Promise<GenerationResult<Stored>>((resolve, reject) => {
				this.batches.set(id, {
					fail: error => reject(signal.aborted ? Object.assign(new CancelledError(), { partial: collected(undefined, []) }) : error),
					receive: message => {
						try {
							this.route(message, { events, slots, adopt, collected, resolve, reject });
						} catch (error) {
							// A handler threw (as it would have out of runBatch): the batch stops with that error.
							cancel();
							reject(error);
						}
					},
				});
				if (signal.aborted) {
					cancel();
				} else {
					signal.addEventListener('abort', cancel, { once: true });
				}
				this.post(worker, { type: 'run', id, ...request });
			});
		} finally {
			this.batches.delete(id);
			signal.removeEventListener('abort', cancel);
		}
	}

	/** One message of a running batch, to its events, or its end. */
	private route<Stored>(message: FromWorker, batch: RunningBatch<Stored>): void {
		const { events, slots, adopt, collected, resolve, reject } = batch;
		switch (message.type) {
			case 'start':
				events.onStart?.(message.slot);
				break;
			case 'pixels':
				events.onPixels?.(message.slot, { bytes: message.bytes, format: message.format, partialIndex: message.partialIndex });
				break;
			case 'image': {
				const stored = adopt(message.entry);
				slots[message.slot] = stored;
				events.onImage(message.slot, stored);
				break;
			}
			case 'slotFailed':
				events.onSlotFailed?.(message.slot, fromWorkerError(message.error) as IllustrateError);
				break;
			case 'retry':
				events.onRetry?.(message.slot, message.seconds, message.status);
				break;
			case 'done':
				resolve(collected(message.costUsd, message.errors.map(fromWorkerError)));
				break;
			case 'failed': {
				const error = fromWorkerError(message.error);
				if (error instanceof CancelledError) {
					Object.assign(error, { partial: collected(message.costUsd, (message.errors ?? []).map(fromWorkerError)) });
				}
				reject(error);
				break;
			}
		}
	}

	/** Starts the worker and has it load the SDK, ahead of the first request (when a panel opens). */
	async warm(): Promise<void> {
		const worker = await this.start();
		this.post(worker, { type: 'warm' });
	}

	/**
	 * The card-size copy of a large PNG (over 2048×1024), made in the worker: its bytes are
	 * copied to the worker (the caller keeps its own), the copy comes back transferred.
	 * Undefined when the image needs no copy or the decoder does not take it: send it as it is.
	 */
	async cardCopy(bytes: Uint8Array, maxSide = CARD_IMAGE_MAX_SIDE): Promise<Uint8Array | undefined> {
		const worker = await this.start();
		const id = this.nextId++;
		return new Promise(resolve => {
			this.cards.set(id, resolve);
			worker.postMessage({ type: 'cardCopy', id, bytes, maxSide } satisfies ToWorker);
		});
	}

	/** Stops the worker; batches still running fail. */
	async dispose(): Promise<void> {
		const worker = this.worker;
		if (worker) {
			this.stopped(worker, new Error('The image worker was stopped.'));
			await worker.terminate();
		}
	}
}
