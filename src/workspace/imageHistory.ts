import * as vscode from 'vscode';
import type { OutputFormat } from '../core/models/capabilities';
import type { ProvenanceSource } from '../core/provenance/manifest';

/**
 * What the workspace writers need of the image history (src/history's ImageStore is one),
 * declared here so that writing into the workspace does not depend on how images are stored.
 */

/** An image from the history: its format and size, and the recipe the provenance manifest records. */
export interface HistoryImage extends ProvenanceSource {
	readonly format: OutputFormat;
	/** For an image a Replace kept: the file its bytes were, where Restore puts them back. */
	readonly originalUri?: string;
}

/** Where an image's bytes are read from. */
export interface ImageReader {
	read(image: HistoryImage): Promise<Uint8Array>;
	/** The file that holds the image's bytes, where there is one: it is copied, not read. */
	fileOf?(image: HistoryImage): vscode.Uri | undefined;
}

/** The recipe of a workspace file's bytes kept before Replace or Restore overwrites them. */
export interface ReplacedRecipe {
	readonly prompt: string;
	readonly model: string;
	readonly size: string;
	readonly quality: string;
	readonly operation: 'replaced';
	readonly originalUri: string;
}

/** The history: read an image's bytes, and keep bytes a Replace or Restore is about to overwrite. */
export interface ImageHistory extends ImageReader {
	save(bytes: Uint8Array, recipe: ReplacedRecipe, fallbackFormat: OutputFormat): Promise<unknown>;
}

/** Ends a message about images that were not saved: they are not lost. */
export function keptInHistory(): string {
	return vscode.l10n.t('The images are kept in Illustrate: Show Generated Images.');
}
