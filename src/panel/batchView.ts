import * as vscode from 'vscode';
import { CancelledError } from '../core/errors';
import { BatchProgress } from '../core/generation/batchProgress';
import { MIME_TYPES } from '../core/images/imageInfo';
import { batchOutcome, progressMessage, retryStatus } from '../core/panel/batchStatus';
import { elapsedMs, withoutUnfinished } from '../core/panel/variantViews';
import { startBatchDiagnostics } from '../platform/diagnostics';
import type { VariantPixels } from '../protocol/messages';
import { PARTIAL_IMAGES, type GenerationResult, type VariantEvents } from '../providers/imageService';
import type { PanelContext } from './panelContext';
import { PanelPixels } from './panelPixels';

/**
 * Runs a batch with the panel showing its progress (each slot's card through waiting,
 * partial, ready or failed), and the notification offering Cancel.
 */
export async function runBatch(
	panel: PanelContext,
	title: string,
	status: string,
	run: (signal: AbortSignal, events: VariantEvents) => Promise<GenerationResult>,
	slotIds: readonly string[],
): Promise<void> {
	const { services, images } = panel;
	const abort = new AbortController();
	panel.abort = abort;
	const started = Date.now();
	const diagnostics = startBatchDiagnostics();
	panel.update({ running: true, startedAt: started, status, error: undefined });
	// The notification's bar follows the variants (partials, then finals): a determinate bar
	// stands still between steps, where an indeterminate one animates the whole time.
	const progress = new BatchProgress(slotIds.length, PARTIAL_IMAGES);
	let reportProgress: (increment: number) => void = () => undefined;
	// A new panel's page may still be loading when the first pixels come (an SVG can arrive at
	// once): they wait until it listens, not lost to a page without its listener yet.
	const webview = {
		postMessage: async (message: VariantPixels) => {
			await panel.pageReady;
			diagnostics?.pixels(message.variantId, message.partialIndex, 'posted', message.bytes.byteLength);
			const delivered = await panel.webview.postMessage(message);
			diagnostics?.pixels(message.variantId, message.partialIndex, 'delivered');
			return delivered;
		},
	};
	const pixels = new PanelPixels(webview, id => {
		if (!images.has(id)) {
			panel.updateVariant(id, { state: 'partial' });
		}
	}, services.log, services.cardCopies, bytes => services.images.cardCopy(bytes));
	const events: VariantEvents = {
		onPixels: (slot, arrived) => {
			const id = slotIds[slot];
			if (id && !images.has(id)) {
				diagnostics?.pixels(id, arrived.partialIndex, 'arrived');
				pixels.offer({ type: 'pixels', variantId: id, bytes: arrived.bytes, mime: MIME_TYPES[arrived.format], ...(arrived.partialIndex !== undefined ? { partialIndex: arrived.partialIndex } : {}) }, arrived.cardCopy);
				if (arrived.partialIndex !== undefined) {
					reportProgress(progress.partial(slot, arrived.partialIndex));
				}
			}
		},
		onImage: (slot, image) => {
			const id = slotIds[slot];
			if (id) {
				images.set(id, image);
				const elapsed = elapsedMs(started, Date.now());
				// After its pixels, so the card never takes a partial for the final image.
				void pixels.finalShown(id).then(() => panel.updateVariant(id, { ...panel.readyView(image, image.uri), elapsedMs: elapsed }));
				void pixels.keepCopy(id, image);
				reportProgress(progress.finish(slot));
			}
		},
		onRetry: (slot, seconds, retryCode) => {
			if (slotIds[slot]) {
				panel.update({ status: retryStatus(seconds, retryCode) });
			}
		},
		onSlotFailed: (slot, error) => {
			const id = slotIds[slot];
			if (id) {
				panel.updateVariant(id, { state: 'failed', error: error.message, src: undefined });
				reportProgress(progress.finish(slot));
			}
		},
	};
	try {
		const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (notification, token) => {
			token.onCancellationRequested(() => abort.abort());
			reportProgress = increment => notification.report({ increment, message: progressMessage(progress.finished, slotIds.length) });
			reportProgress(0);
			return run(abort.signal, events);
		});
		services.costs.add(result.costUsd, result.images.length);
		const outcome = batchOutcome(result.errors.length, slotIds.length);
		panel.update({
			running: false,
			lastCostUsd: result.costUsd,
			error: outcome.errorPrefix !== undefined ? panel.toPanelError(result.errors[0], outcome.errorPrefix) : undefined,
			status: outcome.status,
		});
	} catch (error) {
		const cancelled = error instanceof CancelledError;
		const partial = (error as { partial?: GenerationResult }).partial;
		if (partial) {
			services.costs.add(partial.costUsd, partial.images.length);
		}
		panel.update({
			running: false,
			variants: withoutUnfinished(panel.state.variants, slotIds, id => images.has(id)),
			status: cancelled ? vscode.l10n.t('Cancelled. Images that had arrived are kept.') : undefined,
			error: cancelled ? undefined : panel.toPanelError(error),
			...(partial ? { lastCostUsd: partial.costUsd } : {}),
		});
	} finally {
		diagnostics?.end(slotIds.filter(id => images.has(id)).length, Promise.allSettled(slotIds.map(id => pixels.finalShown(id))));
		if (panel.abort === abort) {
			panel.abort = undefined;
		}
	}
}
