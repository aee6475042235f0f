import * as assert from 'node:assert/strict';
import { fillDestination, isInside, matchDestination, resolveDestination, type DestinationContext } from '../../src/core/destination/destination';

const context: DestinationContext = {
	documentPath: '/Users/me/myProject/docs/README.md',
	workspaceFolderPath: '/Users/me/myProject',
	workspaceFolderPaths: ['/Users/me/myProject'],
	fileName: 'image.png',
	now: new Date('2025-06-06T08:40:32.123Z'),
};

suite('destination templates, with the examples of VS Code\'s markdown.copyFiles.destination', () => {
	// Each variable as VS Code's documentation of the setting describes it, with its example values.
	const variables: Array<[string, string]> = [
		['${documentDirName}', '/Users/me/myProject/docs'],
		['${documentRelativeDirName}', 'docs'],
		['${documentFileName}', 'README.md'],
		['${documentBaseName}', 'README'],
		['${documentExtName}', 'md'],
		['${documentFilePath}', '/Users/me/myProject/docs/README.md'],
		['${documentRelativeFilePath}', 'docs/README.md'],
		['${documentWorkspaceFolder}', '/Users/me/myProject'],
		['${fileName}', 'image.png'],
		['${fileExtName}', 'png'],
		['${unixTime}', '1749199232123'],
		['${isoTime}', '2025-06-06T08:40:32.123Z'],
	];
	for (const [variable, value] of variables) {
		test(`${variable} is ${value}`, () => {
			// A relative result is relative to the document's folder; an absolute one stands alone.
			const expected = value.startsWith('/') ? value : `/Users/me/myProject/docs/${value}`;
			assert.equal(fillDestination(variable, context), expected);
			assert.equal(fillDestination(`/x/${variable}.y`, context), `/Users/me/myProject/x/${value.replace(/^\//, '')}.y`);
		});
	}

	const templates: Array<[string, string, string]> = [
		['a folder beside the document', 'images/', '/Users/me/myProject/docs/images/image.png'],
		['a leading / is the workspace folder', '/images/', '/Users/me/myProject/images/image.png'],
		['the workspace folder by variable', '${documentWorkspaceFolder}/images/', '/Users/me/myProject/images/image.png'],
		['a folder per document', '${documentWorkspaceFolder}/images/${documentBaseName}/', '/Users/me/myProject/images/README/image.png'],
		['a file name of its own', 'assets/${documentBaseName}-${fileName}', '/Users/me/myProject/docs/assets/README-image.png'],
		['going up from the document', '../media/', '/Users/me/myProject/media/image.png'],
		['a regex transform', '/assets/${documentRelativeDirName/^docs(.*)$/pages$1/}/', '/Users/me/myProject/assets/pages/image.png'],
		['a transform with escaped slashes', '/assets/${documentRelativeFilePath/\\/README\\.md$/\\/readme/}/', '/Users/me/myProject/assets/docs/readme/image.png'],
		['a first-letter transform', 'images/${documentBaseName/(.).*/$1/}/', '/Users/me/myProject/docs/images/R/image.png'],
		['an escaped $ stays literal', 'images/\\${fileName}', '/Users/me/myProject/docs/images/${fileName}'],
		['an unknown variable stays as written', 'images/${unknown}/', '/Users/me/myProject/docs/images/${unknown}/image.png'],
		['an empty template is the file name beside the document', '', '/Users/me/myProject/docs/image.png'],
	];
	for (const [what, template, expected] of templates) {
		test(`${what}: ${JSON.stringify(template)}`, () => {
			assert.equal(fillDestination(template, context), expected);
		});
	}

	test('a document outside any workspace folder: the workspace folder is the document\'s folder', () => {
		const loose = { ...context, documentPath: '/tmp/notes/todo.md', workspaceFolderPath: undefined, workspaceFolderPaths: [] };
		assert.equal(fillDestination('/images/', loose), '/tmp/notes/images/image.png');
		assert.equal(fillDestination('${documentRelativeDirName}', loose), '/tmp/notes');
	});
});

suite('matching globs against the document, as VS Code does', () => {
	const globs: Array<[string, boolean]> = [
		['**/*', true],
		['**/*.md', true],
		['*.md', true],
		['docs/**/*.md', true],
		['/docs/**/*', true],
		['/docs/*.md', true],
		['**/docs/README.?d', true],
		['**/*.{md,mdx}', true],
		['/api/**/*', false],
		['*.rst', false],
		['/README.md', false],
	];
	for (const [glob, matches] of globs) {
		test(`${glob} ${matches ? 'matches' : 'does not match'} /Users/me/myProject/docs/README.md`, () => {
			assert.equal(matchDestination({ [glob]: 'x/' }, context) !== undefined, matches);
		});
	}

	test('the first matching entry wins', () => {
		assert.equal(matchDestination({ '/api/**/*': 'api/', '**/*.md': 'first/', '**/*': 'second/' }, context), 'first/');
	});

	test('a glob starting with / matches in any workspace folder of a multi-root workspace', () => {
		const multi = { ...context, documentPath: '/work/site/docs/a.md', workspaceFolderPath: '/work/site', workspaceFolderPaths: ['/Users/me/myProject', '/work/site'] };
		assert.equal(matchDestination({ '/docs/**/*': 'hit/' }, multi), 'hit/');
	});
});

suite('resolveDestination', () => {
	test('illustrate.destination first, then markdown.copyFiles.destination, then images/ beside the document', () => {
		assert.equal(resolveDestination({ illustrate: { '**/*': '/art/' }, markdown: { '**/*': '/md/' } }, context), '/Users/me/myProject/art/image.png');
		assert.equal(resolveDestination({ illustrate: { '*.rst': '/art/' }, markdown: { '**/*': '/md/' } }, context), '/Users/me/myProject/md/image.png');
		assert.equal(resolveDestination({}, context), '/Users/me/myProject/docs/images/image.png');
	});
});

suite('isInside', () => {
	test('inside, the folder itself, outside, and escapes through ..', () => {
		assert.equal(isInside('/ws/docs/images/a.png', '/ws'), true);
		assert.equal(isInside('/ws', '/ws'), true);
		assert.equal(isInside('/ws-other/a.png', '/ws'), false);
		assert.equal(isInside('/ws/../etc/passwd', '/ws'), false);
		assert.equal(isInside('/anything', '/'), true);
	});
});
