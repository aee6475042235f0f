/**
 * Relative path from a folder to a file, both given as `/`-separated paths
 * (URI paths), with forward slashes in the result.
 */
export function relativePath(fromFolder: string, toFile: string): string {
	const from = splitPath(fromFolder);
	const to = splitPath(toFile);
	let common = 0;
	while (common < from.length && common < to.length - 1 && from[common] === to[common]) {
		common++;
	}
	const up = from.slice(common).map(() => '..');
	return [...up, ...to.slice(common)].join('/');
}

function splitPath(path: string): string[] {
	return path.split('/').filter(segment => segment.length > 0 && segment !== '.');
}

/** `%XX` for each UTF-8 byte of a character, as URLs encode it. */
export function percentEncode(char: string): string {
	return encodeURIComponent(char).replace(/[!'()*]/g, ascii => '%' + ascii.charCodeAt(0).toString(16).toUpperCase());
}

/**
 * A relative path whose first segment holds a `:` reads as a URL with a scheme
 * (`C:drive.png`, `colon:name.png`): `./` in front keeps it a path.
 */
export function withoutSchemeLookalike(path: string): string {
	const firstSegment = path.split('/', 1)[0];
	return firstSegment.includes(':') ? `./${path}` : path;
}

/**
 * Characters percent-encoded in a Markdown link destination: each would otherwise change
 * what a renderer or browser resolves (`%` escapes, `#` fragment, `?` query, `\` path
 * separator in browsers and escape in CommonMark, `&` entity start, `<`/`>` link syntax,
 * `{`/`}` MDX expressions), plus control characters, which no destination may hold.
 */
const ENCODED_IN_DESTINATION = /[%#?\\&<>{}\u0000-\u001f\u007f-\u009f]/g;

/**
 * Turns a relative file path into a CommonMark link destination that resolves back to
 * the same file: `<…>` around it when it has whitespace or unbalanced parentheses.
 */
export function formatLinkDestination(path: string): string {
	// Spaces stay readable inside `<…>`; other whitespace, and spaces at either end, which renderers trim, are encoded.
	const encoded = withoutSchemeLookalike(path)
		.replace(ENCODED_IN_DESTINATION, percentEncode)
		.replace(/[^\S ]|^ +| +$/g, percentEncode);
	if (/\s/.test(encoded) || !hasBalancedParentheses(encoded)) {
		return `<${encoded}>`;
	}
	return encoded;
}

function hasBalancedParentheses(value: string): boolean {
	let depth = 0;
	for (const char of value) {
		if (char === '(') {
			depth++;
		} else if (char === ')') {
			depth--;
			if (depth < 0) {
				return false;
			}
		}
	}
	return depth === 0;
}

/**
 * Alt text as Illustrate writes it, on one line: control characters and line breaks become
 * spaces, runs of ASCII whitespace one space, whitespace at either end is trimmed. Other
 * spaces inside (no-break, ideographic, …) are kept as they are.
 */
export function normalizeAltText(alt: string): string {
	return alt
		.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]/g, ' ')
		.replace(/ {2,}/g, ' ')
		.replace(/^\s+|\s+$/g, '');
}

/**
 * Escapes alt text so a CommonMark renderer shows it literally: brackets, backslashes
 * and the characters that would start emphasis, code, HTML, an entity or (in MDX) an expression.
 */
export function escapeAltText(alt: string): string {
	return normalizeAltText(alt).replace(/[\\`*_[\]<>&!{}]/g, char => '\\' + char);
}

/** `![alt](destination)` for a file at `path` relative to the document. */
export function buildMarkdownImage(alt: string, path: string): string {
	return `![${escapeAltText(alt)}](${formatLinkDestination(path)})`;
}

/** Decodes `%XX` escapes of UTF-8 the way a browser does; an escape that is no UTF-8 stays as written. */
export function decodeLinkDestination(destination: string): string {
	try {
		return decodeURIComponent(destination);
	} catch {
		return destination.replace(/(?:%[0-9a-f]{2})+/gi, decodeEscapes);
	}
}

/** A run of `%XX` escapes: each UTF-8 sequence in it decoded (the longest first), each stray byte kept. */
function decodeEscapes(run: string): string {
	const escapes = run.match(/%../g) ?? [];
	let decoded = '';
	for (let index = 0; index < escapes.length;) {
		let length = Math.min(4, escapes.length - index);
		for (; length > 0; length--) {
			try {
				decoded += decodeURIComponent(escapes.slice(index, index + length).join(''));
				break;
			} catch {
				// Not a whole UTF-8 sequence: try a shorter one.
			}
		}
		if (length === 0) {
			decoded += escapes[index];
			length = 1;
		}
		index += length;
	}
	return decoded;
}

/**
 * The file path a link target names, relative to the document (or to the workspace folder
 * when it starts with `/`), decoded: `images/red%20fox.png` names `images/red fox.png`.
 * Undefined for a URL with a scheme (`https:`, `data:`, …), a network path or an empty target.
 */
export function linkTargetFilePath(target: string): string | undefined {
	const path = target.trim().replace(/[?#].*$/s, '');
	if (!path || /^[a-z][a-z0-9+.-]*:/i.test(path) || path.startsWith('//')) {
		return undefined;
	}
	return decodeLinkDestination(path);
}
