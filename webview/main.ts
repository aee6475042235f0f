import {
	provideVSCodeDesignSystem,
	vsCodeButton,
	vsCodeCheckbox,
	vsCodeDropdown,
	vsCodeOption,
	vsCodeProgressRing,
	vsCodeTextArea,
} from '@vscode/webview-ui-toolkit';
import type {
	HostToWebviewMessage,
	ModelChoice,
	PanelOptions,
	PanelState,
	VariantView,
	WebviewToHostMessage,
} from '../src/protocol/messages';

provideVSCodeDesignSystem().register(
	vsCodeButton(),
	vsCodeCheckbox(),
	vsCodeDropdown(),
	vsCodeOption(),
	vsCodeProgressRing(),
	vsCodeTextArea(),
);

interface VsCodeApi {
	postMessage(message: WebviewToHostMessage): void;
	getState(): unknown;
	setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

const vscode = acquireVsCodeApi();

interface FormElement extends HTMLElement {
	value: string;
	disabled: boolean;
}

function element<K extends keyof HTMLElementTagNameMap>(tag: K, attributes?: Record<string, string>, text?: string): HTMLElementTagNameMap[K];
function element(tag: string, attributes?: Record<string, string>, text?: string): HTMLElement;
function element(tag: string, attributes: Record<string, string> = {}, text?: string): HTMLElement {
	const node = document.createElement(tag);
	for (const [name, value] of Object.entries(attributes)) {
		node.setAttribute(name, value);
	}
	if (text !== undefined) {
		node.textContent = text;
	}
	return node;
}

function field(labelText: string, control: HTMLElement, id: string): HTMLElement {
	control.id = id;
	const wrapper = element('div', { class: 'field' });
	const label = element('label', { for: id }, labelText);
	wrapper.append(label, control);
	return wrapper;
}

function setOptions(dropdown: FormElement, values: readonly { value: string; label: string }[], selected: string): void {
	dropdown.replaceChildren(...values.map(({ value, label }) => {
		const option = element('vscode-option', { value }, label);
		return option;
	}));
	const chosen = values.some(v => v.value === selected) ? selected : values[0]?.value ?? '';
	// The toolkit dropdown picks up new options on the next frame.
	requestAnimationFrame(() => { dropdown.value = chosen; });
	dropdown.value = chosen;
}

const sizeLabel = (size: string): string => size === 'auto' ? 'Auto' : size.replace('x', ' × ');
const qualityLabel = (quality: string): string => quality[0].toUpperCase() + quality.slice(1);

class Panel {
	private models: readonly ModelChoice[] = [];
	private state: PanelState | undefined;
	private readonly selected = new Set<string>();
	private timer: number | undefined;

	private readonly prompt = element('vscode-text-area', { rows: '3', resize: 'vertical', placeholder: 'Describe the image' }) as unknown as FormElement;
	private readonly model = element('vscode-dropdown') as unknown as FormElement;
	private readonly quality = element('vscode-dropdown') as unknown as FormElement;
	private readonly size = element('vscode-dropdown') as unknown as FormElement;
	private readonly count = element('vscode-dropdown') as unknown as FormElement;
	private readonly format = element('vscode-dropdown') as unknown as FormElement;
	private readonly generate = element('vscode-button', { appearance: 'primary' }, 'Generate') as unknown as FormElement;
	private readonly cancel = element('vscode-button', { appearance: 'secondary' }, 'Cancel') as unknown as FormElement;
	private readonly insertSelected = element('vscode-button', { appearance: 'secondary' }, 'Insert selected') as unknown as FormElement;
	private readonly modelNote = element('div', { class: 'note', id: 'model-note' });
	private readonly status = element('div', { class: 'status', role: 'status', 'aria-live': 'polite' });
	private readonly error = element('div', { class: 'error', role: 'alert' });
	private readonly target = element('div', { class: 'target' });
	private readonly grid = element('div', { class: 'grid', role: 'list', 'aria-label': 'Variants' });
	private readonly cards = new Map<string, HTMLElement>();

