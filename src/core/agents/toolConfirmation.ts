import * as l10n from '@vscode/l10n';
import { estimateCost, formatUsd } from '../cost/cost';
import { findModel, type OutputFormat } from '../models/capabilities';
import { fillPrice, type FillPriceSettings } from '../cost/fillPrices';
import type { GenerateImageInput } from './toolDefinitions';

/**
 * What an agent's call is asked with before anything is sent (VS Code shows it in chat with
 * Continue and Cancel, or as a dialog outside chat) and what the chat shows while it runs: the
 * model, size, quality, image count and estimated cost, what will be written where, and the
 * prompt; and the refusal when the estimate is above `illustrate.maxCostPerRequest`.
 */

/** What a tool call will send and write. */
export interface ToolQuote {
	readonly model: string;
	readonly size: string;
	readonly quality: string;
	readonly images: number;
	/** For all `images`; undefined when the model has no published price. */
	readonly estimateUsd: number | undefined;
	/** illustrate.maxCostPerRequest */
	readonly limitUsd: number | undefined;
	/** Of `images`, the SVGs and GIFs: not in `estimateUsd`, priced afterwards from their usage. */
	readonly wholeFile?: number;
}

/** Where the result goes, as the confirmation says it. */
export type ToolTarget =
	| { readonly kind: 'placeholder'; readonly document: string; readonly placeholder: string }
	| { readonly kind: 'document'; readonly document: string }
	| { readonly kind: 'path'; readonly path: string }
	| { readonly kind: 'beside'; readonly document: string }
	| { readonly kind: 'noDocument' }
	| { readonly kind: 'edit'; readonly source: string; readonly saveAs: string | undefined; readonly references: number }
	| { readonly kind: 'fill'; readonly document: string; readonly placeholders: number };

export interface ToolConfirmation {
	readonly title: string;
	readonly message: string;
	readonly invocationMessage: string;
}

/** Longest prompt shown in a confirmation; the rest is elided. */
const PROMPT_SHOWN = 300;

/** Whether the estimate is above the limit: such a call is refused, not sent. */
export function overLimit(quote: ToolQuote): boolean {
	return quote.limitUsd !== undefined && quote.estimateUsd !== undefined && quote.estimateUsd > quote.limitUsd + 1e-9;
}

/** The refusal of a call whose estimate is above `illustrate.maxCostPerRequest`, written for an agent to act on. */
export function overLimitMessage(quote: ToolQuote): string {
	return l10n.t('Not sent: the estimated cost {0} is above the limit of {1} per request (illustrate.maxCostPerRequest). Ask for a lower quality or a smaller size, or ask the user to raise the limit.', formatUsd(quote.estimateUsd ?? 0), formatUsd(quote.limitUsd ?? 0));
}

/** A request's quote: its estimate, when the model has a published price, against the limit. */
export function quoteOf(options: { readonly model: string; readonly size: string; readonly quality: string; readonly n: number }, limitUsd: number | undefined): ToolQuote {
	const model = findModel(options.model);
	return {
		model: options.model,
		size: options.size,
		quality: options.quality,
		images: options.n,
		estimateUsd: model ? estimateCost(model, options.quality, options.size, options.n) : undefined,
		limitUsd,
	};
}

/**
 * A fill's quote: the first `count` placeholders, each priced in its own format (a link to a
 * missing diagram.svg is filled as an SVG, priced afterwards from its usage, never as a PNG).
 * The budget has already chosen `count`, so no limit is left to refuse it.
 */
export function fillToolQuote(settings: FillPriceSettings, formats: readonly OutputFormat[], count: number): ToolQuote {
	const price = fillPrice(formats.slice(0, count), settings);
	return {
		model: settings.model,
		size: settings.size,
		quality: settings.quality,
		images: price.count,
		estimateUsd: price.nowUsd,
		limitUsd: undefined,
		...(price.wholeFile > 0 ? { wholeFile: price.wholeFile } : {}),
	};
}

/**
 * Where a generate goes, as its confirmation says it: a placeholder or a document, a path, or
 * beside `activeDocument` (the workspace-relative name of the active saved document, if any).
 */
