import * as assert from 'node:assert/strict';
import { findDocumentImages } from '../../src/core/documents/documentImages';
import { isFillableStatus, isPlaceholder, linkedImageStatus } from '../../src/core/documents/imageStatus';

suite('What an image of a document links', () => {
	const [empty, linked, html] = findDocumentImages('![a fox]()\n\n![a kite](kite.png)\n\n<img alt="a moth">\n', 'markdown');

	test('an empty target, or an <img> without src, is a placeholder; a link is not', () => {
		assert.equal(isPlaceholder(empty), true);
		assert.equal(isPlaceholder(html), true);
		assert.equal(isPlaceholder(linked), false);
		assert.equal(isPlaceholder({ url: undefined, target: undefined }), false, 'without a target Illustrate can write into, never a placeholder');
	});

	test('a link to a file: existing or missing; unknown existence and no file are other', () => {
		assert.equal(linkedImageStatus(linked, { kind: 'file', exists: true }), 'existing');
		assert.equal(linkedImageStatus(linked, { kind: 'file', exists: false }), 'missing');
		assert.equal(linkedImageStatus(linked, { kind: 'file', exists: undefined }), 'other');
		assert.equal(linkedImageStatus(linked, { kind: 'none' }), 'other');
		assert.equal(linkedImageStatus({ target: undefined }, { kind: 'file', exists: false }), 'other', 'missing but with nowhere to write the path');
	});

	test('placeholders and missing files are what Fill Missing Images fills', () => {
		assert.deepEqual((['placeholder', 'missing', 'existing', 'other'] as const).filter(isFillableStatus), ['placeholder', 'missing']);
	});
});
