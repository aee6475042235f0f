/**
 * The one message protocol between the Illustrate webviews (the generate panel and the
 * history view) and the extension. Both sides import these types; the extension
 * validates everything it receives with the `parse…` functions of `messageParsers.ts`,
 * because a webview (and the state it hands back after a reload) is untrusted input.
 */

import type { HistoryEntryView } from '../core/images/historyEntry';
import type { ImageMimeType } from '../core/images/imageInfo';

/**
 * The panel's translations: the extension's l10n bundle for the display language (English
 * source string → translation), as `vscode.l10n.bundle` gives it. The host writes it into the
 * page as JSON in the element with this id; the webview hands it to `@vscode/l10n` before it
 * renders, so the panel and the core checks it runs speak the display language.
 */
export type L10nBundle = Readonly<Record<string, string>>;
export const L10N_ELEMENT_ID = 'illustrate-l10n';

export type OutputFormatChoice = 'png' | 'jpeg' | 'webp' | 'svg' | 'gif';
export type SvgEffortChoice = 'none' | 'minimal' | 'low' | 'medium' | 'high' | 'xhigh' | 'max';
export type BackgroundChoice = 'auto' | 'opaque' | 'transparent';
export type ComplexityChoice = 'low' | 'medium' | 'high';

/** The panel's pickers. */
export interface PanelOptions {
	readonly prompt: string;
	readonly model: string;
	readonly quality: string;
	readonly size: string;
	readonly n: number;
	readonly outputFormat: OutputFormatChoice;
	/** 0–100, JPEG and WebP only. */
	readonly outputCompression?: number;
	readonly background?: BackgroundChoice;
	/** The model's planning effort; absent for the model's default. */
	readonly complexity?: ComplexityChoice;
	/** The name of a workspace style preset whose instruction is added to the prompt. */
	readonly style?: string;
	/** SVG only: the model that authors the SVG; absent for the account's default. */
	readonly svgModel?: string;
	/** SVG only, with `svgModel`: the author's reasoning effort; absent for its default. */
	readonly svgEffort?: SvgEffortChoice;
	/** GIF only: 2–16 frames; absent for the API's default (9). */
	readonly frames?: number;
	/** GIF only: each frame's delay in ms; absent for the API's default (200). */
	readonly frameDurationMs?: number;
}

/** One model as the picker lists it; its rules come from the capability table. */
export interface ModelChoice {
	readonly id: string;
	readonly label: string;
	/** For example "shuts down on 2026-12-01". */
	readonly note?: string;
}

export interface VariantView {
	readonly id: string;
	readonly index: number;
	readonly state: 'waiting' | 'partial' | 'ready' | 'failed';
	/**
	 * A webview URI of the stored image file, once it is stored. The pixels of partial and
	 * final images come first in `pixels` messages, never in the state: the webview keeps
	 * the state for window reloads, where it shows `src`.
	 */
	readonly src?: string;
	readonly width?: number;
	readonly height?: number;
	readonly format?: OutputFormatChoice;
	/** The stored image, to find it again after a reload. */
	readonly imageId?: string;
	/** Milliseconds from the request to the final image. */
	readonly elapsedMs?: number;
	readonly error?: string;
	/** "Final of #2" for a re-render, "Edit of #1: warmer" for an edit. */
	readonly label?: string;
	/** The variant this one was made from, by an edit or a refine. */
	readonly parentId?: string;
	/** The path it was inserted or saved as, relative to the document. */
	readonly insertedAs?: string;
}

export type PanelActionId = 'setApiKey' | 'retry' | 'openVerification' | 'openBilling';

export interface PanelError {
	readonly message: string;
	readonly actions: readonly { readonly id: PanelActionId; readonly label: string }[];
}

/** Where Insert puts images: enough to track the place again after a reload. */
export interface PanelTarget {
	readonly documentUri: string;
	readonly kind: 'image' | 'after';
	readonly offset: number;
	readonly alt?: string;
	/** For example "README.md, line 3". */
	readonly description: string;
}

/** An image the edit sends, as the panel shows it. */
export interface EditImageView {
	readonly id: string;
	/** A webview URI, never image data. */
	readonly src: string;
	readonly label: string;
	readonly width?: number;
	readonly height?: number;
}

/** The panel in edit mode: what is edited, with what, and what Replace overwrites. */
export interface EditView {
	/** The image the instruction, mask or markup apply to. */
	readonly source: EditImageView;
	/** Further input images (up to 15 more). */
	readonly references: readonly EditImageView[];
	/** The workspace file Replace overwrites, relative to the workspace. */
	readonly replaceable?: string;
	/** The steps from the first image to the source: labels, oldest first. */
	readonly chain: readonly string[];
}

