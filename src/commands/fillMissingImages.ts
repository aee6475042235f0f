import * as vscode from 'vscode';
import { estimateCost, formatUsd } from '../core/cost/cost';
import { BudgetTally } from '../core/cost/fillBudget';
import { parseFillArgs, type FillCommandArgs } from '../core/generation/commandArgs';
import { fillConfirmation, fillSummary, type FillFailure, type FillOutcome } from '../core/generation/fillReport';
import { runBounded } from '../core/generation/concurrency';
import { errorKind } from '../core/logging/logShape';
import { findModel, modelForFormat } from '../core/models/capabilities';
import { sizeForFormat, type ImageRequestOptions } from '../core/models/validation';
import { IMAGE_FILE_EXTENSIONS } from '../core/images/imageFormats';
import { readImageInfo } from '../core/images/imageInfo';
import { disposeAll } from '../core/lifecycle/disposeAll';
import { isFillable, type DocumentImageIndex } from '../editor/documentPlaceholders';
import { withLinkedFile } from '../editor/editorTargets';
import type { StoredImage } from '../history/imageStore';
import type { Services } from '../services';
import { providerLabel, type ApiKeys } from '../providers/apiKeys';
import { ensureTrusted } from '../workspace/trust';
import { CancelledError, IllustrateError, today } from '../core/errors';
import { type GenerationResult, type ReferenceImage } from '../providers/imageService';
import { readSettings } from '../settings/settings';
import { applyStyle, type StylePreset } from '../core/prompt/stylePresets';
import { loadStylePresets } from '../workspace/stylePresets';
import { TrackedTarget } from '../workspace/trackedTarget';
import type { Command } from './commandManager';
import { editInputFormat, isRasterFormat } from '../core/generation/imageRequests';

/** Placeholders filled at once. */
const PARALLEL_FILLS = 3;

/** What `illustrate.fillMissingImages` resolves to. */
export interface FillResult {
	readonly files: string[];
	readonly failures: FillFailure[];
	/** Placeholders left unfilled by cancellation or the budget. */
	readonly skipped: number;
	readonly costUsd?: number;
}

type ReferenceMode = { readonly kind: 'none' } | { readonly kind: 'first' } | { readonly kind: 'file'; readonly image: ReferenceImage };

interface Plan {
	readonly style?: StylePreset;
	readonly reference: ReferenceMode;
}

async function referenceFromFile(uri: vscode.Uri): Promise<ReferenceImage> {
	const bytes = await vscode.workspace.fs.readFile(uri);
	const format = readImageInfo(bytes)?.format;
	if (!format) {
		throw new IllustrateError(vscode.l10n.t('{0} is not a PNG, JPEG or WebP image, so it cannot be a reference.', vscode.workspace.asRelativePath(uri)));
	}
	return { bytes, name: uri.path.slice(uri.path.lastIndexOf('/') + 1), format: editInputFormat(format, 'reference') };
}

/**
 * Fills every placeholder of a document (and every link to a missing file): counts them,
 * estimates the cost, asks once, then generates and inserts each link as its image
 * arrives. One failure never stops the others; the failures are listed at the end.
 */
export class FillMissingImagesCommand implements Command {
	readonly id = 'illustrate.fillMissingImages';

	constructor(
		private readonly services: Services,
		private readonly keys: ApiKeys,
		private readonly index: DocumentImageIndex,
	) { }

