import * as assert from 'node:assert/strict';
import picomatch from 'picomatch';
import { parseFillRunState, remainingItems, runItems, type FillRunState } from '../../src/core/workspaceFill/fillRunState';
import { workspacePlaceholders } from '../../src/core/workspaceFill/placeholderIdentity';
import { DOCUMENT_GLOB, documentKindOfPath, enabledPatterns, expandBraces, looksBinary, mayHoldImages, scanExcludeGlob } from '../../src/core/workspaceFill/scanRules';
import { fillModeChoices, parseWorkspaceFillArgs, pickerTitle } from '../../src/core/workspaceFill/workspaceFillArgs';

suite('workspace scan: which documents', () => {
	test('the kinds Illustrate links, by extension', () => {
		assert.deepEqual(['a/README.md', 'b/page.MDX', 'c/index.htm', 'd/guide.rst', 'e/book.adoc', 'f/notes.txt', 'g/.md', 'h/md'].map(documentKindOfPath),
			['markdown', 'mdx', 'html', 'restructuredtext', 'asciidoc', undefined, undefined, undefined]);
		const glob = picomatch(DOCUMENT_GLOB, { dot: true });
		assert.ok(['docs/a.md', 'site/x.html', 'x.asciidoc'].every(path => glob(path)));
		assert.equal(glob('src/a.ts'), false);
	});

	test('files.exclude and search.exclude joined into one flat glob, braces written out', () => {
		const filesExclude = { '**/.git': true, '**/*.{tmp,bak}': true, '**/off': false, '**/*.js': { when: '$(basename).ts' } };
		const searchExclude = { '**/node_modules': true, 'site/generated/**': true, '**/.git': true };
		assert.equal(scanExcludeGlob(filesExclude, searchExclude), '{**/.git,**/*.tmp,**/*.bak,**/node_modules,site/generated/**}');
		const excluded = picomatch(scanExcludeGlob(filesExclude, searchExclude)!, { dot: true });
		assert.ok(excluded('site/generated/api.md'));
		assert.equal(excluded('site/docs/api.md'), false);
		assert.equal(scanExcludeGlob({}, undefined), undefined);
		assert.equal(scanExcludeGlob({ '**/vendor': true }, {}), '**/vendor');
	});

	test('hostile settings values give no patterns', () => {
		for (const value of [null, 'x', 7, ['**/a'], { '': true, '   ': true }, { [`${'a'.repeat(2000)}`]: true }]) {
			assert.deepEqual(enabledPatterns(value), [], JSON.stringify(value)?.slice(0, 40));
		}
	});

	test('nested braces expand, and stop at 256 alternatives', () => {
		assert.deepEqual(expandBraces('a/{b,c{d,e}}/f').sort(), ['a/b/f', 'a/cd/f', 'a/ce/f']);
		assert.deepEqual(expandBraces('plain/**'), ['plain/**']);
		assert.ok(expandBraces('{a,b}{c,d}{e,f}{g,h}{i,j}{k,l}{m,n}{o,p}{q,r}{s,t}').length <= 256 + 2);
	});

	test('a document with no image syntax of its kind is not parsed; every placeholder form passes the check', () => {
		const forms: readonly [Parameters<typeof mayHoldImages>[1], string][] = [
			['markdown', '![a fox]()'], ['markdown', '![a fox][fox]'], ['markdown', '<IMG alt="a fox">'], ['mdx', '<img src="" alt="a fox" />'],
			['html', '<p><Img alt="a fox"></p>'], ['restructuredtext', '.. image::\n   :alt: a fox'], ['restructuredtext', '.. figure::\n   :alt: a fox'], ['asciidoc', 'image::[a fox]'],
		];
		for (const [kind, text] of forms) {
			assert.equal(mayHoldImages(`# Title\n\n${text}\n`, kind), true, `${kind}: ${text}`);
			assert.ok(workspacePlaceholders('file:///a', `# Title\n\n${text}\n`, kind).length <= 1);
		}
		for (const kind of ['markdown', 'mdx', 'html', 'restructuredtext', 'asciidoc'] as const) {
			assert.equal(mayHoldImages('# Title\n\nA page of prose with a [link](https://example.com) and `code`.\n', kind), false, kind);
		}
	});

	test('binary files are told from text', () => {
		assert.equal(looksBinary(new TextEncoder().encode('# Title\n\n![a fox]()\n')), false);
		assert.equal(looksBinary(new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13])), true);
	});
});

