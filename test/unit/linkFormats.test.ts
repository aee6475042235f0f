import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { HtmlRenderer, Parser } from 'commonmark';
import MarkdownIt from 'markdown-it';
import { buildImageReference, type DocumentKind, type LinkStyle } from '../../src/core/links/documentKinds';
import { normalizePath } from '../../src/core/destination/destination';
import { findDocumentImages } from '../../src/core/documents/documentImages';
import { linkTargetFilePath, normalizeAltText, relativePath } from '../../src/core/links/imageLink';
import { insertionEdits } from '../../src/core/markdown/insertion';

/**
 * Every link form Illustrate writes, over a corpus of hostile file names, folders and alt
 * texts, parsed back by each format's own reference implementation (markdown-it and
 * commonmark.js; parse5; @mdx-js/mdx; docutils; Asciidoctor.js) and resolved the way a
 * browser resolves it against the document's URL: the decoded target must be the saved
 * file, and the alt text must be the one written.
 */

interface Case {
	readonly documentPath: string;
	readonly file: string;
	readonly alt: string;
}

interface Parsed {
	readonly src: string;
	readonly alt: string;
}

// Every character Unicode (or one of the parsers) counts as whitespace, and the invisible ones.
const SPACES = ['\t', '\n', '\v', '\f', '\r', ' ', '\u0085', '\u00a0', '\u1680', '\u2000', '\u2001', '\u2002', '\u2003', '\u2004', '\u2005', '\u2006', '\u2007', '\u2008', '\u2009', '\u200a', '\u2028', '\u2029', '\u202f', '\u205f', '\u3000', '\ufeff', '\u180e', '\u200b', '\u200c', '\u200d', '\u2060'];
// C0 (no NUL: no file system allows it), DEL and C1 controls, and bidirectional controls.
const CONTROLS = [...Array.from({ length: 31 }, (_, index) => String.fromCharCode(index + 1)), '\u007f', '\u0080', '\u0081', '\u008d', '\u0090', '\u009b', '\u009f', '\u202e', '\u2066', '\u2069', '\u200e'];
// Reserved in URLs (RFC 3986), and what each format gives meaning to.
const SPECIALS = [
	':', '?', '#', '[', ']', '@', '!', '$', '&', '\'', '(', ')', '*', '+', ',', ';', '=', '%', '"', '<', '>', '\\', '^', '`', '{', '}', '|', '~', '_', '-', '.',
	'%20', '%A0', '%C2%A0', '%2F', '%2e%2e', '%zz', '%%', '&amp;', '&#65;', '&nbsp;', '<!--', '-->', '{sp}', '{nbsp}', '{empty}', '{b}', '{1+1}', '\\{', '](x)', '![a](b)', '<b>',
	'*a*', '_a_', '**b**', '__b__', '`c`', '``', '|sub|', 'ref_', '`x`_', '[#x]', '+pass+', 'pass:[x]', '(C)', '(R)', '(TM)', '--', '...', '->', '=>', '<-', '<=', "don't", '::', '..', ' :alt: x',
];
const UNICODE = ['狐狸', 'ثعلب', 'שועל', 'लोमड़ी', 'lis\u0301', 'e\u0301\u0301\u0301', '🦊', '👩‍👩‍👧‍👦', '🏳️‍🌈', '\u{1d400}', 'Ω≈ç√', 'ﬁ', 'ß', 'İ', 'ǅ', '\uFFFD', '\uFFFC', '\u00ad'];

/** At least 200 hostile file names. */
function hostileNames(): string[] {
	const names: string[] = [];
	for (const space of SPACES) {
		names.push(`red${space}fox.png`, `${space}leading.png`, `trailing.png${space}`, `trailing${space}.png`);
	}
	for (const control of CONTROLS) {
		names.push(`ctl${control}name.png`);
	}
	for (const special of SPECIALS) {
		names.push(`a${special}b.png`, `${special}start.png`);
	}
	for (const text of UNICODE) {
		names.push(`${text}.png`, `x ${text} y.png`);
	}
	names.push(
		'C:drive.png', 'colon:name.png', 'http:x.png', 'https:x.png', 'javascript:alert(1).png', 'file:x.png', 'data:x.png', 'mailto:x.png', 'a:b:c.png', 'C:\\windows.png',
		'.hidden.png', '..double.png', '...png', 'name.png.', 'name..png', '. .png', '.. x.png', '-dash.png', '~tilde.png', '#hash.png', '?q.png',
		'x'.repeat(250) + '.png', '狐'.repeat(80) + '.png', '🦊'.repeat(60) + '.png', `${'a '.repeat(100)}.png`, `${'%41'.repeat(60)}.png`,
		'image', 'no extension', 'UPPER.PNG', 'con.png', 'nul.png', 'a.b.c.d.png', 'ends with underscore_', 'ends with two__', 'ends with colon:', '`quoted`_', 'ends with a dot.', 'ends with a backslash\\', 'ends with %', 'ends with ]',
	);
	return [...new Set(names)];
}

