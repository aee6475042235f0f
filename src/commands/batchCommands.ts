import * as vscode from 'vscode';
import { ENDED_STATUSES, entriesToRetry, outcomeCounts, type BatchRecord } from '../core/batchApi/batchRecord';
import { batchDescription } from '../core/batchApi/batchReport';
import { BATCH_VIEW_ID, batchLabel } from '../batch/batchView';
import type { BatchService } from '../batch/batchService';
import { ensureTrusted } from '../workspace/trust';
import type { Command } from './commandManager';

/** What `illustrate.showBatches` resolves to for each batch (for tasks and tests). */
export interface BatchSummary {
	readonly id: string;
	readonly status: BatchRecord['status'];
	readonly counts: BatchRecord['counts'];
	readonly delivered: boolean;
	readonly applied: number;
	readonly kept: number;
	readonly failed: number;
	readonly costUsd?: number;
	/** Per placeholder that did not get its image: its alt text and why. */
	readonly problems: readonly { readonly alt: string; readonly document: string; readonly reason: string }[];
}

export function summaryOf(record: BatchRecord): BatchSummary {
	return {
		id: record.id,
		status: record.status,
		counts: { ...record.counts },
		delivered: record.delivered,
		...outcomeCounts(record),
		...(record.costUsd !== undefined ? { costUsd: record.costUsd } : {}),
		problems: record.entries.flatMap(entry => {
			const outcome = record.outcomes[entry.customId];
			return outcome && outcome.result !== 'applied' && outcome.reason && outcome.reason !== 'pending' ? [{ alt: entry.alt, document: entry.document, reason: outcome.reason }] : [];
		}),
	};
}

/** The batch a command is about: its id (a string, or the view's node), else one the user picks. */
async function chosenBatch(service: BatchService, arg: unknown, fits: (record: BatchRecord) => boolean, title: string, none: string): Promise<BatchRecord | undefined> {
	const id = typeof arg === 'string' ? arg : typeof arg === 'object' && arg !== null && typeof (arg as { record?: { id?: unknown } }).record?.id === 'string' ? (arg as { record: { id: string } }).record.id : undefined;
	if (id) {
		const record = service.batch(id);
		if (!record) {
			throw new Error(vscode.l10n.t('Illustrate: no batch {0}.', id));
		}
		return record;
	}
	const candidates = service.batches.filter(fits);
	if (candidates.length === 0) {
		void vscode.window.showInformationMessage(none);
		return undefined;
	}
	if (candidates.length === 1) {
		return candidates[0];
	}
	const picked = await vscode.window.showQuickPick(candidates.map(record => ({ label: batchLabel(record), description: batchDescription(record), record })), { title });
	return picked?.record;
}

/**
 * **Illustrate: Show Batches**: asks about every running batch now and shows them (the view in
 * the Explorer); `{ reveal: false }` only refreshes. Resolves to a summary of every batch.
 */
export class ShowBatchesCommand implements Command {
	readonly id = 'illustrate.showBatches';

	constructor(private readonly service: BatchService) { }

	async execute(args?: unknown): Promise<BatchSummary[]> {
		const reveal = !(typeof args === 'object' && args !== null && (args as { reveal?: unknown }).reveal === false);
		if (reveal) {
			if (this.service.batches.length === 0) {
				void vscode.window.showInformationMessage(vscode.l10n.t('No batches yet. "Illustrate: Fill Missing Images in Workspace" sends placeholders as a batch at half price.'));
			} else {
				void vscode.commands.executeCommand(`${BATCH_VIEW_ID}.focus`).then(undefined, () => undefined);
			}
		}
		await this.service.refreshAll();
		return this.service.batches.map(summaryOf);
	}
}

/** **Illustrate: Cancel Batch**: what the batch completed before is still delivered. */
export class CancelBatchCommand implements Command {
	readonly id = 'illustrate.cancelBatch';

	constructor(private readonly service: BatchService) { }

	async execute(arg?: unknown): Promise<BatchSummary | undefined> {
		const record = await chosenBatch(this.service, arg, candidate => !ENDED_STATUSES.has(candidate.status) && candidate.status !== 'cancelling',
			vscode.l10n.t('Illustrate: cancel which batch?'), vscode.l10n.t('No batch is running.'));
		if (!record) {
			return undefined;
		}
		await this.service.cancel(record.id);
		return summaryOf(record);
	}
}

/** **Illustrate: Retry Failed**: sends a delivered batch's failed requests again, as a new batch. */
export class RetryFailedCommand implements Command {
	readonly id = 'illustrate.retryFailed';

	constructor(private readonly service: BatchService) { }

	async execute(arg?: unknown): Promise<{ batchId: string } | undefined> {
		if (!(await ensureTrusted(typeof arg === 'string'))) {
			return undefined;
		}
		const record = await chosenBatch(this.service, arg, candidate => candidate.delivered && entriesToRetry(candidate).length > 0,
			vscode.l10n.t('Illustrate: retry the failed images of which batch?'), vscode.l10n.t('No batch has failed images to send again.'));
		if (!record) {
			return undefined;
		}
		const result = await this.service.retryFailed(record.id);
		if (!result) {
			void vscode.window.showInformationMessage(vscode.l10n.t('That batch has no failed images to send again.'));
			return undefined;
		}
		void vscode.window.showInformationMessage(vscode.l10n.t('Illustrate: {0} image(s) sent again as a new batch.', result.count));
		return { batchId: result.batchId };
	}
}

/**
 * **Remove from List** (the Batches view's menu on a finished batch): forgets a delivered batch,
 * its record and mapping; its images stay in the history and the documents. A running batch is
 * refused: cancel it first. Resolves to the id removed.
 */
export class RemoveBatchCommand implements Command {
	readonly id = 'illustrate.removeBatch';

	constructor(private readonly service: BatchService) { }

	async execute(arg?: unknown): Promise<{ removed: string } | undefined> {
		const record = await chosenBatch(this.service, arg, candidate => candidate.delivered,
			vscode.l10n.t('Illustrate: remove which finished batch from the list?'), vscode.l10n.t('No batch is finished: a running batch is cancelled first, then removed once what it completed is delivered.'));
		if (!record) {
			return undefined;
		}
		if (!record.delivered) {
			// Only by id: the view offers Remove on finished batches alone.
			void vscode.window.showWarningMessage(ENDED_STATUSES.has(record.status)
				? vscode.l10n.t('That batch\'s images are still being saved to the history and inserted: remove it once that is done.')
				: vscode.l10n.t('That batch is still running: cancel it first, then remove it once what it completed is delivered.'));
			return undefined;
		}
		await this.service.remove(record.id);
		return { removed: record.id };
	}
}
