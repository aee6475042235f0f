import type { OutputFormat } from '../models/capabilities';
import { formatOfFileName } from '../images/imageFormats';
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
