import * as vscode from 'vscode';
import { parseGenerateArgs, type GenerateCommandArgs } from '../core/generation/commandArgs';
import type { InsertionTarget } from '../core/markdown/insertion';
import { altTextFromPrompt } from '../core/prompt/altText';
import { altTextSource, selectionSource, withLinkedFile, type PromptSource } from '../editor/editorTargets';
import { GENERATE_AT_COMMAND } from '../editor/imageLenses';
import type { StoredImage } from '../history/imageStore';
import { confirmCost } from '../cost/costTracker';
import { toRequestOptions } from '../core/panel/requestOptions';
import { GeneratePanel } from '../panel/generatePanel';
import type { Services } from '../services';
import type { PanelOptions } from '../protocol/messages';
import { KEY_VARIABLES, providerLabel, type ApiKeys } from '../providers/apiKeys';
import { ensureTrusted } from '../workspace/trust';
import { CancelledError, IllustrateError, today } from '../core/errors';
import { modelForFormat } from '../core/models/capabilities';
import { sizeForFormat } from '../core/models/validation';
import { type GenerationResult } from '../providers/imageService';
import { readSettings } from '../settings/settings';
import { TrackedTarget } from '../workspace/trackedTarget';
import type { Command } from './commandManager';

/** Where the prompt comes from for each command. */
type PromptMode = 'any' | 'selection' | 'altText';

/** What a scripted generate command resolves to. */
export interface GenerateCommandResult {
	readonly files: string[];
	readonly costUsd?: number;
}

/** Runs `illustrate.generate`, `illustrate.generateFromSelection` and `illustrate.generateFromAltText`. */
export class GenerateCommand implements Command {
	/** The log the code lenses' command reports unreadable manifests to. */
	get log(): Services['log'] {
		return this.services.log;
	}

	constructor(
		readonly id: string,
		private readonly mode: PromptMode,
		private readonly services: Services,
		private readonly keys: ApiKeys,
	) { }

	async execute(rawArgs?: unknown): Promise<GenerateCommandResult | undefined> {
		const args = parseGenerateArgs(rawArgs);
		const editor = vscode.window.activeTextEditor;
		const source = editor ? this.promptSource(editor) : undefined;
		return this.start(editor, source && editor ? await withLinkedFile(editor.document, source, this.services.log) : source, args);
	}

	/** Generates for a prompt source of an editor: into the panel, or straight into the document when scripted. */
	async start(editor: vscode.TextEditor | undefined, source: PromptSource | undefined, args: GenerateCommandArgs): Promise<GenerateCommandResult | undefined> {
		const scripted = args.insert === 'first' || args.insert === 'all';
		if (!(await ensureTrusted(scripted))) {
			return undefined;
		}

		if (!source && this.mode !== 'any' && args.prompt === undefined) {
			const message = this.mode === 'selection'
				? vscode.l10n.t('Select the text to illustrate first.')
				: vscode.l10n.t('Put the cursor inside a markdown image such as ![a fox reading docs]() first.');
			if (scripted) {
				throw new Error(`Illustrate: ${message}`);
			}
			void vscode.window.showInformationMessage(message);
			return undefined;
		}

		let prompt = args.prompt ?? source?.prompt;
		if (!prompt?.trim() && !scripted) {
			prompt = await vscode.window.showInputBox({
				title: vscode.l10n.t('Illustrate: Generate Image'),
				prompt: vscode.l10n.t('Describe the image to generate'),
				placeHolder: vscode.l10n.t('a red fox reading a book, watercolour'),
				ignoreFocusOut: true,
				validateInput: value => value.trim() ? undefined : vscode.l10n.t('Describe the image, or press Escape to cancel.'),
			});
			if (!prompt) {
				return undefined;
			}
		}
		if (!prompt?.trim()) {
			throw new Error(vscode.l10n.t('Illustrate: there is no prompt: pass {0}, select text, or put the cursor in an image\'s alt text.', '{ "prompt": "…" }'));
		}

		const document = editor?.document;
		const target = editor && document ? source?.target ?? { kind: 'after' as const, offset: document.offsetAt(editor.selection.active) } : undefined;
		const options = this.options({ ...(source?.outputFormat ? { outputFormat: source.outputFormat } : {}), ...args }, prompt, document?.uri);

		if (!(await this.ensureApiKey(scripted, document?.uri))) {
			return undefined;
		}
		if (scripted) {
			if (!document || !target) {
				throw new Error(vscode.l10n.t('Illustrate: open the document to insert into first.'));
			}
			return this.generateAndInsert(options, document, target, source, args);
		}
		const tracked = document && target ? new TrackedTarget(document.uri, target, source?.alt, source?.preferredFile) : undefined;
		const panel = GeneratePanel.show(this.services, tracked, options);
		void panel.generate(options);
		return undefined;
	}

	private promptSource(editor: vscode.TextEditor): PromptSource | undefined {
		switch (this.mode) {
			case 'selection':
				return selectionSource(editor);
			case 'altText':
				return altTextSource(editor);
			case 'any':
				return selectionSource(editor) ?? altTextSource(editor);
		}
	}