export function generateTarget(input: Pick<GenerateImageInput, 'document' | 'placeholder' | 'path'>, activeDocument: string | undefined): ToolTarget {
	if (input.document !== undefined) {
		return input.placeholder !== undefined ? { kind: 'placeholder', document: input.document, placeholder: input.placeholder } : { kind: 'document', document: input.document };
	}
	return input.path !== undefined ? { kind: 'path', path: input.path } : activeDocument !== undefined ? { kind: 'beside', document: activeDocument } : { kind: 'noDocument' };
}

/** Whether a call asks first: above the limit, or in an untrusted workspace, it is refused before anything is sent, so there is nothing to confirm. */
export function asksFirst(quote: ToolQuote, trusted: boolean): boolean {
	return !overLimit(quote) && trusted;
}

/** One line: what is sent and what it costs. */
export function quoteLine(quote: ToolQuote): string {
	const what = l10n.t('{0} image(s) with {1}, {2}, {3} quality.', quote.images, quote.model, quote.size, quote.quality);
	const wholeFile = quote.wholeFile ?? 0;
	const cost = quote.estimateUsd !== undefined ? l10n.t('Estimated cost {0}.', formatUsd(quote.estimateUsd))
		// Only SVGs and GIFs: none of them has a price ahead, and the next line says why.
		: wholeFile >= quote.images ? undefined
			: l10n.t('{0} has no published price: the cost shows afterwards.', quote.model);
	const usage = wholeFile > 0 ? l10n.t('{0} SVG or GIF image(s) not in the estimate: what they cost is known only after the request, from its usage.', wholeFile) : undefined;
	const limit = overLimit(quote) ? l10n.t('Above your limit of {0} (illustrate.maxCostPerRequest): it will not be sent.', formatUsd(quote.limitUsd ?? 0)) : undefined;
	return [what, cost, usage, limit].filter(part => part !== undefined).join(' ');
}

function targetLine(target: ToolTarget): string {
	switch (target.kind) {
		case 'placeholder':
			return l10n.t('Fills the placeholder "{0}" in {1}.', target.placeholder, target.document);
		case 'document':
			return l10n.t('Saves the image where the project\'s image settings say and links it in {0}.', target.document);
		case 'path':
			return l10n.t('Saves the image as {0}.', target.path);
		case 'beside':
			return l10n.t('Saves the image beside {0}, where the project\'s image settings say; no document is changed.', target.document);
		case 'noDocument':
			return l10n.t('No document is open to save the image beside: the call will ask for a document or a path.');
		case 'edit':
			return target.saveAs === undefined
				? l10n.t('Saves the result beside {0} under a new name; the original is kept.', target.source)
				: l10n.t('Saves the result as {0}; an existing file is replaced only if you confirm.', target.saveAs);
		case 'fill':
			return l10n.t('Links each image in {0}.', target.document);
	}
}

function promptLine(prompt: string): string {
	const shown = prompt.length > PROMPT_SHOWN ? `${prompt.slice(0, PROMPT_SHOWN)}…` : prompt;
	return l10n.t('Prompt: {0}', shown.replace(/\s+/g, ' ').trim());
}

/** The confirmation of a call and its progress message. */
export function toolConfirmation(quote: ToolQuote, target: ToolTarget, prompt: string | undefined): ToolConfirmation {
	const lines = [quoteLine(quote), targetLine(target)];
	if (target.kind === 'edit' && target.references > 0) {
		lines.push(l10n.t('With {0} reference image(s).', target.references));
	}
	if (target.kind === 'fill' && target.placeholders > quote.images) {
		lines.push(l10n.t('Your limit covers {0} of the {1} placeholders: the others are left as they are.', quote.images, target.placeholders));
	}
	if (prompt !== undefined) {
		lines.push(promptLine(prompt));
	}
	const message = lines.join('\n\n');
	switch (target.kind) {
		case 'edit':
			return { title: l10n.t('Edit {0} with Illustrate?', target.source), message, invocationMessage: l10n.t('Editing {0}', target.source) };
		case 'fill':
			return { title: l10n.t('Fill {0} placeholder(s) in {1} with Illustrate?', quote.images, target.document), message, invocationMessage: l10n.t('Filling the placeholders of {0}', target.document) };
		case 'placeholder':
		case 'document':
		case 'beside':
			return { title: l10n.t('Generate an image with Illustrate?'), message, invocationMessage: l10n.t('Generating an image for {0}', target.document) };
		default:
			return { title: l10n.t('Generate an image with Illustrate?'), message, invocationMessage: l10n.t('Generating an image') };
	}
}
