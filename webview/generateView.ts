import { estimateCost, formatUsd } from '../src/core/cost/cost';
import type { ModelCapabilities } from '../src/core/models/capabilities';
import { checkRequest, checkSize, resolveModel, type ImageRequestOptions, type RequestProblem } from '../src/core/models/validation';
import type {
	BackgroundChoice,
	ComplexityChoice,
	HostToWebviewMessage,
	PanelEnvironment,
	PanelOptions,
	PanelState,
	VariantPixels,
	VariantView,
} from '../src/protocol/messages';
import * as l10n from '@vscode/l10n';
import { control, element, field, setOptions, vscode, type Control } from './dom';
import { EditSection } from './editSection';

const CUSTOM_SIZE = 'custom';
const DEFAULT_COMPLEXITY = 'default';

const sizeLabel = (size: string): string => size === 'auto' ? l10n.t('Auto') : size === CUSTOM_SIZE ? l10n.t('Custom…') : size.replace('x', ' × ');
const capitalized = (value: string): string => value[0].toUpperCase() + value.slice(1);

function qualityLabel(quality: string): string {
	switch (quality) {
		case 'auto':
			return l10n.t('Auto');
		case 'low':
			return l10n.t('Low');
		case 'medium':
			return l10n.t('Medium');
		case 'high':
			return l10n.t('High');
		case 'xhigh':
			return l10n.t('Extra high');
		case 'max':
			return l10n.t('Maximum');
		default:
			return capitalized(quality);
	}
}

/** "Variant 2", or the host's label for a re-render or an edit. */
const variantName = (variant: VariantView): string => variant.label ?? l10n.t('Variant {0}', variant.index + 1);

/** The generate panel: pickers checked against the capability table as you type, the variants as they stream in. */
export class GenerateView {
	private environment: PanelEnvironment = { models: [], today: new Date().toISOString().slice(0, 10), allowUnknownModels: false, styles: [] };
	private state: PanelState | undefined;
	private readonly selected = new Set<string>();
	private timer: number | undefined;
	private attempted = false;

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
	private readonly generate = control('vscode-button', { appearance: 'primary' }, l10n.t('Generate'));
	private readonly cancel = control('vscode-button', { appearance: 'secondary' }, l10n.t('Cancel'));
	private readonly insertSelected = control('vscode-button', { appearance: 'secondary' });
	private readonly messages: Record<string, HTMLElement> = {};
	private readonly fields: Record<string, HTMLElement> = {};
	private readonly modelNote = element('div', { class: 'note', id: 'model-note' });
	private readonly estimate = element('div', { class: 'estimate', 'aria-live': 'polite' });
	private readonly status = element('div', { class: 'status', role: 'status', 'aria-live': 'polite' });
	// Outside the live region: a screen reader hears the status once, not every second.
	private readonly elapsed = element('span', { class: 'elapsed' });
	private readonly heading = element('h1', { class: 'visually-hidden' }, l10n.t('Generate an image'));
	private readonly error = element('div', { class: 'error', role: 'alert' });
	private readonly target = element('div', { class: 'target' });
	private readonly grid = element('div', { class: 'grid', role: 'list', 'aria-label': l10n.t('Variants') });
	private readonly editSection = new EditSection(() => this.refreshForm());
	private readonly promptLabel = element('label', { for: 'prompt' }, l10n.t('Prompt'));
	private readonly cards = new Map<string, HTMLElement>();
	/** Pixels the host sent per variant (its latest partial, or its final image), as blob URLs. */
	private readonly pixels = new Map<string, { readonly url: string; readonly partialIndex?: number }>();

	mount(root: HTMLElement): void {
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

		const actions = element('div', { class: 'actions' });
		this.cancel.hidden = true;
		this.insertSelected.hidden = true;
		actions.append(this.generate, this.cancel, this.insertSelected, this.status, this.elapsed);

		this.editSection.root.hidden = true;
		root.append(this.heading, this.target, this.editSection.root, promptField, pickers, this.modelNote, this.estimate, actions, this.error, this.grid);

		this.model.addEventListener('change', () => this.applyModel());
		for (const input of [this.prompt, this.quality, this.size, this.customSize, this.count, this.format, this.compression, this.background, this.complexity, this.style]) {
			input.addEventListener('change', () => this.refreshForm());
			input.addEventListener('input', () => this.refreshForm());
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
				this.environment = message.environment;
				this.fillForm(message.state.options);
				this.render(message.state);
				break;
			case 'state':
				this.render(message.state);
				break;
			case 'pixels':
				this.showPixels(message);
				break;
		}
	}

