import type { ModelCapabilities } from '../models/capabilities';
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
 * 1024x1024, so the estimate errs high. Undefined when the model has no published price.
 */
export function estimateCost(model: ModelCapabilities, quality: string, size: string, n: number): number | undefined {
	const table = model.pricePerImage;
	if (!table) {
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

/** `$0.106`, `$1.20`: three decimals under a dollar, two above. */
export function formatUsd(value: number): string {
	return value < 1 ? `$${value.toFixed(3)}` : `$${value.toFixed(2)}`;
}
