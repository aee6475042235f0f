import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { CostTracker } from '../../src/cost/costTracker';
import { panelEnvironment } from '../../src/panel/panelEnvironment';
import { readSettings } from '../../src/settings/settings';
import { SettingsService } from '../../src/settings/settingsService';
import { waitFor } from '../harness/waitFor';
import { workspaceRoot } from './helpers';

/** A log that keeps its warnings, to assert on. */
function warningsLog(): { log: vscode.LogOutputChannel; warnings: string[] } {
	const warnings: string[] = [];
	const log = { warn: (message: string) => void warnings.push(message), info: () => undefined, error: () => undefined } as unknown as vscode.LogOutputChannel;
	return { log, warnings };
}

const global = vscode.ConfigurationTarget.Global;
const workspace = vscode.ConfigurationTarget.Workspace;

/** Resolves at the next configuration change that affects `section`, as the extension host sees it. */
function nextChange(section: string): Promise<void> {
	return new Promise(resolve => {
		const listener = vscode.workspace.onDidChangeConfiguration(event => {
			if (event.affectsConfiguration(section)) {
				listener.dispose();
				resolve();
			}
		});
	});
}

suite('Settings service', () => {
	let settings: SettingsService;
	const styles = () => vscode.Uri.joinPath(workspaceRoot(), '.vscode', 'illustrate-styles.json');
	let savedStyles: Uint8Array | undefined;

	setup(async () => {
		settings = new SettingsService();
		savedStyles = await Promise.resolve(vscode.workspace.fs.readFile(styles())).catch(() => undefined);
	});

	teardown(async () => {
		settings.dispose();
		await vscode.workspace.getConfiguration('illustrate').update('maxCostPerRequest', undefined, global);
		await vscode.workspace.getConfiguration('illustrate').update('maxCostPerRequest', undefined, workspace);
		await vscode.workspace.getConfiguration('illustrate').update('size', undefined, workspace);
		await vscode.workspace.getConfiguration('editor').update('tabSize', undefined, global);
		if (savedStyles) {
			await vscode.workspace.fs.writeFile(styles(), savedStyles);
		} else {
			await vscode.workspace.fs.delete(styles(), { useTrash: false }).then(undefined, () => undefined);
		}
	});

	test('fires when an illustrate setting changes, not for another extension\'s; the panel environment follows', async () => {
		const { log } = warningsLog();
		assert.equal((await panelEnvironment(settings, undefined, log)).maxCostPerRequest, undefined);
		const fired: vscode.ConfigurationChangeEvent[] = [];
		const listener = settings.onDidChange(event => fired.push(event));
		try {
			await vscode.workspace.getConfiguration('editor').update('tabSize', 3, global);
			await vscode.workspace.getConfiguration('illustrate').update('maxCostPerRequest', 0.2, global);
			await waitFor(() => fired.length > 0, 'the settings service fired');
			assert.ok(fired[0].affectsConfiguration('illustrate.maxCostPerRequest'));
			// The editor's change came first; the one event is Illustrate's.
			assert.equal(fired.length, 1, 'only the change of an illustrate setting fires');
			assert.equal(settings.read().maxCostPerRequest, 0.2);
			assert.equal((await panelEnvironment(settings, undefined, log)).maxCostPerRequest, 0.2);
		} finally {
			listener.dispose();
		}
	});

	test('settings are read once per folder: the same object until an Illustrate setting changes, then the new value at once', async () => {
		const document = vscode.Uri.joinPath(workspaceRoot(), 'docs', 'guide.md');
		const first = settings.read(document);
		assert.equal(settings.read(document), first, 'read again: the kept settings');
		assert.equal(readSettings(vscode.Uri.joinPath(workspaceRoot(), 'README.md')), first, 'another document of the folder, through readSettings');
		const tabSize = nextChange('editor.tabSize');
		await vscode.workspace.getConfiguration('editor').update('tabSize', 3, global);
		await tabSize;
		assert.equal(settings.read(document), first, 'another extension\'s setting keeps them');
		const size = nextChange('illustrate.size');
		await vscode.workspace.getConfiguration('illustrate').update('size', '1536x1024', workspace);
		await size;
		assert.notEqual(settings.read(document), first);
		assert.equal(settings.read(document).size, '1536x1024');
		assert.equal(readSettings(document).size, '1536x1024');
	});

	test('the cost limit a workspace lowers follows the user\'s own limit when only that changes', async () => {
		const document = vscode.Uri.joinPath(workspaceRoot(), 'docs', 'guide.md');
		let change = nextChange('illustrate.maxCostPerRequest');
		await vscode.workspace.getConfiguration('illustrate').update('maxCostPerRequest', 1, global);
		await change;
		change = nextChange('illustrate.maxCostPerRequest');
		await vscode.workspace.getConfiguration('illustrate').update('maxCostPerRequest', 0.5, workspace);
		await change;
		assert.equal(settings.read(document).maxCostPerRequest, 0.5);
		// The folder's value stays 0.5; the user's ceiling under it is what changed.
		change = nextChange('illustrate.maxCostPerRequest');
		await vscode.workspace.getConfiguration('illustrate').update('maxCostPerRequest', 0.3, global);
		await change;
		assert.equal(settings.read(document).maxCostPerRequest, 0.3);
		assert.equal(readSettings().maxCostPerRequest, 0.3);
	});

	test('the cost in the status bar names the new limit when it changes', async () => {
		const costs = new CostTracker(settings);
		try {
			costs.add(0.1, 1);
			assert.doesNotMatch(costs.tooltip, /asks first/);
			assert.match(costs.tooltip, /\$0\.100 spent on 1 image/);
			await vscode.workspace.getConfiguration('illustrate').update('maxCostPerRequest', 0.5, global);
			await waitFor(() => /A request estimated above \$0\.500 asks first/.test(costs.tooltip), `the tooltip names the limit (it reads "${costs.tooltip}")`);
			await vscode.workspace.getConfiguration('illustrate').update('maxCostPerRequest', undefined, global);
			await waitFor(() => !/asks first/.test(costs.tooltip), 'the tooltip no longer names a limit');
			assert.match(costs.tooltip, /\$0\.100 spent on 1 image/);
		} finally {
			costs.dispose();
		}
	});

	test('a styles file that is not JSON is logged as a warning, and the panel offers no styles', async () => {
		const { log, warnings } = warningsLog();
		await vscode.workspace.fs.writeFile(styles(), new TextEncoder().encode('{ "styles": { "Flat": "flat" '));
		const environment = await panelEnvironment(settings, undefined, log);
		assert.deepEqual(environment.styles, []);
		assert.equal(warnings.length, 1);
		assert.match(warnings[0], /illustrate-styles\.json is not valid JSON, so its style presets are not offered/);
	});
});
