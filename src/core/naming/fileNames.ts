/** Device names Windows refuses as file names, whatever the extension. */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i;

/**
 * A readable kebab-case file stem from alt text or a prompt: lower case, letters and
 * digits of any script kept, everything else a separator, cut at a word boundary.
 */
export function fileStemFromText(text: string, maxLength = 60): string {
	const words = text.normalize('NFC').toLowerCase().split(/[^\p{L}\p{M}\p{N}]+/u).filter(word => word.length > 0);
	let stem = '';
	for (const word of words) {
		const next = stem ? `${stem}-${word}` : word;
		if ([...next].length > maxLength) {
			if (!stem) {
				stem = [...word].slice(0, maxLength).join('');
			}
			break;
		}
		stem = next;
	}
	if (!stem) {
		return 'image';
	}
	return WINDOWS_RESERVED.test(stem) ? `${stem}-image` : stem;
}

/** `stem.ext`, then `stem-1.ext`, `stem-2.ext`, … as VS Code's `nameIncrementally` does. */
export function* numberedFileNames(stem: string, extension: string): Generator<string> {
	yield `${stem}.${extension}`;
	for (let i = 1; ; i++) {
		yield `${stem}-${i}.${extension}`;
	}
}

/** The file extension for an output format. */
export function extensionForFormat(format: 'png' | 'jpeg' | 'webp'): string {
	return format === 'jpeg' ? 'jpg' : format;
}
