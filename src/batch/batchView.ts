import * as vscode from 'vscode';
import { ENDED_STATUSES, entriesToRetry, type BatchEntry, type BatchRecord } from '../core/batchApi/batchRecord';
import { batchDescription, statusLabel } from '../core/batchApi/batchReport';
import type { BatchService } from './batchService';

/** The view's id (package.json `contributes.views.explorer`) and the context key that shows it. */
export const BATCH_VIEW_ID = 'illustrate.batches';
export const HAS_BATCHES_KEY = 'illustrate.hasBatches';

/** At most this many requests are listed under a batch (the rest are counted). */
const LISTED_ENTRIES = 200;

type Node = { readonly kind: 'batch'; readonly record: BatchRecord } | { readonly kind: 'entry'; readonly record: BatchRecord; readonly entry: BatchEntry } | { readonly kind: 'more'; readonly count: number };

/** The context value of a batch's node: what its menu offers (Cancel while running, Retry Failed once some failed, Remove from List once delivered). */
export function batchContextValue(record: BatchRecord): string {
	const running = !ENDED_STATUSES.has(record.status) && record.status !== 'cancelling';
	const retry = record.delivered && entriesToRetry(record).length > 0;
	return `illustrateBatch${running ? '.running' : ''}${retry ? '.retry' : ''}${record.delivered ? '.removable' : ''}`;
}

/** A short label of a batch: how many images, from how many documents, when. */
export function batchLabel(record: BatchRecord): string {
	const documents = new Set(record.entries.map(entry => entry.document)).size;
	const when = new Date(record.createdAt).toLocaleString(vscode.env.language, { dateStyle: 'short', timeStyle: 'short' });
	return vscode.l10n.t('{0} image(s) in {1} document(s), {2}', record.entries.length, documents, when);
}

/**
 * "Illustrate Batches" in the Explorer: each batch with its state and counts, and under it its
 * requests with what became of each (inserted, kept in the history, failed and why). Shown
 * while there are batches; follows the service.
 */
export class BatchTree implements vscode.TreeDataProvider<Node>, vscode.Disposable {
	private readonly changed = new vscode.EventEmitter<Node | undefined>();
	readonly onDidChangeTreeData = this.changed.event;
	private readonly subscriptions: vscode.Disposable[] = [];
	private readonly statusBar = vscode.window.createStatusBarItem('illustrate.batches', vscode.StatusBarAlignment.Left, 10);

	constructor(private readonly service: BatchService) {
		this.statusBar.name = vscode.l10n.t('Illustrate Batches');
		this.statusBar.command = 'illustrate.showBatches';
		this.subscriptions.push(service.onDidChange(() => this.refresh()), vscode.window.registerTreeDataProvider(BATCH_VIEW_ID, this), this.statusBar);
		this.refresh();
	}

	dispose(): void {
		for (const subscription of this.subscriptions) {
			subscription.dispose();
		}
		this.changed.dispose();
	}

	private refresh(): void {
		this.changed.fire(undefined);
		const batches = this.service.batches;
		void vscode.commands.executeCommand('setContext', HAS_BATCHES_KEY, batches.length > 0);
		const running = batches.filter(record => !record.delivered);
		if (running.length === 0) {
			this.statusBar.hide();
			return;
		}
		const done = running.reduce((sum, record) => sum + record.counts.completed + record.counts.failed, 0);
		const total = running.reduce((sum, record) => sum + record.entries.length, 0);
		this.statusBar.text = `$(cloud-upload) ${vscode.l10n.t('{0} of {1} images', done, total)}`;
		this.statusBar.tooltip = running.map(record => `${batchLabel(record)}: ${batchDescription(record)}`).join('\n');
		this.statusBar.show();
	}

	getChildren(node?: Node): Node[] {
		if (!node) {
			return this.service.batches.map(record => ({ kind: 'batch', record }));
		}
		if (node.kind !== 'batch') {
			return [];
		}
		const entries = node.record.entries.slice(0, LISTED_ENTRIES).map(entry => ({ kind: 'entry' as const, record: node.record, entry }));
		return node.record.entries.length > LISTED_ENTRIES ? [...entries, { kind: 'more', count: node.record.entries.length - LISTED_ENTRIES }] : entries;
	}

	getTreeItem(node: Node): vscode.TreeItem {
		if (node.kind === 'more') {
			return new vscode.TreeItem(vscode.l10n.t('… and {0} more', node.count));
		}
		if (node.kind === 'batch') {
			// The state and counts first: what a narrow sidebar must not cut off.
			const item = new vscode.TreeItem(batchDescription(node.record), vscode.TreeItemCollapsibleState.Collapsed);
			item.id = node.record.id;
			item.description = batchLabel(node.record);
			item.tooltip = `${batchLabel(node.record)}\n${node.record.id}\n${statusLabel(node.record.status)}${node.record.error ? `\n${node.record.error}` : ''}`;
			item.contextValue = batchContextValue(node.record);
			item.iconPath = new vscode.ThemeIcon(node.record.delivered ? 'check-all' : ENDED_STATUSES.has(node.record.status) ? 'cloud-download' : 'sync');
			return item;
		}
		const outcome = node.record.outcomes[node.entry.customId];
		const item = new vscode.TreeItem(node.entry.alt || node.entry.prompt);
		item.id = `${node.record.id}/${node.entry.customId}`;
		item.description = `${vscode.workspace.asRelativePath(vscode.Uri.parse(node.entry.document, true))}${outcome?.reason && outcome.reason !== 'pending' ? ` · ${outcome.reason}` : ''}`;
		item.iconPath = new vscode.ThemeIcon(!outcome || outcome.reason === 'pending' ? 'circle-outline' : outcome.result === 'applied' ? 'pass' : outcome.result === 'kept' ? 'history' : 'error');
		item.tooltip = outcome?.reason && outcome.reason !== 'pending' ? outcome.reason : undefined;
		item.command = { command: 'vscode.open', title: vscode.l10n.t('Open Document'), arguments: [vscode.Uri.parse(node.entry.document, true)] };
		return item;
	}
}
