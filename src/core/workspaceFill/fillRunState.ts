import type { DocumentKind } from '../links/documentKinds';
import { OUTPUT_FORMATS, type OutputFormat } from '../models/capabilities';
import { copyIdentity, isPlaceholderIdentity, type PlaceholderIdentity, type WorkspacePlaceholder } from './placeholderIdentity';

/** One placeholder of a Now run: what to send, and how far it got. */
export interface FillRunItem {
	readonly document: string;
	readonly kind: DocumentKind;
	readonly identity: PlaceholderIdentity;
	readonly alt: string;
	readonly prompt: string;
	/** A link to a missing file: the format its name asks for (the run's own format otherwise). */
	readonly outputFormat?: OutputFormat;
	/** The history image generated for it, once paid for: a resumed run inserts it instead of paying again. */
	readonly image?: string;
	/** Inserted, or settled for good (failed for a reason a retry would not change, or its placeholder gone). */
	readonly done?: boolean;
}

export type FillRunReference = { readonly kind: 'none' } | { readonly kind: 'first'; readonly image?: string } | { readonly kind: 'file'; readonly uri: string };

/** A Now run as kept in the workspace's state, so Cancel, a reload or a crash leaves a run to resume. */
export interface FillRunState {
	readonly version: 1;
	readonly startedAt: string;
	readonly model: string;
	readonly size: string;
	readonly quality: string;
	readonly outputFormat: OutputFormat;
	readonly reference: FillRunReference;
	readonly items: readonly FillRunItem[];
}

/** More than a Batch API file takes is no run Illustrate wrote. */
const MAX_ITEMS = 50000;
const KINDS = new Set<string>(['markdown', 'mdx', 'html', 'restructuredtext', 'asciidoc']);
const HISTORY_ID = /^[A-Za-z0-9_-]{1,128}$/;

const isShortString = (value: unknown, max: number): value is string => typeof value === 'string' && value.length > 0 && value.length <= max;

function parseItem(value: unknown): FillRunItem | undefined {
	if (typeof value !== 'object' || value === null) {
		return undefined;
	}
	const record = value as Record<string, unknown>;
	if (!isShortString(record.document, 4096) || !/^[a-z][a-z0-9+.-]*:/i.test(record.document) || typeof record.kind !== 'string' || !KINDS.has(record.kind)
		|| !isPlaceholderIdentity(record.identity) || record.identity.document !== record.document
		|| !isShortString(record.alt, 4096) || !isShortString(record.prompt, 32000)
		|| (record.image !== undefined && !(typeof record.image === 'string' && HISTORY_ID.test(record.image)))
		|| (record.done !== undefined && typeof record.done !== 'boolean')
		|| (record.outputFormat !== undefined && !OUTPUT_FORMATS.includes(record.outputFormat as OutputFormat))) {
		return undefined;
	}
	const identity = record.identity;
	return {
		document: record.document,
		kind: record.kind as DocumentKind,
		identity: copyIdentity(identity),
		alt: record.alt,
		prompt: record.prompt,
		...(record.outputFormat !== undefined ? { outputFormat: record.outputFormat as OutputFormat } : {}),
		...(record.image !== undefined ? { image: record.image } : {}),
		...(record.done ? { done: true } : {}),
	};
}

function parseReference(value: unknown): FillRunReference | undefined {
	if (typeof value !== 'object' || value === null) {
		return undefined;
	}
	const record = value as Record<string, unknown>;
	switch (record.kind) {
		case 'none':
			return { kind: 'none' };
		case 'first':
			if (record.image === undefined) {
				return { kind: 'first' };
			}
			return typeof record.image === 'string' && HISTORY_ID.test(record.image) ? { kind: 'first', image: record.image } : undefined;
		case 'file':
			return isShortString(record.uri, 4096) && /^[a-z][a-z0-9+.-]*:/i.test(record.uri) ? { kind: 'file', uri: record.uri } : undefined;
		default:
			return undefined;
	}
}

/**
 * A run read back from the workspace's state, checked field by field (another version of
 * Illustrate, a hand-edited or corrupted state database): undefined when anything is off.
 */
export function parseFillRunState(value: unknown): FillRunState | undefined {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		return undefined;
	}
	const record = value as Record<string, unknown>;
	if (record.version !== 1 || !isShortString(record.startedAt, 64) || Number.isNaN(Date.parse(record.startedAt))
		|| !isShortString(record.model, 200) || !isShortString(record.size, 40) || !isShortString(record.quality, 40)
		|| !OUTPUT_FORMATS.includes(record.outputFormat as OutputFormat)
		|| !Array.isArray(record.items) || record.items.length === 0 || record.items.length > MAX_ITEMS) {
		return undefined;
	}
	const reference = parseReference(record.reference);
	const items = record.items.map(parseItem);
	if (!reference || items.some(item => item === undefined)) {
		return undefined;
	}
	return { version: 1, startedAt: record.startedAt, model: record.model, size: record.size, quality: record.quality, outputFormat: record.outputFormat as OutputFormat, reference, items: items as FillRunItem[] };
}

/** The items of a run still to fill. */
export function remainingItems(state: FillRunState): FillRunItem[] {
	return state.items.filter(item => !item.done);
}

/** A new run's items from the placeholders picked. */
export function runItems(placeholders: readonly WorkspacePlaceholder[]): FillRunItem[] {
	return placeholders.map(placeholder => ({
		document: placeholder.document, kind: placeholder.kind, identity: placeholder.identity, alt: placeholder.alt, prompt: placeholder.prompt,
		...(placeholder.outputFormat ? { outputFormat: placeholder.outputFormat } : {}),
	}));
}
