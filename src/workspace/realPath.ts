import * as vscode from 'vscode';
import { realPathRefusal } from '../core/destination/writeTarget';

/** More links than this on one path are taken for a circle (Linux gives up at 40 too). */
const MAX_LINKS = 40;

/**
 * Whether a path inside `boundary` by its name leads outside it through a symbolic link
 * (an `images` folder linked to `/etc`, a dangling `logo.png` linked to `~/.ssh/x`, say), or
 * through links that go round in circles. Only `file:` URIs in a Node extension host can be
 * checked; other file systems (remote, virtual) resolve links on their side, and the web
 * extension host has no Node file system to ask.
 */
export async function leavesThroughLink(target: vscode.Uri, boundary: vscode.Uri): Promise<boolean> {
	// A constant condition, so the web bundle drops the Node part with its import.
	if (!ILLUSTRATE_WEB && target.scheme === 'file' && boundary.scheme === 'file') {
		const { realpath } = await import('node:fs/promises');
		const landing = await landingPathOnDisk(target.fsPath);
		return landing === undefined || realPathRefusal(landing, await realpath(boundary.fsPath)) !== undefined;
	}
	return false;
}

function errorCode(error: unknown): string | undefined {
	return (error as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * Where a write to `path` lands: every link on the way resolved, at the file and at each folder
 * above it, dangling ones too (a write follows a link to a file that does not exist yet and
 * creates it there). Undefined when the links go round in circles.
 */
async function landingPathOnDisk(path: string): Promise<string | undefined> {
	const { readlink, realpath } = await import('node:fs/promises');
	const { basename, dirname, join, resolve } = await import('node:path');
	const rest: string[] = [];
	let current = resolve(path);
	let links = 0;
	for (;;) {
		try {
			const real = await realpath(current);
			return rest.length > 0 ? join(real, ...rest) : real;
		} catch (error) {
			if (errorCode(error) === 'ELOOP') {
				return undefined;
			}
			if (errorCode(error) !== 'ENOENT' && errorCode(error) !== 'ENOTDIR') {
				throw error;
			}
		}
		// Missing, or a link to something missing: follow the link by hand.
		const linkText = await readlink(current).catch(() => undefined);
		if (linkText !== undefined) {
			if (++links > MAX_LINKS) {
				return undefined;
			}
			// A relative link is relative to the real folder holding it.
			current = resolve(await realpath(dirname(current)), linkText);
			continue;
		}
		const parent = dirname(current);
		if (parent === current) {
			return path;
		}
		rest.unshift(basename(current));
		current = parent;
	}
}