	/** Shows an image's bytes in its card at once, from memory: no file to fetch back. */
	private showPixels(message: VariantPixels): void {
		const previous = this.pixels.get(message.variantId);
		if (previous && previous.partialIndex === undefined) {
			return;
		}
		// Structured clone gives the page its own ArrayBuffer, never a shared one.
		const url = URL.createObjectURL(new Blob([message.bytes as Uint8Array<ArrayBuffer>], { type: message.mime }));
		this.pixels.set(message.variantId, { url, ...(message.partialIndex !== undefined ? { partialIndex: message.partialIndex } : {}) });
		if (previous) {
			URL.revokeObjectURL(previous.url);
		}
		const card = this.cards.get(message.variantId);
		const variant = this.state?.variants.find(candidate => candidate.id === message.variantId);
		if (card && variant) {
			this.updateCard(card, variant);
		}
	}

	private forgetPixels(id: string): void {
		const shown = this.pixels.get(id);
		if (shown) {
			URL.revokeObjectURL(shown.url);
			this.pixels.delete(id);
		}
	}

	private capabilities(modelId = this.model.value): ModelCapabilities | undefined {
		const resolved = resolveModel(modelId, { today: this.environment.today, allowUnknownModels: this.environment.allowUnknownModels });
		return 'model' in resolved ? resolved.model : undefined;
	}

	private fillForm(options: PanelOptions): void {
		this.prompt.value = options.prompt;
		const models = this.environment.models.map(model => ({ value: model.id, label: model.label }));
		if (!models.some(model => model.value === options.model)) {
			models.push({ value: options.model, label: options.model });
		}
		setOptions(this.model, models, options.model);
		setOptions(this.style, [{ value: '', label: l10n.t('None') }, ...this.environment.styles.map(name => ({ value: name, label: name }))], options.style ?? '');
		this.fields.style.hidden = this.environment.styles.length === 0;
		this.style.title = l10n.t('A style preset from .vscode/illustrate-styles.json, added to the prompt');
		this.applyModel(options);
	}

	/** Shows the pickers the chosen model allows, keeping the current choices where they still apply. */
	private applyModel(options?: PanelOptions): void {
		const model = this.capabilities();
		const note = this.environment.models.find(choice => choice.id === this.model.value)?.note;
		this.modelNote.textContent = note ?? '';
		this.modelNote.hidden = !note;
		if (!model) {
			this.refreshForm();
			return;
		}
		setOptions(this.quality, model.qualities.map(value => ({ value, label: qualityLabel(value) })), options?.quality ?? this.quality.value);

		const sizes = [...model.sizePresets, ...(model.autoSize ? ['auto'] : []), ...(model.customSizes ? [CUSTOM_SIZE] : [])];
		const wantedSize = options?.size ?? (this.size.value === CUSTOM_SIZE ? this.customSize.value : this.size.value);
		const isCustom = !sizes.includes(wantedSize) && model.customSizes !== undefined && wantedSize !== '';
		setOptions(this.size, sizes.map(value => ({ value, label: sizeLabel(value) })), isCustom ? CUSTOM_SIZE : wantedSize);
		if (isCustom) {
			this.customSize.value = wantedSize;
		}

		const counts = Array.from({ length: model.maxVariants }, (_, i) => String(i + 1));
		setOptions(this.count, counts.map(value => ({ value, label: value })), String(options?.n ?? (this.count.value || 2)));
		setOptions(this.format, model.outputFormats.map(value => ({ value, label: value.toUpperCase() })), options?.outputFormat ?? this.format.value);
		if (options?.outputCompression !== undefined) {
			this.compression.value = String(options.outputCompression);
		}

		const backgrounds: { value: BackgroundChoice; label: string }[] = [{ value: 'auto', label: l10n.t('Auto') }, { value: 'opaque', label: l10n.t('Opaque') }];
		if (model.transparentBackground) {
			backgrounds.push({ value: 'transparent', label: model.transparentBackground === 'preview' ? l10n.t('Transparent (preview)') : l10n.t('Transparent') });
		}
		setOptions(this.background, backgrounds, options?.background ?? this.background.value);

		setOptions(this.complexity, [
			{ value: DEFAULT_COMPLEXITY, label: l10n.t('Model default') },
			{ value: 'low', label: l10n.t('Low') },
			{ value: 'medium', label: l10n.t('Medium') },
			{ value: 'high', label: l10n.t('High') },
		], options?.complexity ?? this.complexity.value);
		this.fields.complexity.hidden = !model.complexity;
		if (this.state?.edit) {
			this.editSection.render(this.state.edit, model);
		}
		this.refreshForm();
	}

