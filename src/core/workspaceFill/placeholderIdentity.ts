import { documentImagesOf, type DocumentImage } from '../documents/documentImages';
import { isPlaceholder } from '../documents/imageStatus';
import type { DocumentKind } from '../links/documentKinds';
import { formatOfFileName } from '../images/imageFormats';
import { linkTargetFilePath, normalizeAltText } from '../links/imageLink';
import type { OutputFormat } from '../models/capabilities';
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
	/**
	 * For a link to a file that does not exist yet (`![a flow diagram](diagram.svg)`): its target
	 * as written. Absent for an empty placeholder (`![alt]()`).
	 */
	readonly target?: string;
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
	/** A link to a missing file: the format its file name asks for (`diagram.svg`: SVG), when it names one. */
	readonly outputFormat?: OutputFormat;
}

/** The most links of one document whose files a scan checks: a page with more is a generated one. */
export const MAX_LINKS_CHECKED = 1000;

/**
 * The targets of a document's links to local files (not URLs, not placeholders), each once, for
 * the scan to ask the file system which are missing: those with alt text only (a fill needs it),
 * at most `MAX_LINKS_CHECKED`.
 */
export function localLinkTargets(images: readonly DocumentImage[]): string[] {
	const targets = new Set<string>();
	for (const image of images) {
		if (targets.size >= MAX_LINKS_CHECKED) {
			break;
		}
		if (image.target && image.url && !isPlaceholder(image) && normalizeAltText(image.alt) !== '' && linkTargetFilePath(image.url) !== undefined) {
			targets.add(image.url);
		}
	}
	return [...targets];
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
	/** The link's target, for a link to a missing file. */
	readonly target: string | undefined;
	readonly occurrence: number;
	readonly context: string;
	readonly line: number;
}

/** What occurrences are counted among: the alt text, and the target of a link to a missing file. */
function peersKey(alt: string, target: string | undefined): string {
	return target === undefined ? alt : `${alt}\u0000${target}`;
}

/**
 * Each placeholder, and each link whose target `missing` holds (a link to a file that does not
 * exist), with its identity's parts. The context is the nearest line above that is not blank
 * and holds no image: lines with images change when they are filled.
 */
function candidatesIn(text: string, kind: DocumentKind, missing: ReadonlySet<string> = new Set(), all: readonly DocumentImage[] = documentImagesOf(text, kind)): Candidate[] {
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
		const placeholder = isPlaceholder(image);
		if (alt === '' || !(placeholder || (image.target && image.url && missing.has(image.url)))) {
			continue;
		}
		const target = placeholder ? undefined : image.url;
		const line = lineOf(starts, image.start);
		let context = '';
		for (let above = line - 1; above >= 0; above--) {
			const lineText = text.slice(starts[above], above + 1 < starts.length ? starts[above + 1] : text.length).replace(/\s+/g, ' ').trim();
			if (lineText !== '' && !imageLines.has(above)) {
				context = hash64(lineText.slice(0, 400)).slice(0, 8);
				break;
			}
		}
		const key = peersKey(alt, target);
		const occurrence = seen.get(key) ?? 0;
		seen.set(key, occurrence + 1);
		candidates.push({ image, alt, target, occurrence, context, line });
	}
	return candidates;
}

/**
 * Every placeholder of a document with alt text, and every link with alt text to a missing file
 * (its target in `missing`, as the scan found it), with its identity and the prompt a style
 * makes of it. `images`: the document's images when parsed already.
 */
export function workspacePlaceholders(document: string, text: string, kind: DocumentKind, style?: StylePreset, missing?: ReadonlySet<string>, images?: readonly DocumentImage[]): WorkspacePlaceholder[] {
	return candidatesIn(text, kind, missing, images).map(candidate => {
		const format = candidate.target !== undefined ? formatOfFileName(linkTargetFilePath(candidate.target) ?? '') : undefined;
		return {
			document,
			kind,
			identity: { document, alt: candidate.alt, occurrence: candidate.occurrence, context: candidate.context, ...(candidate.target !== undefined ? { target: candidate.target } : {}) },
			alt: candidate.image.alt,
			prompt: applyStyle(candidate.image.alt, style),
			range: { start: candidate.image.start, end: candidate.image.end, line: candidate.line },
			...(format ? { outputFormat: format } : {}),
		};
	});
}

/**
 * Finds each identity's placeholder in the document's current text, each placeholder for at most
 * one identity: first the one with the same context and occurrence, then the same context, then
 * the nearest occurrence among those left (placeholders with the same alt text ask for the same
 * picture). An identity whose alt text no placeholder has any more is missing from the result:
 * the placeholder was filled, deleted or reworded.
 */
export function findPlaceholders(text: string, kind: DocumentKind, identities: readonly PlaceholderIdentity[]): Map<PlaceholderIdentity, DocumentImage> {
	// A link identity's image is the link with the same target (whether its file is still missing is the caller's to check).
	const targets = new Set(identities.flatMap(identity => identity.target !== undefined ? [identity.target] : []));
	const byAlt = new Map<string, Candidate[]>();
	for (const candidate of candidatesIn(text, kind, targets)) {
		const key = peersKey(candidate.alt, candidate.target);
		byAlt.set(key, [...(byAlt.get(key) ?? []), candidate]);
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
			const open = (byAlt.get(peersKey(normalizeAltText(identity.alt), identity.target)) ?? []).filter(candidate => !claimed.has(candidate) && matches(identity, candidate));
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
	return `ph-${hash64(identity.document).slice(0, 12)}-${hash64(peersKey(identity.alt, identity.target)).slice(0, 12)}-${Math.min(Math.max(0, Math.floor(identity.occurrence)), 99999)}-${identity.context || 'none'}`;
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
		&& typeof record.context === 'string' && /^(?:[0-9a-f]{8})?$/.test(record.context)
		&& (record.target === undefined || (typeof record.target === 'string' && record.target.length > 0 && record.target.length <= 4096));
}

/** A stored identity's own fields, nothing else a hostile store put beside them. */
export function copyIdentity(identity: PlaceholderIdentity): PlaceholderIdentity {
	return { document: identity.document, alt: identity.alt, occurrence: identity.occurrence, context: identity.context, ...(identity.target !== undefined ? { target: identity.target } : {}) };
}
