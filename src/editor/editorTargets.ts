import * as vscode from 'vscode';
import { markdownImageAt } from '../core/markdown/imageLinks';
import type { InsertionTarget } from '../core/markdown/insertion';
import { promptFromText } from '../core/prompt/altText';
import { Disposable } from '../lifecycle/disposable';

/** A prompt found in an editor and where its image goes. */
export interface PromptSource {
	readonly prompt: string | undefined;
	readonly target: InsertionTarget;
	/** The alt text of the image being filled. */
	readonly alt?: string;
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

/** The alt text of the inline image under the cursor as the prompt; the image fills it. */
export function altTextSource(editor: vscode.TextEditor): PromptSource | undefined {
	const image = markdownImageAt(editor.document.getText(), editor.document.offsetAt(editor.selection.active));
	if (!image || image.kind !== 'inline') {
		return undefined;
	}
	return { prompt: promptFromText(image.alt), target: { kind: 'image', start: image.start, alt: image.alt }, alt: image.alt };
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
