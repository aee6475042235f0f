import type { ErrorAction } from './apiErrors';
import type { BatchFile, BatchFilesSummary, DeliveryEntry, LineOutcome } from '../batchApi/batchDeliveryLines';
import type { BatchRecordOptions } from '../batchApi/batchRecord';
import type { ImageRecipe } from './imageRecipe';
import type { EditInputs } from './imageRequests';
import { CancelledError, IllustrateError } from '../errors';
import type { HistoryEntry } from '../history/historyEntries';
import type { CardCopyFormat } from '../images/cardCopy';
import type { OutputFormat } from '../models/capabilities';
import type { ImageRequestOptions } from '../models/validation';

/**
 * The messages between the extension host's main thread and the image worker
 * (src/providers/imageWorker.ts), which sends a batch's requests, reads their streams,
 * decodes the images, writes them into the history folder and makes card-size copies. The
 * main thread gets small messages and the pixels as transferred buffers, never copies.
 */

/** The client the worker builds: the `openai` SDK's constructor options, plain data (the fetch is the worker's own). */
export interface WorkerClientConfig {
	readonly kind: 'openai' | 'azure';
	readonly options: {
		/** Kept in memory only, never logged. */
		readonly apiKey: string;
		readonly maxRetries: number;
		readonly timeout: number;
		readonly baseURL?: string;
		readonly deployment?: string;
		readonly apiVersion?: string;
	};
}

/** A batch the worker runs: a generation or an edit, as `generateImages` and `editImages` (src/providers/openaiImages.ts) take them. */
export type WorkerBatch =
	| { readonly kind: 'generate'; readonly options: ImageRequestOptions }
	| { readonly kind: 'edit'; readonly request: EditInputs; readonly recipe: ImageRecipe };

/**
 * A finished Batch API job's files for the worker to download, read line by line, check and
 * store in the history folder (`readBatchFiles`, src/core/batchApi/batchDeliveryLines.ts): the
 * main thread gets one small message per request, never a byte of the files.
 */
export interface WorkerBatchOutput {
	readonly batchId: string;
	readonly client: WorkerClientConfig;
	readonly requestTimeoutMs: number;
	/** As for `run`: the worker's TLS trusts the system's certificates too. */
	readonly systemCertificates?: boolean;
	/** The history folder (a local path) the images go to. */
	readonly folder: string;
	readonly files: readonly BatchFile[];
	readonly options: BatchRecordOptions;
	/** The requests still without an outcome. */
	readonly entries: readonly DeliveryEntry[];
	/** The `custom_id`s with an outcome already (an interrupted delivery's): their lines are not read again. */
	readonly done: readonly string[];
}

/** An error as it crosses the thread boundary: the core's errors keep their class, actions and fatality. */
export interface WorkerError {
	readonly kind: 'illustrate' | 'cancelled' | 'other';
	readonly message: string;
	readonly actions?: readonly ErrorAction[];
	readonly batchFatal?: boolean;
}

/** Main thread → worker. */
export type ToWorker =
	/** `systemCertificates`: trust the system's certificates besides Node's, as VS Code's `http.systemCertificates` does on the main thread. */
	/** `pixels: false`: nothing shows the images as they arrive (a command's, an agent's batch), so no pixels and no card-size copies are sent. */
	| { readonly type: 'run'; readonly id: number; readonly client: WorkerClientConfig; readonly requestTimeoutMs: number; readonly batch: WorkerBatch; readonly folder: string; readonly systemCertificates?: boolean; readonly pixels?: boolean }
	| { readonly type: 'cancel'; readonly id: number }
	/** Load the SDK now (the panel opened): the first request then waits for nothing. */
	| { readonly type: 'warm' }
	/**
	 * A large PNG's card-size copy (at most `maxSide` pixels, a PNG); with `panel`, the Generate
	 * panel's copy as the worker makes it for its own batches (`panelCopy`: a JPEG when opaque, a
	 * partial's as a draft), for a batch that runs on the main thread; `cancel` with the same id gives it up.
	 */
	| { readonly type: 'cardCopy'; readonly id: number; readonly bytes: Uint8Array; readonly maxSide: number; readonly panel?: { readonly draft: boolean } }
	/**
	 * The history's copy of the image in this file (the original, or an older, larger copy),
	 * read by the worker: the main thread never holds the 17 MB file. Files over `maxBytes` are refused unread.
	 */
	| { readonly type: 'historyCopy'; readonly id: number; readonly path: string; readonly maxBytes: number }
	/** Read and store a finished batch's files; `cancel` with the same id stops it. */
	| { readonly type: 'batchOutput'; readonly id: number; readonly job: WorkerBatchOutput };

