import { costEstimateText } from '../src/core/cost/costEstimateText';
import type { ModelCapabilities, OutputFormat } from '../src/core/models/capabilities';
import { CUSTOM_SIZE, DEFAULT_CHOICE, fieldMessages, formatNote, formOptions, modelPickers, sizeSelection } from '../src/core/models/formChoices';
import { checkGifSize, checkRequest, checkSize, resolveModel, sizeForFormat, type RequestProblem } from '../src/core/models/validation';
import type { EditView, PanelEnvironment, PanelOptions, WebviewToHostMessage } from '../src/protocol/messages';
import * as l10n from '@vscode/l10n';
import { control, element, field, setOptions, type Control } from './dom';
import { EditSection } from './editSection';

/** What the form shows of the panel's state. */
export interface FormView {
	readonly running: boolean;
	readonly lastCostUsd?: number;
	readonly edit?: EditView;
}

/**
 * The generate panel's form: the prompt (or an edit's instruction), the pickers checked
 * against the capability table as you type, the cost estimate, Generate, and the edit section.
 */
export class GenerateForm {
	readonly generate = control('vscode-button', { appearance: 'primary' }, l10n.t('Generate'));
	readonly heading = element('h1', { class: 'visually-hidden' }, l10n.t('Generate an image'));
	readonly editSection = new EditSection(() => this.refresh());
	private environment: PanelEnvironment = { models: [], today: new Date().toISOString().slice(0, 10), allowUnknownModels: false, styles: [] };
	private view: FormView = { running: false };
	private attempted = false;
	private editedSource: string | undefined;

	private readonly prompt = control('vscode-text-area', { rows: '3', resize: 'vertical', placeholder: l10n.t('Describe the image') });
	private readonly model = control('vscode-dropdown');
	private readonly quality = control('vscode-dropdown');
	private readonly size = control('vscode-dropdown');
	private readonly customSize = control('vscode-text-field', { id: 'custom-size', placeholder: '1536x864', 'aria-label': l10n.t('Custom size, width x height') });
	private readonly count = control('vscode-dropdown');
	private readonly format = control('vscode-dropdown');
	private readonly compression = control('vscode-text-field', { type: 'number', min: '0', max: '100', placeholder: '100' });
	private readonly background = control('vscode-dropdown');
	private readonly complexity = control('vscode-dropdown');
	private readonly style = control('vscode-dropdown');
	private readonly svgModel = control('vscode-text-field', { placeholder: l10n.t('Account default'), title: l10n.t('The model that writes the SVG, for example gpt-5.6-terra; empty: your account\'s default') });
	private readonly svgEffort = control('vscode-dropdown', { title: l10n.t('How much the SVG author reasons before it writes') });
	private readonly frames = control('vscode-dropdown');
	private readonly frameDuration = control('vscode-text-field', { type: 'number', min: '10', max: '655350', step: '10', placeholder: '200' });
	private readonly formatNote = element('div', { class: 'note', id: 'format-note', 'aria-live': 'polite' });
	private readonly messages: Record<string, HTMLElement> = {};
	private readonly fields: Record<string, HTMLElement> = {};
	private readonly modelNote = element('div', { class: 'note', id: 'model-note' });
	private readonly estimate = element('div', { class: 'estimate', 'aria-live': 'polite' });
	private readonly promptLabel = element('label', { for: 'prompt' }, l10n.t('Prompt'));

	/** `submit`: Generate or Ctrl+Enter; `changed`: the options after every change, to keep for a reload. */
	constructor(private readonly hooks: { readonly submit: () => void; readonly changed: (options: PanelOptions) => void }) {}