	private readOptions(): PanelOptions {
		const n = Number.parseInt(this.count.value, 10);
		const format = this.format.value === 'jpeg' || this.format.value === 'webp' ? this.format.value : 'png';
		const compression = this.compression.value.trim() === '' ? undefined : Number(this.compression.value);
		const background = this.background.value as BackgroundChoice;
		const model = this.capabilities();
		const complexity = model?.complexity && this.complexity.value !== DEFAULT_COMPLEXITY ? this.complexity.value as ComplexityChoice : undefined;
		return {
			prompt: this.prompt.value,
			model: this.model.value,
			quality: this.quality.value,
			size: this.editSection.extendedSize ?? (this.size.value === CUSTOM_SIZE ? this.customSize.value.trim().replace(/\s*[×X]\s*/, 'x') : this.size.value),
			n: Number.isInteger(n) && n >= 1 ? n : 1,
			outputFormat: format,
			...(format !== 'png' && compression !== undefined && Number.isFinite(compression) ? { outputCompression: compression } : {}),
			...(background === 'opaque' || background === 'transparent' ? { background } : {}),
			...(complexity ? { complexity } : {}),
			...(this.style.value ? { style: this.style.value } : {}),
		};
	}

	private problems(options: PanelOptions): RequestProblem[] {
		const request: ImageRequestOptions = options;
		return checkRequest(request, { today: this.environment.today, allowUnknownModels: this.environment.allowUnknownModels });
	}

	/** Re-checks the form against the model's rules and updates messages and the estimate. */
	private refreshForm(): void {
		const options = this.readOptions();
		this.customSize.hidden = this.size.value !== CUSTOM_SIZE;
		this.fields.outputCompression.hidden = options.outputFormat === 'png';
		const problems = this.problems(options);
		const byField = new Map<string, string>();
		for (const problem of problems) {
			if (problem.field !== 'prompt' || this.attempted || options.prompt.length > 0) {
				byField.set(problem.field, problem.message);
			}
		}
		const model = this.capabilities();
		const sizeCheck = model ? checkSize(model, options.size) : undefined;
		for (const [name, message] of Object.entries(this.messages)) {
			const text = byField.get(name) ?? (name === 'size' && sizeCheck?.experimental ? sizeCheck.message ?? '' : '');
			message.textContent = text;
			message.classList.toggle('invalid', byField.has(name));
			message.classList.toggle('warning', !byField.has(name) && text.length > 0);
		}
		const invalid = problems.length > 0;
		this.generate.disabled = invalid || this.state?.running === true;
		this.renderEstimate(options, model, invalid);
		vscode.setState({ options, state: this.state });
	}

	private renderEstimate(options: PanelOptions, model: ModelCapabilities | undefined, invalid: boolean): void {
		const sentences = (...parts: (string | undefined)[]) => parts.filter(Boolean).join(' ');
		const lastCost = this.state?.lastCostUsd !== undefined ? l10n.t('Last request: {0} (from usage).', formatUsd(this.state.lastCostUsd)) : undefined;
		if (!model || invalid) {
			this.estimate.textContent = sentences(lastCost);
			return;
		}
		const estimate = estimateCost(model, options.quality, options.size, options.n);
		if (estimate === undefined) {
			this.estimate.textContent = sentences(l10n.t('No published price for {0}: the cost shows after the request, from its usage.', model.id), lastCost);
			return;
		}
		const limit = this.environment.maxCostPerRequest;
		const cost = options.n > 1
			? l10n.t('Estimated cost {0} ({1} × {2}).', formatUsd(estimate), options.n, formatUsd(estimate / options.n))
			: l10n.t('Estimated cost {0}.', formatUsd(estimate));
		const over = limit !== undefined && estimate > limit ? l10n.t('Above your limit of {0}: you will be asked before it is sent.', formatUsd(limit)) : undefined;
		this.estimate.textContent = sentences(cost, over, lastCost);
		this.estimate.classList.toggle('warning', over !== undefined);
	}

	private requestGeneration(): void {
		if (this.state?.running) {
			return;
		}
		this.attempted = true;
		const options = this.readOptions();
		if (this.problems(options).length > 0) {
			this.refreshForm();
			return;
		}
		this.selected.clear();
		if (this.state?.edit) {
			const exports = this.editSection.exports();
			vscode.postMessage({ type: 'edit', options, ...exports });
		} else {
			vscode.postMessage({ type: 'generate', options });
		}
	}