/** Worker → main thread. */
export type FromWorker =
	| { readonly type: 'start'; readonly id: number; readonly slot: number }
	/** `cardCopy`: the bytes are the image's card-size copy, made in the worker. */
	| { readonly type: 'pixels'; readonly id: number; readonly slot: number; readonly bytes: Uint8Array; readonly format: OutputFormat; readonly partialIndex?: number; readonly cardCopy?: boolean }
	/** A final image, its files written into the history folder. */
	| { readonly type: 'image'; readonly id: number; readonly slot: number; readonly entry: HistoryEntry }
	| { readonly type: 'slotFailed'; readonly id: number; readonly slot: number; readonly error: WorkerError }
	| { readonly type: 'retry'; readonly id: number; readonly slot: number; readonly seconds: number; readonly status: number | undefined }
	| { readonly type: 'log'; readonly level: 'info' | 'warn' | 'error'; readonly message: string }
	| { readonly type: 'done'; readonly id: number; readonly costUsd?: number; readonly errors: readonly WorkerError[] }
	/** The batch threw: `costUsd` and `errors` are what a cancelled batch had so far. */
	| { readonly type: 'failed'; readonly id: number; readonly error: WorkerError; readonly costUsd?: number; readonly errors?: readonly WorkerError[] }
	/** The card-size copy and its format, or no bytes when the image needs none (or the decoder does not take it, or it was given up). */
	| { readonly type: 'cardCopied'; readonly id: number; readonly bytes?: Uint8Array; readonly format?: CardCopyFormat }
	| { readonly type: 'cardFailed'; readonly id: number; readonly message: string }
	/**
	 * The history's copy of a file (no bytes when it needs none or the decoder does not take
	 * it); `readBytes`: the size of the file the worker read.
	 */
	| { readonly type: 'historyCopied'; readonly id: number; readonly readBytes: number; readonly copy?: { readonly bytes: Uint8Array; readonly format: CardCopyFormat; readonly width: number; readonly height: number } }
	/** One request of a batch's files: failed with its reason, or its image written into the history folder (the entry to adopt). */
	| { readonly type: 'batchLine'; readonly id: number; readonly outcome: LineOutcome<HistoryEntry> }
	/** Every line of the batch's files was read; what was skipped. */
	| { readonly type: 'batchOutputDone'; readonly id: number; readonly summary: BatchFilesSummary }
	/** Reading stopped (cancelled, a download or a write failed): the lines reported before stand. */
	| { readonly type: 'batchOutputFailed'; readonly id: number; readonly error: WorkerError };

/**
 * Bytes that own their whole buffer, so the buffer can be transferred: the same view when it
 * does, else a copy (a view into a larger or shared buffer would hand over, or detach, bytes
 * that are not the image's).
 */
export function ownedBytes(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
	const { buffer } = bytes;
	if (buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.byteLength === buffer.byteLength) {
		return bytes as Uint8Array<ArrayBuffer>;
	}
	return bytes.slice();
}

/** The buffers a message moves rather than copies: its pixels. Each must own its buffer (see `ownedBytes`). */
export function transferList(message: ToWorker | FromWorker): ArrayBuffer[] {
	const bytes = message.type === 'pixels' || message.type === 'cardCopy' || message.type === 'cardCopied' ? message.bytes
		: message.type === 'historyCopied' ? message.copy?.bytes : undefined;
	if (bytes) {
		const { buffer } = bytes;
		if (!(buffer instanceof ArrayBuffer) || bytes.byteOffset !== 0 || bytes.byteLength !== buffer.byteLength) {
			throw new RangeError(`A ${message.type} message's bytes must own their buffer to be transferred.`);
		}
		return [buffer];
	}
	return [];
}

/** An error for the other thread. */
export function toWorkerError(error: unknown): WorkerError {
	if (error instanceof CancelledError) {
		return { kind: 'cancelled', message: error.message };
	}
	if (error instanceof IllustrateError) {
		return { kind: 'illustrate', message: error.message, actions: [...error.actions], batchFatal: error.batchFatal };
	}
	return { kind: 'other', message: error instanceof Error ? error.message : String(error) };
}

/** The error again, of its class: an `IllustrateError` with its actions, a `CancelledError`, or an `Error`. */
export function fromWorkerError(error: WorkerError): Error {
	switch (error.kind) {
		case 'cancelled':
			return new CancelledError();
		case 'illustrate':
			return new IllustrateError(error.message, error.actions ?? [], error.batchFatal ?? false);
		default:
			return new Error(error.message);
	}
}
