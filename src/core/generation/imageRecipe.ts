import type { OutputFormat } from '../models/capabilities';

/** How an image was made: kept beside it, so it can be inserted or regenerated later. */
export interface ImageRecipe {
	readonly prompt: string;
	readonly model: string;
	readonly size: string;
	readonly quality: string;
	readonly revisedPrompt?: string;
	/** For edits: the stored image it was made from. */
	readonly sourceId?: string;
	/** What produced it: a generation, a re-render of a draft at high quality, an edit, or a file a Replace overwrote. */
	readonly operation?: 'generate' | 'makeFinal' | 'edit' | 'replaced';
	/** For `replaced`: the file these bytes were, where Restore puts them back. */
	readonly originalUri?: string;
	readonly costUsd?: number;
}

/**
 * A stored image and its recipe. `Location` is where its bytes are: a `vscode.Uri` for the
 * extension's history store (src/history/imageStore.ts), anything for a store with no VS Code.
 */
export interface StoredImageOf<Location> extends ImageRecipe {
	readonly id: string;
	readonly uri: Location;
	readonly format: OutputFormat;
	readonly width?: number;
	readonly height?: number;
	readonly bytes: number;
	readonly createdAt: string;
}
