// atob and btoa exist in Node and in browsers (and their web workers) alike, so the Node
// and the web extension decode the API's images with the same code; where Node's Buffer is
// there, it does the work natively (a 3840×2160 PNG is 22 MB of base64).

/** The bytes of a base64 text, exactly; throws on characters outside the base64 alphabet. */
export function decodeBase64(text: string): Uint8Array {
	if (typeof Buffer !== 'undefined' && text.length % 4 === 0) {
		const decoded = Buffer.from(text, 'base64');
		const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
		// Buffer skips characters outside the alphabet; a skipped one always shortens the result.
		if (decoded.length === text.length / 4 * 3 - padding) {
			return new Uint8Array(decoded.buffer, decoded.byteOffset, decoded.length);
		}
	}
	const binary = atob(text);
	const bytes = new Uint8Array(binary.length);
	for (let index = 0; index < binary.length; index++) {
		bytes[index] = binary.charCodeAt(index);
	}
	return bytes;
}

/** Base64 of a few bytes (a nonce, say); not meant for images. */
export function encodeBase64(bytes: Uint8Array): string {
	return btoa(String.fromCharCode(...bytes));
}
