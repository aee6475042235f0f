import * as assert from 'node:assert/strict';
import { insertionEdits, locateTargetImage, shiftOffset, shiftTarget, type TextEditSpec } from '../../src/core/markdown/insertion';
import { documentImagesOf } from '../../src/core/documents/documentImages';
import { findPlaceholders, workspacePlaceholders } from '../../src/core/workspaceFill/placeholderIdentity';

function apply(text: string, edits: readonly TextEditSpec[]): string {
	return [...edits].sort((a, b) => b.start - a.start).reduce((result, edit) => result.slice(0, edit.start) + edit.newText + result.slice(edit.end), text);
}

suite('shiftOffset', () => {
	test('an insertion before the offset moves it along', () => {
		assert.equal(shiftOffset(10, [{ rangeOffset: 2, rangeLength: 0, text: 'abc' }]), 13);
	});

	test('an insertion exactly at the offset moves it along', () => {
		assert.equal(shiftOffset(10, [{ rangeOffset: 10, rangeLength: 0, text: 'abc' }]), 13);
	});

	test('a deletion before the offset moves it back', () => {
		assert.equal(shiftOffset(10, [{ rangeOffset: 0, rangeLength: 4, text: '' }]), 6);
	});

	test('a change after the offset leaves it', () => {
		assert.equal(shiftOffset(10, [{ rangeOffset: 11, rangeLength: 3, text: 'x' }]), 10);
	});

	test('a change that swallows the offset leaves it at the end of the new text', () => {
		assert.equal(shiftOffset(10, [{ rangeOffset: 8, rangeLength: 5, text: 'xy' }]), 10);
	});

	test('several changes of one edit add up', () => {
		assert.equal(shiftOffset(10, [{ rangeOffset: 12, rangeLength: 0, text: 'zz' }, { rangeOffset: 1, rangeLength: 1, text: 'abc' }, { rangeOffset: 5, rangeLength: 2, text: '' }]), 10);
	});
});

