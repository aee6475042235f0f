// atob and btoa exist in Node and in browsers (and their web workers) alike, so the Node
// and the web extension decode the API's images with the same code.

/** The bytes of a base64 text, exactly; throws on characters outside the base64 alphabet. */
export function decodeBase64(text: string): Uint8Array {
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
