import { findDocumentImages, type DocumentImage } from '../documents/documentImages';
import { isPlaceholder } from '../documents/imageStatus';
import type { DocumentKind } from '../links/documentKinds';
import { normalizeAltText } from '../links/imageLink';
import { applyStyle, type StylePreset } from '../prompt/stylePresets';

/**
 * Who a placeholder is, in a form that survives edits elsewhere in its document (lines added
 * above it, blocks moved, other placeholders filled): its document, its alt text, which of the
 * placeholders with that alt text it is, and the line of prose before it. Not its offset: that
 * changes with every keystroke above it.
 */
export interface PlaceholderIdentity {
	/** The document's URI, as a string. */
	readonly document: string;
	/** The alt text, normalised (whitespace collapsed, control characters gone). */
	readonly alt: string;
	/** Its index among the document's placeholders with the same alt text, from 0. */
	readonly occurrence: number;
	/** A hash (8 hex digits) of the nearest line before it holding no image, `''` when there is none. */
	readonly context: string;
}

/** A placeholder found across the workspace, as the picker, Now mode and a batch use it. */
export interface WorkspacePlaceholder {
	/** The document's URI, as a string. */
	readonly document: string;
	readonly kind: DocumentKind;
	readonly identity: PlaceholderIdentity;
	/** The alt text as written. */
	readonly alt: string;
	/** What is sent: the alt text with the style preset applied. */
	readonly prompt: string;
	/** Where it was at scan time: offsets into the text and the 0-based line of its start. */
	readonly range: { readonly start: number; readonly end: number; readonly line: number };
}

/**
 * The longest `custom_id` Illustrate writes. The Batch API's reference gives no limit; 64
 * characters keeps each id short in a JSONL of 50,000 lines and well inside any limit a
 * compatible server might have.
 */
export const CUSTOM_ID_MAX_LENGTH = 64;

/** Two 32-bit FNV-1a hashes with different offsets: 16 hex digits, enough to tell 50,000 placeholders apart. */
function hash64(text: string): string {
	let a = 0x811c9dc5;
	let b = 0x01000193 ^ 0x5bd1e995;
	for (let index = 0; index < text.length; index++) {
		const code = text.charCodeAt(index);
		a = Math.imul(a ^ code, 0x01000193);
		b = Math.imul(b ^ code, 0x5bd1e995);
		b ^= b >>> 15;
	}
	return (a >>> 0).toString(16).padStart(8, '0') + (b >>> 0).toString(16).padStart(8, '0');
}

/** Start offsets of each line, for line numbers and the context line. */
function lineStarts(text: string): number[] {
	const starts = [0];
	for (let index = 0; index < text.length; index++) {
		const char = text.charCodeAt(index);
		if (char === 10 || (char === 13 && text.charCodeAt(index + 1) !== 10)) {
			starts.push(index + 1);
		}
	}
	return starts;
}

function lineOf(starts: readonly number[], offset: number): number {
	let low = 0;
	let high = starts.length - 1;
	while (low < high) {
		const middle = (low + high + 1) >> 1;
		if (starts[middle] <= offset) {
			low = middle;
		} else {
			high = middle - 1;
		}
	}
	return low;
}

interface Candidate {
	readonly image: DocumentImage;
	readonly alt: string;
	readonly occurrence: number;
	readonly context: string;
	readonly line: number;
}

/**
 * Each placeholder with its identity's parts. The context is the nearest line above that is
 * not blank and holds no image: lines with images change when they are filled.
 */
function candidatesIn(text: string, kind: DocumentKind): Candidate[] {
	const all = findDocumentImages(text, kind);
	const starts = lineStarts(text);
	const imageLines = new Set<number>();
	for (const image of all) {
		for (let line = lineOf(starts, image.start); line <= lineOf(starts, Math.max(image.start, image.end - 1)); line++) {
			imageLines.add(line);
		}
	}
	const seen = new Map<string, number>();
	const candidates: Candidate[] = [];
	for (const image of all) {
		const alt = normalizeAltText(image.alt);
		if (!isPlaceholder(image) || alt === '') {
			continue;
		}
		const line = lineOf(starts, image.start);
		let context = '';
		for (let above = line - 1; above >= 0; above--) {
			const lineText = text.slice(starts[above], above + 1 < starts.length ? starts[above + 1] : text.length).replace(/\s+/g, ' ').trim();
			if (lineText !== '' && !imageLines.has(above)) {
				context = hash64(lineText.slice(0, 400)).slice(0, 8);
				break;
			}
		}
		const occurrence = seen.get(alt) ?? 0;
		seen.set(alt, occurrence + 1);
		candidates.push({ image, alt, occurrence, context, line });
	}
	return candidates;
}

