import { BATCH_STATUSES, type BatchStatus } from './batchRecord';

/** What Illustrate takes from the API's `Batch` object, checked (the network is hostile). */
export interface RemoteBatch {
	readonly id: string;
	readonly status: BatchStatus;
	readonly counts: { readonly total: number; readonly completed: number; readonly failed: number };
	readonly outputFileId?: string;
	readonly errorFileId?: string;
	/** The first of the batch's own errors (a refused input file), as a sentence. */
	readonly error?: string;
}

const ID = /^[A-Za-z0-9_.:-]{1,200}$/;

function count(value: unknown): number {
	return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= 10_000_000 ? value : 0;
}

/** The API's batch object, checked; throws for one without an id or a known status. */
export function readRemoteBatch(value: unknown): RemoteBatch {
	const batch = typeof value === 'object' && value !== null ? value as Record<string, unknown> : {};
	if (typeof batch.id !== 'string' || !ID.test(batch.id) || !BATCH_STATUSES.includes(batch.status as BatchStatus)) {
		throw new Error(`The Batch API answered with something that is not a batch (status ${JSON.stringify(batch.status)?.slice(0, 40)}).`);
	}
	const counts = typeof batch.request_counts === 'object' && batch.request_counts !== null ? batch.request_counts as Record<string, unknown> : {};
	const fileId = (id: unknown) => typeof id === 'string' && ID.test(id) ? id : undefined;
	const errors = typeof batch.errors === 'object' && batch.errors !== null ? (batch.errors as { data?: unknown }).data : undefined;
	const first = Array.isArray(errors) && typeof errors[0] === 'object' && errors[0] !== null ? errors[0] as Record<string, unknown> : undefined;
	const message = typeof first?.message === 'string' ? first.message.slice(0, 500) : undefined;
	const line = typeof first?.line === 'number' && Number.isInteger(first.line) ? first.line : undefined;
	const outputFileId = fileId(batch.output_file_id);
	const errorFileId = fileId(batch.error_file_id);
	return {
		id: batch.id,
		status: batch.status as BatchStatus,
		counts: { total: count(counts.total), completed: count(counts.completed), failed: count(counts.failed) },
		...(outputFileId ? { outputFileId } : {}),
		...(errorFileId ? { errorFileId } : {}),
		...(message ? { error: line !== undefined ? `${message} (line ${line})` : message } : {}),
	};
}
