import * as vscode from 'vscode';
import { buildBatchInput, type BatchImageOptions } from '../core/batchApi/batchInput';
import { nextPollDelay } from '../core/batchApi/batchPolling';
import { ENDED_STATUSES, entriesToRetry, parseBatchRecords, recordsToKeep, type BatchEntry, type BatchRecord } from '../core/batchApi/batchRecord';
import { deliveryMessage } from '../core/batchApi/batchReport';
import type { RemoteBatch } from '../core/batchApi/remoteBatch';
import { batchPrice } from '../core/cost/batchCost';
import { IllustrateError } from '../core/errors';
import { isWholeFileFormat, type OutputFormat } from '../core/models/capabilities';
import type { WorkspacePlaceholder } from '../core/workspaceFill/placeholderIdentity';
import { BATCH_RECORDS_KEY } from '../commandIds';
import type { ImageInserter } from '../workspace/imageInserter';
import type { BatchApi } from './batchApiClient';
import { applyPending, deliverBatch, type BatchHistory, type WorkerOutputReader } from './batchDelivery';

export { BATCH_RECORDS_KEY };

/** Where the records live: the workspace's state (a `vscode.Memento`), so they survive reloads and restarts. */
export interface BatchRecordStorage {
	get(key: string): unknown;
	update(key: string, value: unknown): Thenable<void>;
}

export interface BatchServiceOptions {
	readonly storage: BatchRecordStorage;
	/** The Batch API for a document (its settings pick the provider). */
	readonly api: (resource: vscode.Uri | undefined) => Promise<BatchApi>;
	readonly history: BatchHistory;
	readonly inserter: ImageInserter;
	readonly log: vscode.LogOutputChannel;
	/** The first wait between polls (the core's default unless given: tests poll sooner). */
	readonly firstPollMs?: number;
	/**
	 * The image worker's reading of a batch's files, for a document's settings (`ImageService.readBatchOutput`):
	 * without it, or where it resolves undefined, the files are read on this thread.
	 */
	readonly readInWorker?: (resource: vscode.Uri | undefined) => WorkerOutputReader;
	/** Told when a batch's results were applied (the notification; tests listen instead). */
	readonly onDelivered?: (record: BatchRecord) => void;
}

/**
 * What a workspace fill submits as a batch (G's `fillMissingImagesInWorkspace` in mode
 * "batch" calls `submit(items, request)`):
 * - `items`: the placeholders chosen, as `workspacePlaceholders` found them (prompt with the style);
 * - `request.options`: model, size, quality, output format for every request;
 * - `request.reference`: an image every request matches (sent as a JSON edit with its uploaded file id);
 * - `request.estimateEach`: the synchronous estimate of one image (the record keeps the batch price).
 * Resolves to `{ batchId }` (the first batch; `batchIds` when the limits split it) once
 * uploaded and created; the results arrive later, through polling.
 */
export interface BatchSubmitRequest {
	readonly options: BatchImageOptions;
	readonly reference?: { readonly bytes: Uint8Array; readonly name: string; readonly format: OutputFormat };
	/** A reference uploaded before (Retry Failed of a batch of edits): used as it is. */
	readonly referenceFileId?: string;
	readonly estimateEach?: number;
	readonly resource?: vscode.Uri;
}

interface PollState {
	timer?: ReturnType<typeof setTimeout>;
	unchanged: number;
	failures: number;
	busy?: Promise<void>;
}

/**
 * Submits, tracks and applies Batch API jobs: several at once, their records in workspace state
 * (validated on load), polled with backoff while a window is open, delivered once each.
 */
export class BatchService implements vscode.Disposable {
	private records: BatchRecord[];
	private readonly polls = new Map<string, PollState>();
	private readonly changed = new vscode.EventEmitter<void>();
	readonly onDidChange = this.changed.event;
	private disposed = false;
	/** Aborted at dispose: a delivery under way stops reading (what it stored is recorded; the next window reads on). */
	private readonly stopping = new AbortController();
	private writes: Promise<void> = Promise.resolve();
	/** The write waiting for the one under way, which later calls join. */
	private queued: Promise<void> | undefined;
	private readonly trust: vscode.Disposable;

