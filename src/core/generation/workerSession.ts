import * as l10n from '@vscode/l10n';
import type { BatchLog, GenerationResult, VariantEvents } from './batchRunner';
import { fromWorkerError, transferList, type FromWorker, type ToWorker, type WorkerBatch, type WorkerBatchOutput, type WorkerClientConfig } from './workerProtocol';
import type { BatchFilesSummary, LineOutcome } from '../batchApi/batchDeliveryLines';
import { CancelledError, IllustrateError } from '../errors';
import type { HistoryEntry } from '../history/historyEntries';
import { CARD_IMAGE_MAX_SIDE, type CardCopyFormat, type HistoryCopy } from '../images/cardCopy';

/** A batch for the worker: who to ask, what, and the history folder (a local path) its images go to. */
export interface WorkerRun {
	readonly client: WorkerClientConfig;
	readonly requestTimeoutMs: number;
	readonly batch: WorkerBatch;
	readonly folder: string;
	/** `http.systemCertificates`: the worker's TLS trusts the system's certificates too, as the main thread's does. */
	readonly systemCertificates?: boolean;
}

/** Where messages to the worker go: a `worker_threads` Worker, or a test's. */
export interface WorkerPort {
	postMessage(message: ToWorker, transfer: ArrayBuffer[]): void;
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

const post = (port: WorkerPort, message: ToWorker) => port.postMessage(message, transferList(message));

/** Cancels the worker's job now if `signal` has aborted, else when it does (the caller removes `cancel` from it at the end). */
function cancelOnAbort(signal: AbortSignal, cancel: () => void): void {
	if (signal.aborted) {
		cancel();
	} else {
		signal.addEventListener('abort', cancel, { once: true });
	}
}

/**
 * The main thread's side of the image worker's conversation (src/providers/imageWorker.ts is
 * the other): sends batches and card copies, and routes what comes back to each batch's
 * events, its result or its error, as `runBatch` (src/core/generation/batchRunner.ts) would
 * report them. No thread of its own: src/providers/imageWorkerClient.ts starts the worker and
 * hands its messages here.
 */
export class WorkerSession {
	private nextId = 1;
	private readonly batches = new Map<number, PendingBatch>();
	private readonly cards = new Map<number, (copy: { readonly bytes: Uint8Array; readonly format: CardCopyFormat } | undefined) => void>();
	private readonly historyCopies = new Map<number, { readonly resolve: (copy: HistoryCopy | undefined) => void; readonly reject: (error: Error) => void }>();
	/** Batches sent to the worker: what the log and the tests count. */
	batchesRun = 0;

	constructor(private readonly log: BatchLog) { }

	/** The worker stopped: its batches fail, its card copies are none. */
	stopped(error: Error): void {
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
		for (const { reject } of this.historyCopies.values()) {
			reject(error);
		}
		this.historyCopies.clear();
	}

	/** A message from the worker. */
	receive(message: FromWorker): void {
		if (message.type === 'log') {
			this.log[message.level](message.message);
			return;
		}
		const historyCopy = message.type === 'historyCopied' || message.type === 'cardFailed' ? this.historyCopies.get(message.id) : undefined;
		if (historyCopy) {
			this.historyCopies.delete(message.id);
			if (message.type === 'historyCopied') {
				historyCopy.resolve(message.copy);
			} else if (message.type === 'cardFailed') {
				historyCopy.reject(new Error(message.message));
			}
			return;
		}
		if (message.type === 'cardCopied' || message.type === 'cardFailed') {
			const resolve = this.cards.get(message.id);
			this.cards.delete(message.id);
			if (message.type === 'cardFailed') {
				this.log.warn(`A card-size copy failed, the image goes as it is: ${message.message}`);
			}
			resolve?.(message.type === 'cardCopied' && message.bytes ? { bytes: message.bytes, format: message.format ?? 'png' } : undefined);
			return;
		}
		this.batches.get(message.id)?.receive(message);
	}