	/**
	 * The request's options: the argument's, else the settings'. A format the default model does
	 * not make (an SVG or GIF link, say) takes the first model that makes it, and a GIF a size
	 * its frames fit, unless the argument names them.
	 */
	private options(args: GenerateCommandArgs, prompt: string, resource: vscode.Uri | undefined): PanelOptions {
		const settings = readSettings(resource);
		const outputFormat = args.outputFormat ?? settings.outputFormat;
		const model = args.model ?? modelForFormat(settings.model, outputFormat, today());
		return {
			prompt,
			model,
			quality: args.quality ?? settings.quality,
			size: args.size ?? sizeForFormat(model, outputFormat, settings.size, args.frames),
			n: args.variants ?? settings.variants,
			outputFormat,
			...(args.frames !== undefined ? { frames: args.frames } : {}),
			...(args.frameDurationMs !== undefined ? { frameDurationMs: args.frameDurationMs } : {}),
		};
	}

	/** Offers to set a key when there is none; scripted calls reject instead of asking. */
	private async ensureApiKey(scripted: boolean, resource: vscode.Uri | undefined): Promise<boolean> {
		const provider = readSettings(resource).provider;
		if (await this.keys.get(provider)) {
			return true;
		}
		const message = vscode.l10n.t('No API key is set for {0}. Set one with "Illustrate: Set API Key" (it is kept in secret storage), or set {1}.', providerLabel(provider), KEY_VARIABLES[provider]);
		if (scripted) {
			throw new Error(`Illustrate: ${message}`);
		}
		const setKey = vscode.l10n.t('Set API Key');
		const choice = await vscode.window.showErrorMessage(message, setKey);
		if (choice !== setKey) {
			return false;
		}
		return (await vscode.commands.executeCommand<boolean>('illustrate.setApiKey')) === true;
	}

	private async generateAndInsert(
		options: PanelOptions,
		document: vscode.TextDocument,
		initialTarget: InsertionTarget,
		source: PromptSource | undefined,
		args: GenerateCommandArgs,
	): Promise<GenerateCommandResult> {
		const fixedAlt = source?.alt;
		const request = toRequestOptions(options);
		try {
			this.services.images.validate(request, document.uri);
		} catch (error) {
			throw new Error(`Illustrate: ${error instanceof Error ? error.message : String(error)}`);
		}
		if (!(await confirmCost(request, document.uri, this.services.log))) {
			throw new Error(vscode.l10n.t('Illustrate: not sent: the estimated cost is above illustrate.maxCostPerRequest.'));
		}
		const tracked = new TrackedTarget(document.uri, initialTarget, fixedAlt, source?.preferredFile);
		try {
			const result = await vscode.window.withProgress({
				location: vscode.ProgressLocation.Notification,
				title: vscode.l10n.t('Illustrate: generating {0} image(s)', options.n),
				cancellable: true,
			}, (_progress, token) => {
				const abort = new AbortController();
				token.onCancellationRequested(() => abort.abort());
				return this.services.images.generate(request, document.uri, abort.signal, { onImage: () => undefined });
			});
			this.services.costs.add(result.costUsd, result.images.length);
			const chosen: StoredImage[] = args.insert === 'first' ? result.images.slice(0, 1) : [...result.images];
			const alt = fixedAlt || altTextFromPrompt(options.prompt);
			const inserted = await this.services.inserter.insert({ document, target: tracked.target, images: chosen, alt, preferredFile: source?.preferredFile });
			return { files: inserted.files.map(file => file.toString()), ...(result.costUsd !== undefined ? { costUsd: result.costUsd } : {}) };
		} catch (error) {
			const partial = (error as { partial?: GenerationResult }).partial;
			if (partial) {
				this.services.costs.add(partial.costUsd, partial.images.length);
			}
			if (error instanceof CancelledError || error instanceof IllustrateError) {
				throw new Error(`Illustrate: ${error.message}`);
			}
			throw error;
		} finally {
			tracked.dispose();
		}
	}
}

/**
 * `illustrate.generateAt`: the code lenses' command. Opens the panel for the image at an
 * offset of a document: its alt text as the prompt (or the recorded prompt of an existing
 * image), a missing linked file as where the image goes.
 */
export class GenerateAtCommand implements Command {
	readonly id = GENERATE_AT_COMMAND;

	constructor(private readonly generate: GenerateCommand) { }

	async execute(uri?: unknown, offset?: unknown): Promise<void> {
		if (!(uri instanceof vscode.Uri) || typeof offset !== 'number' || !Number.isInteger(offset) || offset < 0) {
			return;
		}
		const document = await vscode.workspace.openTextDocument(uri);
		const editor = await vscode.window.showTextDocument(document, { preserveFocus: false });
		const position = document.positionAt(Math.min(offset, document.getText().length));
		editor.selection = new vscode.Selection(position, position);
		const source = altTextSource(editor);
		if (!source) {
			return;
		}
		await this.generate.start(editor, await withLinkedFile(document, source, this.generate.log), {});
	}
}
