import * as vscode from 'vscode';
import { ClearApiKeyCommand, SetApiKeyCommand } from './commands/apiKeyCommands';
import { CommandManager } from './commands/commandManager';
import { EditImageCommand } from './commands/editImageCommand';
import { FillMissingImagesCommand } from './commands/fillMissingImages';
import { GenerateAtCommand, GenerateCommand } from './commands/generateCommands';
import { DocumentImageIndex } from './editor/documentPlaceholders';
import { ImageLenses } from './editor/imageLenses';
import { CostTracker } from './cost/costTracker';
import { LastTextEditor } from './editor/editorTargets';
import { ImageLinkContext } from './editor/imageLinkContext';
import { HistoryPanel, type HistoryServices } from './history/historyPanel';
import { ImageStore } from './history/imageStore';
import { GeneratePanel, type PanelServices } from './panel/generatePanel';
import { ApiKeys } from './providers/apiKeys';
import { ImageService } from './providers/imageService';
import { readSettings } from './settings/settings';
import { ImageInserter } from './workspace/imageInserter';

export function activate(context: vscode.ExtensionContext): void {
	const log = vscode.window.createOutputChannel('Illustrate', { log: true });
	const keys = new ApiKeys(context.secrets);
	const store = new ImageStore(context.globalStorageUri, () => readSettings().historyMaxBytes, log);
	const inserter = new ImageInserter(store, log);
	const editors = new LastTextEditor();
	const costs = new CostTracker();
	const services: PanelServices = { extensionUri: context.extensionUri, store, images: new ImageService(keys, store, log), inserter, costs, log };
	const historyServices: HistoryServices = { extensionUri: context.extensionUri, store, inserter, editors, log };

	const images = new DocumentImageIndex();
	const commands = new CommandManager();
	const fromAltText = new GenerateCommand('illustrate.generateFromAltText', 'altText', services, keys);
	commands.register(new GenerateCommand('illustrate.generate', 'any', services, keys));
	commands.register(new GenerateCommand('illustrate.generateFromSelection', 'selection', services, keys));
	commands.register(fromAltText);
	commands.register(new GenerateAtCommand(fromAltText));
	commands.register(new FillMissingImagesCommand(services, keys, images));
	commands.register(new EditImageCommand(services));
	commands.register(new SetApiKeyCommand(keys));
	commands.register(new ClearApiKeyCommand(keys));
	commands.register({ id: 'illustrate.showHistory', execute: () => void HistoryPanel.show(historyServices) });

	context.subscriptions.push(
		log,
		store,
		editors,
		costs,
		commands,
		new ImageLinkContext(),
		new ImageLenses(images),
		vscode.window.registerWebviewPanelSerializer(GeneratePanel.viewType, {
			deserializeWebviewPanel: async (panel, state) => void await GeneratePanel.revive(panel, services, state),
		}),
		vscode.window.registerWebviewPanelSerializer(HistoryPanel.viewType, {
			deserializeWebviewPanel: async panel => void HistoryPanel.revive(panel, historyServices),
		}),
	);
	// Partial images of requests that a reload or crash cut short.
	void store.deleteStalePreviews().catch(() => undefined);
}

export function deactivate(): void {
	// Everything is disposed through context.subscriptions.
}
