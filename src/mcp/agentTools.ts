import * as l10n from '@vscode/l10n';
import {
	assertRequestValid, editedImagePath, editRequestOptions, fillResultText, generateRequestOptions, parseEditImageInput, parseFillMissingImagesInput, parseGenerateImageInput,
	savedImageText, type FillFailure, type SavedImage,
} from '../core/agents/toolDefinitions';
import { estimateCost, formatUsd } from '../core/cost/cost';
import { BudgetTally } from '../core/cost/fillBudget';
import { checkEditRequest, MAX_INPUT_IMAGE_BYTES } from '../core/edits/editRules';
import { CancelledError, IllustrateError, today } from '../core/errors';
import { fillConfirmation } from '../core/generation/fillReport';
import { editInputFormat, type ReferenceImage } from '../core/generation/imageRequests';
import { readImageInfo } from '../core/images/imageInfo';
import { shiftTarget, type InsertionTarget } from '../core/markdown/insertion';
import { findModel, modelForFormat } from '../core/models/capabilities';
import { formatOfFileName } from '../core/images/imageFormats';
import { checkRequest, sizeForFormat, type ImageRequestOptions } from '../core/models/validation';
import { altTextFromPrompt } from '../core/prompt/altText';
import type { VariantEvents } from '../core/generation/batchRunner';
import { editImages, generateImages, type BatchServices, type OpenAIConnection } from '../providers/openaiImages';
import type { HistoryFolder, KeptImage } from './historyFolder';
import type { NodeWorkspace } from './nodeWorkspace';
import { WorkspaceImages } from './workspaceImages';
import type { AgentSettings } from './workspaceSettings';

/**
 * The three agent tools on the MCP server's side: each checks its input (the core's
 * definitions), makes the image through the core's batch runner and the `openai` SDK, keeps it
 * in the history folder first, then saves it into the workspace and links it.
 */

/** What a tool returns: text for the model, and the image it made. */
export interface ToolOutput {
	readonly text: string;
	readonly image?: KeptImage;
}

export interface AgentToolDeps {
	readonly workspace: NodeWorkspace;
	readonly history: HistoryFolder;
	/** Read at each call: the workspace's settings file may change while the server runs. */
	readonly settings: () => Promise<AgentSettings>;
	/** Throws the actionable error when there is no key. */
	readonly connection: (settings: AgentSettings) => OpenAIConnection;
	/** Unknown model names are allowed (an OpenAI-compatible endpoint decides). */
	readonly allowUnknownModels: boolean;
	readonly log: (line: string) => void;
}

export class AgentTools {
	private readonly images: WorkspaceImages;
	/** One document change at a time: each reads the text as the last one left it. */
	private writing: Promise<unknown> = Promise.resolve();

	constructor(private readonly deps: AgentToolDeps) {
		this.images = new WorkspaceImages(deps.workspace, deps.log);
	}

	private services(): BatchServices<KeptImage> {
		const log = this.deps.log;
		return { store: this.deps.history.save, log: { info: log, warn: log, error: log } };
	}

	private serialized<T>(work: () => Promise<T>): Promise<T> {
		const run = this.writing.then(work, work);
		this.writing = run.catch(() => undefined);
		return run;
	}

	/** Refuses a request estimated above the cost limit: there is nobody to ask. */
	private checkCost(options: ImageRequestOptions, settings: AgentSettings): void {
		const model = findModel(options.model);
		const estimate = model ? estimateCost(model, options.quality, options.size, options.n) : undefined;
		const limit = settings.maxCostPerRequest;
		if (estimate !== undefined && limit !== undefined && estimate > limit + 1e-9) {
			throw new IllustrateError(l10n.t('This request is estimated at {0}, above the limit of {1} per request (--max-cost, or illustrate.maxCostPerRequest in the workspace). Nothing was sent: ask for quality "low" or a smaller size, or ask the user to raise the limit.', formatUsd(estimate), formatUsd(limit)));
		}
	}

