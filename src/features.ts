import * as l10n from '@vscode/l10n';
import * as vscode from 'vscode';
import { createAgentTools } from './commands/agentTools';
import type { AgentToolSet } from './commands/agentToolRegistration';
import { ClearApiKeyCommand, SetApiKeyCommand } from './commands/apiKeyCommands';
import { CancelBatchCommand, RemoveBatchCommand, RetryFailedCommand, ShowBatchesCommand } from './commands/batchCommands';
import { sdkBatchApi } from './batch/batchApiClient';
import { BatchService } from './batch/batchService';
import { BatchTree } from './batch/batchView';
import { deliveryMessage } from './core/batchApi/batchReport';
import type { Command } from './commands/commandManager';
import { disposeAll } from './core/lifecycle/disposeAll';
import { EditImageCommand } from './commands/editImageCommand';
import { FillMissingImagesCommand } from './commands/fillMissingImages';
import { FillWorkspaceCommand, submitThrough } from './commands/fillWorkspaceCommand';
import { GenerateAtCommand, GenerateCommand } from './commands/generateCommands';
import { CostTracker } from './cost/costTracker';
import type { DocumentImageIndex } from './editor/documentPlaceholders';
import type { LastTextEditor } from './editor/editorTargets';
import { HistoryPanel, type HistoryServices } from './panel/historyPanel';
import { ImageStore } from './history/imageStore';
import { CardCopies } from './history/cardCopies';
import { GeneratePanel } from './panel/generatePanel';
import type { Services } from './services';
import { ApiKeys } from './providers/apiKeys';
import { ImageService } from './providers/imageService';
import { SettingsService } from './settings/settingsService';
import { ImageInserter } from './workspace/imageInserter';
import { ImageReplacer } from './workspace/imageReplacer';

/** What activation already made and the features share: created before any feature is used. */
export interface FeatureHost {
	readonly context: vscode.ExtensionContext;
	readonly log: vscode.LogOutputChannel;
	readonly editors: LastTextEditor;
	readonly images: DocumentImageIndex;
}

/** Illustrate's commands and panels, built at their first use (see extension.ts). */
export interface Features extends vscode.Disposable {
	readonly commands: ReadonlyMap<string, Command>;
	/** The language model tools (src/agents), registered at activation by name. */
	readonly tools: AgentToolSet;
	reviveGeneratePanel(panel: vscode.WebviewPanel, state: unknown): Promise<void>;
	reviveHistoryPanel(panel: vscode.WebviewPanel): void;
	/** The Batch API jobs; `fillMissingImagesInWorkspace` submits through it (mode "batch"). */
	readonly batches: BatchService;
	/** Starts polling the stored batches (after activation, when there are any). */
	startBatches(): void;
}

export function createFeatures({ context, log, editors, images }: FeatureHost): Features {
	// The core's messages (validation, API errors, …) speak the display language too.
	if (vscode.l10n.bundle) {
		l10n.config({ contents: vscode.l10n.bundle });
	}
	// First: its listeners drop changed settings before any other service's listener reads them.
	const settings = new SettingsService();
	const keys = new ApiKeys(context.secrets);
	const store = new ImageStore(context.globalStorageUri, () => settings.read().historyMaxBytes, log);
	const imageService = new ImageService(keys, store, log);
	// The history's copies are scaled where the panel's are: in the image worker (Node host), off the main thread.
	const cardCopies = new CardCopies(store, log, source => imageService.historyCopy(source));
	const replacer = new ImageReplacer(store, log);
	const inserter = new ImageInserter(store, log);
	const costs = new CostTracker(settings);
	const services: Services = { extensionUri: context.extensionUri, store, cardCopies, images: imageService, inserter, replacer, costs, settings, log };
	const historyServices: HistoryServices = { extensionUri: context.extensionUri, store, cardCopies, inserter, replacer, editors, log };

	const batches = new BatchService({
		storage: context.workspaceState,
		api: resource => sdkBatchApi(keys, resource),
		history: store,
		inserter,
		log,
		// The output files are read and their images stored in the image worker, off this thread.
		readInWorker: resource => (job, signal, onLine) => imageService.readBatchOutput(job, resource, signal, onLine),
		onDelivered: record => {
			// What the batch charged joins the window's running cost, as a request sent now does.
			const received = Object.values(record.outcomes).filter(outcome => outcome.imageId !== undefined).length;
			costs.add(record.costUsd, received);
			const { level, message } = deliveryMessage(record);
			const show = vscode.l10n.t('Show Batches');
			const retry = vscode.l10n.t('Retry Failed');
			const buttons = level === 'info' ? [show] : [show, retry];
			void (level === 'info' ? vscode.window.showInformationMessage(message, ...buttons) : vscode.window.showWarningMessage(message, ...buttons)).then(choice => {
				if (choice === show || choice === retry) {
					void vscode.commands.executeCommand(choice === show ? 'illustrate.showBatches' : 'illustrate.retryFailed', choice === retry ? record.id : undefined);
				}
			});
		},
	});
	let batchTree: BatchTree | undefined;
	const startBatches = () => {
		batchTree ??= new BatchTree(batches);
		batches.start();
	};

	const fromAltText = new GenerateCommand('illustrate.generateFromAltText', 'altText', services, keys);
	const fill = new FillMissingImagesCommand(services, keys, images);
	const commands: Command[] = [
		new GenerateCommand('illustrate.generate', 'any', services, keys),
		new GenerateCommand('illustrate.generateFromSelection', 'selection', services, keys),
		fromAltText,
		new GenerateAtCommand(fromAltText),
		fill,
		new FillWorkspaceCommand(services, keys, context.workspaceState, submitThrough(batches)),
		new EditImageCommand(services),
		new SetApiKeyCommand(keys),
		new ClearApiKeyCommand(keys),
		{ id: 'illustrate.showHistory', execute: () => void HistoryPanel.show(historyServices) },
		new ShowBatchesCommand(batches),
		new CancelBatchCommand(batches),
		new RetryFailedCommand(batches),
		new RemoveBatchCommand(batches),
	];
	// The view follows the batches from the first command on, not only after a start-up with batches.
	batchTree ??= new BatchTree(batches);
	return {
		commands: new Map(commands.map(command => [command.id, command])),
		tools: createAgentTools({ services, keys, index: images, fill }),
		reviveGeneratePanel: async (panel, state) => void await GeneratePanel.revive(panel, services, state),
		reviveHistoryPanel: panel => void HistoryPanel.revive(panel, historyServices),
		batches,
		startBatches,
		dispose: () => {
			try {
				disposeAll([...(batchTree ? [batchTree] : []), batches, cardCopies, store, keys, costs, settings]);
			} catch (error) {
				log.error(`Disposing Illustrate's services: ${error instanceof Error ? error.message : String(error)}`);
				throw error;
			}
		},
	};
}
