import * as vscode from 'vscode';
import { encodeBase64 } from '../core/encoding/base64';
import { L10N_ELEMENT_ID, type L10nBundle } from '../protocol/messages';

/**
 * The translations the panel shows in: the extension's own l10n bundle for the display
 * language, as JSON the page can carry (`<` escaped, so it cannot close its element).
 * Empty in English, where the panel's source strings are the text.
 */
export function webviewL10nJson(bundle: L10nBundle | undefined = vscode.l10n.bundle): string {
	return JSON.stringify(bundle ?? {}).replace(/</g, '\\u003c');
}

/**
 * The page of an Illustrate webview: a strict CSP (no inline code, scripts only with this
 * page's nonce, images only from the allowed folders), the translations as inert JSON data,
 * and the shared panel bundle, which renders the view named in `data-view`.
 */
export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, view: 'generate' | 'history', title: string): string {
	const nonce = encodeBase64(globalThis.crypto.getRandomValues(new Uint8Array(16)));
	const media = vscode.Uri.joinPath(extensionUri, 'media');
	const script = webview.asWebviewUri(vscode.Uri.joinPath(media, 'panel.js'));
	const style = webview.asWebviewUri(vscode.Uri.joinPath(media, 'panel.css'));
	const csp = [
		`default-src 'none'`,
		`img-src ${webview.cspSource} data: blob:`,
		`style-src ${webview.cspSource}`,
		`font-src ${webview.cspSource}`,
		`script-src 'nonce-${nonce}'`,
	].join('; ');
	return `<!DOCTYPE html>
<html lang="${vscode.env.language}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}">
<title>${title}</title>
</head>
<body data-view="${view}">
<script type="application/json" id="${L10N_ELEMENT_ID}">${webviewL10nJson()}</script>
<main id="root"></main>
<script type="module" nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
}
