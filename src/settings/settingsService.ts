import * as vscode from 'vscode';
import { Disposable } from '../lifecycle/disposable';
import { readSettings, startSettingsCache, type IllustrateSettings } from './settings';

/**
 * Illustrate's settings, read per resource, and an event when they change: built once in the
 * service bag (src/services.ts), so what shows a setting (the open panels, the cost in the
 * status bar) follows it without reading it again on a timer. While it runs, the settings
 * are read from VS Code once per workspace folder and kept until they change (`readSettings`
 * answers from the same cache); built before the other services, so that its listeners run
 * before theirs and a listener of theirs never reads settings about to be dropped.
 */
export class SettingsService extends Disposable {
	private readonly changed = this.register(new vscode.EventEmitter<vscode.ConfigurationChangeEvent>());
	/** Fires when a setting under `illustrate.` (or the Markdown destination Illustrate reads) changes. */
	readonly onDidChange = this.changed.event;

	constructor() {
		super();
		const cache = startSettingsCache();
		this.register({ dispose: () => cache.stop() });
		this.register(vscode.workspace.onDidChangeConfiguration(event => {
			cache.changed(event);
			if (event.affectsConfiguration('illustrate') || event.affectsConfiguration('markdown.copyFiles.destination')) {
				this.changed.fire(event);
			}
		}));
		// A resource may belong to another folder now; trust makes restricted workspace settings count.
		this.register(vscode.workspace.onDidChangeWorkspaceFolders(() => cache.clear()));
		this.register(vscode.workspace.onDidGrantWorkspaceTrust(() => cache.clear()));
	}

	/** The settings that apply to `resource` (a document), or the window's when undefined. */
	read(resource?: vscode.Uri): IllustrateSettings {
		return readSettings(resource);
	}
}
