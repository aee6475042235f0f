/**
 * What each image model accepts, as data: the pickers, the validation and the cost
 * estimate all read this table. Facts from the `openai` SDK's `resources/images.d.ts`
 * (7.60) and OpenAI's model pages; update here when models change.
 * test/unit/sdkModels.test.ts fails when the SDK names a model or a format this table lacks.
 */

export type Quality = 'auto' | 'low' | 'medium' | 'high' | 'xhigh' | 'max';
/** The formats an image is made of pixels in: what the edits endpoint takes as input, too. */
export type RasterFormat = 'png' | 'jpeg' | 'webp';
/** Every `output_format` the API takes: SVG (a vector drawing) and GIF (an animation) besides the raster ones. */
export type OutputFormat = RasterFormat | 'svg' | 'gif';
export type Background = 'auto' | 'opaque' | 'transparent';
/** `moderation`: `low` filters less; `auto` is the API's default. */
export type Moderation = 'auto' | 'low';
/** The SVG author's reasoning effort, as `svg.reasoning.effort` takes it (which ones depend on the author model). */
export type SvgEffort = 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh' | 'max';

export const OUTPUT_FORMATS: readonly OutputFormat[] = ['png', 'jpeg', 'webp', 'svg', 'gif'];
export const SVG_EFFORTS: readonly SvgEffort[] = ['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max'];

/** Whether a format is made one image per request with no streaming (no partial images, no compression). */
export function isWholeFileFormat(format: OutputFormat): format is 'svg' | 'gif' {
	return format === 'svg' || format === 'gif';
}

/**
 * The limits of GIF output, from the SDK: 2–16 frames (9 when omitted), a delay per frame
 * rounded to 10 ms (200 when omitted) of at most 655,350 ms, and a size that meets "the
 * model's GIF size limits". OpenAI does not publish those numbers; measured (Nov 2026), all
 * frames share the one-image pixel budget by tiers of frame count: with up to 9 frames a frame
 * may have a ninth of 8,294,400 pixels (960×960), up to 12 a twelfth (816×816), up to 16 a
 * sixteenth (720×720), and the frames together at least 655,360.
 */
export interface GifRules {
	readonly minFrames: number;
	readonly maxFrames: number;
	readonly defaultFrames: number;
	readonly defaultFrameDurationMs: number;
	readonly frameDurationStepMs: number;
	readonly maxFrameDurationMs: number;
	/** Pixels all frames may have together, counted as if there were `frameTiers`' tier of them. */
	readonly pixelBudget: number;
	readonly minTotalPixels: number;
	/** The frame counts a size is budgeted for: a count is rounded up to the next tier. */
	readonly frameTiers: readonly number[];
	/** The sizes the size picker offers for a GIF (each fits every frame count). */
	readonly sizePresets: readonly string[];
}

export const GIF_RULES: GifRules = {
	minFrames: 2,
	maxFrames: 16,
	defaultFrames: 9,
	defaultFrameDurationMs: 200,
	frameDurationStepMs: 10,
	maxFrameDurationMs: 655_350,
	pixelBudget: 8_294_400,
	minTotalPixels: 655_360,
	frameTiers: [9, 12, 16],
	sizePresets: ['512x512', '720x720', '768x512', '512x768'],
};

export const STANDARD_SIZES = ['1024x1024', '1536x1024', '1024x1536'] as const;

export interface CustomSizeRules {
	readonly multipleOf: number;
	readonly maxAspectRatio: number;
	readonly maxEdge: number;
	readonly minPixels: number;
	readonly maxPixels: number;
	/** Sizes with more pixels than this are accepted but marked experimental. */
	readonly experimentalAbovePixels: number;
}