	private render(state: PanelState): void {
		this.state = state;
		// Only while the panel has the keyboard: focusing in a frame that lost it would take it
		// back from wherever the user went (the palette, a menu, another editor).
		const cancelHadFocus = document.hasFocus() && document.activeElement === this.cancel;
		this.cancel.hidden = !state.running;
		this.target.textContent = state.target ? l10n.t('Insert into {0}', state.target.description) : '';
		this.target.hidden = !state.target;
		this.renderError(state);
		this.renderStatus();
		if (state.running && this.timer === undefined) {
			this.timer = window.setInterval(() => this.renderStatus(), 1000);
		} else if (!state.running && this.timer !== undefined) {
			window.clearInterval(this.timer);
			this.timer = undefined;
		}
		this.renderEdit(state);
		this.renderVariants(state.variants);
		this.refreshForm();
		if (cancelHadFocus && this.cancel.hidden) {
			// Keep a keyboard user's place: Cancel went away under the focus. The toolkit
			// enables Generate's inner button on its next update.
			requestAnimationFrame(() => {
				if (document.hasFocus() && (document.activeElement === document.body || document.activeElement === this.cancel)) {
					this.generate.focus();
				}
			});
		}
	}

	private editedSource: string | undefined;

	private renderEdit(state: PanelState): void {
		const editing = state.edit !== undefined;
		const source = state.edit?.source.id;
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
		if (state.edit) {
			this.editSection.render(state.edit, this.capabilities());
		}
	}

	private renderStatus(): void {
		const state = this.state;
		if (!state) {
			return;
		}
		const status = state.status ?? '';
		if (this.status.textContent !== status) {
			this.status.textContent = status;
		}
		this.elapsed.textContent = state.running && state.startedAt ? l10n.t('{0} s', Math.max(0, Math.round((Date.now() - state.startedAt) / 1000))) : '';
	}

