import type { HistoryToHostMessage, WebviewToHostMessage } from '../src/protocol/messages';

interface VsCodeApi {
	postMessage(message: WebviewToHostMessage | HistoryToHostMessage): void;
	getState(): unknown;
	setState(state: unknown): void;
}
declare function acquireVsCodeApi(): VsCodeApi;

/** The webview's handle on VS Code; acquirable once per page. */
export const vscode = acquireVsCodeApi();

/** A toolkit control: value, disabled, and (for checkboxes) checked. */
export interface Control extends HTMLElement {
	value: string;
	disabled: boolean;
	checked: boolean;
}

export function element<K extends keyof HTMLElementTagNameMap>(tag: K, attributes?: Record<string, string>, text?: string): HTMLElementTagNameMap[K];
export function element(tag: string, attributes?: Record<string, string>, text?: string): HTMLElement;
export function element(tag: string, attributes: Record<string, string> = {}, text?: string): HTMLElement {
	const node = document.createElement(tag);
	for (const [name, value] of Object.entries(attributes)) {
		node.setAttribute(name, value);
	}
	if (text !== undefined) {
		node.textContent = text;
	}
	return node;
}

export function control(tag: string, attributes?: Record<string, string>, text?: string): Control {
	return element(tag, attributes, text) as Control;
}

/** A labelled field with a message line under it for validation. */
export function field(labelText: string, input: Control, id: string): { wrapper: HTMLElement; message: HTMLElement } {
	input.id = id;
	// The toolkit's controls would otherwise announce themselves as "Text area" or nothing.
	input.setAttribute('aria-label', labelText);
	const wrapper = element('div', { class: 'field' });
	const message = element('div', { class: 'field-message', id: `${id}-message`, 'aria-live': 'polite' });
	input.setAttribute('aria-describedby', message.id);
	wrapper.append(element('label', { for: id }, labelText), input, message);
	return { wrapper, message };
}

/** Replaces a dropdown's options and selects `selected` (or the first option). */
export function setOptions(dropdown: Control, values: readonly { value: string; label: string }[], selected: string | undefined): string {
	const current = values.map(v => v.value).join('\u0000');
	if (dropdown.dataset.options !== current) {
		dropdown.dataset.options = current;
		dropdown.replaceChildren(...values.map(({ value, label }) => element('vscode-option', { value }, label)));
	}
	const chosen = values.some(v => v.value === selected) ? selected as string : values[0]?.value ?? '';
	dropdown.value = chosen;
	// The toolkit dropdown takes new options on its next update.
	requestAnimationFrame(() => {
		if (dropdown.value !== chosen) {
			dropdown.value = chosen;
		}
	});
	return chosen;
}

export function formatBytes(bytes: number): string {
	return bytes < 1024 * 1024 ? `${Math.round(bytes / 1024)} KB` : `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