	constructor(private readonly options: BatchServiceOptions) {
		const { records, dropped } = parseBatchRecords(options.storage.get(BATCH_RECORDS_KEY));
		this.records = recordsToKeep(records, Date.now());
		if (dropped > 0) {
			options.log.warn(`${dropped} stored batch record(s) were not valid and were dropped.`);
		}
		this.trust = vscode.workspace.onDidGrantWorkspaceTrust(() => void this.refreshAll());
	}

	dispose(): void {
		this.disposed = true;
		this.stopping.abort();
		this.trust.dispose();
		for (const poll of this.polls.values()) {
			clearTimeout(poll.timer);
		}
		this.polls.clear();
		this.changed.dispose();
	}

	/** The batches, newest first. */
	get batches(): readonly BatchRecord[] {
		return [...this.records].reverse();
	}

	batch(id: string): BatchRecord | undefined {
		return this.records.find(record => record.id === id);
	}

	/** Starts polling every batch that is still running or not yet delivered (at start-up, lazily). */
	start(): void {
		for (const record of this.records) {
			if (!record.delivered) {
				this.schedule(record, 0);
			}
		}
	}

	/**
	 * Stores the records: one write at a time, in order, each of the records as they are when it
	 * starts; every call while a write waits for the one under way joins it (a batch's outcomes
	 * arrive by the hundred: one write of the 50,000-entry records, not one per call). The records
	 * go uncopied: the storage serialises them (VS Code's Memento copies a value through JSON as
	 * `update` is called), so a later change is written by a later write, never half. A failed
	 * write is logged and rejects the calls that joined it; the next write is tried all the same.
	 */
	private persist(): Promise<void> {
		if (!this.queued) {
			const queued = this.writes.catch(() => undefined).then(() => {
				this.queued = undefined;
				return this.options.storage.update(BATCH_RECORDS_KEY, [...this.records]);
			});
			queued.catch(error => this.options.log.error(`Storing the batch records failed: ${error instanceof Error ? error.message : String(error)}`));
			this.queued = queued;
			this.writes = queued;
		}
		return this.queued;
	}

	/** Uploads the JSONL (and the reference image) and creates the batch(es); see `BatchSubmitRequest`. */
	async submit(items: readonly WorkspacePlaceholder[], request: BatchSubmitRequest): Promise<{ batchId: string; batchIds: string[] }> {
		if (items.length === 0) {
			throw new IllustrateError(vscode.l10n.t('There are no placeholders to send as a batch.'));
		}
		const api = await this.options.api(request.resource ?? (items[0] ? vscode.Uri.parse(items[0].document, true) : undefined));
		const referenceFileId = request.reference ? await api.uploadFile(request.reference.bytes, request.reference.name, 'vision') : request.referenceFileId;
		const plan = buildBatchInput(items, request.options, referenceFileId);
		const batchIds: string[] = [];
		for (const [index, file] of plan.files.entries()) {
			const inputFileId = await api.uploadFile(file.bytes, `illustrate-batch-${Date.now()}-${index + 1}.jsonl`, 'batch');
			const remote = await api.createBatch(inputFileId, plan.endpoint);
			const record: BatchRecord = {
				id: remote.id,
				endpoint: plan.endpoint,
				...(referenceFileId ? { referenceFileId } : {}),
				createdAt: new Date().toISOString(),
				options: { model: request.options.model, size: request.options.size, quality: request.options.quality, outputFormat: request.options.outputFormat },
				// SVG and GIF requests have no estimate ahead: the estimate is the other requests'.
				...(request.estimateEach !== undefined ? { estimateUsd: batchPrice(request.estimateEach * file.entries.filter(entry => !isWholeFileFormat(entry.outputFormat ?? request.options.outputFormat)).length) } : {}),
				entries: file.entries,
				status: remote.status,
				counts: { ...remote.counts, total: remote.counts.total || file.entries.length },
				outcomes: {},
				delivered: false,
			};
			this.records.push(record);
			await this.persist();
			this.options.log.info(`Batch ${remote.id} submitted: ${file.entries.length} request(s) to ${plan.endpoint}, ${file.bytes.length} bytes.`);
			batchIds.push(remote.id);
			this.changed.fire();
			this.schedule(record);
		}
		return { batchId: batchIds[0], batchIds };
	}