export interface ModelCapabilities {
	readonly id: string;
	/** Other names the API accepts for the same model, such as dated snapshots. */
	readonly aliases?: readonly string[];
	readonly label: string;
	/** `deprecated` models work until `shutdownDate`; `retired` ones are refused. */
	readonly status: 'current' | 'deprecated' | 'retired';
	readonly shutdownDate?: string;
	readonly replacement?: string;
	readonly qualities: readonly Quality[];
	readonly sizePresets: readonly string[];
	readonly autoSize: boolean;
	readonly customSizes?: CustomSizeRules;
	readonly maxVariants: number;
	readonly maxPromptLength: number;
	readonly outputFormats: readonly OutputFormat[];
	/** Formats the API marks as a preview for this model: they need the key's access to it. */
	readonly previewFormats?: readonly OutputFormat[];
	/** The limits of GIF output, for a model that makes GIFs. */
	readonly gif?: GifRules;
	/** `preview`: accepted, but the API marks it as a preview feature for this model. */
	readonly transparentBackground: boolean | 'preview';
	readonly maxPartialImages: number;
	readonly maxInputImages: number;
	readonly inputFidelity: readonly ('low' | 'high')[];
	readonly markupEdits: boolean;
	/** Takes `complexity` (low/medium/high): how much the model plans the image before rendering. */
	readonly complexity: boolean;
	/** USD per image by quality and size, output only; absent when OpenAI publishes none. */
	readonly pricePerImage?: Readonly<Partial<Record<Quality, Readonly<Record<string, number>>>>>;
}

const GPT_IMAGE_2_SIZES: CustomSizeRules = {
	multipleOf: 16,
	maxAspectRatio: 3,
	maxEdge: 3840,
	minPixels: 655_360,
	maxPixels: 8_294_400,
	experimentalAbovePixels: 2560 * 1440,
};

const GPT_IMAGE_COMMON = {
	sizePresets: STANDARD_SIZES,
	autoSize: true,
	maxVariants: 10,
	maxPromptLength: 32_000,
	outputFormats: ['png', 'jpeg', 'webp'],
	maxPartialImages: 3,
	maxInputImages: 16,
} as const;

const LEGACY_GPT_IMAGE = {
	...GPT_IMAGE_COMMON,
	status: 'deprecated',
	shutdownDate: '2026-12-01',
	replacement: 'gpt-image-2',
	qualities: ['auto', 'low', 'medium', 'high'],
	transparentBackground: true,
	markupEdits: false,
	complexity: false,
} as const;

export const MODELS: readonly ModelCapabilities[] = [
	{
		...GPT_IMAGE_COMMON,
		id: 'gpt-image-2',
		aliases: ['gpt-image-2-2026-04-21'],
		label: 'GPT Image 2',
		status: 'current',
		qualities: ['auto', 'low', 'medium', 'high'],
		customSizes: GPT_IMAGE_2_SIZES,
		transparentBackground: 'preview',
		inputFidelity: [],
		markupEdits: false,
		complexity: false,
		pricePerImage: {
			low: { '1024x1024': 0.006, '1536x1024': 0.005, '1024x1536': 0.005 },
			medium: { '1024x1024': 0.053, '1536x1024': 0.041, '1024x1536': 0.041 },
			high: { '1024x1024': 0.211, '1536x1024': 0.165, '1024x1536': 0.165 },
		},
	},
	...(['sunburst', 'flare'] as const).map((variant): ModelCapabilities => ({
		...GPT_IMAGE_COMMON,
		id: `gpt-image-2.5-${variant}`,
		aliases: [`gpt-image-2.5-${variant}-2026-09-08`],
		label: `GPT Image 2.5 ${variant[0].toUpperCase()}${variant.slice(1)}`,
		status: 'current',
		qualities: ['auto', 'low', 'medium', 'high', 'xhigh', 'max'],
		customSizes: GPT_IMAGE_2_SIZES,
		transparentBackground: true,
		inputFidelity: [],
		markupEdits: true,
		complexity: false,
	})),
	// The SDK lists the 2.6 models for generation and edits, but names them in neither the
	// custom-size nor the xhigh/max documentation: standard sizes and qualities until it does.
	// `complexity` arrived in the SDK (7.51) with them; older models are not documented to take it.
	// SVG and GIF output (SDK 7.57): the SDK names no model for them ("a supported image model
	// and project access"); OpenAI's image pages and every relay list them for the 2.6 models
	// only. GIF "requires access to the GIF preview".
	...(['sunburst', 'flare'] as const).map((variant): ModelCapabilities => ({
		...GPT_IMAGE_COMMON,
		outputFormats: ['png', 'jpeg', 'webp', 'svg', 'gif'],
		previewFormats: ['gif'],
		gif: GIF_RULES,
		id: `gpt-image-2.6-${variant}`,
		label: `GPT Image 2.6 ${variant[0].toUpperCase()}${variant.slice(1)}`,
		status: 'current',
		qualities: ['auto', 'low', 'medium', 'high'],
		transparentBackground: true,
		inputFidelity: [],
		markupEdits: false,
		complexity: true,
	})),
	{ ...LEGACY_GPT_IMAGE, id: 'gpt-image-1.5', label: 'GPT Image 1.5', inputFidelity: ['low', 'high'] },
	{ ...LEGACY_GPT_IMAGE, id: 'gpt-image-1-mini', label: 'GPT Image 1 Mini', inputFidelity: ['low'] },
	{ ...LEGACY_GPT_IMAGE, id: 'chatgpt-image-latest', label: 'ChatGPT Image (latest)', inputFidelity: [] },
	...[
		{ id: 'gpt-image-1', label: 'GPT Image 1', shutdownDate: '2026-10-23', replacement: 'gpt-image-2.5-sunburst or gpt-image-2.5-flare' },
		{ id: 'dall-e-3', label: 'DALL·E 3', shutdownDate: '2026-05-12', replacement: 'gpt-image-2' },
		{ id: 'dall-e-2', label: 'DALL·E 2', shutdownDate: '2026-05-12', replacement: 'gpt-image-2' },
	].map((retired): ModelCapabilities => ({
		...GPT_IMAGE_COMMON,
		...retired,
		status: 'retired',
		qualities: [],
		sizePresets: [],
		autoSize: false,
		transparentBackground: false,
		inputFidelity: [],
		markupEdits: false,
		complexity: false,
	})),
];

