import { copyIdentity, isPlaceholderIdentity, type PlaceholderIdentity } from '../workspaceFill/placeholderIdentity';
import { OUTPUT_FORMATS, type OutputFormat } from '../models/capabilities';

/** A batch's state as the API reports it (`Batch.status`). */
export type BatchStatus = 'validating' | 'failed' | 'in_progress' | 'finalizing' | 'completed' | 'expired' | 'cancelling' | 'cancelled';

export const BATCH_STATUSES: readonly BatchStatus[] = ['validating', 'failed', 'in_progress', 'finalizing', 'completed', 'expired', 'cancelling', 'cancelled'];

/** The states after which the API changes nothing more. */
export const ENDED_STATUSES: ReadonlySet<BatchStatus> = new Set(['failed', 'completed', 'expired', 'cancelled']);

/** One request of a batch: the placeholder its `custom_id` stands for. */
export interface BatchEntry {
	readonly customId: string;
	/** The document's URI, as a string. */
	readonly document: string;
	readonly identity: PlaceholderIdentity;
	readonly alt: string;
	/** What was sent (the alt text with a style applied). */
	readonly prompt: string;
	/** A link to a missing file: the format it was requested in (the batch's own otherwise). */
	readonly outputFormat?: OutputFormat;
}

/** What became of one request. */
export interface EntryOutcome {
	readonly customId: string;
	/** `applied`: its image is in the document; `kept`: in the history only (its placeholder is gone, or the insert failed); `failed`: no image. */
	readonly result: 'applied' | 'kept' | 'failed';
	/** Why it failed, or why its image was only kept. */
	readonly reason?: string;
	/** The history image's id, when there is one. */
	readonly imageId?: string;
	/** The file it went to, for `applied`. */
	readonly file?: string;
	/** For `failed`: the batch Retry Failed sent it again in (not retried twice). */
	readonly retriedIn?: string;
}

/** The options every request of the batch was sent with. */
export interface BatchRecordOptions {
	readonly model: string;
	readonly size: string;
	readonly quality: string;
	readonly outputFormat: OutputFormat;
}

/** What Illustrate keeps of a batch it submitted, across reloads and restarts (in workspace state). */
export interface BatchRecord {
	readonly id: string;
	readonly endpoint: '/v1/images/generations' | '/v1/images/edits';
	/** The uploaded reference image every request of a batch of edits matches. */
	readonly referenceFileId?: string;
	/** When it was submitted, ISO 8601. */
	readonly createdAt: string;
	readonly options: BatchRecordOptions;
	/** The estimate at submission, at the batch price. */
	readonly estimateUsd?: number;
	readonly entries: readonly BatchEntry[];
	status: BatchStatus;
	counts: { total: number; completed: number; failed: number };
	outputFileId?: string;
	errorFileId?: string;
	/** The batch's own error (a refused input file), when it failed as a whole. */
	error?: string;
	/** Per `custom_id`, once its line was read: never applied twice, never lost. */
	outcomes: Record<string, EntryOutcome>;
	/** True once every line of the output and error files was read and applied. */
	delivered: boolean;
	/** The batch price of what was delivered, from the lines' usage. */
	costUsd?: number;
}

const MAX_ENTRIES = 50_000;
const MAX_TEXT = 32_000;
const ID = /^[A-Za-z0-9_.:-]{1,200}$/;

function text(value: unknown, max = MAX_TEXT): value is string {
	return typeof value === 'string' && value.length <= max;
}

function count(value: unknown): number {
	return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 10_000_000 ? value : 0;
}

function usd(value: unknown): number | undefined {
	return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value < 1_000_000 ? value : undefined;
}

function entryOf(value: unknown): BatchEntry | undefined {
	const record = value as Record<string, unknown> | null;
	if (typeof record !== 'object' || record === null) {
		return undefined;
	}
	const { customId, document, identity, alt, prompt, outputFormat } = record;
	if (!text(customId, 200) || !ID.test(customId) || !text(document, 4096) || document.length === 0 || !isPlaceholderIdentity(identity) || identity.document !== document || !text(alt) || !text(prompt) || prompt.length === 0
		|| (outputFormat !== undefined && !OUTPUT_FORMATS.includes(outputFormat as OutputFormat))) {
		return undefined;
	}
	return { customId, document, identity: copyIdentity(identity), alt, prompt, ...(outputFormat !== undefined ? { outputFormat: outputFormat as OutputFormat } : {}) };
}

function outcomeOf(customId: string, value: unknown): EntryOutcome | undefined {
	const record = value as Record<string, unknown> | null;
	if (typeof record !== 'object' || record === null || record.customId !== customId || !['applied', 'kept', 'failed'].includes(String(record.result))) {
		return undefined;
	}
	return {
		customId,
		result: record.result as EntryOutcome['result'],
		...(text(record.reason, 2000) ? { reason: record.reason } : {}),
		...(text(record.imageId, 200) && ID.test(record.imageId) ? { imageId: record.imageId } : {}),
		...(text(record.file, 4096) ? { file: record.file } : {}),
		...(text(record.retriedIn, 200) && ID.test(record.retriedIn) ? { retriedIn: record.retriedIn } : {}),
	};
}