export interface PanelState {
	readonly options: PanelOptions;
	readonly variants: readonly VariantView[];
	readonly running: boolean;
	/** Epoch milliseconds when the running request started, for the elapsed-time display. */
	readonly startedAt?: number;
	readonly status?: string;
	readonly error?: PanelError;
	readonly target?: PanelTarget;
	/** What the last request cost, from the API's usage. */
	readonly lastCostUsd?: number;
	/** Present in edit mode. */
	readonly edit?: EditView;
}

/** What the panel's pickers need besides the capability table. */
export interface PanelEnvironment {
	readonly models: readonly ModelChoice[];
	/** `YYYY-MM-DD`, for shutdown dates. */
	readonly today: string;
	/** OpenAI-compatible endpoints: any model name, permissive rules. */
	readonly allowUnknownModels: boolean;
	/** illustrate.maxCostPerRequest, if set. */
	readonly maxCostPerRequest?: number;
	/** The names of the workspace's style presets. */
	readonly styles: readonly string[];
}

/**
 * An image's bytes for a variant the moment they are decoded: a partial image, or the final
 * one before it is stored. The webview shows them from memory (a blob URL); a remote
 * window would otherwise fetch each file back through the remote connection.
 */
export interface VariantPixels {
	readonly type: 'pixels';
	readonly variantId: string;
	readonly bytes: Uint8Array;
	readonly mime: ImageMimeType;
	/** Which partial image this is; absent for the final image. */
	readonly partialIndex?: number;
}

export type HostToWebviewMessage =
	| { readonly type: 'init'; readonly environment: PanelEnvironment; readonly state: PanelState }
	/** The settings changed: new models, limits or styles; the form keeps what the user entered. */
	| { readonly type: 'environment'; readonly environment: PanelEnvironment }
	| { readonly type: 'state'; readonly state: PanelState }
	| VariantPixels;

export type VariantAction = 'insert' | 'makeFinal' | 'copyLink' | 'open' | 'edit' | 'replace' | 'reference';

export type WebviewToHostMessage =
	| { readonly type: 'ready' }
	| { readonly type: 'generate'; readonly options: PanelOptions }
	| { readonly type: 'cancel' }
	| { readonly type: 'insert'; readonly variantIds: readonly string[] }
	| { readonly type: 'variant'; readonly action: Exclude<VariantAction, 'insert'>; readonly variantId: string }
	| { readonly type: 'action'; readonly action: PanelActionId }
	/**
	 * Sends the edit. `overlay`: the painted mask or markup, a PNG of the source's size (or of
	 * `canvas` when the canvas is extended, then `image` is the padded source), base64.
	 */
	| { readonly type: 'edit'; readonly options: PanelOptions; readonly overlay?: { readonly kind: 'mask' | 'markup'; readonly png: string }; readonly image?: string; readonly inputFidelity?: 'low' | 'high' }
	| { readonly type: 'reference'; readonly action: 'pick' | 'remove' | 'uris'; readonly id?: string; readonly uris?: readonly string[] }
	| { readonly type: 'endEdit' };

/** A card's image sent in a message: its card copy's bytes. */
export interface InlineCardImage {
	readonly id: string;
	readonly bytes: Uint8Array;
	readonly mime: string;
}

export type HostToHistoryMessage =
	/**
	 * `images`: the card copies of the first cards, their bytes in the message (sent as binary),
	 * for a page that just loaded: the cards in view paint without a request each through the
	 * webview's resource path (in a remote window, a round trip over the remote connection).
	 */
	| { readonly type: 'history'; readonly entries: readonly HistoryEntryView[]; readonly target?: string; readonly images?: readonly InlineCardImage[] }
	/** A card's image, once its card-size copy is made. */
	| { readonly type: 'cardImage'; readonly id: string; readonly src: string };

export type HistoryToHostMessage =
	| { readonly type: 'ready' }
	| { readonly type: 'insert' | 'open' | 'delete' | 'restore'; readonly id: string };

/** What the panel hands back after a window reload, checked before anything uses it. */
export interface RestoredPanel {
	readonly options: PanelOptions;
	readonly variants: readonly { readonly id: string; readonly index: number; readonly imageId: string; readonly label?: string; readonly insertedAs?: string }[];
	readonly target?: { readonly documentUri: string; readonly kind: 'image' | 'after'; readonly offset: number; readonly alt?: string };
}
