import * as vscode from 'vscode';
import { ClearApiKeyCommand, SetApiKeyCommand } from './commands/apiKeyCommands';
import { CommandManager } from './commands/commandManager';
import { GenerateCommand } from './commands/generateCommands';
import { ImageLinkContext } from './editor/imageLinkContext';
import { ImageStore } from './history/imageStore';
import type { PanelServices } from './panel/generatePanel';
import { ApiKeys } from './providers/apiKeys';
import { ImageService } from './providers/imageService';
import { ImageInserter } from './workspace/imageInserter';

export function activate(context: vscode.ExtensionContext): void {
	const log = vscode.window.createOutputChannel('Illustrate', { log: true });
	const keys = new ApiKeys(context.secrets);
	const store = new ImageStore(context.globalStorageUri);
	const services: PanelServices = {
		extensionUri: context.extensionUri,
		store,
		images: new ImageService(keys, store, log),
		inserter: new ImageInserter(store),
		log,
	};

	const commands = new CommandManager();
	commands.register(new GenerateCommand('illustrate.generate', 'any', services, keys));
	commands.register(new GenerateCommand('illustrate.generateFromSelection', 'selection', services, keys));
	commands.register(new GenerateCommand('illustrate.generateFromAltText', 'altText', services, keys));
	commands.register(new SetApiKeyCommand(keys));
	commands.register(new ClearApiKeyCommand(keys));

	context.subscriptions.push(log, commands, new ImageLinkContext());
}

export function deactivate(): void {
	// Everything is disposed through context.subscriptions.
}