/**
 * A batch record read back from storage, checked field by field (storage is as hostile as the
 * network: another version, a hand edit, a broken write); undefined when it is not one.
 * Outcomes for ids the record does not have are dropped.
 */
export function parseBatchRecord(value: unknown): BatchRecord | undefined {
	const record = value as Record<string, unknown> | null;
	if (typeof record !== 'object' || record === null || Array.isArray(record)) {
		return undefined;
	}
	const { id, endpoint, createdAt, options, entries, status } = record;
	if (!text(id, 200) || !ID.test(id) || (endpoint !== '/v1/images/generations' && endpoint !== '/v1/images/edits')
		|| !text(createdAt, 40) || Number.isNaN(Date.parse(createdAt)) || !BATCH_STATUSES.includes(status as BatchStatus)
		|| !Array.isArray(entries) || entries.length === 0 || entries.length > MAX_ENTRIES) {
		return undefined;
	}
	const opts = options as Record<string, unknown> | null;
	if (typeof opts !== 'object' || opts === null || !text(opts.model, 100) || !text(opts.size, 20) || !text(opts.quality, 20) || !OUTPUT_FORMATS.includes(opts.outputFormat as OutputFormat)) {
		return undefined;
	}
	const checked: BatchEntry[] = [];
	const ids = new Set<string>();
	for (const entry of entries) {
		const parsed = entryOf(entry);
		if (!parsed || ids.has(parsed.customId)) {
			return undefined;
		}
		ids.add(parsed.customId);
		checked.push(parsed);
	}
	const outcomes: Record<string, EntryOutcome> = {};
	const storedOutcomes = typeof record.outcomes === 'object' && record.outcomes !== null ? record.outcomes as Record<string, unknown> : {};
	for (const customId of ids) {
		const outcome = Object.prototype.hasOwnProperty.call(storedOutcomes, customId) ? outcomeOf(customId, storedOutcomes[customId]) : undefined;
		if (outcome) {
			outcomes[customId] = outcome;
		}
	}
	const counts = record.counts as Record<string, unknown> | null;
	const fileId = (value: unknown) => text(value, 200) && ID.test(value) ? value : undefined;
	const outputFileId = fileId(record.outputFileId);
	const errorFileId = fileId(record.errorFileId);
	const estimateUsd = usd(record.estimateUsd);
	const referenceFileId = fileId(record.referenceFileId);
	const costUsd = usd(record.costUsd);
	return {
		id, endpoint, createdAt,
		...(referenceFileId ? { referenceFileId } : {}),
		options: { model: opts.model as string, size: opts.size as string, quality: opts.quality as string, outputFormat: opts.outputFormat as OutputFormat },
		...(estimateUsd !== undefined ? { estimateUsd } : {}),
		entries: checked,
		status: status as BatchStatus,
		counts: { total: count(counts?.total), completed: count(counts?.completed), failed: count(counts?.failed) },
		...(outputFileId ? { outputFileId } : {}),
		...(errorFileId ? { errorFileId } : {}),
		...(text(record.error, 2000) ? { error: record.error } : {}),
		outcomes,
		delivered: record.delivered === true,
		...(costUsd !== undefined ? { costUsd } : {}),
	};
}

/** The records in storage: the valid ones, and how many were dropped. */
export function parseBatchRecords(value: unknown): { records: BatchRecord[]; dropped: number } {
	if (!Array.isArray(value)) {
		return { records: [], dropped: value === undefined ? 0 : 1 };
	}
	const records: BatchRecord[] = [];
	const ids = new Set<string>();
	let dropped = 0;
	for (const item of value.slice(0, 1000)) {
		const record = parseBatchRecord(item);
		if (record && !ids.has(record.id)) {
			ids.add(record.id);
			records.push(record);
		} else {
			dropped++;
		}
	}
	return { records, dropped: dropped + Math.max(0, value.length - 1000) };
}

/** The entries a Retry Failed sends again: those that failed, and those an ended batch never delivered. */
export function entriesToRetry(record: BatchRecord): BatchEntry[] {
	return record.entries.filter(entry => {
		const outcome = record.outcomes[entry.customId];
		return outcome ? outcome.result === 'failed' && !outcome.retriedIn : record.delivered;
	});
}

/** How many entries were applied, kept only, and failed. */
export function outcomeCounts(record: BatchRecord): { applied: number; kept: number; failed: number } {
	const counts = { applied: 0, kept: 0, failed: 0 };
	for (const outcome of Object.values(record.outcomes)) {
		counts[outcome.result]++;
	}
	return counts;
}

/** How long a delivered batch stays listed (and can have its failures retried): two weeks. */
export const KEEP_DELIVERED_MS = 14 * 24 * 3600 * 1000;

/** The records still listed at `now`: every batch not yet delivered, and those delivered in the last two weeks. */
export function recordsToKeep(records: readonly BatchRecord[], now: number): BatchRecord[] {
	return records.filter(record => !record.delivered || Date.parse(record.createdAt) >= now - KEEP_DELIVERED_MS);
}
