import * as assert from 'node:assert/strict';
import { findDocumentImages } from '../../src/core/documents/documentImages';
import { buildImageReference, encodeUrlPath, type DocumentKind } from '../../src/core/links/documentKinds';
import { buildMarkdownImage, decodeLinkDestination, escapeAltText, formatLinkDestination, linkTargetFilePath, normalizeAltText, relativePath } from '../../src/core/links/imageLink';
import { findMarkdownImages } from '../../src/core/markdown/imageLinks';

/** Parses a built link back with a CommonMark parser: what a renderer will see. */
function parseBack(link: string): { alt: string; path: string } {
	const images = findMarkdownImages(`Text before.\n\n${link}\n\nText after.\n`);
	assert.equal(images.length, 1, `exactly one image in ${link}`);
	return { alt: images[0].alt, path: decodeLinkDestination(images[0].url ?? '') };
}

suite('relativePath', () => {
	test('a file in a folder beside the document', () => {
		assert.equal(relativePath('/ws/docs', '/ws/docs/images/fox.png'), 'images/fox.png');
	});

	test('a file up and across', () => {
		assert.equal(relativePath('/ws/docs/guide', '/ws/assets/fox.png'), '../../assets/fox.png');
	});

	test('a file beside the document', () => {
		assert.equal(relativePath('/ws', '/ws/fox.png'), 'fox.png');
	});

	test('trailing slashes and a document at the root', () => {
		assert.equal(relativePath('/', '/images/a.png'), 'images/a.png');
		assert.equal(relativePath('/ws/', '/ws/images/a.png'), 'images/a.png');
	});
});

suite('formatLinkDestination', () => {
	const cases: Array<[string, string]> = [
		['images/fox.png', 'images/fox.png'],
		['images/my fox.png', '<images/my fox.png>'],
		['images/fox (1).png', '<images/fox (1).png>'],
		['images/fox(1).png', 'images/fox(1).png'],
		['images/fox(1.png', '<images/fox(1.png>'],
		['images/fox).png', '<images/fox).png>'],
		['images/a#b.png', 'images/a%23b.png'],
		['images/100%.png', 'images/100%25.png'],
		['images/a?b.png', 'images/a%3Fb.png'],
		['images/a\\b.png', 'images/a%5Cb.png'],
		['images/a&amp;b.png', 'images/a%26amp;b.png'],
		['images/<a>.png', 'images/%3Ca%3E.png'],
		['images/狐狸.png', 'images/狐狸.png'],
		['images/ثعلب.png', 'images/ثعلب.png'],
		['images/🦊 fox.png', '<images/🦊 fox.png>'],
		['my docs/images/a b (c.png', '<my docs/images/a b (c.png>'],
	];
	for (const [path, expected] of cases) {
		test(`${JSON.stringify(path)} → ${expected}`, () => {
			assert.equal(formatLinkDestination(path), expected);
		});
	}
});

suite('escapeAltText', () => {
	test('escapes brackets and backslashes', () => {
		assert.equal(escapeAltText('a [b] c\\d'), 'a \\[b\\] c\\\\d');
	});

	test('collapses whitespace and newlines', () => {
		assert.equal(escapeAltText('  a\n\n b\tc '), 'a b c');
	});
});

suite('buildMarkdownImage round trip through a CommonMark parser', () => {
	const alts = [
		'a red fox reading a book',
		'brackets [like] these ]',
		'back\\slash and *stars* and _under_',
		'code `ticks` and <html> & entities &amp;',
		'an ! exclamation ![nested]()',
		'quotes "double" and \'single\'',
		'狐狸在读书',
		'ثعلب يقرأ كتابا',
		'🦊 emoji fox',
		'# not a heading',
	];
	const paths = [
		'images/fox.png',
		'images/my fox.png',
		'images/fox (1).png',
		'images/fox(.png',
		'images/a#b%c?d.png',
		'../../assets/fox & friends.png',
		'images/狐狸.png',
		'images/a\\b.png',
		'images/a&amp;b.png',
		'sub dir/(nested)/x).png',
	];
	for (const alt of alts) {
		for (const path of [paths[alts.indexOf(alt) % paths.length], paths[(alts.indexOf(alt) + 3) % paths.length]]) {
			test(`${JSON.stringify(alt)} at ${JSON.stringify(path)}`, () => {
				const parsed = parseBack(buildMarkdownImage(alt, path));
				assert.equal(parsed.alt, alt);
				assert.equal(parsed.path, path);
			});
		}
	}
});

