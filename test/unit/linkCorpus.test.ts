import * as assert from 'node:assert/strict';
import { Parser, type Node } from 'commonmark';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { isInside, resolveDestination } from '../../src/core/destination/destination';
import { findDocumentImages } from '../../src/core/documents/documentImages';
import { buildImageReference } from '../../src/core/links/documentKinds';
import { buildMarkdownImage, normalizeAltText, relativePath } from '../../src/core/links/imageLink';
import { insertionEdits, type TextEditSpec } from '../../src/core/markdown/insertion';
import { fileStemFromText } from '../../src/core/naming/fileNames';

/**
 * The whole path from a placeholder to a link, as Illustrate runs it, checked by parsing
 * the result with commonmark.js (the CommonMark reference implementation, independent of
 * the parser Illustrate uses) and resolving the link as a browser would.
 */

interface Case {
	readonly documentPath: string;
	readonly workspaceFolders: readonly string[];
	readonly alt: string;
	readonly destination?: Record<string, string>;
}

function apply(text: string, edits: readonly TextEditSpec[]): string {
	return [...edits].sort((a, b) => b.start - a.start).reduce((result, edit) => result.slice(0, edit.start) + edit.newText + result.slice(edit.end), text);
}

function imagesOf(markdown: string): { alt: string; destination: string }[] {
	const images: { alt: string; destination: string }[] = [];
	const walker = new Parser().parse(markdown).walker();
	let event;
	while ((event = walker.next())) {
		const node: Node = event.node;
		if (event.entering && node.type === 'image') {
			let alt = '';
			const inner = node.walker();
			let step;
			while ((step = inner.next())) {
				if (step.entering && (step.node.type === 'text' || step.node.type === 'code')) {
					alt += step.node.literal ?? '';
				}
			}
			images.push({ alt, destination: node.destination ?? '' });
		}
	}
	return images;
}

function runCase(testCase: Case): void {
	const placeholder = buildMarkdownImage(testCase.alt, '');
	const document = [
		'# Notes',
		'',
		'```markdown',
		placeholder,
		'```',
		'',
		`A decoy in a code span: \`${placeholder}\`.`,
		'',
		'    ' + placeholder,
		'',
		placeholder,
		'',
		'The end.',
		'',
	].join('\n');

	const found = findDocumentImages(document, 'markdown');
	assert.equal(found.length, 1, 'only the real placeholder is an image, none of the decoys in code');
	assert.equal(found[0].alt, normalizeAltText(testCase.alt), 'the placeholder\'s alt text reads back exactly');

	const folder = testCase.workspaceFolders.find(candidate => isInside(testCase.documentPath, candidate));
	const documentFolder = testCase.documentPath.slice(0, testCase.documentPath.lastIndexOf('/')) || '/';
	const file = resolveDestination({ illustrate: testCase.destination }, {
		documentPath: testCase.documentPath,
		workspaceFolderPath: folder,
		workspaceFolderPaths: testCase.workspaceFolders,
		fileName: `${fileStemFromText(testCase.alt)}.png`,
		now: new Date('2026-11-25T12:00:00Z'),
	});
	assert.ok(isInside(file, folder ?? documentFolder), `${file} stays inside ${folder ?? documentFolder}`);
	const path = relativePath(documentFolder, file);
	const reference = buildImageReference({ kind: 'markdown', linkStyle: 'markdown', alt: found[0].alt, path });
	const edits = insertionEdits(document, 'markdown', { kind: 'image', start: found[0].start, alt: found[0].alt }, { references: [reference], firstPath: path }, '\n');
	assert.ok(edits, 'the placeholder is found again');
	const result = apply(document, edits);

	assert.equal(result.split('```markdown\n')[1].split('\n')[0], placeholder, 'the fenced decoy is untouched');
	assert.ok(result.includes(`\`${placeholder}\``), 'the code span decoy is untouched');
	const images = imagesOf(result);
	assert.equal(images.length, 1, 'commonmark.js sees one image');
	assert.equal(images[0].alt, found[0].alt, 'with the intended alt text');
	// As a browser resolves it: relative to the document's own URL, then back to a path.
	const resolved = fileURLToPath(new URL(images[0].destination, pathToFileURL(documentFolder.endsWith('/') ? documentFolder : `${documentFolder}/`)));
	assert.equal(resolved, file, `the link ${images[0].destination} resolves to the saved file`);
}