	/**
	 * `args` for tasks and tests: `{ confirm: false }` runs without asking, with
	 * `reference` (`none` or `first`) and `style` (a preset's name) in place of the pickers.
	 */
	async execute(rawArgs?: unknown): Promise<FillResult | undefined> {
		const args = parseFillArgs(rawArgs);
		if (!(await ensureTrusted(args.confirm === false))) {
			return undefined;
		}
		const editor = vscode.window.activeTextEditor;
		if (!editor) {
			void vscode.window.showInformationMessage(vscode.l10n.t('Open a document with image placeholders such as ![a diagram of the login flow]() first.'));
			return undefined;
		}
		const document = editor.document;
		const name = vscode.workspace.asRelativePath(document.uri);
		this.index.forget(document);
		const items = (await this.index.classify(document)).filter(isFillable).filter(item => item.image.alt.trim().length > 0);
		if (items.length === 0) {
			void vscode.window.showInformationMessage(vscode.l10n.t('{0} has no image placeholders with alt text. Write one like ![a diagram of the login flow]() and run this again.', name));
			return undefined;
		}

		const settings = readSettings(document.uri);
		const model = findModel(settings.model);
		const each = model ? estimateCost(model, settings.quality, settings.size, 1) : undefined;
		const plan = args.confirm === false ? await this.planFromArgs(document, args) : await this.askPlan(document, items.length);
		if (!plan) {
			return undefined;
		}

		const budget = settings.maxCostPerRequest;
		const confirmation = fillConfirmation({ document: name, placeholders: items.length, each, budget, model: settings.model, quality: settings.quality, size: settings.size });
		if (confirmation.kind === 'overBudget') {
			void vscode.window.showWarningMessage(confirmation.message);
			return { files: [], failures: [], skipped: items.length };
		}
		const { count, question, detail: estimate } = confirmation;
		const go = vscode.l10n.t('Generate');
		const choice = args.confirm === false ? go : await Promise.resolve(vscode.window.showInformationMessage(question, { modal: true, detail: estimate }, go)).catch((error: unknown) => {
			this.services.log.warn(`The question before filling could not be shown, so nothing was generated: ${error instanceof Error ? error.message : String(error)}`);
			return undefined;
		});
		if (choice !== go || !(await this.keys.get(settings.provider))) {
			if (choice === go) {
				void vscode.window.showErrorMessage(vscode.l10n.t('No API key is set for {0}. Set one with "Illustrate: Set API Key", then run this again.', providerLabel(settings.provider)));
			}
			return undefined;
		}

		const chosen = items.slice(0, count);
		const targets = await Promise.all(chosen.map(async item => {
			const source = await withLinkedFile(document, { prompt: item.image.alt, target: { kind: 'image', start: item.image.start, alt: item.image.alt }, alt: item.image.alt, ...(item.image.url ? { url: item.image.url } : {}) }, this.services.log);
			return { alt: item.image.alt, source, tracked: new TrackedTarget(document.uri, source.target, source.alt, source.preferredFile) };
		}));
		const files: string[] = [];
		const failures: FillFailure[] = [];
		const tally = new BudgetTally(each, budget);
		let done = 0;
		let skipped = items.length - count;
		try {
			await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Illustrate: filling {0} image(s) in {1}', count, name), cancellable: true }, async (progress, token) => {
				const abort = new AbortController();
				token.onCancellationRequested(() => abort.abort());
				let reference: ReferenceImage | undefined = plan.reference.kind === 'file' ? plan.reference.image : undefined;
				const fill = async (target: typeof targets[number]): Promise<void> => {
					if (abort.signal.aborted) {
						skipped++;
						return;
					}
					if (!tally.allowsAnother()) {
						failures.push({ alt: target.alt, reason: vscode.l10n.t('not sent: the budget of {0} is spent', formatUsd(budget ?? 0)) });
						return;
					}
					// A link to diagram.svg or loop.gif is filled in its format, by a model that makes it.
					const outputFormat = target.source.outputFormat ?? settings.outputFormat;
					const model = modelForFormat(settings.model, outputFormat, today());
					const options: ImageRequestOptions = {
						model,
						prompt: applyStyle(target.source.prompt ?? target.alt, plan.style),
						size: sizeForFormat(model, outputFormat, settings.size),
						quality: settings.quality,
						n: 1,
						outputFormat,
					};
					try {
						const result: GenerationResult = reference
							? await this.services.images.generateWithReference(reference, options, document.uri, abort.signal, { onImage: () => undefined })
							: await this.services.images.generate(options, document.uri, abort.signal, { onImage: () => undefined });
						tally.add(result.costUsd);
						this.services.costs.add(result.costUsd, result.images.length);
						const image: StoredImage = result.images[0];
						const inserted = await this.services.inserter.insert({ document, target: target.tracked.target, images: [image], alt: target.alt, preferredFile: target.source.preferredFile });
						files.push(inserted.files[0].toString());
						if (plan.reference.kind === 'first' && !reference) {
							// The first image is the reference of the rest, if the edits endpoint takes it (not an SVG or a GIF).
							if (isRasterFormat(image.format)) {
								reference = { bytes: await this.services.store.read(image), name: inserted.files[0].path.split('/').pop() ?? 'reference.png', format: image.format };
							} else {
								this.services.log.warn(`Fill Missing Images: the first image is ${image.format}, which the edits endpoint does not take; the others are made without a reference`);
							}
						}
					} catch (error) {
						if (error instanceof CancelledError || abort.signal.aborted) {
							skipped++;
							return;
						}
						failures.push({ alt: target.alt, reason: error instanceof Error ? error.message : String(error) });
						this.services.log.warn(`Fill Missing Images: placeholder ${targets.indexOf(target) + 1} of ${targets.length} (alt text of ${target.alt.length} characters) failed: ${errorKind(error)}`);
					} finally {
						done++;
						progress.report({ message: vscode.l10n.t('{0} of {1}', done, count), increment: 100 / count });
					}
				};
				// With "the first image as reference", the first must arrive before the others can use it.
				const [first, ...rest] = targets;
				if (plan.reference.kind === 'first') {
					await fill(first);
					await runBounded(rest.map(target => () => fill(target)), PARALLEL_FILLS);
				} else {
					await runBounded(targets.map(target => () => fill(target)), PARALLEL_FILLS);
				}
			});
		} finally {
			disposeAll(targets.map(target => target.tracked));
		}
		const spent = tally.spent;
		this.report({ document: name, filled: files.length, total: items.length, failures, skipped, spent });
		return { files, failures, skipped, ...(spent !== undefined ? { costUsd: spent } : {}) };
	}

	private async planFromArgs(document: vscode.TextDocument, args: FillCommandArgs): Promise<Plan | undefined> {
		const presets = await loadStylePresets(document.uri, this.services.log);
		const style = args.style ? presets.find(preset => preset.name === args.style) : undefined;
		if (args.style && !style) {
			throw new Error(vscode.l10n.t('Illustrate: no style preset "{0}" in .vscode/illustrate-styles.json.', args.style));
		}
		return { style, reference: { kind: args.reference ?? 'none' } };
	}

	/** Style preset and reference image: asked only when there is a choice to make. */
	private async askPlan(document: vscode.TextDocument, count: number): Promise<Plan | undefined> {
		const presets = await loadStylePresets(document.uri, this.services.log);
		let style: StylePreset | undefined;
		if (presets.length > 0) {
			const none: vscode.QuickPickItem & { preset?: StylePreset } = { label: vscode.l10n.t('No style'), description: vscode.l10n.t('the alt text alone') };
			const picked = await vscode.window.showQuickPick([none, ...presets.map(preset => ({ label: preset.name, description: preset.instruction, preset }))], {
				title: vscode.l10n.t('Illustrate: a style for every image'),
				placeHolder: vscode.l10n.t('Style presets from .vscode/illustrate-styles.json'),
			});
			if (!picked) {
				return undefined;
			}
			style = picked.preset;
		}
		if (count < 2) {
			return { style, reference: { kind: 'none' } };
		}
		const options = [
			{ label: vscode.l10n.t('Each image on its own'), mode: 'none' as const },
			{ label: vscode.l10n.t('Match the first image'), description: vscode.l10n.t('send the first image as a reference with every later request, so they look like a set'), mode: 'first' as const },
			{ label: vscode.l10n.t('Match an image from the workspace…'), description: vscode.l10n.t('send an image you pick as the reference with every request'), mode: 'file' as const },
		];
		const picked = await vscode.window.showQuickPick(options, { title: vscode.l10n.t('Illustrate: one look across the document?') });
		if (!picked) {
			return undefined;
		}
		if (picked.mode !== 'file') {
			return { style, reference: { kind: picked.mode } };
		}
		const uris = await vscode.window.showOpenDialog({
			canSelectMany: false,
			defaultUri: vscode.workspace.getWorkspaceFolder(document.uri)?.uri,
			filters: { [vscode.l10n.t('Images')]: [...IMAGE_FILE_EXTENSIONS] },
			openLabel: vscode.l10n.t('Use as Reference'),
		});
		if (!uris?.[0]) {
			return undefined;
		}
		return { style, reference: { kind: 'file', image: await referenceFromFile(uris[0]) } };
	}

	private report(outcome: FillOutcome): void {
		const summary = fillSummary(outcome);
		if (summary.level === 'info') {
			void vscode.window.showInformationMessage(summary.message);
			return;
		}
		this.services.log.warn(summary.logLine ?? summary.message);
		const details = vscode.l10n.t('Show Log');
		void vscode.window.showWarningMessage(summary.message, details).then(choice => {
			if (choice === details) {
				this.services.log.show(true);
			}
		});
	}
}
