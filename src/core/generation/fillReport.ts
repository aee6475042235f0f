import * as l10n from '@vscode/l10n';
import { formatUsd } from '../cost/cost';
import { affordableCount } from '../cost/fillBudget';
import { affordablePrefix, placeholderEstimate } from '../cost/fillPrices';
import { isWholeFileFormat, type OutputFormat } from '../models/capabilities';

/** A placeholder Fill Missing Images could not fill, and why (shown to the user, never logged: it names the alt text). */
export interface FillFailure {
	readonly alt: string;
	readonly reason: string;
}

export interface FillQuote {
	/** The document, as the user knows it (a workspace-relative path). */
	readonly document: string;
	/** Placeholders with alt text. */
	readonly placeholders: number;
	/** One image's estimated cost; undefined when the model has no published price. */
	readonly each: number | undefined;
	/** illustrate.maxCostPerRequest */
	readonly budget: number | undefined;
	readonly model: string;
	readonly quality: string;
	readonly size: string;
	/**
	 * Each placeholder's format, in order, when they are priced each by its own (a link to
	 * diagram.svg is no PNG): `each` is then ignored. With `today` (which model makes a format).
	 */
	readonly formats?: readonly OutputFormat[];
	readonly today?: string;
	/** The share of the synchronous price paid: 0.5 for a batch. */
	readonly factor?: number;
}

export type FillConfirmation =
	/** Not even one image fits the budget: nothing is sent. */
	| { readonly kind: 'overBudget'; readonly message: string }
	/** Ask (or, when scripted, go on) to fill the first `count` placeholders. */
	| { readonly kind: 'ask'; readonly count: number; readonly question: string; readonly detail: string };

/** How many placeholders to fill and what to ask first: the budget decides the count, the estimate is the detail. */
export function fillConfirmation(quote: FillQuote): FillConfirmation {
	if (quote.formats) {
		return confirmationByFormat(quote, quote.formats);
	}
	const { each, budget } = quote;
	const count = affordableCount(quote.placeholders, each, budget);
	if (count === 0) {
		return { kind: 'overBudget', message: l10n.t('One image is estimated at {0}, above your budget of {1} (illustrate.maxCostPerRequest). Nothing was sent.', formatUsd(each ?? 0), formatUsd(budget ?? 0)) };
	}
	const detail = each !== undefined
		? l10n.t('Estimated {0} ({1} × {2}, {3} quality, {4}).', formatUsd(each * count), count, formatUsd(each), quote.quality, quote.size)
		: l10n.t('{0} has no published price: the cost shows afterwards.', quote.model);
	const question = count < quote.placeholders
		? l10n.t('Your budget of {0} covers {1} of the {2} placeholders in {3}. Fill the first {1}?', formatUsd(budget ?? 0), count, quote.placeholders, quote.document)
		: l10n.t('Generate {0} image(s) for the placeholders in {1}?', count, quote.document);
	return { kind: 'ask', count, question, detail };
}

export interface FillOutcome {
	readonly document: string;
	readonly filled: number;
	/** Placeholders with alt text, filled or not. */
	readonly total: number;
	readonly failures: readonly FillFailure[];
	/** Left for later: cancelled, or beyond the budget. */
	readonly skipped: number;
	readonly spent: number | undefined;
}

export interface FillSummary {
	/** A warning when any placeholder failed, with a way to the log. */
	readonly level: 'info' | 'warning';
	readonly message: string;
	/** For the log: counts only, not the failures' reasons (they name the alt texts). */
	readonly logLine?: string;
}

/** What the user is told when a fill ends. */
export function fillSummary(outcome: FillOutcome): FillSummary {
	const cost = outcome.spent !== undefined ? ` (${formatUsd(outcome.spent)})` : '';
	const summary = l10n.t('Filled {0} of {1} image placeholder(s) in {2}{3}.', outcome.filled, outcome.total, outcome.document, cost);
	const left = outcome.skipped > 0 ? ' ' + l10n.t('{0} left for later: run the command again to fill them.', outcome.skipped) : '';
	if (outcome.failures.length === 0) {
		return { level: 'info', message: summary + left };
	}
	const notFilled = outcome.failures.map(failure => `“${failure.alt}”: ${failure.reason}`).join(' ');
	return {
		level: 'warning',
		message: `${summary} ${l10n.t('Not filled:')} ${notFilled}${left}`,
		logLine: `${summary} ${outcome.failures.length} not filled.`,
	};
}

/** `fillConfirmation` with each placeholder priced in its own format; an SVG or a GIF is priced afterwards, from its usage. */
function confirmationByFormat(quote: FillQuote, formats: readonly OutputFormat[]): FillConfirmation {
	const settings = { model: quote.model, quality: quote.quality, size: quote.size, today: quote.today ?? new Date().toISOString().slice(0, 10) };
	const prices = formats.map(format => {
		const estimate = placeholderEstimate(format, settings);
		return estimate === undefined ? undefined : estimate * (quote.factor ?? 1);
	});
	const budget = quote.budget;
	const count = affordablePrefix(prices, budget);
	if (count === 0) {
		return { kind: 'overBudget', message: l10n.t('One image is estimated at {0}, above your budget of {1} (illustrate.maxCostPerRequest). Nothing was sent.', formatUsd(prices[0] ?? 0), formatUsd(budget ?? 0)) };
	}
	const chosen = prices.slice(0, count);
	const priced = chosen.filter((price): price is number => price !== undefined);
	const wholeFile = formats.slice(0, count).filter(isWholeFileFormat).length;
	const unpricedRaster = count - priced.length - wholeFile;
	const total = priced.reduce((sum, price) => sum + price, 0);
	const parts = [
		priced.length > 0 ? l10n.t('Estimated {0} ({1} × {2}, {3} quality, {4}).', formatUsd(total), priced.length, formatUsd(total / priced.length), quote.quality, quote.size) : undefined,
		unpricedRaster > 0 ? l10n.t('{0} has no published price: the cost shows afterwards.', quote.model) : undefined,
		wholeFile > 0 ? l10n.t('{0} SVG or GIF image(s) not in the estimate: what they cost is known only after the request, from its usage.', wholeFile) : undefined,
	];
	const question = count < formats.length
		? l10n.t('Your budget of {0} covers {1} of the {2} placeholders in {3}. Fill the first {1}?', formatUsd(budget ?? 0), count, formats.length, quote.document)
		: l10n.t('Generate {0} image(s) for the placeholders in {1}?', count, quote.document);
	return { kind: 'ask', count, question, detail: parts.filter(Boolean).join(' ') };
}