	mount(root: HTMLElement): void {
		const promptField = element('div', { class: 'field prompt' });
		const promptLabel = element('label', { for: 'prompt' }, 'Prompt');
		this.prompt.id = 'prompt';
		promptField.append(promptLabel, this.prompt);

		const pickers = element('div', { class: 'pickers' });
		pickers.append(
			field('Model', this.model, 'model'),
			field('Quality', this.quality, 'quality'),
			field('Size', this.size, 'size'),
			field('Variants', this.count, 'variants'),
			field('Format', this.format, 'format'),
		);
		this.model.setAttribute('aria-describedby', 'model-note');

		const actions = element('div', { class: 'actions' });
		this.cancel.hidden = true;
		this.insertSelected.hidden = true;
		actions.append(this.generate, this.cancel, this.insertSelected, this.status);

		root.append(this.target, promptField, pickers, this.modelNote, actions, this.error, this.grid);

		this.model.addEventListener('change', () => this.applyModel(this.model.value));
		for (const control of [this.prompt, this.quality, this.size, this.count, this.format]) {
			control.addEventListener('change', () => this.persist());
			control.addEventListener('input', () => this.persist());
		}
		this.generate.addEventListener('click', () => this.requestGeneration());
		this.cancel.addEventListener('click', () => vscode.postMessage({ type: 'cancel' }));
		this.insertSelected.addEventListener('click', () => {
			if (this.selected.size > 0) {
				vscode.postMessage({ type: 'insert', variantIds: [...this.selected] });
			}
		});
		this.prompt.addEventListener('keydown', event => {
			if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
				event.preventDefault();
				this.requestGeneration();
			}
		});

		window.addEventListener('message', (event: MessageEvent<HostToWebviewMessage>) => this.receive(event.data));
		vscode.postMessage({ type: 'ready' });
	}

	private receive(message: HostToWebviewMessage): void {
		switch (message.type) {
			case 'init':
				this.models = message.models;
				this.fillForm(message.state.options);
				this.render(message.state);
				break;
			case 'state':
				this.render(message.state);
				break;
		}
	}

	private currentModel(): ModelChoice | undefined {
		return this.models.find(model => model.id === this.model.value) ?? this.models[0];
	}

	private fillForm(options: PanelOptions): void {
		this.prompt.value = options.prompt;
		setOptions(this.model, this.models.map(model => ({ value: model.id, label: model.label })), options.model);
		this.applyModel(options.model, options);
	}

	/** Shows the pickers the chosen model allows, keeping the current choices where they still apply. */
	private applyModel(modelId: string, options?: PanelOptions): void {
		const model = this.models.find(candidate => candidate.id === modelId) ?? this.models[0];
		if (!model) {
			return;
		}
		setOptions(this.quality, model.qualities.map(value => ({ value, label: qualityLabel(value) })), options?.quality ?? this.quality.value);
		setOptions(this.size, model.sizes.map(value => ({ value, label: sizeLabel(value) })), options?.size ?? this.size.value);
		const counts = Array.from({ length: model.maxVariants }, (_, i) => String(i + 1));
		setOptions(this.count, counts.map(value => ({ value, label: value })), String(options?.n ?? this.count.value ?? 2));
		setOptions(this.format, model.outputFormats.map(value => ({ value, label: value.toUpperCase() })), options?.outputFormat ?? this.format.value);
		this.modelNote.textContent = model.note ?? '';
		this.modelNote.hidden = !model.note;
		this.persist();
	}

	private readOptions(): PanelOptions {
		const model = this.currentModel();
		const n = Number.parseInt(this.count.value, 10);
		const format = this.format.value;
		return {
			prompt: this.prompt.value,
			model: model?.id ?? this.model.value,
			quality: this.quality.value,
			size: this.size.value,
			n: Number.isInteger(n) && n >= 1 ? n : 1,
			outputFormat: format === 'jpeg' || format === 'webp' ? format : 'png',
		};
	}

	private requestGeneration(): void {
		if (this.state?.running) {
			return;
		}
		this.selected.clear();
		vscode.postMessage({ type: 'generate', options: this.readOptions() });
	}

	private persist(): void {
		vscode.setState({ options: this.readOptions() });
	}

	private render(state: PanelState): void {
		this.state = state;
		this.generate.disabled = state.running;
		this.cancel.hidden = !state.running;
		this.target.textContent = state.target ? `Insert into ${state.target}` : '';
		this.target.hidden = !state.target;
		this.renderError(state);
		this.renderStatus();
		if (state.running && this.timer === undefined) {
			this.timer = window.setInterval(() => this.renderStatus(), 1000);
		} else if (!state.running && this.timer !== undefined) {
			window.clearInterval(this.timer);
			this.timer = undefined;
		}
		this.renderVariants(state.variants);
	}

