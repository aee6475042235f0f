import type * as vscode from 'vscode';
import type { CostTracker } from './cost/costTracker';
import type { ImageStore } from './history/imageStore';
import type { ImageService } from './providers/imageService';
import type { SettingsService } from './settings/settingsService';
import type { ImageInserter } from './workspace/imageInserter';

/**
 * The services the panels and commands share, built once by `createFeatures` (src/features.ts)
 * and handed down: one history, one API client, one inserter, one cost tracker, the settings, one log.
 */
export interface Services {
	readonly extensionUri: vscode.Uri;
	readonly store: ImageStore;
	readonly images: ImageService;
	readonly inserter: ImageInserter;
	readonly costs: CostTracker;
	readonly settings: SettingsService;
	readonly log: vscode.LogOutputChannel;
}
