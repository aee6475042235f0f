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

/** A file name's stem and extension (without the dot); a leading dot does not start an extension. */
export function splitFileName(name: string): { stem: string; extension: string } {
	const dot = name.lastIndexOf('.');
	return dot > 0 ? { stem: name.slice(0, dot), extension: name.slice(dot + 1) } : { stem: name, extension: '' };
}

/**
 * The first path in `stem.ext`, `stem-1.ext`, … beside `desiredPath` that is neither `taken`
 * (by this batch) nor on disk, as `exists` says; adds it to `taken`. Errors of `exists` propagate.
 */
export async function freeFilePath(desiredPath: string, taken: Set<string>, exists: (path: string) => Promise<boolean>): Promise<string> {
	const slash = desiredPath.lastIndexOf('/');
	const folder = desiredPath.slice(0, slash + 1);
	const { stem, extension } = splitFileName(desiredPath.slice(slash + 1));
	for (const name of numberedFileNames(stem, extension)) {
		const path = folder + name;
		if (!taken.has(path) && !(await exists(path))) {
			taken.add(path);
			return path;
		}
	}
	throw new Error('unreachable');
}
