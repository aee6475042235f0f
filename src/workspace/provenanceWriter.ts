import * as vscode from 'vscode';
import { MANIFEST_NAME, provenanceByFolder, withEntries } from '../core/provenance/manifest';
import { fileExists } from '../platform/fileErrors';
import type { HistoryImage } from './imageHistory';
import { writeRefusal, writeWorkspaceFile, type WriteScope } from './workspaceWriter';

/**
 * Adds the images saved at `files` to the provenance manifest of their folder
 * (`illustrate.provenance`), each manifest read and written once. `alt`: the alt text of every
 * image, or of each. A failure here is logged and never undoes the insert.
 */
export async function recordProvenance(mode: 'manifest' | 'off', files: readonly vscode.Uri[], images: readonly HistoryImage[], alt: string | readonly string[], scope: WriteScope, log?: vscode.LogOutputChannel): Promise<void> {
	if (mode !== 'manifest' || files.length === 0) {
		return;
	}
	await Promise.all([...provenanceByFolder(files.map(file => file.path), images, alt)].map(([folderPath, entries]) => {
		const manifest = vscode.Uri.joinPath(files[0].with({ path: folderPath }), MANIFEST_NAME);
		return oneAtATime(manifest, () => addEntries(manifest, entries, scope, log));
	}));
}

/** The manifest updates under way, by manifest: documents filled at once share a folder's manifest, and none may lose another's entries. */
const updates = new Map<string, Promise<void>>();

function oneAtATime(manifest: vscode.Uri, update: () => Promise<void>): Promise<void> {
	const key = manifest.toString();
	const next = (updates.get(key) ?? Promise.resolve()).then(update);
	updates.set(key, next);
	void next.then(() => {
		if (updates.get(key) === next) {
			updates.delete(key);
		}
	});
	return next;
}

async function addEntries(manifest: vscode.Uri, entries: Parameters<typeof withEntries>[1], scope: WriteScope, log?: vscode.LogOutputChannel): Promise<void> {
	try {
		// A manifest linked outside the workspace is neither read nor written.
		const refusal = await writeRefusal([manifest], scope);
		if (refusal !== undefined) {
			log?.warn(`${refusal} ${MANIFEST_NAME} was left as it is, without the new images.`);
			return;
		}
		const existing = await fileExists(manifest) ? new TextDecoder().decode(await vscode.workspace.fs.readFile(manifest)) : undefined;
		const text = withEntries(existing, entries);
		if (text === undefined) {
			log?.warn(`${manifest.fsPath} is not valid JSON: left as it is, without the new images.`);
			return;
		}
		await writeWorkspaceFile(manifest, new TextEncoder().encode(text), scope);
	} catch (error) {
		log?.warn(`Could not update ${manifest.fsPath}: ${error}`);
	}
}
