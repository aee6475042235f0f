import * as assert from 'node:assert/strict';
import { decodeBase64, encodeBase64 } from '../../src/core/encoding/base64';

suite('base64 (the same code in the Node and the web extension)', () => {
	test('decodes every byte value exactly as Buffer does', () => {
		const bytes = new Uint8Array(4096);
		for (let index = 0; index < bytes.length; index++) {
			bytes[index] = (index * 7919) % 256;
		}
		for (const length of [0, 1, 2, 3, 4, 255, 256, 4096]) {
			const slice = bytes.subarray(0, length);
			const text = Buffer.from(slice).toString('base64');
			assert.deepEqual(decodeBase64(text), new Uint8Array(slice), `${length} bytes`);
			assert.equal(encodeBase64(slice), text, `${length} bytes`);
		}
	});

	test('refuses text that is not base64, where Buffer would skip it', () => {
		assert.throws(() => decodeBase64('iVBOR#w0K'));
		assert.throws(() => decodeBase64('iVBO#w0KGgo='), 'a length Buffer takes');
		assert.throws(() => decodeBase64('iVBORw0K$go='));
	});

	test('the same bytes whichever way it decodes: with Buffer (Node) and with atob (the web)', () => {
		const text = Buffer.from('an image, or at least its bytes').toString('base64');
		const withBuffer = decodeBase64(text);
		const saved = globalThis.Buffer;
		try {
			(globalThis as { Buffer?: unknown }).Buffer = undefined;
			assert.deepEqual(decodeBase64(text), withBuffer);
		} finally {
			globalThis.Buffer = saved;
		}
	});
});
