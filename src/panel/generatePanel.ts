import * as vscode from 'vscode';
import { GENERATE_VIEW_TYPE } from '../commandIds';
import type { InsertionTarget } from '../core/markdown/insertion';
import { panelErrorOf } from '../core/panel/panelErrors';
import { sameEnvironment } from '../core/panel/panelEnvironment';
import { changeCard } from '../core/panel/variantViews';
import type { StoredImage } from '../history/imageStore';
import { disposeAll } from '../core/lifecycle/disposeAll';
import { Disposable } from '../lifecycle/disposable';
import { parseRestoredPanel } from '../protocol/messageParsers';
import {
	type HostToWebviewMessage,
	type PanelEnvironment,
	type PanelError,
	type PanelOptions,
	type PanelState,
	type VariantView,
} from '../protocol/messages';
import type { Services } from '../services';
import { TrackedTarget } from '../workspace/trackedTarget';
import type { EditSession } from './editSession';
import type { PanelContext } from './panelContext';
import { panelEnvironment } from './panelEnvironment';
import { editView } from './panelEdits';
import { receiveMessage } from './panelMessages';
import { generate } from './panelRequests';
import { webviewHtml } from './webviewHtml';

/**
 * The Illustrate panel: pickers, Generate, the variants as they stream in, Insert. The
 * extension owns the state; the webview renders it, keeps a copy for window reloads,
 * and sends back what the user does. This module holds its lifecycle (show, revive,
 * dispose) and its state; its jobs are in panelMessages (routing), panelRequests
 * (Generate, Make final, Insert), panelEdits (the edit session) and batchView.
 */
export class GeneratePanel extends Disposable implements PanelContext {
	static readonly viewType = GENERATE_VIEW_TYPE;
	private static readonly panels = new Set<GeneratePanel>();

	private currentState: PanelState;
	readonly images = new Map<string, StoredImage>();
	abort: AbortController | undefined;
	lastOptions: PanelOptions | undefined;
	private currentTarget: TrackedTarget | undefined;
	private currentEditSession: EditSession | undefined;
	/** The environment the webview was last sent; undefined until it said it is ready. */
	private sentEnvironment: PanelEnvironment | undefined;
	private pageListens: () => void = () => undefined;
	readonly pageReady = new Promise<void>(listens => {
		this.pageListens = listens;
	});

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
		panel.currentState = { ...panel.currentState, variants: [] };
		panel.setEditSession(session);
		return panel;
	}

	/** Brings a panel back after a window reload, from the state its webview kept. */
	static async revive(panel: vscode.WebviewPanel, services: Services, saved: unknown): Promise<GeneratePanel> {
		panel.webview.options = GeneratePanel.webviewOptions(services);
		const restored = parseRestoredPanel(saved);
		if (!restored) {
			const settings = services.settings.read();
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
		readonly services: Services,
		target: TrackedTarget | undefined,
		state: PanelState,
	) {
		super();
		GeneratePanel.panels.add(this);
		this.currentTarget = target;
		this.currentState = { ...state, target: this.describeTarget() };
		panel.iconPath = vscode.Uri.joinPath(services.extensionUri, 'media', 'icon.png');
		panel.webview.html = webviewHtml(panel.webview, services.extensionUri, 'generate', 'Illustrate');
		// The image worker and the SDK load while the user picks, not after the click.
		services.images.prepare();
		this.register(panel.webview.onDidReceiveMessage(message => receiveMessage(this, message, () => this.postInit())));
		this.register(panel.onDidDispose(() => this.dispose()));
		// The cost limit, the provider and the styles the form shows follow the settings.
		this.register(services.settings.onDidChange(() => this.refreshEnvironment().catch((error: unknown) => {
			services.log.error(`The panel could not show the changed settings: ${error instanceof Error ? error.message : String(error)}`);
		})));
	}

	override dispose(): void {
		GeneratePanel.panels.delete(this);
		this.pageListens();
		this.abort?.abort();
		disposeAll([this.currentTarget, { dispose: () => super.dispose() }, this.panel]);
	}

	get state(): PanelState {
		return this.currentState;
	}

	get target(): TrackedTarget | undefined {
		return this.currentTarget;
	}

	get editSession(): EditSession | undefined {
		return this.currentEditSession;
	}

	get webview(): vscode.Webview {
		return this.panel.webview;
	}

	/** Sends a request with these options and shows the variants as they stream in. */
	async generate(options: PanelOptions): Promise<void> {
		await generate(this, options);
	}

	private describeTarget(): PanelState['target'] {
		const target = this.currentTarget;
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
		this.currentTarget?.dispose();
		this.currentTarget = target;
		this.currentState = { ...this.currentState, options, error: undefined, status: undefined, target: this.describeTarget() };
		void this.postInit();
	}

	private async postInit(): Promise<void> {
		const environment = await panelEnvironment(this.services.settings, this.currentTarget?.documentUri, this.services.log);
		this.sentEnvironment = environment;
		this.post({ type: 'init', environment, state: this.currentState });
		this.pageListens();
	}

	/**
	 * After a settings change: the new environment, once the webview is ready and only when it
	 * differs; the form keeps what the user entered (an unsent prompt, the pickers).
	 */
	private async refreshEnvironment(): Promise<void> {
		const sent = this.sentEnvironment;
		if (!sent || this.isDisposed) {
			return;
		}
		const environment = await panelEnvironment(this.services.settings, this.currentTarget?.documentUri, this.services.log);
		if (!sameEnvironment(sent, environment) && !this.isDisposed) {
			this.sentEnvironment = environment;
			this.services.log.info('The settings changed: the panel shows the new cost limit, models and styles.');
			this.post({ type: 'environment', environment });
		}
	}

	private post(message: HostToWebviewMessage): void {
		void this.panel.webview.postMessage(message);
	}

	update(change: Partial<PanelState>): void {
		this.currentState = { ...this.currentState, ...change, target: this.describeTarget(), edit: editView(this.currentEditSession, this.panel.webview) };
		this.post({ type: 'state', state: this.currentState });
	}

	/** Switches to edit mode on an image (or back to generating, with undefined). */
	setEditSession(session: EditSession | undefined): void {
		this.currentEditSession = session;
		this.update({ error: undefined, status: session ? vscode.l10n.t('Describe the change; paint where it goes, or leave the mask empty to change the whole image.') : undefined });
	}

	updateVariant(id: string, change: Partial<VariantView>): void {
		this.update({ variants: changeCard(this.currentState.variants, id, change) });
	}

	/** `shown`: the file the card shows (the image, or its card-size copy); none while the copy is being made. */
	readyView(image: StoredImage, shown: vscode.Uri | undefined): Omit<VariantView, 'id' | 'index'> {
		return {
			state: 'ready',
			...(shown ? { src: this.panel.webview.asWebviewUri(shown).toString() } : {}),
			width: image.width,
			height: image.height,
			format: image.format,
			imageId: image.id,
		};
	}

	toPanelError(error: unknown, prefix?: string): PanelError {
		return panelErrorOf(error, prefix, unexpected => this.services.log.error(unexpected));
	}
}
