import * as vscode from 'vscode';
import { estimateCost } from '../core/cost/cost';
import { fillConfirmation, fillSummary, type FillFailure } from '../core/generation/fillReport';
import { findModel, isWholeFileFormat, type OutputFormat } from '../core/models/capabilities';
import { applyStyle } from '../core/prompt/stylePresets';
import { parseFillRunState, remainingItems, runItems, type FillRunReference, type FillRunState } from '../core/workspaceFill/fillRunState';
import type { WorkspacePlaceholder } from '../core/workspaceFill/placeholderIdentity';
import { BATCH_PRICE_FACTOR } from '../core/cost/batchCost';
import { fillPrice, placeholderEstimate, type FillPrice, type FillPriceSettings } from '../core/cost/fillPrices';
import { batchTakesFormat } from '../core/batchApi/batchInput';
import { today } from '../core/errors';
import { fillModeChoices, parseWorkspaceFillArgs, pickerTitle, type WorkspaceFillMode } from '../core/workspaceFill/workspaceFillArgs';
import { providerLabel, type ApiKeys } from '../providers/apiKeys';
import type { BatchService } from '../batch/batchService';
import type { Services } from '../services';
import { readSettings } from '../settings/settings';
import { ensureTrusted } from '../workspace/trust';
import { scanWorkspace } from '../workspace/workspaceScan';
import type { Command } from './commandManager';
import { askFillPlan, fillPlanFromArgs, type FillPlan } from './fillPlan';
import { FILL_RUN_KEY, NowRun } from './workspaceFillNow';

/** What `illustrate.fillMissingImagesInWorkspace` resolves to. */
export interface WorkspaceFillResult {
	readonly files: string[];
	readonly failures: FillFailure[];
	/** Placeholders left unfilled: cancelled (a Now run resumes them) or beyond the budget; a batch's are behind `batchId`. */
	readonly skipped: number;
	readonly costUsd?: number;
	/** The batch still running, in batch mode. */
	readonly batchId?: string;
}

/** What a batch is given: the placeholders (prompts with the style applied) and the request's settings. */
export interface BatchSubmission {
	readonly placeholders: readonly WorkspacePlaceholder[];
	readonly model: string;
	readonly size: string;
	readonly quality: string;
	readonly outputFormat: OutputFormat;
	readonly reference: FillPlan['reference'];
	/** One image's synchronous estimate; the batch's record keeps its batch price. */
	readonly each: number | undefined;
}

/** Hands placeholders to the Batch API (engineer F's BatchService); resolves with the batch's id. */
export type SubmitBatch = (submission: BatchSubmission) => Promise<{ readonly batchId: string }>;

/**
 * Fill Missing Images in Workspace: every placeholder of every document of a kind Illustrate
 * links, picked from a list grouped by document, filled now (in parallel, resumable) or as a
 * batch at half price.
 */
export class FillWorkspaceCommand implements Command {
	readonly id = 'illustrate.fillMissingImagesInWorkspace';
	/** The Now run in progress: one at a time per window. */
	private running: NowRun | undefined;

	constructor(
		private readonly services: Services,
		private readonly keys: ApiKeys,
		private readonly memento: vscode.Memento,
		private readonly submitBatch: SubmitBatch,
	) { }

