import * as vscode from 'vscode';
import { isFillableStatus } from '../core/documents/imageStatus';
import { DOCUMENT_SELECTOR, type DocumentImageIndex } from './documentPlaceholders';
import { GENERATE_AT_COMMAND } from './imageLenses';

/**
 * "Generate image for this placeholder" in the quick fix menu (Ctrl+. / Cmd+.) on every
 * placeholder and every link to a missing file, in every document kind Illustrate links: the
 * code lens's command, for those who turn code lenses off (it shows whatever
 * `illustrate.codeLens` says).
 */
export class PlaceholderActions implements vscode.CodeActionProvider, vscode.Disposable {
	static readonly kinds = [vscode.CodeActionKind.QuickFix];
	private readonly registration: vscode.Disposable;

	constructor(private readonly index: DocumentImageIndex) {
		this.registration = vscode.languages.registerCodeActionsProvider(DOCUMENT_SELECTOR, this, { providedCodeActionKinds: PlaceholderActions.kinds });
	}

	async provideCodeActions(document: vscode.TextDocument, range: vscode.Range | vscode.Selection, context: vscode.CodeActionContext): Promise<vscode.CodeAction[]> {
		if (context.only && !context.only.contains(vscode.CodeActionKind.QuickFix)) {
			return [];
		}
		const actions: vscode.CodeAction[] = [];
		for (const item of await this.index.classify(document)) {
			if (!isFillableStatus(item.status) || !item.range.intersection(range)) {
				continue;
			}
			const title = item.status === 'missing' && item.file
				? vscode.l10n.t('Generate image for this placeholder ({0})', vscode.workspace.asRelativePath(item.file))
				: vscode.l10n.t('Generate image for this placeholder');
			const action = new vscode.CodeAction(title, vscode.CodeActionKind.QuickFix);
			action.command = { title, command: GENERATE_AT_COMMAND, arguments: [document.uri, item.image.start] };
			actions.push(action);
		}
		return actions;
	}

	dispose(): void {
		this.registration.dispose();
	}
}
