import * as assert from 'node:assert/strict';
import { concatBytes } from '../../src/core/encoding/bytes';

suite('concatBytes', () => {
	test('joins the parts in order, counting their length or taking the one given', () => {
		const parts = [Uint8Array.of(1, 2), Uint8Array.of(), Uint8Array.of(3), Uint8Array.of(4, 5, 6)];
		assert.deepEqual([...concatBytes(parts)], [1, 2, 3, 4, 5, 6]);
		assert.deepEqual([...concatBytes(parts, 6)], [1, 2, 3, 4, 5, 6]);
	});

	test('one part is given back as it is; none is an empty array', () => {
		const only = Uint8Array.of(7, 8);
		assert.equal(concatBytes([only]), only);
		assert.equal(concatBytes([]).length, 0);
	});
});
