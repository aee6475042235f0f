import * as vscode from 'vscode';
import { realPathRefusal } from '../core/destination/writeTarget';
import { landingPathOnDisk, nodeFileModules } from '../platform/landingPath';

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
		const [{ realpath }] = await nodeFileModules();
		const landing = await landingPathOnDisk(target.fsPath);
		return landing === undefined || realPathRefusal(landing, await realpath(boundary.fsPath)) !== undefined;
	}
	return false;
}
