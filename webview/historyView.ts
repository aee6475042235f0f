import type { HistoryEntryView } from '../src/core/images/historyEntry';
import type { HostToHistoryMessage } from '../src/protocol/messages';
import * as l10n from '@vscode/l10n';
import { control, element, formatBytes, vscode } from './dom';

/** A card drawn for an entry, and whether its buttons are there yet. */
interface DrawnCard {
	readonly element: HTMLElement;
	readonly entry: HistoryEntryView;
	/** What the card was drawn from: an entry that changed is drawn again. */
	readonly key: string;
	withActions: boolean;
}

/** How far beyond the view cards get their buttons at once: Tab and scrolling never reach a card without them. */
const ACTIONS_MARGIN = '150% 0px';
/** Cards whose buttons are added per idle slice once the cards in view are painted. */
const IDLE_SLICE = 12;

/**
 * "Show Generated Images": every stored image, newest first, with Insert, Open and Delete.
 *
 * Hundreds of cards open at once: every card is in the list (its image, prompt and details,
 * so a screen reader lists them all), but the browser lays out and paints only those near the
 * view (`content-visibility: auto`), and the toolkit buttons, the costly part, are added to the
 * cards near the view first, then to the others while the page is idle.
 */
export class HistoryView {
	private readonly target = element('div', { class: 'target', 'aria-live': 'polite' });
	private readonly empty = element('p', { class: 'note' }, l10n.t('No images yet. Every image Illustrate receives is kept here, even when its panel closed before you picked one.'));
	private readonly grid = element('div', { class: 'grid history', role: 'list', 'aria-label': l10n.t('Generated images') });
	/** The card copies that arrived after their card was drawn: a redraw keeps them. */
	private readonly cardImages = new Map<string, string>();
	/** Blob URLs of the card copies that came in the history message as bytes, by image id. */
	private readonly inline = new Map<string, string>();
	private readonly cards = new Map<string, DrawnCard>();
	private readonly nearView = new IntersectionObserver(changes => {
		for (const change of changes) {
			if (change.isIntersecting) {
				this.addActions(change.target as HTMLElement);
			}
		}
	}, { rootMargin: ACTIONS_MARGIN });
	private idleScheduled = false;

	mount(root: HTMLElement): void {
		root.append(element('h1', {}, l10n.t('Generated Images')), this.target, this.empty, this.grid);
		window.addEventListener('message', (event: MessageEvent<HostToHistoryMessage>) => {
			if (event.data.type === 'history') {
				// Marks for the history bench (bench/history.ts): when the list arrived and when its cards were drawn.
				performance.mark('illustrate:history');
				for (const image of event.data.images ?? []) {
					this.forgetInline(image.id);
					this.inline.set(image.id, URL.createObjectURL(new Blob([image.bytes as Uint8Array<ArrayBuffer>], { type: image.mime })));
				}
				this.render(event.data.entries, event.data.target);
				performance.mark('illustrate:rendered');
			} else if (event.data.type === 'cardImage') {
				this.showCardImage(event.data.id, event.data.src);
			}
		});
		performance.mark('illustrate:ready');
		vscode.postMessage({ type: 'ready' });
	}

	private render(entries: readonly HistoryEntryView[], target: string | undefined): void {
		this.target.textContent = target ? l10n.t('Insert goes to {0}.', target) : l10n.t('Open a document to insert into.');
		this.empty.hidden = entries.length > 0;
		// A refresh (another editor, one image more) keeps the cards it already drew, and their focus.
		const ids = new Set(entries.map(entry => entry.id));
		for (const [id, drawn] of this.cards) {
			if (!ids.has(id)) {
				this.nearView.unobserve(drawn.element);
				drawn.element.remove();
				this.cards.delete(id);
				this.cardImages.delete(id);
				this.forgetInline(id);
			}
		}
		let previous: HTMLElement | undefined;
		for (const entry of entries) {
			const key = JSON.stringify(entry);
			let drawn = this.cards.get(entry.id);
			if (drawn?.key !== key) {
				const replaced = drawn?.element;
				drawn = { element: this.card(entry), entry, key, withActions: false };
				if (replaced) {
					this.nearView.unobserve(replaced);
					replaced.replaceWith(drawn.element);
				}
				this.cards.set(entry.id, drawn);
				this.nearView.observe(drawn.element);
			}
			const card = drawn.element;
			if (previous ? previous.nextSibling !== card : this.grid.firstChild !== card) {
				previous ? previous.after(card) : this.grid.prepend(card);
			}
			previous = card;
		}
		this.scheduleIdleActions();
	}

