import * as l10n from '@vscode/l10n';
import { describeApiError, type ApiFailure } from '../generation/apiErrors';
import { formatUsd } from '../cost/cost';
import type { BatchRecord, BatchStatus } from './batchRecord';
import { outcomeCounts } from './batchRecord';

/**
 * Why one request of a batch failed, as a person can act on it: the API's reason through the
 * same messages as a request sent now, and the batch's own reasons (expired, cancelled) with
 * what to do (Retry Failed).
 */
export function lineFailureReason(failure: ApiFailure, model: string): string {
	if (failure.code === 'batch_expired') {
		return l10n.t('not made within the 24 hours of the batch: Retry Failed sends it again');
	}
	if (failure.code === 'batch_cancelled') {
		return l10n.t('not made: the batch was cancelled first. Retry Failed sends it again');
	}
	return describeApiError(failure, { model, endpoint: 'OpenAI\'s Batch API' }).message;
}

/** The label of a batch's state in the view. */
export function statusLabel(status: BatchStatus): string {
	switch (status) {
		case 'validating': return l10n.t('validating');
		case 'in_progress': return l10n.t('in progress');
		case 'finalizing': return l10n.t('finalizing');
		case 'completed': return l10n.t('completed');
		case 'failed': return l10n.t('failed');
		case 'expired': return l10n.t('expired');
		case 'cancelling': return l10n.t('cancelling');
		case 'cancelled': return l10n.t('cancelled');
	}
}

/** A batch's line in the view: state and counts, then what was applied. */
export function batchDescription(record: BatchRecord): string {
	const { applied, kept, failed } = outcomeCounts(record);
	const total = record.entries.length;
	const parts = [statusLabel(record.status)];
	if (record.delivered || applied + kept + failed > 0) {
		parts.push(l10n.t('{0} of {1} inserted', applied, total));
		if (kept > 0) {
			parts.push(l10n.t('{0} kept in the history', kept));
		}
		if (failed > 0) {
			parts.push(l10n.t('{0} failed', failed));
		}
	} else {
		parts.push(l10n.t('{0} of {1} done', record.counts.completed + record.counts.failed, total));
	}
	const cost = record.costUsd ?? record.estimateUsd;
	if (cost !== undefined) {
		parts.push(record.costUsd !== undefined ? formatUsd(cost) : l10n.t('about {0}', formatUsd(cost)));
	}
	return parts.join(' · ');
}

/** The message when a batch's results were applied. */
export function deliveryMessage(record: BatchRecord): { readonly level: 'info' | 'warning'; readonly message: string } {
	const { applied, kept, failed } = outcomeCounts(record);
	const base = l10n.t('Illustrate: batch of {0} image(s) {1}: {2} inserted.', record.entries.length, statusLabel(record.status), applied);
	if (kept === 0 && failed === 0) {
		return { level: 'info', message: base };
	}
	const more = [
		...(kept > 0 ? [l10n.t('{0} kept in Show Generated Images (their placeholders are gone or could not be written)', kept)] : []),
		...(failed > 0 ? [l10n.t('{0} failed (Retry Failed sends them again)', failed)] : []),
	];
	return { level: 'warning', message: `${base} ${more.join('; ')}.` };
}
