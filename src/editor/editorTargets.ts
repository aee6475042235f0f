import * as vscode from 'vscode';
import { documentImageAt } from '../core/documents/documentImages';
import { formatOfFileName } from '../core/images/imageFormats';
import { documentKindFor } from '../core/links/documentKinds';
import type { InsertionTarget } from '../core/markdown/insertion';
import type { OutputFormat } from '../core/models/capabilities';
import { promptFromText } from '../core/prompt/altText';
import { resolveLinkTarget } from './documentPlaceholders';
import { provenanceOf, type ManifestLog } from './imageLenses';
import { Disposable } from '../lifecycle/disposable';
import { fileExists } from '../platform/fileErrors';

/** A prompt found in an editor and where its image goes. */
export interface PromptSource {
	readonly prompt: string | undefined;
	readonly target: InsertionTarget;
	/** The alt text of the image being filled. */
	readonly alt?: string;
	/** The image's current target, when it has one. */
	readonly url?: string;
	/** A missing file the image links: the first image is saved there. */
	readonly preferredFile?: vscode.Uri;
	/** The format that file's extension asks for. */
	readonly outputFormat?: OutputFormat;
}

/** The selected text as the prompt; the image goes after the selection. */
export function selectionSource(editor: vscode.TextEditor): PromptSource | undefined {
	const selection = editor.selection;
	if (selection.isEmpty) {
		return undefined;
	}
	const prompt = promptFromText(editor.document.getText(selection));
	return prompt ? { prompt, target: { kind: 'after', offset: editor.document.offsetAt(selection.end) } } : undefined;
}

/**
 * The alt text of the image under the cursor as the prompt; the image fills it. Works in
 * every document kind Illustrate writes: `![alt](…)`, `<img alt>`, `.. image::`, `image::…[alt]`.
 */
export function altTextSource(editor: vscode.TextEditor): PromptSource | undefined {
	const document = editor.document;
	const image = documentImageAt(document.getText(), documentKindFor(document.languageId, document.uri.path), document.offsetAt(editor.selection.active));
	if (!image?.target) {
		return undefined;
	}
	return { prompt: promptFromText(image.alt), target: { kind: 'image', start: image.start, alt: image.alt }, alt: image.alt, ...(image.url ? { url: image.url } : {}) };
}

/**
 * Completes a source from an image that already has a target: a link to a missing file
 * is filled at that very path (in the format its extension names); an existing image is
 * regenerated from the prompt recorded in its folder's provenance manifest.
 */
export async function withLinkedFile(document: vscode.TextDocument, source: PromptSource, log?: ManifestLog): Promise<PromptSource> {
	if (!source.url) {
		return source;
	}
	const file = resolveLinkTarget(document, source.url);
	if (!file) {
		return source;
	}
	if (!(await fileExists(file))) {
		const format = formatOfFileName(file.path);
		return format ? { ...source, preferredFile: file, outputFormat: format } : source;
	}
	const provenance = await provenanceOf(file, log);
	return provenance?.prompt ? { ...source, prompt: provenance.prompt } : source;
}

/** Where an image goes in an editor with no prompt of its own: the image under the cursor, else after the cursor's line. */
export function cursorTarget(editor: vscode.TextEditor): PromptSource {
	return altTextSource(editor) ?? { prompt: undefined, target: { kind: 'after', offset: editor.document.offsetAt(editor.selection.active) } };
}

/**
 * The text editor the user last worked in. A webview with focus leaves
 * `window.activeTextEditor` undefined, so panels insert into this one.
 */
export class LastTextEditor extends Disposable {
	private editor: vscode.TextEditor | undefined = vscode.window.activeTextEditor;

	constructor() {
		super();
		this.register(vscode.window.onDidChangeActiveTextEditor(editor => {
			if (editor) {
				this.editor = editor;
			}
		}));
	}

	get current(): vscode.TextEditor | undefined {
		const editor = vscode.window.activeTextEditor ?? this.editor;
		if (editor && editor.document.isClosed) {
			return vscode.window.visibleTextEditors.find(visible => visible.document.uri.toString() === editor.document.uri.toString());
		}
		return editor;
	}
}
