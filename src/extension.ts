import * as vscode from 'vscode';
import { BATCH_RECORDS_KEY, COMMAND_IDS, GENERATE_VIEW_TYPE, HISTORY_VIEW_TYPE } from './commandIds';
import { DocumentImageIndex } from './editor/documentPlaceholders';
import { LastTextEditor } from './editor/editorTargets';
import { ImageLenses } from './editor/imageLenses';
import { ImageLinkContext } from './editor/imageLinkContext';
import { PlaceholderActions } from './editor/placeholderActions';
import { registerAgentTools } from './commands/agentToolRegistration';
import type { Features } from './features';

/**
 * Activation registers what VS Code needs right away (the commands' ids, the code lenses and
 * quick fixes, the language model tools' names, the editor menu's context key, the panel
 * serializers) and nothing more: the commands, panels and the API client are in their own
 * file (dist/features.js), loaded at the first command, tool call or restored panel, so opening
 * a markdown file never reads or compiles them.
 */
export function activate(context: vscode.ExtensionContext): void {
	const log = vscode.window.createOutputChannel('Illustrate', { log: true });
	const editors = new LastTextEditor();
	const images = new DocumentImageIndex(log);
	let features: Features | undefined;
	const load = (): Features => {
		if (!features) {
			const { createFeatures } = require('./features') as typeof import('./features');
			features = createFeatures({ context, log, editors, images });
			context.subscriptions.push(features);
			const missing = COMMAND_IDS.filter(id => !features!.commands.has(id));
			const extra = [...features.commands.keys()].filter(id => !(COMMAND_IDS as readonly string[]).includes(id));
			if (missing.length > 0 || extra.length > 0) {
				throw new Error(`Illustrate's command list is out of date: missing ${missing.join(', ') || 'none'}, unregistered ${extra.join(', ') || 'none'}.`);
			}
		}
		return features;
	};

	context.subscriptions.push(
		log,
		editors,
		...COMMAND_IDS.map(id => vscode.commands.registerCommand(id, (...args: unknown[]) => load().commands.get(id)!.execute(...args))),
		new ImageLinkContext(),
		new ImageLenses(images, log),
		new PlaceholderActions(images),
		...registerAgentTools(() => load().tools, log),
		vscode.window.registerWebviewPanelSerializer(GENERATE_VIEW_TYPE, {
			deserializeWebviewPanel: (panel, state) => load().reviveGeneratePanel(panel, state),
		}),
		vscode.window.registerWebviewPanelSerializer(HISTORY_VIEW_TYPE, {
			deserializeWebviewPanel: async panel => load().reviveHistoryPanel(panel),
		}),
	);

	// Batches submitted in an earlier session are polled again, once activation is over; with
	// none stored, nothing more is loaded.
	const stored = context.workspaceState.get<unknown>(BATCH_RECORDS_KEY);
	if (Array.isArray(stored) && stored.length > 0) {
		void vscode.commands.executeCommand('setContext', 'illustrate.hasBatches', true);
		setTimeout(() => {
			try {
				load().startBatches();
			} catch (error) {
				log.error(`Resuming the stored batches failed: ${error instanceof Error ? error.message : String(error)}`);
			}
		}, 0);
	}
}

export function deactivate(): void {
	// Everything is disposed through context.subscriptions.
}
