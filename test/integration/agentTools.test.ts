import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { TOOL_DEFINITIONS } from '../../src/core/agents/toolDefinitions';
import { AgentTools, type AgentToolServices } from '../../src/commands/agentTools';
import { DocumentImageIndex } from '../../src/editor/documentPlaceholders';
import { waitFor } from '../harness/waitFor';
import { api, bytesEqual, closeAllEditors, exists, openFreshDocument, placeCursor, readWorkspaceFile, removeIfPresent, sentImages, workspaceRoot } from './helpers';

/** What a tool result part is: text, or data with a MIME type (vscode.LanguageModelDataPart, not in the 1.101 types). */
interface DataPart {
	readonly mimeType: string;
	readonly data: Uint8Array;
}

function textOf(result: vscode.LanguageModelToolResult): string {
	return result.content.filter((part): part is vscode.LanguageModelTextPart => part instanceof vscode.LanguageModelTextPart).map(part => part.value).join('\n');
}

function dataParts(result: vscode.LanguageModelToolResult): DataPart[] {
	return result.content.filter((part): part is DataPart => typeof (part as Partial<DataPart>).mimeType === 'string' && (part as Partial<DataPart>).data instanceof Uint8Array);
}

function invoke(name: string, input: object, token?: vscode.CancellationToken): Thenable<vscode.LanguageModelToolResult> {
	return vscode.lm.invokeTool(name, { input, toolInvocationToken: undefined }, token);
}

async function rejectionOfTool(name: string, input: object, token?: vscode.CancellationToken): Promise<unknown> {
	try {
		await invoke(name, input, token);
	} catch (error) {
		return error;
	}
	assert.fail(`${name} resolved; it should have rejected`);
}

const messageOf = (error: unknown) => error instanceof Error ? error.message : String(error);

function uri(path: string): vscode.Uri {
	return vscode.Uri.joinPath(workspaceRoot(), ...path.split('/'));
}

async function writeDocument(path: string, text: string): Promise<vscode.TextDocument> {
	await vscode.workspace.fs.writeFile(uri(path), new TextEncoder().encode(text));
	return vscode.workspace.openTextDocument(uri(path));
}

async function diskText(path: string): Promise<string> {
	return new TextDecoder().decode(await readWorkspaceFile(uri(path)));
}

/** The saved file holds the bytes of exactly one image the test server sent, and the data part is that image. */
async function assertImageReturned(result: vscode.LanguageModelToolResult, file: vscode.Uri, mimeType = 'image/png'): Promise<void> {
	const saved = await readWorkspaceFile(file);
	assert.equal((await sentImages()).filter(sent => bytesEqual(saved, sent.bytes)).length, 1, 'the file holds an image the API sent');
	const [data, ...more] = dataParts(result);
	assert.equal(more.length, 0, 'one image');
	assert.equal(data?.mimeType, mimeType);
	assert.ok(bytesEqual(data.data, saved), 'the data part is the saved image');
}

