import type { HostToWebviewMessage, PanelOptions, PanelState } from '../src/protocol/messages';
import * as l10n from '@vscode/l10n';
import { control, element, vscode } from './dom';
import { GenerateForm } from './generateForm';
import { VariantGrid } from './variantGrid';

/**
 * The generate panel: routes the host's messages to the form and the variant grid, and shows
 * what belongs to the whole panel (where Insert goes, the status and its seconds, Cancel, errors).
 */
export class GenerateView {
	private state: PanelState | undefined;
	private timer: number | undefined;
	private readonly form = new GenerateForm({
		submit: () => this.requestGeneration(),
		changed: options => this.keep(options),
	});
	private readonly grid = new VariantGrid();
	private readonly cancel = control('vscode-button', { appearance: 'secondary' }, l10n.t('Cancel'));
	private readonly status = element('div', { class: 'status', role: 'status', 'aria-live': 'polite' });
	// Outside the live region: a screen reader hears the status once, not every second.
	private readonly elapsed = element('span', { class: 'elapsed' });
	private readonly error = element('div', { class: 'error', role: 'alert' });
	private readonly target = element('div', { class: 'target' });

	mount(root: HTMLElement): void {
		const formParts = this.form.mount();
		const actions = element('div', { class: 'actions' });
		this.cancel.hidden = true;
		actions.append(this.form.generate, this.cancel, this.grid.insertSelected, this.status, this.elapsed);
		root.append(this.form.heading, this.target, ...formParts, actions, this.error, this.grid.root);
		this.cancel.addEventListener('click', () => vscode.postMessage({ type: 'cancel' }));
		window.addEventListener('message', (event: MessageEvent<HostToWebviewMessage>) => this.receive(event.data));
		vscode.postMessage({ type: 'ready' });
	}

	private receive(message: HostToWebviewMessage): void {
		switch (message.type) {
			case 'init':
				this.form.fill(message.environment, message.state.options);
				this.render(message.state);
				break;
			case 'environment':
				this.form.updateEnvironment(message.environment);
				break;
			case 'state':
				this.render(message.state);
				break;
			case 'pixels':
				this.grid.showPixels(message);
				break;
		}
	}

	/** What VS Code hands back after a window reload: the form's options and the panel's state. */
	private keep(options: PanelOptions): void {
		vscode.setState({ options, state: this.state });
	}

	private requestGeneration(): void {
		const message = this.form.submission();
		if (message) {
			this.grid.forgetSelection();
			vscode.postMessage(message);
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
		const { running, edit, lastCostUsd } = state;
		this.form.show({ running, ...(edit ? { edit } : {}), ...(lastCostUsd !== undefined ? { lastCostUsd } : {}) });
		const format = state.options.outputFormat;
		const drawing = running && (format === 'svg' || format === 'gif')
			? { format, prompt: state.options.prompt, ...(state.startedAt !== undefined ? { startedAt: state.startedAt } : {}), ...(state.options.frames !== undefined ? { frames: state.options.frames } : {}) }
			: undefined;
		this.grid.render(state.variants, { running, ...(edit ? { edit } : {}), ...(drawing ? { drawing } : {}) });
		if (cancelHadFocus && this.cancel.hidden) {
			// Keep a keyboard user's place: Cancel went away under the focus. The toolkit
			// enables Generate's inner button on its next update.
			requestAnimationFrame(() => {
				if (document.hasFocus() && (document.activeElement === document.body || document.activeElement === this.cancel)) {
					this.form.generate.focus();
				}
			});
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
		this.grid.tick();
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
}