	async generate(raw: unknown, signal: AbortSignal, progress?: ToolProgress): Promise<ToolOutput> {
		const input = parseGenerateImageInput(raw);
		const settings = await this.deps.settings();
		const options = generateRequestOptions(input, settings, { today: today(), allowUnknownModels: this.deps.allowUnknownModels });
		this.checkCost(options, settings);
		// Everything that can be refused is refused before the request: nothing is paid for in vain.
		const document = input.document !== undefined ? await this.images.document(input.document) : undefined;
		let target: InsertionTarget | undefined;
		let linked: string | undefined;
		if (document && input.placeholder !== undefined) {
			const found = await this.images.placeholder(document, input.placeholder);
			target = { kind: 'image', start: found.image.start, alt: found.image.alt };
			linked = found.linked;
		} else if (document) {
			// After the last line with text: the document's own ending (a final newline) stays last.
			target = { kind: 'after', offset: document.text.trimEnd().length };
		}
		const desired = input.path !== undefined ? this.deps.workspace.pathOf(input.path) : undefined;
		const alt = input.alt?.trim() || (target?.kind === 'image' ? target.alt : '') || altTextFromPrompt(input.prompt);
		await this.images.checkDestination(alt, options.outputFormat, settings, { document, target, linked, desired });
		const connection = this.deps.connection(settings);
		const result = await generateImages(connection, options, this.services(), signal, progressEvents(progress));
		const image = result.images[0];
		const { saved } = await this.serialized(() => this.images.save(image, alt, settings, { document, target, linked, desired }));
		return { text: withCost(savedImageText(saved), result.costUsd), image };
	}

	async edit(raw: unknown, signal: AbortSignal, progress?: ToolProgress): Promise<ToolOutput> {
		const input = parseEditImageInput(raw);
		const settings = await this.deps.settings();
		const readImage = async (relative: string): Promise<ReferenceImage> => {
			const bytes = await this.deps.workspace.read(this.deps.workspace.pathOf(relative), MAX_INPUT_IMAGE_BYTES);
			if (bytes === undefined) {
				throw new IllustrateError(l10n.t('{0} does not exist in the workspace folder {1}. Give the path of an existing image, relative to the workspace folder.', relative, this.deps.workspace.name));
			}
			const format = readImageInfo(bytes)?.format;
			if (!format) {
				throw new IllustrateError(l10n.t('{0} is not a PNG, JPEG or WebP image.', relative));
			}
			return { bytes, name: relative.slice(relative.lastIndexOf('/') + 1), format: editInputFormat(format, 'reference') };
		};
		const original = await readImage(input.path);
		const references = await Promise.all((input.references ?? []).map(readImage));
		const options = editRequestOptions(input, original.format, settings);
		const images = [original, ...references];
		assertRequestValid(checkEditRequest({ ...options, images }, { today: today(), allowUnknownModels: this.deps.allowUnknownModels }).map(problem => problem.message));
		this.checkCost(options, settings);
		const desired = this.deps.workspace.pathOf(input.saveAs ?? editedImagePath(input.path, options.outputFormat));
		const alt = original.name.replace(/\.[^.]+$/, '').replace(/[-_]+/g, ' ').trim() || altTextFromPrompt(input.instruction);
		await this.images.checkDestination(alt, options.outputFormat, settings, { desired });
		const connection = this.deps.connection(settings);
		const recipe = { prompt: input.instruction, model: options.model, size: options.size, quality: options.quality, operation: 'edit' as const };
		const result = await editImages(connection, { ...options, images }, recipe, this.services(), signal, progressEvents(progress));
		const image = result.images[0];
		const { saved } = await this.serialized(() => this.images.save(image, alt, settings, { desired }));
		return { text: withCost(savedImageText(saved), result.costUsd), image };
	}