suite('workspace fill: the interrupted run kept in the workspace state', () => {
	const placeholders = workspacePlaceholders('file:///site/a.md', 'Intro.\n\n![a fox]()\n\n![a wolf]()\n', 'markdown');
	const state: FillRunState = {
		version: 1, startedAt: '2026-12-03T12:00:00.000Z', model: 'gpt-image-1', size: '1024x1024', quality: 'low', outputFormat: 'png',
		reference: { kind: 'first', image: '2026-12-03T12-00-01-000Z-abcdef12' },
		items: runItems(placeholders).map((item, index) => index === 0 ? { ...item, image: '2026-12-03T12-00-01-000Z-abcdef12', done: true } : item),
	};

	test('a state Illustrate wrote reads back the same, with what is left', () => {
		const read = parseFillRunState(JSON.parse(JSON.stringify(state)));
		assert.deepEqual(read, state);
		assert.deepEqual(remainingItems(read!).map(item => item.alt), ['a wolf']);
	});

	test('anything off in the stored state drops it', () => {
		const item = state.items[1];
		const hostile: unknown[] = [
			undefined, null, 'x', [], { ...state, version: 2 }, { ...state, startedAt: 'yesterday' }, { ...state, items: [] },
			{ ...state, outputFormat: 'bmp' }, { ...state, reference: { kind: 'file', uri: 'not a uri' } }, { ...state, reference: { kind: 'first', image: '../../etc/passwd' } },
			{ ...state, items: [{ ...item, image: '../secret' }] }, { ...state, items: [{ ...item, kind: 'latex' }] },
			{ ...state, items: [{ ...item, document: 'file:///elsewhere.md' }] }, { ...state, items: [{ ...item, identity: { ...item.identity, occurrence: -3 } }] },
			{ ...state, items: [{ ...item, prompt: '' }] }, { ...state, items: [{ ...item, done: 'yes' }] },
			{ ...state, items: Array.from({ length: 50001 }, () => item) },
		];
		for (const value of hostile) {
			assert.equal(parseFillRunState(value), undefined, JSON.stringify(value)?.slice(0, 120));
		}
	});
});

suite('workspace fill: the argument and the choices', () => {
	test('the scripted argument is checked', () => {
		assert.deepEqual(parseWorkspaceFillArgs(undefined), {});
		assert.deepEqual(parseWorkspaceFillArgs({ scheme: 'file', path: '/a' }), {});
		assert.deepEqual(parseWorkspaceFillArgs({ mode: 'batch', confirm: false, include: 'docs/**' }), { mode: 'batch', confirm: false, include: 'docs/**' });
		for (const bad of [{ mode: 'later' }, { confirm: 'no' }, { include: '' }, { include: 7 }, { reference: 'all' }, { colour: 'red' }, 'now', [1]]) {
			assert.throws(() => parseWorkspaceFillArgs(bad), /fillMissingImagesInWorkspace/, JSON.stringify(bad));
		}
	});

	test('now and batch side by side, the batch at half the price', () => {
		const [now, batch] = fillModeChoices(10, 0.04);
		assert.equal(now.mode, 'now');
		assert.equal(now.description, '$0.400');
		assert.equal(batch.mode, 'batch');
		assert.equal(batch.label, 'Batch: half price, within 24 h');
		assert.equal(batch.description, '$0.200');
		assert.equal(pickerTitle(10, 3, 0.04), 'Illustrate: 10 placeholder(s) in 3 document(s): $0.400 now, $0.200 as a batch');
		assert.equal(pickerTitle(2, 1, undefined), 'Illustrate: 2 placeholder(s) in 1 document(s)');
	});
});
