import * as l10n from '@vscode/l10n';
import type { ModelCapabilities, OutputFormat } from '../models/capabilities';
import { estimateCost, formatUsd } from './cost';

/** What the cost line under the form says. */
export interface CostEstimateText {
	readonly text: string;
	/** The estimate is above the user's limit: the line is a warning. */
	readonly overLimit: boolean;
}

/**
 * The cost line under the form: the estimate (with its per-image price for several images),
 * a warning when it is above the limit, and what the last request cost. Only the last cost
 * when the form is invalid or the model unknown; a note when the model has no published price.
 */
export function costEstimateText(input: {
	readonly model: ModelCapabilities | undefined;
	readonly quality: string;
	readonly size: string;
	readonly n: number;
	readonly outputFormat?: OutputFormat;
	readonly invalid: boolean;
	readonly limitUsd?: number;
	readonly lastCostUsd?: number;
}): CostEstimateText {
	const sentences = (...parts: (string | undefined)[]) => parts.filter(Boolean).join(' ');
	const lastCost = input.lastCostUsd !== undefined ? l10n.t('Last request: {0} (from usage).', formatUsd(input.lastCostUsd)) : undefined;
	const { model } = input;
	if (!model || input.invalid) {
		return { text: sentences(lastCost), overLimit: false };
	}
	if (input.outputFormat === 'svg') {
		return { text: sentences(l10n.t('An SVG costs its reference image plus its author\'s tokens: known only after the request, from its usage.'), lastCost), overLimit: false };
	}
	if (input.outputFormat === 'gif') {
		return { text: sentences(l10n.t('A GIF costs its frames: known only after the request, from its usage.'), lastCost), overLimit: false };
	}
	const estimate = estimateCost(model, input.quality, input.size, input.n);
	if (estimate === undefined) {
		return { text: sentences(l10n.t('No published price for {0}: the cost shows after the request, from its usage.', model.id), lastCost), overLimit: false };
	}
	const limit = input.limitUsd;
	const cost = input.n > 1
		? l10n.t('Estimated cost {0} ({1} × {2}).', formatUsd(estimate), input.n, formatUsd(estimate / input.n))
		: l10n.t('Estimated cost {0}.', formatUsd(estimate));
	const over = limit !== undefined && estimate > limit ? l10n.t('Above your limit of {0}: you will be asked before it is sent.', formatUsd(limit)) : undefined;
	return { text: sentences(cost, over, lastCost), overLimit: over !== undefined };
}
