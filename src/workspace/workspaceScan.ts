import * as vscode from 'vscode';
import { runBounded } from '../core/generation/concurrency';
import { findDocumentImages } from '../core/documents/documentImages';
import { localLinkTargets, workspacePlaceholders, type WorkspacePlaceholder } from '../core/workspaceFill/placeholderIdentity';
import { yieldToEventLoop } from '../platform/eventLoop';
import { missingLinkTargets } from './linkedFiles';
import { DOCUMENT_GLOB, documentKindOfPath, looksBinary, mayHoldImages, MAX_DOCUMENT_BYTES, scanExcludeGlob, type SkipReason } from '../core/workspaceFill/scanRules';

/** Documents read at once. */
const PARALLEL_READS = 8;

export interface WorkspaceScan {
	/** In document order (by path), then in text order. */
	readonly placeholders: WorkspacePlaceholder[];
	/** Documents read. */
	readonly documents: number;
	readonly skipped: { readonly uri: vscode.Uri; readonly reason: SkipReason }[];
}

const decoder = new TextDecoder('utf-8');

/** The text Illustrate would edit: an open document's, unsaved changes included, else the file's. */
async function documentText(uri: vscode.Uri, open: ReadonlyMap<string, vscode.TextDocument>): Promise<string | SkipReason> {
	const document = open.get(uri.toString());
	if (document) {
		return document.getText();
	}
	try {
		const stat = await vscode.workspace.fs.stat(uri);
		if (stat.size > MAX_DOCUMENT_BYTES) {
			return 'tooLarge';
		}
		const bytes = await vscode.workspace.fs.readFile(uri);
		if (bytes.length > MAX_DOCUMENT_BYTES) {
			return 'tooLarge';
		}
		return looksBinary(bytes) ? 'binary' : decoder.decode(bytes);
	} catch {
		return 'unreadable';
	}
}

/** The documents to scan in one workspace folder: its kinds, minus `files.exclude` and `search.exclude`. */
async function folderDocuments(folder: vscode.WorkspaceFolder, include: string | undefined, token: vscode.CancellationToken | undefined): Promise<vscode.Uri[]> {
	const exclude = scanExcludeGlob(
		vscode.workspace.getConfiguration('files', folder.uri).get('exclude'),
		vscode.workspace.getConfiguration('search', folder.uri).get('exclude'),
	);
	// An exclude given replaces files.exclude entirely, so an empty one must be null rather than undefined.
	const found = await vscode.workspace.findFiles(new vscode.RelativePattern(folder, include ?? DOCUMENT_GLOB), exclude !== undefined ? new vscode.RelativePattern(folder, exclude) : null, undefined, token);
	return found.filter(uri => documentKindOfPath(uri.path) !== undefined);
}

/**
 * Every placeholder with alt text in every document of a kind Illustrate links across the
 * workspace folders, and every link with alt text to a file that does not exist yet (as Fill
 * Missing Images in a document fills them). Documents are read a few at a time, each parsed as
 * it arrives, so the extension host keeps answering; huge, binary and unreadable files are
 * skipped and listed.
 */
export async function scanWorkspace(include: string | undefined, token?: vscode.CancellationToken, log?: Pick<vscode.LogOutputChannel, 'warn'>): Promise<WorkspaceScan> {
	const uris = (await Promise.all((vscode.workspace.workspaceFolders ?? []).map(folder => folderDocuments(folder, include, token)))).flat();
	const unique = [...new Map(uris.map(uri => [uri.toString(), uri])).values()].sort((a, b) => a.toString().localeCompare(b.toString()));
	const open = new Map(vscode.workspace.textDocuments.map(document => [document.uri.toString(), document]));
	const perDocument: WorkspacePlaceholder[][] = new Array(unique.length);
	const skipped: WorkspaceScan['skipped'] = [];
	await runBounded(unique.map((uri, index) => async () => {
		if (token?.isCancellationRequested) {
			return;
		}
		const text = await documentText(uri, open);
		if (text === 'tooLarge' || text === 'binary' || text === 'unreadable') {
			skipped.push({ uri, reason: text });
			return;
		}
		const kind = documentKindOfPath(uri.path)!;
		if (!mayHoldImages(text, kind)) {
			return;
		}
		// Documents read together would otherwise be parsed back to back in one turn of the event loop.
		await yieldToEventLoop();
		const images = findDocumentImages(text, kind);
		const targets = localLinkTargets(images);
		const missing = targets.length > 0 ? await missingLinkTargets(uri, targets, log) : undefined;
		perDocument[index] = workspacePlaceholders(uri.toString(), text, kind, undefined, missing, images);
	}), PARALLEL_READS);
	return { placeholders: perDocument.flatMap(placeholders => placeholders ?? []), documents: unique.length - skipped.length, skipped };
}
