import { open } from 'node:fs/promises';

/** A file's bytes, read through one handle; a file larger than `maxBytes` is refused before anything is read. */
export async function readBounded(path: string, maxBytes: number): Promise<Uint8Array> {
	const file = await open(path, 'r');
	try {
		const { size } = await file.stat();
		if (size > maxBytes) {
			throw new RangeError(`${path} is ${size} bytes, more than an image's ${maxBytes}.`);
		}
		return await file.readFile();
	} finally {
		await file.close();
	}
}
