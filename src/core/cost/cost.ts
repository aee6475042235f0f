import { isWholeFileFormat, type ModelCapabilities, type OutputFormat } from '../models/capabilities';
import { parseSize } from '../models/validation';

/** Token prices in USD per million tokens for GPT image models (image output, text input, image input). */
export const TOKEN_PRICES = { imageOutput: 30, textInput: 5, imageInput: 8 } as const;

export interface ImageUsage {
	readonly input_tokens?: number;
	readonly output_tokens?: number;
	readonly input_tokens_details?: { readonly text_tokens?: number; readonly image_tokens?: number };
}

/**
 * The estimated price of a request before it is sent, in USD: the table price of one
 * image at this quality and size, times `n`. Custom sizes are scaled by pixel count from
 * the nearest standard size; `auto` quality is priced as high and `auto` size as
 * 1024x1024, so the estimate errs high. Undefined when the model has no published price,
 * and for SVG and GIF: an SVG adds its author's tokens and a GIF its frames, neither priced ahead.
 */
export function estimateCost(model: ModelCapabilities, quality: string, size: string, n: number, format?: OutputFormat): number | undefined {
	const table = model.pricePerImage;
	if (!table || (format && isWholeFileFormat(format))) {
		return undefined;
	}
	const prices = table[(quality === 'auto' ? 'high' : quality) as keyof typeof table];
	if (!prices) {
		return undefined;
	}
	const key = size === 'auto' ? '1024x1024' : size;
	const exact = prices[key];
	if (exact !== undefined) {
		return exact * n;
	}
	const parsed = parseSize(size);
	if (!parsed) {
		return undefined;
	}
	const landscape = parsed.width > parsed.height;
	const portrait = parsed.height > parsed.width;
	const reference = landscape ? '1536x1024' : portrait ? '1024x1536' : '1024x1024';
	const referencePixels = reference === '1024x1024' ? 1024 * 1024 : 1536 * 1024;
	const base = prices[reference];
	return base === undefined ? undefined : (base * (parsed.width * parsed.height) / referencePixels) * n;
}

/** The actual price of a finished request from its `usage`, in USD. */
export function costFromUsage(usage: ImageUsage): number {
	const textIn = usage.input_tokens_details?.text_tokens ?? usage.input_tokens ?? 0;
	const imageIn = usage.input_tokens_details?.image_tokens ?? 0;
	const out = usage.output_tokens ?? 0;
	return (out * TOKEN_PRICES.imageOutput + textIn * TOKEN_PRICES.textInput + imageIn * TOKEN_PRICES.imageInput) / 1_000_000;
}

/**
 * USD per million tokens of the text models that author SVGs (`svg.model`), as OpenAI lists
 * them: input, and output (reasoning is billed as output). An author not listed here is not
 * priced: the cost shown is then the image's alone, and says so.
 */
export const SVG_AUTHOR_PRICES: Readonly<Record<string, { readonly input: number; readonly output: number }>> = {
	// OpenAI's launch price (July 2026).
	'gpt-5.6-terra': { input: 2.5, output: 15 },
};

/** What `svg_usage` says: the author model's tokens, apart from the image's. */
export interface SvgUsage {
	readonly model?: string;
	readonly input_tokens?: number;
	readonly output_tokens?: number;
	readonly reasoning_tokens?: number;
	readonly total_tokens?: number;
}

/**
 * The price of an SVG's authoring from `svg_usage`, in USD; undefined when its model has no
 * listed price. Output counts the reasoning tokens whether the reply counts them in
 * `output_tokens` or apart (then `total_tokens` has them).
 */
export function costFromSvgUsage(usage: SvgUsage): number | undefined {
	const prices = usage.model ? SVG_AUTHOR_PRICES[usage.model] ?? SVG_AUTHOR_PRICES[usage.model.replace(/-\d{4}-\d{2}-\d{2}$/, '')] : undefined;
	if (!prices) {
		return undefined;
	}
	const input = usage.input_tokens ?? 0;
	const output = Math.max(usage.output_tokens ?? 0, (usage.total_tokens ?? 0) - input, (usage.output_tokens ?? 0) + (usage.total_tokens === undefined ? usage.reasoning_tokens ?? 0 : 0));
	return (input * prices.input + output * prices.output) / 1_000_000;
}

/** `$0.106`, `$1.20`: three decimals under a dollar, two above. */
export function formatUsd(value: number): string {
	return value < 1 ? `$${value.toFixed(3)}` : `$${value.toFixed(2)}`;
}
