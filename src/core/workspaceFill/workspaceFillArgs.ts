import * as l10n from '@vscode/l10n';
import { fillPriceText, type FillPrice } from '../cost/fillPrices';

export type WorkspaceFillMode = 'now' | 'batch';

/** The optional argument of `illustrate.fillMissingImagesInWorkspace`, for tasks, agents and tests. */
export interface WorkspaceFillArgs {
	readonly mode?: WorkspaceFillMode;
	/** `false`: no picker, no question (the cost ceiling still applies). */
	readonly confirm?: boolean;
	/** A glob, relative to each workspace folder, the documents must match. */
	readonly include?: string;
	readonly reference?: 'none' | 'first';
	readonly style?: string;
	/** Stops the Now run in progress, as its notification's Cancel does. */
	readonly cancel?: boolean;
}

const KNOWN_KEYS = new Set(['mode', 'confirm', 'include', 'reference', 'style', 'cancel']);

/**
 * Checks the argument of `illustrate.fillMissingImagesInWorkspace`. Throws an `Error` saying
 * the argument's shape; returns `{}` for no argument or an editor-menu URI.
 */
export function parseWorkspaceFillArgs(value: unknown): WorkspaceFillArgs {
	if (value === undefined || value === null || (typeof value === 'object' && 'scheme' in value && 'path' in value)) {
		return {};
	}
	const record = value as Record<string, unknown>;
	if (typeof value !== 'object' || Array.isArray(value)
		|| Object.keys(record).some(key => !KNOWN_KEYS.has(key))
		|| (record.mode !== undefined && record.mode !== 'now' && record.mode !== 'batch')
		|| (record.confirm !== undefined && typeof record.confirm !== 'boolean')
		|| (record.include !== undefined && (typeof record.include !== 'string' || record.include.trim() === '' || record.include.length > 1000))
		|| (record.reference !== undefined && record.reference !== 'none' && record.reference !== 'first')
		|| (record.style !== undefined && typeof record.style !== 'string')
		|| (record.cancel !== undefined && typeof record.cancel !== 'boolean')) {
		throw new Error(l10n.t('Illustrate: the argument of illustrate.fillMissingImagesInWorkspace is {0}.', '{ mode?: "now" | "batch", confirm?: false, include?: "<glob>", reference?: "none" | "first", style?: string, cancel?: true }'));
	}
	return record as WorkspaceFillArgs;
}

/**
 * The two ways to fill, each with its estimate (every placeholder priced in its own format),
 * side by side in one picker. `batchPrice`: what the batch would take, when it cannot take all
 * (`leftToNow` SVG or GIF placeholders a batch with a reference image cannot make).
 */
export function fillModeChoices(count: number, price: FillPrice, batchPrice: FillPrice = price, leftToNow = 0): { readonly mode: WorkspaceFillMode; readonly label: string; readonly description: string; readonly detail: string }[] {
	const batchDetail = l10n.t('Inserted when OpenAI\'s Batch API is done, even after VS Code was closed');
	return [
		{ mode: 'now', label: l10n.t('Now'), description: fillPriceText(price, false), detail: l10n.t('{0} image(s) in parallel, inserted as they arrive; a stopped run resumes', count) },
		{
			mode: 'batch', label: l10n.t('Batch: half price, within 24 h'), description: fillPriceText(batchPrice, true),
			detail: leftToNow > 0 ? `${batchDetail}. ${l10n.t('{0} SVG/GIF placeholder(s) stay for Now: a batch with a reference image cannot make them.', leftToNow)}` : batchDetail,
		},
	];
}

/** The picker's title: how many placeholders in how many documents, and what they cost now and as a batch, each in its own format. */
export function pickerTitle(count: number, documents: number, price: FillPrice): string {
	if (price.nowUsd === undefined && price.wholeFile === 0) {
		return l10n.t('Illustrate: {0} placeholder(s) in {1} document(s)', count, documents);
	}
	if (price.nowUsd === undefined) {
		return l10n.t('Illustrate: {0} placeholder(s) in {1} document(s): {2}', count, documents, fillPriceText(price, false));
	}
	return l10n.t('Illustrate: {0} placeholder(s) in {1} document(s): {2} now, {3} as a batch', count, documents, fillPriceText(price, false), fillPriceText(price, true));
}