/** Every placeholder of a document with alt text, with its identity and the prompt a style makes of it. */
export function workspacePlaceholders(document: string, text: string, kind: DocumentKind, style?: StylePreset): WorkspacePlaceholder[] {
	return candidatesIn(text, kind).map(candidate => ({
		document,
		kind,
		identity: { document, alt: candidate.alt, occurrence: candidate.occurrence, context: candidate.context },
		alt: candidate.image.alt,
		prompt: applyStyle(candidate.image.alt, style),
		range: { start: candidate.image.start, end: candidate.image.end, line: candidate.line },
	}));
}

/**
 * Finds each identity's placeholder in the document's current text, each placeholder for at most
 * one identity: first the one with the same context and occurrence, then the same context, then
 * the nearest occurrence among those left (placeholders with the same alt text ask for the same
 * picture). An identity whose alt text no placeholder has any more is missing from the result:
 * the placeholder was filled, deleted or reworded.
 */
export function findPlaceholders(text: string, kind: DocumentKind, identities: readonly PlaceholderIdentity[]): Map<PlaceholderIdentity, DocumentImage> {
	const byAlt = new Map<string, Candidate[]>();
	for (const candidate of candidatesIn(text, kind)) {
		byAlt.set(candidate.alt, [...(byAlt.get(candidate.alt) ?? []), candidate]);
	}
	const found = new Map<PlaceholderIdentity, DocumentImage>();
	const claimed = new Set<Candidate>();
	const passes: ((identity: PlaceholderIdentity, candidate: Candidate) => boolean)[] = [
		(identity, candidate) => candidate.context === identity.context && candidate.occurrence === identity.occurrence,
		(identity, candidate) => candidate.context === identity.context,
		() => true,
	];
	for (const matches of passes) {
		for (const identity of identities) {
			if (found.has(identity)) {
				continue;
			}
			const open = (byAlt.get(normalizeAltText(identity.alt)) ?? []).filter(candidate => !claimed.has(candidate) && matches(identity, candidate));
			const best = open.sort((a, b) => Math.abs(a.occurrence - identity.occurrence) - Math.abs(b.occurrence - identity.occurrence))[0];
			if (best) {
				claimed.add(best);
				found.set(identity, best.image);
			}
		}
	}
	return found;
}

/** One identity's placeholder in the current text, undefined when it is gone (see `findPlaceholders`). */
export function findPlaceholder(text: string, kind: DocumentKind, identity: PlaceholderIdentity): DocumentImage | undefined {
	return findPlaceholders(text, kind, [identity]).get(identity);
}

/**
 * The identity as a Batch API `custom_id` (at most `CUSTOM_ID_MAX_LENGTH` characters, letters,
 * digits and `-` only): hashes of the document and the alt text, the occurrence, the context.
 * Unique among the placeholders of a scan; the batch's record maps it back to the identity.
 */
export function customIdOf(identity: PlaceholderIdentity): string {
	return `ph-${hash64(identity.document).slice(0, 12)}-${hash64(identity.alt).slice(0, 12)}-${Math.min(Math.max(0, Math.floor(identity.occurrence)), 99999)}-${identity.context || 'none'}`;
}

/** Whether a value read back from storage is an identity (stored state is hostile). */
export function isPlaceholderIdentity(value: unknown): value is PlaceholderIdentity {
	if (typeof value !== 'object' || value === null) {
		return false;
	}
	const record = value as Record<string, unknown>;
	return typeof record.document === 'string' && record.document.length > 0 && record.document.length <= 4096
		&& typeof record.alt === 'string' && record.alt.length > 0 && record.alt.length <= 4096
		&& typeof record.occurrence === 'number' && Number.isInteger(record.occurrence) && record.occurrence >= 0 && record.occurrence < 100000
		&& typeof record.context === 'string' && /^(?:[0-9a-f]{8})?$/.test(record.context);
}
