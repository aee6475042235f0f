import * as vscode from 'vscode';
import { isInside, resolveDestination } from '../core/destination/destination';
import { buildImageReference, documentKindFor } from '../core/links/documentKinds';
import { relativePath } from '../core/links/imageLink';
import { insertionEdits, type InsertionTarget } from '../core/markdown/insertion';
import { extensionForFormat, fileStemFromText, numberedFileNames } from '../core/naming/fileNames';
import { MANIFEST_NAME, withEntries, type ProvenanceEntry } from '../core/provenance/manifest';
import { readImageInfo } from '../core/images/imageInfo';
import type { ImageStore, StoredImage } from '../history/imageStore';
import { IllustrateError } from '../core/errors';
import { readSettings } from '../settings/settings';
import { describeFileError, isFileNotFound } from '../platform/fileErrors';
import { assertWritable, ScopedWorkspaceEdit, writeRefusal, writeScopeOfDocument, writeScopeOfWorkspaceFile, writeWorkspaceFile, type WriteScope } from './workspaceWriter';

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
 * undone together. Never overwrites a file; never writes outside the workspace folder, by
 * name or through a symbolic link (every write goes through ./workspaceWriter).
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
		const scope = writeScopeOfDocument(document.uri);
		const boundary = scope.folder.path;
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
		// Refused here before anything is written; checked again right before the edit.
		await assertWritable(files, scope, keptInHistory());
		const paths = files.map(file => relativePath(documentFolder.path, file.path));
		const references = paths.map((path, index) => buildImageReference({
			kind,
			linkStyle: settings.linkStyle,
			alt: request.alt,
			path,
			width: request.images[index].width ? Math.round(request.images[index].width / 2) : undefined,
		}));
		return { document, kind, files, paths, references, provenance: settings.provenance, keepTarget, scope };
	}

	/** Saves the images beside the document (never overwriting) and puts their links on the clipboard. */
	saveAndCopyLinks(request: { readonly document: vscode.TextDocument; readonly images: readonly StoredImage[]; readonly alt: string }): Promise<InsertResult> {
		return this.serialized(request.document, () => this.saveAndCopyNow(request));
	}

	private async saveAndCopyNow(request: { readonly document: vscode.TextDocument; readonly images: readonly StoredImage[]; readonly alt: string }): Promise<InsertResult> {
		const plan = await this.plan(request);
		const edit = new ScopedWorkspaceEdit(plan.scope);
		for (const [index, file] of plan.files.entries()) {
			edit.createFile(file, await this.store.read(request.images[index]), { overwrite: false });
		}
		if (!(await edit.apply({ more: keptInHistory() }))) {
			throw new IllustrateError(`${vscode.l10n.t('Could not write {0} beside {1}: check that the folder is writable.', plan.paths.join(', '), vscode.workspace.asRelativePath(plan.document.uri))} ${keptInHistory()}`);
		}
		await this.recordProvenance(plan.provenance, plan.files, request.images, request.alt, plan.scope);
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
		// The files carry their bytes in the edit: undo removes files and link together, redo
		// brings both back byte for byte, and no crash can leave an empty file linked.
		const edit = new ScopedWorkspaceEdit(plan.scope);
		for (const [index, file] of files.entries()) {
			edit.createFile(file, await this.store.read(request.images[index]), { overwrite: false });
		}
		const applied = await edit.apply({
			more: keptInHistory(),
			metadata: { isRefactoring: false },
			// From the text as it is now: the user may have typed while the bytes were read.
			addText: edit => {
				const textEdits = insertionEdits(document.getText(), plan.kind, request.target, { references: plan.references, firstPath: paths[0], keepTarget: plan.keepTarget }, eol);
				if (!textEdits) {
					throw new IllustrateError(`${vscode.l10n.t('The image "{0}" is no longer in {1}. Nothing was written.', request.alt, vscode.workspace.asRelativePath(document.uri))} ${keptInHistory()}`);
				}
				for (const spec of textEdits) {
					edit.replace(document.uri, new vscode.Range(document.positionAt(spec.start), document.positionAt(spec.end)), spec.newText);
				}
			},
		});
		if (!applied) {
			throw new IllustrateError(`${vscode.l10n.t('Could not write {0} or change {1}: check that the folder is writable and the document is not read-only.', paths.join(', '), vscode.workspace.asRelativePath(document.uri))} ${keptInHistory()}`);
		}
		const edited = Date.now();
		await this.recordProvenance(plan.provenance, files, request.images, request.alt, plan.scope);
		this.log?.info(`Inserted ${paths.join(', ')} into ${vscode.workspace.asRelativePath(document.uri)} in ${Date.now() - started} ms (plan ${planned - started} ms, edit with the bytes ${edited - planned} ms, provenance ${Date.now() - edited} ms)`);
		return { files, paths };
	}

	/**
	 * Overwrites a workspace image with a new one, after keeping its old bytes in the
	 * history (from where Restore puts them back). One undoable edit.
	 */
	async replace(file: vscode.Uri, image: StoredImage, alt: string): Promise<void> {
		const scope = writeScopeOfWorkspaceFile(file);
		if (!scope || !isInside(file.path, scope.folder.path)) {
			throw new IllustrateError(vscode.l10n.t('{0} is not inside a workspace folder, so Illustrate does not overwrite it.', file.fsPath));
		}
		await assertWritable([file], scope);
		const old = await vscode.workspace.fs.readFile(file);
		const oldFormat = readImageInfo(old)?.format ?? image.format;
		if (oldFormat !== image.format) {
			throw new IllustrateError(vscode.l10n.t('{0} is {1} and the new image is {2}: pick that format, or use Insert to save it under a new name.', vscode.workspace.asRelativePath(file), oldFormat.toUpperCase(), image.format.toUpperCase()));
		}
		await this.store.save(old, { prompt: vscode.l10n.t('The earlier {0}, replaced by Illustrate', vscode.workspace.asRelativePath(file)), model: '', size: '', quality: '', operation: 'replaced', originalUri: file.toString() }, oldFormat);
		const edit = new ScopedWorkspaceEdit(scope);
		edit.createFile(file, await this.store.read(image), { overwrite: true });
		if (!(await edit.apply({ more: keptInHistory() }))) {
			throw new IllustrateError(vscode.l10n.t('Could not overwrite {0}: check that it is writable. The new image is kept in Illustrate: Show Generated Images.', vscode.workspace.asRelativePath(file)));
		}
		await this.recordProvenance(readSettings(file).provenance, [file], [image], alt, scope);
	}

	/** Puts the bytes a Replace overwrote back into their file; the bytes it holds now go to the history first. */
	async restore(replaced: StoredImage): Promise<vscode.Uri> {
		if (!replaced.originalUri) {
			throw new IllustrateError(vscode.l10n.t('This image did not come from a replaced file.'));
		}
		const file = vscode.Uri.parse(replaced.originalUri, true);
		const scope = writeScopeOfWorkspaceFile(file);
		if (!scope || !isInside(file.path, scope.folder.path)) {
			throw new IllustrateError(vscode.l10n.t('{0} is not in this workspace: open its folder to restore it.', file.fsPath));
		}
		// Before reading what the file holds now, and again right before the write.
		await assertWritable([file], scope);
		if (await exists(file)) {
			const current = await vscode.workspace.fs.readFile(file);
			await this.store.save(current, { prompt: vscode.l10n.t('{0} before a restore', vscode.workspace.asRelativePath(file)), model: '', size: '', quality: '', operation: 'replaced', originalUri: file.toString() }, readImageInfo(current)?.format ?? replaced.format);
		}
		const edit = new ScopedWorkspaceEdit(scope);
		edit.createFile(file, await this.store.read(replaced), { overwrite: true });
		if (!(await edit.apply())) {
			throw new IllustrateError(vscode.l10n.t('Could not write {0}: check that it is writable.', vscode.workspace.asRelativePath(file)));
		}
		return file;
	}

	/** Adds the images to the provenance manifest of their folder; a failure here never undoes the insert. */
	private async recordProvenance(mode: 'manifest' | 'off', files: readonly vscode.Uri[], images: readonly StoredImage[], alt: string, scope: WriteScope): Promise<void> {
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
				// A manifest linked outside the workspace is neither read nor written.
				const refusal = await writeRefusal([manifest], scope);
				if (refusal !== undefined) {
					this.log?.warn(`${refusal} ${MANIFEST_NAME} was left as it is, without the new images.`);
					continue;
				}
				const existing = await exists(manifest) ? new TextDecoder().decode(await vscode.workspace.fs.readFile(manifest)) : undefined;
				const text = withEntries(existing, entries);
				if (text === undefined) {
					this.log?.warn(`${manifest.fsPath} is not valid JSON: left as it is, without the new images.`);
					continue;
				}
				await writeWorkspaceFile(manifest, new TextEncoder().encode(text), scope);
			} catch (error) {
				this.log?.warn(`Could not update ${manifest.fsPath}: ${error}`);
			}
		}
	}
}
