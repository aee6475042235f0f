import * as vscode from 'vscode';
import { writeTargetRefusal } from '../core/destination/writeTarget';
import { ConcurrencyLimit } from '../core/generation/concurrency';
import { linkTargetFilePath } from '../core/links/imageLink';
import { describeFileError, fileExists } from '../platform/fileErrors';
import { writeScopeOfDocument } from './workspaceWriter';

/** File system checks in flight at once, across every document a scan reads. */
const PARALLEL_CHECKS = new ConcurrencyLimit(16);

/**
 * The file a document's link names, relative to the document (`/…`: to its workspace folder),
 * when Illustrate may write it: inside the document's write scope (its workspace folder) by the
 * core's write-target rules; undefined for a URL, or a path that leads out.
 */
export function linkedFileOf(document: vscode.Uri, url: string): vscode.Uri | undefined {
	const path = linkTargetFilePath(url);
	if (path === undefined) {
		return undefined;
	}
	const scope = writeScopeOfDocument(document);
	const file = path.startsWith('/')
		? (scope.workspaceFolder ? vscode.Uri.joinPath(scope.workspaceFolder.uri, path) : undefined)
		: vscode.Uri.joinPath(document, '..', path);
	return file && writeTargetRefusal(file, scope.folder) === undefined ? file : undefined;
}

/**
 * Which of a document's link targets name a file that does not exist (a link waiting for its
 * image, as Fill Missing Images sees it): asked of `vscode.workspace.fs`, a few at a time. A
 * target outside the workspace, or one the file system cannot answer for (logged), is not.
 */
export async function missingLinkTargets(document: vscode.Uri, urls: readonly string[], log?: Pick<vscode.LogOutputChannel, 'warn'>): Promise<Set<string>> {
	const missing = new Set<string>();
	await Promise.all(urls.map(url => PARALLEL_CHECKS.run(async () => {
		const file = linkedFileOf(document, url);
		if (!file) {
			return;
		}
		try {
			if (!(await fileExists(file))) {
				missing.add(url);
			}
		} catch (error) {
			log?.warn(`Could not check whether ${vscode.workspace.asRelativePath(file)} exists (${describeFileError(error)}): its link is left alone.`);
		}
	})));
	return missing;
}
