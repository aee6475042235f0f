import type { DocumentKind } from '../links/documentKinds';

/** The file extensions of the documents Illustrate links images in, and their kind. */
const KIND_BY_EXTENSION: ReadonlyMap<string, DocumentKind> = new Map([
	['md', 'markdown'], ['markdown', 'markdown'], ['mdown', 'markdown'], ['mkd', 'markdown'], ['mkdn', 'markdown'],
	['mdx', 'mdx'],
	['html', 'html'], ['htm', 'html'],
	['rst', 'restructuredtext'],
	['adoc', 'asciidoc'], ['asciidoc', 'asciidoc'],
]);

/** Every document of a kind Illustrate links, as a glob for `findFiles`. */
export const DOCUMENT_GLOB = `**/*.{${[...KIND_BY_EXTENSION.keys()].join(',')}}`;

/** A document above this size is skipped and reported: no docs page is this large, a generated dump may be. */
export const MAX_DOCUMENT_BYTES = 4 * 1024 * 1024;

/** The kind of a document by its path, undefined for any other file. */
export function documentKindOfPath(path: string): DocumentKind | undefined {
	const name = path.slice(path.lastIndexOf('/') + 1);
	const dot = name.lastIndexOf('.');
	return dot > 0 ? KIND_BY_EXTENSION.get(name.slice(dot + 1).toLowerCase()) : undefined;
}

/**
 * The patterns a `files.exclude` or `search.exclude` value turns on: the keys set to `true`.
 * A `{ "when": … }` sibling rule is left out (it needs the sibling file, and `findFiles` takes
 * none); anything else in a hostile settings file is ignored.
 */
export function enabledPatterns(setting: unknown): string[] {
	if (typeof setting !== 'object' || setting === null || Array.isArray(setting)) {
		return [];
	}
	return Object.entries(setting as Record<string, unknown>)
		.filter(([pattern, enabled]) => enabled === true && pattern.trim() !== '' && pattern.length <= 1000)
		.map(([pattern]) => pattern.trim());
}

/** The first `{…}` group with no `{` inside, as its start and end. */
function innermostBraces(pattern: string): { start: number; end: number } | undefined {
	const end = pattern.indexOf('}');
	if (end < 0) {
		return undefined;
	}
	const start = pattern.lastIndexOf('{', end);
	return start < 0 ? undefined : { start, end };
}

/**
 * A glob's brace alternatives written out (`**\/*.{js,map}` → `**\/*.js`, `**\/*.map`):
 * VS Code's glob reads no braces inside braces, and the scan joins every pattern into one
 * `{a,b,…}`. Stops at 256 alternatives.
 */
export function expandBraces(pattern: string): string[] {
	const done: string[] = [];
	const pending = [pattern];
	while (pending.length > 0 && done.length + pending.length <= 256) {
		const current = pending.pop()!;
		const group = innermostBraces(current);
		if (!group) {
			done.push(current);
			continue;
		}
		for (const choice of current.slice(group.start + 1, group.end).split(',')) {
			pending.push(current.slice(0, group.start) + choice + current.slice(group.end + 1));
		}
	}
	return [...new Set([...done, ...pending].reverse())];
}

/**
 * The exclude glob of a workspace folder's scan: `files.exclude` and `search.exclude` together
 * (`findFiles` applies only `files.exclude` on its own, and none of it once given an exclude),
 * undefined when both are empty.
 */
export function scanExcludeGlob(filesExclude: unknown, searchExclude: unknown): string | undefined {
	const patterns = [...new Set([...enabledPatterns(filesExclude), ...enabledPatterns(searchExclude)].flatMap(expandBraces))]
		.filter(pattern => !pattern.includes(','));
	if (patterns.length === 0) {
		return undefined;
	}
	return patterns.length === 1 ? patterns[0] : `{${patterns.join(',')}}`;
}

/** Whether bytes look like a binary file rather than text: a NUL in the first 8 KB. */
export function looksBinary(bytes: Uint8Array): boolean {
	const end = Math.min(bytes.length, 8192);
	for (let index = 0; index < end; index++) {
		if (bytes[index] === 0) {
			return true;
		}
	}
	return false;
}

/**
 * Whether a document's text can hold an image at all, by the syntax its kind writes one in
 * (`![`, `<img`, `image::`, `figure::`): most pages of a docs site have none, and are not parsed.
 */
export function mayHoldImages(text: string, kind: DocumentKind): boolean {
	switch (kind) {
		case 'markdown':
		case 'mdx':
			return text.includes('![') || /<img/i.test(text);
		case 'html':
			return /<img/i.test(text);
		case 'restructuredtext':
			return text.includes('image::') || text.includes('figure::');
		case 'asciidoc':
			return text.includes('image::');
	}
}

/** Why a document was left out of a scan (shown in the log and the picker's title). */
export type SkipReason = 'tooLarge' | 'binary' | 'unreadable';
