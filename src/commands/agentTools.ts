import * as vscode from 'vscode';
import {
	EDIT_IMAGE_TOOL, FILL_MISSING_IMAGES_TOOL, GENERATE_IMAGE_TOOL,
	editedImagePath, editRequestOptions, fillResultText, generateRequestOptions, parseEditImageInput, parseFillMissingImagesInput, parseGenerateImageInput, savedImageText,
	type EditImageInput, type GenerateImageInput, type SavedImage,
} from '../core/agents/toolDefinitions';
import { overLimit, overLimitMessage, toolConfirmation, type ToolQuote, type ToolTarget } from '../core/agents/toolConfirmation';
import { estimateCost } from '../core/cost/cost';
import { isInside } from '../core/destination/destination';
import { CancelledError, IllustrateError } from '../core/errors';
import { fillConfirmation } from '../core/generation/fillReport';
import { formatOfFileName } from '../core/images/imageFormats';
import { MIME_TYPES } from '../core/images/imageInfo';
import { displayWidth } from '../core/links/displayWidth';
import { buildImageReference } from '../core/links/documentKinds';
import { relativePath } from '../core/links/imageLink';
import type { InsertionTarget } from '../core/markdown/insertion';
import { findModel, type OutputFormat } from '../core/models/capabilities';
import type { ImageRequestOptions } from '../core/models/validation';
import { freeFilePath } from '../core/naming/fileNames';
import { altTextFromPrompt } from '../core/prompt/altText';
import type { FillMissingImagesCommand } from './fillMissingImages';
import { isFillable, type DocumentImageIndex } from '../editor/documentPlaceholders';
import { withLinkedFile } from '../editor/editorTargets';
import type { StoredImage } from '../history/imageStore';
import { inputFromWorkspaceFile, referenceOf } from '../panel/editSession';
import { KEY_VARIABLES, providerLabel, type ApiKeys } from '../providers/apiKeys';
import { validationContext, type GenerationResult } from '../providers/imageService';
import type { Services } from '../services';
import { readSettings } from '../settings/settings';
import { fileExists } from '../platform/fileErrors';
import { keptInHistory } from '../workspace/imageHistory';
import { recordProvenance } from '../workspace/provenanceWriter';
import { TrackedTarget } from '../workspace/trackedTarget';
import { ensureTrusted } from '../workspace/trust';
import { ScopedWorkspaceEdit, writeScopeOfWorkspaceFile } from '../workspace/workspaceWriter';
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

/** `vscode.LanguageModelDataPart` (finalized in VS Code 1.106): absent in older hosts, where the result is text only. */
type DataPartClass = new (data: Uint8Array, mimeType: string) => unknown;
function dataPartClass(): DataPartClass | undefined {
	return (vscode as unknown as { LanguageModelDataPart?: DataPartClass }).LanguageModelDataPart;
}

/** A tool's result: its text, then each image as a data part the chat shows. */
async function toolResult(text: string, images: readonly { readonly bytes: Uint8Array; readonly format: OutputFormat }[]): Promise<vscode.LanguageModelToolResult> {
	const DataPart = dataPartClass();
	const parts: unknown[] = [new vscode.LanguageModelTextPart(text)];
	if (DataPart) {
		parts.push(...images.map(image => new DataPart(image.bytes, MIME_TYPES[image.format])));
	}
	return new vscode.LanguageModelToolResult(parts as vscode.LanguageModelTextPart[]);
}

/** An error as the agent gets it: the panel's message, prefixed so it is clear where it came from. */
function agentError(error: unknown): unknown {
	if (error instanceof vscode.CancellationError) {
		return error;
	}
	if (error instanceof CancelledError) {
		return new vscode.CancellationError();
	}
	if (error instanceof IllustrateError) {
		return new Error(`Illustrate: ${error.message}`);
	}
	return error;
}

