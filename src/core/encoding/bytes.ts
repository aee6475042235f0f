/**
 * Byte arrays joined into one. Many readers here get their bytes in pieces (a stream's chunks,
 * zlib's output, a PNG's image data chunks) and need them whole.
 */

/** The parts as one array: the part itself when there is one, else a copy of them in order. `length`: their total, when the caller counted it. */
export function concatBytes(parts: readonly Uint8Array[], length = parts.reduce((sum, part) => sum + part.length, 0)): Uint8Array {
	if (parts.length === 1) {
		return parts[0];
	}
	const result = new Uint8Array(length);
	let at = 0;
	for (const part of parts) {
		result.set(part, at);
		at += part.length;
	}
	return result;
}