	private renderError(state: PanelState): void {
		this.error.replaceChildren();
		this.error.hidden = !state.error;
		if (!state.error) {
			return;
		}
		this.error.append(element('span', {}, state.error.message));
		for (const action of state.error.actions) {
			const button = control('vscode-button', { appearance: 'secondary' }, action.label);
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
		for (const id of [...this.pixels.keys()]) {
			if (!ids.has(id)) {
				this.forgetPixels(id);
			}
		}
		let previous: HTMLElement | undefined;
		for (const variant of variants) {
			let card = this.cards.get(variant.id);
			if (!card) {
				card = this.createCard(variant);
				this.cards.set(variant.id, card);
			}
			// Keep the order the host gives (a re-render sits after its draft).
			if (previous ? previous.nextSibling !== card : this.grid.firstChild !== card) {
				previous ? previous.after(card) : this.grid.prepend(card);
			}
			this.updateCard(card, variant);
			previous = card;
		}
		this.updateInsertSelected();
	}

	private createCard(variant: VariantView): HTMLElement {
		const name = variantName(variant);
		const card = element('div', { class: 'variant', role: 'listitem', 'data-variant-id': variant.id, 'aria-label': name });
		const frame = element('div', { class: 'frame' });
		const badge = element('span', { class: 'badge' }, l10n.t('Preview'));
		const caption = element('div', { class: 'caption' });
		const buttons = element('div', { class: 'variant-actions' });
		// The toolkit replaces aria-label on checkboxes; their text is their accessible name,
		// so the variant's name is there, for screen readers only.
		const select = control('vscode-checkbox', { title: l10n.t('Select {0} to insert several at once', name) }, l10n.t('Select'));
		select.append(element('span', { class: 'visually-hidden' }, ` ${name}`));
		select.addEventListener('change', () => {
			if (select.checked) {
				this.selected.add(variant.id);
			} else {
				this.selected.delete(variant.id);
			}
			card.classList.toggle('selected', select.checked);
			this.updateInsertSelected();
		});
		const insert = control('vscode-button', { class: 'insert' }, l10n.t('Insert'));
		insert.addEventListener('click', () => vscode.postMessage({ type: 'insert', variantIds: [variant.id] }));
		const makeFinal = control('vscode-button', { class: 'make-final', appearance: 'secondary', title: l10n.t('Re-render at high quality with this draft as the reference. A new rendering, not an upscale: details can change.') }, l10n.t('Make final'));
		makeFinal.addEventListener('click', () => vscode.postMessage({ type: 'variant', action: 'makeFinal', variantId: variant.id }));
		const copy = control('vscode-button', { class: 'copy-link', appearance: 'secondary', title: l10n.t('Save the image beside the document and copy its markdown link') }, l10n.t('Copy link'));
		copy.addEventListener('click', () => vscode.postMessage({ type: 'variant', action: 'copyLink', variantId: variant.id }));
		const open = control('vscode-button', { class: 'open', appearance: 'secondary', title: l10n.t('Open the image at full size') }, l10n.t('Open'));
		open.addEventListener('click', () => vscode.postMessage({ type: 'variant', action: 'open', variantId: variant.id }));
		const refine = control('vscode-button', { class: 'refine', appearance: 'secondary', title: l10n.t('Edit this image further: an instruction, a mask, references') }, l10n.t('Refine'));
		refine.addEventListener('click', () => vscode.postMessage({ type: 'variant', action: 'edit', variantId: variant.id }));
		const reference = control('vscode-button', { class: 'use-reference', appearance: 'secondary', title: l10n.t('Send this image as a reference with the edit') }, l10n.t('Use as reference'));
		reference.addEventListener('click', () => vscode.postMessage({ type: 'variant', action: 'reference', variantId: variant.id }));
		const replace = control('vscode-button', { class: 'replace', appearance: 'secondary' }, l10n.t('Replace'));
		replace.addEventListener('click', () => vscode.postMessage({ type: 'variant', action: 'replace', variantId: variant.id }));
		buttons.append(select, insert, replace, refine, makeFinal, reference, copy, open);
		card.append(frame, badge, caption, buttons);
		return card;
	}

	private updateCard(card: HTMLElement, variant: VariantView): void {
		card.dataset.state = variant.state;
		card.dataset.label = variant.label ?? `#${variant.index + 1}`;
		const frame = card.querySelector('.frame') as HTMLElement;
		const caption = card.querySelector('.caption') as HTMLElement;
		const badge = card.querySelector('.badge') as HTMLElement;
		const name = variantName(variant);
		// What the host sent from memory, else the stored file (after a window reload).
		const shown = this.pixels.get(variant.id);
		const src = shown?.url ?? variant.src;
		const final = variant.state === 'ready' || (shown !== undefined && shown.partialIndex === undefined);
		if (src && variant.state !== 'failed') {
			let image = frame.querySelector('img');
			if (!image) {
				image = element('img', { alt: name });
				frame.replaceChildren(image);
			}
			if (image.getAttribute('src') !== src) {
				image.src = src;
			}
			image.dataset.partial = String(!final);
			image.dataset.pixels = shown ? shown.partialIndex === undefined ? 'final' : `partial-${shown.partialIndex}` : 'stored';
			// The stored file's address, for the tests and the benchmark; what is shown came from the same bytes.
			if (variant.state === 'ready' && variant.src) {
				image.dataset.stored = variant.src;
			}
		} else if (variant.state === 'waiting' && !frame.querySelector('.waiting')) {
			// Still text, not a spinner per card: the status line counts the seconds, and eight
			// animations would keep the renderer busy for the whole request.
			frame.replaceChildren(element('span', { class: 'waiting' }, l10n.t('Waiting for the first preview…')));
		} else if (variant.state === 'failed') {
			frame.replaceChildren(element('span', { class: 'failed' }, variant.error ?? l10n.t('No image')));
		}
		badge.hidden = variant.state !== 'partial' || final;
		const size = variant.width && variant.height ? `${variant.width}×${variant.height}` : '';
		const time = variant.elapsedMs !== undefined ? l10n.t('{0} s', (variant.elapsedMs / 1000).toFixed(1)) : '';
		caption.textContent = variant.insertedAs
			? l10n.t('Inserted as {0}', variant.insertedAs)
			: [variant.label ?? `#${variant.index + 1}`, size, time].filter(Boolean).join(' · ');
		caption.title = caption.textContent;
		const ready = variant.state === 'ready';
		for (const button of card.querySelectorAll<Control>('vscode-button, vscode-checkbox')) {
			button.disabled = !ready || (button.classList.contains('make-final') && this.state?.running === true);
		}
		(card.querySelector('.make-final') as HTMLElement).hidden = variant.label !== undefined;
		const edit = this.state?.edit;
		const replace = card.querySelector('.replace') as HTMLElement;
		replace.hidden = !edit?.replaceable;
		replace.title = edit?.replaceable ? l10n.t('Overwrite {0} with this image (its old bytes stay in Show Generated Images)', edit.replaceable) : '';
		(card.querySelector('.use-reference') as HTMLElement).hidden = !edit;
	}

	private updateInsertSelected(): void {
		this.insertSelected.hidden = this.selected.size < 2;
		this.insertSelected.textContent = l10n.t('Insert {0} selected', this.selected.size);
	}
}
