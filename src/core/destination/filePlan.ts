import { extensionForFormat, formatOfFileName } from '../images/imageFormats';
import type { OutputFormat } from '../models/capabilities';
import { freeFilePath } from '../naming/fileNames';
import { isInside } from './destination';

/**
 * Whether the first image is saved at the file a link already names (a link to a file that
 * does not exist yet), so the link stays as the author wrote it: only on the document's own
 * file system, inside the folder Illustrate may write to, and when the file's extension is
 * the image's format. Whether the file is still missing is for the caller to check last.
 */
export function keepsLinkedFile(linked: { readonly scheme: string; readonly path: string }, documentScheme: string, boundary: string, format: OutputFormat): boolean {
	return linked.scheme === documentScheme && isInside(linked.path, boundary) && formatOfFileName(linked.path) === format;
}

export interface FilePlanInput {
	/** The format of each image, in order. */
	readonly formats: readonly OutputFormat[];
	/** The file name stem, from the alt text. */
	readonly stem: string;
	readonly documentScheme: string;
	/** The folder no file may leave (the workspace folder, else the document's). */
	readonly boundary: string;
	/** A file the target link already names: the first image goes there when it may and the file is missing. */
	readonly linked?: { readonly scheme: string; readonly path: string };
	/** The path a file of this name goes to, by the destination settings. */
	readonly destination: (fileName: string) => string;
	/** Whether a path on the document's file system exists; throws when it cannot tell. */
	readonly exists: (path: string) => Promise<boolean>;
}

export type FilePlan =
	| { readonly kind: 'planned'; readonly paths: readonly string[]; readonly keepsLinked: boolean }
	/** The destination settings lead outside the boundary: nothing may be written. */
	| { readonly kind: 'outside'; readonly path: string };

/** The existence of a free name's candidate could not be checked. */
export class FileCheckError extends Error {
	constructor(readonly path: string, override readonly cause: unknown) {
		super(`Could not check ${path}: ${cause instanceof Error ? cause.message : String(cause)}`);
	}
}

/**
 * Where each image goes: the first at the file its link names when `keepsLinkedFile` says so
 * and that file is still missing; every other at its destination under the first free name
 * (`stem.ext`, `stem-1.ext`, …), never a file on disk nor one the batch already took.
 * An error while checking the linked file propagates as it is; one while looking for a free
 * name is a `FileCheckError` naming the destination.
 */
export async function planImageFiles(input: FilePlanInput): Promise<FilePlan> {
	const paths: string[] = [];
	const taken = new Set<string>();
	const linked = input.linked;
	const keepsLinked = linked !== undefined && input.formats.length > 0
		&& keepsLinkedFile(linked, input.documentScheme, input.boundary, input.formats[0])
		&& !(await input.exists(linked.path));
	if (keepsLinked) {
		paths.push(linked.path);
		taken.add(linked.path);
	}
	for (const format of input.formats.slice(paths.length)) {
		const path = input.destination(`${input.stem}.${extensionForFormat(format)}`);
		if (!isInside(path, input.boundary)) {
			return { kind: 'outside', path };
		}
		try {
			paths.push(await freeFilePath(path, taken, input.exists));
		} catch (error) {
			throw new FileCheckError(path, error);
		}
	}
	return { kind: 'planned', paths, keepsLinked };
}
