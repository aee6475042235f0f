import * as vscode from 'vscode';
import { isInside, resolveDestination } from '../core/destination/destination';
import { buildImageReference, documentKindFor } from '../core/links/documentKinds';
import { relativePath } from '../core/links/imageLink';
import { insertionEdits, type InsertionTarget } from '../core/markdown/insertion';
import { extensionForFormat, fileStemFromText, numberedFileNames } from '../core/naming/fileNames';
import { MANIFEST_NAME, withEntries, type ProvenanceEntry } from '../core/provenance/manifest';
import { readImageInfo } from '../core/images/imageInfo';
import type { ImageStore, StoredImage } from '../history/imageStore';
import { IllustrateError } from '../providers/imageService';
import { readSettings } from '../settings/settings';
import { describeFileError, isFileNotFound } from './fileErrors';
import { leavesThroughLink } from './realPath';

export interface InsertRequest {
	readonly document: vscode.TextDocument;
	readonly target: InsertionTarget;
	readonly images: readonly StoredImage[];
	/** The alt text written with every link; also names the files. */
	readonly alt: string;
	/** Where the first image goes when the target image links a file that does not exist yet. */
	readonly preferredFile?: vscode.Uri;
}

export interface InsertResult {
	readonly files: readonly vscode.Uri[];
	/** Paths as written in the document, relative to it. */
	readonly paths: readonly string[];
}

/** Ends a message about images that were not saved: they are not lost. */
function keptInHistory(): string {
	return vscode.l10n.t('The images are kept in Illustrate: Show Generated Images.');
}

async function exists(uri: vscode.Uri): Promise<boolean> {
	try {
		await vscode.workspace.fs.stat(uri);
		return true;
	} catch (error) {
		if (isFileNotFound(error)) {
			return false;
		}
		throw error;
	}
}

function splitName(name: string): { stem: string; extension: string } {
	const dot = name.lastIndexOf('.');
	return dot > 0 ? { stem: name.slice(0, dot), extension: name.slice(dot + 1) } : { stem: name, extension: '' };
}

/** The first name in `stem.ext`, `stem-1.ext`, … that is neither on disk nor taken in this batch. */
async function freeFileUri(desired: vscode.Uri, taken: Set<string>): Promise<vscode.Uri> {
	const folder = vscode.Uri.joinPath(desired, '..');
	const { stem, extension } = splitName(desired.path.slice(desired.path.lastIndexOf('/') + 1));
	for (const name of numberedFileNames(stem, extension)) {
		const uri = vscode.Uri.joinPath(folder, name);
		if (!taken.has(uri.toString()) && !(await exists(uri))) {
			taken.add(uri.toString());
			return uri;
		}
	}
	throw new Error('unreachable');
}

/**
 * Saves images where the document's settings say (`illustrate.destination`, else
 * `markdown.copyFiles.destination`, else `images/` beside it) and links them in the
 * document's own syntax, as one workspace edit: the new files and the text change are
 * undone together. Never overwrites a file; never writes outside the workspace folder.
 */
export class ImageInserter {
	/** One insert at a time per document: each edit is computed from the text the previous one left. */
	private readonly queues = new Map<string, Promise<unknown>>();

	constructor(private readonly store: ImageStore, private readonly log?: vscode.LogOutputChannel) { }

	private serialized<T>(document: vscode.TextDocument, work: () => Promise<T>): Promise<T> {
		const key = document.uri.toString();
		const previous = this.queues.get(key) ?? Promise.resolve();
		const next = previous.then(work, work);
		const settled = next.then(() => undefined, () => undefined);
		this.queues.set(key, settled);
		void settled.then(() => {
			if (this.queues.get(key) === settled) {
				this.queues.delete(key);
			}
		});
		return next;
	}

