import * as l10n from '@vscode/l10n';

/** The parts of a variant a card's labels and buttons depend on. */
export interface CardVariant {
	readonly index: number;
	readonly state: 'waiting' | 'partial' | 'ready' | 'failed';
	readonly label?: string;
	readonly width?: number;
	readonly height?: number;
	readonly elapsedMs?: number;
	readonly insertedAs?: string;
	/** The stored image's format: an SVG or a GIF is no edit's input. */
	readonly format?: string;
}

/** What a request draws, for the text of its cards while they wait. */
export interface Drawing {
	readonly format: string;
	readonly prompt: string;
	/** Epoch ms when the request started. */
	readonly startedAt?: number;
	readonly frames?: number;
}

/** The longest part of the prompt a waiting card quotes. */
const QUOTED_PROMPT_CHARS = 60;

/**
 * A waiting card's text: an SVG or GIF has no previews, so the card says what is being drawn
 * and for how long; other formats wait for their first preview.
 */
export function waitingText(drawing: Drawing | undefined, now: number): string {
	if (!drawing || (drawing.format !== 'svg' && drawing.format !== 'gif')) {
		return l10n.t('Waiting for the first preview…');
	}
	const flat = drawing.prompt.replace(/\s+/g, ' ').trim();
	const what = flat.length > QUOTED_PROMPT_CHARS ? `${flat.slice(0, QUOTED_PROMPT_CHARS - 1)}…` : flat;
	const seconds = drawing.startedAt !== undefined ? Math.max(0, Math.round((now - drawing.startedAt) / 1000)) : 0;
	return drawing.format === 'svg'
		? l10n.t('Drawing an SVG of “{0}”… {1} s. SVGs come whole, without previews.', what, seconds)
		: l10n.t('Animating a GIF of “{0}” ({1} frames)… {2} s. GIFs come whole, without previews.', what, drawing.frames ?? 9, seconds);
}

/** The pixels a card shows from memory: a partial image (with its index) or the final one. */
export interface ShownPixels {
	readonly partialIndex?: number;
}

/** "Variant 2", or the host's label for a re-render or an edit: the card's accessible name. */
export function variantName(variant: CardVariant): string {
	return variant.label ?? l10n.t('Variant {0}', variant.index + 1);
}

/** "#2", or the host's label: the card's short label (its `data-label`, the caption's start). */
export function variantShortLabel(variant: CardVariant): string {
	return variant.label ?? `#${variant.index + 1}`;
}

/** "#2 · 1536×1024 · 12.3 s", or where it was inserted once it was. */
export function variantCaption(variant: CardVariant): string {
	if (variant.insertedAs) {
		return l10n.t('Inserted as {0}', variant.insertedAs);
	}
	const size = variant.width && variant.height ? `${variant.width}×${variant.height}` : '';
	const time = variant.elapsedMs !== undefined ? l10n.t('{0} s', (variant.elapsedMs / 1000).toFixed(1)) : '';
	return [variantShortLabel(variant), size, time].filter(Boolean).join(' · ');
}

/** New pixels replace what a card shows unless it already shows the final image. */
export function acceptsPixels(shown: ShownPixels | undefined): boolean {
	return !shown || shown.partialIndex !== undefined;
}

/** Which pixels an image shows, for its `data-pixels`: from memory (`final`, `partial-N`) or the stored file. */
export function pixelsSource(shown: ShownPixels | undefined): string {
	return shown ? shown.partialIndex === undefined ? 'final' : `partial-${shown.partialIndex}` : 'stored';
}

/** What a card's buttons allow, from its variant and the panel's state. */
export interface CardControls {
	/** Every button and the checkbox work only on a finished image. */
	readonly enabled: boolean;
	/** Make final also waits for the running request. */
	readonly makeFinalEnabled: boolean;
	/** A re-render or an edit (a labelled variant) is not made final again. */
	readonly makeFinalShown: boolean;
	/** Replace, with its tooltip, only while editing an image that is a workspace file. */
	readonly replaceShown: boolean;
	readonly replaceTitle: string;
	/** Use as reference only while editing. */
	readonly referenceShown: boolean;
	/** The "Preview" badge: a partial image still shown. */
	readonly previewBadge: boolean;
	/** Refine, Make final and Use as reference: only for an image the edits endpoint takes (not an SVG or a GIF). */
	readonly editable: boolean;
	/** Why those are off, for their tooltip; empty when they are on. */
	readonly notEditableTitle: string;
}

/** The card's buttons and badge for a variant, the pixels it shows, and the panel's state. */
export function cardControls(variant: CardVariant, shown: ShownPixels | undefined, panel: { readonly running: boolean; readonly editing: boolean; readonly replaceable?: string }): CardControls {
	const ready = variant.state === 'ready';
	return {
		enabled: ready,
		makeFinalEnabled: ready && !panel.running,
		makeFinalShown: variant.label === undefined,
		replaceShown: panel.replaceable !== undefined && panel.replaceable !== '',
		replaceTitle: panel.replaceable ? l10n.t('Overwrite {0} with this image (its old bytes stay in Show Generated Images)', panel.replaceable) : '',
		referenceShown: panel.editing,
		previewBadge: variant.state === 'partial' && !isFinalShown(variant, shown),
		editable: variant.format !== 'svg' && variant.format !== 'gif',
		notEditableTitle: variant.format === 'svg' || variant.format === 'gif'
			? l10n.t('The edits endpoint takes PNG, JPEG or WebP images, not {0}: generate again with a changed prompt, or in PNG to refine it.', variant.format.toUpperCase())
			: '',
	};
}

/** The card shows a final image: the variant is ready, or its final pixels came from memory. */
export function isFinalShown(variant: CardVariant, shown: ShownPixels | undefined): boolean {
	return variant.state === 'ready' || (shown !== undefined && shown.partialIndex === undefined);
}
