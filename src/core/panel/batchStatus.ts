import * as l10n from '@vscode/l10n';

/** The panel's status line while a batch waits to retry: a rate limit, or a server error. */
export function retryStatus(seconds: number, status: number | undefined): string {
	return status === 429
		? l10n.t('Rate limited by the API: trying again in {0} s…', seconds)
		: l10n.t('The API answered with a server error {0}: trying again in {1} s…', status ?? '', seconds);
}

/** How a finished batch ends in the panel: a status line, or the prefix of the first failure's message. */
export interface BatchOutcome {
	readonly status?: string;
	readonly errorPrefix?: string;
}

/** A batch of `total` variants of which `failed` failed. */
export function batchOutcome(failed: number, total: number): BatchOutcome {
	if (failed > 0) {
		return { errorPrefix: l10n.t('{0} of {1} failed:', failed, total) };
	}
	return { status: total === 1 ? l10n.t('Ready.') : l10n.t('Pick one and Insert.') };
}

/** The progress notification's message: how many variants are done. */
export function progressMessage(finished: number, total: number): string {
	return l10n.t('{0} of {1} done', finished, total);
}

/** The status while a generation runs. */
export function generatingStatus(n: number): string {
	return n === 1 ? l10n.t('Generating 1 variant…') : l10n.t('Generating {0} variants…', n);
}

/** The status while an edit runs. */
export function editingStatus(n: number): string {
	return n === 1 ? l10n.t('Editing…') : l10n.t('Editing: {0} variants…', n);
}