	/**
	 * Runs a batch in the worker `port` leads to. `adopt` takes each stored image (its files
	 * written by the worker) into the history and returns what `events.onImage` and the result
	 * hold. Resolves and rejects as `runBatch` does (src/core/generation/batchRunner.ts).
	 */
	async run<Stored>(port: WorkerPort, request: WorkerRun, signal: AbortSignal, events: VariantEvents<Stored>, adopt: (entry: HistoryEntry) => Stored): Promise<GenerationResult<Stored>> {
		const id = this.nextId++;
		this.batchesRun++;
		const slots: (Stored | undefined)[] = [];
		const collected = (costUsd: number | undefined, errors: readonly Error[]) => {
			const all = Array.from({ length: request.batch.kind === 'generate' ? request.batch.options.n : request.batch.request.n }, (_, slot) => slots[slot]);
			return { slots: all, images: all.filter((image): image is Stored => image !== undefined), costUsd, errors: errors.filter((error): error is IllustrateError => error instanceof IllustrateError) };
		};
		const cancel = () => post(port, { type: 'cancel', id });
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
				cancelOnAbort(signal, cancel);
				post(port, { type: 'run', id, ...request, pixels: events.onPixels !== undefined });
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
				events.onPixels?.(message.slot, { bytes: message.bytes, format: message.format, partialIndex: message.partialIndex, ...(message.cardCopy ? { cardCopy: true } : {}) });
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

	/**
	 * The card-size copy of a large PNG (over 2048×1024), made in the worker: its bytes are
	 * copied to the worker (the caller keeps its own), the copy comes back transferred.
	 * Undefined when the image needs no copy or the decoder does not take it: send it as it is.
	 */
	async cardCopy(port: WorkerPort, bytes: Uint8Array, maxSide = CARD_IMAGE_MAX_SIDE): Promise<Uint8Array | undefined> {
		return (await this.copy(port, bytes, maxSide))?.bytes;
	}

	/**
	 * The Generate panel's copy of an image, made in the worker as it makes it for its own
	 * batches (`panelCopy` in src/core/images/cardCopy.ts: a JPEG when opaque; `draft` for a
	 * partial's preview), for a batch that runs on the main thread (behind a proxy). The bytes
	 * are copied to the worker; `signal` gives the copy up (it then resolves undefined).
	 * Undefined when none is made or the worker stopped: the image goes as it is.
	 */
	panelCopy(port: WorkerPort, bytes: Uint8Array, draft: boolean, signal?: AbortSignal): Promise<{ readonly bytes: Uint8Array; readonly format: CardCopyFormat } | undefined> {
		return this.copy(port, bytes, CARD_IMAGE_MAX_SIDE, { draft }, signal);
	}

	private copy(port: WorkerPort, bytes: Uint8Array, maxSide: number, panel?: { readonly draft: boolean }, signal?: AbortSignal): Promise<{ readonly bytes: Uint8Array; readonly format: CardCopyFormat } | undefined> {
		if (signal?.aborted) {
			return Promise.resolve(undefined);
		}
		const id = this.nextId++;
		const cancel = () => post(port, { type: 'cancel', id });
		return new Promise(resolve => {
			this.cards.set(id, copy => {
				signal?.removeEventListener('abort', cancel);
				resolve(copy);
			});
			signal?.addEventListener('abort', cancel, { once: true });
			// Not transferred: the caller keeps its bytes.
			port.postMessage({ type: 'cardCopy', id, bytes, maxSide, ...(panel ? { panel } : {}) } satisfies ToWorker, []);
		});
	}

	/**
	 * The history's copy of the image file at `path` (see `historyCopy` in
	 * src/core/images/cardCopy.ts), read and made in the worker: only the copy (tens of KB)
	 * comes back, transferred. Undefined when the image needs none or the decoder does not
	 * take it; rejects when the file cannot be read, is over `maxBytes`, or the worker stopped.
	 */
	historyCopy(port: WorkerPort, path: string, maxBytes: number): Promise<HistoryCopy | undefined> {
		const id = this.nextId++;
		return new Promise((resolve, reject) => {
			this.historyCopies.set(id, { resolve, reject });
			post(port, { type: 'historyCopy', id, path, maxBytes });
		});
	}

	/**
	 * Has the worker `port` leads to download, read and store a finished batch's files
	 * (`WorkerBatchOutput`). Each request's outcome goes to `onLine` as its message arrives, an
	 * image taken into the history by `adopt` first; resolves with what was skipped. Rejects with
	 * a `CancelledError` when `signal` aborts, with the worker's error when reading or writing
	 * failed, and when the worker stops: the outcomes reported before stand either way.
	 */
	readBatchOutput<Stored>(port: WorkerPort, job: WorkerBatchOutput, signal: AbortSignal, onLine: (outcome: LineOutcome<Stored>) => void, adopt: (entry: HistoryEntry) => Stored): Promise<BatchFilesSummary> {
		const id = this.nextId++;
		const cancel = () => post(port, { type: 'cancel', id });
		return new Promise<BatchFilesSummary>((resolve, reject) => {
			const end = () => {
				this.batches.delete(id);
				signal.removeEventListener('abort', cancel);
			};
			this.batches.set(id, {
				fail: error => {
					end();
					reject(signal.aborted ? new CancelledError() : error);
				},
				receive: message => {
					try {
						if (message.type === 'batchLine') {
							const { outcome } = message;
							onLine(outcome.result === 'kept' ? { ...outcome, image: adopt(outcome.image) } : outcome);
						} else if (message.type === 'batchOutputDone') {
							end();
							resolve(message.summary);
						} else if (message.type === 'batchOutputFailed') {
							end();
							reject(fromWorkerError(message.error));
						}
					} catch (error) {
						// A handler threw: the worker stops reading, the delivery fails with that error.
						cancel();
						end();
						reject(error);
					}
				},
			});
			cancelOnAbort(signal, cancel);
			post(port, { type: 'batchOutput', id, job });
		});
	}
}
