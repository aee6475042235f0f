import { isInside, normalizePath } from './destination';

/** A place a write goes or stays within, as the parts of its URI. */
export interface WriteLocation {
	readonly scheme: string;
	readonly authority: string;
	/** The URI path: `/`-separated, absolute (`/c:/ws/a.png` on Windows). */
	readonly path: string;
}

/**
 * Why a write is refused:
 * - `otherFileSystem`: another scheme or authority than the folder's;
 * - `outside`: the path is not under the folder (or is the folder itself);
 * - `parentSegment`: a `..` on the way, which could climb out whatever the prefix says;
 * - `absolute`: the part under the folder starts a new root (`/`, `\`, `c:`, `\\server`);
 * - `scheme`: the part under the folder starts like a URI (`file:`, `vscode-remote:`);
 * - `invalid`: characters no file name may hold (NUL);
 * - `throughLink`: the name is inside, but a symbolic link on the way leads elsewhere.
 */
export type WriteRefusal = 'otherFileSystem' | 'outside' | 'parentSegment' | 'absolute' | 'scheme' | 'invalid' | 'throughLink';

function withoutTrailingSlash(path: string): string {
	return path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
}

/** `/C:/ws` and `/c:/ws` are one folder: URIs spell Windows drive letters either way. */
function lowerDriveLetter(path: string): string {
	return path.replace(/^(\/?)([A-Za-z]):(?=\/|$)/, (_, slash: string, letter: string) => `${slash}${letter.toLowerCase()}:`);
}

/**
 * The refusal, if any, for a path written relative to a folder it must stay inside: by its
 * text alone, before any file system is asked.
 */
export function relativeWriteRefusal(relative: string): WriteRefusal | undefined {
	if (relative.includes('\0')) {
		return 'invalid';
	}
	if (relative === '' || relative === '.' || relative.endsWith('/') || relative.endsWith('\\')) {
		// The folder itself, or a folder: never a file Illustrate writes.
		return 'outside';
	}
	if (relative.startsWith('/') || relative.startsWith('\\') || /^[A-Za-z]:/.test(relative)) {
		return 'absolute';
	}
	if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(relative)) {
		return 'scheme';
	}
	// Backslashes separate folders on Windows, so `a\..\..\b` climbs there.
	if (relative.split(/[\\/]/).some(segment => segment === '..')) {
		return 'parentSegment';
	}
	return undefined;
}

/**
 * The refusal, if any, for writing `target` when writes must stay in `folder`, by the text of
 * the URIs alone: the same file system, a path under the folder's, and nothing in the rest
 * that climbs out or starts elsewhere. Links are checked separately ({@link realPathRefusal}).
 */
export function writeTargetRefusal(target: WriteLocation, folder: WriteLocation): WriteRefusal | undefined {
	if (target.scheme.toLowerCase() !== folder.scheme.toLowerCase() || target.authority.toLowerCase() !== folder.authority.toLowerCase()) {
		return 'otherFileSystem';
	}
	const root = lowerDriveLetter(withoutTrailingSlash(folder.path));
	const path = lowerDriveLetter(target.path);
	const prefix = root === '/' ? '/' : `${root}/`;
	if (!path.startsWith(prefix)) {
		return 'outside';
	}
	return relativeWriteRefusal(path.slice(prefix.length));
}

/** A real (link-free) path of the operating system as a `/`-separated absolute path: `C:\ws` is `/c:/ws`. */
export function comparablePath(path: string): string {
	const slashes = path.replace(/\\/g, '/');
	return lowerDriveLetter(normalizePath(slashes.startsWith('/') ? slashes : `/${slashes}`));
}

/**
 * The decision once links are resolved: a write whose real destination is not inside the
 * folder's real path leaves it through a link. Both paths as the operating system gives them.
 */
export function realPathRefusal(realTarget: string, realFolder: string): WriteRefusal | undefined {
	const target = comparablePath(realTarget);
	const folder = comparablePath(realFolder);
	return target !== folder && isInside(target, folder) ? undefined : 'throughLink';
}
