import * as vscode from 'vscode';

/** Why Illustrate does not generate here. */
function untrustedMessage(): string {
	return vscode.l10n.t('Illustrate generates images only in trusted workspaces: it sends requests with your API key and writes files into the workspace.');
}

/**
 * Whether Illustrate may generate here. In an untrusted workspace it explains why not and
 * offers to manage trust; scripted calls reject with the same explanation.
 */
export async function ensureTrusted(scripted: boolean): Promise<boolean> {
	if (vscode.workspace.isTrusted) {
		return true;
	}
	if (scripted) {
		throw new Error(`Illustrate: ${untrustedMessage()} ${vscode.l10n.t('Trust the workspace first.')}`);
	}
	const manage = vscode.l10n.t('Manage Workspace Trust');
	const choice = await vscode.window.showWarningMessage(untrustedMessage(), manage);
	if (choice === manage) {
		await vscode.commands.executeCommand('workbench.trust.manage');
	}
	return false;
}
