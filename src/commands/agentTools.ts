import * as vscode from 'vscode';
import {
	EDIT_IMAGE_TOOL, FILL_MISSING_IMAGES_TOOL, GENERATE_IMAGE_TOOL,
	editedImagePath, editRequestOptions, fillResultText, generateRequestOptions, parseEditImageInput, parseFillMissingImagesInput, parseGenerateImageInput, savedImageText,
	type EditImageInput, type GenerateImageInput, type SavedImage,
} from '../core/agents/toolDefinitions';
import { asksFirst, fillToolQuote, generateTarget, overLimit, overLimitMessage, quoteOf, toolConfirmation, type ToolQuote, type ToolTarget } from '../core/agents/toolConfirmation';
import { IllustrateError, today } from '../core/errors';
import { fillConfirmation } from '../core/generation/fillReport';
import { formatOfFileName } from '../core/images/imageFormats';
import type { OutputFormat } from '../core/models/capabilities';
import type { ImageRequestOptions } from '../core/models/validation';
import { altTextFromPrompt } from '../core/prompt/altText';
import type { FillMissingImagesCommand } from './fillMissingImages';
import { fillFormats, isFillable, type DocumentImageIndex } from '../editor/documentPlaceholders';
import { inputFromWorkspaceFile, referenceOf } from '../panel/editSession';
import { KEY_VARIABLES, providerLabel, type ApiKeys } from '../providers/apiKeys';
import { validationContext, type GenerationResult } from '../providers/imageService';
import type { Services } from '../services';
import { readSettings } from '../settings/settings';
import { fileExists } from '../platform/fileErrors';
import { TrackedTarget } from '../workspace/trackedTarget';
import { ensureTrusted } from '../workspace/trust';
import { abortOn, languageModelTool, throwIfCancelled, toolResult } from './agentToolCalls';
import { AgentToolDestinations, openWorkspaceDocument, saveIfItWasSaved, workspaceLink, workspaceRelative, workspaceUri } from './agentToolDestinations';
import type { AgentToolSet } from './agentToolRegistration';
import type { AgentToolName } from './agentToolNames';

/** What the tools need: the services the commands share, the keys, the document index and Fill Missing Images. */
export interface AgentToolServices {
	readonly services: Services;
	readonly keys: ApiKeys;
	readonly index: DocumentImageIndex;
	readonly fill: FillMissingImagesCommand;
}

/** At most this many images of a fill go back to the chat as images (all of them are listed in the text). */
const MAX_IMAGES_RETURNED = 8;

/** The request's quote: its estimate against the limit of `resource`'s settings. */
function quoteFor(options: Pick<ImageRequestOptions, 'model' | 'size' | 'quality' | 'n'>, resource: vscode.Uri | undefined): ToolQuote {
	return quoteOf(options, readSettings(resource).maxCostPerRequest);
}

/**
 * The three language model tools (src/core/agents/toolDefinitions.ts has their names,
 * schemas, input checks and result text; package.json contributes them): each asks first
 * (prepareInvocation) with the model, size, quality, image count and estimated cost; honours
 * workspace trust, `illustrate.maxCostPerRequest` and cancellation; keeps every image in the
 * history before it writes; and writes only through the checked workspace writers.
 */
export class AgentTools {
	private readonly destinations: AgentToolDestinations;

	constructor(private readonly deps: AgentToolServices) {
		this.destinations = new AgentToolDestinations(deps);
	}

	/** The tools by name, as `vscode.lm.registerTool` takes them. */
	tools(): AgentToolSet {
		return new Map<AgentToolName, vscode.LanguageModelTool<unknown>>([
			[GENERATE_IMAGE_TOOL, languageModelTool(input => this.prepareGenerate(input), (input, token) => this.generate(input, token))],
			[EDIT_IMAGE_TOOL, languageModelTool(input => this.prepareEdit(input), (input, token) => this.edit(input, token))],
			[FILL_MISSING_IMAGES_TOOL, languageModelTool(input => this.prepareFill(input), (input, token) => this.fillMissing(input, token))],
		]);
	}

	// --- prepareInvocation: no side effects; an input that does not parse gets no question (invoke then says what is wrong).

	async prepareGenerate(raw: unknown): Promise<vscode.PreparedToolInvocation> {
		let input: GenerateImageInput;
		try {
			input = parseGenerateImageInput(raw);
		} catch {
			return { invocationMessage: vscode.l10n.t('Generating an image') };
		}
		const active = vscode.window.activeTextEditor?.document;
		const target = generateTarget(input, active && !active.isUntitled ? workspaceRelative(active.uri) : undefined);
		const resource = this.resourceOf(input, active);
		const settings = readSettings(resource);
		const options = { model: input.model ?? settings.model, size: input.size ?? settings.size, quality: input.quality ?? settings.quality, n: 1 };
		return this.prepared(quoteFor(options, resource), target, input.prompt);
	}

