import type { Parser } from 'htmlparser2';

type Htmlparser = typeof import('htmlparser2');
let htmlparser: Htmlparser | undefined;
/** htmlparser2, loaded at the first HTML document rather than when the extension starts. */
function htmlParser(): Htmlparser {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	return htmlparser ??= require('htmlparser2') as Htmlparser;
}
import { parseMarkdownImages } from '../markdown/imageLinks';
import { unescapeAsciidocAlt, type DocumentKind } from '../links/documentKinds';

/** How an image is written, which decides how its target is filled. */
export type ImageSyntax = 'markdown' | 'markdown-reference' | 'html' | 'restructuredtext' | 'asciidoc';

/** An image reference found in a document, with exact source offsets. */
export interface DocumentImage {
	readonly syntax: ImageSyntax;
	readonly alt: string;
	/**
	 * The target as written, with the syntax's own escapes and entities resolved but not its
	 * `%XX` escapes (`linkTargetFilePath` gives the file); `''` when empty, undefined for an undefined reference.
	 */
	readonly url: string | undefined;
	readonly start: number;
	readonly end: number;
	/**
	 * The range that receives the file's path. `attribute`: an `<img>` without `src`,
	 * whose path goes in as a new ` src="…"` attribute at `start`.
	 */
	readonly target?: { readonly start: number; readonly end: number; readonly attribute?: boolean; readonly prefix?: string };
}

/** Elements whose content is code or not rendered: images inside are no images. */
const OPAQUE_ELEMENTS = new Set(['code', 'pre', 'script', 'style', 'textarea', 'template', 'kbd', 'samp', 'xmp']);

const SRC_ATTRIBUTE = /\ssrc\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'=<>`]+))/i;

/** `<img>` elements of an HTML fragment starting at `base` in the document. */
export function findHtmlImages(html: string, base = 0): DocumentImage[] {
	const images: DocumentImage[] = [];
	const open: string[] = [];
	let opaqueDepth = 0;
	const parser: Parser = new (htmlParser().Parser)({
		onopentag(name, attributes) {
			if (name === 'img') {
				if (opaqueDepth === 0) {
					const start = parser.startIndex;
					const end = parser.endIndex + 1;
					const tag = html.slice(start, end);
					const src = SRC_ATTRIBUTE.exec(tag);
					let target: DocumentImage['target'];
					if (src) {
						const value = src[1] ?? src[2] ?? src[3] ?? '';
						const quoteOffset = src[1] !== undefined || src[2] !== undefined ? 1 : 0;
						const valueStart = start + src.index + src[0].length - value.length - quoteOffset;
						target = { start: base + valueStart, end: base + valueStart + value.length };
					} else {
						target = { start: base + start + '<img'.length, end: base + start + '<img'.length, attribute: true };
					}
					images.push({ syntax: 'html', alt: attributes.alt ?? '', url: attributes.src ?? '', start: base + start, end: base + end, target });
				}
				return;
			}
			open.push(name);
			if (OPAQUE_ELEMENTS.has(name)) {
				opaqueDepth++;
			}
		},
		onclosetag(name) {
			const at = open.lastIndexOf(name);
			if (at >= 0) {
				for (const closed of open.splice(at)) {
					if (OPAQUE_ELEMENTS.has(closed)) {
						opaqueDepth--;
					}
				}
			}
		},
	}, { decodeEntities: true, lowerCaseTags: true, lowerCaseAttributeNames: true });
	parser.write(html);
	parser.end();
	return images;
}

interface LineInfo {
	readonly text: string;
	readonly start: number;
}

function lines(text: string): LineInfo[] {
	const result: LineInfo[] = [];
	const pattern = /([^\r\n]*)(\r\n|\n|\r|$)/g;
	let match: RegExpExecArray | null;
	while ((match = pattern.exec(text)) !== null) {
		result.push({ text: match[1], start: match.index });
		if (match[2] === '') {
			break;
		}
	}
	return result;
}

const indentOf = (line: string): number => /^\s*/.exec(line)?.[0].length ?? 0;

/** `.. image::` and `.. figure::` directives of reStructuredText, outside literal blocks and code directives. */
export function findRestructuredTextImages(text: string): DocumentImage[] {
	const images: DocumentImage[] = [];
	const all = lines(text);
	let skipDeeperThan: number | undefined;
	for (let index = 0; index < all.length; index++) {
		const { text: line, start } = all[index];
		if (skipDeeperThan !== undefined) {
			if (line.trim() === '' || indentOf(line) > skipDeeperThan) {
				continue;
			}
			skipDeeperThan = undefined;
		}
		const directive = /^(\s*)\.\.\s+(image|figure)::([ \t]*)(.*?)\s*$/.exec(line);
		if (directive) {
			const indent = directive[1].length;
			const targetStart = start + directive[1].length + 3 + directive[2].length + 2 + directive[3].length;
			const url = directive[4];
			let alt = '';
			let end = start + line.length;
			for (let next = index + 1; next < all.length; next++) {
				const option = all[next].text;
				if (option.trim() === '' || indentOf(option) <= indent) {
					break;
				}
				const altOption = /^\s+:alt:\s*(.*)$/.exec(option);
				if (altOption) {
					alt = altOption[1].trim();
				}
				end = all[next].start + option.length;
			}
			// `.. image::` with nothing after it needs a space before the path it gets.
			const prefix = directive[3] === '' ? ' ' : undefined;
			images.push({ syntax: 'restructuredtext', alt, url, start: start + indent, end, target: { start: targetStart, end: targetStart + url.length, ...(prefix ? { prefix } : {}) } });
			continue;
		}
		if (/^\s*\.\.\s+(code|code-block|sourcecode|literalinclude|raw)::/.test(line) || (/::\s*$/.test(line) && !/^\s*\.\./.test(line))) {
			skipDeeperThan = indentOf(line);
		}
	}
	return images;
}

