import * as l10n from '@vscode/l10n';

/**
 * The variant cards of the generate panel as data: their ids, labels and states through a
 * batch. The protocol's `VariantView` has the shape of `VariantCard`; these functions keep any
 * other field a card has.
 */
export interface VariantCard {
	readonly id: string;
	readonly index: number;
	readonly state: 'waiting' | 'partial' | 'ready' | 'failed';
	readonly label?: string;
	readonly parentId?: string;
	readonly insertedAs?: string;
}

/** Reference images besides the one being edited: the API takes 16 images in all. */
export const MAX_REFERENCES = 15;

/** The longest edit instruction a card label quotes in full. */
const LABEL_INSTRUCTION_CHARS = 40;

/** A batch's id: the time it started, in base 36 (short, and unique within a panel). */
export function batchId(now: number): string {
	return now.toString(36);
}

/** The ids of a batch's `n` variant slots: `<batch>-0`, `<batch>-1`, … */
export function slotIds(batch: string, n: number): string[] {
	return Array.from({ length: n }, (_, index) => `${batch}-${index}`);
}

/** The cards of a new generation: one waiting card per slot. */
export function waitingCards(ids: readonly string[]): VariantCard[] {
	return ids.map((id, index) => ({ id, index, state: 'waiting' }));
}

/** The name a card goes by in labels and in the edit chain: its label, or `#<number>`. */
export function cardName(card: Pick<VariantCard, 'index' | 'label'>): string {
	return card.label ?? `#${card.index + 1}`;
}

/** An edit instruction as a label quotes it: whitespace collapsed, cut at 40 characters with "…". */
export function shortInstruction(instruction: string): string {
	const collapsed = instruction.trim().replace(/\s+/g, ' ');
	return collapsed.length > LABEL_INSTRUCTION_CHARS ? `${collapsed.slice(0, LABEL_INSTRUCTION_CHARS - 1)}…` : collapsed;
}

/** The label of an edit's variant: `#1 → “warmer”`, numbered `(1)`, `(2)`… when the edit makes several. */
export function editVariantLabel(sourceLabel: string, instruction: string, index: number, n: number): string {
	const quoted = shortInstruction(instruction);
	return n > 1
		? l10n.t('{0} → “{1}” ({2})', sourceLabel, quoted, index + 1)
		: l10n.t('{0} → “{1}”', sourceLabel, quoted);
}

/** The cards of an edit: waiting, labelled, after the cards already there, children of the image edited. */
export function waitingEditCards(existing: number, ids: readonly string[], sourceLabel: string, instruction: string, parentId: string | undefined): VariantCard[] {
	return ids.map((id, index) => ({
		id,
		index: existing + index,
		state: 'waiting',
		label: editVariantLabel(sourceLabel, instruction, index, ids.length),
		...(parentId ? { parentId } : {}),
	}));
}

/** The id of a draft's high-quality re-render. */
export function finalCardId(draftId: string, now: number): string {
	return `${draftId}-final-${batchId(now)}`;
}

/** The cards with a waiting "Final of #n" card right after the draft it re-renders. */
export function withFinalCard<T extends VariantCard>(cards: readonly T[], draftId: string, finalId: string): (T | VariantCard)[] {
	const at = cards.findIndex(card => card.id === draftId);
	const draft = cards[at];
	if (!draft) {
		return [...cards];
	}
	const result: (T | VariantCard)[] = [...cards];
	result.splice(at + 1, 0, { id: finalId, index: cards.length, state: 'waiting', label: l10n.t('Final of #{0} (re-render)', draft.index + 1) });
	return result;
}

/** The cards with one of them changed. */
export function changeCard<T extends VariantCard>(cards: readonly T[], id: string, change: Partial<T>): T[] {
	return cards.map(card => card.id === id ? { ...card, ...change } : card);
}

/** The cards with the paths some were inserted or saved as. */
export function markInserted<T extends VariantCard>(cards: readonly T[], paths: ReadonlyMap<string, string | undefined>): T[] {
	return cards.map(card => paths.has(card.id) ? { ...card, insertedAs: paths.get(card.id) } : card);
}

/** After a cancelled or failed batch: its slots without an image go, every other card stays. */
export function withoutUnfinished<T extends VariantCard>(cards: readonly T[], slots: readonly string[], hasImage: (id: string) => boolean): T[] {
	return cards.filter(card => !slots.includes(card.id) || hasImage(card.id));
}

/**
 * The chain of steps an edit on a card continues: the previous session's chain and source when
 * the card came out of an edit (it has a parent), else a new chain.
 */
export function editChainFor(card: Pick<VariantCard, 'parentId'>, previous: { readonly chain: readonly string[]; readonly sourceLabel: string } | undefined): string[] {
	return previous && card.parentId ? [...previous.chain, previous.sourceLabel] : [];
}

/** Milliseconds from the request to now. */
export function elapsedMs(started: number, now: number): number {
	return now - started;
}