	private schedule(record: BatchRecord, delay?: number): void {
		if (this.disposed || record.delivered) {
			return;
		}
		const poll = this.polls.get(record.id) ?? { unchanged: 0, failures: 0 };
		this.polls.set(record.id, poll);
		clearTimeout(poll.timer);
		const wait = delay ?? nextPollDelay(record.status, poll.unchanged, poll.failures, this.options.firstPollMs);
		poll.timer = setTimeout(() => void this.refresh(record.id), wait);
	}

	/** Asks the API about a batch now (and delivers it when it ended); the next poll follows the backoff. */
	refresh(id: string): Promise<void> {
		const record = this.batch(id);
		if (!record || this.disposed) {
			return Promise.resolve();
		}
		const poll = this.polls.get(id) ?? { unchanged: 0, failures: 0 };
		this.polls.set(id, poll);
		poll.busy ??= this.pollOnce(record, poll).finally(() => {
			poll.busy = undefined;
			this.schedule(record);
		});
		return poll.busy;
	}

	/** Asks about every batch not yet delivered. */
	async refreshAll(): Promise<void> {
		await Promise.all(this.records.filter(record => !record.delivered).map(record => this.refresh(record.id)));
	}

	private async pollOnce(record: BatchRecord, poll: PollState): Promise<void> {
		try {
			const api = await this.options.api(this.resourceOf(record));
			if (!ENDED_STATUSES.has(record.status)) {
				this.update(record, await api.retrieve(record.id), poll);
			}
			poll.failures = 0;
			// Completed requests and no output file yet: asked again a few times before delivering what there is.
			const filesDue = record.counts.completed > 0 && !record.outputFileId && poll.unchanged < 5;
			// In Restricted Mode nothing is written: the results wait (on the server) until the workspace is trusted.
			if (ENDED_STATUSES.has(record.status) && !record.delivered && !this.disposed && !filesDue && vscode.workspace.isTrusted) {
				await this.deliver(record, api);
			}
		} catch (error) {
			poll.failures++;
			this.options.log.warn(`Batch ${record.id}: asking about it failed (${poll.failures} in a row): ${error instanceof Error ? error.message : String(error)}`);
		}
	}

	private update(record: BatchRecord, remote: RemoteBatch, poll: PollState): void {
		const before = `${record.status}/${record.counts.completed}/${record.counts.failed}`;
		record.status = remote.status;
		record.counts = { ...remote.counts, total: remote.counts.total || record.counts.total };
		record.outputFileId = remote.outputFileId ?? record.outputFileId;
		record.errorFileId = remote.errorFileId ?? record.errorFileId;
		if (remote.error) {
			record.error = remote.error;
		}
		const changed = before !== `${record.status}/${record.counts.completed}/${record.counts.failed}`;
		poll.unchanged = changed ? 0 : poll.unchanged + 1;
		if (changed) {
			this.options.log.info(`Batch ${record.id}: ${record.status}, ${record.counts.completed} completed and ${record.counts.failed} failed of ${record.counts.total}.`);
			void this.persist();
			this.changed.fire();
		}
	}

	private resourceOf(record: BatchRecord): vscode.Uri | undefined {
		try {
			return vscode.Uri.parse(record.entries[0].document, true);
		} catch {
			return undefined;
		}
	}

