import * as vscode from 'vscode';
import { estimateCost, formatUsd } from '../core/cost/cost';
import { findModel } from '../core/models/capabilities';
import type { ImageRequestOptions } from '../core/models/validation';
import { readSettings } from '../settings/settings';
import type { SettingsService } from '../settings/settingsService';

/**
 * The running total of what this window spent, in the status bar, with the cost limit in its
 * tooltip; the tooltip follows the setting.
 */
export class CostTracker implements vscode.Disposable {
	private readonly item = vscode.window.createStatusBarItem('illustrate.cost', vscode.StatusBarAlignment.Right, 100);
	private readonly listener: vscode.Disposable;
	private totalUsd = 0;
	private images = 0;
	private shown = false;

	constructor(private readonly settings: SettingsService) {
		this.item.name = vscode.l10n.t('Illustrate: cost');
		this.item.command = 'illustrate.showHistory';
		this.listener = settings.onDidChange(event => {
			if (event.affectsConfiguration('illustrate.maxCostPerRequest')) {
				this.render();
			}
		});
	}

	get total(): number {
		return this.totalUsd;
	}

	/** The status bar item's tooltip, as shown. */
	get tooltip(): string {
		return typeof this.item.tooltip === 'string' ? this.item.tooltip : '';
	}

	add(costUsd: number | undefined, images: number): void {
		if (costUsd === undefined && images === 0) {
			return;
		}
		this.totalUsd += costUsd ?? 0;
		this.images += images;
		this.shown = true;
		this.render();
		this.item.show();
	}

	private render(): void {
		if (!this.shown) {
			return;
		}
		const limit = this.settings.read().maxCostPerRequest;
		const spent = vscode.l10n.t('Illustrate: {0} spent on {1} image(s) in this window, from the API\'s usage. Click to show generated images.', formatUsd(this.totalUsd), this.images);
		this.item.text = `$(file-media) ${formatUsd(this.totalUsd)}`;
		this.item.tooltip = limit === undefined ? spent : `${spent} ${vscode.l10n.t('A request estimated above {0} asks first (illustrate.maxCostPerRequest).', formatUsd(limit))}`;
	}

	dispose(): void {
		this.listener.dispose();
		this.item.dispose();
	}
}

/**
 * Asks before a request whose estimate is above `illustrate.maxCostPerRequest`.
 * Resolves to whether to send it.
 */
export async function confirmCost(options: ImageRequestOptions, resource: vscode.Uri | undefined, log: Pick<vscode.LogOutputChannel, 'warn'>): Promise<boolean> {
	const limit = readSettings(resource).maxCostPerRequest;
	const model = findModel(options.model);
	if (limit === undefined || !model) {
		return true;
	}
	const estimate = estimateCost(model, options.quality, options.size, options.n, options.outputFormat);
	if (estimate === undefined || estimate <= limit) {
		return true;
	}
	const send = vscode.l10n.t('Send');
	// A dialog that cannot be shown counts as "no": an expensive request is never sent unasked.
	const choice = await Promise.resolve(vscode.window.showWarningMessage(
		vscode.l10n.t('This request is estimated at {0}, above your limit of {1} (illustrate.maxCostPerRequest). Send it anyway?', formatUsd(estimate), formatUsd(limit)),
		{ modal: true, detail: vscode.l10n.t('{0} × {1} at {2} quality, {3}.', options.n, options.model, options.quality, options.size) },
		send,
	)).catch((error: unknown) => {
		log.warn(`The cost question could not be shown, so the request was not sent: ${error instanceof Error ? error.message : String(error)}`);
		return undefined;
	});
	return choice === send;
}