/** Aborts when the token is cancelled. */
function abortOn(token: vscode.CancellationToken): { readonly signal: AbortSignal; dispose(): void } {
	const abort = new AbortController();
	if (token.isCancellationRequested) {
		abort.abort();
	}
	const listener = token.onCancellationRequested(() => abort.abort());
	return { signal: abort.signal, dispose: () => listener.dispose() };
}

function throwIfCancelled(token: vscode.CancellationToken): void {
	if (token.isCancellationRequested) {
		throw new vscode.CancellationError();
	}
}

/**
 * A workspace-relative path (already checked by its text: no `..`, not absolute) as a URI:
 * in the folder its first segment names when several are open, else in the first folder.
 */
function workspaceUri(path: string): vscode.Uri {
	const folders = vscode.workspace.workspaceFolders ?? [];
	if (folders.length === 0) {
		throw new IllustrateError(vscode.l10n.t('No folder is open: Illustrate saves images into the workspace folder, so open one first.'));
	}
	const [first, ...rest] = path.split('/');
	const named = folders.length > 1 && rest.length > 0 ? folders.find(folder => folder.name === first) : undefined;
	return named ? vscode.Uri.joinPath(named.uri, ...rest) : vscode.Uri.joinPath(folders[0].uri, ...path.split('/'));
}

function relative(uri: vscode.Uri): string {
	return vscode.workspace.asRelativePath(uri);
}

/** A markdown link to a workspace file, relative to its workspace folder. */
function workspaceLink(file: vscode.Uri, alt: string, width: number | undefined): string {
	const folder = vscode.workspace.getWorkspaceFolder(file);
	const path = folder ? relativePath(folder.uri.path, file.path) : relative(file);
	return buildImageReference({ kind: 'markdown', linkStyle: 'markdown', alt, path, width: displayWidth(width) });
}

/** `file`, or the first free name beside it (`name-1.png`, …) when it exists. */
async function freeUri(file: vscode.Uri): Promise<vscode.Uri> {
	return file.with({ path: await freeFilePath(file.path, new Set(), path => fileExists(file.with({ path }))) });
}

async function openWorkspaceDocument(path: string): Promise<vscode.TextDocument> {
	const uri = workspaceUri(path);
	if (!(await fileExists(uri))) {
		throw new IllustrateError(vscode.l10n.t('{0} does not exist. Give the workspace-relative path of an existing document, such as docs/guide.md.', path));
	}
	return vscode.workspace.openTextDocument(uri);
}

/** The request's quote: its estimate against the limit. */
function quoteOf(options: Pick<ImageRequestOptions, 'model' | 'size' | 'quality' | 'n'>, resource: vscode.Uri | undefined): ToolQuote {
	const model = findModel(options.model);
	return {
		model: options.model,
		size: options.size,
		quality: options.quality,
		images: options.n,
		estimateUsd: model ? estimateCost(model, options.quality, options.size, options.n) : undefined,
		limitUsd: readSettings(resource).maxCostPerRequest,
	};
}

/** What generate writes into: a document (at a placeholder, or after the cursor or at the end), a path, or beside the active document. */
type GenerateDestination =
	| { readonly kind: 'document'; readonly document: vscode.TextDocument; readonly wasDirty: boolean; readonly target: InsertionTarget; readonly alt: string; readonly placeholder?: string; readonly preferredFile?: vscode.Uri; readonly outputFormat?: OutputFormat }
	| { readonly kind: 'path'; readonly file: vscode.Uri; readonly alt: string }
	| { readonly kind: 'beside'; readonly document: vscode.TextDocument; readonly alt: string };

/**
 * The three language model tools (src/core/agents/toolDefinitions.ts has their names,
 * schemas, input checks and result text; package.json contributes them): each asks first
 * (prepareInvocation) with the model, size, quality, image count and estimated cost; honours
 * workspace trust, `illustrate.maxCostPerRequest` and cancellation; keeps every image in the
 * history before it writes; and writes only through the checked workspace writers.
 */
export class AgentTools {
	constructor(private readonly deps: AgentToolServices) { }

