import * as assert from 'node:assert/strict';
import { fileStemFromText, freeFilePath, numberedFileNames, splitFileName } from '../../src/core/naming/fileNames';
import { altTextFromPrompt, MAX_ALT_LENGTH, promptFromText } from '../../src/core/prompt/altText';

suite('fileStemFromText', () => {
	const cases: Array<[string, string]> = [
		['a red fox reading a book', 'a-red-fox-reading-a-book'],
		['A Red Fox!', 'a-red-fox'],
		['  diagram: request -> response (v2)  ', 'diagram-request-response-v2'],
		['Fuchs über Brücke', 'fuchs-über-brücke'],
		['狐狸在读书', '狐狸在读书'],
		['ثعلب يقرأ', 'ثعلب-يقرأ'],
		['🦊🦊', 'image'],
		['', 'image'],
		['con', 'con-image'],
		['LPT1', 'lpt1-image'],
		['a/b\\c:d*e?f"g<h>i|j', 'a-b-c-d-e-f-g-h-i-j'],
		['..', 'image'],
	];
	for (const [text, stem] of cases) {
		test(`${JSON.stringify(text)} → ${stem}`, () => {
			assert.equal(fileStemFromText(text), stem);
		});
	}

	test('cuts long text at a word boundary, at most 60 characters', () => {
		const stem = fileStemFromText('a very long description of a diagram that shows the whole request flow from the browser to the database and back again');
		assert.ok(stem.length <= 60, stem);
		assert.equal(stem, 'a-very-long-description-of-a-diagram-that-shows-the-whole');
	});

	test('a single over-long word is cut at 60 characters', () => {
		assert.equal(fileStemFromText('x'.repeat(80)), 'x'.repeat(60));
	});
});

suite('numberedFileNames', () => {
	test('name, then -1, -2', () => {
		const names = numberedFileNames('fox', 'png');
		assert.deepEqual([names.next().value, names.next().value, names.next().value], ['fox.png', 'fox-1.png', 'fox-2.png']);
	});
});

suite('splitFileName and freeFilePath', () => {
	test('a name splits at its last dot; a leading dot is no extension', () => {
		assert.deepEqual(splitFileName('fox.v2.png'), { stem: 'fox.v2', extension: 'png' });
		assert.deepEqual(splitFileName('.png'), { stem: '.png', extension: '' });
		assert.deepEqual(splitFileName('fox'), { stem: 'fox', extension: '' });
	});

	test('skips names on disk and names this batch took, and takes the one it returns', async () => {
		const onDisk = new Set(['/ws/images/fox.png', '/ws/images/fox-1.png']);
		const taken = new Set(['/ws/images/fox-2.png']);
		const asked: string[] = [];
		const exists = async (path: string) => {
			asked.push(path);
			return onDisk.has(path);
		};
		assert.equal(await freeFilePath('/ws/images/fox.png', taken, exists), '/ws/images/fox-3.png');
		assert.deepEqual(asked, ['/ws/images/fox.png', '/ws/images/fox-1.png', '/ws/images/fox-3.png'], 'a name this batch took is not looked up on disk');
		assert.ok(taken.has('/ws/images/fox-3.png'));
		assert.equal(await freeFilePath('/ws/images/fox.png', taken, exists), '/ws/images/fox-4.png', 'the second image of a batch gets the next name');
	});

	test('an error of the existence check is not taken for a free name', async () => {
		const denied = Object.assign(new Error('EACCES: permission denied'), { code: 'NoPermissions' });
		await assert.rejects(freeFilePath('/ws/images/fox.png', new Set(), async () => { throw denied; }), denied);
	});
});

suite('altTextFromPrompt', () => {
	test('keeps a short prompt as is', () => {
		assert.equal(altTextFromPrompt('a red fox reading a book'), 'a red fox reading a book');
	});

	test('takes the first sentence, without its full stop', () => {
		assert.equal(altTextFromPrompt('A fox at a desk. Warm light, watercolour, 4k, highly detailed.'), 'A fox at a desk');
	});

	test('never longer than 125 characters, cut at a word with an ellipsis', () => {
		const alt = altTextFromPrompt('word '.repeat(100));
		assert.ok([...alt].length <= MAX_ALT_LENGTH, `${alt.length}`);
		assert.ok(alt.endsWith('word…'));
	});

	test('drops markdown decoration from a selection', () => {
		assert.equal(altTextFromPrompt('## The **request** flow\n- from `browser`'), 'The request flow from browser');
	});

	test('handles CJK sentence ends', () => {
		assert.equal(altTextFromPrompt('狐狸在读书。背景是森林。'), '狐狸在读书');
	});

	test('promptFromText trims and refuses blank text', () => {
		assert.equal(promptFromText('  a fox \n'), 'a fox');
		assert.equal(promptFromText(' \n\t'), undefined);
	});
});
