import * as vscode from 'vscode';
import { isInside } from '../core/destination/destination';

/**
 * Whether a path inside `boundary` by its name leads outside it through a symbolic link
 * (an `images` folder linked to `/etc`, say). Only `file:` URIs in a Node extension host can
 * be checked; other file systems (remote, virtual) resolve links on their side, and the web
 * extension host has no Node file system to ask.
 */
export async function leavesThroughLink(target: vscode.Uri, boundary: vscode.Uri): Promise<boolean> {
	// A constant condition, so the web bundle drops the Node part with its import.
	if (!ILLUSTRATE_WEB && target.scheme === 'file' && boundary.scheme === 'file') {
		return leavesThroughLinkOnDisk(target, boundary);
	}
	return false;
}

async function leavesThroughLinkOnDisk(target: vscode.Uri, boundary: vscode.Uri): Promise<boolean> {
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
