import { bytesNeedCardCopy, historyCopy, panelCopy, type HistoryCopy, type JpegEncoder } from '../images/cardCopy';
import type { DeflateCodec } from '../images/pngFormat';
import { pngThumbnail } from '../images/pngThumbnail';
import { ownedBytes } from './workerProtocol';

/**
 * Card-size copies made on copy threads of the image worker's own (dist/copyWorker.js), so
 * that the thread which reads every stream never waits behind a copy and copies of different
 * images run on the machine's other cores. The image worker hands a thread the bytes (a copy
 * of its own when it still needs them), the thread sends back the copy. A thread that cannot
 * start or stops: its copies, and every one after, are made in the image worker.
 */

/** What to copy. */
export type CopyJob =
	/** The Generate panel's copy of a batch's image (`panelCopy`): a final's is the history's, a partial's a draft preview. */
	| { readonly kind: 'panel'; readonly bytes: Uint8Array; readonly draft: boolean }
	/** A large PNG's card-size copy (`cardCopy`), at most `maxSide` pixels: always a PNG. */
	| { readonly kind: 'card'; readonly bytes: Uint8Array; readonly maxSide: number }
	/** The history's copy (`historyCopy`) of the image file at `path`, read where it is made; larger than `maxBytes` is refused unread. */
	| { readonly kind: 'history'; readonly path: string; readonly maxBytes: number };

/** A copy made: none when the image needs none, the decoder does not take it, or it was abandoned. */
export interface CopyResult {
	readonly copy?: HistoryCopy;
	/** For a `history` job: the bytes of the file read. */
	readonly readBytes?: number;
}

/** The image worker → a copy thread. */
export type ToCopier =
	| { readonly type: 'copy'; readonly id: number; readonly job: CopyJob }
	/** The copy is not wanted any more (a partial a newer image overtook): given up at its next piece. */
	| { readonly type: 'abandon'; readonly id: number };

/** A copy thread → the image worker. */
export type FromCopier =
	| { readonly type: 'copied'; readonly id: number; readonly result: CopyResult }
	| { readonly type: 'copyFailed'; readonly id: number; readonly message: string };

/** The buffers a copy message moves: the job's bytes, the copy's bytes (each must own its buffer, see `ownedBytes`). */
export function copyTransferList(message: ToCopier | FromCopier): ArrayBuffer[] {
	const bytes = message.type === 'copy' ? (message.job.kind === 'history' ? undefined : message.job.bytes)
		: message.type === 'copied' ? message.result.copy?.bytes : undefined;
	if (!bytes) {
		return [];
	}
	const { buffer } = bytes;
	if (!(buffer instanceof ArrayBuffer) || bytes.byteOffset !== 0 || bytes.byteLength !== buffer.byteLength) {
		throw new RangeError(`A ${message.type} message's bytes must own their buffer to be transferred.`);
	}
	return [buffer];
}

/** The bytes in a buffer of their own (a Buffer's `slice` would be a view into the same memory). */
function copiedBytes(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
	const copy = new Uint8Array(bytes.length);
	copy.set(bytes);
	return copy;
}

/** What a copy is made with, wherever it is made (the image worker or a copy thread). */
export interface CopyMaker {
	readonly codec: DeflateCodec;
	readonly encodeJpeg?: JpegEncoder;
	/** A file's bytes; rejects for a file larger than `maxBytes`, unread. */
	readonly read: (path: string, maxBytes: number) => Promise<Uint8Array>;
}

/** Whether a job is a preview: a partial's draft, shown at once and soon replaced, made before any other copy on a copy thread. */
export function isPreview(job: CopyJob): boolean {
	return job.kind === 'panel' && job.draft;
}

/**
 * Makes a copy (see `CopyJob`); `abandoned`: asked while it is made, true gives it up;
 * `paused`: asked where the scaler yields, a promise to wait for (see `ThumbnailOptions`).
 */
