import * as vscode from 'vscode';
import { Disposable } from '../lifecycle/disposable';
import { readSettings, type IllustrateSettings } from './settings';

/**
 * Illustrate's settings, read per resource, and an event when they change: built once in the
 * service bag (src/services.ts), so what shows a setting (the open panels, the cost in the
 * status bar) follows it without reading it again on a timer.
 */
export class SettingsService extends Disposable {
	private readonly changed = this.register(new vscode.EventEmitter<vscode.ConfigurationChangeEvent>());
	/** Fires when a setting under `illustrate.` (or the Markdown destination Illustrate reads) changes. */
	readonly onDidChange = this.changed.event;

	constructor() {
		super();
		this.register(vscode.workspace.onDidChangeConfiguration(event => {
			if (event.affectsConfiguration('illustrate') || event.affectsConfiguration('markdown.copyFiles.destination')) {
				this.changed.fire(event);
			}
		}));
	}

	/** The settings that apply to `resource` (a document), or the window's when undefined. */
	read(resource?: vscode.Uri): IllustrateSettings {
		return readSettings(resource);
	}
}
