import * as vscode from 'vscode';
import { decodeBase64 } from '../core/encoding/base64';
import { readImageInfo } from '../core/images/imageInfo';
import { isInside } from '../core/destination/destination';
import type { OutputFormat } from '../core/models/capabilities';
import type { ImageStore, StoredImage } from '../history/imageStore';
import type { EditImageView } from '../protocol/messages';
import { IllustrateError } from '../core/errors';
import { type ReferenceImage } from '../providers/imageService';
import { leavesThroughLink } from '../workspace/realPath';
import { editInputFormat } from '../core/generation/imageRequests';

/** An image an edit sends: a stored image, or a copy of a workspace file. */
export interface EditInput {
	readonly id: string;
	readonly label: string;
	/** The file the panel shows (in extension storage). */
	readonly uri: vscode.Uri;
	readonly format: OutputFormat;
	readonly width?: number;
	readonly height?: number;
	/** Set when it is a variant of this panel. */
	readonly variantId?: string;
	/** Set when it is a stored image. */
	readonly stored?: StoredImage;
}

/** What Edit works on in the panel, and what Replace may overwrite. */
export interface EditSession {
	readonly source: EditInput;
	readonly references: EditInput[];
	/** The workspace file the source came from, which Replace overwrites. */
	readonly linkedFile?: vscode.Uri;
	/** Labels of the steps that led to the source, oldest first. */
	readonly chain: string[];
}

let nextId = 0;

/** An edit input from a stored image (a variant, or history). */
export function inputFromStored(image: StoredImage, label: string, variantId?: string): EditInput {
	return { id: variantId ?? `stored-${image.id}`, label, uri: image.uri, format: image.format, width: image.width, height: image.height, stored: image, ...(variantId ? { variantId } : {}) };
}

/**
 * An edit input from a workspace file: only PNG, JPEG or WebP files inside a workspace
 * folder; copied into extension storage so the panel shows nothing else.
 */
export async function inputFromWorkspaceFile(uri: vscode.Uri, store: ImageStore): Promise<EditInput> {
	const folder = vscode.workspace.getWorkspaceFolder(uri);
	if (!folder || !isInside(uri.path, folder.uri.path)) {
		throw new IllustrateError(vscode.l10n.t('{0} is not inside a workspace folder: Illustrate only edits images of the open workspace.', uri.fsPath || uri.toString()));
	}
	if (await leavesThroughLink(uri, folder.uri)) {
		throw new IllustrateError(vscode.l10n.t('{0} leads outside the workspace folder through a symbolic link, so Illustrate does not read it.', vscode.workspace.asRelativePath(uri)));
	}
	const bytes = await vscode.workspace.fs.readFile(uri);
	const info = readImageInfo(bytes);
	if (!info) {
		throw new IllustrateError(vscode.l10n.t('{0} is not a PNG, JPEG or WebP image.', vscode.workspace.asRelativePath(uri)));
	}
	// An SVG or a GIF is no edit's input: said before anything is copied into the history.
	editInputFormat(info.format, 'edit');
	const copy = await store.importSource(bytes, info.format);
	return { id: `file-${(nextId++).toString(36)}-${Date.now().toString(36)}`, label: vscode.workspace.asRelativePath(uri), uri: copy, format: info.format, width: info.width, height: info.height };
}

/** The bytes an edit sends for an input. */
export async function referenceOf(input: EditInput): Promise<ReferenceImage> {
	return { bytes: await vscode.workspace.fs.readFile(input.uri), name: input.uri.path.slice(input.uri.path.lastIndexOf('/') + 1), format: editInputFormat(input.format, 'edit') };
}

export function viewOf(input: EditInput, webview: vscode.Webview): EditImageView {
	return { id: input.id, src: webview.asWebviewUri(input.uri).toString(), label: input.label, ...(input.width ? { width: input.width } : {}), ...(input.height ? { height: input.height } : {}) };
}

/** Decodes a PNG the panel painted (a mask or markup overlay, or a padded source). */
export function decodePanelPng(base64: string, what: 'extended image' | 'mask' | 'markup'): Uint8Array {
	let bytes: Uint8Array | undefined;
	try {
		bytes = decodeBase64(base64);
	} catch {
		// not base64: refused below like any other bytes that are not a PNG
	}
	if (!bytes || readImageInfo(bytes)?.format !== 'png') {
		throw new IllustrateError(what === 'mask'
			? vscode.l10n.t('The mask the panel sent is not a PNG.')
			: what === 'markup'
				? vscode.l10n.t('The markup the panel sent is not a PNG.')
				: vscode.l10n.t('The extended image the panel sent is not a PNG.'));
	}
	return bytes;
}