	async fill(raw: unknown, signal: AbortSignal, progress?: ToolProgress): Promise<ToolOutput> {
		const input = parseFillMissingImagesInput(raw);
		const settings = await this.deps.settings();
		const document = await this.images.document(input.document);
		const items = (await this.images.fillable(document)).filter(item => item.image.alt.trim().length > 0);
		if (items.length === 0) {
			return { text: fillResultText(document.relative, [], []) };
		}
		const model = findModel(settings.model);
		const each = model ? estimateCost(model, settings.quality, settings.size, 1) : undefined;
		const budget = settings.maxCostPerRequest;
		// A link to a missing diagram.svg or loop.gif is filled in its format, by a model that makes it, as the extension's fill does.
		const formats = items.map(item => (item.linked !== undefined ? formatOfFileName(item.linked) : undefined) ?? settings.outputFormat);
		const quote = fillConfirmation({ document: document.relative, placeholders: items.length, each, budget, model: settings.model, quality: settings.quality, size: settings.size, formats, today: today() });
		if (quote.kind === 'overBudget') {
			throw new IllustrateError(quote.message);
		}
		const connection = this.deps.connection(settings);
		const tally = new BudgetTally(each, budget);
		const saved: SavedImage[] = [];
		const failures: FillFailure[] = items.slice(quote.count).map(item => ({ placeholder: item.image.alt, reason: l10n.t('Not sent: the budget of {0} per request is spent.', formatUsd(budget ?? 0)) }));
		// Targets move as earlier links are written; placeholders are filled one after another.
		const targets: InsertionTarget[] = items.slice(0, quote.count).map(item => ({ kind: 'image', start: item.image.start, alt: item.image.alt }));
		for (const [index, item] of items.slice(0, quote.count).entries()) {
			if (signal.aborted) {
				failures.push({ placeholder: item.image.alt, reason: l10n.t('Not sent: the call was cancelled.') });
				continue;
			}
			if (!tally.allowsAnother()) {
				failures.push({ placeholder: item.image.alt, reason: l10n.t('Not sent: the budget of {0} per request is spent.', formatUsd(budget ?? 0)) });
				continue;
			}
			try {
				const outputFormat = formats[index];
				const model = modelForFormat(settings.model, outputFormat, today());
				const options: ImageRequestOptions = { model, prompt: item.image.alt, size: sizeForFormat(model, outputFormat, settings.size), quality: settings.quality, n: 1, outputFormat };
				assertRequestValid(checkRequest(options, { today: today(), allowUnknownModels: this.deps.allowUnknownModels }).map(problem => problem.message));
				await this.images.checkDestination(item.image.alt, options.outputFormat, settings, { document, target: targets[index], linked: item.linked });
				const result = await generateImages(connection, options, this.services(), signal, progressEvents(progress));
				tally.add(result.costUsd);
				const outcome = await this.serialized(() => this.images.save(result.images[0], item.image.alt, settings, { document, target: targets[index], linked: item.linked }));
				saved.push(outcome.saved);
				const changes = outcome.edits.map(edit => ({ rangeOffset: edit.start, rangeLength: edit.end - edit.start, text: edit.newText }));
				for (let later = index + 1; later < targets.length; later++) {
					targets[later] = shiftTarget(targets[later], changes);
				}
			} catch (error) {
				const reason = error instanceof CancelledError ? l10n.t('Not sent: the call was cancelled.') : error instanceof Error ? error.message : String(error);
				failures.push({ placeholder: item.image.alt, reason });
			}
		}
		return { text: fillResultText(document.relative, saved, failures, tally.spent) };
	}
}

/** Reports what a call is doing, for clients that asked for progress (MCP's progress notifications). */
export type ToolProgress = (message: string) => void;

function progressEvents(progress: ToolProgress | undefined): VariantEvents<KeptImage> {
	return {
		onPixels: (_slot, pixels) => {
			if (pixels.partialIndex !== undefined) {
				progress?.(l10n.t('Preview {0} arrived.', pixels.partialIndex + 1));
			}
		},
		onImage: () => progress?.(l10n.t('The image arrived; saving it.')),
	};
}

function withCost(text: string, costUsd: number | undefined): string {
	return costUsd !== undefined && costUsd > 0 ? `${text} ${l10n.t('Cost: about {0}.', formatUsd(costUsd))}` : text;
}
