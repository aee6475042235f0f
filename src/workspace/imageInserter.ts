import * as vscode from 'vscode';
import { resolveDestination } from '../core/destination/destination';
import { FileCheckError, planImageFiles, type FilePlan } from '../core/destination/filePlan';
import { IllustrateError } from '../core/errors';
import { displayWidth } from '../core/links/displayWidth';
import { buildImageReference, documentKindFor } from '../core/links/documentKinds';
import { relativePath } from '../core/links/imageLink';
import { insertionEdits, type InsertionTarget } from '../core/markdown/insertion';
import { fileStemFromText } from '../core/naming/fileNames';
import { describeFileError, fileExists } from '../platform/fileErrors';
import { readSettings, type IllustrateSettings } from '../settings/settings';
import { keptInHistory, type HistoryImage, type ImageReader } from './imageHistory';
import { recordProvenance } from './provenanceWriter';
import { assertWritable, copyIntoWorkspace, removeCopies, ScopedWorkspaceEdit, writeScopeOfDocument } from './workspaceWriter';

export interface InsertRequest {
	readonly document: vscode.TextDocument;
	readonly target: InsertionTarget;
	readonly images: readonly HistoryImage[];
	/** The alt text written with every link; also names the files. */
	readonly alt: string;
	/** Where the first image goes when the target image links a file that does not exist yet. */
	readonly preferredFile?: vscode.Uri;
}

export interface InsertResult {
	readonly files: readonly vscode.Uri[];
	/** Paths as written in the document, relative to it. */
	readonly paths: readonly string[];
	/** Each image's reference in the document's syntax (its link, `<img>`, `image::` …), as written or to be pasted. */
	readonly references: readonly string[];
}

type SaveRequest = Omit<InsertRequest, 'target'>;

/** One image of `insertAll`: its target, and the missing file its link names (saved there, as `insert` does). */
export interface InsertAllEntry {
	readonly target: InsertionTarget;
	readonly image: HistoryImage;
	readonly alt: string;
	readonly preferredFile?: vscode.Uri;
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
	/** Paths planned by inserts under way and not on disk yet: documents filled at once never pick the same name. */
	private readonly inFlight = new Set<string>();

	constructor(private readonly images: ImageReader, private readonly log?: vscode.LogOutputChannel) { }

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

	/**
	 * `reserved`: paths taken by earlier images of the same edit, not on disk yet (as are those of
	 * inserts under way). `refuseEarly`: the files checked against the scope now, before anything
	 * is read (they are checked again right before the write in any case). `known`: the document's
	 * settings when the caller read them already (each read asks VS Code for several values).
	 */
	private async plan(request: SaveRequest, reserved?: ReadonlySet<string>, refuseEarly = true, known?: IllustrateSettings) {
		const document = request.document.isClosed ? await vscode.workspace.openTextDocument(request.document.uri) : request.document;
		if (document.isUntitled) {
			throw new IllustrateError(`${vscode.l10n.t('Save the document first, so Illustrate knows where to put the image files.')} ${keptInHistory()}`);
		}
		const settings = known ?? readSettings(document.uri);
		const kind = documentKindFor(document.languageId, document.uri.path);
		const folder = vscode.workspace.getWorkspaceFolder(document.uri);
		const documentFolder = vscode.Uri.joinPath(document.uri, '..');
		const scope = writeScopeOfDocument(document.uri);
		const sameFileSystem = (vscode.workspace.workspaceFolders ?? []).filter(candidate => candidate.uri.scheme === document.uri.scheme && candidate.uri.authority === document.uri.authority);
		const preferred = request.preferredFile;
		let plan: FilePlan;
		try {
			plan = await planImageFiles({
				formats: request.images.map(image => image.format),
				stem: fileStemFromText(request.alt),
				documentScheme: document.uri.scheme,
				boundary: scope.folder.path,
				linked: preferred,
				destination: fileName => resolveDestination(settings.destinations, {
					documentPath: document.uri.path,
					workspaceFolderPath: folder?.uri.path,
					workspaceFolderPaths: sameFileSystem.map(candidate => candidate.uri.path),
					fileName,
					now: new Date(),
				}),
				exists: path => reserved?.has(path) || this.inFlight.has(path) ? Promise.resolve(true) : fileExists(document.uri.with({ path })),
			});
		} catch (error) {
			if (!(error instanceof FileCheckError)) {
				throw error;
			}
			throw new IllustrateError(`${vscode.l10n.t('Could not write {0} beside {1} ({2}): check that the folder is writable. Nothing was written.', relativePath(documentFolder.path, error.path), vscode.workspace.asRelativePath(document.uri), describeFileError(error.cause))} ${keptInHistory()}`);
		}
		if (plan.kind === 'outside') {
			const outside = folder
				? vscode.l10n.t('The image destination {0} is outside the workspace folder {1}: change illustrate.destination (or markdown.copyFiles.destination). Nothing was written.', plan.path, folder.name)
				: vscode.l10n.t('The image destination {0} is outside the document\'s folder: change illustrate.destination (or markdown.copyFiles.destination). Nothing was written.', plan.path);
			throw new IllustrateError(`${outside} ${keptInHistory()}`);
		}
		const keepTarget = plan.keepsLinked;
		const files = plan.paths.map((path, index) => index === 0 && keepTarget && preferred ? preferred : document.uri.with({ path }));
		// Refused here before anything is written; checked again right before the edit.
		if (refuseEarly) {
			await assertWritable(files, scope, keptInHistory());
		}
		const paths = files.map(file => relativePath(documentFolder.path, file.path));
		const references = paths.map((path, index) => buildImageReference({
			kind,
			linkStyle: settings.linkStyle,
			alt: request.alt,
			path,
			width: displayWidth(request.images[index].width),
		}));
		return { document, kind, files, paths, references, provenance: settings.provenance, keepTarget, scope };
	}

