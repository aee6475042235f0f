import type { Worker } from 'node:worker_threads';
import type { BatchLog, GenerationResult, VariantEvents } from '../core/generation/batchRunner';
import type { FromWorker, WorkerBatchOutput } from '../core/generation/workerProtocol';
import type { BatchFilesSummary, LineOutcome } from '../core/batchApi/batchDeliveryLines';
import { WorkerSession, type WorkerPort, type WorkerRun } from '../core/generation/workerSession';
import type { HistoryEntry } from '../core/history/historyEntries';
import { HISTORY_COPY_SOURCE_MAX_BYTES, type CardCopyFormat, type HistoryCopy } from '../core/images/cardCopy';

export type { WorkerRun } from '../core/generation/workerSession';

/**
 * The image worker (src/providers/imageWorker.ts) as the main thread has it: a
 * `worker_threads` thread started at the first batch, card copy or `warm` (never at
 * activation), its messages handed to a `WorkerSession` (src/core/generation/workerSession.ts),
 * which routes them. Pixels arrive as transferred buffers. Node extension host only.
 */
export class ImageWorker {
	private worker: Worker | undefined;
	private readonly session: WorkerSession;

	/**
	 * @param script the worker's file (dist/imageWorker.js)
	 * @param l10nBundle the display language's strings, for the core's messages made in the worker
	 * @param copies where the worker's copy threads come from (dist/copyWorker.js beside `script`) and how many at most
	 */
	constructor(private readonly script: string, log: BatchLog, private readonly l10nBundle?: Record<string, string>, private readonly copies: { readonly copyScript?: string; readonly copyThreads?: number } = {}) {
		this.session = new WorkerSession(log);
	}

	/** Batches run in the worker: what the log and the tests count. */
	get batchesRun(): number {
		return this.session.batchesRun;
	}

	private async start(): Promise<WorkerPort> {
		if (!this.worker) {
			const threads = await import('node:worker_threads');
			// SHARE_ENV: the SDK reads OPENAI_BASE_URL and the like from the environment the extension host has now.
			const worker = new threads.Worker(this.script, { env: threads.SHARE_ENV, workerData: { l10n: this.l10nBundle, ...this.copies } });
			// The worker never keeps the extension host alive.
			worker.unref();
			worker.on('message', (message: FromWorker) => this.session.receive(message));
			worker.on('error', error => this.stopped(worker, error));
			worker.on('exit', code => this.stopped(worker, new Error(`The image worker exited with code ${code}.`)));
			this.worker = worker;
		}
		return this.worker;
	}

	private stopped(worker: Worker, error: Error): void {
		if (this.worker === worker) {
			this.worker = undefined;
			this.session.stopped(error);
		}
	}

	/** Runs a batch in the worker (see `WorkerSession.run`). */
	async run<Stored>(request: WorkerRun, signal: AbortSignal, events: VariantEvents<Stored>, adopt: (entry: HistoryEntry) => Stored): Promise<GenerationResult<Stored>> {
		return this.session.run(await this.start(), request, signal, events, adopt);
	}

	/** Starts the worker and has it load the SDK, ahead of the first request (when a panel opens). */
	async warm(): Promise<void> {
		(await this.start()).postMessage({ type: 'warm' }, []);
	}

	/**
	 * The card-size copy of a large PNG (over 2048×1024), made in the worker: its bytes are
	 * copied to the worker (the caller keeps its own), the copy comes back transferred.
	 * Undefined when the image needs no copy or the decoder does not take it: send it as it is.
	 */
	async cardCopy(bytes: Uint8Array): Promise<Uint8Array | undefined> {
		return this.session.cardCopy(await this.start(), bytes);
	}

	/** The Generate panel's copy of an image, as the worker makes it for its own batches (see `WorkerSession.panelCopy`). */
	async panelCopy(bytes: Uint8Array, draft: boolean, signal?: AbortSignal): Promise<{ readonly bytes: Uint8Array; readonly format: CardCopyFormat } | undefined> {
		return this.session.panelCopy(await this.start(), bytes, draft, signal);
	}

	/**
	 * The history's copy of the image file at `path` (a local path), read and made in the
	 * worker: the main thread gets only the copy. See `WorkerSession.historyCopy`.
	 */
	async historyCopy(path: string, maxBytes = HISTORY_COPY_SOURCE_MAX_BYTES): Promise<HistoryCopy | undefined> {
		return this.session.historyCopy(await this.start(), path, maxBytes);
	}

	/** Reads and stores a finished batch's files in the worker (see `WorkerSession.readBatchOutput`). */
	async readBatchOutput<Stored>(job: WorkerBatchOutput, signal: AbortSignal, onLine: (outcome: LineOutcome<Stored>) => void, adopt: (entry: HistoryEntry) => Stored): Promise<BatchFilesSummary> {
		return this.session.readBatchOutput(await this.start(), job, signal, onLine, adopt);
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