/**
 * The first positional attribute of an AsciiDoc macro, its alt text, as Asciidoctor reads it:
 * in double quotes up to the first `"` without a backslash before it (only `\"` is an escape
 * there), else up to the first comma; a named attribute (`width=…`) is none.
 */
function asciidocAltOf(attributes: string): string {
	const trimmed = attributes.trim();
	if (trimmed.startsWith('"')) {
		const quoted = /^"(.*?)(?<!\\)"/s.exec(trimmed);
		return unescapeAsciidocAlt(quoted ? quoted[1].replace(/\\"/g, '"') : trimmed);
	}
	const first = trimmed.split(',')[0];
	return /^\w[\w-]*=/.test(first) ? '' : unescapeAsciidocAlt(first.trim());
}

/** `image::target[alt]` block macros of AsciiDoc, outside listing, literal, passthrough and comment blocks. */
export function findAsciidocImages(text: string): DocumentImage[] {
	const images: DocumentImage[] = [];
	let fence: string | undefined;
	for (const { text: line, start } of lines(text)) {
		const delimiter = /^(-{4,}|\.{4,}|\+{4,}|\/{4,}|`{3,})\s*$/.exec(line);
		if (delimiter) {
			if (fence === undefined) {
				fence = delimiter[1];
			} else if (delimiter[1] === fence) {
				fence = undefined;
			}
			continue;
		}
		if (fence !== undefined || line.startsWith('//')) {
			continue;
		}
		const macro = /^image::([^\[\s]*)\[(.*)\]\s*$/.exec(line);
		if (macro) {
			const targetStart = start + 'image::'.length;
			images.push({ syntax: 'asciidoc', alt: asciidocAltOf(macro[2]), url: macro[1], start, end: start + line.length, target: { start: targetStart, end: targetStart + macro[1].length } });
		}
	}
	return images;
}

/** Every image of a document, in the syntax its kind uses, never one inside code. */
export function findDocumentImages(text: string, kind: DocumentKind): DocumentImage[] {
	switch (kind) {
		case 'html':
			return findHtmlImages(text);
		case 'restructuredtext':
			return findRestructuredTextImages(text);
		case 'asciidoc':
			return findAsciidocImages(text);
		case 'markdown':
		case 'mdx': {
			const parsed = parseMarkdownImages(text);
			const markdown = parsed.images.map((image): DocumentImage => ({
				syntax: image.kind === 'inline' ? 'markdown' : 'markdown-reference',
				alt: image.alt,
				url: image.url,
				start: image.start,
				end: image.end,
				...(image.destination ? { target: image.destination } : {}),
			}));
			const html = parsed.html.flatMap(range => findHtmlImages(text.slice(range.start, range.end), range.start));
			return [...markdown, ...html].sort((a, b) => a.start - b.start);
		}
	}
}

/** How many texts `documentImagesOf` remembers: a few documents filled at once, each parsed once. */
const PARSES_KEPT = 8;

/** The last texts `documentImagesOf` parsed, the most recent last. */
const parses: { readonly text: string; readonly kind: DocumentKind; readonly images: readonly DocumentImage[] }[] = [];

/**
 * `findDocumentImages`, answered from the last few parses when the text is one of them: a
 * document's images are looked for several times in the same text (its placeholders found
 * again, then each target located while the edit is computed, twice), and a few documents are
 * filled at once, so one cache entry would be evicted between two looks. A Markdown parse of a
 * page allocates about 0.5 MB: applying 1,000 batch results across 200 pages parsed each page
 * three times or more. The images are shared: callers must not change them.
 */
export function documentImagesOf(text: string, kind: DocumentKind): readonly DocumentImage[] {
	const index = parses.findIndex(parse => parse.kind === kind && parse.text === text);
	if (index >= 0) {
		const [hit] = parses.splice(index, 1);
		parses.push(hit);
		return hit.images;
	}
	const images = findDocumentImages(text, kind);
	parses.push({ text, kind, images });
	if (parses.length > PARSES_KEPT) {
		parses.shift();
	}
	return images;
}

/** The image whose source contains `offset`, innermost first. */
export function documentImageAt(text: string, kind: DocumentKind, offset: number): DocumentImage | undefined {
	let best: DocumentImage | undefined;
	for (const image of findDocumentImages(text, kind)) {
		if (offset >= image.start && offset <= image.end && (!best || image.end - image.start < best.end - best.start)) {
			best = image;
		}
	}
	return best;
}

/** An image waiting for its picture: an empty target (`![alt]()`, `<img src="">`, `image::[alt]`). */
export function hasEmptyTarget(image: DocumentImage): boolean {
	return image.target !== undefined && (image.url === '' || image.url === undefined);
}