export const DEFAULT_MODEL = 'gpt-image-2';

/** The table entry for a model name or one of its snapshot aliases. */
export function findModel(id: string): ModelCapabilities | undefined {
	return MODELS.find(model => model.id === id || model.aliases?.includes(id));
}

/**
 * Rules for a model the table does not know, used with OpenAI-compatible endpoints:
 * anything plausible is allowed and the endpoint has the last word.
 */
export function permissiveCapabilities(id: string): ModelCapabilities {
	return {
		...GPT_IMAGE_COMMON,
		outputFormats: OUTPUT_FORMATS,
		gif: GIF_RULES,
		id,
		label: id,
		status: 'current',
		qualities: ['auto', 'low', 'medium', 'high', 'xhigh', 'max'],
		customSizes: { multipleOf: 1, maxAspectRatio: Infinity, maxEdge: Infinity, minPixels: 1, maxPixels: Infinity, experimentalAbovePixels: Infinity },
		transparentBackground: true,
		inputFidelity: ['low', 'high'],
		markupEdits: false,
		complexity: true,
	};
}

/** Whether a model may be used on `today` (`YYYY-MM-DD`): not retired, not past its shutdown. */
export function isAvailable(model: ModelCapabilities, today: string): boolean {
	if (model.status === 'retired') {
		return false;
	}
	return !(model.shutdownDate && today >= model.shutdownDate);
}

/**
 * The model to use for a format when the model asked for came from a default, not from the
 * user's explicit choice: that model when it makes the format (or is not in the table), else
 * the first current one that does (an SVG link filled with the default gpt-image-2 goes to a
 * 2.6 model).
 */
export function modelForFormat(id: string, format: OutputFormat, today: string): string {
	const model = findModel(id);
	if (!model || model.outputFormats.includes(format)) {
		return id;
	}
	return MODELS.find(other => other.status === 'current' && isAvailable(other, today) && other.outputFormats.includes(format))?.id ?? id;
}

/** The models a picker offers on `today`, current ones first. */
export function selectableModels(today: string): ModelCapabilities[] {
	return MODELS.filter(model => isAvailable(model, today));
}
