import * as vscode from 'vscode';
import { randomBytes } from 'crypto';
import { altTextFromPrompt } from '../core/prompt/altText';
import type { ErrorAction } from '../core/generation/apiErrors';
import { selectableModels } from '../core/models/capabilities';
import type { ImageRequestOptions } from '../core/models/validation';
import type { ImageStore, StoredImage } from '../history/imageStore';
import { Disposable } from '../lifecycle/disposable';
import {
	parseWebviewMessage,
	type HostToWebviewMessage,
	type ModelChoice,
	type PanelActionId,
	type PanelError,
	type PanelOptions,
	type PanelState,
	type VariantView,
	type WebviewToHostMessage,
} from '../protocol/messages';
import { CancelledError, IllustrateError, today, type ImageService } from '../providers/imageService';
import type { ImageInserter } from '../workspace/imageInserter';
import type { TrackedTarget } from '../workspace/trackedTarget';

export interface PanelServices {
	readonly extensionUri: vscode.Uri;
	readonly store: ImageStore;
	readonly images: ImageService;
	readonly inserter: ImageInserter;
	readonly log: vscode.LogOutputChannel;
}

/** The models the pickers offer, from the capability table. */
export function modelChoices(date = today()): ModelChoice[] {
	return selectableModels(date).map(model => ({
		id: model.id,
		label: model.status === 'deprecated' ? `${model.label} (until ${model.shutdownDate})` : model.label,
		qualities: model.qualities,
		sizes: [...model.sizePresets, ...(model.autoSize ? ['auto'] : [])],
		maxVariants: model.maxVariants,
		outputFormats: model.outputFormats,
		note: model.status === 'deprecated' ? `${model.id} shuts down on ${model.shutdownDate}; use ${model.replacement}.` : undefined,
	}));
}

const ACTION_LABELS: Record<PanelActionId, string> = { setApiKey: 'Set API Key', retry: 'Retry' };

function panelError(message: string, actions: readonly ErrorAction[]): PanelError {
	return {
		message,
		actions: actions.filter((action): action is PanelActionId => action in ACTION_LABELS).map(id => ({ id, label: ACTION_LABELS[id] })),
	};
}

function toRequestOptions(options: PanelOptions): ImageRequestOptions {
	return { model: options.model, prompt: options.prompt, size: options.size, quality: options.quality, n: options.n, outputFormat: options.outputFormat };
}

/**
 * The Illustrate panel: pickers, Generate, the variants as they arrive, Insert. The
 * extension owns the state; the webview renders it and sends back what the user does.
 */
export class GeneratePanel extends Disposable {
	static readonly viewType = 'illustrate.panel';
	private static readonly panels = new Set<GeneratePanel>();

	private state: PanelState;
	private readonly images = new Map<string, StoredImage>();
	private abort: AbortController | undefined;
	private lastOptions: PanelOptions | undefined;

