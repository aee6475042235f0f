import * as vscode from 'vscode';
import type { GenerateImageInput } from '../core/agents/toolDefinitions';
import { isInside } from '../core/destination/destination';
import { IllustrateError } from '../core/errors';
import { displayWidth } from '../core/links/displayWidth';
import { buildImageReference } from '../core/links/documentKinds';
import { relativePath } from '../core/links/imageLink';
import type { InsertionTarget } from '../core/markdown/insertion';
import type { OutputFormat } from '../core/models/capabilities';
import { freeFilePath } from '../core/naming/fileNames';
import { altTextFromPrompt } from '../core/prompt/altText';
import { isFillable, type DocumentImageIndex } from '../editor/documentPlaceholders';
import { withLinkedFile } from '../editor/editorTargets';
import type { StoredImage } from '../history/imageStore';
import type { Services } from '../services';
import { readSettings } from '../settings/settings';
import { fileExists } from '../platform/fileErrors';
import { keptInHistory } from '../workspace/imageHistory';
import { recordProvenance } from '../workspace/provenanceWriter';
import { ScopedWorkspaceEdit, writeScopeOfWorkspaceFile } from '../workspace/workspaceWriter';

/**
 * Where the language model tools (agentTools.ts) put an image: the workspace paths an agent
 * gives, resolved and opened; the destination of a generate (a document at a placeholder or
 * after the cursor, a path, or beside the active document); and the writing of an image at a
 * path, through the checked write path, never overwriting unasked.
 */

/**
 * A workspace-relative path (already checked by its text: no `..`, not absolute) as a URI:
 * in the folder its first segment names when several are open, else in the first folder.
 */
export function workspaceUri(path: string): vscode.Uri {
	const folders = vscode.workspace.workspaceFolders ?? [];
	if (folders.length === 0) {
		throw new IllustrateError(vscode.l10n.t('No folder is open: Illustrate saves images into the workspace folder, so open one first.'));
	}
	const [first, ...rest] = path.split('/');
	const named = folders.length > 1 && rest.length > 0 ? folders.find(folder => folder.name === first) : undefined;
	return named ? vscode.Uri.joinPath(named.uri, ...rest) : vscode.Uri.joinPath(folders[0].uri, ...path.split('/'));
}

/** A file's name as an agent gives it: workspace-relative. */
export function workspaceRelative(uri: vscode.Uri): string {
	return vscode.workspace.asRelativePath(uri);
}

/** A markdown link to a workspace file, relative to its workspace folder. */
export function workspaceLink(file: vscode.Uri, alt: string, width: number | undefined): string {
	const folder = vscode.workspace.getWorkspaceFolder(file);
	const path = folder ? relativePath(folder.uri.path, file.path) : workspaceRelative(file);
	return buildImageReference({ kind: 'markdown', linkStyle: 'markdown', alt, path, width: displayWidth(width) });
}

/** `file`, or the first free name beside it (`name-1.png`, …) when it exists. */
async function freeUri(file: vscode.Uri): Promise<vscode.Uri> {
	return file.with({ path: await freeFilePath(file.path, new Set(), path => fileExists(file.with({ path }))) });
}

export async function openWorkspaceDocument(path: string): Promise<vscode.TextDocument> {
	const uri = workspaceUri(path);
	if (!(await fileExists(uri))) {
		throw new IllustrateError(vscode.l10n.t('{0} does not exist. Give the workspace-relative path of an existing document, such as docs/guide.md.', path));
	}
	return vscode.workspace.openTextDocument(uri);
}

/** An agent's edit leaves a document as saved as it found it: a saved document is saved again (a dirty one is the user's to save). */
export async function saveIfItWasSaved(document: vscode.TextDocument, wasDirty: boolean): Promise<void> {
	if (!wasDirty && document.isDirty) {
		await document.save();
	}
}

/** What generate writes into: a document (at a placeholder, or after the cursor or at the end), a path, or beside the active document. */
export type GenerateDestination =
	| { readonly kind: 'document'; readonly document: vscode.TextDocument; readonly wasDirty: boolean; readonly target: InsertionTarget; readonly alt: string; readonly placeholder?: string; readonly preferredFile?: vscode.Uri; readonly outputFormat?: OutputFormat }
	| { readonly kind: 'path'; readonly file: vscode.Uri; readonly alt: string }
	| { readonly kind: 'beside'; readonly document: vscode.TextDocument; readonly alt: string };

/** The destinations of the tools' images and the writing at a path: with the services the commands share and the document index. */
export class AgentToolDestinations {
	constructor(private readonly deps: { readonly services: Services; readonly index: DocumentImageIndex }) { }

