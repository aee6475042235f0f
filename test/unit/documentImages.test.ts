import * as assert from 'node:assert/strict';
import { documentImageAt, findDocumentImages, hasEmptyTarget } from '../../src/core/documents/documentImages';
import { buildImageReference, documentKindFor, encodeUrlPath } from '../../src/core/links/documentKinds';
import { insertionEdits, type TextEditSpec } from '../../src/core/markdown/insertion';
import { parseManifest, withEntries } from '../../src/core/provenance/manifest';

function apply(text: string, edits: readonly TextEditSpec[]): string {
	return [...edits].sort((a, b) => b.start - a.start).reduce((result, edit) => result.slice(0, edit.start) + edit.newText + result.slice(edit.end), text);
}

suite('documentKindFor', () => {
	test('by language id, then by extension', () => {
		assert.equal(documentKindFor('markdown', '/a/README.md'), 'markdown');
		assert.equal(documentKindFor('mdx', '/a/page.mdx'), 'mdx');
		assert.equal(documentKindFor('plaintext', '/a/page.mdx'), 'mdx');
		assert.equal(documentKindFor('html', '/a/index.html'), 'html');
		assert.equal(documentKindFor('restructuredtext', '/a/index.rst'), 'restructuredtext');
		assert.equal(documentKindFor('plaintext', '/a/guide.adoc'), 'asciidoc');
	});
});

suite('images in HTML, also inside markdown', () => {
	test('<img> with and without src, quotes of both kinds, entities decoded', () => {
		const html = '<p><img src="" alt="a &amp; b"> <img alt=\'no src\'> <img SRC=pics/x.png alt="x"></p>';
		const images = findDocumentImages(html, 'html');
		assert.deepEqual(images.map(image => [image.alt, image.url, hasEmptyTarget(image)]), [['a & b', '', true], ['no src', '', true], ['x', 'pics/x.png', false]]);
		assert.equal(html.slice(images[2].target!.start, images[2].target!.end), 'pics/x.png');
		assert.equal(images[1].target?.attribute, true);
	});

	test('never inside <pre>, <code>, <script>, <template> or comments', () => {
		const html = '<pre><img src="" alt="in pre"></pre><code><img alt="in code"></code><script>"<img alt=s>"</script><!-- <img alt="comment"> --><template><img alt="t"></template><img src="" alt="real">';
		assert.deepEqual(findDocumentImages(html, 'html').map(image => image.alt), ['real']);
	});

	test('markdown with an HTML block and inline HTML images, but not in code', () => {
		const markdown = [
			'# Doc',
			'',
			'<p align="center"><img src="" alt="centred logo" width="200"></p>',
			'',
			'Inline <img alt="inline" src=""> and ![md]() and `<img alt="code span">`.',
			'',
			'```html',
			'<img alt="fenced">',
			'```',
		].join('\n');
		const images = findDocumentImages(markdown, 'markdown');
		assert.deepEqual(images.map(image => [image.syntax, image.alt]), [['html', 'centred logo'], ['html', 'inline'], ['markdown', 'md']]);
		const edits = insertionEdits(markdown, 'markdown', { kind: 'image', start: images[0].start, alt: 'centred logo' }, { references: ['unused'], firstPath: 'images/my logo.png' }, '\n');
		assert.equal(apply(markdown, edits!).split('\n')[2], '<p align="center"><img src="images/my%20logo.png" alt="centred logo" width="200"></p>');
	});

	test('an <img> without src gets one', () => {
		const html = '<img alt="logo">';
		const edits = insertionEdits(html, 'html', { kind: 'image', start: 0, alt: 'logo' }, { references: ['unused'], firstPath: 'logo.png' }, '\n');
		assert.equal(apply(html, edits!), '<img src="logo.png" alt="logo">');
	});
});

suite('images in reStructuredText', () => {
	const rst = [
		'Title',
		'=====',
		'',
		'.. image::',
		'   :alt: a request flow diagram',
		'   :width: 400',
		'',
		'.. figure:: images/existing.png',
		'   :alt: existing',
		'',
		'Example::',
		'',
		'    .. image::',
		'       :alt: in a literal block',
		'',
		'.. code-block:: rst',
		'',
		'   .. image::',
		'      :alt: in code',
		'',
		'After.',
	].join('\n');

	test('directives with their :alt:, never in literal blocks or code', () => {
		const images = findDocumentImages(rst, 'restructuredtext');
		assert.deepEqual(images.map(image => [image.alt, image.url]), [['a request flow diagram', ''], ['existing', 'images/existing.png']]);
	});

	test('filling the empty directive, and the cursor on an option line finds it', () => {
		const at = rst.indexOf(':width:');
		const image = documentImageAt(rst, 'restructuredtext', at);
		assert.equal(image?.alt, 'a request flow diagram');
		const edits = insertionEdits(rst, 'restructuredtext', { kind: 'image', start: image!.start, alt: image!.alt }, { references: ['x', '.. image:: images/second.png\n   :alt: a request flow diagram'], firstPath: 'images/request flow.png' }, '\n');
		const lines = apply(rst, edits!).split('\n');
		assert.equal(lines[3], '.. image:: images/request%20flow.png');
		assert.deepEqual(lines.slice(4, 10), ['   :alt: a request flow diagram', '   :width: 400', '', '.. image:: images/second.png', '   :alt: a request flow diagram', '']);
	});
});

