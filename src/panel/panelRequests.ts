import * as vscode from 'vscode';
import { altTextFromPrompt } from '../core/prompt/altText';
import { IllustrateError } from '../core/errors';
import { finalRenderOptions, toRequestOptions } from '../core/panel/requestOptions';
import { generatingStatus } from '../core/panel/batchStatus';
import { batchId, finalCardId, markInserted, slotIds as slotIdsOf, waitingCards, withFinalCard } from '../core/panel/variantViews';
import { confirmCost } from '../cost/costTracker';
import type { StoredImage } from '../history/imageStore';
import type { PanelOptions } from '../protocol/messages';
import { loadStylePresets } from '../workspace/stylePresets';
import { ensureTrusted } from '../workspace/trust';
import { runBatch } from './batchView';
import type { PanelContext } from './panelContext';

/** Sends a request with these options and shows the variants as they stream in. */
export async function generate(panel: PanelContext, options: PanelOptions): Promise<void> {
	if (panel.state.running) {
		return;
	}
	panel.lastOptions = options;
	if (!(await ensureTrusted(false))) {
		return;
	}
	const { services } = panel;
	const resource = panel.target?.documentUri;
	const request = toRequestOptions(options, await loadStylePresets(resource, services.log));
	try {
		services.images.validate(request, resource);
	} catch (error) {
		panel.update({ options, error: panel.toPanelError(error), status: undefined });
		return;
	}
	if (!(await confirmCost(request, resource, panel.services.log))) {
		panel.update({ options, status: vscode.l10n.t('Not sent: above your cost limit.') });
		return;
	}
	const slotIds = slotIdsOf(batchId(Date.now()), options.n);
	panel.update({ options, variants: waitingCards(slotIds) });
	await runBatch(
		panel,
		vscode.l10n.t('Illustrate: generating {0} image(s)', options.n),
		generatingStatus(options.n),
		(signal, events) => services.images.generate(request, resource, signal, events),
		slotIds,
	);
}

/** Re-renders a draft at high quality, as a new variant beside it. */
export async function makeFinal(panel: PanelContext, variantId: string): Promise<void> {
	const draft = panel.images.get(variantId);
	const view = panel.state.variants.find(variant => variant.id === variantId);
	if (!draft || !view || panel.state.running || !(await ensureTrusted(false))) {
		return;
	}
	const resource = panel.target?.documentUri;
	const finalOptions = finalRenderOptions(toRequestOptions(panel.state.options), draft.model);
	if (!(await confirmCost(finalOptions, resource, panel.services.log))) {
		panel.update({ status: vscode.l10n.t('Not sent: above your cost limit.') });
		return;
	}
	const id = finalCardId(variantId, Date.now());
	panel.update({ variants: withFinalCard(panel.state.variants, variantId, id) });
	await runBatch(
		panel,
		vscode.l10n.t('Illustrate: re-rendering at high quality'),
		vscode.l10n.t('Re-rendering #{0} at high quality (a new rendering guided by the draft, not an upscale)…', view.index + 1),
		(signal, events) => panel.services.images.makeFinal({ image: draft, prompt: draft.prompt }, finalOptions, resource, signal, events),
		[id],
	);
}

/** Insert (into the panel's document) or Copy Link (saved beside it, the link on the clipboard). */
export async function insert(panel: PanelContext, variantIds: readonly string[], mode: 'insert' | 'copyLink'): Promise<void> {
	const { services } = panel;
	const images = variantIds.map(id => panel.images.get(id));
	if (images.length === 0 || images.some(image => image === undefined)) {
		services.log.warn(`Insert asked for unknown variants: ${variantIds.join(', ')}`);
		return;
	}
	if (!(await ensureTrusted(false))) {
		return;
	}
	const chosen = images as StoredImage[];
	try {
		const target = panel.target;
		if (!target) {
			throw new IllustrateError(vscode.l10n.t('This panel has no document to insert into: open the document and run "Illustrate: Generate Image…" from it. The images are kept in Illustrate: Show Generated Images.'));
		}
		const document = await target.document();
		const alt = target.alt || altTextFromPrompt(chosen[0].prompt);
		const result = mode === 'insert'
			? await services.inserter.insert({ document, target: target.target, images: chosen, alt, preferredFile: target.preferredFile })
			: await services.inserter.saveAndCopyLinks({ document, images: chosen, alt });
		const saved = new Map(variantIds.map((id, index) => [id, result.paths[index]]));
		panel.update({
			error: undefined,
			status: mode === 'insert' ? vscode.l10n.t('Inserted {0}.', result.paths.join(', ')) : vscode.l10n.t('Saved {0}; the link is on the clipboard.', result.paths.join(', ')),
			variants: markInserted(panel.state.variants, saved),
		});
	} catch (error) {
		panel.update({ error: panel.toPanelError(error) });
	}
}
