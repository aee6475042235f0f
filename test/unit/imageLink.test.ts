import * as assert from 'node:assert/strict';
import { buildMarkdownImage, decodeLinkDestination, escapeAltText, formatLinkDestination, relativePath } from '../../src/core/links/imageLink';
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