/** At least 50 hostile alt texts. */
function hostileAlts(): string[] {
	const alts = [
		'a red fox reading a book', '', ' ', '  leading and trailing  ', '\tTabs\tand\nnew\r\nlines\n', 'brackets [like] these ] and [', 'a back\\slash and *stars* and _underscores_',
		'ampersand & <tag> &amp; entity &#65; &nbsp;', '"double" and \'single\' quotes', '狐狸在读书', 'ثعلب يقرأ كتابا', '🦊 emoji fox 👩‍👩‍👧‍👦', 'a # hash, a % percent and a ? question',
		'code `ticks` and an ! exclamation', 'MDX {expression} and {{double}} and }', 'JSX <Component prop={1} /> and <br>', 'an HTML comment <!-- x --> inside', '<script>alert(1)</script>',
		'rst *emphasis* `interpreted` |substitution| ref_ `link`_ :role:`x`', ':alt: inside', '.. image:: x.png', 'AsciiDoc {sp} {nbsp} {empty} {counter:x} {set:a:b}', '\\{escaped} attribute',
		'commas, and = signs, name=value', 'a]b[c', 'x, y="z"', '"starts with a quote', '\'starts with an apostrophe', 'typography (C) (R) (TM) a--b a -- b ... don\'t -> => <- <=',
		'`\'backtick quote', 'ends with a backslash\\', 'middle \\ backslash', 'ends with an escaped quote \\"', '%20 encoded %A0 text', 'javascript:alert(1)', 'https://example.com/x?y=1#z',
		'no\u00a0break\u00a0spaces', 'ideographic\u3000space', 'zero\u200bwidth\u200djoiner', 'bidi \u202eoverride\u202c text', 'control\u0001\u0007\u001b\u007f\u0085\u009fchars',
		'line\u2028separator\u2029paragraph', 'form\ffeed\vvertical', 'combining e\u0301 and ñ', '\u{1d400}\u{1d401} math bold', 'x'.repeat(300), 'mixed 狐狸 fox ثعلب 🦊 {x} [y] <z> "q"',
		'# heading-like', '> quote-like', '- list-like', '1. ordered-like', '    indented code-like', '| table | like |', '---', '***', '===', '```fence```', '~~~', '$math$ $$x$$',
		'*', '_', '[', ']', '{', '}', '<', '&', '"', '\\', '!', '`', '|', ':', '..', '--', '\'',
	];
	return [...new Set(alts)];
}

const FOLDERS = ['/ws/docs', '/ws/docs/images', '/ws/docs/a/b/c', '/ws/up', '/ws', '/ws/docs/my images (v2)', '/ws/docs/C:', '/ws/docs/%20 #[x]', '/ws/docs/狐 {y} `z`', '/ws/docs/.dot/..dots'];
const DOCUMENTS = ['/ws/docs/guide', '/ws/deep/er/page', '/ws/docs/my docs (1)/notes & {x}', '/ws/docs/狐狸'];

function corpus(): Case[] {
	const names = hostileNames();
	const alts = hostileAlts();
	const cases: Case[] = [];
	const total = Math.max(names.length, alts.length);
	for (let index = 0; index < total; index++) {
		cases.push({
			documentPath: DOCUMENTS[index % DOCUMENTS.length],
			file: `${FOLDERS[index % FOLDERS.length]}/${names[index % names.length]}`,
			alt: alts[index % alts.length],
		});
	}
	return cases;
}

const CASES = corpus();

interface Form {
	readonly name: string;
	readonly kind: DocumentKind;
	readonly linkStyle: LinkStyle;
	readonly extension: string;
}

