import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { GenerateCommandResult } from '../../src/commands/generateCommands';
import { api, bytesEqual, closeAllEditors, exists, openFreshDocument, placeCursor, readWorkspaceFile, rejectionOf, removeIfPresent, sentImages, workspaceRoot } from './helpers';

suite('Generate commands, scripted with insert', () => {
	setup(async () => {
		await api().reset();
		await removeIfPresent('notes');
	});

	teardown(async () => {
		await closeAllEditors();
	});

	test('from alt text with insert "first": the placeholder gets the saved file, bytes as sent', async () => {
		const editor = await openFreshDocument('notes/fox.md', '# Fox\n\n![a red fox reading a book]()\n\nMore text.\n');
		placeCursor(editor, '![a red fox');
		const result = await vscode.commands.executeCommand<GenerateCommandResult>('illustrate.generateFromAltText', { insert: 'first', variants: 2, quality: 'low', size: '1024x1024' });

		const expectedUri = vscode.Uri.joinPath(workspaceRoot(), 'notes', 'images', 'a-red-fox-reading-a-book.png');
		assert.deepEqual(result.files, [expectedUri.toString()]);
		assert.equal(editor.document.lineAt(2).text, '![a red fox reading a book](images/a-red-fox-reading-a-book.png)');

		// Two variants: two streaming requests of one image each, sent side by side.
		const requests = await api().requests();
		assert.equal(requests.length, 2);
		for (const request of requests) {
			assert.equal(request.valid, true, request.errors.join('; '));
			assert.equal(request.path, '/v1/images/generations');
			assert.deepEqual(
				{ model: request.body.model, prompt: request.body.prompt, n: request.body.n, quality: request.body.quality, size: request.body.size, stream: request.body.stream, partial_images: request.body.partial_images },
				{ model: 'gpt-image-2', prompt: 'a red fox reading a book', n: 1, quality: 'low', size: '1024x1024', stream: true, partial_images: 2 },
			);
		}
		const saved = await readWorkspaceFile(expectedUri);
		assert.equal((await sentImages()).filter(sent => bytesEqual(saved, sent.bytes)).length, 1, 'the saved file holds exactly the bytes of one image the API sent');
		assert.equal(typeof result.costUsd, 'number');
		assert.ok((result.costUsd ?? 0) > 0);
	});

	test('from a selection with insert "all": each image on its own line after the selection', async () => {
		const editor = await openFreshDocument('notes/flow.md', 'Intro.\n\nThe request flow from browser to API.\nNext paragraph.\n');
		placeCursor(editor, 'request flow from browser', { select: true });
		const result = await vscode.commands.executeCommand<GenerateCommandResult>('illustrate.generateFromSelection', { insert: 'all', variants: 2, quality: 'low' });

		assert.equal(result.files.length, 2);
		assert.equal(editor.document.getText(), [
			'Intro.',
			'',
			'The request flow from browser to API.',
			'',
			'![request flow from browser](images/request-flow-from-browser.png)',
			'',
			'![request flow from browser](images/request-flow-from-browser-1.png)',
			'',
			'Next paragraph.',
			'',
		].join('\n'));
		const sent = await sentImages();
		const matched = new Set<string>();
		for (const file of result.files) {
			const bytes = await readWorkspaceFile(vscode.Uri.parse(file));
			const match = sent.find(image => bytesEqual(bytes, image.bytes));
			assert.ok(match, `${file} holds the bytes of an image the API sent`);
			matched.add(match.requestId);
		}
		assert.equal(matched.size, 2, 'each file is a different image');
	});

	test('never overwrites: an existing file makes the next name -1', async () => {
		const existing = vscode.Uri.joinPath(workspaceRoot(), 'notes', 'images', 'a-lighthouse.png');
		await vscode.workspace.fs.writeFile(existing, new TextEncoder().encode('not an image, keep me'));
		const editor = await openFreshDocument('notes/light.md', '![a lighthouse]()\n');
		placeCursor(editor, '![a light');
		const result = await vscode.commands.executeCommand<GenerateCommandResult>('illustrate.generateFromAltText', { insert: 'first', variants: 1, quality: 'low' });

		assert.equal(vscode.Uri.parse(result.files[0]).path.split('/').pop(), 'a-lighthouse-1.png');
		assert.equal(editor.document.lineAt(0).text, '![a lighthouse](images/a-lighthouse-1.png)');
		assert.equal(new TextDecoder().decode(await readWorkspaceFile(existing)), 'not an image, keep me');
	});

	test('the new file and the link are one undoable edit', async () => {
		const editor = await openFreshDocument('notes/undo.md', '![an owl]()\n');
		placeCursor(editor, '![an');
		const result = await vscode.commands.executeCommand<GenerateCommandResult>('illustrate.generateFromAltText', { insert: 'first', variants: 1, quality: 'low' });
		assert.equal(editor.document.lineAt(0).text, '![an owl](images/an-owl.png)');
		assert.ok(await exists(vscode.Uri.parse(result.files[0])));

		await vscode.window.showTextDocument(editor.document);
		await vscode.commands.executeCommand('undo');
		assert.equal(editor.document.lineAt(0).text, '![an owl]()');
		assert.equal(await exists(vscode.Uri.parse(result.files[0])), false, 'undo removes the file the edit created');
	});

	test('generate with a prompt argument inserts after the cursor line', async () => {
		const editor = await openFreshDocument('notes/cursor.md', 'First line.\nSecond line.\n');
		placeCursor(editor, 'First');
		await vscode.commands.executeCommand('illustrate.generate', { prompt: 'A small paper boat on a calm lake. Watercolour, soft light.', insert: 'first', variants: 1, quality: 'low' });
		assert.equal(editor.document.getText(), 'First line.\n\n![A small paper boat on a calm lake](images/a-small-paper-boat-on-a-calm-lake.png)\n\nSecond line.\n');
	});

	test('a size the model refuses is rejected before any request', async () => {
		const editor = await openFreshDocument('notes/size.md', '![a tree]()\n');
		placeCursor(editor, '![a');
		const message = await rejectionOf('illustrate.generateFromAltText', { insert: 'first', size: '1000x1000' });
		assert.match(message, /multiples of 16/);
		assert.equal((await api().requests()).length, 0);
		assert.equal(editor.document.getText(), '![a tree]()\n');
	});

	test('a retired model is refused with its replacement named, before any request', async () => {
		const editor = await openFreshDocument('notes/retired.md', '![a tree]()\n');
		placeCursor(editor, '![a');
		const message = await rejectionOf('illustrate.generateFromAltText', { insert: 'first', model: 'dall-e-3' });
		assert.match(message, /dall-e-3 was retired on 2026-05-12\. Use gpt-image-2 instead/);
		assert.equal((await api().requests()).length, 0);
	});

	test('an ill-formed argument is rejected with what is wrong', async () => {
		assert.match(await rejectionOf('illustrate.generate', { variants: 0, insert: 'first' }), /"variants" must be a whole number from 1 to 10/);
		assert.match(await rejectionOf('illustrate.generate', { promt: 'typo', insert: 'first' }), /unknown argument "promt"/);
	});

	test('no API key: rejects with a message that says how to set one, and sends nothing', async () => {
		const saved = process.env.OPENAI_API_KEY;
		delete process.env.OPENAI_API_KEY;
		try {
			const editor = await openFreshDocument('notes/nokey.md', '![a cat]()\n');
			placeCursor(editor, '![a');
			const message = await rejectionOf('illustrate.generateFromAltText', { insert: 'first' });
			assert.match(message, /No API key is set for OpenAI\. Set one with "Illustrate: Set API Key"/);
			assert.equal((await api().requests()).length, 0);
		} finally {
			process.env.OPENAI_API_KEY = saved;
		}
	});

	test('a prompt the safety system rejects: a clear message, the document unchanged', async () => {
		await api().fail({ kind: 'moderation_blocked' });
		const editor = await openFreshDocument('notes/blocked.md', '![a forbidden thing]()\n');
		placeCursor(editor, '![a');
		const message = await rejectionOf('illustrate.generateFromAltText', { insert: 'first', quality: 'low' });
		assert.match(message, /safety system rejected this prompt/);
		assert.equal(editor.document.getText(), '![a forbidden thing]()\n');
		assert.equal(await exists(vscode.Uri.joinPath(workspaceRoot(), 'notes', 'images')), false);
	});

	test('the key is sent as a bearer token and never appears in the request body', async () => {
		const editor = await openFreshDocument('notes/key.md', '![a heron]()\n');
		placeCursor(editor, '![a');
		await vscode.commands.executeCommand('illustrate.generateFromAltText', { insert: 'first', variants: 1, quality: 'low' });
		const [request] = await api().requests();
		assert.equal(request.authorization, `Bearer ${process.env.OPENAI_API_KEY}`);
		assert.ok(!JSON.stringify(request.body).includes(process.env.OPENAI_API_KEY ?? '<none>'));
	});
});
