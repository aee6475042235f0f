import * as assert from 'node:assert/strict';
import { findMarkdownImages, isPlaceholder, markdownImageAt } from '../../src/core/markdown/imageLinks';

suite('findMarkdownImages', () => {
	test('finds an empty placeholder with the insertion point just after "("', () => {
		const text = 'Intro\n\n![a red fox reading a book]()\n';
		const [image] = findMarkdownImages(text);
		assert.equal(image.kind, 'inline');
		assert.equal(image.alt, 'a red fox reading a book');
		assert.equal(image.url, '');
		assert.ok(isPlaceholder(image));
		assert.equal(text.slice(image.start, image.end), '![a red fox reading a book]()');
		assert.deepEqual(image.destination, { start: text.indexOf('()') + 1, end: text.indexOf('()') + 1 });
	});

	test('treats ![alt](<>) as a placeholder whose destination covers <>', () => {
		const text = '![empty](<>)';
		const [image] = findMarkdownImages(text);
		assert.ok(isPlaceholder(image));
		assert.equal(text.slice(image.destination!.start, image.destination!.end), '<>');
	});

	test('decodes escapes and keeps nested brackets and code in alt text', () => {
		const text = '![a \\[b\\] `]` c](<my (img.png> "title")';
		const [image] = findMarkdownImages(text);
		assert.equal(image.alt, 'a [b] ] c');
		assert.equal(image.url, 'my (img.png');
		assert.equal(text.slice(image.destination!.start, image.destination!.end), '<my (img.png>');
	});

	test('ignores images in fenced code, indented code and code spans', () => {
		const text = [
			'```md',
			'![in a fence]()',
			'```',
			'',
			'    ![indented code]()',
			'',
			'Inline `![in a span]()` and a real one ![real]().',
		].join('\n');
		const images = findMarkdownImages(text);
		assert.deepEqual(images.map(image => image.alt), ['real']);
	});

	test('reports reference images with the definition they point at', () => {
		const text = '![logo][brand]\n\n[brand]: ./logo.png\n';
		const [image] = findMarkdownImages(text);
		assert.equal(image.kind, 'reference');
		assert.equal(image.url, './logo.png');
		assert.equal(image.referenceId, 'brand');
	});

	test('offsets stay exact with CRLF line endings', () => {
		const text = '# T\r\n\r\nx ![one]() y\r\n\r\n![two](a.png)\r\n';
		const images = findMarkdownImages(text);
		assert.deepEqual(images.map(image => text.slice(image.start, image.end)), ['![one]()', '![two](a.png)']);
	});

	test('an escaped "!" or bracket is no image', () => {
		assert.deepEqual(findMarkdownImages('\\![not an image]() and !\\[nor this]()'), []);
	});
});

suite('markdownImageAt', () => {
	const text = 'See ![first]() and ![second](b.png) here.';

	test('finds the image containing the offset, ends included', () => {
		assert.equal(markdownImageAt(text, text.indexOf('![first]'))?.alt, 'first');
		assert.equal(markdownImageAt(text, text.indexOf('first') + 2)?.alt, 'first');
		assert.equal(markdownImageAt(text, text.indexOf('b.png'))?.alt, 'second');
		assert.equal(markdownImageAt(text, text.indexOf('here')), undefined);
	});

	test('is undefined outside any image', () => {
		assert.equal(markdownImageAt(text, 0), undefined);
	});
});
