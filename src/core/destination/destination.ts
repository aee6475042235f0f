type Picomatch = typeof import('picomatch');
let globMatcher: Picomatch | undefined;
/** picomatch, loaded at the first destination rather than when the extension starts. */
function picomatch(): Picomatch {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	return globMatcher ??= require('picomatch') as Picomatch;
}

/** Where a document is, for resolving `markdown.copyFiles.destination`-style templates. */
export interface DestinationContext {
	/** The document's URI path, for example `/ws/docs/README.md`. */
	readonly documentPath: string;
	/** The URI path of the workspace folder holding the document, if any. */
	readonly workspaceFolderPath?: string;
	/** Every workspace folder's URI path: globs starting with `/` are anchored to each. */
	readonly workspaceFolderPaths: readonly string[];
	/** The new file's name, for example `a-red-fox.png`. */
	readonly fileName: string;
	readonly now: Date;
}

/** Images beside the document when nothing is configured. */
export const DEFAULT_DESTINATION = 'images/';

function dirname(path: string): string {
	const at = path.lastIndexOf('/');
	return at <= 0 ? '/' : path.slice(0, at);
}

function basename(path: string): string {
	return path.slice(path.lastIndexOf('/') + 1);
}

function extname(name: string): string {
	const at = name.lastIndexOf('.');
	return at <= 0 ? '' : name.slice(at);
}

/** `a/b` from `/ws` to `/ws/a/b`; the target itself when it is not inside. */
function relativeTo(folder: string, target: string): string {
	const prefix = folder.endsWith('/') ? folder : `${folder}/`;
	if (target === folder) {
		return '';
	}
	return target.startsWith(prefix) ? target.slice(prefix.length) : target;
}

/** Normalises `.` and `..` segments of an absolute `/`-separated path. */
export function normalizePath(path: string): string {
	const out: string[] = [];
	for (const segment of path.split('/')) {
		if (segment === '' || segment === '.') {
			continue;
		}
		if (segment === '..') {
			out.pop();
		} else {
			out.push(segment);
		}
	}
	return '/' + out.join('/');
}

/** Whether `path` is `folder` or inside it. */
export function isInside(path: string, folder: string): boolean {
	const normalized = normalizePath(path);
	const root = normalizePath(folder);
	return normalized === root || normalized.startsWith(root === '/' ? '/' : `${root}/`);
}

/**
 * The globs a key of the setting stands for, as VS Code reads `markdown.copyFiles.destination`:
 * a leading `/` anchors it to each workspace folder; anything else matches at any depth.
 * They are matched against the document's path with picomatch's `dot` option, as VS Code
 * does, so `**` also crosses folders and files whose names start with a dot.
 */
function globsFor(rawGlob: string, workspaceFolderPaths: readonly string[]): string[] {
	if (rawGlob.startsWith('/')) {
		return workspaceFolderPaths.map(folder => normalizePath(`${folder}/${rawGlob}`).replace(/\/$/, '') + (rawGlob.endsWith('/') ? '/' : ''));
	}
	return [rawGlob.startsWith('**') ? rawGlob : `**/${rawGlob}`];
}

/** The template of the first entry whose glob matches the document, or undefined. */
export function matchDestination(config: Readonly<Record<string, string>>, context: DestinationContext): string | undefined {
	for (const [rawGlob, template] of Object.entries(config)) {
		if (typeof template !== 'string') {
			continue;
		}
		if (globsFor(rawGlob, context.workspaceFolderPaths).some(glob => picomatch().isMatch(context.documentPath, glob, { dot: true }))) {
			return template;
		}
	}
	return undefined;
}

/**
 * Fills a destination template the way VS Code fills `markdown.copyFiles.destination`:
 * a leading `/` is the workspace folder, a trailing `/` takes the file's name, `${name}`
 * and `${name/regex/replacement/}` are replaced, `\$` is a literal `$`, an unknown
 * variable stays as written. Returns an absolute path.
 */
export function fillDestination(template: string, context: DestinationContext): string {
	let destination = template.trim() || '${fileName}';
	if (destination.startsWith('/')) {
		destination = '${documentWorkspaceFolder}/' + destination.slice(1);
	}
	if (destination.endsWith('/')) {
		destination += '${fileName}';
	}
	const documentDir = dirname(context.documentPath);
	const documentName = basename(context.documentPath);
	const documentExt = extname(documentName);
	const folder = context.workspaceFolderPath;
	const variables = new Map<string, string>([
		['documentDirName', documentDir],
		['documentRelativeDirName', folder ? relativeTo(folder, documentDir) : documentDir],
		['documentFileName', documentName],
		['documentBaseName', documentName.slice(0, documentName.length - documentExt.length)],
		['documentExtName', documentExt.replace('.', '')],
		['documentFilePath', context.documentPath],
		['documentRelativeFilePath', folder ? relativeTo(folder, context.documentPath) : context.documentPath],
		['documentWorkspaceFolder', folder ?? documentDir],
		['fileName', context.fileName],
		['fileExtName', extname(context.fileName).replace('.', '')],
		['unixTime', String(context.now.getTime())],
		['isoTime', context.now.toISOString()],
	]);
	const unescapeSlashes = (text: string) => text.replace(/\\\//g, '/');
	const filled = destination.replace(
		/(\\\$)|(?<!\\)\$\{(\w+)(?:\/((?:\\\/|[^}/])+)\/((?:\\\/|[^}/])*)\/)?\}/g,
		(match: string, escaped: string | undefined, name: string, pattern: string | undefined, replacement: string | undefined) => {
			if (escaped) {
				return '$';
			}
			const value = variables.get(name);
			if (value === undefined) {
				return match;
			}
			// As VS Code: a transform with an empty replacement leaves the value as it is.
			if (pattern && replacement) {
				try {
					return value.replace(new RegExp(unescapeSlashes(pattern)), unescapeSlashes(replacement));
				} catch {
					return value;
				}
			}
			return value;
		},
	);
	return filled.startsWith('/') ? normalizePath(filled) : normalizePath(`${documentDir}/${filled}`);
}

/**
 * The absolute path for a new file: the first matching entry of `illustrate.destination`,
 * else of `markdown.copyFiles.destination`, else `images/` beside the document.
 */
export function resolveDestination(
	settings: { readonly illustrate?: Readonly<Record<string, string>>; readonly markdown?: Readonly<Record<string, string>> },
	context: DestinationContext,
): string {
	const template = (settings.illustrate && matchDestination(settings.illustrate, context))
		?? (settings.markdown && matchDestination(settings.markdown, context))
		?? DEFAULT_DESTINATION;
	return fillDestination(template, context);
}