	/** Reuses an idle panel, or opens a new one so a running request is never interrupted. */
	static show(services: PanelServices, target: TrackedTarget | undefined, options: PanelOptions): GeneratePanel {
		const idle = [...GeneratePanel.panels].find(panel => !panel.state.running);
		if (idle) {
			idle.retarget(target, options);
			idle.panel.reveal(undefined, false);
			return idle;
		}
		const panel = vscode.window.createWebviewPanel(GeneratePanel.viewType, 'Illustrate', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: false }, {
			enableScripts: true,
			localResourceRoots: [vscode.Uri.joinPath(services.extensionUri, 'media'), services.store.folder],
		});
		return new GeneratePanel(panel, services, target, options);
	}

	private constructor(
		private readonly panel: vscode.WebviewPanel,
		private readonly services: PanelServices,
		private target: TrackedTarget | undefined,
		options: PanelOptions,
	) {
		super();
		GeneratePanel.panels.add(this);
		this.state = { options, variants: [], running: false, target: target?.describe() };
		if (target) {
			this.register(target);
		}
		panel.iconPath = vscode.Uri.joinPath(services.extensionUri, 'media', 'icon.png');
		panel.webview.html = this.html();
		this.register(panel.webview.onDidReceiveMessage(message => this.receive(message)));
		this.register(panel.onDidDispose(() => this.dispose()));
	}

	override dispose(): void {
		GeneratePanel.panels.delete(this);
		this.abort?.abort();
		super.dispose();
		this.panel.dispose();
	}

	private retarget(target: TrackedTarget | undefined, options: PanelOptions): void {
		this.target?.dispose();
		this.target = target;
		this.state = { ...this.state, options, error: undefined, status: undefined, target: target?.describe() };
		this.post({ type: 'init', models: modelChoices(), state: this.state });
	}

	private post(message: HostToWebviewMessage): void {
		void this.panel.webview.postMessage(message);
	}

	private update(change: Partial<PanelState>): void {
		this.state = { ...this.state, ...change };
		this.post({ type: 'state', state: this.state });
	}

	private updateVariant(id: string, change: Partial<VariantView>): void {
		this.update({ variants: this.state.variants.map(variant => variant.id === id ? { ...variant, ...change } : variant) });
	}

	private receive(raw: unknown): void {
		const message = parseWebviewMessage(raw);
		if (!message) {
			this.services.log.warn(`Ignored an invalid message from the panel: ${JSON.stringify(raw)?.slice(0, 200)}`);
			return;
		}
		void this.handle(message);
	}

	private async handle(message: WebviewToHostMessage): Promise<void> {
		switch (message.type) {
			case 'ready':
				this.post({ type: 'init', models: modelChoices(), state: this.state });
				break;
			case 'generate':
				await this.generate(message.options);
				break;
			case 'cancel':
				this.abort?.abort();
				break;
			case 'insert':
				await this.insert(message.variantIds);
				break;
			case 'action':
				if (message.action === 'setApiKey') {
					await vscode.commands.executeCommand('illustrate.setApiKey');
				} else if (this.lastOptions) {
					await this.generate(this.lastOptions);
				}
				break;
		}
	}

	/** Sends a request with these options and shows the variants as they arrive. */
	async generate(options: PanelOptions): Promise<void> {
		if (this.state.running) {
			return;
		}
		this.lastOptions = options;
		const request = toRequestOptions(options);
		try {
			this.services.images.validate(request);
		} catch (error) {
			this.update({ options, error: panelError(error instanceof Error ? error.message : String(error), []), status: undefined });
			return;
		}
		const batch = Date.now().toString(36);
		const placeholders: VariantView[] = Array.from({ length: options.n }, (_, index) => ({ id: `${batch}-${index}`, index, state: 'waiting' }));
		const abort = new AbortController();
		this.abort = abort;
		this.update({
			options,
			running: true,
			startedAt: Date.now(),
			status: options.n === 1 ? 'Generating 1 variant…' : `Generating ${options.n} variants…`,
			error: undefined,
			variants: placeholders,
		});

		try {
			const result = await vscode.window.withProgress({
				location: vscode.ProgressLocation.Notification,
				title: vscode.l10n.t('Illustrate: generating {0} image(s)', options.n),
				cancellable: true,
			}, (_progress, token) => {
				token.onCancellationRequested(() => abort.abort());
				return this.services.images.generate(request, this.target?.documentUri, abort.signal, (index, image) => {
					const id = placeholders[index]?.id;
					if (!id) {
						return;
					}
					this.images.set(id, image);
					this.updateVariant(id, {
						state: 'ready',
						src: this.panel.webview.asWebviewUri(image.uri).toString(),
						width: image.width,
						height: image.height,
						format: image.format,
					});
				});
			});
			const received = result.images.length;
			this.update({
				running: false,
				variants: this.state.variants.map(variant => variant.state === 'waiting' ? { ...variant, state: 'failed' } : variant),
				status: received === options.n ? 'Pick one and Insert.' : `${received} of ${options.n} images arrived.`,
			});
		} catch (error) {
			const cancelled = error instanceof CancelledError;
			this.update({
				running: false,
				variants: this.state.variants.filter(variant => variant.state === 'ready'),
				status: cancelled ? 'Cancelled.' : undefined,
				error: cancelled ? undefined : this.toPanelError(error),
			});
		} finally {
			if (this.abort === abort) {
				this.abort = undefined;
			}
		}
	}

	private toPanelError(error: unknown): PanelError {
		if (error instanceof IllustrateError) {
			return panelError(error.message, error.actions);
		}
		this.services.log.error(error instanceof Error ? error : String(error));
		return panelError(`Something went wrong: ${error instanceof Error ? error.message : String(error)}. Details are in the Illustrate output.`, ['retry']);
	}

	private async insert(variantIds: readonly string[]): Promise<void> {
		const images = variantIds.map(id => this.images.get(id)).filter((image): image is StoredImage => image !== undefined);
		if (images.length === 0 || images.length !== variantIds.length) {
			this.services.log.warn(`Insert asked for unknown variants: ${variantIds.join(', ')}`);
			return;
		}
		try {
			const target = this.target;
			if (!target) {
				throw new IllustrateError('This panel has no document to insert into: open the document and run "Illustrate: Generate Image…" from it. The images are kept in Illustrate\'s history.');
			}
			const document = await target.document();
			const alt = target.alt || altTextFromPrompt(images[0].prompt);
			const result = await this.services.inserter.insert({ document, target: target.target, images, alt });
			const inserted = new Map(variantIds.map((id, index) => [id, result.paths[index]]));
			this.update({
				error: undefined,
				status: `Inserted ${result.paths.join(', ')}.`,
				variants: this.state.variants.map(variant => inserted.has(variant.id) ? { ...variant, insertedAs: inserted.get(variant.id) } : variant),
				target: target.describe(),
			});
		} catch (error) {
			this.update({ error: this.toPanelError(error) });
		}
	}

	private html(): string {
		const webview = this.panel.webview;
		const nonce = randomBytes(16).toString('base64');
		const media = vscode.Uri.joinPath(this.services.extensionUri, 'media');
		const script = webview.asWebviewUri(vscode.Uri.joinPath(media, 'panel.js'));
		const style = webview.asWebviewUri(vscode.Uri.joinPath(media, 'panel.css'));
		const csp = [
			`default-src 'none'`,
			`img-src ${webview.cspSource} data: blob:`,
			`style-src ${webview.cspSource}`,
			`font-src ${webview.cspSource}`,
			`script-src 'nonce-${nonce}'`,
		].join('; ');
		return `<!DOCTYPE html>
<html lang="${vscode.env.language}">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<link rel="stylesheet" href="${style}">
<title>Illustrate</title>
</head>
<body>
<main id="root"></main>
<script type="module" nonce="${nonce}" src="${script}"></script>
</body>
</html>`;
	}
}