	async execute(rawArgs?: unknown): Promise<WorkspaceFillResult | undefined> {
		const args = { ...parseWorkspaceFillArgs(rawArgs), ...folderInclude(rawArgs) };
		if (args.cancel) {
			this.running?.cancel();
			return undefined;
		}
		if (this.running) {
			void vscode.window.showInformationMessage(vscode.l10n.t('Fill Missing Images in Workspace is already running: see its progress notification.'));
			return undefined;
		}
		const scripted = args.confirm === false;
		if (!(await ensureTrusted(scripted))) {
			return undefined;
		}
		if (!vscode.workspace.workspaceFolders?.length) {
			void vscode.window.showInformationMessage(vscode.l10n.t('Open a folder first: Fill Missing Images in Workspace looks through its documents.'));
			return undefined;
		}
		if (args.mode !== 'batch') {
			const resumed = await this.offerResume(scripted);
			if (resumed !== 'startOver') {
				return resumed;
			}
		}
		const scan = await vscode.window.withProgress({ location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Illustrate: looking for image placeholders') }, () => scanWorkspace(args.include, undefined, this.services.log));
		for (const { uri, reason } of scan.skipped) {
			this.services.log.warn(`Fill Missing Images in Workspace: skipped ${vscode.workspace.asRelativePath(uri)} (${reason})`);
		}
		this.services.log.info(`Fill Missing Images in Workspace: ${scan.placeholders.length} placeholder(s) in ${scan.documents} document(s), ${scan.skipped.length} skipped`);
		if (scan.placeholders.length === 0) {
			void vscode.window.showInformationMessage(vscode.l10n.t('No image placeholders with alt text in the workspace\'s documents. Write one like ![a diagram of the login flow]() and run this again.'));
			return { files: [], failures: [], skipped: 0 };
		}
		const first = vscode.Uri.parse(scan.placeholders[0].document, true);
		const settings = readSettings(first);
		// Each placeholder priced in its own format: a link to diagram.svg is no PNG.
		const priceSettings: FillPriceSettings = { model: settings.model, quality: settings.quality, size: settings.size, today: today() };
		const formatOf = (placeholder: WorkspacePlaceholder) => placeholder.outputFormat ?? settings.outputFormat;
		const priceOf = (placeholders: readonly WorkspacePlaceholder[]) => fillPrice(placeholders.map(formatOf), priceSettings);

		const picked = scripted ? scan.placeholders : await this.pick(scan.placeholders, priceOf);
		if (!picked?.length) {
			return undefined;
		}
		const plan = scripted ? await fillPlanFromArgs(first, args, this.services.log) : await askFillPlan(first, picked.length, this.services.log);
		if (!plan) {
			return undefined;
		}
		// A batch with a reference image sends JSON edits, which make no SVG or GIF: those stay for Now.
		const forBatch = picked.filter(placeholder => batchTakesFormat(formatOf(placeholder), plan.reference.kind === 'file'));
		const mode = args.mode ?? (scripted ? 'now' : await this.pickMode(picked.length, priceOf(picked), priceOf(forBatch), picked.length - forBatch.length));
		if (!mode) {
			return undefined;
		}
		const sending = mode === 'batch' ? forBatch : picked;
		const leftToNow = picked.length - sending.length;
		if (leftToNow > 0) {
			this.services.log.info(`Fill Missing Images in Workspace: ${leftToNow} SVG/GIF placeholder(s) left out of the batch (a batch with a reference image cannot make them)`);
			void vscode.window.showInformationMessage(vscode.l10n.t('{0} SVG/GIF placeholder(s) were not sent: a batch with a reference image cannot make them. Fill them Now.', leftToNow));
		}
		if (sending.length === 0) {
			return { files: [], failures: [], skipped: picked.length };
		}
		const documents = new Set(sending.map(placeholder => placeholder.document)).size;
		const where = vscode.l10n.t('{0} document(s)', documents);
		const factor = mode === 'batch' ? BATCH_PRICE_FACTOR : 1;
		// One PNG, JPEG or WebP image's estimate: what the run's budget tally counts per request.
		const each = placeholderEstimate(isWholeFileFormat(settings.outputFormat) ? 'png' : settings.outputFormat, priceSettings);
		const price = each !== undefined ? each * factor : undefined;
		const confirmation = fillConfirmation({ document: where, placeholders: sending.length, each: price, budget: settings.maxCostPerRequest, model: settings.model, quality: settings.quality, size: settings.size, formats: sending.map(formatOf), today: priceSettings.today, factor });
		if (confirmation.kind === 'overBudget') {
			void vscode.window.showWarningMessage(confirmation.message);
			return { files: [], failures: [], skipped: picked.length };
		}
		if (confirmation.count < sending.length && !scripted) {
			const go = vscode.l10n.t('Generate');
			if (await vscode.window.showInformationMessage(confirmation.question, { modal: true, detail: confirmation.detail }, go) !== go) {
				return undefined;
			}
		}
		if (!(await hasKey(this.keys, settings.provider, scripted))) {
			return undefined;
		}
		const chosen = sending.slice(0, confirmation.count).map(placeholder => ({ ...placeholder, prompt: applyStyle(placeholder.alt, plan.style) }));
		const overBudget = picked.length - chosen.length;
		if (mode === 'batch') {
			if (plan.reference.kind === 'first') {
				// A batch's requests run side by side: none of them can wait for the first image.
				void vscode.window.showInformationMessage(vscode.l10n.t('A batch cannot match its first image: its requests are generated side by side. Each image is made on its own; pick an image from the workspace as the reference to make them a set.'));
			}
			const { batchId } = await this.submitBatch({ placeholders: chosen, model: settings.model, size: settings.size, quality: settings.quality, outputFormat: settings.outputFormat, reference: plan.reference, each });
			this.services.log.info(`Fill Missing Images in Workspace: ${chosen.length} placeholder(s) sent as batch ${batchId}`);
			if (!scripted) {
				const show = vscode.l10n.t('Show Batches');
				void vscode.window.showInformationMessage(vscode.l10n.t('Sent {0} placeholder(s) as a batch: Illustrate inserts the images when OpenAI is done, within 24 hours, also after VS Code was closed.', chosen.length), show).then(choice => {
					if (choice === show) {
						void vscode.commands.executeCommand('illustrate.showBatches');
					}
				});
			}
			return { files: [], failures: [], skipped: overBudget, batchId };
		}
		const reference: FillRunReference = plan.reference.kind === 'file' ? { kind: 'file', uri: plan.reference.uri.toString() } : { kind: plan.reference.kind };
		const state: FillRunState = { version: 1, startedAt: new Date().toISOString(), model: settings.model, size: settings.size, quality: settings.quality, outputFormat: settings.outputFormat, reference, items: runItems(chosen) };
		await this.memento.update(FILL_RUN_KEY, state);
		const outcome = await this.runNow(state, price, settings.maxCostPerRequest, documents);
		return { ...outcome, skipped: outcome.skipped + overBudget };
	}

	/** A run left by Cancel, a reload or a crash: resumed (scripted runs always resume), or dropped for a new one. */
	private async offerResume(scripted: boolean): Promise<WorkspaceFillResult | 'startOver' | undefined> {
		const stored = this.memento.get<unknown>(FILL_RUN_KEY);
		if (stored === undefined) {
			return 'startOver';
		}
		const state = parseFillRunState(stored);
		const left = state ? remainingItems(state) : [];
		if (!state || left.length === 0) {
			this.services.log.warn('Fill Missing Images in Workspace: dropped a stored run that was not one Illustrate can resume');
			await this.memento.update(FILL_RUN_KEY, undefined);
			return 'startOver';
		}
		if (!scripted) {
			const resume = vscode.l10n.t('Resume');
			const startOver = vscode.l10n.t('Start Over');
			const paid = left.filter(item => item.image).length;
			const detail = paid > 0 ? vscode.l10n.t('{0} of them are paid for and waiting in the history to be inserted.', paid) : undefined;
			const choice = await vscode.window.showInformationMessage(vscode.l10n.t('An interrupted fill has {0} of {1} placeholder(s) left. Resume it?', left.length, state.items.length), { modal: true, ...(detail ? { detail } : {}) }, resume, startOver);
			if (choice === startOver) {
				await this.memento.update(FILL_RUN_KEY, undefined);
				return 'startOver';
			}
			if (choice !== resume) {
				return undefined;
			}
		}
		const settings = readSettings(vscode.Uri.parse(left[0].document, true));
		if (!(await hasKey(this.keys, settings.provider, scripted))) {
			return undefined;
		}
		const model = findModel(state.model);
		const each = model ? estimateCost(model, state.quality, state.size, 1) : undefined;
		this.services.log.info(`Fill Missing Images in Workspace: resuming a run with ${left.length} of ${state.items.length} placeholder(s) left`);
		return this.runNow(state, each, settings.maxCostPerRequest, new Set(left.map(item => item.document)).size);
	}

	private async runNow(state: FillRunState, each: number | undefined, budget: number | undefined, documents: number): Promise<WorkspaceFillResult> {
		const left = remainingItems(state).length;
		const where = vscode.l10n.t('{0} document(s)', documents);
		const run = new NowRun(this.services, this.memento, state, each, budget);
		this.running = run;
		let outcome;
		try {
			outcome = await run.run(vscode.l10n.t('Illustrate: filling {0} image(s) in {1}', left, where));
		} finally {
			this.running = undefined;
		}
		const summary = fillSummary({ document: where, filled: outcome.files.length, total: left, failures: outcome.failures, skipped: outcome.skipped, spent: outcome.costUsd });
		if (summary.level === 'info') {
			void vscode.window.showInformationMessage(summary.message);
		} else {
			this.services.log.warn(summary.logLine ?? summary.message);
			const details = vscode.l10n.t('Show Log');
			void vscode.window.showWarningMessage(summary.message, details).then(choice => choice === details && this.services.log.show(true));
		}
		return outcome;
	}

	/** The placeholders grouped by document, every one ticked; the title follows the count and the cost. */
	private async pick(placeholders: readonly WorkspacePlaceholder[], priceOf: (placeholders: readonly WorkspacePlaceholder[]) => FillPrice): Promise<WorkspacePlaceholder[] | undefined> {
		type Item = vscode.QuickPickItem & { placeholder?: WorkspacePlaceholder };
		const items: Item[] = [];
		let document: string | undefined;
		for (const placeholder of placeholders) {
			if (placeholder.document !== document) {
				document = placeholder.document;
				items.push({ label: vscode.workspace.asRelativePath(vscode.Uri.parse(document, true)), kind: vscode.QuickPickItemKind.Separator });
			}
			const format = placeholder.outputFormat ? ` · ${placeholder.identity.target ?? ''} (${placeholder.outputFormat.toUpperCase()})` : placeholder.identity.target !== undefined ? ` · ${placeholder.identity.target}` : '';
			items.push({ label: placeholder.alt, description: `${vscode.l10n.t('line {0}', placeholder.range.line + 1)}${format}`, placeholder });
		}
		const quickPick = vscode.window.createQuickPick<Item>();
		const documentsOf = (chosen: readonly Item[]) => new Set(chosen.map(item => item.placeholder?.document)).size;
		quickPick.canSelectMany = true;
		quickPick.matchOnDescription = true;
		quickPick.items = items;
		quickPick.selectedItems = items.filter(item => item.placeholder);
		const chosenOf = (chosen: readonly Item[]) => chosen.flatMap(item => item.placeholder ? [item.placeholder] : []);
		quickPick.title = pickerTitle(placeholders.length, documentsOf(quickPick.selectedItems), priceOf(placeholders));
		quickPick.placeholder = vscode.l10n.t('Untick the placeholders to leave for later, then press Enter');
		try {
			return await new Promise<WorkspacePlaceholder[] | undefined>(resolve => {
				quickPick.onDidChangeSelection(selection => {
					quickPick.title = pickerTitle(selection.length, documentsOf(selection), priceOf(chosenOf(selection)));
				});
				quickPick.onDidAccept(() => resolve(quickPick.selectedItems.flatMap(item => item.placeholder ? [item.placeholder] : [])));
				quickPick.onDidHide(() => resolve(undefined));
				quickPick.show();
			});
		} finally {
			quickPick.dispose();
		}
	}

	private async pickMode(count: number, price: FillPrice, batchPrice: FillPrice, leftToNow: number): Promise<WorkspaceFillMode | undefined> {
		const picked = await vscode.window.showQuickPick(fillModeChoices(count, price, batchPrice, leftToNow), { title: vscode.l10n.t('Illustrate: fill {0} placeholder(s) now or as a batch?', count) });
		return picked?.mode;
	}
}

/** From the Explorer's context menu on a folder: only the documents under it. */
function folderInclude(rawArgs: unknown): { include?: string } {
	if (!(rawArgs instanceof vscode.Uri) || !vscode.workspace.getWorkspaceFolder(rawArgs)) {
		return {};
	}
	const relative = vscode.workspace.asRelativePath(rawArgs, false);
	// The workspace folder itself: everything; a folder in it: its documents, the glob's own characters escaped.
	return relative === rawArgs.fsPath || relative === '' || relative === rawArgs.path ? {} : { include: `${relative.replace(/[[\]{}*?!]/g, '[$&]')}/**` };
}

/** Batch mode through the Batch API's service: the placeholders, their request options and a workspace image as the reference. */
export function submitThrough(batches: BatchService): SubmitBatch {
	return async submission => {
		const { batchId } = await batches.submit(submission.placeholders, {
			options: { model: submission.model, size: submission.size, quality: submission.quality, outputFormat: submission.outputFormat },
			...(submission.reference.kind === 'file' ? { reference: submission.reference.image } : {}),
			...(submission.each !== undefined ? { estimateEach: submission.each } : {}),
			resource: vscode.Uri.parse(submission.placeholders[0].document, true),
		});
		return { batchId };
	};
}

/** Whether a key is set for `provider`; if not, says how to set one (a scripted run rejects with it). */
async function hasKey(keys: ApiKeys, provider: Parameters<typeof providerLabel>[0], scripted: boolean): Promise<boolean> {
	if (await keys.get(provider)) {
		return true;
	}
	const message = vscode.l10n.t('No API key is set for {0}. Set one with "Illustrate: Set API Key", then run this again.', providerLabel(provider));
	if (scripted) {
		throw new Error(`Illustrate: ${message}`);
	}
	void vscode.window.showErrorMessage(message);
	return false;
}