function pathFor(testCase: Case): string {
	return relativePath(testCase.documentPath.slice(0, testCase.documentPath.lastIndexOf('/')), testCase.file);
}

function referenceFor(form: Form, testCase: Case): string {
	return buildImageReference({ kind: form.kind, linkStyle: form.linkStyle, alt: testCase.alt, path: pathFor(testCase), width: 512 });
}

/** An empty image in the form's syntax (`![alt]()`, `<img src="">`, …) whose target Illustrate fills with the file's path. */
function filledPlaceholderFor(form: Form, testCase: Case): string {
	const placeholder = buildImageReference({ kind: form.kind, linkStyle: form.linkStyle, alt: testCase.alt, path: '' });
	const [image] = findDocumentImages(placeholder, form.kind);
	assert.ok(image?.target, `Illustrate finds its own placeholder ${JSON.stringify(placeholder)}`);
	const edits = insertionEdits(placeholder, form.kind, { kind: 'image', start: image.start, alt: image.alt }, { references: [referenceFor(form, testCase)], firstPath: pathFor(testCase) }, '\n');
	assert.ok(edits, `the placeholder ${JSON.stringify(placeholder)} is filled`);
	return [...edits].sort((a, b) => b.start - a.start).reduce((text, edit) => text.slice(0, edit.start) + edit.newText + text.slice(edit.end), placeholder);
}

/** What Illustrate writes for a case: a new reference, and a placeholder it filled; two images, each its own paragraph. */
const written = new Map<string, string>();
function writtenFor(form: Form, testCase: Case): string {
	const key = `${form.name}\u0000${CASES.indexOf(testCase)}`;
	let text = written.get(key);
	if (text === undefined) {
		text = `${referenceFor(form, testCase)}\n\n${filledPlaceholderFor(form, testCase)}`;
		written.set(key, text);
	}
	return text;
}

const IMAGES_PER_CASE = 2;

/** Images of a document holding the whole corpus, by case; undefined when they do not add up. */
function byCase<T>(all: readonly T[]): T[][] | undefined {
	return all.length === CASES.length * IMAGES_PER_CASE ? CASES.map((_, index) => all.slice(index * IMAGES_PER_CASE, (index + 1) * IMAGES_PER_CASE)) : undefined;
}

/** The file a browser loads for `src` in the document at `documentPath`. */
function resolveAsBrowser(src: string, documentPath: string): string {
	const url = new URL(src, pathToFileURL(documentPath));
	assert.equal(url.protocol, 'file:', `${JSON.stringify(src)} is a path, not a URL with its own scheme`);
	return fileURLToPath(url);
}

type Parse5 = typeof import('parse5');
type Parse5Node = { nodeName: string; attrs?: { name: string; value: string }[]; childNodes?: Parse5Node[]; content?: Parse5Node };

/** The `<img>` elements of an HTML page, as a browser's parser reads them. */
function imagesInHtml(parse5: Parse5, html: string): Parsed[] {
	const found: Parsed[] = [];
	const visit = (node: Parse5Node): void => {
		if (node.nodeName === 'img') {
			const attribute = (name: string) => node.attrs?.find(entry => entry.name === name)?.value;
			found.push({ src: attribute('src') ?? '', alt: attribute('alt') ?? '' });
		}
		for (const child of node.childNodes ?? []) {
			visit(child);
		}
		if (node.content) {
			visit(node.content);
		}
	};
	visit(parse5.parse(html) as unknown as Parse5Node);
	return found;
}

/** Every reference in a document of its own; the parser reads all of them, in order. */
function assertRoundTrips(form: Form, parsed: readonly (readonly Parsed[])[]): void {
	const failures: string[] = [];
	const failedCases = new Set<number>();
	const fail = (index: number, message: string) => {
		failedCases.add(index);
		failures.push(message);
	};
	CASES.forEach((testCase, index) => {
		const images = parsed[index];
		const written = writtenFor(form, testCase);
		if (images.length !== IMAGES_PER_CASE) {
			fail(index, `${JSON.stringify(written)}: ${images.length} images`);
			return;
		}
		for (const image of images) {
			let resolved: string;
			try {
				resolved = resolveAsBrowser(image.src, `${testCase.documentPath}.${form.extension}`);
			} catch (error) {
				fail(index, `${JSON.stringify(written)}: src ${JSON.stringify(image.src)} does not resolve (${(error as Error).message})`);
				continue;
			}
			if (resolved !== testCase.file) {
				fail(index, `${JSON.stringify(written)}: src ${JSON.stringify(image.src)} is ${JSON.stringify(resolved)}, not ${JSON.stringify(testCase.file)}`);
			}
			if (image.alt !== normalizeAltText(testCase.alt)) {
				fail(index, `${JSON.stringify(written)}: alt ${JSON.stringify(image.alt)}, not ${JSON.stringify(normalizeAltText(testCase.alt))}`);
			}
		}
	});
	assert.deepEqual(failures.slice(0, 15), [], `${failedCases.size} of ${CASES.length} cases do not round-trip (${failures.length} failures)`);
}