suite('Agent tools (vscode.lm)', () => {
	setup(async () => {
		await api().reset();
		await removeIfPresent('agents');
	});

	teardown(async () => {
		const config = vscode.workspace.getConfiguration('illustrate');
		await config.update('maxCostPerRequest', undefined, vscode.ConfigurationTarget.Global);
		await config.update('quality', undefined, vscode.ConfigurationTarget.Global);
		await api().configure({ holdFinals: false });
		await closeAllEditors();
	});

	test('vscode.lm.tools lists the three tools with their input schemas', async () => {
		await vscode.extensions.getExtension('illustrate.illustrate')?.activate();
		for (const definition of TOOL_DEFINITIONS) {
			const tool = vscode.lm.tools.find(candidate => candidate.name === definition.name);
			assert.ok(tool, `${definition.name} is listed`);
			assert.deepEqual(tool.inputSchema, definition.inputSchema);
			assert.equal(tool.description, definition.description);
		}
	});

	test('generate with document and placeholder fills it: the file, the link in the document, the text and the image returned', async () => {
		await writeDocument('agents/architecture.md', '# Architecture\n\n![request flow]()\n\nThe end.\n');
		const result = await invoke('illustrate_generate_image', { prompt: 'A diagram of the request flow from browser to API', document: 'agents/architecture.md', placeholder: 'request flow', quality: 'low' });

		const file = uri('agents/images/request-flow.png');
		assert.ok(await exists(file));
		assert.equal(await diskText('agents/architecture.md'), '# Architecture\n\n![request flow](images/request-flow.png)\n\nThe end.\n', 'the link is in the document, and the document is saved as it was');
		assert.equal(textOf(result), 'Saved agents/images/request-flow.png. The placeholder "request flow" in agents/architecture.md now links it: ![request flow](images/request-flow.png)');
		await assertImageReturned(result, file);
		const [request] = await api().requests();
		assert.equal(request.valid, true, request.errors.join('; '));
		assert.deepEqual({ prompt: request.body.prompt, quality: request.body.quality, n: request.body.n }, { prompt: 'A diagram of the request flow from browser to API', quality: 'low', n: 1 });
	});

	test('generate with document alone: after the cursor when it is the active editor, else at the end; HTML gets an <img>', async () => {
		const editor = await openFreshDocument('agents/cursor.md', 'First line.\nSecond line.\n');
		placeCursor(editor, 'First');
		await invoke('illustrate_generate_image', { prompt: 'A paper boat', alt: 'a paper boat', document: 'agents/cursor.md', quality: 'low' });
		assert.equal(editor.document.getText(), 'First line.\n\n![a paper boat](images/a-paper-boat.png)\n\nSecond line.\n');

		await writeDocument('agents/page.html', '<p>Intro</p>\n');
		const result = await invoke('illustrate_generate_image', { prompt: 'A lighthouse at dusk', alt: 'a lighthouse', document: 'agents/page.html', quality: 'low', outputFormat: 'webp' });
		const text = await diskText('agents/page.html');
		assert.match(text, /^<p>Intro<\/p>\n\n<img src="images\/a-lighthouse\.webp" alt="a lighthouse"[^>]*>\n$/);
		assert.match(textOf(result), /^Saved agents\/images\/a-lighthouse\.webp\. agents\/page\.html now links it: <img src="images\/a-lighthouse\.webp" alt="a lighthouse"/);
		await assertImageReturned(result, uri('agents/images/a-lighthouse.webp'), 'image/webp');
	});

	test('generate with path saves there; an existing file is replaced only if the user says so (declined: a free name beside it)', async () => {
		const result = await invoke('illustrate_generate_image', { prompt: 'A fox icon', path: 'agents/art/fox.png', quality: 'low' });
		assert.match(textOf(result), /^Saved agents\/art\/fox\.png\. No document was changed: put this link where the image belongs \(it is relative to the workspace folder\): !\[A fox icon\]\(agents\/art\/fox\.png\)$/);
		await assertImageReturned(result, uri('agents/art/fox.png'));
		const first = await readWorkspaceFile(uri('agents/art/fox.png'));

		// The test workbench answers the modal question with Cancel: the file is kept, the new image goes beside it.
		const second = await invoke('illustrate_generate_image', { prompt: 'Another fox icon', path: 'agents/art/fox.png', quality: 'low' });
		assert.match(textOf(second), /^Saved agents\/art\/fox-1\.png\./);
		assert.ok(bytesEqual(await readWorkspaceFile(uri('agents/art/fox.png')), first), 'the existing file is unchanged');
		assert.ok(await exists(uri('agents/art/fox-1.png')));
		const manifest = JSON.parse(await diskText('agents/art/illustrate-provenance.json')) as Record<string, unknown>;
		assert.ok(JSON.stringify(manifest).includes('fox-1.png') && JSON.stringify(manifest).includes('Another fox icon'), 'the provenance manifest records the new file');
	});

	test('generate with neither: saved beside the active document by the destination rules, the document unchanged', async () => {
		const editor = await openFreshDocument('agents/notes/active.md', 'Text.\n');
		const result = await invoke('illustrate_generate_image', { prompt: 'An owl', quality: 'low' });
		assert.ok(await exists(uri('agents/notes/images/an-owl.png')));
		assert.equal(editor.document.getText(), 'Text.\n');
		assert.equal(textOf(result), 'Saved agents/notes/images/an-owl.png. No document was changed: put this link where the image belongs (it is relative to the workspace folder): ![An owl](agents/notes/images/an-owl.png)\nFrom agents/notes/active.md the link is: ![An owl](images/an-owl.png)');
	});

	test('a placeholder that is not in the document: the placeholders it has, nothing sent', async () => {
		await writeDocument('agents/wrong.md', '![login screen]()\n![logout screen]()\n');
		const message = messageOf(await rejectionOfTool('illustrate_generate_image', { prompt: 'x', document: 'agents/wrong.md', placeholder: 'signup screen' }));
		assert.equal(message, 'Illustrate: agents/wrong.md has no empty image link with the alt text "signup screen". Its placeholders are: "login screen", "logout screen".');
		assert.equal((await api().requests()).length, 0);
	});

	test('edit saves the result beside the original under a new name; saveAs an existing file, declined, keeps it', async () => {
		await invoke('illustrate_generate_image', { prompt: 'A diagram', path: 'agents/diagram.png', quality: 'low' });
		const original = await readWorkspaceFile(uri('agents/diagram.png'));
		await api().reset();

		const result = await invoke('illustrate_edit_image', { path: 'agents/diagram.png', instruction: 'Make the background white' });
		assert.equal(textOf(result), 'Saved agents/diagram-edited.png. No document was changed: put this link where the image belongs (it is relative to the workspace folder): ![Make the background white](agents/diagram-edited.png)');
		await assertImageReturned(result, uri('agents/diagram-edited.png'));
		const [request] = await api().requests();
		assert.equal(request.path, '/v1/images/edits');
		assert.equal(request.valid, true, request.errors.join('; '));
		assert.equal(request.body.prompt, 'Make the background white');
		assert.ok(bytesEqual(await api().uploadedBytes(request.id, 0), original), 'the original was sent as the image to edit');
		assert.ok(bytesEqual(await readWorkspaceFile(uri('agents/diagram.png')), original), 'the original is unchanged');

		const again = await invoke('illustrate_edit_image', { path: 'agents/diagram.png', instruction: 'Add a title', saveAs: 'agents/diagram.png' });
		assert.match(textOf(again), /^Saved agents\/diagram-1\.png\./);
		assert.ok(bytesEqual(await readWorkspaceFile(uri('agents/diagram.png')), original), 'declined: the original is not replaced');
	});

	test('fill fills every placeholder of a document and returns the files, links and images', async () => {
		await writeDocument('agents/guide.md', '# Guide\n\n![a login form]()\n\nText.\n\n![a logout button]()\n');
		const result = await invoke('illustrate_fill_missing_images', { document: 'agents/guide.md' });
		assert.equal(await diskText('agents/guide.md'), '# Guide\n\n![a login form](images/a-login-form.png)\n\nText.\n\n![a logout button](images/a-logout-button.png)\n');
		const text = textOf(result);
		assert.match(text, /^Filled 2 of 2 placeholders in agents\/guide\.md\./);
		assert.match(text, /- "a login form": saved agents\/images\/a-login-form\.png, linked as !\[a login form\]\(images\/a-login-form\.png\)/);
		assert.match(text, /- "a logout button": saved agents\/images\/a-logout-button\.png, linked as !\[a logout button\]\(images\/a-logout-button\.png\)/);
		assert.equal(dataParts(result).length, 2);
		assert.ok(dataParts(result).every(part => part.mimeType === 'image/png'));
		assert.equal((await api().requests()).length, 2);
	});

	test('fill reports each placeholder that failed, with the reason', async () => {
		await api().fail({ kind: 'moderation_blocked' });
		await writeDocument('agents/failing.md', '![a forbidden thing]()\n');
		const result = await invoke('illustrate_fill_missing_images', { document: 'agents/failing.md' });
		assert.match(textOf(result), /^Filled 0 of 1 placeholders in agents\/failing\.md\.\n- "a forbidden thing": not filled\. .*safety system rejected this prompt/);
		assert.equal(await diskText('agents/failing.md'), '![a forbidden thing]()\n');
	});

	test('a cancelled invocation aborts the request and writes nothing', async () => {
		await api().configure({ holdFinals: true });
		await writeDocument('agents/cancel.md', '![a slow picture]()\n');
		const source = new vscode.CancellationTokenSource();
		const rejected = rejectionOfTool('illustrate_generate_image', { prompt: 'A slow picture', document: 'agents/cancel.md', placeholder: 'a slow picture', quality: 'low' }, source.token);
		await waitFor(async () => (await api().requests()).length > 0, 'the request reached the server', 30_000);
		source.cancel();
		const error = await rejected;
		assert.ok(error instanceof vscode.CancellationError || /cancel/i.test(messageOf(error)), `cancelled: ${messageOf(error)}`);
		await api().releaseFinals();
		assert.equal(await exists(uri('agents/images')), false, 'no image file');
		assert.equal(await diskText('agents/cancel.md'), '![a slow picture]()\n');
		assert.equal((await vscode.workspace.openTextDocument(uri('agents/cancel.md'))).getText(), '![a slow picture]()\n', 'no link');
	});

	test('above illustrate.maxCostPerRequest: refused with what to do, nothing sent', async () => {
		await vscode.workspace.getConfiguration('illustrate').update('maxCostPerRequest', 0.05, vscode.ConfigurationTarget.Global);
		await writeDocument('agents/costly.md', '![a costly picture]()\n');
		const message = messageOf(await rejectionOfTool('illustrate_generate_image', { prompt: 'A costly picture', document: 'agents/costly.md', quality: 'high', size: '1024x1024' }));
		assert.match(message, /^Illustrate: Not sent: the estimated cost \$0\.\d{3} is above the limit of \$0\.050 per request \(illustrate\.maxCostPerRequest\)\. Ask for a lower quality or a smaller size, or ask the user to raise the limit\.$/);
		const fill = messageOf(await rejectionOfTool('illustrate_fill_missing_images', { document: 'agents/costly.md' }));
		assert.match(fill, /above your budget of \$0\.050 \(illustrate\.maxCostPerRequest\)\. Nothing was sent\./);
		assert.equal((await api().requests()).length, 0);
	});

	test('no API key: the message says how to set one, nothing sent', async () => {
		const saved = process.env.OPENAI_API_KEY;
		delete process.env.OPENAI_API_KEY;
		try {
			const message = messageOf(await rejectionOfTool('illustrate_generate_image', { prompt: 'A cat', path: 'agents/cat.png', quality: 'low' }));
			assert.match(message, /^Illustrate: No API key is set for OpenAI\. Set one with "Illustrate: Set API Key"/);
			assert.equal((await api().requests()).length, 0);
		} finally {
			process.env.OPENAI_API_KEY = saved;
		}
	});

	test('an API error is the panel\'s message, and nothing is written', async () => {
		await api().fail({ kind: 'moderation_blocked' });
		await writeDocument('agents/blocked.md', '![a forbidden thing]()\n');
		const message = messageOf(await rejectionOfTool('illustrate_generate_image', { prompt: 'A forbidden thing', document: 'agents/blocked.md', placeholder: 'a forbidden thing', quality: 'low' }));
		assert.match(message, /^Illustrate: .*safety system rejected this prompt/);
		assert.equal(await diskText('agents/blocked.md'), '![a forbidden thing]()\n');
		assert.equal(await exists(uri('agents/images')), false);
	});

	test('an input that breaks the rules: the reason, nothing sent', async () => {
		assert.match(messageOf(await rejectionOfTool('illustrate_generate_image', { prompt: 'x', path: '../outside.png' })), /may not climb out of the workspace folder/);
		assert.match(messageOf(await rejectionOfTool('illustrate_generate_image', { prompt: 'x', path: 'agents/x.png', size: '1000x1000' })), /multiples of 16/);
		assert.equal((await api().requests()).length, 0);
	});

	test('prepareInvocation asks with the model, size, quality, image count, estimate and destination', async () => {
		await vscode.workspace.getConfiguration('illustrate').update('quality', 'medium', vscode.ConfigurationTarget.Global);
		const tools = new AgentTools({ index: new DocumentImageIndex() } as Partial<AgentToolServices> as AgentToolServices);
		const generate = await tools.prepareGenerate({ prompt: 'A diagram of the request flow', document: 'docs/architecture.md', placeholder: 'request flow', size: '1024x1024' });
		assert.equal(generate.confirmationMessages?.title, 'Generate an image with Illustrate?');
		assert.equal(generate.confirmationMessages?.message, '1 image(s) with gpt-image-2, 1024x1024, medium quality. Estimated cost $0.053.\n\nFills the placeholder "request flow" in docs/architecture.md.\n\nPrompt: A diagram of the request flow');
		assert.equal(generate.invocationMessage, 'Generating an image for docs/architecture.md');

		await writeDocument('agents/three.md', '![one]()\n![two]()\n![three]()\n');
		const fill = await tools.prepareFill({ document: 'agents/three.md' });
		assert.equal(fill.confirmationMessages?.title, 'Fill 3 placeholder(s) in agents/three.md with Illustrate?');
		assert.match(String(fill.confirmationMessages?.message), /^3 image\(s\) with gpt-image-2, \S+, medium quality\. Estimated cost \$0\.\d{3}\./);

		// A link to a missing diagram.svg is filled as an SVG: not priced as a PNG, priced from its usage.
		await writeDocument('agents/vectors.md', '![one]()\n![a flow of requests](flow.svg)\n');
		const vectors = await tools.prepareFill({ document: 'agents/vectors.md' });
		assert.match(String(vectors.confirmationMessages?.message), /^2 image\(s\) with gpt-image-2, \S+, medium quality\. Estimated cost \$0\.\d{3}\. 1 SVG or GIF image\(s\) not in the estimate: what they cost is known only after the request, from its usage\./);
		const fillCost = Number(/Estimated cost \$(\d+\.\d+)/.exec(String(fill.confirmationMessages?.message))![1]);
		const vectorsCost = Number(/Estimated cost \$(\d+\.\d+)/.exec(String(vectors.confirmationMessages?.message))![1]);
		assert.ok(Math.abs(vectorsCost - fillCost / 3) < 0.0015, `one PNG's price (${vectorsCost}), a third of three (${fillCost})`);

		const edit = await tools.prepareEdit({ path: 'agents/diagram.png', instruction: 'whiter' });
		assert.equal(edit.confirmationMessages?.title, 'Edit agents/diagram.png with Illustrate?');
		assert.match(String(edit.confirmationMessages?.message), /^1 image\(s\) with gpt-image-2, auto, medium quality\. Estimated cost \$0\.\d{3}\.\n\nSaves the result beside agents\/diagram\.png under a new name; the original is kept\.\n\nPrompt: whiter$/);

		await vscode.workspace.getConfiguration('illustrate').update('maxCostPerRequest', 0.01, vscode.ConfigurationTarget.Global);
		const over = await tools.prepareGenerate({ prompt: 'x', path: 'agents/x.png' });
		assert.equal(over.confirmationMessages, undefined, 'above the limit nothing is asked: the call is refused');
	});
});

