import { documentImagesOf, type DocumentImage } from '../documents/documentImages';
import { formatTargetFor, type DocumentKind } from '../links/documentKinds';

/** Where generated images go in a document. Offsets are kept current as the user types. */
export type InsertionTarget =
	/** An existing `![alt](…)`: its destination receives the first image's path. */
	| { readonly kind: 'image'; readonly start: number; readonly alt: string }
	/** After a selection (or the cursor): images go on their own lines after its last line. */
	| { readonly kind: 'after'; readonly offset: number };

/** A change as VS Code reports it: a range of the text before the change, and its new text. */
export interface TextChange {
	readonly rangeOffset: number;
	readonly rangeLength: number;
	readonly text: string;
}

export interface TextEditSpec {
	readonly start: number;
	readonly end: number;
	readonly newText: string;
}

/**
 * Moves an offset through a set of non-overlapping changes of one edit. A change that
 * starts at the offset pushes it along; one that swallows it leaves it at its end.
 */
export function shiftOffset(offset: number, changes: readonly TextChange[]): number {
	let delta = 0;
	for (const change of changes) {
		const changeEnd = change.rangeOffset + change.rangeLength;
		if (changeEnd <= offset) {
			delta += change.text.length - change.rangeLength;
		} else if (change.rangeOffset < offset) {
			// The offset was inside replaced text: it ends up at the end of the new text.
			delta += change.rangeOffset + change.text.length - offset;
		}
	}
	return offset + delta;
}

/** Updates a target for an edit of the document. */
export function shiftTarget(target: InsertionTarget, changes: readonly TextChange[]): InsertionTarget {
	return target.kind === 'image'
		? { ...target, start: shiftOffset(target.start, changes) }
		: { ...target, offset: shiftOffset(target.offset, changes) };
}

/**
 * The image a target refers to in the current text: one with a target and the same alt
 * text, the one nearest to where the target was last seen.
 */
export function locateTargetImage(text: string, kind: DocumentKind, target: { start: number; alt: string }): DocumentImage | undefined {
	let best: DocumentImage | undefined;
	for (const image of documentImagesOf(text, kind)) {
		if (!image.target || image.alt !== target.alt) {
			continue;
		}
		if (!best || Math.abs(image.start - target.start) < Math.abs(best.start - target.start)) {
			best = image;
		}
	}
	return best;
}

/** The text that puts `path` into an image's target, in that image's own syntax. */
export function targetText(image: DocumentImage, path: string): string {
	if (image.target?.attribute) {
		return ` src="${formatTargetFor('html', path)}"`;
	}
	const prefix = image.target?.prefix ?? '';
	switch (image.syntax) {
		case 'markdown':
		case 'markdown-reference':
			return prefix + formatTargetFor('markdown', path);
		case 'html':
			return prefix + formatTargetFor('html', path);
		case 'restructuredtext':
			return prefix + formatTargetFor('restructuredtext', path);
		case 'asciidoc':
			return prefix + formatTargetFor('asciidoc', path);
	}
}

function lineEndAt(text: string, offset: number): number {
	const newline = text.indexOf('\n', offset);
	if (newline === -1) {
		return text.length;
	}
	return newline > 0 && text[newline - 1] === '\r' ? newline - 1 : newline;
}

/** Text that puts each link on its own line, as a paragraph of its own, after the line ending at `lineEnd`. */
function linesAfter(text: string, lineEnd: number, links: readonly string[], eol: string): TextEditSpec {
	const rest = text.slice(lineEnd).replace(/^\r?\n/, '');
	const nextLine = rest.split(/\r?\n/, 1)[0];
	const blocks = links.map(link => eol + eol + link).join('');
	const trailing = rest.length > 0 && nextLine.trim().length > 0 ? eol : '';
	return { start: lineEnd, end: lineEnd, newText: blocks + trailing };
}

/**
 * The text edits that put images into a document at a target. For an image target, the
 * first file's `path` fills the image and the other `references` go after its line; for
 * a position, every reference goes on its own line after it. Undefined when the target
 * image is no longer in the text.
 */
export function insertionEdits(
	text: string,
	kind: DocumentKind,
	target: InsertionTarget,
	insert: { readonly references: readonly string[]; readonly firstPath: string; readonly keepTarget?: boolean },
	eol: string,
): TextEditSpec[] | undefined {
	const references = insert.references.map(reference => reference.replace(/\n/g, eol));
	if (target.kind === 'after') {
		const offset = Math.min(Math.max(target.offset, 0), text.length);
		return [linesAfter(text, lineEndAt(text, offset), references, eol)];
	}
	const image = locateTargetImage(text, kind, target);
	if (!image?.target) {
		return undefined;
	}
	// keepTarget: the image already links the file the first image is saved as.
	const edits: TextEditSpec[] = insert.keepTarget ? [] : [{ start: image.target.start, end: image.target.end, newText: targetText(image, insert.firstPath) }];
	if (references.length > 1) {
		edits.push(linesAfter(text, lineEndAt(text, Math.max(image.end - 1, image.start)), references.slice(1), eol));
	}
	return edits;
}
