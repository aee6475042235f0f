import { findMarkdownImages, type MarkdownImage } from './imageLinks';

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
 * The image a target refers to in the current text: an inline image with the same alt
 * text, the one nearest to where the target was last seen.
 */
export function locateTargetImage(markdown: string, target: { start: number; alt: string }): MarkdownImage | undefined {
	let best: MarkdownImage | undefined;
	for (const image of findMarkdownImages(markdown)) {
		if (image.kind !== 'inline' || image.alt !== target.alt || !image.destination) {
			continue;
		}
		if (!best || Math.abs(image.start - target.start) < Math.abs(best.start - target.start)) {
			best = image;
		}
	}
	return best;
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
 * The text edits that put `links` (already formatted, with their destinations) at a
 * target. For an image target, `destinations[0]` fills the image and the other links go
 * after its line. Returns undefined when the target image is no longer in the text.
 */
export function insertionEdits(
	text: string,
	target: InsertionTarget,
	insert: { readonly links: readonly string[]; readonly firstDestination: string },
	eol: string,
): TextEditSpec[] | undefined {
	if (target.kind === 'after') {
		const offset = Math.min(Math.max(target.offset, 0), text.length);
		return [linesAfter(text, lineEndAt(text, offset), insert.links, eol)];
	}
	const image = locateTargetImage(text, target);
	if (!image?.destination) {
		return undefined;
	}
	const edits: TextEditSpec[] = [{ start: image.destination.start, end: image.destination.end, newText: insert.firstDestination }];
	if (insert.links.length > 1) {
		edits.push(linesAfter(text, lineEndAt(text, image.end), insert.links.slice(1), eol));
	}
	return edits;
}