suite('Quick fix on placeholders', () => {
	setup(async () => {
		await removeIfPresent('quickfix');
	});

	teardown(async () => {
		await closeAllEditors();
	});

	async function actionsAt(path: string, text: string, marker: string): Promise<vscode.CodeAction[]> {
		const document = await writeDocument(path, text);
		const at = document.positionAt(text.indexOf(marker) + 1);
		return await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, new vscode.Range(at, at), vscode.CodeActionKind.QuickFix.value) ?? [];
	}

	const ours = (actions: vscode.CodeAction[]) => actions.filter(action => action.command?.command === 'illustrate.generateAt');

	test('every document kind: "Generate image for this placeholder", running the code lens\'s command on that image', async () => {
		const cases: [string, string, string][] = [
			['quickfix/a.md', '# A\n\n![a red fox]()\n', '![a red fox]'],
			['quickfix/b.html', '<p>x</p>\n<img alt="a red fox">\n', '<img alt'],
			['quickfix/c.rst', 'Title\n=====\n\n.. image::\n   :alt: a red fox\n', '.. image::'],
			['quickfix/d.adoc', '= Title\n\nimage::[a red fox]\n', 'image::['],
			['quickfix/e.mdx', '# E\n\n![a red fox]()\n', '![a red fox]'],
		];
		for (const [path, text, marker] of cases) {
			const actions = ours(await actionsAt(path, text, marker));
			assert.equal(actions.length, 1, `${path}: one quick fix`);
			const [action] = actions;
			assert.equal(action.title, 'Generate image for this placeholder', path);
			assert.equal(action.kind?.value, vscode.CodeActionKind.QuickFix.value);
			assert.equal((action.command?.arguments?.[0] as vscode.Uri).toString(), uri(path).toString());
			assert.equal(action.command?.arguments?.[1], text.indexOf(marker), `${path}: the image's offset`);
		}
	});

	test('a link to a missing file names the file; an existing image and plain text get none', async () => {
		const missing = ours(await actionsAt('quickfix/missing.md', '![a fox](img/fox.png)\n', '![a fox]'));
		assert.equal(missing[0]?.title, 'Generate image for this placeholder (quickfix/img/fox.png)');
		await vscode.workspace.fs.writeFile(uri('quickfix/img/there.png'), new Uint8Array([0x89, 0x50, 0x4e, 0x47]));
		assert.equal(ours(await actionsAt('quickfix/existing.md', '![there](img/there.png)\n', '![there]')).length, 0);
		assert.equal(ours(await actionsAt('quickfix/plain.md', 'Just text.\n\n![a fox]()\n', 'Just')).length, 0);
	});

	test('with code lenses turned off the quick fix is still there', async () => {
		const config = vscode.workspace.getConfiguration('illustrate');
		await config.update('codeLens', false, vscode.ConfigurationTarget.Global);
		try {
			assert.equal(ours(await actionsAt('quickfix/nolens.md', '![a heron]()\n', '![a heron]')).length, 1);
		} finally {
			await config.update('codeLens', undefined, vscode.ConfigurationTarget.Global);
		}
	});
});
