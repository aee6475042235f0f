import * as l10n from '@vscode/l10n';
import { findModel, isWholeFileFormat, modelForFormat, type OutputFormat } from '../models/capabilities';
import { estimateCost, formatUsd } from './cost';
import { batchPrice } from './batchCost';

/** What every placeholder of a fill is asked with (the settings), but for its own format. */
export interface FillPriceSettings {
	readonly model: string;
	readonly quality: string;
	readonly size: string;
	/** `YYYY-MM-DD`: which model makes a format depends on the day (`modelForFormat`). */
	readonly today: string;
}

/**
 * One placeholder's synchronous estimate in its own format: a PNG, JPEG or WebP by the price
 * table of the model that makes it; an SVG or a GIF undefined, as `estimateCost` has it (an SVG
 * adds its author's tokens, a GIF its frames: known only from the usage afterwards).
 */
export function placeholderEstimate(format: OutputFormat, settings: FillPriceSettings): number | undefined {
	if (isWholeFileFormat(format)) {
		return undefined;
	}
	const model = findModel(modelForFormat(settings.model, format, settings.today));
	return model ? estimateCost(model, settings.quality, settings.size, 1, format) : undefined;
}

/** The price of a set of placeholders, each by its own format. */
export interface FillPrice {
	readonly count: number;
	/** The synchronous estimate of the priced ones; undefined when none is priced. */
	readonly nowUsd?: number;
	/** PNG, JPEG and WebP placeholders with an estimate. */
	readonly priced: number;
	/** SVG and GIF placeholders: priced afterwards, from their usage. */
	readonly wholeFile: number;
}

export function fillPrice(formats: readonly OutputFormat[], settings: FillPriceSettings): FillPrice {
	let nowUsd: number | undefined;
	let priced = 0;
	let wholeFile = 0;
	for (const format of formats) {
		if (isWholeFileFormat(format)) {
			wholeFile++;
			continue;
		}
		const each = placeholderEstimate(format, settings);
		if (each !== undefined) {
			nowUsd = (nowUsd ?? 0) + each;
			priced++;
		}
	}
	return { count: formats.length, ...(nowUsd !== undefined ? { nowUsd } : {}), priced, wholeFile };
}

/**
 * The price as a picker shows it, now (`factor` 1) or as a batch (0.5): `$0.400`, with the SVG
 * and GIF placeholders named apart (`$0.400 + 2 SVG/GIF from usage`); a note when nothing has a price.
 */
export function fillPriceText(price: FillPrice, batch: boolean): string {
	const usd = price.nowUsd !== undefined ? formatUsd(batch ? batchPrice(price.nowUsd) : price.nowUsd) : undefined;
	if (price.wholeFile === 0) {
		return usd ?? l10n.t('no published price');
	}
	return usd !== undefined
		? l10n.t('{0} + {1} SVG/GIF priced from usage', usd, price.wholeFile)
		: l10n.t('{0} SVG/GIF priced from usage', price.wholeFile);
}

/** Below a thousandth of a cent, as in fillBudget.ts. */
const TOLERANCE = 1e-9;

/**
 * How many of the placeholders, in order, fit `budget`: each priced one adds its estimate;
 * an SVG or a GIF (no estimate ahead) adds nothing and is capped by the budget afterwards.
 */
export function affordablePrefix(prices: readonly (number | undefined)[], budget: number | undefined): number {
	if (budget === undefined) {
		return prices.length;
	}
	let total = 0;
	for (const [index, price] of prices.entries()) {
		total += price ?? 0;
		if (total > budget + TOLERANCE) {
			return index;
		}
	}
	return prices.length;
}