export async function makeCopy(job: CopyJob, maker: CopyMaker, abandoned?: () => boolean, paused?: () => Promise<void> | undefined): Promise<CopyResult> {
	switch (job.kind) {
		case 'panel': {
			const copy = await panelCopy(job.bytes, maker.codec, maker.encodeJpeg, { draft: job.draft, abandoned, paused });
			return { copy: copy && { ...copy, bytes: ownedBytes(copy.bytes) } };
		}
		case 'card': {
			if (!bytesNeedCardCopy(job.bytes)) {
				return {};
			}
			const thumbnail = await pngThumbnail(job.bytes, job.maxSide, maker.codec, { abandoned, paused });
			return { copy: thumbnail && { bytes: ownedBytes(thumbnail.png), format: 'png', width: thumbnail.width, height: thumbnail.height } };
		}
		case 'history': {
			const bytes = await maker.read(job.path, job.maxBytes);
			const copy = await historyCopy(bytes, maker.codec, maker.encodeJpeg, undefined, { paused });
			return { readBytes: bytes.length, copy: copy && { ...copy, bytes: ownedBytes(copy.bytes) } };
		}
	}
}

/** A copy thread as the image worker has it. */
export interface CopyPort {
	postMessage(message: ToCopier, transfer: ArrayBuffer[]): void;
}

/** What a started thread tells its pool. */
export interface CopyThreadEvents {
	readonly message: (message: FromCopier) => void;
	/** The thread stopped or could not start: its copies are made again in the image worker. */
	readonly stopped: (error: Error) => void;
}

export interface CopyThreadsOptions {
	/** Threads started at most, each when every one before it has a copy to make. */
	readonly size: number;
	/** Starts a thread; throws when none can be started. */
	readonly start: (events: CopyThreadEvents) => CopyPort;
	/** Makes a copy in this thread: no copy thread runs (or it stopped). */
	readonly local: (job: CopyJob, abandoned: () => boolean) => Promise<CopyResult>;
	readonly warn: (message: string) => void;
}

/** How a copy is asked for. */
export interface CopyHow {
	/**
	 * The caller keeps the bytes (a final being written; the image shown as it is if no copy
	 * comes): the thread gets a copy of them, and a copy the stopped thread did not make is
	 * made here. Otherwise the bytes are moved to the thread and such a copy fails.
	 */
	readonly keep: boolean;
	/** Aborted when the copy is not wanted any more: the thread gives it up. */
	readonly signal?: AbortSignal;
}

/** A copy and where it was made. */
export interface CopyOutcome extends CopyResult {
	/** True when a copy thread made it, false when the image worker did. */
	readonly onThread: boolean;
}

interface Pending {
	readonly job: CopyJob;
	readonly how: CopyHow;
	readonly resolve: (outcome: CopyOutcome) => void;
	readonly reject: (error: Error) => void;
	readonly unlisten: () => void;
}

interface Thread {
	readonly port: CopyPort;
	readonly pending: Map<number, Pending>;
	stopped: boolean;
}

/**
 * The image worker's copy threads: each copy goes to the thread with the fewest copies to
 * make (a new thread is started, up to `size`, when every running one is busy), its answer
 * comes back to the copy's promise. Copies of a thread that stopped are made again here
 * (when the caller kept the bytes) and so is every copy after the last thread stopped.
 */
export class CopyThreads {
	private readonly threads: Thread[] = [];
	private started = 0;
	private nextId = 1;
	private disposed = false;

	constructor(private readonly options: CopyThreadsOptions) { }

	/** The copy threads running now. */
	get running(): number {
		return this.threads.filter(thread => !thread.stopped).length;
	}

