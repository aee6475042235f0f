import * as vscode from 'vscode';
import { findDocumentImages, type DocumentImage } from '../core/documents/documentImages';
import { documentKindFor } from '../core/links/documentKinds';
import { Disposable } from '../lifecycle/disposable';

export const CURSOR_IN_IMAGE_LINK = 'illustrate.cursorInImageLink';

/**
 * Keeps the `illustrate.cursorInImageLink` context key current, for the editor menu's
 * "Generate Image from Alt Text". Parses a document once per version, not per cursor move.
 */
export class ImageLinkContext extends Disposable {
	private cache: { uri: string; version: number; images: DocumentImage[] } | undefined;
	private value = false;
	private pending: ReturnType<typeof setTimeout> | undefined;

	constructor() {
		super();
		this.register(vscode.window.onDidChangeTextEditorSelection(event => this.schedule(event.textEditor)));
		this.register(vscode.window.onDidChangeActiveTextEditor(editor => this.schedule(editor)));
		this.register({ dispose: () => clearTimeout(this.pending) });
		this.schedule(vscode.window.activeTextEditor);
	}

	private schedule(editor: vscode.TextEditor | undefined): void {
		clearTimeout(this.pending);
		this.pending = setTimeout(() => this.refresh(editor), 50);
	}

	private refresh(editor: vscode.TextEditor | undefined): void {
		const inside = editor !== undefined && this.imageAt(editor.document, editor.selection.active) !== undefined;
		if (inside !== this.value) {
			this.value = inside;
			void vscode.commands.executeCommand('setContext', CURSOR_IN_IMAGE_LINK, inside);
		}
	}

	private imageAt(document: vscode.TextDocument, position: vscode.Position): DocumentImage | undefined {
		const uri = document.uri.toString();
		if (this.cache?.uri !== uri || this.cache.version !== document.version) {
			this.cache = { uri, version: document.version, images: findDocumentImages(document.getText(), documentKindFor(document.languageId, document.uri.path)) };
		}
		const offset = document.offsetAt(position);
		return this.cache.images.find(image => image.target !== undefined && offset >= image.start && offset <= image.end);
	}
}
