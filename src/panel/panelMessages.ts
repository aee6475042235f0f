import * as vscode from 'vscode';
import { messageShape } from '../core/logging/logShape';
import { ACTION_LINKS } from '../core/panel/panelErrors';
import { parseWebviewMessage } from '../protocol/messageParsers';
import type { PanelActionId, WebviewToHostMessage } from '../protocol/messages';
import type { PanelContext } from './panelContext';
import { addVariantReference, changeReferences, replaceLinked, runEdit, startEditOn } from './panelEdits';
import { generate, insert, makeFinal } from './panelRequests';

/** What the panel does with a message of its webview, which is checked first: a webview is untrusted input. */
export function receiveMessage(panel: PanelContext, raw: unknown, ready: () => Promise<void>): void {
	const message = parseWebviewMessage(raw);
	if (!message) {
		panel.services.log.warn(`Ignored an invalid message from the panel: ${messageShape(raw)}`);
		return;
	}
	void routeMessage(panel, message, ready);
}

async function routeMessage(panel: PanelContext, message: WebviewToHostMessage, ready: () => Promise<void>): Promise<void> {
	switch (message.type) {
		case 'ready':
			await ready();
			break;
		case 'generate':
			await generate(panel, message.options);
			break;
		case 'cancel':
			panel.abort?.abort();
			break;
		case 'insert':
			await insert(panel, message.variantIds, 'insert');
			break;
		case 'variant':
			await variantAction(panel, message);
			break;
		case 'action':
			await runAction(panel, message.action);
			break;
		case 'edit':
			await runEdit(panel, message);
			break;
		case 'reference':
			await changeReferences(panel, message);
			break;
		case 'endEdit':
			panel.setEditSession(undefined);
			break;
	}
}

async function variantAction(panel: PanelContext, message: Extract<WebviewToHostMessage, { type: 'variant' }>): Promise<void> {
	switch (message.action) {
		case 'makeFinal':
			await makeFinal(panel, message.variantId);
			break;
		case 'edit':
			startEditOn(panel, message.variantId);
			break;
		case 'replace':
			await replaceLinked(panel, message.variantId);
			break;
		case 'reference':
			addVariantReference(panel, message.variantId);
			break;
		case 'copyLink':
			await insert(panel, [message.variantId], 'copyLink');
			break;
		default: {
			const image = panel.images.get(message.variantId);
			if (image) {
				await vscode.commands.executeCommand('vscode.open', image.uri, { viewColumn: vscode.ViewColumn.Active, preview: true });
			}
		}
	}
}

/** An error's action button: a page of the OpenAI platform, Set API Key, or Retry of the last request. */
async function runAction(panel: PanelContext, action: PanelActionId): Promise<void> {
	const link = ACTION_LINKS[action];
	if (link) {
		await vscode.env.openExternal(vscode.Uri.parse(link));
	} else if (action === 'setApiKey') {
		await vscode.commands.executeCommand('illustrate.setApiKey');
	} else if (panel.lastOptions) {
		await generate(panel, panel.lastOptions);
	}
}
