import type { Background, OutputFormat, SvgEffort } from '../models/capabilities';
import type { ImageRequestOptions } from '../models/validation';
import { applyStyle, type StylePreset } from '../prompt/stylePresets';

/** What the panel's pickers chose (the protocol's `PanelOptions` has this shape). */
export interface RequestChoices {
	readonly prompt: string;
	readonly model: string;
	readonly quality: string;
	readonly size: string;
	readonly n: number;
	readonly outputFormat: OutputFormat;
	readonly outputCompression?: number;
	readonly background?: Background;
	readonly complexity?: 'low' | 'medium' | 'high';
	readonly style?: string;
	readonly svgModel?: string;
	readonly svgEffort?: SvgEffort;
	readonly frames?: number;
	readonly frameDurationMs?: number;
}

/**
 * The request for the panel's choices. A style preset's instruction joins the prompt; the
 * compression goes only with JPEG and WebP, the background only when it is not `auto`, the
 * complexity only when one was chosen; an SVG author (and its effort) only for SVG, frames and
 * their duration only for GIF.
 */
export function toRequestOptions(options: RequestChoices, styles: readonly StylePreset[] = []): ImageRequestOptions {
	return {
		model: options.model,
		prompt: applyStyle(options.prompt, styles.find(style => style.name === options.style)),
		size: options.size,
		quality: options.quality,
		n: options.n,
		outputFormat: options.outputFormat,
		...((options.outputFormat === 'jpeg' || options.outputFormat === 'webp') && options.outputCompression !== undefined ? { outputCompression: options.outputCompression } : {}),
		...(options.background && options.background !== 'auto' ? { background: options.background } : {}),
		...(options.complexity ? { complexity: options.complexity } : {}),
		...(options.outputFormat === 'svg' && options.svgModel?.trim() ? { svg: { model: options.svgModel.trim(), ...(options.svgEffort ? { effort: options.svgEffort } : {}) } } : {}),
		...(options.outputFormat === 'gif' && options.frames !== undefined ? { frames: options.frames } : {}),
		...(options.outputFormat === 'gif' && options.frameDurationMs !== undefined ? { frameDurationMs: options.frameDurationMs } : {}),
	};
}

/** Make final: the draft's request again, with the draft's model, at high quality, one image. */
export function finalRenderOptions(options: ImageRequestOptions, draftModel: string): ImageRequestOptions {
	return { ...options, model: draftModel, quality: 'high', n: 1 };
}
