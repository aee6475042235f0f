import * as vscode from 'vscode';
import { GENERATE_VIEW_TYPE } from '../commandIds';
import { altTextFromPrompt } from '../core/prompt/altText';
import type { ErrorAction } from '../core/generation/apiErrors';
import type { InsertionTarget } from '../core/markdown/insertion';
import { selectableModels } from '../core/models/capabilities';
import { MIME_TYPES } from '../core/images/imageInfo';
import { messageShape } from '../core/logging/logShape';
import type { ImageRequestOptions } from '../core/models/validation';
import { confirmCost } from '../cost/costTracker';
import type { StoredImage } from '../history/imageStore';
import { Disposable } from '../lifecycle/disposable';
import {
	parseRestoredPanel,
	parseWebviewMessage,
	type HostToWebviewMessage,
	type PanelActionId,
	type PanelEnvironment,
	type PanelError,
	type PanelOptions,
	type PanelState,
	type VariantView,
	type WebviewToHostMessage,
} from '../protocol/messages';
import { CancelledError, IllustrateError, today } from '../core/errors';
import { PARTIAL_IMAGES, type EditInputs, type GenerationResult, type VariantEvents } from '../providers/imageService';
import { BatchProgress } from '../core/generation/batchProgress';
import { decodePanelPng, inputFromStored, inputFromWorkspaceFile, referenceOf, viewOf, type EditSession } from './editSession';
import { readSettings } from '../settings/settings';
import { applyStyle, loadStylePresets, type StylePreset } from '../workspace/stylePresets';
import { ensureTrusted } from '../workspace/trust';
import { webviewHtml } from './webviewHtml';
import { PanelPixels } from './panelPixels';
import { startBatchDiagnostics } from '../platform/diagnostics';
import { TrackedTarget } from '../workspace/trackedTarget';
import type { Services } from '../services';

/** The models the pickers offer today, the limits they show and the workspace's styles. */
export async function panelEnvironment(resource?: vscode.Uri): Promise<PanelEnvironment> {
	const date = today();
	const settings = readSettings(resource);
	const styles = await loadStylePresets(resource);
	return {
		styles: styles.map(style => style.name),
		models: selectableModels(date).map(model => ({
			id: model.id,
			label: model.status === 'deprecated' ? vscode.l10n.t('{0} (until {1})', model.label, model.shutdownDate ?? '') : model.label,
			...(model.status === 'deprecated' ? { note: vscode.l10n.t('{0} shuts down on {1}; use {2}.', model.id, model.shutdownDate ?? '', model.replacement ?? '') } : {}),
		})),
		today: date,
		allowUnknownModels: settings.provider === 'openai-compatible',
		...(settings.maxCostPerRequest !== undefined ? { maxCostPerRequest: settings.maxCostPerRequest } : {}),
	};
}

/** Reference images besides the one being edited: the API takes 16 images in all. */
const MAX_REFERENCES = 15;

function actionLabel(action: PanelActionId): string {
	switch (action) {
		case 'setApiKey':
			return vscode.l10n.t('Set API Key');
		case 'retry':
			return vscode.l10n.t('Retry');
		case 'openVerification':
			return vscode.l10n.t('Verify Organization');
		case 'openBilling':
			return vscode.l10n.t('Open Billing');
	}
}

const ACTION_LINKS: Partial<Record<PanelActionId, string>> = {
	openVerification: 'https://platform.openai.com/settings/organization/general',
	openBilling: 'https://platform.openai.com/settings/organization/billing/overview',
};

function panelError(message: string, actions: readonly ErrorAction[]): PanelError {
	return { message, actions: actions.map(id => ({ id, label: actionLabel(id) })) };
}

/** The request for the panel's options; a style preset's instruction joins the prompt. */
export function toRequestOptions(options: PanelOptions, styles: readonly StylePreset[] = []): ImageRequestOptions {
	return {
		model: options.model,
		prompt: applyStyle(options.prompt, styles.find(style => style.name === options.style)),
		size: options.size,
		quality: options.quality,
		n: options.n,
		outputFormat: options.outputFormat,
		...(options.outputFormat !== 'png' && options.outputCompression !== undefined ? { outputCompression: options.outputCompression } : {}),
		...(options.background && options.background !== 'auto' ? { background: options.background } : {}),
		...(options.complexity ? { complexity: options.complexity } : {}),
	};
}

