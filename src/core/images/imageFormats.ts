import type { OutputFormat } from '../models/capabilities';

/** The file extensions of the formats an edit takes as input (no SVG or GIF), as a file picker's filter lists them. */
export const IMAGE_FILE_EXTENSIONS: readonly string[] = ['png', 'jpg', 'jpeg', 'webp'];

/** The file extension Illustrate writes for an output format (JPEG files end in `.jpg`). */
export function extensionForFormat(format: OutputFormat): string {
	return format === 'jpeg' ? 'jpg' : format;
}

/** The format a file extension names (`jpg` and `jpeg` both JPEG, any case); undefined for any other. */
export function formatForExtension(extension: string): OutputFormat | undefined {
	switch (extension.toLowerCase()) {
		case 'png':
			return 'png';
		case 'jpg':
		case 'jpeg':
			return 'jpeg';
		case 'webp':
			return 'webp';
		case 'svg':
			return 'svg';
		case 'gif':
			return 'gif';
		default:
			return undefined;
	}
}

/** The format the extension of a path's last segment names; undefined without one Illustrate writes. */
export function formatOfFileName(path: string): OutputFormat | undefined {
	const name = path.slice(path.lastIndexOf('/') + 1);
	const dot = name.lastIndexOf('.');
	return dot > 0 ? formatForExtension(name.slice(dot + 1)) : undefined;
}
