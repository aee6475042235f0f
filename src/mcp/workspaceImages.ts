import * as l10n from '@vscode/l10n';
import type { SavedImage } from '../core/agents/toolDefinitions';
import { resolveDestination } from '../core/destination/destination';
import { FileCheckError, planImageFiles } from '../core/destination/filePlan';
import { findDocumentImages, type DocumentImage } from '../core/documents/documentImages';
import { isPlaceholder } from '../core/documents/imageStatus';
import { IllustrateError } from '../core/errors';
import { displayWidth } from '../core/links/displayWidth';
import { buildImageReference, documentKindFor, type DocumentKind } from '../core/links/documentKinds';
import { linkTargetFilePath, normalizeAltText, relativePath } from '../core/links/imageLink';
import { insertionEdits, type InsertionTarget, type TextEditSpec } from '../core/markdown/insertion';
import { fileStemFromText, freeFilePath } from '../core/naming/fileNames';
import type { OutputFormat } from '../core/models/capabilities';
import { MANIFEST_NAME, provenanceByFolder, withEntries } from '../core/provenance/manifest';
import type { KeptImage } from './historyFolder';
import { FileTakenError, type NodeWorkspace } from './nodeWorkspace';
import type { AgentSettings } from './workspaceSettings';

/**
 * Saving an image of the history into the workspace, as the extension's inserter does
 * (src/workspace/imageInserter.ts): the destination settings, a free name, the write path's
 * checks, the provenance manifest, and the link in the document's own syntax.
 */

/** Largest document the server reads. */
export const MAX_DOCUMENT_BYTES = 10 * 1024 * 1024;
const MAX_MANIFEST_BYTES = 4 * 1024 * 1024;
/** Names tried when files keep appearing at the free name found. */
const CREATE_ATTEMPTS = 5;

export interface WorkspaceDocument {
	/** Absolute (`/`-separated). */
	readonly path: string;
	/** Workspace-relative. */
	readonly relative: string;
	readonly kind: DocumentKind;
	readonly text: string;
}

/** An image of a document that can be filled: a placeholder, or a link to a file of the workspace that does not exist. */
export interface FillableImage {
	readonly image: DocumentImage;
	/** The missing file the link names, kept as the image's file where it may be. */
	readonly linked?: string;
}

export interface SaveWhere {
	readonly document?: WorkspaceDocument;
	/** Where in `document` the link goes. */
	readonly target?: InsertionTarget;
	/** A missing file the target's link already names. */
	readonly linked?: string;
	/** The file asked for (absolute); a free name beside it when it is taken. */
	readonly desired?: string;
}

export interface SaveOutcome {
	readonly saved: SavedImage;
	/** The text edits made to the document, for targets that are still to be filled. */
	readonly edits: readonly TextEditSpec[];
}

/** "The image is kept in …": said after every failure once an image is paid for. */
export function keptAt(image: KeptImage): string {
	return l10n.t('The image is kept in {0}.', image.file);
}

export class WorkspaceImages {
	constructor(private readonly workspace: NodeWorkspace, private readonly log: (line: string) => void) { }

	/** A document of the workspace by its workspace-relative path; throws when it is missing or may not be read. */
	async document(relative: string): Promise<WorkspaceDocument> {
		const path = this.workspace.pathOf(relative);
		const bytes = await this.workspace.read(path, MAX_DOCUMENT_BYTES);
		if (bytes === undefined) {
			throw new IllustrateError(l10n.t('{0} does not exist in the workspace folder {1}. Give the path of an existing document, relative to the workspace folder.', relative, this.workspace.name));
		}
		return { path, relative, kind: documentKindFor('', path), text: new TextDecoder().decode(bytes) };
	}

	/** The images of a document that still need their picture, in order. */
	async fillable(document: WorkspaceDocument): Promise<FillableImage[]> {
		const found: FillableImage[] = [];
		const folder = document.path.slice(0, document.path.lastIndexOf('/'));
		for (const image of findDocumentImages(document.text, document.kind)) {
			if (isPlaceholder(image)) {
				found.push({ image });
				continue;
			}
			const file = image.target && image.url ? linkTargetFilePath(image.url) : undefined;
			if (file === undefined) {
				continue;
			}
			const path = file.startsWith('/') ? this.workspace.pathOf(file.slice(1)) : `${folder}/${file}`;
			if (!(await this.workspace.refusal([path])) && !(await this.workspace.exists(path))) {
				found.push({ image, linked: path });
			}
		}
		return found;
	}

	/** The placeholder with this alt text; throws, naming the ones there are, when there is none. */
	async placeholder(document: WorkspaceDocument, alt: string): Promise<FillableImage> {
		const fillable = await this.fillable(document);
		const wanted = normalizeAltText(alt);
		const match = fillable.find(item => normalizeAltText(item.image.alt) === wanted)
			?? fillable.find(item => normalizeAltText(item.image.alt).toLowerCase() === wanted.toLowerCase());
		if (!match) {
			const known = fillable.map(item => `"${item.image.alt}"`).join(', ');
			throw new IllustrateError(known
				? l10n.t('{0} has no empty image link with the alt text "{1}". Its placeholders are: {2}. Nothing was generated.', document.relative, alt, known)
				: l10n.t('{0} has no empty image links. Write one such as ![{1}]() into it first, or leave "placeholder" out to add the image at the end. Nothing was generated.', document.relative, alt));
		}
		return match;
	}