	/** The tools by name, as `vscode.lm.registerTool` takes them. */
	tools(): AgentToolSet {
		const tool = (prepare: (input: unknown) => Promise<vscode.PreparedToolInvocation>, invoke: (input: unknown, token: vscode.CancellationToken) => Promise<vscode.LanguageModelToolResult>): vscode.LanguageModelTool<unknown> => ({
			prepareInvocation: options => prepare(options.input),
			invoke: async (options, token) => {
				try {
					return await invoke(options.input, token);
				} catch (error) {
					throw agentError(token.isCancellationRequested ? new vscode.CancellationError() : error);
				}
			},
		});
		return new Map<AgentToolName, vscode.LanguageModelTool<unknown>>([
			[GENERATE_IMAGE_TOOL, tool(input => this.prepareGenerate(input), (input, token) => this.generate(input, token))],
			[EDIT_IMAGE_TOOL, tool(input => this.prepareEdit(input), (input, token) => this.edit(input, token))],
			[FILL_MISSING_IMAGES_TOOL, tool(input => this.prepareFill(input), (input, token) => this.fillMissing(input, token))],
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
		const target: ToolTarget = input.document !== undefined
			? input.placeholder !== undefined ? { kind: 'placeholder', document: input.document, placeholder: input.placeholder } : { kind: 'document', document: input.document }
			: input.path !== undefined ? { kind: 'path', path: input.path } : active && !active.isUntitled ? { kind: 'beside', document: relative(active.uri) } : { kind: 'noDocument' };
		const resource = this.resourceOf(input, active);
		const settings = readSettings(resource);
		const options = { model: input.model ?? settings.model, size: input.size ?? settings.size, quality: input.quality ?? settings.quality, n: 1 };
		return this.prepared(quoteOf(options, resource), target, input.prompt);
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
		return this.prepared(quoteOf(options, resource), { kind: 'edit', source: input.path, saveAs: input.saveAs, references: input.references?.length ?? 0 }, input.instruction);
	}

	async prepareFill(raw: unknown): Promise<vscode.PreparedToolInvocation> {
		let document: vscode.TextDocument;
		try {
			document = await openWorkspaceDocument(parseFillMissingImagesInput(raw).document);
		} catch {
			return { invocationMessage: vscode.l10n.t('Filling missing images') };
		}
		const placeholders = (await this.deps.index.classify(document)).filter(isFillable).filter(item => item.image.alt.trim().length > 0).length;
		const settings = readSettings(document.uri);
		const name = relative(document.uri);
		if (placeholders === 0) {
			return { invocationMessage: vscode.l10n.t('Filling the placeholders of {0}', name) };
		}
		const one = quoteOf({ model: settings.model, size: settings.size, quality: settings.quality, n: 1 }, document.uri);
		const confirmation = fillConfirmation({ document: name, placeholders, each: one.estimateUsd, budget: settings.maxCostPerRequest, model: settings.model, quality: settings.quality, size: settings.size });
		if (confirmation.kind === 'overBudget') {
			return { invocationMessage: vscode.l10n.t('Filling the placeholders of {0}', name) };
		}
		const quote = { ...one, images: confirmation.count, estimateUsd: one.estimateUsd === undefined ? undefined : one.estimateUsd * confirmation.count, limitUsd: undefined };
		return this.prepared(quote, { kind: 'fill', document: name, placeholders }, undefined);
	}

	private prepared(quote: ToolQuote, target: ToolTarget, prompt: string | undefined): vscode.PreparedToolInvocation {
		const confirmation = toolConfirmation(quote, target, prompt);
		// Above the limit, or in an untrusted workspace, the call is refused before anything is sent: nothing to confirm.
		return overLimit(quote) || !vscode.workspace.isTrusted
			? { invocationMessage: confirmation.invocationMessage }
			: { invocationMessage: confirmation.invocationMessage, confirmationMessages: { title: confirmation.title, message: confirmation.message } };
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
		const destination = await this.generateDestination(input);
		const resource = destination.kind === 'path' ? destination.file : destination.document.uri;
		const settings = readSettings(resource);
		const options = generateRequestOptions(
			{ ...input, ...(input.outputFormat === undefined && destination.kind === 'document' && destination.outputFormat ? { outputFormat: destination.outputFormat } : {}) },
			settings,
			validationContext(resource),
		);
		await this.checkBeforeSending(quoteOf(options, resource), resource);
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
				const document = relative(destination.document.uri);
				saved = { path: relative(inserted.files[0]), link: inserted.references[0], document, ...(destination.placeholder !== undefined ? { placeholder: destination.placeholder } : {}) };
				await this.saveIfItWasSaved(destination.document, destination.wasDirty);
			} else if (destination.kind === 'path') {
				const file = await this.saveAt(destination.file, image, alt, true);
				saved = { path: relative(file), link: workspaceLink(file, alt, image.width) };
			} else {
				const savedBeside = await services.inserter.save({ document: destination.document, images: [image], alt });
				saved = { path: relative(savedBeside.files[0]), link: workspaceLink(savedBeside.files[0], alt, image.width) };
				note = '\n' + vscode.l10n.t('From {0} the link is: {1}', relative(destination.document.uri), savedBeside.references[0]);
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

	/** An agent's edit leaves a document as saved as it found it: a saved document is saved again (a dirty one is the user's to save). */
	private async saveIfItWasSaved(document: vscode.TextDocument, wasDirty: boolean): Promise<void> {
		if (!wasDirty && document.isDirty) {
			await document.save();
		}
	}

	private async generateDestination(input: GenerateImageInput): Promise<GenerateDestination> {
		if (input.document !== undefined) {
			const document = await openWorkspaceDocument(input.document);
			const wasDirty = document.isDirty;
			if (input.placeholder !== undefined) {
				return this.placeholderDestination(document, wasDirty, input);
			}
			const active = vscode.window.activeTextEditor?.document === document ? vscode.window.activeTextEditor : undefined;
			// Not the active editor: after the document's last line of text.
			const offset = active ? document.offsetAt(active.selection.active) : document.getText().trimEnd().length;
			const alt = input.alt?.trim() || altTextFromPrompt(input.prompt);
			const preferredFile = input.path !== undefined ? await freeUri(workspaceUri(input.path)) : undefined;
			return { kind: 'document', document, wasDirty, target: { kind: 'after', offset }, alt, ...(preferredFile ? { preferredFile } : {}) };
		}
		const alt = input.alt?.trim() || altTextFromPrompt(input.prompt);
		if (input.path !== undefined) {
			return { kind: 'path', file: workspaceUri(input.path), alt };
		}
		const active = vscode.window.activeTextEditor?.document;
		if (!active || active.isUntitled || !vscode.workspace.getWorkspaceFolder(active.uri)) {
			throw new IllustrateError(vscode.l10n.t('No saved document of the workspace is open to save the image beside: give "document" (the workspace-relative document to link it from) or "path" (the file to save).'));
		}
		return { kind: 'beside', document: active, alt };
	}

	private async placeholderDestination(document: vscode.TextDocument, wasDirty: boolean, input: GenerateImageInput): Promise<GenerateDestination> {
		const wanted = input.placeholder!.trim();
		this.deps.index.forget(document);
		const fillable = (await this.deps.index.classify(document)).filter(isFillable);
		const item = fillable.find(candidate => candidate.image.alt.trim() === wanted);
		if (!item) {
			const known = fillable.map(candidate => `"${candidate.image.alt}"`).filter(alt => alt !== '""');
			throw new IllustrateError(known.length > 0
				? vscode.l10n.t('{0} has no empty image link with the alt text "{1}". Its placeholders are: {2}.', relative(document.uri), wanted, known.join(', '))
				: vscode.l10n.t('{0} has no empty image link with the alt text "{1}"; it has no placeholders at all. Leave "placeholder" out to add the image, or write one such as ![{1}]() first.', relative(document.uri), wanted));
		}
		const source = await withLinkedFile(document, { prompt: input.prompt, target: { kind: 'image', start: item.image.start, alt: item.image.alt }, alt: item.image.alt, ...(item.image.url ? { url: item.image.url } : {}) }, this.deps.services.log);
		const preferredFile = input.path !== undefined ? await freeUri(workspaceUri(input.path)) : source.preferredFile;
		return {
			kind: 'document',
			document,
			wasDirty,
			target: source.target,
			alt: input.alt?.trim() || item.image.alt,
			placeholder: item.image.alt,
			...(preferredFile ? { preferredFile } : {}),
			...(source.outputFormat ? { outputFormat: source.outputFormat } : {}),
		};
	}

	/**
	 * Saves an image at `file` through the checked write path, never overwriting unasked: when
	 * the file exists and `askToReplace`, the user chooses (a modal) between replacing it (its
	 * old bytes kept in the history first) and a free name beside it; else the free name.
	 */
	private async saveAt(file: vscode.Uri, image: StoredImage, alt: string, askToReplace: boolean): Promise<vscode.Uri> {
		const { services } = this.deps;
		const scope = writeScopeOfWorkspaceFile(file);
		if (!scope || !isInside(file.path, scope.folder.path)) {
			throw new IllustrateError(`${vscode.l10n.t('{0} is not inside a workspace folder, so Illustrate does not write there.', file.toString(true))} ${keptInHistory()}`);
		}
		let target = file;
		if (await fileExists(file)) {
			const free = await freeUri(file);
			if (askToReplace) {
				const replace = vscode.l10n.t('Replace');
				const keepBoth = vscode.l10n.t('Save as {0}', free.path.slice(free.path.lastIndexOf('/') + 1));
				const choice = await Promise.resolve(vscode.window.showWarningMessage(
					vscode.l10n.t('{0} already exists. Replace it with the image an agent generated?', relative(file)),
					{ modal: true, detail: vscode.l10n.t('Its current bytes are kept in Illustrate: Show Generated Images, where Restore puts them back.') },
					replace,
					keepBoth,
				)).catch(() => undefined);
				if (choice === replace) {
					await services.replacer.replace(file, image, alt);
					return file;
				}
			}
			target = free;
		}
		const edit = new ScopedWorkspaceEdit(scope);
		edit.createFile(target, await services.store.read(image), { overwrite: false });
		if (!(await edit.apply({ more: keptInHistory() }))) {
			throw new IllustrateError(`${vscode.l10n.t('Could not write {0}: check that it is writable.', relative(target))} ${keptInHistory()}`);
		}
		await recordProvenance(readSettings(target).provenance, [target], [image], alt, scope, services.log);
		return target;
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
		await this.checkBeforeSending(quoteOf(options, sourceUri), sourceUri);
		const images = [await referenceOf(source), ...await Promise.all(references.map(referenceOf))];
		const recipe = { prompt: options.prompt, model: options.model, size: options.size, quality: options.quality, operation: 'edit' as const };
		const abort = abortOn(token);
		try {
			const result = await this.counted(services.images.editImages({ ...options, images }, sourceUri, abort.signal, { onImage: () => undefined }, recipe));
			throwIfCancelled(token);
			const image = result.images[0];
			const alt = altTextFromPrompt(input.instruction);
			const file = input.saveAs !== undefined
				? await this.saveAt(workspaceUri(input.saveAs), image, alt, true)
				: await this.saveAt(workspaceUri(editedImagePath(input.path, image.format)), image, alt, false);
			return toolResult(savedImageText({ path: relative(file), link: workspaceLink(file, alt, image.width) }), [{ bytes: await services.store.read(image), format: image.format }]);
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
		await this.saveIfItWasSaved(document, wasDirty);
		const name = relative(document.uri);
		const saved: SavedImage[] = run.saved.map(item => ({ path: relative(item.file), link: item.reference, document: name, placeholder: item.alt }));
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