	private async plan(request: { readonly document: vscode.TextDocument; readonly images: readonly StoredImage[]; readonly alt: string; readonly preferredFile?: vscode.Uri }) {
		const document = request.document.isClosed ? await vscode.workspace.openTextDocument(request.document.uri) : request.document;
		if (document.isUntitled) {
			throw new IllustrateError(`${vscode.l10n.t('Save the document first, so Illustrate knows where to put the image files.')} ${keptInHistory()}`);
		}
		const settings = readSettings(document.uri);
		const kind = documentKindFor(document.languageId, document.uri.path);
		const folder = vscode.workspace.getWorkspaceFolder(document.uri);
		const documentFolder = vscode.Uri.joinPath(document.uri, '..');
		const boundary = folder?.uri.path ?? documentFolder.path;
		const sameFileSystem = (vscode.workspace.workspaceFolders ?? []).filter(candidate => candidate.uri.scheme === document.uri.scheme && candidate.uri.authority === document.uri.authority);
		const stem = fileStemFromText(request.alt);
		const taken = new Set<string>();
		const files: vscode.Uri[] = [];
		const preferred = request.preferredFile;
		const keepTarget = preferred !== undefined
			&& preferred.scheme === document.uri.scheme
			&& isInside(preferred.path, boundary)
			&& extensionForFormat(request.images[0].format) === preferred.path.slice(preferred.path.lastIndexOf('.') + 1).toLowerCase().replace('jpeg', 'jpg')
			&& !(await exists(preferred));
		if (keepTarget) {
			files.push(preferred);
			taken.add(preferred.toString());
		}
		for (const image of request.images.slice(files.length)) {
			const path = resolveDestination(settings.destinations, {
				documentPath: document.uri.path,
				workspaceFolderPath: folder?.uri.path,
				workspaceFolderPaths: sameFileSystem.map(candidate => candidate.uri.path),
				fileName: `${stem}.${extensionForFormat(image.format)}`,
				now: new Date(),
			});
			if (!isInside(path, boundary)) {
				const outside = folder
					? vscode.l10n.t('The image destination {0} is outside the workspace folder {1}: change illustrate.destination (or markdown.copyFiles.destination). Nothing was written.', path, folder.name)
					: vscode.l10n.t('The image destination {0} is outside the document\'s folder: change illustrate.destination (or markdown.copyFiles.destination). Nothing was written.', path);
				throw new IllustrateError(`${outside} ${keptInHistory()}`);
			}
			const desired = document.uri.with({ path });
			try {
				files.push(await freeFileUri(desired, taken));
			} catch (error) {
				if (error instanceof IllustrateError) {
					throw error;
				}
				throw new IllustrateError(`${vscode.l10n.t('Could not write {0} beside {1} ({2}): check that the folder is writable. Nothing was written.', relativePath(documentFolder.path, path), vscode.workspace.asRelativePath(document.uri), describeFileError(error))} ${keptInHistory()}`);
			}
		}
		for (const file of files) {
			if (await leavesThroughLink(file, document.uri.with({ path: boundary }))) {
				const outside = folder
					? vscode.l10n.t('{0} leads outside the workspace folder {1} through a symbolic link, so Illustrate does not write there.', vscode.workspace.asRelativePath(file), folder.name)
					: vscode.l10n.t('{0} leads outside the document\'s folder through a symbolic link, so Illustrate does not write there.', vscode.workspace.asRelativePath(file));
				throw new IllustrateError(`${outside} ${keptInHistory()}`);
			}
		}
		const paths = files.map(file => relativePath(documentFolder.path, file.path));
		const references = paths.map((path, index) => buildImageReference({
			kind,
			linkStyle: settings.linkStyle,
			alt: request.alt,
			path,
			width: request.images[index].width ? Math.round(request.images[index].width / 2) : undefined,
		}));
		return { document, kind, files, paths, references, provenance: settings.provenance, keepTarget };
	}

	/** Saves the images beside the document (never overwriting) and puts their links on the clipboard. */
	saveAndCopyLinks(request: { readonly document: vscode.TextDocument; readonly images: readonly StoredImage[]; readonly alt: string }): Promise<InsertResult> {
		return this.serialized(request.document, () => this.saveAndCopyNow(request));
	}

	private async saveAndCopyNow(request: { readonly document: vscode.TextDocument; readonly images: readonly StoredImage[]; readonly alt: string }): Promise<InsertResult> {
		const plan = await this.plan(request);
		const edit = new vscode.WorkspaceEdit();
		for (const file of plan.files) {
			edit.createFile(file, { overwrite: false, ignoreIfExists: false });
		}
		if (!(await vscode.workspace.applyEdit(edit))) {
			throw new IllustrateError(`${vscode.l10n.t('Could not write {0} beside {1}: check that the folder is writable.', plan.paths.join(', '), vscode.workspace.asRelativePath(plan.document.uri))} ${keptInHistory()}`);
		}
		await this.fill(plan.files, request.images, plan.document, undefined);
		await this.recordProvenance(plan.provenance, plan.files, request.images, request.alt);
		await vscode.env.clipboard.writeText(plan.references.join('\n\n'));
		return { files: plan.files, paths: plan.paths };
	}