	async prepareEdit(raw: unknown): Promise<vscode.PreparedToolInvocation> {
		let input: EditImageInput;
		try {
			input = parseEditImageInput(raw);
		} catch {
			return { invocationMessage: vscode.l10n.t('Editing an image') };
		}
		const resource = this.safeUri(input.path);
		const options = this.editOptions(input, resource, 'png');
		return this.prepared(quoteFor(options, resource), { kind: 'edit', source: input.path, saveAs: input.saveAs, references: input.references?.length ?? 0 }, input.instruction);
	}

	async prepareFill(raw: unknown): Promise<vscode.PreparedToolInvocation> {
		let document: vscode.TextDocument;
		try {
			document = await openWorkspaceDocument(parseFillMissingImagesInput(raw).document);
		} catch {
			return { invocationMessage: vscode.l10n.t('Filling missing images') };
		}
		const items = (await this.deps.index.classify(document)).filter(isFillable).filter(item => item.image.alt.trim().length > 0);
		const placeholders = items.length;
		const settings = readSettings(document.uri);
		const name = workspaceRelative(document.uri);
		if (placeholders === 0) {
			return { invocationMessage: vscode.l10n.t('Filling the placeholders of {0}', name) };
		}
		// Each placeholder in its own format, as the fill asks for it: a link to a missing diagram.svg is no PNG.
		const formats = fillFormats(items, settings.outputFormat);
		const priceSettings = { model: settings.model, quality: settings.quality, size: settings.size, today: today() };
		const confirmation = fillConfirmation({ document: name, placeholders, each: undefined, budget: settings.maxCostPerRequest, model: settings.model, quality: settings.quality, size: settings.size, formats, today: priceSettings.today });
		if (confirmation.kind === 'overBudget') {
			return { invocationMessage: vscode.l10n.t('Filling the placeholders of {0}', name) };
		}
		return this.prepared(fillToolQuote(priceSettings, formats, confirmation.count), { kind: 'fill', document: name, placeholders }, undefined);
	}

	private prepared(quote: ToolQuote, target: ToolTarget, prompt: string | undefined): vscode.PreparedToolInvocation {
		const confirmation = toolConfirmation(quote, target, prompt);
		return asksFirst(quote, vscode.workspace.isTrusted)
			? { invocationMessage: confirmation.invocationMessage, confirmationMessages: { title: confirmation.title, message: confirmation.message } }
			: { invocationMessage: confirmation.invocationMessage };
	}

	private resourceOf(input: GenerateImageInput, active: vscode.TextDocument | undefined): vscode.Uri | undefined {
		const path = input.document ?? input.path;
		return path !== undefined ? this.safeUri(path) : active?.uri;
	}

	private safeUri(path: string): vscode.Uri | undefined {
		try {
			return workspaceUri(path);
		} catch {
			return undefined;
		}
	}

	private editOptions(input: EditImageInput, resource: vscode.Uri | undefined, sourceFormat: OutputFormat): ImageRequestOptions {
		return editRequestOptions(input, sourceFormat, readSettings(resource));
	}

	// --- invoke

	/** What every tool checks before it sends: trust, the limit, a key. Throws what to do. */
	private async checkBeforeSending(quote: ToolQuote, resource: vscode.Uri | undefined): Promise<void> {
		if (overLimit(quote)) {
			throw new IllustrateError(overLimitMessage(quote));
		}
		const provider = readSettings(resource).provider;
		if (!(await this.deps.keys.get(provider))) {
			throw new IllustrateError(vscode.l10n.t('No API key is set for {0}. Set one with "Illustrate: Set API Key" (it is kept in secret storage), or set {1}.', providerLabel(provider), KEY_VARIABLES[provider]));
		}
	}

	private async generate(raw: unknown, token: vscode.CancellationToken): Promise<vscode.LanguageModelToolResult> {
		await ensureTrusted(true);
		const input = parseGenerateImageInput(raw);
		const destination = await this.destinations.generateDestination(input);
		const resource = destination.kind === 'path' ? destination.file : destination.document.uri;
		const settings = readSettings(resource);
		const options = generateRequestOptions(
			{ ...input, ...(input.outputFormat === undefined && destination.kind === 'document' && destination.outputFormat ? { outputFormat: destination.outputFormat } : {}) },
			settings,
			validationContext(resource),
		);
		await this.checkBeforeSending(quoteFor(options, resource), resource);
		const { services } = this.deps;
		// The target follows the user's typing while the image renders.
		const tracked = destination.kind === 'document' ? new TrackedTarget(destination.document.uri, destination.target, destination.placeholder, destination.preferredFile) : undefined;
		const abort = abortOn(token);
		try {
			const result = await this.counted(services.images.generate(options, resource, abort.signal, { onImage: () => undefined }));
			throwIfCancelled(token);
			const image = result.images[0];
			const alt = destination.alt;
			let saved: SavedImage;
			let note = '';
			if (destination.kind === 'document') {
				const inserted = await services.inserter.insert({ document: destination.document, target: tracked!.target, images: [image], alt, preferredFile: destination.preferredFile });
				const document = workspaceRelative(destination.document.uri);
				saved = { path: workspaceRelative(inserted.files[0]), link: inserted.references[0], document, ...(destination.placeholder !== undefined ? { placeholder: destination.placeholder } : {}) };
				await saveIfItWasSaved(destination.document, destination.wasDirty);
			} else if (destination.kind === 'path') {
				const file = await this.destinations.saveAt(destination.file, image, alt, true);
				saved = { path: workspaceRelative(file), link: workspaceLink(file, alt, image.width) };
			} else {
				const savedBeside = await services.inserter.save({ document: destination.document, images: [image], alt });
				saved = { path: workspaceRelative(savedBeside.files[0]), link: workspaceLink(savedBeside.files[0], alt, image.width) };
				note = '\n' + vscode.l10n.t('From {0} the link is: {1}', workspaceRelative(destination.document.uri), savedBeside.references[0]);
			}
			return toolResult(savedImageText(saved) + note, [{ bytes: await services.store.read(image), format: image.format }]);
		} finally {
			abort.dispose();
			tracked?.dispose();
		}
	}