	private async deliver(record: BatchRecord, api: BatchApi): Promise<void> {
		const context = {
			api, history: this.options.history, inserter: this.options.inserter, log: this.options.log, persist: () => this.persist(),
			...(this.options.readInWorker ? { readInWorker: this.options.readInWorker(this.resourceOf(record)) } : {}),
			signal: this.stopping.signal,
		};
		if (record.status === 'failed' && !record.outputFileId && !record.errorFileId) {
			const reason = record.error ? vscode.l10n.t('the batch failed: {0}', record.error) : vscode.l10n.t('the batch failed');
			for (const entry of record.entries) {
				record.outcomes[entry.customId] ??= { customId: entry.customId, result: 'failed', reason };
			}
		} else {
			await deliverBatch(record, context);
		}
		// Requests an expired or cancelled batch never reached and no file mentions.
		for (const entry of record.entries) {
			record.outcomes[entry.customId] ??= { customId: entry.customId, result: 'failed', reason: vscode.l10n.t('the Batch API returned no result for it') };
		}
		await applyPending(record, context);
		record.delivered = true;
		this.polls.delete(record.id);
		await this.persist();
		this.changed.fire();
		this.options.log.info(`Batch ${record.id} delivered: ${deliveryMessage(record).message}`);
		this.options.onDelivered?.(record);
	}

	/** Cancels a running batch; what it completed is still delivered. */
	async cancel(id: string): Promise<void> {
		const record = this.batch(id);
		if (!record || ENDED_STATUSES.has(record.status) || record.status === 'cancelling') {
			return;
		}
		const api = await this.options.api(this.resourceOf(record));
		const poll = this.polls.get(id) ?? { unchanged: 0, failures: 0 };
		this.update(record, await api.cancel(id), poll);
		this.schedule(record);
	}

	/** Sends the failed requests of a delivered batch again, as a new batch with the same options. */
	async retryFailed(id: string): Promise<{ batchId: string; batchIds: string[]; count: number } | undefined> {
		const record = this.batch(id);
		const retry: BatchEntry[] = record ? entriesToRetry(record) : [];
		if (!record || retry.length === 0) {
			return undefined;
		}
		const items: WorkspacePlaceholder[] = retry.map(entry => ({
			document: entry.document,
			kind: documentKindOf(entry.document),
			identity: entry.identity,
			alt: entry.alt,
			prompt: entry.prompt,
			range: { start: 0, end: 0, line: 0 },
			...(entry.outputFormat ? { outputFormat: entry.outputFormat } : {}),
		}));
		const options: BatchImageOptions = { model: record.options.model, size: record.options.size, quality: record.options.quality, outputFormat: record.options.outputFormat };
		const result = await this.submit(items, { options, ...(record.referenceFileId ? { referenceFileId: record.referenceFileId } : {}) });
		// The old record's failures are now the new batch's to deliver: not retried twice.
		for (const entry of retry) {
			record.outcomes[entry.customId] = { ...record.outcomes[entry.customId], customId: entry.customId, result: 'failed', retriedIn: result.batchId };
		}
		await this.persist();
		this.changed.fire();
		return { ...result, count: retry.length };
	}

	/**
	 * Removes a finished batch from the list: its record and the mapping of its requests; its
	 * images stay in the history and the documents. A batch still running, or whose results are
	 * not yet all applied, is refused (Cancel it first): its images are not in the history yet.
	 */
	async remove(id: string): Promise<void> {
		const record = this.batch(id);
		if (!record) {
			return;
		}
		if (!record.delivered) {
			throw new IllustrateError(ENDED_STATUSES.has(record.status)
				? vscode.l10n.t('That batch\'s images are still being saved to the history and inserted: remove it once that is done.')
				: vscode.l10n.t('That batch is still running: cancel it first, then remove it once what it completed is delivered.'));
		}
		clearTimeout(this.polls.get(id)?.timer);
		this.polls.delete(id);
		this.records = this.records.filter(candidate => candidate.id !== id);
		await this.persist();
		this.changed.fire();
		this.options.log.info(`Batch ${id} removed from the list; its images stay in the history.`);
	}
}

/** The document kind for a retry, from the URI's extension (the record keeps the URI, not the kind). */
function documentKindOf(document: string): WorkspacePlaceholder['kind'] {
	const extension = document.slice(document.lastIndexOf('.') + 1).toLowerCase();
	return extension === 'mdx' ? 'mdx' : extension === 'rst' ? 'restructuredtext' : extension === 'adoc' || extension === 'asciidoc' ? 'asciidoc' : extension === 'html' || extension === 'htm' ? 'html' : 'markdown';
}
