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

/**
 * Characters percent-encoded in a link destination: each would otherwise change
 * what a renderer or browser resolves (`%` escapes, `#` fragment, `?` query,
 * `\` path separator in browsers, `&` entity start, `<`/`>` link syntax),
 * plus control characters.
 */
const ENCODED_IN_DESTINATION = /[%#?\\&<>\u0000-\u001f\u007f]/g;

/**
 * Turns a relative file path into a CommonMark link destination that resolves back to
 * the same file: `<…>` around it when it has whitespace or unbalanced parentheses.
 */
export function formatLinkDestination(path: string): string {
	const encoded = path.replace(ENCODED_IN_DESTINATION, char => '%' + char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));
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
 * Escapes alt text so a CommonMark renderer shows it literally: brackets, backslashes
 * and the characters that would start emphasis, code, HTML or an entity.
 */
export function escapeAltText(alt: string): string {
	return alt
		.replace(/\s+/g, ' ')
		.trim()
		.replace(/[\\`*_[\]<>&!]/g, char => '\\' + char);
}

/** `![alt](destination)` for a file at `path` relative to the document. */
export function buildMarkdownImage(alt: string, path: string): string {
	return `![${escapeAltText(alt)}](${formatLinkDestination(path)})`;
}

/** Decodes a link destination the way a browser resolves it back into a path. */
export function decodeLinkDestination(destination: string): string {
	try {
		return decodeURIComponent(destination);
	} catch {
		return destination;
	}
}
