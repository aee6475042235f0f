import * as vscode from 'vscode';
import { altTextFromPrompt } from '../core/prompt/altText';
import { IllustrateError } from '../core/errors';
import { IMAGE_FILE_EXTENSIONS } from '../core/images/imageFormats';
import { editingStatus } from '../core/panel/batchStatus';
import { toRequestOptions } from '../core/panel/requestOptions';
import { batchId, cardName, editChainFor, MAX_REFERENCES, slotIds as slotIdsOf, waitingEditCards } from '../core/panel/variantViews';
import { confirmCost } from '../cost/costTracker';
import type { PanelState, WebviewToHostMessage } from '../protocol/messages';
import type { EditInputs } from '../providers/imageService';
import { loadStylePresets } from '../workspace/stylePresets';
import { ensureTrusted } from '../workspace/trust';
import { runBatch } from './batchView';
import { decodePanelPng, inputFromStored, inputFromWorkspaceFile, referenceOf, viewOf, type EditSession } from './editSession';
import type { PanelContext } from './panelContext';

/** The edit session as the panel shows it: the image edited, the references, the chain that led to it. */
export function editView(session: EditSession | undefined, webview: vscode.Webview): PanelState['edit'] {
	if (!session) {
		return undefined;
	}
	return {
		source: viewOf(session.source, webview),
		references: session.references.map(reference => viewOf(reference, webview)),
		...(session.linkedFile ? { replaceable: vscode.workspace.asRelativePath(session.linkedFile) } : {}),
		chain: [...session.chain, session.source.label],
	};
}

/** Refine or Edit on a variant: it becomes the image the next edit works on. */
export function startEditOn(panel: PanelContext, variantId: string): void {
	const image = panel.images.get(variantId);
	const view = panel.state.variants.find(variant => variant.id === variantId);
	if (!image || !view) {
		return;
	}
	const previous = panel.editSession;
	const chain = editChainFor(view, previous && { chain: previous.chain, sourceLabel: previous.source.label });
	// The webview clears the instruction itself when the image being edited changes.
	panel.setEditSession({ source: inputFromStored(image, cardName(view), variantId), references: [], linkedFile: previous?.linkedFile, chain });
}

/** A variant of the panel as a reference image of the edit. */
export function addVariantReference(panel: PanelContext, variantId: string): void {
	const image = panel.images.get(variantId);
	const view = panel.state.variants.find(variant => variant.id === variantId);
	const session = panel.editSession;
	if (image && view && session && session.references.length < MAX_REFERENCES) {
		session.references.push(inputFromStored(image, cardName(view), variantId));
		panel.update({});
	}
}

/** Adds reference images (picked, or dropped as URIs) or removes one. */
export async function changeReferences(panel: PanelContext, message: Extract<WebviewToHostMessage, { type: 'reference' }>): Promise<void> {
	const session = panel.editSession;
	if (!session) {
		return;
	}
	try {
		if (message.action === 'remove') {
			const at = session.references.findIndex(reference => reference.id === message.id);
			if (at >= 0) {
				session.references.splice(at, 1);
			}
		} else {
			const uris = message.action === 'pick'
				? await vscode.window.showOpenDialog({
					canSelectMany: true,
					defaultUri: panel.target ? vscode.workspace.getWorkspaceFolder(panel.target.documentUri)?.uri : vscode.workspace.workspaceFolders?.[0]?.uri,
					filters: { [vscode.l10n.t('Images')]: [...IMAGE_FILE_EXTENSIONS] },
					openLabel: vscode.l10n.t('Add as Reference'),
				}) ?? []
				: (message.uris ?? []).map(uri => vscode.Uri.parse(uri, true));
			for (const uri of uris) {
				if (session.references.length >= MAX_REFERENCES) {
					throw new IllustrateError(vscode.l10n.t('An edit takes at most {0} images: the one you edit and {1} references.', MAX_REFERENCES + 1, MAX_REFERENCES));
				}
				session.references.push(await inputFromWorkspaceFile(uri, panel.services.store));
			}
		}
		panel.update({ error: undefined });
	} catch (error) {
		panel.update({ error: panel.toPanelError(error) });
	}
}

/** Sends the edit and shows its variants after the ones already there, as the next step of the chain. */
export async function runEdit(panel: PanelContext, message: Extract<WebviewToHostMessage, { type: 'edit' }>): Promise<void> {
	const session = panel.editSession;
	if (!session || panel.state.running || !(await ensureTrusted(false))) {
		return;
	}
	const { services } = panel;
	const resource = panel.target?.documentUri;
	const options = message.options;
	panel.lastOptions = options;
	let inputs: EditInputs;
	try {
		const request = toRequestOptions(options, await loadStylePresets(resource, services.log));
		const source = message.image
			? { bytes: decodePanelPng(message.image, 'extended image'), name: 'extended.png', format: 'png' as const }
			: await referenceOf(session.source);
		const overlay = message.overlay ? { bytes: decodePanelPng(message.overlay.png, message.overlay.kind), name: `${message.overlay.kind}.png`, format: 'png' as const } : undefined;
		inputs = {
			...request,
			images: [source, ...await Promise.all(session.references.map(referenceOf))],
			...(overlay && message.overlay?.kind === 'mask' ? { mask: overlay } : {}),
			...(overlay && message.overlay?.kind === 'markup' ? { markup: overlay } : {}),
			...(message.inputFidelity ? { inputFidelity: message.inputFidelity } : {}),
		};
	} catch (error) {
		panel.update({ options, error: panel.toPanelError(error) });
		return;
	}
	if (!(await confirmCost(inputs, resource, panel.services.log))) {
		panel.update({ options, status: vscode.l10n.t('Not sent: above your cost limit.') });
		return;
	}
	const slotIds = slotIdsOf(batchId(Date.now()), options.n);
	panel.update({
		options,
		variants: [...panel.state.variants, ...waitingEditCards(panel.state.variants.length, slotIds, session.source.label, options.prompt, session.source.variantId)],
	});
	const recipe = { prompt: inputs.prompt, model: inputs.model, size: inputs.size, quality: inputs.quality, operation: 'edit' as const, ...(session.source.stored ? { sourceId: session.source.stored.id } : {}) };
	await runBatch(
		panel,
		vscode.l10n.t('Illustrate: editing the image'),
		editingStatus(options.n),
		(signal, events) => services.images.editImages(inputs, resource, signal, events, recipe),
		slotIds,
	);
}

/** Replace: the linked workspace file gets the variant's bytes; its old bytes go to the history. */
export async function replaceLinked(panel: PanelContext, variantId: string): Promise<void> {
	const image = panel.images.get(variantId);
	const file = panel.editSession?.linkedFile;
	if (!image || !file || !(await ensureTrusted(false))) {
		return;
	}
	try {
		await panel.services.replacer.replace(file, image, panel.target?.alt || altTextFromPrompt(image.prompt));
		const relative = vscode.workspace.asRelativePath(file);
		panel.update({
			error: undefined,
			status: vscode.l10n.t('Replaced {0}; its earlier bytes are in Show Generated Images, where Restore puts them back.', relative),
			variants: panel.state.variants.map(variant => variant.id === variantId ? { ...variant, insertedAs: relative } : variant),
		});
	} catch (error) {
		panel.update({ error: panel.toPanelError(error) });
	}
}
