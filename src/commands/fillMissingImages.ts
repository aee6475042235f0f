import * as vscode from 'vscode';
import { estimateCost, formatUsd } from '../core/cost/cost';
import { BudgetTally } from '../core/cost/fillBudget';
import { parseFillArgs } from '../core/generation/commandArgs';
import { fillConfirmation, fillSummary, type FillFailure, type FillOutcome } from '../core/generation/fillReport';
import { runBounded } from '../core/generation/concurrency';
import { errorKind } from '../core/logging/logShape';
import { findModel, modelForFormat } from '../core/models/capabilities';
import { sizeForFormat, type ImageRequestOptions } from '../core/models/validation';
import { disposeAll } from '../core/lifecycle/disposeAll';
import { fillFormats, isFillable, type ClassifiedImage, type DocumentImageIndex } from '../editor/documentPlaceholders';
import { withLinkedFile } from '../editor/editorTargets';
import type { StoredImage } from '../history/imageStore';
import type { Services } from '../services';
import { providerLabel, type ApiKeys } from '../providers/apiKeys';
import { ensureTrusted } from '../workspace/trust';
import { CancelledError, IllustrateError, today } from '../core/errors';
import { type GenerationResult, type ReferenceImage } from '../providers/imageService';
import { readSettings, type IllustrateSettings } from '../settings/settings';
import { applyStyle } from '../core/prompt/stylePresets';
import { TrackedTarget } from '../workspace/trackedTarget';
import type { Command } from './commandManager';
import { askFillPlan, fillPlanFromArgs, type FillPlan } from './fillPlan';
import { isRasterFormat } from '../core/generation/imageRequests';

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

/** A placeholder an agent's fill filled: its alt text, the file, the reference written. */
export interface SavedPlaceholder {
	readonly alt: string;
	readonly file: vscode.Uri;
	readonly reference: string;
}

/** What a fill for an agent resolves to: the result, and each filled placeholder's file and link. */
export interface AgentFillResult extends FillResult {
	readonly saved: readonly SavedPlaceholder[];
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
		const plan = args.confirm === false ? await fillPlanFromArgs(document.uri, args, this.services.log) : await askFillPlan(document.uri, items.length, this.services.log);
		if (!plan) {
			return undefined;
		}

		const budget = settings.maxCostPerRequest;
		const confirmation = fillConfirmation({ document: name, placeholders: items.length, each, budget, model: settings.model, quality: settings.quality, size: settings.size, formats: fillFormats(items, settings.outputFormat), today: today() });
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

		const run = await this.fill({ document, items, count, plan, settings, each, externalToken: undefined });
		this.report({ document: name, filled: run.files.length, total: items.length, failures: run.failures, skipped: run.skipped, spent: run.costUsd });
		return { files: run.files, failures: run.failures, skipped: run.skipped, ...(run.costUsd !== undefined ? { costUsd: run.costUsd } : {}) };
	}

	/**
	 * For agents (the illustrate_fill_missing_images tool): fills `document`'s placeholders
	 * within the budget without asking (the agent's confirmation asked), each image on its own;
	 * throws what stops it before anything is sent (no placeholders are fine: an empty result).
	 * `token` cancels: what has not arrived is not written.
	 */
	async fillForAgent(document: vscode.TextDocument, token: vscode.CancellationToken): Promise<AgentFillResult> {
		this.index.forget(document);
		const items = (await this.index.classify(document)).filter(isFillable).filter(item => item.image.alt.trim().length > 0);
		if (items.length === 0) {
			return { files: [], failures: [], skipped: 0, saved: [] };
		}
		const settings = readSettings(document.uri);
		const model = findModel(settings.model);
		const each = model ? estimateCost(model, settings.quality, settings.size, 1) : undefined;
		const confirmation = fillConfirmation({ document: vscode.workspace.asRelativePath(document.uri), placeholders: items.length, each, budget: settings.maxCostPerRequest, model: settings.model, quality: settings.quality, size: settings.size, formats: fillFormats(items, settings.outputFormat), today: today() });
		if (confirmation.kind === 'overBudget') {
			throw new IllustrateError(confirmation.message);
		}
		if (!(await this.keys.get(settings.provider))) {
			throw new IllustrateError(vscode.l10n.t('No API key is set for {0}. Set one with "Illustrate: Set API Key", then run this again.', providerLabel(settings.provider)));
		}
		const plan = await fillPlanFromArgs(document.uri, {}, this.services.log);
		const run = await this.fill({ document, items, count: confirmation.count, plan, settings, each, externalToken: token });
		// Beyond the budget: each a failure with its reason, so the agent knows why.
		const reason = vscode.l10n.t('not sent: the budget of {0} is spent', formatUsd(settings.maxCostPerRequest ?? 0));
		const beyond = items.slice(confirmation.count).map(item => ({ alt: item.image.alt, reason }));
		return { ...run, failures: [...run.failures, ...beyond], skipped: run.skipped - beyond.length };
	}

	/** Generates and inserts the first `count` placeholders of `items`, three at a time; one failure never stops the others. */
	private async fill(request: { document: vscode.TextDocument; items: readonly ClassifiedImage[]; count: number; plan: FillPlan; settings: IllustrateSettings; each: number | undefined; externalToken: vscode.CancellationToken | undefined }): Promise<AgentFillResult> {
		const { document, items, count, plan, settings, each } = request;
		const name = vscode.workspace.asRelativePath(document.uri);
		const budget = settings.maxCostPerRequest;
		const chosen = items.slice(0, count);
		const targets = await Promise.all(chosen.map(async item => {
			const source = await withLinkedFile(document, { prompt: item.image.alt, target: { kind: 'image', start: item.image.start, alt: item.image.alt }, alt: item.image.alt, ...(item.image.url ? { url: item.image.url } : {}) }, this.services.log);
			return { alt: item.image.alt, source, tracked: new TrackedTarget(document.uri, source.target, source.alt, source.preferredFile) };
		}));
		const files: string[] = [];
		const saved: SavedPlaceholder[] = [];
		const failures: FillFailure[] = [];
		const tally = new BudgetTally(each, budget);
		let done = 0;
		let skipped = items.length - count;
		let external: vscode.Disposable | undefined;
		try {
			await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Illustrate: filling {0} image(s) in {1}', count, name), cancellable: true }, async (progress, token) => {
				const abort = new AbortController();
				token.onCancellationRequested(() => abort.abort());
				external = request.externalToken?.onCancellationRequested(() => abort.abort());
				if (request.externalToken?.isCancellationRequested) {
					abort.abort();
				}
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
						// An agent that cancelled gets nothing written; the image stays in the history.
						if (request.externalToken?.isCancellationRequested) {
							throw new CancelledError();
						}
						const inserted = await this.services.inserter.insert({ document, target: target.tracked.target, images: [image], alt: target.alt, preferredFile: target.source.preferredFile });
						files.push(inserted.files[0].toString());
						saved.push({ alt: target.alt, file: inserted.files[0], reference: inserted.references[0] });
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
			external?.dispose();
			disposeAll(targets.map(target => target.tracked));
		}
		const spent = tally.spent;
		return { files, failures, skipped, saved, ...(spent !== undefined ? { costUsd: spent } : {}) };
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
