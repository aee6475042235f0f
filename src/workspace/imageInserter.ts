import * as vscode from 'vscode';
import { buildMarkdownImage, formatLinkDestination, relativePath } from '../core/links/imageLink';
import { insertionEdits, type InsertionTarget } from '../core/markdown/insertion';
import { extensionForFormat, fileStemFromText, numberedFileNames } from '../core/naming/fileNames';
import type { ImageStore, StoredImage } from '../history/imageStore';
import { IllustrateError } from '../providers/imageService';

export interface InsertRequest {
	readonly document: vscode.TextDocument;
	readonly target: InsertionTarget;
	readonly images: readonly StoredImage[];
	/** The alt text written with every link; also names the files. */
	readonly alt: string;
}

export interface InsertResult {
	readonly files: readonly vscode.Uri[];
	/** Paths as written in the document, relative to it. */
	readonly paths: readonly string[];
}

async function exists(uri: vscode.Uri): Promise<boolean> {
	try {
		await vscode.workspace.fs.stat(uri);
		return true;
	} catch (error) {
		if (error instanceof vscode.FileSystemError && error.code === 'FileNotFound') {
			return false;
		}
		throw error;
	}
}

/** The first name in `stem.ext`, `stem-1.ext`, … that is neither on disk nor taken in this batch. */
async function freeFileUri(folder: vscode.Uri, stem: string, extension: string, taken: Set<string>): Promise<vscode.Uri> {
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
 * Saves images beside a document and links them, as one workspace edit: the new files
 * and the text change are undone together. Never overwrites a file.
 */
export class ImageInserter {
	constructor(private readonly store: ImageStore) { }

	/** Where each image would go beside the document, and the link to it. */
	private async plan(request: { readonly document: vscode.TextDocument; readonly images: readonly StoredImage[]; readonly alt: string }) {
		const document = request.document.isClosed ? await vscode.workspace.openTextDocument(request.document.uri) : request.document;
		if (document.isUntitled) {
			throw new IllustrateError('Save the document first, so Illustrate knows where to put the image files. The images are kept in Illustrate: Show Generated Images.');
		}
		const documentFolder = vscode.Uri.joinPath(document.uri, '..');
		const destination = vscode.Uri.joinPath(documentFolder, 'images');
		const stem = fileStemFromText(request.alt);
		const taken = new Set<string>();
		const files: vscode.Uri[] = [];
		for (const image of request.images) {
			files.push(await freeFileUri(destination, stem, extensionForFormat(image.format), taken));
		}
		const paths = files.map(file => relativePath(documentFolder.path, file.path));
		const links = paths.map(path => buildMarkdownImage(request.alt, path));
		return { document, files, paths, links };
	}

	/** Saves the images beside the document (never overwriting) and puts their links on the clipboard. */
	async saveAndCopyLinks(request: { readonly document: vscode.TextDocument; readonly images: readonly StoredImage[]; readonly alt: string }): Promise<InsertResult> {
		const { document, files, paths, links } = await this.plan(request);
		const edit = new vscode.WorkspaceEdit();
		for (const [index, file] of files.entries()) {
			edit.createFile(file, { contents: await this.store.read(request.images[index]), overwrite: false, ignoreIfExists: false });
		}
		if (!(await vscode.workspace.applyEdit(edit))) {
			throw new IllustrateError(`Could not write ${paths.join(', ')} beside ${vscode.workspace.asRelativePath(document.uri)}: check that the folder is writable. The images are kept in Illustrate: Show Generated Images.`);
		}
		await vscode.env.clipboard.writeText(links.join('\n\n'));
		return { files, paths };
	}

	async insert(request: InsertRequest): Promise<InsertResult> {
		const { document, files, paths, links } = await this.plan(request);
		const eol = document.eol === vscode.EndOfLine.CRLF ? '\r\n' : '\n';
		const textEdits = insertionEdits(document.getText(), request.target, { links, firstDestination: formatLinkDestination(paths[0]) }, eol);
		if (!textEdits) {
			throw new IllustrateError(`The image link "![${request.alt}]" is no longer in ${vscode.workspace.asRelativePath(document.uri)}. Nothing was written; the images are kept in Illustrate: Show Generated Images.`);
		}

		const edit = new vscode.WorkspaceEdit();
		for (const [index, file] of files.entries()) {
			edit.createFile(file, { contents: await this.store.read(request.images[index]), overwrite: false, ignoreIfExists: false });
		}
		for (const spec of textEdits) {
			edit.replace(document.uri, new vscode.Range(document.positionAt(spec.start), document.positionAt(spec.end)), spec.newText);
		}
		const applied = await vscode.workspace.applyEdit(edit, { isRefactoring: false });
		if (!applied) {
			throw new IllustrateError(`Could not write ${paths.join(', ')} or change ${vscode.workspace.asRelativePath(document.uri)}: check that the folder is writable and the document is not read-only. The images are kept in Illustrate: Show Generated Images.`);
		}
		return { files, paths };
	}
}
