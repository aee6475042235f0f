import * as assert from 'node:assert/strict';
import { takeOutBase64 } from '../../src/core/encoding/unparsedBase64';

const bytes = (text: string) => new TextEncoder().encode(text);

/** Runs `check` as the web extension does, where there is no Node Buffer. */
function withoutBuffer(check: () => void): void {
	const global = globalThis as { Buffer?: unknown };
	const saved = global.Buffer;
	global.Buffer = undefined;
	try {
		check();
	} finally {
		global.Buffer = saved;
	}
}

suite('takeOutBase64 (the base64 of an image event or a batch line, unparsed)', () => {
	const line = '{"id":"r1","custom_id":"c-1","response":{"status_code":200,"body":{"created":1,"data":[{"b64_json":"iVBORw0KGgo="}],"size":"1024x1024"}},"error":null}';

	test('takes the first "b64_json" value out as text and parses the rest with it empty', () => {
		const expected = { parsed: { id: 'r1', custom_id: 'c-1', response: { status_code: 200, body: { created: 1, data: [{ b64_json: '' }], size: '1024x1024' } }, error: null }, b64: 'iVBORw0KGgo=' };
		assert.deepEqual(takeOutBase64(bytes(line)), expected);
		withoutBuffer(() => assert.deepEqual(takeOutBase64(bytes(line)), expected, 'the same without Node\'s Buffer'));
	});

	test('takes the first one, wherever it is: which one it should be is the caller\'s check', () => {
		assert.deepEqual(takeOutBase64(bytes('{"nested":{"b64_json":"QUFB"},"b64_json":"QkJC"}')), { parsed: { nested: { b64_json: '' }, b64_json: 'QkJC' }, b64: 'QUFB' });
		assert.deepEqual(takeOutBase64(bytes('{"type":"image_generation.completed","b64_json":"","size":"auto"}')), { parsed: { type: 'image_generation.completed', b64_json: '', size: 'auto' }, b64: '' });
	});

	test('nothing where taking it out would not be exact: the caller parses the whole text instead', () => {
		for (const [text, why] of [
			['{"data":[{"url":"https://example.com/a.png"}]}', 'no b64_json'],
			['{"b64_json" : "QUFB"}', 'the key not written the compact way'],
			['{"b64_json":"QU\\/FB"}', 'an escape in the value'],
			['{"b64_json":"QUFB', 'no closing quote'],
			['{"b64_json":"QUFB",}', 'the rest is not JSON'],
			['not json "b64_json":"QUFB" at all', 'the rest is not JSON'],
		] as const) {
			assert.equal(takeOutBase64(bytes(text)), undefined, why);
			withoutBuffer(() => assert.equal(takeOutBase64(bytes(text)), undefined, `${why}, without Node's Buffer`));
		}
	});

	test('reads a view into a larger buffer by its own bounds', () => {
		const padded = bytes(`xxxx${line}yyyy`);
		const view = padded.subarray(4, 4 + line.length);
		assert.equal(takeOutBase64(view)?.b64, 'iVBORw0KGgo=');
		withoutBuffer(() => assert.equal(takeOutBase64(view)?.b64, 'iVBORw0KGgo='));
	});
});
