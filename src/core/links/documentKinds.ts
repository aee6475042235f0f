import { buildMarkdownImage, formatLinkDestination, normalizeAltText, percentEncode, withoutSchemeLookalike } from './imageLink';

/** The kinds of document Illustrate writes image references into. */
export type DocumentKind = 'markdown' | 'mdx' | 'html' | 'restructuredtext' | 'asciidoc';

export type LinkStyle = 'markdown' | 'html';

/** The document kind for a VS Code language id, falling back on the file extension. */
export function documentKindFor(languageId: string, path: string): DocumentKind {
	const extension = path.slice(path.lastIndexOf('.') + 1).toLowerCase();
	if (languageId === 'mdx' || extension === 'mdx') {
		return 'mdx';
	}
	if (languageId === 'html' || extension === 'html' || extension === 'htm') {
		return 'html';
	}
	if (languageId === 'restructuredtext' || extension === 'rst') {
		return 'restructuredtext';
	}
	if (languageId === 'asciidoc' || extension === 'adoc' || extension === 'asciidoc') {
		return 'asciidoc';
	}
	return 'markdown';
}

/**
 * Percent-encodes, as UTF-8, what a URL in an attribute or directive cannot hold as is
 * (whitespace of any kind, control characters, `%#?\\&<>"'[](){}|`), keeping the rest of
 * the path readable; a first segment with a `:` gets `./` so it does not read as a scheme.
 */
export function encodeUrlPath(path: string): string {
	return withoutSchemeLookalike(path).replace(/[%#?\\&<>"'\s\u0000-\u001f\u007f-\u009f[\](){}|`]/g, percentEncode);
}

function escapeHtmlAttribute(value: string): string {
	return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

export interface ImageReferenceOptions {
	readonly kind: DocumentKind;
	readonly linkStyle: LinkStyle;
	readonly alt: string;
	/** The file's path relative to the document, `/`-separated. */
	readonly path: string;
	/** Width for `<img>`, in CSS pixels. */
	readonly width?: number;
}

/** An `<img>` element; self-closed for MDX, whose JSX needs it. */
export function buildHtmlImage(alt: string, path: string, width: number | undefined, selfClosing: boolean): string {
	const widthAttribute = width ? ` width="${Math.round(width)}"` : '';
	return `<img src="${escapeHtmlAttribute(encodeUrlPath(path))}" alt="${escapeHtmlAttribute(normalizeAltText(alt))}"${widthAttribute}${selfClosing ? ' />' : '>'}`;
}

const WORD = String.raw`[\p{L}\p{M}\p{N}\p{Pc}]`;

/**
 * What Asciidoctor's replacements would turn into typography or a character reference in
 * alt text (`(C)`, `--`, `...`, `->`, an apostrophe between letters, `&amp;`), and attribute
 * references (`{name}`), which it would substitute: each is kept literal by a backslash.
 * `before` is what must precede it, `text` the text itself.
 */
const ASCIIDOC_SUBSTITUTIONS: ReadonlyArray<{ readonly before?: string; readonly text: string }> = [
	{ text: String.raw`\((?:C|R|TM)\)` },
	{ text: String.raw`\.\.\.` },
	{ text: '`\'' },
	{ text: '->|=>|<-|<=' },
	{ text: String.raw`&(?=(?:[a-zA-Z][a-zA-Z]+\d{0,2}|#\d{2,6}|#x[\da-fA-F]{2,5});)` },
	{ before: WORD, text: `'(?=${WORD})` },
	{ before: WORD, text: `--(?=${WORD})` },
	{ before: '^| ', text: '--(?= |$)' },
	{ text: String.raw`\{(?=\w+(?:-\w+)*\}|(?:set|counter2?):[^}]+\})` },
];
const ASCIIDOC_SUBSTITUTED = new RegExp(ASCIIDOC_SUBSTITUTIONS.map(({ before, text }) => `${before ? `(?<=${before})` : ''}(?:${text})`).join('|'), 'gu');
const ASCIIDOC_ESCAPE = new RegExp(ASCIIDOC_SUBSTITUTIONS.map(({ before, text }) => `${before ? `(?<=${before})` : ''}\\\\(?=${text})`).join('|'), 'gu');

/** AsciiDoc alt text as its writer escaped it, back to the text: the inverse of `asciidocAlt`'s escapes. */
export function unescapeAsciidocAlt(text: string): string {
	return text.replace(ASCIIDOC_ESCAPE, '');
}

/**
 * An AsciiDoc alt text: substitutions escaped, and quoted when empty or holding what would
 * split it (`,`), name it (`=`) or start a quoted value; inside quotes only `"` is escaped.
 */
function asciidocAlt(alt: string): string {
	const text = normalizeAltText(alt).replace(ASCIIDOC_SUBSTITUTED, '\\$&');
	if (text === '' || /[,="]/.test(text) || /^'/.test(text)) {
		// A backslash just before the closing quote would escape it; nothing in AsciiDoc writes one there.
		return `"${text.replace(/"/g, '\\"').replace(/\\+$/, '')}"`;
	}
	return text;
}

/** The whole reference to an image, in the syntax of the document's kind. */
export function buildImageReference(options: ImageReferenceOptions): string {
	const { kind, alt, path } = options;
	switch (kind) {
		case 'html':
			return buildHtmlImage(alt, path, options.width, false);
		case 'mdx':
			return options.linkStyle === 'html' ? buildHtmlImage(alt, path, options.width, true) : buildMarkdownImage(alt, path);
		case 'restructuredtext':
			return `.. image:: ${encodeUrlPath(path)}\n   :alt: ${normalizeAltText(alt)}`;
		case 'asciidoc':
			return `image::${encodeUrlPath(path)}[${asciidocAlt(alt)}]`;
		case 'markdown':
			return options.linkStyle === 'html' ? buildHtmlImage(alt, path, options.width, false) : buildMarkdownImage(alt, path);
	}
}

/** The text that fills the target of an existing empty reference of this kind. */
export function formatTargetFor(kind: DocumentKind | 'markdown-html', path: string): string {
	switch (kind) {
		case 'markdown':
		case 'mdx':
			return formatLinkDestination(path);
		case 'markdown-html':
		case 'html':
			return escapeHtmlAttribute(encodeUrlPath(path));
		case 'restructuredtext':
		case 'asciidoc':
			return encodeUrlPath(path);
	}
}