	/** A workspace edit that creates `files` with the images' bytes (never overwriting). */
	private async editCreating(plan: Awaited<ReturnType<ImageInserter['plan']>>, images: readonly HistoryImage[]): Promise<ScopedWorkspaceEdit> {
		const edit = new ScopedWorkspaceEdit(plan.scope);
		for (const [index, file] of plan.files.entries()) {
			edit.createFile(file, await this.images.read(images[index]), { overwrite: false });
		}
		return edit;
	}

	/** Saves the images beside the document (never overwriting) and puts their links on the clipboard. */
	saveAndCopyLinks(request: SaveRequest): Promise<InsertResult> {
		return this.serialized(request.document, async () => {
			const saved = await this.saveNow(request);
			await vscode.env.clipboard.writeText(saved.references.join('\n\n'));
			return saved;
		});
	}

	/** Saves the images beside the document where its settings say (never overwriting), changing nothing else: for agents, who place the links themselves. */
	save(request: SaveRequest): Promise<InsertResult> {
		return this.serialized(request.document, () => this.saveNow(request));
	}

	private async saveNow(request: SaveRequest): Promise<InsertResult> {
		const plan = await this.plan(request);
		const edit = await this.editCreating(plan, request.images);
		if (!(await edit.apply({ more: keptInHistory() }))) {
			throw new IllustrateError(`${vscode.l10n.t('Could not write {0} beside {1}: check that the folder is writable.', plan.paths.join(', '), vscode.workspace.asRelativePath(plan.document.uri))} ${keptInHistory()}`);
		}
		await recordProvenance(plan.provenance, plan.files, request.images, request.alt, plan.scope, this.log);
		return { files: plan.files, paths: plan.paths, references: plan.references };
	}

	insert(request: InsertRequest): Promise<InsertResult> {
		return this.serialized(request.document, () => this.insertNow(request));
	}

	/**
	 * Inserts one image into each of several targets of a document, its text changed in one
	 * workspace edit (one Undo): Fill Missing Images in Workspace fills a document at once, a
	 * finished batch a document at a time. Every target must be there in the current text, else
	 * nothing is written and the images stay in the history. The files are copies of the
	 * history's (never read onto the extension host's main thread, never sent through the
	 * window): Undo takes the links back and leaves the files.
	 */
	insertAll(document: vscode.TextDocument, entries: readonly InsertAllEntry[]): Promise<InsertResult[]> {
		return this.serialized(document, () => this.insertAllNow(document, entries));
	}

	private async insertAllNow(document: vscode.TextDocument, entries: readonly InsertAllEntry[]): Promise<InsertResult[]> {
		const started = Date.now();
		const reserved = new Set<string>();
		try {
			return await this.insertAllReserving(document, entries, reserved, started);
		} finally {
			reserved.forEach(path => this.inFlight.delete(path));
		}
	}