	/** Saves `image` into the workspace (never over a file), records its provenance, and writes its link into the document. */
	async save(image: KeptImage, alt: string, settings: AgentSettings, where: SaveWhere): Promise<SaveOutcome> {
		const kept = keptAt(image);
		const file = await this.createFile(image, alt, settings, where, kept);
		await this.recordProvenance(file, image, alt, settings);
		const document = where.document;
		const folder = document ? document.path.slice(0, document.path.lastIndexOf('/')) : this.workspace.root;
		const linkPath = relativePath(folder, file);
		const link = buildImageReference({ kind: document?.kind ?? 'markdown', linkStyle: settings.linkStyle, alt, path: linkPath, width: displayWidth(image.width) });
		const saved: SavedImage = { path: this.workspace.relative(file), link };
		if (!document || !where.target) {
			return { saved, edits: [] };
		}
		// The text as it is now: the document may have changed while the image was made.
		const current = await this.document(document.relative);
		const eol = current.text.includes('\r\n') ? '\r\n' : '\n';
		const keepTarget = where.linked !== undefined && file === where.linked;
		const edits = insertionEdits(current.text, current.kind, where.target, { references: [link], firstPath: linkPath, keepTarget }, eol);
		if (!edits) {
			throw new IllustrateError(`${l10n.t('The image "{0}" is no longer in {1}. Nothing was written.', alt, document.relative)} ${l10n.t('The image was saved as {0}.', saved.path)}`);
		}
		let text = current.text;
		for (const edit of [...edits].sort((a, b) => b.start - a.start)) {
			text = text.slice(0, edit.start) + edit.newText + text.slice(edit.end);
		}
		try {
			await this.workspace.replaceText(current.path, text);
		} catch (error) {
			throw new IllustrateError(`${l10n.t('Could not write {0} or change {1}: check that the folder is writable and the document is not read-only.', saved.path, document.relative)} ${l10n.t('The image was saved as {0}.', saved.path)} ${error instanceof Error ? error.message : String(error)}`);
		}
		const placeholder = where.target.kind === 'image' ? { placeholder: where.target.alt } : {};
		return { saved: { ...saved, document: document.relative, ...placeholder }, edits };
	}

	/**
	 * Refuses, before anything is paid for, an image whose file would leave the workspace: by the
	 * destination settings, or through a link at the folder it would go to.
	 */
	async checkDestination(alt: string, format: OutputFormat, settings: AgentSettings, where: SaveWhere): Promise<void> {
		const more = l10n.t('Nothing was generated.');
		await this.workspace.assertInside([await this.plannedPath(format, alt, settings, where, new Set(), more)], more);
	}

	/** Where the file goes: the path asked for, else the destination settings; a free name either way. */
	private async plannedPath(format: OutputFormat, alt: string, settings: AgentSettings, where: SaveWhere, taken: Set<string>, more: string): Promise<string> {
		const exists = (path: string) => this.workspace.exists(path);
		if (where.desired) {
			return freeFilePath(where.desired, taken, exists);
		}
		const documentPath = where.document?.path ?? this.workspace.pathOf('README.md');
		let plan;
		try {
			plan = await planImageFiles({
				formats: [format],
				stem: fileStemFromText(alt),
				documentScheme: 'file',
				boundary: this.workspace.root,
				...(where.linked ? { linked: { scheme: 'file', path: where.linked } } : {}),
				destination: fileName => resolveDestination(settings.destinations, { documentPath, workspaceFolderPath: this.workspace.root, workspaceFolderPaths: [this.workspace.root], fileName, now: new Date() }),
				exists,
			});
		} catch (error) {
			const cause = error instanceof FileCheckError ? error.cause : error;
			throw new IllustrateError(`${l10n.t('Could not check where to save the image: {0}.', cause instanceof Error ? cause.message : String(cause))} ${more}`);
		}
		if (plan.kind === 'outside') {
			throw new IllustrateError(`${l10n.t('The image destination {0} is outside the workspace folder {1}: change illustrate.destination (or markdown.copyFiles.destination). Nothing was written.', plan.path, this.workspace.name)} ${more}`);
		}
		return plan.paths[0];
	}

	private async createFile(image: KeptImage, alt: string, settings: AgentSettings, where: SaveWhere, kept: string): Promise<string> {
		const taken = new Set<string>();
		let path = await this.plannedPath(image.format, alt, settings, where, taken, kept);
		for (let attempt = 1; ; attempt++) {
			try {
				await this.workspace.create(path, image.data, kept);
				return path;
			} catch (error) {
				if (!(error instanceof FileTakenError) || attempt >= CREATE_ATTEMPTS) {
					throw error instanceof IllustrateError ? error : new IllustrateError(`${l10n.t('Could not write {0}: {1}.', this.workspace.relative(path), error instanceof Error ? error.message : String(error))} ${kept}`);
				}
				taken.add(path);
				path = await freeFilePath(path, taken, (candidate: string) => this.workspace.exists(candidate));
			}
		}
	}

	/** Adds the image to its folder's manifest (illustrate.provenance); a failure is logged and never undoes the save. */
	private async recordProvenance(file: string, image: KeptImage, alt: string, settings: AgentSettings): Promise<void> {
		if (settings.provenance !== 'manifest') {
			return;
		}
		for (const [folder, entries] of provenanceByFolder([file], [image], alt)) {
			const manifest = `${folder}/${MANIFEST_NAME}`;
			try {
				const existing = await this.workspace.read(manifest, MAX_MANIFEST_BYTES);
				const text = withEntries(existing === undefined ? undefined : new TextDecoder().decode(existing), entries);
				if (text === undefined) {
					this.log(`${this.workspace.relative(manifest)} is not valid JSON: left as it is, without the new image.`);
				} else if (existing === undefined) {
					await this.workspace.create(manifest, new TextEncoder().encode(text));
				} else {
					await this.workspace.replaceText(manifest, text);
				}
			} catch (error) {
				this.log(`Could not update ${this.workspace.relative(manifest)}: ${error instanceof Error ? error.message : String(error)}`);
			}
		}
	}
}
