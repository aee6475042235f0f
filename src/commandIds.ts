/**
 * Every command Illustrate registers. Activation registers these ids and loads the code
 * behind them at the first call (src/features.ts); a unit test holds the list to package.json.
 */
export const COMMAND_IDS = [
	'illustrate.generate',
	'illustrate.generateFromSelection',
	'illustrate.generateFromAltText',
	'illustrate.generateAt',
	'illustrate.fillMissingImages',
	'illustrate.fillMissingImagesInWorkspace',
	'illustrate.editImage',
	'illustrate.setApiKey',
	'illustrate.clearApiKey',
	'illustrate.showHistory',
	'illustrate.showBatches',
	'illustrate.cancelBatch',
	'illustrate.retryFailed',
	'illustrate.removeBatch',
] as const;

/** The workspace state key of the Batch API jobs (src/batch/batchService.ts): activation reads it to start polling. */
export const BATCH_RECORDS_KEY = 'illustrate.batches';

/** The webview panels VS Code restores after a reload (package.json's onWebviewPanel events). */
export const GENERATE_VIEW_TYPE = 'illustrate.panel';
export const HISTORY_VIEW_TYPE = 'illustrate.history';