suite('hostile names in links (issue #14)', () => {
	test('a no-break space is percent-encoded as its UTF-8 bytes in every form', () => {
		assert.equal(encodeUrlPath('images/a\u00a0b.png'), 'images/a%C2%A0b.png');
		for (const kind of ['html', 'restructuredtext', 'asciidoc'] as const) {
			const reference = buildImageReference({ kind, linkStyle: 'markdown', alt: 'x', path: 'images/a\u00a0b.png' });
			assert.ok(reference.includes('images/a%C2%A0b.png') && !reference.includes('a%A0b'), reference);
		}
		assert.equal(formatLinkDestination('images/a\u00a0b.png'), 'images/a%C2%A0b.png');
	});

	test('a first segment with a colon gets ./ so that it is no scheme', () => {
		assert.equal(formatLinkDestination('C:drive.png'), './C:drive.png');
		assert.equal(formatLinkDestination('colon:name.png'), './colon:name.png');
		assert.equal(encodeUrlPath('C:/images/a.png'), './C:/images/a.png');
		assert.equal(formatLinkDestination('images/C:drive.png'), 'images/C:drive.png');
		assert.equal(formatLinkDestination('../C:drive.png'), '../C:drive.png');
	});

	test('MDX alt text: braces are escaped', () => {
		assert.equal(escapeAltText('a {b} c'), 'a \\{b\\} c');
	});
});

suite('placeholder targets name files decoded (issue #14)', () => {
	const documents: Array<[DocumentKind, string]> = [
		['markdown', '![a red fox](images/red%20fox.png)\n'],
		['markdown', '![a red fox](<images/red%20fox.png>)\n'],
		['markdown', '<img src="images/red%20fox.png" alt="a red fox">\n'],
		['html', '<p><img src="images/red%20fox.png" alt="a red fox"></p>\n'],
		['restructuredtext', '.. image:: images/red%20fox.png\n   :alt: a red fox\n'],
		['asciidoc', 'image::images/red%20fox.png[a red fox]\n'],
	];
	for (const [kind, text] of documents) {
		test(`${kind}: ${JSON.stringify(text.trim())} names images/red fox.png`, () => {
			const [image] = findDocumentImages(text, kind);
			assert.equal(linkTargetFilePath(image.url ?? ''), 'images/red fox.png');
		});
	}

	test('an encoded # or ? is part of the name; a raw one starts the fragment or query', () => {
		assert.equal(linkTargetFilePath('images/a%23b%3F.png#frag'), 'images/a#b?.png');
		assert.equal(linkTargetFilePath('images/a.png?v=1'), 'images/a.png');
		const [rst] = findDocumentImages('.. image:: images/c%23.png\n', 'restructuredtext');
		assert.equal(linkTargetFilePath(rst.url ?? ''), 'images/c#.png');
	});

	test('URLs with a scheme and network paths name no file; ./C:drive.png does', () => {
		for (const url of ['https://example.com/a.png', 'data:image/png;base64,AAAA', 'C:drive.png', '//host/a.png', '']) {
			assert.equal(linkTargetFilePath(url), undefined, url);
		}
		assert.equal(linkTargetFilePath('./C:drive.png'), './C:drive.png');
	});

	test('an escape that is no UTF-8 stays as written, the rest is decoded', () => {
		assert.equal(linkTargetFilePath('a%A0%20b%zz.png'), 'a%A0 b%zz.png');
	});
});

suite('normalizeAltText: only what no link form can hold changes', () => {
	const kept = ['no\u00a0break\u00a0spaces', 'ideographic\u3000space', 'zero\u200bwidth\u200djoiner', 'bidi \u202eoverride\u202c', '狐狸 🦊 {x} [y] <z> "q" \\ `', 'a b'];
	for (const alt of kept) {
		test(`${JSON.stringify(alt)} is kept as written`, () => {
			assert.equal(normalizeAltText(alt), alt);
		});
	}

	const changed: Array<[string, string]> = [
		['  leading and trailing  ', 'leading and trailing'],
		['line\nbreaks\r\nand\u2028separators\u2029', 'line breaks and separators'],
		['control\u0001\u0007\u007f\u0085\u009fchars', 'control chars'],
		['\u00a0no-break at the ends\u3000', 'no-break at the ends'],
		['tabs\tand  runs   of spaces', 'tabs and runs of spaces'],
	];
	for (const [alt, expected] of changed) {
		test(`${JSON.stringify(alt)} → ${JSON.stringify(expected)}`, () => {
			assert.equal(normalizeAltText(alt), expected);
		});
	}
});