	/** A card without its buttons: its image, prompt and details. */
	private card(entry: HistoryEntryView): HTMLElement {
		const created = new Date(entry.createdAt);
		const card = element('div', { class: 'variant', role: 'listitem', 'data-image-id': entry.id, 'aria-label': entry.prompt.slice(0, 120) });
		const frame = element('div', { class: 'frame' });
		const src = this.cardImages.get(entry.id) ?? this.inline.get(entry.id) ?? entry.src;
		// A large image's card waits for its card-size copy, never for the full file.
		frame.append(src ? this.image(src, entry.prompt) : element('span', { class: 'waiting' }, l10n.t('Making a preview…')));
		const prompt = element('div', { class: 'prompt-text', title: entry.prompt }, entry.prompt);
		const details = [entry.label, entry.kind, entry.model, entry.size, entry.quality, formatBytes(entry.bytes), created.toLocaleString()].filter(Boolean).join(' · ');
		const caption = element('div', { class: 'caption', title: details }, details);
		card.append(frame, prompt, caption, element('div', { class: 'variant-actions' }));
		return card;
	}

	/** Adds Insert (or Restore), Open and Delete to a card, once. */
	private addActions(card: HTMLElement): void {
		const drawn = this.cards.get(card.dataset.imageId ?? '');
		if (!drawn || drawn.element !== card || drawn.withActions) {
			return;
		}
		drawn.withActions = true;
		this.nearView.unobserve(card);
		const entry = drawn.entry;
		const actionsFor = entry.restorable
			? [['restore', l10n.t('Restore')], ['open', l10n.t('Open')], ['delete', l10n.t('Delete')]] as const
			: [['insert', l10n.t('Insert')], ['open', l10n.t('Open')], ['delete', l10n.t('Delete')]] as const;
		const actions = card.querySelector('.variant-actions') as HTMLElement;
		for (const [action, label] of actionsFor) {
			const button = control('vscode-button', action === 'insert' || action === 'restore' ? { class: action, ...(action === 'restore' ? { title: l10n.t('Put these bytes back into {0}', entry.restorable ?? '') } : {}) } : { class: action, appearance: 'secondary' }, label);
			button.addEventListener('click', () => vscode.postMessage({ type: action, id: entry.id }));
			actions.append(button);
		}
	}

	/** The cards far from the view get their buttons a few at a time while the page has nothing else to do. */
	private scheduleIdleActions(): void {
		if (this.idleScheduled) {
			return;
		}
		this.idleScheduled = true;
		requestIdleCallback(deadline => {
			this.idleScheduled = false;
			let added = 0;
			for (const drawn of this.cards.values()) {
				if (!drawn.withActions) {
					if (added >= IDLE_SLICE || deadline.timeRemaining() <= 1) {
						this.scheduleIdleActions();
						return;
					}
					this.addActions(drawn.element);
					added++;
				}
			}
		});
	}

	private image(src: string, prompt: string): HTMLElement {
		return element('img', { src, alt: prompt.slice(0, 120), loading: 'lazy', decoding: 'async' });
	}

	private forgetInline(id: string): void {
		const url = this.inline.get(id);
		if (url) {
			URL.revokeObjectURL(url);
			this.inline.delete(id);
		}
	}

	private showCardImage(id: string, src: string): void {
		this.cardImages.set(id, src);
		const card = this.cards.get(id)?.element;
		const frame = card?.querySelector('.frame');
		const prompt = card?.getAttribute('aria-label') ?? '';
		if (frame && frame.querySelector('img')?.getAttribute('src') !== src) {
			frame.replaceChildren(this.image(src, prompt));
		}
		this.forgetInline(id);
	}
}