const FORMS: Record<string, Form> = {
	markdown: { name: 'Markdown, markdown links', kind: 'markdown', linkStyle: 'markdown', extension: 'md' },
	markdownHtml: { name: 'Markdown, HTML links', kind: 'markdown', linkStyle: 'html', extension: 'md' },
	html: { name: 'HTML', kind: 'html', linkStyle: 'markdown', extension: 'html' },
	mdx: { name: 'MDX, markdown links', kind: 'mdx', linkStyle: 'markdown', extension: 'mdx' },
	mdxHtml: { name: 'MDX, JSX links', kind: 'mdx', linkStyle: 'html', extension: 'mdx' },
	restructuredtext: { name: 'reStructuredText', kind: 'restructuredtext', linkStyle: 'markdown', extension: 'rst' },
	asciidoc: { name: 'AsciiDoc', kind: 'asciidoc', linkStyle: 'markdown', extension: 'adoc' },
};

/** A document with one reference between ordinary paragraphs. */
function markdownDocument(reference: string): string {
	return `Text before.\n\n${reference}\n\nText after.\n`;
}

suite('every link form round-trips through its format\'s reference parser', () => {
	let parse5: Parse5;
	suiteSetup(async () => {
		parse5 = await import('parse5');
	});

	test(`the corpus: at least 200 hostile file names and 50 hostile alt texts, in ${FOLDERS.length} folders at several depths`, () => {
		assert.ok(hostileNames().length >= 200, `${hostileNames().length} names`);
		assert.ok(hostileAlts().length >= 50, `${hostileAlts().length} alt texts`);
		assert.equal(CASES.length, Math.max(hostileNames().length, hostileAlts().length));
	});

	for (const form of [FORMS.markdown, FORMS.markdownHtml]) {
		test(`${form.name}: markdown-it`, () => {
			const markdownIt = new MarkdownIt({ html: true });
			assertRoundTrips(form, CASES.map(testCase => imagesInHtml(parse5, markdownIt.render(markdownDocument(writtenFor(form, testCase))))));
		});

		test(`${form.name}: commonmark.js`, () => {
			const parser = new Parser();
			const renderer = new HtmlRenderer();
			assertRoundTrips(form, CASES.map(testCase => imagesInHtml(parse5, renderer.render(parser.parse(markdownDocument(writtenFor(form, testCase)))))));
		});
	}

	test('HTML: parse5', () => {
		assertRoundTrips(FORMS.html, CASES.map(testCase => imagesInHtml(parse5, `<!doctype html><title>t</title><p>Text before.</p>\n${writtenFor(FORMS.html, testCase)}\n<p>Text after.</p>`)));
	});

	for (const form of [FORMS.mdx, FORMS.mdxHtml]) {
		test(`${form.name}: @mdx-js/mdx, compiled and run`, async () => {
			const { evaluate } = await import('@mdx-js/mdx');
			type Element = { type: unknown; props: { src?: string; alt?: string; children?: unknown } };
			const jsx = (type: unknown, props: Element['props']): Element => ({ type, props });
			const imagesOf = (node: unknown, found: Parsed[] = []): Parsed[] => {
				if (Array.isArray(node)) {
					node.forEach(child => imagesOf(child, found));
				} else if (node && typeof node === 'object' && 'props' in node) {
					const element = node as Element;
					if (element.type === 'img') {
						found.push({ src: element.props.src ?? '', alt: element.props.alt ?? '' });
					}
					imagesOf(element.props.children, found);
				}
				return found;
			};
			const parseOne = async (source: string): Promise<Parsed[]> => {
				try {
					const module = await evaluate(source, { Fragment: 'fragment', jsx, jsxs: jsx, development: false } as unknown as Parameters<typeof evaluate>[1]);
					return imagesOf((module.default as (props: object) => unknown)({}));
				} catch {
					return [];
				}
			};
			// One document for the whole corpus (MDX compiles slowly); each case on its own when that one does not read back.
			const all = await parseOne(CASES.map(testCase => markdownDocument(writtenFor(form, testCase))).join('\n'));
			const parsed = byCase(all) ?? await Promise.all(CASES.map(testCase => parseOne(markdownDocument(writtenFor(form, testCase)))));
			assertRoundTrips(form, parsed);
		});
	}

	test('reStructuredText: docutils', () => {
		// One Python process for the whole corpus: each document's images' uri and alt, as docutils reads them.
		const script = [
			'import json, sys',
			'from docutils import nodes',
			'from docutils.core import publish_doctree',
			'settings = {"report_level": 5, "halt_level": 5, "warning_stream": False, "file_insertion_enabled": False, "raw_enabled": False}',
			'out = []',
			'for source in json.load(sys.stdin):',
			'    tree = publish_doctree(source, settings_overrides=settings)',
			'    out.append([{"src": image.get("uri", ""), "alt": image.get("alt", "")} for image in tree.findall(nodes.image)])',
			'json.dump(out, sys.stdout)',
		].join('\n');
		const parse = (sources: string[]): Parsed[][] => {
			const result = spawnSync('python3', ['-c', script], { input: JSON.stringify(sources), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });
			assert.equal(result.status, 0, `docutils (Debian: python3-docutils) runs: ${result.stderr}`);
			return JSON.parse(result.stdout) as Parsed[][];
		};
		const documents = CASES.map(testCase => `Text before.\n\n${writtenFor(FORMS.restructuredtext, testCase)}\n\nText after.\n`);
		// The whole corpus in one document (docutils takes ~30 ms a document); each case on its own when that one does not read back.
		const [all] = parse([documents.join('\n')]);
		assertRoundTrips(FORMS.restructuredtext, byCase(all) ?? parse(documents));
	});

	test('AsciiDoc: Asciidoctor.js', async () => {
		const { convert } = await import('@asciidoctor/core');
		const imagesOf = async (source: string) => imagesInHtml(parse5, await convert(source, { safe: 'safe' }) as string);
		const documents = CASES.map(testCase => `Text before.\n\n${writtenFor(FORMS.asciidoc, testCase)}\n\nText after.\n`);
		const all = await imagesOf(documents.join('\n'));
		const parsed = byCase(all) ?? await Promise.all(documents.map(imagesOf));
		assertRoundTrips(FORMS.asciidoc, parsed);
	});

	// What Illustrate writes, Illustrate reads back the same: the placeholder's alt text and the file a kept link names.
	for (const form of Object.values(FORMS)) {
		test(`${form.name}: Illustrate's own reader`, () => {
			const failures: string[] = [];
			const failedCases = new Set<number>();
			const fail = (index: number, message: string) => {
				failedCases.add(index);
				failures.push(message);
			};
			for (const [index, testCase] of CASES.entries()) {
				const written = writtenFor(form, testCase);
				const images = findDocumentImages(markdownDocument(written), form.kind);
				if (images.length !== IMAGES_PER_CASE) {
					fail(index, `${JSON.stringify(written)}: ${images.length} images`);
					continue;
				}
				for (const image of images) {
					const path = linkTargetFilePath(image.url ?? '');
					const documentFolder = testCase.documentPath.slice(0, testCase.documentPath.lastIndexOf('/'));
					const file = path === undefined ? undefined : normalizePath(`${documentFolder}/${path}`);
					if (file !== testCase.file) {
						fail(index, `${JSON.stringify(written)}: target ${JSON.stringify(image.url)} names ${JSON.stringify(file)}, not ${JSON.stringify(testCase.file)}`);
					}
					if (image.alt !== normalizeAltText(testCase.alt)) {
						fail(index, `${JSON.stringify(written)}: alt ${JSON.stringify(image.alt)}, not ${JSON.stringify(normalizeAltText(testCase.alt))}`);
					}
				}
			}
			assert.deepEqual(failures.slice(0, 15), [], `${failedCases.size} of ${CASES.length} cases do not read back (${failures.length} failures)`);
		});
	}
});
