import * as vscode from 'vscode';
import { findDocumentImages, type DocumentImage } from '../core/documents/documentImages';
import { isFillableStatus, isPlaceholder, linkedImageStatus, type ImageStatus } from '../core/documents/imageStatus';
import { documentKindFor, type DocumentKind } from '../core/links/documentKinds';
import { linkTargetFilePath } from '../core/links/imageLink';
import { formatOfFileName } from '../core/images/imageFormats';
import type { OutputFormat } from '../core/models/capabilities';
import { describeFileError, fileExists } from '../platform/fileErrors';

/** The document kinds Illustrate reads and writes images in. */
export const DOCUMENT_SELECTOR: vscode.DocumentSelector = [
	{ language: 'markdown' },
	{ language: 'mdx' },
	{ pattern: '**/*.mdx' },
	{ language: 'html' },
	{ language: 'restructuredtext' },
	{ pattern: '**/*.rst' },
	{ language: 'asciidoc' },
	{ pattern: '**/*.{adoc,asciidoc}' },
];

export interface ClassifiedImage {
	readonly image: DocumentImage;
	readonly status: ImageStatus;
	/** The local file the image links, when it is one. */
	readonly file?: vscode.Uri;
	readonly range: vscode.Range;
}

export function documentKind(document: vscode.TextDocument): DocumentKind {
	return documentKindFor(document.languageId, document.uri.path);
}

/** The local file a link target points at, relative to the document (or the workspace folder for `/…`). */
export function resolveLinkTarget(document: vscode.TextDocument, url: string): vscode.Uri | undefined {
	const path = linkTargetFilePath(url);
	if (path === undefined) {
		return undefined;
	}
	if (path.startsWith('/')) {
		const folder = vscode.workspace.getWorkspaceFolder(document.uri);
		return folder ? vscode.Uri.joinPath(folder.uri, path) : undefined;
	}
	return vscode.Uri.joinPath(document.uri, '..', path);
}

/**
 * Every image of a document with what it links: placeholders, links to missing files,
 * existing images. Parsed once per document version.
 */
export class DocumentImageIndex {
	/** `log` hears of link targets whose existence could not be checked. */
	constructor(private readonly log?: { warn(message: string): void }) { }

	private readonly cache = new Map<string, { version: number; images: Promise<ClassifiedImage[]> }>();

	classify(document: vscode.TextDocument): Promise<ClassifiedImage[]> {
		const key = document.uri.toString();
		const cached = this.cache.get(key);
		if (cached && cached.version === document.version) {
			return cached.images;
		}
		const images = this.compute(document);
		this.cache.set(key, { version: document.version, images });
		if (this.cache.size > 50) {
			this.cache.delete(this.cache.keys().next().value as string);
		}
		return images;
	}

	forget(document: vscode.TextDocument): void {
		this.cache.delete(document.uri.toString());
	}

	private async compute(document: vscode.TextDocument): Promise<ClassifiedImage[]> {
		const images = findDocumentImages(document.getText(), documentKind(document));
		return Promise.all(images.map(async (image): Promise<ClassifiedImage> => {
			const range = new vscode.Range(document.positionAt(image.start), document.positionAt(image.end));
			if (isPlaceholder(image)) {
				return { image, status: 'placeholder', range };
			}
			const file = image.url ? resolveLinkTarget(document, image.url) : undefined;
			if (!file) {
				return { image, status: linkedImageStatus(image, { kind: 'none' }), range };
			}
			return { image, status: linkedImageStatus(image, { kind: 'file', exists: await this.existsOrUnknown(file) }), file, range };
		}));
	}

	/** Undefined (logged) when the file system cannot say: such a link is neither filled nor regenerated. */
	private async existsOrUnknown(file: vscode.Uri): Promise<boolean | undefined> {
		try {
			return await fileExists(file);
		} catch (error) {
			this.log?.warn(`Could not check whether ${vscode.workspace.asRelativePath(file)} exists (${describeFileError(error)}): its link is left alone.`);
			return undefined;
		}
	}
}

/** Placeholders and links to missing files: what Fill Missing Images fills. */
export function isFillable(image: ClassifiedImage): boolean {
	return isFillableStatus(image.status);
}

/** The format each placeholder is filled in: a link to a missing diagram.svg in SVG, any other in the settings' format. */
export function fillFormats(items: readonly ClassifiedImage[], outputFormat: OutputFormat): OutputFormat[] {
	return items.map(item => (item.status === 'missing' && item.file ? formatOfFileName(item.file.path) : undefined) ?? outputFormat);
}
