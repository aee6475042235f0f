import * as assert from 'node:assert/strict';
import { fillDestination, isInside, matchDestination, normalizePath, resolveDestination, type DestinationContext } from '../../src/core/destination/destination';
import { buildImageReference } from '../../src/core/links/documentKinds';
import { relativePath } from '../../src/core/links/imageLink';

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

/*
 * The cases of VS Code's own tests of `markdown.copyFiles.destination`
 * (microsoft/vscode, extensions/markdown-language-features/src/test/copyFile.test.ts,
 * MIT License, Copyright (c) Microsoft Corporation), as data. There the document is
 * test://projects/project/sub/readme.md, whose path is /project/sub/readme.md.
 */
suite('destination templates: VS Code\'s own resolveCopyDestination cases', () => {
	const inWorkspace: DestinationContext = { documentPath: '/project/sub/readme.md', workspaceFolderPath: '/project', workspaceFolderPaths: ['/project'], fileName: 'img.png', now: new Date(0) };
	const noWorkspace: DestinationContext = { ...inWorkspace, workspaceFolderPath: undefined, workspaceFolderPaths: [] };
	const cases: Array<[string, string, DestinationContext, string]> = [
		['Relative destinations should resolve next to document', '${fileName}', inWorkspace, '/project/sub/img.png'],
		['Relative destinations should resolve next to document', './${fileName}', inWorkspace, '/project/sub/img.png'],
		['Relative destinations should resolve next to document', '../${fileName}', inWorkspace, '/project/img.png'],
		['Destination starting with / should go to workspace root', '/${fileName}', inWorkspace, '/project/img.png'],
		['If there is no workspace root, / should resolve to document dir', '/${fileName}', noWorkspace, '/project/sub/img.png'],
		['If path ends in /, we should automatically add the fileName', 'images/', inWorkspace, '/project/sub/images/img.png'],
		['If path ends in /, we should automatically add the fileName', './', inWorkspace, '/project/sub/img.png'],
		['If path ends in /, we should automatically add the fileName', '/', inWorkspace, '/project/img.png'],
		['Basic transform', '${fileName/.png/.gif/}', noWorkspace, '/project/sub/img.gif'],
		['Transforms should support capture groups', '${fileName/(.+)\\.(.+)/$2.$1/}', noWorkspace, '/project/sub/png.img'],
		['Should support escaping snippet variables: escape leading $', '\\${fileName}', noWorkspace, '/project/sub/${fileName}'],
		['Should support escaping snippet variables: escape closing }', '${fileName\\}', noWorkspace, '/project/sub/${fileName\\}'],
		['Transforms should support escaped slashes', '${fileName/(.+)/x\\/y/}.${fileExtName}', noWorkspace, '/project/sub/x/y.png'],
		['Snippet parsing: variables and an escaped one', 'src=${fileName}; escaped=\\${fileName}', { ...noWorkspace, fileName: 'docs/video.mp4' }, '/project/sub/src=docs/video.mp4; escaped=${fileName}'],
		['Snippet parsing: a transform with escaped slashes', '${fileName/docs\\/video/cdn\\/video/}', { ...noWorkspace, fileName: 'docs/video.mp4' }, '/project/sub/cdn/video.mp4'],
		// Its implementation applies a transform only when both pattern and replacement are non-empty.
		['A transform with an empty replacement leaves the value as it is', '${fileName/\\.png//}', noWorkspace, '/project/sub/img.png'],
	];
	for (const [what, template, context, expected] of cases) {
		test(`${what}: ${JSON.stringify(template)}`, () => {
			assert.equal(fillDestination(template, context), expected);
		});
	}

	test('Snippet parsing should remain linear for incomplete transforms', () => {
		const adversarial = '${fileName/' + '\\/'.repeat(26);
		const started = performance.now();
		// The incomplete transform stays as written; the trailing `/` takes the file name, as always.
		assert.equal(fillDestination(adversarial, { ...noWorkspace, fileName: 'docs/video.mp4' }), normalizePath(`/project/sub/${adversarial}docs/video.mp4`));
		assert.ok(performance.now() - started < 100, 'snippet parsing should remain linear');
	});
});

suite('matching globs with VS Code\'s picomatch options ({ dot: true })', () => {
	const cases: Array<[string, string, boolean]> = [
		['**/*', '/Users/me/myProject/.github/README.md', true],
		['**/*.md', '/Users/me/myProject/docs/.draft.md', true],
		['*.md', '/Users/me/myProject/.hidden/notes.md', true],
		['/docs/**/*', '/Users/me/myProject/docs/.vitepress/page.md', true],
		['/docs/*.md', '/Users/me/myProject/docs/.draft.md', true],
		['/docs/*.md', '/Users/me/myProject/docs/sub/page.md', false],
		['docs/*.md', '/Users/me/myProject/other/docs/page.md', true],
	];
	for (const [glob, documentPath, matches] of cases) {
		test(`${glob} ${matches ? 'matches' : 'does not match'} ${documentPath}`, () => {
			assert.equal(matchDestination({ [glob]: 'x/' }, { ...context, documentPath }) !== undefined, matches);
		});
	}
});

suite('a destination whose first segment holds a colon still links as a path', () => {
	test('C:/images/ beside the document: the link is ./C:/images/…, which no renderer reads as a scheme', () => {
		const file = fillDestination('C:/images/', context);
		assert.equal(file, '/Users/me/myProject/docs/C:/images/image.png');
		assert.equal(buildImageReference({ kind: 'markdown', linkStyle: 'markdown', alt: 'a', path: relativePath('/Users/me/myProject/docs', file) }), '![a](./C:/images/image.png)');
	});
});