const ROOT = ['/ws'];
const documents: Array<[string, string]> = [
	['a document at the workspace root', '/ws/README.md'],
	['a nested document', '/ws/docs/guide.md'],
	['folders with spaces', '/ws/my docs/draft notes/page.md'],
	['balanced parentheses', '/ws/docs/v2 (beta)/page.md'],
	['an unbalanced parenthesis', '/ws/docs/part (one/page.md'],
	['a closing parenthesis alone', '/ws/docs/one) two/page.md'],
	['brackets', '/ws/docs/[draft]/page.md'],
	['a backslash', '/ws/docs/back\\slash/page.md'],
	['# % & in folder names', '/ws/docs/c#, 100% & more/page.md'],
	['angle brackets and quotes', '/ws/docs/<a> "b" \'c\'/page.md'],
	['CJK', '/ws/文档/使用说明.md'],
	['right-to-left', '/ws/مستندات/دليل.md'],
	['emoji', '/ws/docs/🦊 fox/page.md'],
	['a no-break space', '/ws/docs/no\u00a0break/page.md'],
	['a folder whose name has a colon', '/ws/C:/page.md'],
];
const alts = [
	'a red fox reading a book',
	'brackets [like] these ] and [',
	'a back\\slash and *stars* and _underscores_',
	'ampersand & <tag> &amp; entity',
	'"double" and \'single\' quotes',
	'狐狸在读书',
	'ثعلب يقرأ كتابا',
	'🦊 emoji fox',
	'a # hash, a % percent and a ? question',
	'code `ticks` and an ! exclamation',
	'MDX {braces} and a no\u00a0break space',
];
const destinations: Array<[string, Record<string, string> | undefined]> = [
	['images/ beside the document', undefined],
	['a folder at the workspace root', { '**/*': '/assets/' }],
	['a folder per document', { '**/*': '${documentBaseName}/' }],
	['a folder named after the document\'s folder', { '**/*': '/art/${documentRelativeDirName}/' }],
	['a sibling folder up', { '**/*': '../shared images/' }],
	['a folder with a colon beside the document', { '**/*': 'C:/' }],
];

suite('link corpus: placeholder → saved file → link → parsed back and resolved', () => {
	let count = 0;
	for (const [documentWhat, documentPath] of documents) {
		for (const [index, [destinationWhat, destination]] of destinations.entries()) {
			const alt = alts[(documents.findIndex(entry => entry[1] === documentPath) + index) % alts.length];
			// "a sibling folder up" would leave a root document's workspace folder: not for the root document.
			if (documentPath === '/ws/README.md' && destination?.['**/*'] === '../shared images/') {
				continue;
			}
			count++;
			test(`${documentWhat}, ${destinationWhat}, alt ${JSON.stringify(alt)}`, () => runCase({ documentPath, workspaceFolders: ROOT, alt, destination }));
		}
	}

	test('a multi-root workspace: a leading / is the document\'s own folder', () => runCase({
		documentPath: '/work/blog/posts/first post.md',
		workspaceFolders: ['/work/site', '/work/blog'],
		alt: 'the blog header',
		destination: { '/posts/**/*': '/static/img/' },
	}));

	test('a multi-root workspace: a glob anchored in the other folder does not match', () => runCase({
		documentPath: '/work/site/docs/index.md',
		workspaceFolders: ['/work/site', '/work/blog'],
		alt: 'site diagram',
		destination: { '/posts/**/*': '/static/img/', '**/*': 'figures/' },
	}));

	test('a document outside any workspace folder', () => runCase({ documentPath: '/tmp/loose notes/todo list.md', workspaceFolders: ROOT, alt: 'a todo list', destination: { '**/*': '/images/' } }));

	test('the corpus has at least 60 cases', () => {
		assert.ok(count + 3 >= 60, `${count + 3} cases`);
	});
});
