import * as vscode from 'vscode';
import { shiftTarget, type InsertionTarget } from '../core/markdown/insertion';
import { Disposable } from '../lifecycle/disposable';

/**
 * Where images will be inserted in a document, kept current while the user edits it
 * during the seconds a generation takes.
 */
export class TrackedTarget extends Disposable {
	private current: InsertionTarget;

	constructor(
		readonly documentUri: vscode.Uri,
		target: InsertionTarget,
		/** The alt text of the image being filled; undefined when it comes from the prompt. */
		readonly alt: string | undefined,
		/** A link's missing file, where the first image is saved (its link is kept as written). */
		readonly preferredFile?: vscode.Uri,
	) {
		super();
		this.current = target;
		this.register(vscode.workspace.onDidChangeTextDocument(event => {
			if (event.document.uri.toString() === this.documentUri.toString() && event.contentChanges.length > 0) {
				this.current = shiftTarget(this.current, event.contentChanges);
			}
		}));
	}

	get target(): InsertionTarget {
		return this.current;
	}

	/** "README.md, line 3" for the panel. */
	describe(): string {
		const document = vscode.workspace.textDocuments.find(doc => doc.uri.toString() === this.documentUri.toString());
		const name = vscode.workspace.asRelativePath(this.documentUri);
		if (!document) {
			return name;
		}
		const offset = this.current.kind === 'image' ? this.current.start : this.current.offset;
		return vscode.l10n.t('{0}, line {1}', name, document.positionAt(offset).line + 1);
	}

	async document(): Promise<vscode.TextDocument> {
		return vscode.workspace.openTextDocument(this.documentUri);
	}
}
