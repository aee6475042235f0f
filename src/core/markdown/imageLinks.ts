import type { CompileContext, Extension, Token } from 'mdast-util-from-markdown';

type MarkdownParser = typeof import('mdast-util-from-markdown');
let markdownParser: MarkdownParser | undefined;
/** The CommonMark parser, loaded at the first parse rather than when the extension starts. */
function parser(): MarkdownParser {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	return markdownParser ??= require('mdast-util-from-markdown') as MarkdownParser;
}
import type { Image, ImageReference, Nodes } from 'mdast';

/** An image found in a markdown document, with exact source offsets. */
export interface MarkdownImage {
	readonly kind: 'inline' | 'reference';
	/** The alt text as a renderer shows it: escapes removed, entities decoded. */
	readonly alt: string;
	/** The decoded destination; `''` for `![alt]()` and `![alt](<>)`. Undefined for an undefined reference. */
	readonly url: string | undefined;
	/** Offset of `!` and offset just past the closing `)` or `]`. */
	readonly start: number;
	readonly end: number;
	/**
	 * Inline images only: the source range of the destination. For `![alt]()` it is the
	 * empty range just after `(`; for `![alt](<>)` it covers `<>`.
	 */
	readonly destination?: { readonly start: number; readonly end: number };
	/** Reference images only: the normalised label they point at. */
	readonly referenceId?: string;
}

interface ImageSourceData {
	resourceOpen?: number;
	destinationStart?: number;
	destinationEnd?: number;
}

/** Records the offsets of `(` and of the destination, which mdast itself does not keep. */
const recordResourceOffsets: Extension = {
	enter: {
		resourceMarker(this: CompileContext, token: Token) {
			const data = sourceDataOf(this);
			if (data && data.resourceOpen === undefined) {
				data.resourceOpen = token.end.offset;
			}
		},
		resourceDestination(this: CompileContext, token: Token) {
			const data = sourceDataOf(this);
			if (data) {
				data.destinationStart = token.start.offset;
				data.destinationEnd = token.end.offset;
			}
		},
	},
};

function sourceDataOf(context: CompileContext): ImageSourceData | undefined {
	const node = context.stack[context.stack.length - 1];
	if (node?.type !== 'image') {
		return undefined;
	}
	const data = (node.data ??= {}) as { illustrate?: ImageSourceData };
	return (data.illustrate ??= {});
}

/**
 * Finds every image in a markdown document with a CommonMark parser, so code spans,
 * fenced and indented code, escapes and nested brackets are handled as renderers do.
 */
export function findMarkdownImages(markdown: string): MarkdownImage[] {
	return parseMarkdownImages(markdown).images;
}

/** The images of a markdown document and the source ranges of its raw HTML (blocks and inline). */
export function parseMarkdownImages(markdown: string): { images: MarkdownImage[]; html: { start: number; end: number }[] } {
	const tree = parser().fromMarkdown(markdown, { mdastExtensions: [recordResourceOffsets] });
	const definitions = new Map<string, string>();
	const found: Array<Image | ImageReference> = [];
	const html: { start: number; end: number }[] = [];
	const visit = (node: Nodes): void => {
		if (node.type === 'image' || node.type === 'imageReference') {
			found.push(node);
		} else if (node.type === 'html') {
			if (node.position?.start.offset !== undefined && node.position.end.offset !== undefined) {
				html.push({ start: node.position.start.offset, end: node.position.end.offset });
			}
		} else if (node.type === 'definition') {
			if (!definitions.has(node.identifier)) {
				definitions.set(node.identifier, node.url);
			}
		}
		if ('children' in node) {
			for (const child of node.children) {
				visit(child);
			}
		}
	};
	visit(tree);

	const images: MarkdownImage[] = [];
	for (const node of found) {
		const start = node.position?.start.offset;
		const end = node.position?.end.offset;
		if (start === undefined || end === undefined) {
			continue;
		}
		if (node.type === 'image') {
			const source = (node.data as { illustrate?: ImageSourceData } | undefined)?.illustrate;
			const destination = source?.destinationStart !== undefined
				? { start: source.destinationStart, end: source.destinationEnd ?? source.destinationStart }
				: source?.resourceOpen !== undefined ? { start: source.resourceOpen, end: source.resourceOpen } : undefined;
			images.push({ kind: 'inline', alt: node.alt ?? '', url: node.url, start, end, destination });
		} else {
			images.push({
				kind: 'reference',
				alt: node.alt ?? '',
				url: definitions.get(node.identifier),
				start,
				end,
				referenceId: node.identifier,
			});
		}
	}
	return { images, html };
}

/** The image whose source contains `offset` (inclusive of both ends), innermost first. */
export function markdownImageAt(markdown: string, offset: number): MarkdownImage | undefined {
	let best: MarkdownImage | undefined;
	for (const image of findMarkdownImages(markdown)) {
		if (offset >= image.start && offset <= image.end) {
			if (!best || image.end - image.start < best.end - best.start) {
				best = image;
			}
		}
	}
	return best;
}

/** `![alt]()` or `![alt](<>)`: an image waiting for a picture. */
export function isPlaceholder(image: MarkdownImage): boolean {
	return image.kind === 'inline' && image.url === '';
}
