import * as vscode from 'vscode';
import { isInside } from '../core/destination/destination';

/**
 * Whether a path inside `boundary` by its name leads outside it through a symbolic link
 * (an `images` folder linked to `/etc`, say). Only `file:` URIs can be checked; other file
 * systems (remote, virtual) resolve links on their side.
 */
export async function leavesThroughLink(target: vscode.Uri, boundary: vscode.Uri): Promise<boolean> {
	if (target.scheme !== 'file' || boundary.scheme !== 'file') {
		return false;
	}
	const { realpath } = await import('node:fs/promises');
	let existing = target.fsPath;
	for (;;) {
		try {
			const real = (await realpath(existing)).replace(/\\/g, '/');
			const realBoundary = (await realpath(boundary.fsPath)).replace(/\\/g, '/');
			return !isInside(real, realBoundary);
		} catch {
			const parent = existing.replace(/[\\/][^\\/]*$/, '');
			if (!parent || parent === existing) {
				return false;
			}
			existing = parent;
		}
	}
}