	async generateDestination(input: GenerateImageInput): Promise<GenerateDestination> {
		if (input.document !== undefined) {
			const document = await openWorkspaceDocument(input.document);
			const wasDirty = document.isDirty;
			if (input.placeholder !== undefined) {
				return this.placeholderDestination(document, wasDirty, input);
			}
			const active = vscode.window.activeTextEditor?.document === document ? vscode.window.activeTextEditor : undefined;
			// Not the active editor: after the document's last line of text.
			const offset = active ? document.offsetAt(active.selection.active) : document.getText().trimEnd().length;
			const alt = input.alt?.trim() || altTextFromPrompt(input.prompt);
			const preferredFile = input.path !== undefined ? await freeUri(workspaceUri(input.path)) : undefined;
			return { kind: 'document', document, wasDirty, target: { kind: 'after', offset }, alt, ...(preferredFile ? { preferredFile } : {}) };
		}
		const alt = input.alt?.trim() || altTextFromPrompt(input.prompt);
		if (input.path !== undefined) {
			return { kind: 'path', file: workspaceUri(input.path), alt };
		}
		const active = vscode.window.activeTextEditor?.document;
		if (!active || active.isUntitled || !vscode.workspace.getWorkspaceFolder(active.uri)) {
			throw new IllustrateError(vscode.l10n.t('No saved document of the workspace is open to save the image beside: give "document" (the workspace-relative document to link it from) or "path" (the file to save).'));
		}
		return { kind: 'beside', document: active, alt };
	}

	private async placeholderDestination(document: vscode.TextDocument, wasDirty: boolean, input: GenerateImageInput): Promise<GenerateDestination> {
		const wanted = input.placeholder!.trim();
		this.deps.index.forget(document);
		const fillable = (await this.deps.index.classify(document)).filter(isFillable);
		const item = fillable.find(candidate => candidate.image.alt.trim() === wanted);
		if (!item) {
			const known = fillable.map(candidate => `"${candidate.image.alt}"`).filter(alt => alt !== '""');
			throw new IllustrateError(known.length > 0
				? vscode.l10n.t('{0} has no empty image link with the alt text "{1}". Its placeholders are: {2}.', workspaceRelative(document.uri), wanted, known.join(', '))
				: vscode.l10n.t('{0} has no empty image link with the alt text "{1}"; it has no placeholders at all. Leave "placeholder" out to add the image, or write one such as ![{1}]() first.', workspaceRelative(document.uri), wanted));
		}
		const source = await withLinkedFile(document, { prompt: input.prompt, target: { kind: 'image', start: item.image.start, alt: item.image.alt }, alt: item.image.alt, ...(item.image.url ? { url: item.image.url } : {}) }, this.deps.services.log);
		const preferredFile = input.path !== undefined ? await freeUri(workspaceUri(input.path)) : source.preferredFile;
		return {
			kind: 'document',
			document,
			wasDirty,
			target: source.target,
			alt: input.alt?.trim() || item.image.alt,
			placeholder: item.image.alt,
			...(preferredFile ? { preferredFile } : {}),
			...(source.outputFormat ? { outputFormat: source.outputFormat } : {}),
		};
	}

	/**
	 * Saves an image at `file` through the checked write path, never overwriting unasked: when
	 * the file exists and `askToReplace`, the user chooses (a modal) between replacing it (its
	 * old bytes kept in the history first) and a free name beside it; else the free name.
	 */
	async saveAt(file: vscode.Uri, image: StoredImage, alt: string, askToReplace: boolean): Promise<vscode.Uri> {
		const { services } = this.deps;
		const scope = writeScopeOfWorkspaceFile(file);
		if (!scope || !isInside(file.path, scope.folder.path)) {
			throw new IllustrateError(`${vscode.l10n.t('{0} is not inside a workspace folder, so Illustrate does not write there.', file.toString(true))} ${keptInHistory()}`);
		}
		let target = file;
		if (await fileExists(file)) {
			const free = await freeUri(file);
			if (askToReplace) {
				const replace = vscode.l10n.t('Replace');
				const keepBoth = vscode.l10n.t('Save as {0}', free.path.slice(free.path.lastIndexOf('/') + 1));
				const choice = await Promise.resolve(vscode.window.showWarningMessage(
					vscode.l10n.t('{0} already exists. Replace it with the image an agent generated?', workspaceRelative(file)),
					{ modal: true, detail: vscode.l10n.t('Its current bytes are kept in Illustrate: Show Generated Images, where Restore puts them back.') },
					replace,
					keepBoth,
				)).catch(() => undefined);
				if (choice === replace) {
					await services.replacer.replace(file, image, alt);
					return file;
				}
			}
			target = free;
		}
		const edit = new ScopedWorkspaceEdit(scope);
		edit.createFile(target, await services.store.read(image), { overwrite: false });
		if (!(await edit.apply({ more: keptInHistory() }))) {
			throw new IllustrateError(`${vscode.l10n.t('Could not write {0}: check that it is writable.', workspaceRelative(target))} ${keptInHistory()}`);
		}
		await recordProvenance(readSettings(target).provenance, [target], [image], alt, scope, services.log);
		return target;
	}
}