	private renderStatus(): void {
		const state = this.state;
		if (!state) {
			return;
		}
		const elapsed = state.running && state.startedAt ? ` ${Math.max(0, Math.round((Date.now() - state.startedAt) / 1000))} s` : '';
		this.status.textContent = (state.status ?? '') + elapsed;
	}

	private renderError(state: PanelState): void {
		this.error.replaceChildren();
		this.error.hidden = !state.error;
		if (!state.error) {
			return;
		}
		this.error.append(element('span', {}, state.error.message));
		for (const action of state.error.actions) {
			const button = element('vscode-button', { appearance: 'secondary' }, action.label);
			button.addEventListener('click', () => vscode.postMessage({ type: 'action', action: action.id }));
			this.error.append(button);
		}
	}

	private renderVariants(variants: readonly VariantView[]): void {
		const ids = new Set(variants.map(variant => variant.id));
		for (const [id, card] of this.cards) {
			if (!ids.has(id)) {
				card.remove();
				this.cards.delete(id);
				this.selected.delete(id);
			}
		}
		for (const variant of variants) {
			let card = this.cards.get(variant.id);
			if (!card) {
				card = this.createCard(variant);
				this.cards.set(variant.id, card);
				this.grid.append(card);
			}
			this.updateCard(card, variant);
		}
		this.updateInsertSelected();
	}

	private createCard(variant: VariantView): HTMLElement {
		const card = element('div', { class: 'variant', role: 'listitem', 'data-variant-id': variant.id, 'aria-label': `Variant ${variant.index + 1}` });
		const frame = element('div', { class: 'frame' });
		const footer = element('div', { class: 'variant-footer' });
		const caption = element('span', { class: 'caption' });
		const select = element('vscode-checkbox', { 'aria-label': `Select variant ${variant.index + 1}` }) as unknown as FormElement & { checked: boolean };
		select.addEventListener('change', () => {
			if (select.checked) {
				this.selected.add(variant.id);
			} else {
				this.selected.delete(variant.id);
			}
			this.updateInsertSelected();
		});
		const insert = element('vscode-button', { class: 'insert' }, 'Insert');
		insert.addEventListener('click', () => vscode.postMessage({ type: 'insert', variantIds: [variant.id] }));
		footer.append(select, caption, insert);
		card.append(frame, footer);
		return card;
	}

	private updateCard(card: HTMLElement, variant: VariantView): void {
		card.dataset.state = variant.state;
		const frame = card.querySelector('.frame') as HTMLElement;
		const caption = card.querySelector('.caption') as HTMLElement;
		const insert = card.querySelector('.insert') as FormElement;
		const select = card.querySelector('vscode-checkbox') as FormElement;
		if (variant.src) {
			let image = frame.querySelector('img');
			if (!image) {
				image = element('img', { alt: `Variant ${variant.index + 1}` });
				frame.replaceChildren(image);
			}
			if (image.getAttribute('src') !== variant.src) {
				image.src = variant.src;
			}
		} else if (variant.state === 'waiting' && !frame.querySelector('vscode-progress-ring')) {
			frame.replaceChildren(element('vscode-progress-ring', { 'aria-label': `Generating variant ${variant.index + 1}` }));
		} else if (variant.state === 'failed') {
			frame.replaceChildren(element('span', { class: 'failed' }, 'No image'));
		}
		const size = variant.width && variant.height ? `${variant.width}×${variant.height}` : '';
		caption.textContent = variant.insertedAs ? `Inserted as ${variant.insertedAs}` : [`#${variant.index + 1}`, size].filter(Boolean).join(' · ');
		caption.title = variant.insertedAs ?? [size, variant.format?.toUpperCase()].filter(Boolean).join(' ');
		insert.disabled = variant.state !== 'ready';
		select.disabled = variant.state !== 'ready';
	}

	private updateInsertSelected(): void {
		this.insertSelected.hidden = this.selected.size < 2;
		this.insertSelected.textContent = `Insert ${this.selected.size} selected`;
	}
}

new Panel().mount(document.getElementById('root') as HTMLElement);
