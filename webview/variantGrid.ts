import { acceptsPixels, cardControls, isFinalShown, pixelsSource, variantCaption, variantName, variantShortLabel, waitingText, type Drawing } from '../src/core/generation/variantCard';
import type { EditView, VariantPixels, VariantView } from '../src/protocol/messages';
import * as l10n from '@vscode/l10n';
import { control, element, vscode, type Control } from './dom';

/** What the cards need of the panel's state besides their variants. */
export interface GridContext {
	readonly running: boolean;
	readonly edit?: EditView;
	/** What the running request draws: its waiting cards say so. */
	readonly drawing?: Drawing;
}

/** Pixels kept for variants not listed yet (the oldest go first beyond this). */
const MAX_UNLISTED_PIXELS = 16;

/** The variants as cards, in the host's order: their pixels as they stream in, their actions, and the selection. */
export class VariantGrid {
	readonly root = element('div', { class: 'grid', role: 'list', 'aria-label': l10n.t('Variants') });
	readonly insertSelected = control('vscode-button', { appearance: 'secondary' });
	private variants: readonly VariantView[] = [];
	private context: GridContext = { running: false };
	private readonly selected = new Set<string>();
	private readonly cards = new Map<string, HTMLElement>();
	/** Pixels the host sent per variant (its latest partial, or its final image), as blob URLs. */
	private readonly pixels = new Map<string, { readonly url: string; readonly partialIndex?: number }>();

	constructor() {
		this.insertSelected.hidden = true;
		this.insertSelected.addEventListener('click', () => {
			if (this.selected.size > 0) {
				vscode.postMessage({ type: 'insert', variantIds: [...this.selected] });
			}
		});
	}

	/** A new request starts: what was selected is not inserted with it. */
	forgetSelection(): void {
		this.selected.clear();
	}

	render(variants: readonly VariantView[], context: GridContext): void {
		this.context = context;
		const ids = new Set(variants.map(variant => variant.id));
		for (const [id, card] of this.cards) {
			if (!ids.has(id)) {
				card.remove();
				this.cards.delete(id);
				this.selected.delete(id);
			}
		}
		// Pixels of a variant the host no longer lists go; pixels that arrived before their variant's
		// first listing (a new panel's first image can overtake its state) wait for it, a few at most.
		const listedBefore = new Set(this.variants.map(variant => variant.id));
		const waiting: string[] = [];
		for (const id of [...this.pixels.keys()]) {
			if (!ids.has(id)) {
				if (listedBefore.has(id)) {
					this.forgetPixels(id);
				} else {
					waiting.push(id);
				}
			}
		}
		for (const id of waiting.slice(0, Math.max(0, waiting.length - MAX_UNLISTED_PIXELS))) {
			this.forgetPixels(id);
		}
		this.variants = variants;
		let previous: HTMLElement | undefined;
		for (const variant of variants) {
			let card = this.cards.get(variant.id);
			if (!card) {
				card = this.createCard(variant);
				this.cards.set(variant.id, card);
			}
			// Keep the order the host gives (a re-render sits after its draft).
			if (previous ? previous.nextSibling !== card : this.root.firstChild !== card) {
				previous ? previous.after(card) : this.root.prepend(card);
			}
			this.updateCard(card, variant);
			previous = card;
		}
		this.updateInsertSelected();
	}

	/** Once a second while a request runs: waiting cards count its seconds. */
	tick(): void {
		const text = waitingText(this.context.drawing, Date.now());
		for (const waiting of this.root.querySelectorAll<HTMLElement>('.waiting')) {
			if (waiting.textContent !== text) {
				waiting.textContent = text;
			}
		}
	}