	async copy(job: CopyJob, how: CopyHow): Promise<CopyOutcome> {
		const signal = how.signal;
		if (signal?.aborted) {
			return { onThread: false };
		}
		const thread = this.disposed ? undefined : this.pick();
		if (!thread) {
			return { ...await this.options.local(job, () => signal?.aborted ?? false), onThread: false };
		}
		const id = this.nextId++;
		// The thread gets bytes of its own: a copy when the caller keeps them, else the caller's (moved).
		const sent: CopyJob = job.kind === 'history' ? job : { ...job, bytes: how.keep ? copiedBytes(job.bytes) : ownedBytes(job.bytes) };
		return new Promise<CopyOutcome>((resolve, reject) => {
			const abandon = () => {
				if (thread.pending.has(id) && !thread.stopped) {
					thread.port.postMessage({ type: 'abandon', id }, []);
				}
			};
			signal?.addEventListener('abort', abandon, { once: true });
			thread.pending.set(id, { job, how, resolve, reject, unlisten: () => signal?.removeEventListener('abort', abandon) });
			try {
				const message: ToCopier = { type: 'copy', id, job: sent };
				thread.port.postMessage(message, copyTransferList(message));
			} catch (error) {
				this.stopped(thread, error instanceof Error ? error : new Error(String(error)));
			}
		});
	}

	/** Starts a thread ahead of the first copy (a panel opened) when none runs: the first preview then waits for no thread's start. */
	warm(): void {
		if (!this.disposed && this.running === 0 && this.started < this.options.size) {
			this.startThread();
		}
	}

	/** Stops using the threads (the caller terminates them): copies under way are made here or fail. */
	dispose(): void {
		this.disposed = true;
		for (const thread of [...this.threads]) {
			this.stopped(thread, new Error('The copy threads were stopped.'));
		}
	}

	private pick(): Thread | undefined {
		const running = this.threads.filter(thread => !thread.stopped);
		const idle = running.find(thread => thread.pending.size === 0);
		if (idle) {
			return idle;
		}
		if (this.started < this.options.size) {
			const started = this.startThread();
			if (started) {
				return started;
			}
		}
		return running.sort((a, b) => a.pending.size - b.pending.size)[0];
	}

	private startThread(): Thread | undefined {
		this.started++;
		const pending = new Map<number, Pending>();
		let thread: Thread | undefined;
		let early: Error | undefined;
		try {
			const port = this.options.start({
				message: message => this.receive(thread, message),
				stopped: error => {
					if (thread) {
						this.stopped(thread, error);
					} else {
						early = error;
					}
				},
			});
			thread = { port, pending, stopped: false };
		} catch (error) {
			this.options.warn(`A copy thread could not be started, so card-size copies are made in the image worker: ${error instanceof Error ? error.message : String(error)}`);
			return undefined;
		}
		if (early) {
			this.options.warn(`A copy thread stopped as it started, so card-size copies are made in the image worker: ${early.message}`);
			return undefined;
		}
		this.threads.push(thread);
		return thread;
	}

	private receive(thread: Thread | undefined, message: FromCopier): void {
		const pending = thread?.pending.get(message.id);
		if (!thread || !pending) {
			return;
		}
		thread.pending.delete(message.id);
		pending.unlisten();
		if (message.type === 'copied') {
			pending.resolve({ ...message.result, onThread: true });
		} else {
			pending.reject(new Error(message.message));
		}
	}

	private stopped(thread: Thread, error: Error): void {
		if (thread.stopped) {
			return;
		}
		thread.stopped = true;
		this.threads.splice(this.threads.indexOf(thread), 1);
		if (!this.disposed) {
			this.options.warn(`A copy thread stopped (${error.message}); its copies${this.threads.length === 0 ? ' and the ones after' : ''} are made in the image worker.`);
		}
		const left = [...thread.pending.values()];
		thread.pending.clear();
		for (const pending of left) {
			pending.unlisten();
			if (pending.how.keep || pending.job.kind === 'history') {
				const signal = pending.how.signal;
				this.options.local(pending.job, () => signal?.aborted ?? false).then(result => pending.resolve({ ...result, onThread: false }), pending.reject);
			} else {
				pending.reject(new Error(`The copy thread stopped before it made the copy: ${error.message}`));
			}
		}
	}
}
