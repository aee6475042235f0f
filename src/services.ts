import type * as vscode from 'vscode';
import type { CostTracker } from './cost/costTracker';
import type { CardCopies } from './history/cardCopies';
import type { ImageStore } from './history/imageStore';
import type { ImageService } from './providers/imageService';
import type { SettingsService } from './settings/settingsService';
import type { ImageInserter } from './workspace/imageInserter';
import type { ImageReplacer } from './workspace/imageReplacer';

/**
 * The services the panels and commands share, built once by `createFeatures` (src/features.ts)
 * and handed down: one history with its card copies, one API client, one inserter, one replacer, one cost tracker, the settings, one log.
 */
export interface Services {
	readonly extensionUri: vscode.Uri;
	readonly store: ImageStore;
	/** The card-size copies of the history's large images, for the cards to show. */
	readonly cardCopies: CardCopies;
	readonly images: ImageService;
	readonly inserter: ImageInserter;
	readonly replacer: ImageReplacer;
	readonly costs: CostTracker;
	readonly settings: SettingsService;
	readonly log: vscode.LogOutputChannel;
}
