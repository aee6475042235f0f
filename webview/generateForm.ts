import { costEstimateText } from '../src/core/cost/costEstimateText';
import type { ModelCapabilities } from '../src/core/models/capabilities';
import { CUSTOM_SIZE, fieldMessages, formOptions, modelPickers, sizeSelection } from '../src/core/models/formChoices';
import { checkRequest, checkSize, resolveModel, type RequestProblem } from '../src/core/models/validation';
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
			add('style', l10n.t('Style'), this.style),
		);
		this.model.setAttribute('aria-describedby', 'model-note');
		this.complexity.title = l10n.t('How much the model plans the image before rendering');
		this.editSection.root.hidden = true;

		this.model.addEventListener('change', () => this.applyModel());
		for (const input of [this.prompt, this.quality, this.size, this.customSize, this.count, this.format, this.compression, this.background, this.complexity, this.style]) {
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
		return [this.editSection.root, promptField, pickers, this.modelNote, this.estimate];
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
		const pickers = modelPickers(model);
		setOptions(this.quality, pickers.qualities, options?.quality ?? this.quality.value);
		const size = sizeSelection(model, options?.size ?? (this.size.value === CUSTOM_SIZE ? this.customSize.value : this.size.value));
		setOptions(this.size, pickers.sizes, size.choice);
		if (size.custom !== undefined) {
			this.customSize.value = size.custom;
		}
		setOptions(this.count, pickers.counts, String(options?.n ?? (this.count.value || 2)));
		setOptions(this.format, pickers.formats, options?.outputFormat ?? this.format.value);
		if (options?.outputCompression !== undefined) {
			this.compression.value = String(options.outputCompression);
		}
		setOptions(this.background, pickers.backgrounds, options?.background ?? this.background.value);
		setOptions(this.complexity, pickers.complexities, options?.complexity ?? this.complexity.value);
		this.fields.complexity.hidden = !pickers.complexityShown;
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
		this.fields.outputCompression.hidden = options.outputFormat === 'png';
		const problems = this.problems(options);
		const model = this.capabilities();
		const byField = fieldMessages(problems, { attempted: this.attempted, prompt: options.prompt, ...(model ? { sizeCheck: checkSize(model, options.size) } : {}) });
		for (const [name, message] of Object.entries(this.messages)) {
			const shown = byField.get(name);
			message.textContent = shown?.text ?? '';
			message.classList.toggle('invalid', shown?.invalid === true);
			message.classList.toggle('warning', shown?.invalid === false);
		}
		const invalid = problems.length > 0;
		this.generate.disabled = invalid || this.view.running;
		const estimate = costEstimateText({
			model, quality: options.quality, size: options.size, n: options.n, invalid,
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
