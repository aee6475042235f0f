import * as assert from 'node:assert/strict';
import picomatch from 'picomatch';
import { parseFillRunState, remainingItems, runItems, type FillRunState } from '../../src/core/workspaceFill/fillRunState';
import { customIdOf, findPlaceholders, localLinkTargets, workspacePlaceholders } from '../../src/core/workspaceFill/placeholderIdentity';
import { findDocumentImages } from '../../src/core/documents/documentImages';
import { fillPrice, affordablePrefix } from '../../src/core/cost/fillPrices';
import { fillConfirmation } from '../../src/core/generation/fillReport';
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

	test('links to missing files are placeholders too, each with its format; their identity keeps the target and finds them again', () => {
		const text = '# Flow\n\nThe steps.\n\n![a flow diagram](diagram.svg)\n\n![a flow diagram]()\n\n![a logo](logo.png)\n\n![a loop](anim/loop.gif)\n\n![](empty.png)\n\n![a site](https://example.com/x.png)\n';
		const images = findDocumentImages(text, 'markdown');
		assert.deepEqual(localLinkTargets(images), ['diagram.svg', 'logo.png', 'anim/loop.gif']);
		// logo.png exists: only the links the scan found missing are placeholders.
		const found = workspacePlaceholders('file:///site/a.md', text, 'markdown', undefined, new Set(['diagram.svg', 'anim/loop.gif']), images);
		assert.deepEqual(found.map(placeholder => [placeholder.alt, placeholder.identity.target, placeholder.outputFormat]), [
			['a flow diagram', 'diagram.svg', 'svg'], ['a flow diagram', undefined, undefined], ['a loop', 'anim/loop.gif', 'gif'],
		]);
		assert.deepEqual(found.map(placeholder => placeholder.identity.occurrence), [0, 0, 0], 'a link and a placeholder with the same alt text are no peers');
		assert.notEqual(customIdOf(found[0].identity), customIdOf(found[1].identity));
		assert.deepEqual(workspacePlaceholders('file:///site/a.md', text, 'markdown').map(placeholder => placeholder.alt), ['a flow diagram'], 'without the scan\'s answer: placeholders only');

		// Edited above; the link found again by its target, the placeholder as a placeholder.
		const edited = `A new intro.\n\n${text}`;
		const again = findPlaceholders(edited, 'markdown', found.map(placeholder => placeholder.identity));
		assert.equal(edited.slice(again.get(found[0].identity)!.start, again.get(found[0].identity)!.end), '![a flow diagram](diagram.svg)');
		assert.equal(edited.slice(again.get(found[1].identity)!.start, again.get(found[1].identity)!.end), '![a flow diagram]()');
		assert.equal(edited.slice(again.get(found[2].identity)!.start, again.get(found[2].identity)!.end), '![a loop](anim/loop.gif)');
		// Its link pointed elsewhere meanwhile: gone.
		assert.equal(findPlaceholders(text.replace('diagram.svg', 'flow.svg'), 'markdown', [found[0].identity]).size, 0);
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

	test('a link to a missing file keeps its target and format through the stored state', () => {
		const links = workspacePlaceholders('file:///site/a.md', 'Intro.\n\n![a flow](flow.svg)\n', 'markdown', undefined, new Set(['flow.svg']));
		const stored: FillRunState = { ...state, items: runItems(links) };
		const read = parseFillRunState(JSON.parse(JSON.stringify(stored)));
		assert.deepEqual(read, stored);
		assert.equal(read?.items[0].identity.target, 'flow.svg');
		assert.equal(read?.items[0].outputFormat, 'svg');
	});

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
			{ ...state, items: [{ ...item, outputFormat: 'bmp' }] }, { ...state, items: [{ ...item, identity: { ...item.identity, target: 7 } }] },
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

	const SETTINGS = { model: 'gpt-image-2', quality: 'medium', size: '1024x1024', today: '2026-12-03' };

	test('now and batch side by side, the batch at half the price', () => {
		const price = fillPrice(Array.from({ length: 10 }, () => 'png' as const), SETTINGS);
		const [now, batch] = fillModeChoices(10, price);
		assert.equal(now.mode, 'now');
		assert.equal(now.description, '$0.530');
		assert.equal(batch.mode, 'batch');
		assert.equal(batch.label, 'Batch: half price, within 24 h');
		assert.equal(batch.description, '$0.265');
		assert.equal(pickerTitle(10, 3, price), 'Illustrate: 10 placeholder(s) in 3 document(s): $0.530 now, $0.265 as a batch');
		assert.equal(pickerTitle(2, 1, fillPrice(['png', 'png'], { ...SETTINGS, model: 'my-own-model' })), 'Illustrate: 2 placeholder(s) in 1 document(s)');
	});

	test('each placeholder priced in its own format: an SVG or a GIF link is no PNG, it is priced from its usage afterwards', () => {
		const price = fillPrice(['png', 'svg', 'jpeg', 'gif'], SETTINGS);
		assert.deepEqual(price, { count: 4, nowUsd: 0.106, priced: 2, wholeFile: 2 });
		assert.equal(pickerTitle(4, 2, price), 'Illustrate: 4 placeholder(s) in 2 document(s): $0.106 + 2 SVG/GIF priced from usage now, $0.053 + 2 SVG/GIF priced from usage as a batch');
		assert.equal(pickerTitle(1, 1, fillPrice(['svg'], SETTINGS)), 'Illustrate: 1 placeholder(s) in 1 document(s): 1 SVG/GIF priced from usage');
		const [now, batch] = fillModeChoices(4, price, fillPrice(['png', 'jpeg'], SETTINGS), 2);
		assert.equal(now.description, '$0.106 + 2 SVG/GIF priced from usage');
		assert.equal(batch.description, '$0.053');
		assert.match(batch.detail, /2 SVG\/GIF placeholder\(s\) stay for Now/);

		const confirmation = fillConfirmation({ document: 'guide.md', placeholders: 3, each: 0.053, budget: undefined, model: 'gpt-image-2', quality: 'medium', size: '1024x1024', formats: ['png', 'svg', 'gif'], today: '2026-12-03' });
		assert.equal(confirmation.kind, 'ask');
		assert.equal(confirmation.kind === 'ask' && confirmation.detail, 'Estimated $0.053 (1 × $0.053, medium quality, 1024x1024). 2 SVG or GIF image(s) not in the estimate: what they cost is known only after the request, from its usage.');
		const batchConfirmation = fillConfirmation({ document: '2 document(s)', placeholders: 2, each: undefined, budget: undefined, model: 'gpt-image-2', quality: 'medium', size: '1024x1024', formats: ['png', 'png'], today: '2026-12-03', factor: 0.5 });
		assert.equal(batchConfirmation.kind === 'ask' && batchConfirmation.detail, 'Estimated $0.053 (2 × $0.026, medium quality, 1024x1024).');
	});

	test('the budget takes placeholders in order, each at its own price; an SVG adds nothing ahead', () => {
		assert.equal(affordablePrefix([0.1, undefined, 0.1, 0.1], 0.2), 3);
		assert.equal(affordablePrefix([0.3, undefined], 0.2), 0);
		assert.equal(affordablePrefix([0.1, 0.1], undefined), 2);
		const confirmation = fillConfirmation({ document: 'a.md', placeholders: 4, each: 0.211, budget: 0.25, model: 'gpt-image-2', quality: 'high', size: '1024x1024', formats: ['svg', 'png', 'gif', 'png'], today: '2026-12-03' });
		assert.equal(confirmation.kind === 'ask' && confirmation.count, 3);
	});
});
