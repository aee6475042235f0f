import { buildMarkdownImage, formatLinkDestination } from './imageLink';

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

/** Percent-encodes what a URL in an attribute or directive cannot hold as is, keeping the path readable. */
export function encodeUrlPath(path: string): string {
	return path.replace(/[%#?\\&<>"'\s\u0000-\u001f\u007f[\]()]/g, char => {
		const code = char.charCodeAt(0);
		return code > 0xff ? encodeURIComponent(char) : '%' + code.toString(16).toUpperCase().padStart(2, '0');
	});
}

function escapeHtmlAttribute(value: string): string {
	return value.replace(/&/g, '&amp;').replace(/"/g, '&quot;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function singleLine(text: string): string {
	return text.replace(/\s+/g, ' ').trim();
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
	return `<img src="${escapeHtmlAttribute(encodeUrlPath(path))}" alt="${escapeHtmlAttribute(singleLine(alt))}"${widthAttribute}${selfClosing ? ' />' : '>'}`;
}

/** An AsciiDoc alt text: quoted when it holds a comma or quote, which would otherwise split or end it. */
function asciidocAlt(alt: string): string {
	const text = singleLine(alt);
	return /[,"\]=]/.test(text) ? `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"` : text;
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
			return `.. image:: ${encodeUrlPath(path)}\n   :alt: ${singleLine(alt)}`;
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
