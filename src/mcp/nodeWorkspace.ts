import * as l10n from '@vscode/l10n';
import { lstat, mkdir, open, readFile, realpath, stat, writeFile } from 'node:fs/promises';
import { comparablePath, realPathRefusal, writeTargetRefusal } from '../core/destination/writeTarget';
import { IllustrateError } from '../core/errors';
import { relativePath } from '../core/links/imageLink';
import { landingPathOnDisk } from '../platform/landingPath';

/**
 * The MCP server's one checked path into the workspace folder, on Node's file system: the
 * extension's rules (src/core/destination/writeTarget.ts; src/workspace/workspaceWriter.ts is
 * their VS Code side), checked right before each read and write. Paths here are `/`-separated
 * and absolute as URI paths are (`/c:/ws/a.png` on Windows), the folder's real path (links
 * resolved) at their root. New files are created exclusively (`wx`): an existing file, or a
 * link planted where the file would go, is never written through nor overwritten.
 */

function errorCode(error: unknown): string | undefined {
	return (error as NodeJS.ErrnoException | undefined)?.code;
}

/** A file that appeared at a name between the check for a free name and the write. */
export class FileTakenError extends Error { }

export class NodeWorkspace {
	private constructor(readonly root: string, readonly name: string) { }

	/** The workspace at `folder` (a local folder); throws when it is not one. */
	static async open(folder: string): Promise<NodeWorkspace> {
		const real = await realpath(folder).catch(() => undefined);
		if (!real || !(await stat(real)).isDirectory()) {
			throw new IllustrateError(l10n.t('The workspace folder {0} does not exist or is not a folder.', folder));
		}
		const root = comparablePath(real);
		return new NodeWorkspace(root, root.slice(root.lastIndexOf('/') + 1) || root);
	}

	/** The absolute path of a workspace-relative one (already checked by its text, see `workspaceRelativePath`). */
	pathOf(relative: string): string {
		return this.root === '/' ? `/${relative}` : `${this.root}/${relative}`;
	}

	/** A path of the workspace relative to its folder, as tools report it. */
	relative(path: string): string {
		return relativePath(this.root, path);
	}

	/** The operating system's spelling of a path. */
	fsPath(path: string): string {
		return /^\/[a-z]:/.test(path) ? path.slice(1).replace(/\//g, '\\') : path;
	}

	/**
	 * Why reading or writing `paths` now would leave the folder, or undefined: by their text
	 * (`..`, another root), then on disk (a symbolic link on the way that leads out).
	 */
	async refusal(paths: readonly string[]): Promise<string | undefined> {
		const folder = { scheme: 'file', authority: '', path: this.root };
		for (const path of paths) {
			if (writeTargetRefusal({ scheme: 'file', authority: '', path }, folder)) {
				return l10n.t('{0} is outside the workspace folder {1}, so Illustrate does not write there.', path, this.name);
			}
		}
		const realRoot = await realpath(this.fsPath(this.root));
		for (const path of paths) {
			const landing = await landingPathOnDisk(this.fsPath(path));
			if (landing === undefined || realPathRefusal(landing, realRoot)) {
				return l10n.t('{0} leads outside the workspace folder {1} through a symbolic link, so Illustrate does not write there.', this.relative(path), this.name);
			}
		}
		return undefined;
	}

	/** Throws the refusal for `paths`, with `more` after it. */
	async assertInside(paths: readonly string[], more?: string): Promise<void> {
		const refusal = await this.refusal(paths);
		if (refusal !== undefined) {
			throw new IllustrateError(more ? `${refusal} ${more}` : refusal);
		}
	}

	/** Whether anything is at `path`: a file, a folder, or a link (dangling ones too: nothing is written through them). */
	async exists(path: string): Promise<boolean> {
		try {
			await lstat(this.fsPath(path));
			return true;
		} catch (error) {
			if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') {
				return false;
			}
			throw error;
		}
	}

	/** A file of the workspace, at most `maxBytes`; undefined when it does not exist. Never read through a link that leads out. */
	async read(path: string, maxBytes: number): Promise<Uint8Array | undefined> {
		await this.assertInside([path]);
		let info;
		try {
			info = await stat(this.fsPath(path));
		} catch (error) {
			if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') {
				return undefined;
			}
			throw error;
		}
		if (!info.isFile()) {
			throw new IllustrateError(l10n.t('{0} is not a file.', this.relative(path)));
		}
		if (info.size > maxBytes) {
			throw new IllustrateError(l10n.t('{0} is {1} MB; Illustrate reads files of at most {2} MB.', this.relative(path), (info.size / 1024 / 1024).toFixed(1), Math.round(maxBytes / 1024 / 1024)));
		}
		return new Uint8Array(await readFile(this.fsPath(path)));
	}

	/**
	 * Creates `path` with `bytes`, and the folders above it, checked right before: never over
	 * anything already there (`FileTakenError`), never through a link.
	 */
	async create(path: string, bytes: Uint8Array, more?: string): Promise<void> {
		await this.assertInside([path], more);
		const folder = path.slice(0, path.lastIndexOf('/')) || '/';
		await mkdir(this.fsPath(folder), { recursive: true });
		// The folders exist now: checked again, in case one of them was a link made meanwhile.
		await this.assertInside([path], more);
		let handle;
		try {
			handle = await open(this.fsPath(path), 'wx');
		} catch (error) {
			if (errorCode(error) === 'EEXIST') {
				throw new FileTakenError(path);
			}
			throw error;
		}
		try {
			await handle.writeFile(bytes);
		} finally {
			await handle.close();
		}
	}

	/** Replaces the text of an existing file Illustrate changes (the document, the provenance manifest), at its real path. */
	async replaceText(path: string, text: string): Promise<void> {
		await this.assertInside([path]);
		const real = await realpath(this.fsPath(path));
		await writeFile(real, text, 'utf8');
	}
}