	/** The cost of a batch into the status bar, also of the part a failed batch was charged. */
	private async counted(batch: Promise<GenerationResult>): Promise<GenerationResult> {
		try {
			const result = await batch;
			this.deps.services.costs.add(result.costUsd, result.images.length);
			return result;
		} catch (error) {
			const partial = (error as { partial?: GenerationResult }).partial;
			if (partial) {
				this.deps.services.costs.add(partial.costUsd, partial.images.length);
			}
			throw error;
		}
	}

	private async edit(raw: unknown, token: vscode.CancellationToken): Promise<vscode.LanguageModelToolResult> {
		await ensureTrusted(true);
		const input = parseEditImageInput(raw);
		const { services } = this.deps;
		const sourceUri = workspaceUri(input.path);
		if (!(await fileExists(sourceUri))) {
			throw new IllustrateError(vscode.l10n.t('{0} does not exist. Give the workspace-relative path of an existing PNG, JPEG or WebP image.', input.path));
		}
		const source = await inputFromWorkspaceFile(sourceUri, services.store);
		const references = await Promise.all((input.references ?? []).map(async path => {
			const uri = workspaceUri(path);
			if (!(await fileExists(uri))) {
				throw new IllustrateError(vscode.l10n.t('The reference {0} does not exist.', path));
			}
			return inputFromWorkspaceFile(uri, services.store);
		}));
		const options = this.editOptions(input, sourceUri, source.format);
		await this.checkBeforeSending(quoteFor(options, sourceUri), sourceUri);
		const images = [await referenceOf(source), ...await Promise.all(references.map(referenceOf))];
		const recipe = { prompt: options.prompt, model: options.model, size: options.size, quality: options.quality, operation: 'edit' as const };
		const abort = abortOn(token);
		try {
			const result = await this.counted(services.images.editImages({ ...options, images }, sourceUri, abort.signal, { onImage: () => undefined }, recipe));
			throwIfCancelled(token);
			const image = result.images[0];
			const alt = altTextFromPrompt(input.instruction);
			const file = input.saveAs !== undefined
				? await this.destinations.saveAt(workspaceUri(input.saveAs), image, alt, true)
				: await this.destinations.saveAt(workspaceUri(editedImagePath(input.path, image.format)), image, alt, false);
			return toolResult(savedImageText({ path: workspaceRelative(file), link: workspaceLink(file, alt, image.width) }), [{ bytes: await services.store.read(image), format: image.format }]);
		} finally {
			abort.dispose();
		}
	}

	private async fillMissing(raw: unknown, token: vscode.CancellationToken): Promise<vscode.LanguageModelToolResult> {
		await ensureTrusted(true);
		const input = parseFillMissingImagesInput(raw);
		const document = await openWorkspaceDocument(input.document);
		const wasDirty = document.isDirty;
		const run = await this.deps.fill.fillForAgent(document, token);
		throwIfCancelled(token);
		await saveIfItWasSaved(document, wasDirty);
		const name = workspaceRelative(document.uri);
		const saved: SavedImage[] = run.saved.map(item => ({ path: workspaceRelative(item.file), link: item.reference, document: name, placeholder: item.alt }));
		const text = fillResultText(name, saved, run.failures.map(failure => ({ placeholder: failure.alt, reason: failure.reason })), run.costUsd);
		const images = await Promise.all(run.saved.slice(0, MAX_IMAGES_RETURNED).map(async item => {
			const bytes = await vscode.workspace.fs.readFile(item.file);
			return { bytes, format: formatOfFileName(item.file.path) ?? 'png' };
		}));
		return toolResult(text, images);
	}
}

/** Makes the tools for `createFeatures`. */
export function createAgentTools(deps: AgentToolServices): AgentToolSet {
	return new AgentTools(deps).tools();
}