	/** Shows an image's bytes in its card at once, from memory: no file to fetch back. */
	showPixels(message: VariantPixels): void {
		const previous = this.pixels.get(message.variantId);
		if (!acceptsPixels(previous)) {
			return;
		}
		// Structured clone gives the page its own ArrayBuffer, never a shared one.
		const url = URL.createObjectURL(new Blob([message.bytes as Uint8Array<ArrayBuffer>], { type: message.mime }));
		this.pixels.set(message.variantId, { url, ...(message.partialIndex !== undefined ? { partialIndex: message.partialIndex } : {}) });
		if (previous) {
			URL.revokeObjectURL(previous.url);
		}
		const card = this.cards.get(message.variantId);
		const variant = this.variants.find(candidate => candidate.id === message.variantId);
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
		const button = (action: 'makeFinal' | 'copyLink' | 'open' | 'edit' | 'reference' | 'replace', className: string, label: string, title?: string) => {
			const made = control('vscode-button', { class: className, appearance: 'secondary', ...(title ? { title } : {}) }, label);
			made.addEventListener('click', () => vscode.postMessage({ type: 'variant', action, variantId: variant.id }));
			return made;
		};
		buttons.append(
			select,
			insert,
			button('replace', 'replace', l10n.t('Replace')),
			button('edit', 'refine', l10n.t('Refine'), l10n.t('Edit this image further: an instruction, a mask, references')),
			button('makeFinal', 'make-final', l10n.t('Make final'), l10n.t('Re-render at high quality with this draft as the reference. A new rendering, not an upscale: details can change.')),
			button('reference', 'use-reference', l10n.t('Use as reference'), l10n.t('Send this image as a reference with the edit')),
			button('copyLink', 'copy-link', l10n.t('Copy link'), l10n.t('Save the image beside the document and copy its markdown link')),
			button('open', 'open', l10n.t('Open'), l10n.t('Open the image at full size')),
		);
		card.append(frame, badge, caption, buttons);
		return card;
	}

	private updateCard(card: HTMLElement, variant: VariantView): void {
		card.dataset.state = variant.state;
		card.dataset.label = variantShortLabel(variant);
		const frame = card.querySelector('.frame') as HTMLElement;
		const caption = card.querySelector('.caption') as HTMLElement;
		const badge = card.querySelector('.badge') as HTMLElement;
		// What the host sent from memory, else the stored file (after a window reload).
		const shown = this.pixels.get(variant.id);
		const src = shown?.url ?? variant.src;
		if (src && variant.state !== 'failed') {
			let image = frame.querySelector('img');
			if (!image) {
				image = element('img', { alt: variantName(variant) });
				frame.replaceChildren(image);
			}
			if (image.getAttribute('src') !== src) {
				image.src = src;
			}
			image.dataset.partial = String(!isFinalShown(variant, shown));
			image.dataset.pixels = pixelsSource(shown);
			// The stored file's address, for the tests and the benchmark; what is shown came from the same bytes.
			if (variant.state === 'ready' && variant.src) {
				image.dataset.stored = variant.src;
			}
		} else if (variant.state === 'waiting' && !frame.querySelector('.waiting')) {
			// Still text, not a spinner per card: the status line counts the seconds, and eight
			// animations would keep the renderer busy for the whole request.
			frame.replaceChildren(element('span', { class: 'waiting' }, waitingText(this.context.drawing, Date.now())));
		} else if (variant.state === 'failed') {
			frame.replaceChildren(element('span', { class: 'failed' }, variant.error ?? l10n.t('No image')));
		}
		const edit = this.context.edit;
		const controls = cardControls(variant, shown, { running: this.context.running, editing: edit !== undefined, ...(edit?.replaceable !== undefined ? { replaceable: edit.replaceable } : {}) });
		badge.hidden = !controls.previewBadge;
		caption.textContent = variantCaption(variant);
		caption.title = caption.textContent;
		for (const button of card.querySelectorAll<Control>('vscode-button, vscode-checkbox')) {
			button.disabled = button.classList.contains('make-final') ? !controls.makeFinalEnabled : !controls.enabled;
		}
		// An SVG or a GIF is no edit's input: its Refine, Make final and reference say why they are off.
		for (const name of ['.refine', '.make-final', '.use-reference']) {
			const button = card.querySelector(name) as Control;
			if (!controls.editable) {
				button.disabled = true;
				button.title = controls.notEditableTitle;
			}
		}
		(card.querySelector('.make-final') as HTMLElement).hidden = !controls.makeFinalShown;
		const replace = card.querySelector('.replace') as HTMLElement;
		replace.hidden = !controls.replaceShown;
		replace.title = controls.replaceTitle;
		(card.querySelector('.use-reference') as HTMLElement).hidden = !controls.referenceShown;
	}

	private updateInsertSelected(): void {
		this.insertSelected.hidden = this.selected.size < 2;
		this.insertSelected.textContent = l10n.t('Insert {0} selected', this.selected.size);
	}
}
