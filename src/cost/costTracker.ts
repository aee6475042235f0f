import * as vscode from 'vscode';
import { estimateCost, formatUsd } from '../core/cost/cost';
import { findModel } from '../core/models/capabilities';
import type { ImageRequestOptions } from '../core/models/validation';
import { readSettings } from '../settings/settings';

/** The running total of what this window spent, in the status bar. */
export class CostTracker implements vscode.Disposable {
	private readonly item = vscode.window.createStatusBarItem('illustrate.cost', vscode.StatusBarAlignment.Right, 100);
	private totalUsd = 0;
	private images = 0;

	constructor() {
		this.item.name = vscode.l10n.t('Illustrate: cost');
		this.item.command = 'illustrate.showHistory';
	}

	get total(): number {
		return this.totalUsd;
	}

	add(costUsd: number | undefined, images: number): void {
		if (costUsd === undefined && images === 0) {
			return;
		}
		this.totalUsd += costUsd ?? 0;
		this.images += images;
		this.item.text = `$(file-media) ${formatUsd(this.totalUsd)}`;
		this.item.tooltip = vscode.l10n.t('Illustrate: {0} spent on {1} image(s) in this window, from the API\'s usage. Click to show generated images.', formatUsd(this.totalUsd), this.images);
		this.item.show();
	}

	dispose(): void {
		this.item.dispose();
	}
}

/**
 * Asks before a request whose estimate is above `illustrate.maxCostPerRequest`.
 * Resolves to whether to send it.
 */
export async function confirmCost(options: ImageRequestOptions, resource: vscode.Uri | undefined): Promise<boolean> {
	const limit = readSettings(resource).maxCostPerRequest;
	const model = findModel(options.model);
	if (limit === undefined || !model) {
		return true;
	}
	const estimate = estimateCost(model, options.quality, options.size, options.n);
	if (estimate === undefined || estimate <= limit) {
		return true;
	}
	const send = vscode.l10n.t('Send');
	// A dialog that cannot be shown counts as "no": an expensive request is never sent unasked.
	const choice = await Promise.resolve(vscode.window.showWarningMessage(
		vscode.l10n.t('This request is estimated at {0}, above your limit of {1} (illustrate.maxCostPerRequest). Send it anyway?', formatUsd(estimate), formatUsd(limit)),
		{ modal: true, detail: vscode.l10n.t('{0} × {1} at {2} quality, {3}.', options.n, options.model, options.quality, options.size) },
		send,
	)).catch(() => undefined);
	return choice === send;
}
