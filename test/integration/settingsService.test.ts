import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { CostTracker } from '../../src/cost/costTracker';
import { panelEnvironment } from '../../src/panel/panelEnvironment';
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
