import type { HistoryEntryView } from '../src/core/images/historyEntry';
import type { HostToHistoryMessage } from '../src/protocol/messages';
import * as l10n from '@vscode/l10n';
import { control, element, formatBytes, vscode } from './dom';

/** "Show Generated Images": every stored image, newest first, with Insert, Open and Delete. */
export class HistoryView {
	private readonly target = element('div', { class: 'target', 'aria-live': 'polite' });
	private readonly empty = element('p', { class: 'note' }, l10n.t('No images yet. Every image Illustrate receives is kept here, even when its panel closed before you picked one.'));
	private readonly grid = element('div', { class: 'grid history', role: 'list', 'aria-label': l10n.t('Generated images') });
	/** The card copies that arrived after their card was drawn: a redraw keeps them. */
	private readonly cardImages = new Map<string, string>();

	mount(root: HTMLElement): void {
		root.append(element('h1', {}, l10n.t('Generated Images')), this.target, this.empty, this.grid);
		window.addEventListener('message', (event: MessageEvent<HostToHistoryMessage>) => {
			if (event.data.type === 'history') {
				this.render(event.data.entries, event.data.target);
			} else if (event.data.type === 'cardImage') {
				this.showCardImage(event.data.id, event.data.src);
			}
		});
		vscode.postMessage({ type: 'ready' });
	}

	private render(entries: readonly HistoryEntryView[], target: string | undefined): void {
		this.target.textContent = target ? l10n.t('Insert goes to {0}.', target) : l10n.t('Open a document to insert into.');
		this.empty.hidden = entries.length > 0;
		this.grid.replaceChildren(...entries.map(entry => this.card(entry)));
	}

	private card(entry: HistoryEntryView): HTMLElement {
		const created = new Date(entry.createdAt);
		const card = element('div', { class: 'variant', role: 'listitem', 'data-image-id': entry.id, 'aria-label': entry.prompt.slice(0, 120) });
		const frame = element('div', { class: 'frame' });
		const src = entry.src ?? this.cardImages.get(entry.id);
		// A large image's card waits for its card-size copy, never for the full file.
		frame.append(src ? this.image(src, entry.prompt) : element('span', { class: 'waiting' }, l10n.t('Making a preview…')));
		const prompt = element('div', { class: 'prompt-text', title: entry.prompt }, entry.prompt);
		const details = [entry.label, entry.kind, entry.model, entry.size, entry.quality, formatBytes(entry.bytes), created.toLocaleString()].filter(Boolean).join(' · ');
		const caption = element('div', { class: 'caption', title: details }, details);
		const actions = element('div', { class: 'variant-actions' });
		const actionsFor = entry.restorable
			? [['restore', l10n.t('Restore')], ['open', l10n.t('Open')], ['delete', l10n.t('Delete')]] as const
			: [['insert', l10n.t('Insert')], ['open', l10n.t('Open')], ['delete', l10n.t('Delete')]] as const;
		for (const [action, label] of actionsFor) {
			const button = control('vscode-button', action === 'insert' || action === 'restore' ? { class: action, ...(action === 'restore' ? { title: l10n.t('Put these bytes back into {0}', entry.restorable ?? '') } : {}) } : { class: action, appearance: 'secondary' }, label);
			button.addEventListener('click', () => vscode.postMessage({ type: action, id: entry.id }));
			actions.append(button);
		}
		card.append(frame, prompt, caption, actions);
		return card;
	}

	private image(src: string, prompt: string): HTMLElement {
		return element('img', { src, alt: prompt.slice(0, 120), loading: 'lazy' });
	}

	private showCardImage(id: string, src: string): void {
		this.cardImages.set(id, src);
		const card = [...this.grid.children].find(child => child instanceof HTMLElement && child.dataset.imageId === id);
		const frame = card?.querySelector('.frame');
		const prompt = card?.getAttribute('aria-label') ?? '';
		if (frame && frame.querySelector('img')?.getAttribute('src') !== src) {
			frame.replaceChildren(this.image(src, prompt));
		}
	}
}