	insert(request: InsertRequest): Promise<InsertResult> {
		return this.serialized(request.document, () => this.insertNow(request));
	}

	private async insertNow(request: InsertRequest): Promise<InsertResult> {
		const started = Date.now();
		const plan = await this.plan(request);
		const planned = Date.now();
		const { document, files, paths } = plan;
		const eol = document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
		const textEdits = insertionEdits(document.getText(), plan.kind, request.target, { references: plan.references, firstPath: paths[0], keepTarget: plan.keepTarget }, eol);
		if (!textEdits) {
			throw new IllustrateError(`${vscode.l10n.t('The image "{0}" is no longer in {1}. Nothing was written.', request.alt, vscode.workspace.asRelativePath(document.uri))} ${keptInHistory()}`);
		}

		// The files are created empty in the edit and filled right after it: undo and redo still
		// take the files with the link, and the bytes go straight to disk instead of through the
		// window (which costs about a second per 2 MB in a remote window).
		const edit = new vscode.WorkspaceEdit();
		for (const file of files) {
			edit.createFile(file, { overwrite: false, ignoreIfExists: false });
		}
		const replaced: string[] = [];
		for (const spec of textEdits) {
			const range = new vscode.Range(document.positionAt(spec.start), document.positionAt(spec.end));
			edit.replace(document.uri, range, spec.newText);
			replaced.push(document.getText(range));
		}
		const applied = await vscode.workspace.applyEdit(edit, { isRefactoring: false });
		if (!applied) {
			throw new IllustrateError(`${vscode.l10n.t('Could not write {0} or change {1}: check that the folder is writable and the document is not read-only.', paths.join(', '), vscode.workspace.asRelativePath(document.uri))} ${keptInHistory()}`);
		}
		const edited = Date.now();
		await this.fill(files, request.images, document, textEdits.map((spec, index) => ({ spec, before: replaced[index] })));
		const filled = Date.now();
		await this.recordProvenance(plan.provenance, files, request.images, request.alt);
		this.log?.info(`Inserted ${paths.join(', ')} into ${vscode.workspace.asRelativePath(document.uri)} in ${Date.now() - started} ms (plan ${planned - started} ms, edit ${edited - planned} ms, write ${filled - edited} ms, provenance ${Date.now() - filled} ms)`);
		return { files, paths };
	}

	/**
	 * Writes the images' bytes into the files an edit just created. Should that fail, the
	 * files are removed and the text change taken back, so no empty image is left linked.
	 */
	private async fill(files: readonly vscode.Uri[], images: readonly StoredImage[], document: vscode.TextDocument, textEdits: readonly { spec: { start: number; end: number; newText: string }; before: string }[] | undefined): Promise<void> {
		try {
			await Promise.all(files.map(async (file, index) => vscode.workspace.fs.writeFile(file, await this.store.read(images[index]))));
		} catch (error) {
			await Promise.all(files.map(file => vscode.workspace.fs.delete(file).then(undefined, () => undefined)));
			if (textEdits && textEdits.length > 0) {
				// Take the inserted text back: each edit where the earlier ones have moved it.
				const revert = new vscode.WorkspaceEdit();
				let shift = 0;
				const ordered = [...textEdits].sort((a, b) => a.spec.start - b.spec.start);
				for (const { spec, before } of ordered) {
					const start = spec.start + shift;
					revert.replace(document.uri, new vscode.Range(document.positionAt(start), document.positionAt(start + spec.newText.length)), before);
					shift += spec.newText.length - (spec.end - spec.start);
				}
				await vscode.workspace.applyEdit(revert);
			}
			throw new IllustrateError(`${vscode.l10n.t('Could not write {0} ({1}): nothing was linked.', files.map(file => vscode.workspace.asRelativePath(file)).join(', '), describeFileError(error))} ${keptInHistory()}`);
		}
	}