function elapsed(started: number): number {
	return Date.now() - started;
}

/**
 * The Illustrate panel: pickers, Generate, the variants as they stream in, Insert. The
 * extension owns the state; the webview renders it, keeps a copy for window reloads,
 * and sends back what the user does.
 */
export class GeneratePanel extends Disposable {
	static readonly viewType = GENERATE_VIEW_TYPE;
	private static readonly panels = new Set<GeneratePanel>();

	private state: PanelState;
	private readonly images = new Map<string, StoredImage>();
	private abort: AbortController | undefined;
	private lastOptions: PanelOptions | undefined;
	private target: TrackedTarget | undefined;
	private editSession: EditSession | undefined;

	/** Reuses an idle panel, or opens a new one so a running request is never interrupted. */
	static show(services: Services, target: TrackedTarget | undefined, options: PanelOptions): GeneratePanel {
		const idle = [...GeneratePanel.panels].find(panel => !panel.state.running);
		if (idle) {
			idle.retarget(target, options);
			idle.panel.reveal(undefined, false);
			return idle;
		}
		const panel = vscode.window.createWebviewPanel(GeneratePanel.viewType, 'Illustrate', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }, GeneratePanel.webviewOptions(services));
		return new GeneratePanel(panel, services, target, { options, variants: [], running: false });
	}

	/** Opens a panel in edit mode on an image: an instruction, a mask or markup, reference images. */
	static showEdit(services: Services, session: EditSession, target: TrackedTarget | undefined, options: PanelOptions): GeneratePanel {
		const panel = GeneratePanel.show(services, target, { ...options, prompt: '' });
		// A new image to edit: the variants of what the panel showed before stay in the history.
		panel.state = { ...panel.state, variants: [] };
		panel.setEditSession(session);
		return panel;
	}

	/** Brings a panel back after a window reload, from the state its webview kept. */
	static async revive(panel: vscode.WebviewPanel, services: Services, saved: unknown): Promise<GeneratePanel> {
		panel.webview.options = GeneratePanel.webviewOptions(services);
		const restored = parseRestoredPanel(saved);
		if (!restored) {
			const settings = readSettings();
			return new GeneratePanel(panel, services, undefined, {
				options: { prompt: '', model: settings.model, quality: settings.quality, size: settings.size, n: settings.variants, outputFormat: settings.outputFormat },
				variants: [],
				running: false,
			});
		}
		let target: TrackedTarget | undefined;
		if (restored.target) {
			try {
				const uri = vscode.Uri.parse(restored.target.documentUri, true);
				// The saved state is the webview's: it may name any file. Only a document of an
				// open workspace folder becomes the panel's target again.
				if (!vscode.workspace.getWorkspaceFolder(uri)) {
					throw new Error('outside the workspace');
				}
				const insertion: InsertionTarget = restored.target.kind === 'image'
					? { kind: 'image', start: restored.target.offset, alt: restored.target.alt ?? '' }
					: { kind: 'after', offset: restored.target.offset };
				target = new TrackedTarget(uri, insertion, restored.target.alt);
			} catch {
				services.log.warn('Did not restore the panel\'s document: its URI is not valid or not in an open workspace folder.');
			}
		}
		const revived = new GeneratePanel(panel, services, target, { options: restored.options, variants: [], running: false });
		const variants: VariantView[] = [];
		const copiesToMake: [string, StoredImage][] = [];
		for (const saved of restored.variants) {
			const image = await services.store.get(saved.imageId);
			if (image) {
				revived.images.set(saved.id, image);
				// The card-size copy of a large image, not its 17 MB file; made after the cards paint if missing.
				const [shown] = await services.cardCopies.shownNow([image]);
				if (!shown) {
					copiesToMake.push([saved.id, image]);
				}
				variants.push({ ...revived.readyView(image, shown), id: saved.id, index: saved.index, label: saved.label, insertedAs: saved.insertedAs });
			}
		}
		revived.update({ variants, status: variants.length > 0 ? vscode.l10n.t('Restored after reload.') : undefined });
		for (const [id, image] of copiesToMake) {
			void services.cardCopies.make(image).then(uri => revived.isDisposed || revived.updateVariant(id, { src: revived.panel.webview.asWebviewUri(uri).toString() }));
		}
		return revived;
	}

	private static webviewOptions(services: Services): vscode.WebviewOptions & vscode.WebviewPanelOptions {
		return {
			enableScripts: true,
			localResourceRoots: [vscode.Uri.joinPath(services.extensionUri, 'media'), services.store.folder, services.store.sourceFolder],
		};
	}

	private constructor(
		private readonly panel: vscode.WebviewPanel,
		private readonly services: Services,
		target: TrackedTarget | undefined,
		state: PanelState,
	) {
		super();
		GeneratePanel.panels.add(this);
		this.target = target;
		this.state = { ...state, target: this.describeTarget() };
		panel.iconPath = vscode.Uri.joinPath(services.extensionUri, 'media', 'icon.png');
		panel.webview.html = webviewHtml(panel.webview, services.extensionUri, 'generate', 'Illustrate');
		this.register(panel.webview.onDidReceiveMessage(message => this.receive(message)));
		this.register(panel.onDidDispose(() => this.dispose()));
	}

	override dispose(): void {
		GeneratePanel.panels.delete(this);
		this.abort?.abort();
		this.target?.dispose();
		super.dispose();
		this.panel.dispose();
	}

	private describeTarget(): PanelState['target'] {
		const target = this.target;
		if (!target) {
			return undefined;
		}
		const current = target.target;
		return {
			documentUri: target.documentUri.toString(),
			kind: current.kind,
			offset: current.kind === 'image' ? current.start : current.offset,
			...(target.alt !== undefined ? { alt: target.alt } : {}),
			description: target.describe(),
		};
	}

	private retarget(target: TrackedTarget | undefined, options: PanelOptions): void {
		this.target?.dispose();
		this.target = target;
		this.state = { ...this.state, options, error: undefined, status: undefined, target: this.describeTarget() };
		void this.postInit();
	}

	private async postInit(): Promise<void> {
		this.post({ type: 'init', environment: await panelEnvironment(this.target?.documentUri), state: this.state });
	}

	private post(message: HostToWebviewMessage): void {
		void this.panel.webview.postMessage(message);
	}

	private update(change: Partial<PanelState>): void {
		this.state = { ...this.state, ...change, target: this.describeTarget(), edit: this.editView() };
		this.post({ type: 'state', state: this.state });
	}

	private editView(): PanelState['edit'] {
		const session = this.editSession;
		if (!session) {
			return undefined;
		}
		const webview = this.panel.webview;
		return {
			source: viewOf(session.source, webview),
			references: session.references.map(reference => viewOf(reference, webview)),
			...(session.linkedFile ? { replaceable: vscode.workspace.asRelativePath(session.linkedFile) } : {}),
			chain: [...session.chain, session.source.label],
		};
	}

	/** Switches to edit mode on an image (or back to generating, with undefined). */
	private setEditSession(session: EditSession | undefined): void {
		this.editSession = session;
		this.update({ error: undefined, status: session ? vscode.l10n.t('Describe the change; paint where it goes, or leave the mask empty to change the whole image.') : undefined });
	}

	private updateVariant(id: string, change: Partial<VariantView>): void {
		this.update({ variants: this.state.variants.map(variant => variant.id === id ? { ...variant, ...change } : variant) });
	}

	/** `shown`: the file the card shows (the image, or its card-size copy); none while the copy is being made. */
	private readyView(image: StoredImage, shown: vscode.Uri | undefined): Omit<VariantView, 'id' | 'index'> {
		return {
			state: 'ready',
			...(shown ? { src: this.panel.webview.asWebviewUri(shown).toString() } : {}),
			width: image.width,
			height: image.height,
			format: image.format,
			imageId: image.id,
		};
	}

	private receive(raw: unknown): void {
		const message = parseWebviewMessage(raw);
		if (!message) {
			this.services.log.warn(`Ignored an invalid message from the panel: ${messageShape(raw)}`);
			return;
		}
		void this.handle(message);
	}

	private async handle(message: WebviewToHostMessage): Promise<void> {
		switch (message.type) {
			case 'ready':
				await this.postInit();
				break;
			case 'generate':
				await this.generate(message.options);
				break;
			case 'cancel':
				this.abort?.abort();
				break;
			case 'insert':
				await this.insert(message.variantIds, 'insert');
				break;
			case 'variant':
				if (message.action === 'makeFinal') {
					await this.makeFinal(message.variantId);
				} else if (message.action === 'edit') {
					this.startEditOn(message.variantId);
				} else if (message.action === 'replace') {
					await this.replaceLinked(message.variantId);
				} else if (message.action === 'reference') {
					const image = this.images.get(message.variantId);
					const view = this.state.variants.find(variant => variant.id === message.variantId);
					if (image && view && this.editSession && this.editSession.references.length < MAX_REFERENCES) {
						this.editSession.references.push(inputFromStored(image, view.label ?? `#${view.index + 1}`, message.variantId));
						this.update({});
					}
				} else if (message.action === 'copyLink') {
					await this.insert([message.variantId], 'copyLink');
				} else {
					const image = this.images.get(message.variantId);
					if (image) {
						await vscode.commands.executeCommand('vscode.open', image.uri, { viewColumn: vscode.ViewColumn.Active, preview: true });
					}
				}
				break;
			case 'action':
				await this.runAction(message.action);
				break;
			case 'edit':
				await this.runEdit(message);
				break;
			case 'reference':
				await this.changeReferences(message);
				break;
			case 'endEdit':
				this.setEditSession(undefined);
				break;
		}
	}

	/** Refine or Edit on a variant: it becomes the image the next edit works on. */
	private startEditOn(variantId: string): void {
		const image = this.images.get(variantId);
		const view = this.state.variants.find(variant => variant.id === variantId);
		if (!image || !view) {
			return;
		}
		const label = view.label ?? `#${view.index + 1}`;
		const previous = this.editSession;
		const chain = previous && view.parentId ? [...previous.chain, previous.source.label] : [];
		// The webview clears the instruction itself when the image being edited changes.
		this.setEditSession({ source: inputFromStored(image, label, variantId), references: [], linkedFile: previous?.linkedFile, chain });
	}

	private async changeReferences(message: Extract<WebviewToHostMessage, { type: 'reference' }>): Promise<void> {
		const session = this.editSession;
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
						defaultUri: this.target ? vscode.workspace.getWorkspaceFolder(this.target.documentUri)?.uri : vscode.workspace.workspaceFolders?.[0]?.uri,
						filters: { [vscode.l10n.t('Images')]: ['png', 'jpg', 'jpeg', 'webp'] },
						openLabel: vscode.l10n.t('Add as Reference'),
					}) ?? []
					: (message.uris ?? []).map(uri => vscode.Uri.parse(uri, true));
				for (const uri of uris) {
					if (session.references.length >= MAX_REFERENCES) {
						throw new IllustrateError(vscode.l10n.t('An edit takes at most {0} images: the one you edit and {1} references.', MAX_REFERENCES + 1, MAX_REFERENCES));
					}
					session.references.push(await inputFromWorkspaceFile(uri, this.services.store));
				}
			}
			this.update({ error: undefined });
		} catch (error) {
			this.update({ error: this.toPanelError(error) });
		}
	}

	/** Sends the edit and shows its variants after the ones already there, as the next step of the chain. */
	private async runEdit(message: Extract<WebviewToHostMessage, { type: 'edit' }>): Promise<void> {
		const session = this.editSession;
		if (!session || this.state.running || !(await ensureTrusted(false))) {
			return;
		}
		const options = message.options;
		this.lastOptions = options;
		let inputs: EditInputs;
		try {
			const request = toRequestOptions(options, await loadStylePresets(this.target?.documentUri));
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
			this.update({ options, error: this.toPanelError(error) });
			return;
		}
		if (!(await confirmCost(inputs, this.target?.documentUri))) {
			this.update({ options, status: vscode.l10n.t('Not sent: above your cost limit.') });
			return;
		}
		const batch = Date.now().toString(36);
		const instruction = options.prompt.trim().replace(/\s+/g, ' ');
		const shortInstruction = instruction.length > 40 ? `${instruction.slice(0, 39)}…` : instruction;
		const parentId = session.source.variantId;
		const slotIds = Array.from({ length: options.n }, (_, index) => `${batch}-${index}`);
		const first = this.state.variants.length;
		this.update({
			options,
			variants: [...this.state.variants, ...slotIds.map((id, index) => ({
				id,
				index: first + index,
				state: 'waiting' as const,
				label: options.n > 1
					? vscode.l10n.t('{0} → “{1}” ({2})', session.source.label, shortInstruction, index + 1)
					: vscode.l10n.t('{0} → “{1}”', session.source.label, shortInstruction),
				...(parentId ? { parentId } : {}),
			}))],
		});
		const recipe = { prompt: inputs.prompt, model: inputs.model, size: inputs.size, quality: inputs.quality, operation: 'edit' as const, ...(session.source.stored ? { sourceId: session.source.stored.id } : {}) };
		await this.runBatch(
			vscode.l10n.t('Illustrate: editing the image'),
			options.n === 1 ? vscode.l10n.t('Editing…') : vscode.l10n.t('Editing: {0} variants…', options.n),
			(signal, events) => this.services.images.editImages(inputs, this.target?.documentUri, signal, events, recipe),
			slotIds,
		);
	}

	private async runAction(action: PanelActionId): Promise<void> {
		const link = ACTION_LINKS[action];
		if (link) {
			await vscode.env.openExternal(vscode.Uri.parse(link));
		} else if (action === 'setApiKey') {
			await vscode.commands.executeCommand('illustrate.setApiKey');
		} else if (this.lastOptions) {
			await this.generate(this.lastOptions);
		}
	}

	/** Runs a batch with the panel showing its progress, and the notification offering Cancel. */
	private async runBatch(
		title: string,
		status: string,
		run: (signal: AbortSignal, events: VariantEvents) => Promise<GenerationResult>,
		slotIds: readonly string[],
	): Promise<void> {
		const abort = new AbortController();
		this.abort = abort;
		const started = Date.now();
		const diagnostics = startBatchDiagnostics();
		this.update({ running: true, startedAt: started, status, error: undefined });
		// The notification's bar follows the variants (partials, then finals): a determinate bar
		// stands still between steps, where an indeterminate one animates the whole time.
		const progress = new BatchProgress(slotIds.length, PARTIAL_IMAGES);
		let reportProgress: (increment: number) => void = () => undefined;
		const pixels = new PanelPixels(this.panel.webview, id => {
			if (!this.images.has(id)) {
				this.updateVariant(id, { state: 'partial' });
			}
		}, this.services.cardCopies);
		const events: VariantEvents = {
			onPixels: (slot, arrived) => {
				const id = slotIds[slot];
				if (id && !this.images.has(id)) {
					pixels.offer({ type: 'pixels', variantId: id, bytes: arrived.bytes, mime: MIME_TYPES[arrived.format], ...(arrived.partialIndex !== undefined ? { partialIndex: arrived.partialIndex } : {}) });
					if (arrived.partialIndex !== undefined) {
						reportProgress(progress.partial(slot, arrived.partialIndex));
					}
				}
			},
			onImage: (slot, image) => {
				const id = slotIds[slot];
				if (id) {
					this.images.set(id, image);
					const elapsedMs = elapsed(started);
					// After its pixels, so the card never takes a partial for the final image.
					void pixels.finalShown(id).then(() => this.updateVariant(id, { ...this.readyView(image, image.uri), elapsedMs }));
					void pixels.keepCopy(id, image);
					reportProgress(progress.finish(slot));
				}
			},
			onRetry: (slot, seconds, status) => {
				const id = slotIds[slot];
				if (id) {
					this.update({
						status: status === 429
							? vscode.l10n.t('Rate limited by the API: trying again in {0} s…', seconds)
							: vscode.l10n.t('The API answered with a server error {0}: trying again in {1} s…', status ?? '', seconds),
					});
				}
			},
			onSlotFailed: (slot, error) => {
				const id = slotIds[slot];
				if (id) {
					this.updateVariant(id, { state: 'failed', error: error.message, src: undefined });
					reportProgress(progress.finish(slot));
				}
			},
		};
		try {
			const result = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, (notification, token) => {
				token.onCancellationRequested(() => abort.abort());
				reportProgress = increment => notification.report({ increment, message: vscode.l10n.t('{0} of {1} done', progress.finished, slotIds.length) });
				reportProgress(0);
				return run(abort.signal, events);
			});
			this.services.costs.add(result.costUsd, result.images.length);
			const failed = result.errors.length;
			this.update({
				running: false,
				lastCostUsd: result.costUsd,
				error: failed > 0 ? this.toPanelError(result.errors[0], vscode.l10n.t('{0} of {1} failed:', failed, slotIds.length)) : undefined,
				status: failed > 0 ? undefined : slotIds.length === 1 ? vscode.l10n.t('Ready.') : vscode.l10n.t('Pick one and Insert.'),
			});
		} catch (error) {
			const cancelled = error instanceof CancelledError;
			const partial = (error as { partial?: GenerationResult }).partial;
			if (partial) {
				this.services.costs.add(partial.costUsd, partial.images.length);
			}
			this.update({
				running: false,
				variants: this.state.variants.filter(variant => !slotIds.includes(variant.id) || this.images.has(variant.id)),
				status: cancelled ? vscode.l10n.t('Cancelled. Images that had arrived are kept.') : undefined,
				error: cancelled ? undefined : this.toPanelError(error),
				...(partial ? { lastCostUsd: partial.costUsd } : {}),
			});
		} finally {
			diagnostics?.end(slotIds.filter(id => this.images.has(id)).length, Promise.allSettled(slotIds.map(id => pixels.finalShown(id))));
			if (this.abort === abort) {
				this.abort = undefined;
			}
		}
	}

	/** Sends a request with these options and shows the variants as they stream in. */
	async generate(options: PanelOptions): Promise<void> {
		if (this.state.running) {
			return;
		}
		this.lastOptions = options;
		if (!(await ensureTrusted(false))) {
			return;
		}
		const request = toRequestOptions(options, await loadStylePresets(this.target?.documentUri));
		try {
			this.services.images.validate(request, this.target?.documentUri);
		} catch (error) {
			this.update({ options, error: this.toPanelError(error), status: undefined });
			return;
		}
		if (!(await confirmCost(request, this.target?.documentUri))) {
			this.update({ options, status: vscode.l10n.t('Not sent: above your cost limit.') });
			return;
		}
		const batch = Date.now().toString(36);
		const slotIds = Array.from({ length: options.n }, (_, index) => `${batch}-${index}`);
		this.update({ options, variants: slotIds.map((id, index) => ({ id, index, state: 'waiting' as const })) });
		await this.runBatch(
			vscode.l10n.t('Illustrate: generating {0} image(s)', options.n),
			options.n === 1 ? vscode.l10n.t('Generating 1 variant…') : vscode.l10n.t('Generating {0} variants…', options.n),
			(signal, events) => this.services.images.generate(request, this.target?.documentUri, signal, events),
			slotIds,
		);
	}

	/** Re-renders a draft at high quality, as a new variant beside it. */
	private async makeFinal(variantId: string): Promise<void> {
		const draft = this.images.get(variantId);
		const view = this.state.variants.find(variant => variant.id === variantId);
		if (!draft || !view || this.state.running || !(await ensureTrusted(false))) {
			return;
		}
		const options = toRequestOptions(this.state.options);
		const finalOptions = { ...options, model: draft.model, quality: 'high', n: 1 };
		if (!(await confirmCost(finalOptions, this.target?.documentUri))) {
			this.update({ status: vscode.l10n.t('Not sent: above your cost limit.') });
			return;
		}
		const id = `${variantId}-final-${Date.now().toString(36)}`;
		const at = this.state.variants.indexOf(view) + 1;
		const variants = [...this.state.variants];
		variants.splice(at, 0, { id, index: this.state.variants.length, state: 'waiting', label: vscode.l10n.t('Final of #{0} (re-render)', view.index + 1) });
		this.update({ variants });
		await this.runBatch(
			vscode.l10n.t('Illustrate: re-rendering at high quality'),
			vscode.l10n.t('Re-rendering #{0} at high quality (a new rendering guided by the draft, not an upscale)…', view.index + 1),
			(signal, events) => this.services.images.makeFinal({ image: draft, prompt: draft.prompt }, finalOptions, this.target?.documentUri, signal, events),
			[id],
		);
	}

	/** Replace: the linked workspace file gets the variant's bytes; its old bytes go to the history. */
	private async replaceLinked(variantId: string): Promise<void> {
		const image = this.images.get(variantId);
		const file = this.editSession?.linkedFile;
		if (!image || !file || !(await ensureTrusted(false))) {
			return;
		}
		try {
			await this.services.inserter.replace(file, image, this.target?.alt || altTextFromPrompt(image.prompt));
			this.update({
				error: undefined,
				status: vscode.l10n.t('Replaced {0}; its earlier bytes are in Show Generated Images, where Restore puts them back.', vscode.workspace.asRelativePath(file)),
				variants: this.state.variants.map(variant => variant.id === variantId ? { ...variant, insertedAs: vscode.workspace.asRelativePath(file) } : variant),
			});
		} catch (error) {
			this.update({ error: this.toPanelError(error) });
		}
	}

	/** The error as the panel shows it; `prefix` (such as "1 of 2 failed:") goes before the message. */
	private toPanelError(error: unknown, prefix?: string): PanelError {
		const withPrefix = (message: string) => prefix ? `${prefix} ${message}` : message;
		if (error instanceof IllustrateError) {
			return panelError(withPrefix(error.message), error.actions);
		}
		this.services.log.error(error instanceof Error ? error : String(error));
		return panelError(withPrefix(vscode.l10n.t('Something went wrong: {0}. Details are in the Illustrate output.', error instanceof Error ? error.message : String(error))), ['retry']);
	}

	private async insert(variantIds: readonly string[], mode: 'insert' | 'copyLink'): Promise<void> {
		const images = variantIds.map(id => this.images.get(id));
		if (images.length === 0 || images.some(image => image === undefined)) {
			this.services.log.warn(`Insert asked for unknown variants: ${variantIds.join(', ')}`);
			return;
		}
		if (!(await ensureTrusted(false))) {
			return;
		}
		const chosen = images as StoredImage[];
		try {
			const target = this.target;
			if (!target) {
				throw new IllustrateError(vscode.l10n.t('This panel has no document to insert into: open the document and run "Illustrate: Generate Image…" from it. The images are kept in Illustrate: Show Generated Images.'));
			}
			const document = await target.document();
			const alt = target.alt || altTextFromPrompt(chosen[0].prompt);
			const result = mode === 'insert'
				? await this.services.inserter.insert({ document, target: target.target, images: chosen, alt, preferredFile: target.preferredFile })
				: await this.services.inserter.saveAndCopyLinks({ document, images: chosen, alt });
			const saved = new Map(variantIds.map((id, index) => [id, result.paths[index]]));
			this.update({
				error: undefined,
				status: mode === 'insert' ? vscode.l10n.t('Inserted {0}.', result.paths.join(', ')) : vscode.l10n.t('Saved {0}; the link is on the clipboard.', result.paths.join(', ')),
				variants: this.state.variants.map(variant => saved.has(variant.id) ? { ...variant, insertedAs: saved.get(variant.id) } : variant),
			});
		} catch (error) {
			this.update({ error: this.toPanelError(error) });
		}
	}
}