suite('images in AsciiDoc', () => {
	const adoc = [
		'= Title',
		'',
		'image::[A diagram, of the flow]',
		'',
		'image::images/existing.png["quoted, alt",300]',
		'',
		'----',
		'image::[in a listing]',
		'----',
		'',
		'// image::[commented]',
	].join('\n');

	test('block macros with their alt text, never in listing blocks or comments', () => {
		assert.deepEqual(findDocumentImages(adoc, 'asciidoc').map(image => [image.alt, image.url]), [['A diagram', ''], ['quoted, alt', 'images/existing.png']]);
	});

	test('filling an empty target', () => {
		const image = findDocumentImages(adoc, 'asciidoc')[0];
		const edits = insertionEdits(adoc, 'asciidoc', { kind: 'image', start: image.start, alt: image.alt }, { references: ['unused'], firstPath: 'images/a diagram.png' }, '\n');
		assert.equal(apply(adoc, edits!).split('\n')[2], 'image::images/a%20diagram.png[A diagram, of the flow]');
	});
});

suite('buildImageReference in each syntax', () => {
	const cases: Array<[Parameters<typeof buildImageReference>[0], string]> = [
		[{ kind: 'markdown', linkStyle: 'markdown', alt: 'a fox', path: 'images/a fox.png' }, '![a fox](<images/a fox.png>)'],
		[{ kind: 'markdown', linkStyle: 'html', alt: 'a "fox" & co', path: 'images/a fox.png', width: 512 }, '<img src="images/a%20fox.png" alt="a &quot;fox&quot; &amp; co" width="512">'],
		[{ kind: 'mdx', linkStyle: 'html', alt: 'a fox', path: 'img/fox.png', width: 300 }, '<img src="img/fox.png" alt="a fox" width="300" />'],
		[{ kind: 'mdx', linkStyle: 'markdown', alt: 'a fox', path: 'img/fox.png' }, '![a fox](img/fox.png)'],
		[{ kind: 'html', linkStyle: 'markdown', alt: 'a fox', path: 'img/fox.png' }, '<img src="img/fox.png" alt="a fox">'],
		[{ kind: 'restructuredtext', linkStyle: 'markdown', alt: 'a fox\nreading', path: 'img/a fox.png' }, '.. image:: img/a%20fox.png\n   :alt: a fox reading'],
		[{ kind: 'asciidoc', linkStyle: 'markdown', alt: 'a fox', path: 'img/fox.png' }, 'image::img/fox.png[a fox]'],
		[{ kind: 'asciidoc', linkStyle: 'markdown', alt: 'a fox, reading "docs"', path: 'img/[x].png' }, 'image::img/%5Bx%5D.png["a fox, reading \\"docs\\""]'],
	];
	for (const [options, expected] of cases) {
		test(`${options.kind}/${options.linkStyle}: ${expected.split('\n')[0]}`, () => {
			assert.equal(buildImageReference(options), expected);
		});
	}

	test('each reference parses back to its alt text and path', () => {
		for (const [options] of cases) {
			const text = `before\n\n${buildImageReference(options)}\n\nafter\n`;
			const found = findDocumentImages(text, options.kind);
			assert.equal(found.length, 1, JSON.stringify(options));
			assert.equal(found[0].alt, options.alt.replace(/\s+/g, ' '), JSON.stringify(options));
			assert.equal(decodeURIComponent(found[0].url ?? ''), options.path);
		}
	});

	test('encodeUrlPath keeps letters of any script and encodes what breaks a URL', () => {
		assert.equal(encodeUrlPath('img/狐 #1?.png'), 'img/狐%20%231%3F.png');
	});
});

suite('provenance manifest', () => {
	const entry = { prompt: 'a fox', model: 'gpt-image-2', size: '1024x1024', quality: 'low', format: 'png', createdAt: '2026-11-25T10:00:00.000Z' };

	test('adds entries, keeps the others and any key a person added', () => {
		const first = withEntries(undefined, { 'a.png': entry })!;
		const edited = JSON.stringify({ ...JSON.parse(first), note: 'kept by hand' });
		const second = withEntries(edited, { 'b.png': { ...entry, prompt: 'b' } })!;
		const parsed = parseManifest(second)!;
		assert.deepEqual([...parsed.keys()], ['a.png', 'b.png']);
		assert.equal(JSON.parse(second).note, 'kept by hand');
	});

	test('a missing manifest is empty; a broken one is read as unknown and never overwritten', () => {
		assert.deepEqual(parseManifest(undefined), new Map());
		assert.equal(parseManifest('{ oops'), undefined);
		assert.equal(withEntries('{ oops', { 'a.png': entry }), undefined);
		assert.equal(withEntries('[1, 2]', { 'a.png': entry }), undefined);
	});

	test('entries without a prompt are skipped; extra or missing fields do not break reading', () => {
		const parsed = parseManifest(JSON.stringify({ images: { 'a.png': { prompt: 'a', model: 3 }, 'b.png': { model: 'x' }, 'c.png': 'nonsense' } }))!;
		assert.deepEqual([...parsed.keys()], ['a.png']);
		assert.equal(parsed.get('a.png')?.model, '');
	});
});