	private async insertAllReserving(document: vscode.TextDocument, entries: readonly InsertAllEntry[], reserved: Set<string>, started: number): Promise<InsertResult[]> {
		// Planned at once with the document's settings read once (the files are checked against the scope right before they are copied) …
		const settings = readSettings(document.uri);
		const planOf = (entry: typeof entries[number]) => this.plan({ document, images: [entry.image], alt: entry.alt, ...(entry.preferredFile ? { preferredFile: entry.preferredFile } : {}) }, reserved, false, settings);
		const first = await Promise.all(entries.map(planOf));
		// … then names taken in order: one an earlier image or another document's insert under way took is looked for again
		// (nothing awaited between a plan's check and its taking).
		const plans: Awaited<ReturnType<ImageInserter['plan']>>[] = [];
		for (const [index, entry] of entries.entries()) {
			let plan = first[index];
			for (let tries = 0; tries < 10 && plan.files.some(file => reserved.has(file.path) || this.inFlight.has(file.path)); tries++) {
				plan = await planOf(entry);
			}
			plan.files.forEach(file => {
				reserved.add(file.path);
				this.inFlight.add(file.path);
			});
			plans.push(plan);
		}
		if (plans.length === 0) {
			return [];
		}
		const current = plans[0].document;
		const eol = current.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
		const addText = (edit: ScopedWorkspaceEdit) => {
			const text = current.getText();
			for (const [index, plan] of plans.entries()) {
				const textEdits = insertionEdits(text, plan.kind, entries[index].target, { references: plan.references, firstPath: plan.paths[0], keepTarget: plan.keepTarget }, eol);
				if (!textEdits) {
					throw new IllustrateError(`${vscode.l10n.t('The image "{0}" is no longer in {1}. Nothing was written.', entries[index].alt, vscode.workspace.asRelativePath(current.uri))} ${keptInHistory()}`);
				}
				for (const spec of textEdits) {
					edit.replace(current.uri, new vscode.Range(current.positionAt(spec.start), current.positionAt(spec.end)), spec.newText);
				}
			}
		};
		// Every target checked before a file is written: a placeholder gone now writes nothing.
		addText(new ScopedWorkspaceEdit(plans[0].scope));
		const planned = Date.now();
		const files = plans.map(plan => plan.files[0]);
		const sources = entries.map(entry => this.images.fileOf?.(entry.image));
		const copied = sources.every(source => source !== undefined);
		const edit = new ScopedWorkspaceEdit(plans[0].scope);
		if (copied) {
			try {
				await copyIntoWorkspace(files.map((target, index) => ({ source: sources[index]!, target })), plans[0].scope, keptInHistory());
			} catch (error) {
				if (error instanceof IllustrateError) {
					throw error;
				}
				// A file system's message may carry absolute paths: it is told in a few words (a file made there meanwhile, a full disk …).
				const folder = vscode.Uri.joinPath(current.uri, '..');
				throw new IllustrateError(`${vscode.l10n.t('Could not write {0} beside {1} ({2}): check that the folder is writable. Nothing was written.', files.map(file => relativePath(folder.path, file.path)).join(', '), vscode.workspace.asRelativePath(current.uri), describeFileError(error))} ${keptInHistory()}`);
			}
		} else {
			// A history without files (none in this extension today): the bytes go in the edit, and Undo takes them too.
			for (const [index, file] of files.entries()) {
				edit.createFile(file, await this.images.read(entries[index].image), { overwrite: false });
			}
		}
		const written = Date.now();
		const paths = plans.flatMap(plan => plan.paths);
		let applied = false;
		try {
			applied = await edit.apply({ more: keptInHistory(), metadata: { isRefactoring: false }, addText });
		} finally {
			if (!applied && copied) {
				await removeCopies(files);
			}
		}
		if (!applied) {
			throw new IllustrateError(`${vscode.l10n.t('Could not write {0} or change {1}: check that the folder is writable and the document is not read-only.', paths.join(', '), vscode.workspace.asRelativePath(current.uri))} ${keptInHistory()}`);
		}
		const edited = Date.now();
		// Each manifest read and written once for the whole document.
		await recordProvenance(plans[0].provenance, files, entries.map(entry => entry.image), entries.map(entry => entry.alt), plans[0].scope, this.log);
		this.log?.info(`Inserted ${paths.length} image(s) into ${vscode.workspace.asRelativePath(current.uri)} in one edit in ${Date.now() - started} ms (plan ${planned - started} ms, files ${written - planned} ms, edit ${edited - written} ms, provenance ${Date.now() - edited} ms)`);
		return plans.map(plan => ({ files: plan.files, paths: plan.paths, references: plan.references }));
	}

	private async insertNow(request: InsertRequest): Promise<InsertResult> {
		const started = Date.now();
		const plan = await this.plan(request);
		const planned = Date.now();
		const { document, files, paths } = plan;
		const eol = document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
		// The files carry their bytes in the edit: undo removes files and link together, redo
		// brings both back byte for byte, and no crash can leave an empty file linked.
		const edit = await this.editCreating(plan, request.images);
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
		await recordProvenance(plan.provenance, files, request.images, request.alt, plan.scope, this.log);
		this.log?.info(`Inserted ${paths.join(', ')} into ${vscode.workspace.asRelativePath(document.uri)} in ${Date.now() - started} ms (plan ${planned - started} ms, edit with the bytes ${edited - planned} ms, provenance ${Date.now() - edited} ms)`);
		return { files, paths, references: plan.references };
	}

}