	/** Builds the fields; returns the form's parts in page order, from the edit section to the estimate. */
	mount(): HTMLElement[] {
		const add = (name: string, label: string, input: Control) => {
			const { wrapper, message } = field(label, input, name);
			this.messages[name] = message;
			this.fields[name] = wrapper;
			return wrapper;
		};
		const promptField = add('prompt', l10n.t('Prompt'), this.prompt);
		promptField.classList.add('prompt');
		promptField.querySelector('label')?.replaceWith(this.promptLabel);
		const sizeField = add('size', l10n.t('Size'), this.size);
		sizeField.insertBefore(this.customSize, sizeField.lastChild);
		this.customSize.setAttribute('aria-describedby', 'size-message');

		const pickers = element('div', { class: 'pickers' });
		pickers.append(
			add('model', l10n.t('Model'), this.model),
			add('quality', l10n.t('Quality'), this.quality),
			sizeField,
			add('n', l10n.t('Variants'), this.count),
			add('outputFormat', l10n.t('Format'), this.format),
			add('outputCompression', l10n.t('Compression (0–100)'), this.compression),
			add('background', l10n.t('Background'), this.background),
			add('complexity', l10n.t('Planning'), this.complexity),
			add('svgModel', l10n.t('SVG author'), this.svgModel),
			add('svgEffort', l10n.t('Author\'s effort'), this.svgEffort),
			add('frames', l10n.t('Frames'), this.frames),
			add('frameDurationMs', l10n.t('Frame duration (ms)'), this.frameDuration),
			add('style', l10n.t('Style'), this.style),
		);
		this.format.setAttribute('aria-describedby', 'format-note');
		this.model.setAttribute('aria-describedby', 'model-note');
		this.complexity.title = l10n.t('How much the model plans the image before rendering');
		this.editSection.root.hidden = true;

		this.model.addEventListener('change', () => this.applyModel());
		// A format brings its own pickers: a GIF's sizes and frames, an SVG's author.
		this.format.addEventListener('change', () => this.applyModel());
		for (const input of [this.prompt, this.quality, this.size, this.customSize, this.count, this.compression, this.background, this.complexity, this.style, this.svgModel, this.svgEffort, this.frames, this.frameDuration]) {
			input.addEventListener('change', () => this.refresh());
			input.addEventListener('input', () => this.refresh());
		}
		this.generate.addEventListener('click', () => this.hooks.submit());
		this.prompt.addEventListener('keydown', event => {
			if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
				event.preventDefault();
				this.hooks.submit();
			}
		});
		return [this.editSection.root, promptField, pickers, this.modelNote, this.formatNote, this.estimate];
	}

	/** The host's models, styles and limits, and the options to show. */
	fill(environment: PanelEnvironment, options: PanelOptions): void {
		this.environment = environment;
		this.prompt.value = options.prompt;
		const models = environment.models.map(model => ({ value: model.id, label: model.label }));
		if (!models.some(model => model.value === options.model)) {
			models.push({ value: options.model, label: options.model });
		}
		setOptions(this.model, models, options.model);
		setOptions(this.style, [{ value: '', label: l10n.t('None') }, ...environment.styles.map(name => ({ value: name, label: name }))], options.style ?? '');
		this.fields.style.hidden = environment.styles.length === 0;
		this.style.title = l10n.t('A style preset from .vscode/illustrate-styles.json, added to the prompt');
		this.applyModel(options);
	}

	/** New models, limits or styles (the settings changed): what the user entered stays. */
	updateEnvironment(environment: PanelEnvironment): void {
		this.fill(environment, this.readOptions());
	}

	/** Follows the panel's state: running, the last cost, edit mode. */
	show(view: FormView): void {
		this.view = view;
		this.renderEdit(view.edit);
		this.refresh();
	}

	/**
	 * The message to send for Generate (or an edit), or undefined when the form has problems
	 * (then they show, the prompt's too) or a request is running.
	 */
	submission(): WebviewToHostMessage | undefined {
		if (this.view.running) {
			return undefined;
		}
		this.attempted = true;
		const options = this.readOptions();
		if (this.problems(options).length > 0) {
			this.refresh();
			return undefined;
		}
		return this.view.edit ? { type: 'edit', options, ...this.editSection.exports() } : { type: 'generate', options };
	}

	private capabilities(modelId = this.model.value): ModelCapabilities | undefined {
		const resolved = resolveModel(modelId, { today: this.environment.today, allowUnknownModels: this.environment.allowUnknownModels });
		return 'model' in resolved ? resolved.model : undefined;
	}

	/** Shows the pickers the chosen model allows, keeping the current choices where they still apply. */
	private applyModel(options?: PanelOptions): void {
		const model = this.capabilities();
		const note = this.environment.models.find(choice => choice.id === this.model.value)?.note;
		this.modelNote.textContent = note ?? '';
		this.modelNote.hidden = !note;
		if (!model) {
			this.refresh();
			return;
		}
		const formats = modelPickers(model).formats;
		const format = setOptions(this.format, formats, options?.outputFormat ?? this.format.value) as OutputFormat;
		const pickers = modelPickers(model, format);
		setOptions(this.quality, pickers.qualities, options?.quality ?? this.quality.value);
		const wanted = options?.size ?? (this.size.value === CUSTOM_SIZE ? this.customSize.value : this.size.value);
		// A GIF's frames share one image's pixels: a still image's size becomes one they fit.
		const frames = options?.frames ?? (Number.parseInt(this.frames.value, 10) || undefined);
		const size = sizeSelection(model, format === 'gif' ? sizeForFormat(model.id, format, wanted, frames) : wanted, format);
		setOptions(this.size, pickers.sizes, size.choice);
		if (size.custom !== undefined) {
			this.customSize.value = size.custom;
		}
		setOptions(this.count, pickers.counts, String(options?.n ?? (this.count.value || 2)));
		if (options?.outputCompression !== undefined) {
			this.compression.value = String(options.outputCompression);
		}
		setOptions(this.background, pickers.backgrounds, options?.background ?? this.background.value);
		setOptions(this.complexity, pickers.complexities, options?.complexity ?? this.complexity.value);
		this.fields.complexity.hidden = !pickers.complexityShown;
		if (options) {
			this.svgModel.value = options.svgModel ?? '';
			this.frameDuration.value = options.frameDurationMs !== undefined ? String(options.frameDurationMs) : '';
		}
		setOptions(this.svgEffort, pickers.svgEfforts, options ? options.svgEffort ?? DEFAULT_CHOICE : this.svgEffort.value || DEFAULT_CHOICE);
		setOptions(this.frames, pickers.frameCounts, options?.frames !== undefined ? String(options.frames) : this.frames.value || String(model.gif?.defaultFrames ?? 9));
		if (this.view.edit) {
			this.editSection.render(this.view.edit, model);
		}
		this.refresh();
	}

	private readOptions(): PanelOptions {
		return formOptions({
			prompt: this.prompt.value,
			model: this.model.value,
			quality: this.quality.value,
			size: this.size.value,
			customSize: this.customSize.value,
			count: this.count.value,
			format: this.format.value,
			compression: this.compression.value,
			background: this.background.value,
			complexity: this.complexity.value,
			style: this.style.value,
			svgModel: this.svgModel.value,
			svgEffort: this.svgEffort.value,
			frames: this.frames.value,
			frameDurationMs: this.frameDuration.value,
			...(this.editSection.extendedSize !== undefined ? { extendedSize: this.editSection.extendedSize } : {}),
		}, this.capabilities());
	}

	private problems(options: PanelOptions): RequestProblem[] {
		return checkRequest(options, { today: this.environment.today, allowUnknownModels: this.environment.allowUnknownModels });
	}

	/** Re-checks the form against the model's rules and updates messages and the estimate. */
	private refresh(): void {
		const options = this.readOptions();
		this.customSize.hidden = this.size.value !== CUSTOM_SIZE;
		const format = options.outputFormat;
		this.fields.outputCompression.hidden = format !== 'jpeg' && format !== 'webp';
		this.fields.svgModel.hidden = format !== 'svg';
		this.fields.svgEffort.hidden = format !== 'svg' || this.svgModel.value.trim() === '';
		this.fields.frames.hidden = format !== 'gif';
		this.fields.frameDurationMs.hidden = format !== 'gif';
		const note = formatNote(options);
		this.formatNote.textContent = note ?? '';
		this.formatNote.hidden = note === undefined;
		const problems = this.problems(options);
		const model = this.capabilities();
		const sizeCheck = model ? format === 'gif' && model.gif ? checkGifSize(model, model.gif, options.size, options.frames) : checkSize(model, options.size) : undefined;
		const byField = fieldMessages(problems, { attempted: this.attempted, prompt: options.prompt, ...(sizeCheck ? { sizeCheck } : {}) });
		for (const [name, message] of Object.entries(this.messages)) {
			const shown = byField.get(name);
			message.textContent = shown?.text ?? '';
			message.classList.toggle('invalid', shown?.invalid === true);
			message.classList.toggle('warning', shown?.invalid === false);
		}
		const invalid = problems.length > 0;
		this.generate.disabled = invalid || this.view.running;
		const estimate = costEstimateText({
			model, quality: options.quality, size: options.size, n: options.n, outputFormat: format, invalid,
			...(this.environment.maxCostPerRequest !== undefined ? { limitUsd: this.environment.maxCostPerRequest } : {}),
			...(this.view.lastCostUsd !== undefined ? { lastCostUsd: this.view.lastCostUsd } : {}),
		});
		this.estimate.textContent = estimate.text;
		this.estimate.classList.toggle('warning', estimate.overLimit);
		this.hooks.changed(options);
	}

	private renderEdit(edit: EditView | undefined): void {
		const editing = edit !== undefined;
		const source = edit?.source.id;
		if (source !== undefined && source !== this.editedSource) {
			// A new image to edit: a new instruction.
			this.prompt.value = '';
			this.prompt.focus();
		}
		this.editedSource = source;
		this.editSection.root.hidden = !editing;
		this.promptLabel.textContent = editing ? l10n.t('Instruction: what to change') : l10n.t('Prompt');
		this.heading.textContent = editing ? l10n.t('Edit an image') : l10n.t('Generate an image');
		this.prompt.setAttribute('aria-label', this.promptLabel.textContent);
		this.prompt.setAttribute('placeholder', editing ? l10n.t('Make the sky a warm sunset; keep everything else') : l10n.t('Describe the image'));
		if (edit) {
			this.editSection.render(edit, this.capabilities());
		}
	}
}