	/**
	 * Overwrites a workspace image with a new one, after keeping its old bytes in the
	 * history (from where Restore puts them back). One undoable edit.
	 */
	async replace(file: vscode.Uri, image: StoredImage, alt: string): Promise<void> {
		const folder = vscode.workspace.getWorkspaceFolder(file);
		if (!folder || !isInside(file.path, folder.uri.path)) {
			throw new IllustrateError(vscode.l10n.t('{0} is not inside a workspace folder, so Illustrate does not overwrite it.', file.fsPath));
		}
		if (await leavesThroughLink(file, folder.uri)) {
			throw new IllustrateError(vscode.l10n.t('{0} leads outside the workspace folder through a symbolic link, so Illustrate does not overwrite it.', vscode.workspace.asRelativePath(file)));
		}
		const old = await vscode.workspace.fs.readFile(file);
		const oldFormat = readImageInfo(old)?.format ?? image.format;
		if (oldFormat !== image.format) {
			throw new IllustrateError(vscode.l10n.t('{0} is {1} and the new image is {2}: pick that format, or use Insert to save it under a new name.', vscode.workspace.asRelativePath(file), oldFormat.toUpperCase(), image.format.toUpperCase()));
		}
		await this.store.save(old, { prompt: vscode.l10n.t('The earlier {0}, replaced by Illustrate', vscode.workspace.asRelativePath(file)), model: '', size: '', quality: '', operation: 'replaced', originalUri: file.toString() }, oldFormat);
		const edit = new vscode.WorkspaceEdit();
		edit.createFile(file, { overwrite: true, contents: await this.store.read(image) });
		if (!(await vscode.workspace.applyEdit(edit))) {
			throw new IllustrateError(vscode.l10n.t('Could not overwrite {0}: check that it is writable. The new image is kept in Illustrate: Show Generated Images.', vscode.workspace.asRelativePath(file)));
		}
		await this.recordProvenance(readSettings(file).provenance, [file], [image], alt);
	}

	/** Puts the bytes a Replace overwrote back into their file; the bytes it holds now go to the history first. */
	async restore(replaced: StoredImage): Promise<vscode.Uri> {
		if (!replaced.originalUri) {
			throw new IllustrateError(vscode.l10n.t('This image did not come from a replaced file.'));
		}
		const file = vscode.Uri.parse(replaced.originalUri, true);
		const folder = vscode.workspace.getWorkspaceFolder(file);
		if (!folder || !isInside(file.path, folder.uri.path)) {
			throw new IllustrateError(vscode.l10n.t('{0} is not in this workspace: open its folder to restore it.', file.fsPath));
		}
		if (await exists(file)) {
			const current = await vscode.workspace.fs.readFile(file);
			await this.store.save(current, { prompt: vscode.l10n.t('{0} before a restore', vscode.workspace.asRelativePath(file)), model: '', size: '', quality: '', operation: 'replaced', originalUri: file.toString() }, readImageInfo(current)?.format ?? replaced.format);
		}
		const edit = new vscode.WorkspaceEdit();
		edit.createFile(file, { overwrite: true, contents: await this.store.read(replaced) });
		if (!(await vscode.workspace.applyEdit(edit))) {
			throw new IllustrateError(vscode.l10n.t('Could not write {0}: check that it is writable.', vscode.workspace.asRelativePath(file)));
		}
		return file;
	}

	/** Adds the images to the provenance manifest of their folder; a failure here never undoes the insert. */
	private async recordProvenance(mode: 'manifest' | 'off', files: readonly vscode.Uri[], images: readonly StoredImage[], alt: string): Promise<void> {
		if (mode !== 'manifest') {
			return;
		}
		const byFolder = new Map<string, { folder: vscode.Uri; entries: Record<string, ProvenanceEntry> }>();
		for (const [index, file] of files.entries()) {
			const folder = vscode.Uri.joinPath(file, '..');
			const image = images[index];
			const group = byFolder.get(folder.toString()) ?? { folder, entries: {} };
			group.entries[file.path.slice(file.path.lastIndexOf('/') + 1)] = {
				prompt: image.prompt,
				model: image.model,
				size: image.width && image.height ? `${image.width}x${image.height}` : image.size,
				quality: image.quality,
				format: image.format,
				createdAt: image.createdAt,
				alt,
				...(image.revisedPrompt ? { revisedPrompt: image.revisedPrompt } : {}),
			};
			byFolder.set(folder.toString(), group);
		}
		for (const { folder, entries } of byFolder.values()) {
			const manifest = vscode.Uri.joinPath(folder, MANIFEST_NAME);
			try {
				const existing = await exists(manifest) ? new TextDecoder().decode(await vscode.workspace.fs.readFile(manifest)) : undefined;
				const text = withEntries(existing, entries);
				if (text === undefined) {
					this.log?.warn(`${manifest.fsPath} is not valid JSON: left as it is, without the new images.`);
					continue;
				}
				await vscode.workspace.fs.writeFile(manifest, new TextEncoder().encode(text));
			} catch (error) {
				this.log?.warn(`Could not update ${manifest.fsPath}: ${error}`);
			}
		}
	}
}