suite('insertionEdits', () => {
	test('fills the placeholder destination', () => {
		const text = 'Intro\n\n![a fox]()\n\nEnd\n';
		const edits = insertionEdits(text, 'markdown', { kind: 'image', start: 7, alt: 'a fox' }, { references: ['![a fox](images/a-fox.png)'], firstPath: 'images/a-fox.png' }, '\n');
		assert.equal(apply(text, edits!), 'Intro\n\n![a fox](images/a-fox.png)\n\nEnd\n');
	});

	test('replaces <> and puts further images on their own lines after the image', () => {
		const text = 'A ![a fox](<>) B\nnext\n';
		const edits = insertionEdits(text, 'markdown', { kind: 'image', start: 2, alt: 'a fox' }, { references: ['![a fox](x.png)', '![a fox](y.png)'], firstPath: 'x.png' }, '\n');
		assert.equal(apply(text, edits!), 'A ![a fox](x.png) B\n\n![a fox](y.png)\n\nnext\n');
	});

	test('finds the image again after the text moved', () => {
		const text = 'New paragraph.\n\nIntro\n\n![a fox]()\n';
		const edits = insertionEdits(text, 'markdown', { kind: 'image', start: 7, alt: 'a fox' }, { references: ['![a fox](f.png)'], firstPath: 'f.png' }, '\n');
		assert.equal(apply(text, edits!), 'New paragraph.\n\nIntro\n\n![a fox](f.png)\n');
	});

	test('picks the nearest of several images with the same alt', () => {
		const text = '![dup]()\n\n![dup]()\n';
		const image = locateTargetImage(text, 'markdown', { start: 10, alt: 'dup' });
		assert.equal(image?.start, 10);
	});

	test('images located one after another in one text, then in another text or kind: each in its own text (the last parse is reused only for the same text and kind)', () => {
		const text = '# A page\n\n![a fox]()\n\n![an owl]()\n\n![a hare]()\n';
		assert.deepEqual(['a fox', 'an owl', 'a hare'].map(alt => locateTargetImage(text, 'markdown', { start: 0, alt })?.start), [10, 22, 35]);
		const edited = `Intro.\n\n${text}`;
		assert.equal(locateTargetImage(edited, 'markdown', { start: 0, alt: 'an owl' })?.start, 30, 'another text is parsed again');
		assert.equal(locateTargetImage(`${text}`, 'markdown', { start: 0, alt: 'a hare' })?.start, 35, 'an equal text gives the same images');
		const html = '<p>x</p><img src="" alt="a fox">';
		assert.equal(locateTargetImage(html, 'markdown', { start: 0, alt: 'a fox' })?.syntax, 'html');
		assert.equal(locateTargetImage(html, 'html', { start: 0, alt: 'a fox' })?.start, 8, 'the same text as another kind is parsed as that kind');
		assert.equal(locateTargetImage(text, 'markdown', { start: 0, alt: 'a wolf' }), undefined);
	});

	test('undefined when the image is gone', () => {
		assert.equal(insertionEdits('no image here', 'markdown', { kind: 'image', start: 0, alt: 'a fox' }, { references: ['x'], firstPath: 'x' }, '\n'), undefined);
	});

	test('after a selection: a blank line, the image, and a blank line before the next paragraph', () => {
		const text = 'First line.\nSecond line.\n';
		const edits = insertionEdits(text, 'markdown', { kind: 'after', offset: 5 }, { references: ['![a](a.png)'], firstPath: 'a.png' }, '\n');
		assert.equal(apply(text, edits!), 'First line.\n\n![a](a.png)\n\nSecond line.\n');
	});

	test('after the last line of a document without a final newline', () => {
		const text = 'Only line';
		const edits = insertionEdits(text, 'markdown', { kind: 'after', offset: 9 }, { references: ['![a](a.png)'], firstPath: 'a.png' }, '\n');
		assert.equal(apply(text, edits!), 'Only line\n\n![a](a.png)');
	});

	test('keeps CRLF line endings', () => {
		const text = 'One\r\nTwo\r\n';
		const edits = insertionEdits(text, 'markdown', { kind: 'after', offset: 1 }, { references: ['![a](a.png)'], firstPath: 'a.png' }, '\r\n');
		assert.equal(apply(text, edits!), 'One\r\n\r\n![a](a.png)\r\n\r\nTwo\r\n');
	});

	test('shiftTarget moves both kinds of target', () => {
		const change = [{ rangeOffset: 0, rangeLength: 0, text: 'abc' }];
		assert.deepEqual(shiftTarget({ kind: 'image', start: 4, alt: 'x' }, change), { kind: 'image', start: 7, alt: 'x' });
		assert.deepEqual(shiftTarget({ kind: 'after', offset: 4 }, change), { kind: 'after', offset: 7 });
	});
});

suite('One parse per document while a few are filled at once', () => {
	const pages = Array.from({ length: 4 }, (_, page) => `Intro of page ${page}.\n\n![a fox on page ${page}]()\n\nMore.\n\n![an owl on page ${page}]()\n`);
	const identitiesOf = (page: number) => workspacePlaceholders(`file:///page-${page}.md`, pages[page], 'markdown').map(item => item.identity);

	test('the placeholders found again and the targets located for the edit are the same parse, with other pages parsed in between', () => {
		// Found again in every page first (as four documents filled at once do), then each page's edit computed.
		const found = pages.map((text, page) => findPlaceholders(text, 'markdown', identitiesOf(page)));
		pages.forEach((text, page) => {
			for (const [identity, image] of found[page]) {
				// The same text as another string (VS Code's getText() makes a new one at every call).
				const again = locateTargetImage(text.split('').join(''), 'markdown', { start: image.start, alt: identity.alt });
				assert.equal(again, image, `page ${page}, "${identity.alt}": located in the parse findPlaceholders made`);
			}
		});
	});

	test('a changed text is parsed again: its images are where the new text has them', () => {
		const text = pages[0];
		const before = locateTargetImage(text, 'markdown', { start: 0, alt: 'a fox on page 0' });
		const changed = `New first line.\n${text}`;
		const after = locateTargetImage(changed, 'markdown', { start: 0, alt: 'a fox on page 0' });
		assert.ok(before && after);
		assert.equal(after.start, before.start + 'New first line.\n'.length);
		assert.equal(documentImagesOf(changed, 'markdown'), documentImagesOf(`${'New first line.\n'}${text}`, 'markdown'));
		assert.notEqual(documentImagesOf(changed, 'html'), documentImagesOf(changed, 'markdown'), 'another kind is another parse');
	});
});
