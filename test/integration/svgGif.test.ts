import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { FillResult } from '../../src/commands/fillMissingImages';
import type { GenerateCommandResult } from '../../src/commands/generateCommands';
import { decodeGif } from '../server/gifDecoder';
import { api, closeAllEditors, openFreshDocument, placeCursor, readWorkspaceFile, rejectionOf, removeIfPresent, workspaceRoot } from './helpers';

const decoder = new TextDecoder();
const config = () => vscode.workspace.getConfiguration('illustrate');

/** An SVG with every kind of thing the sanitiser removes, and a drawing it keeps. */
const HOSTILE_SVG = '<?xml version="1.0"?><!DOCTYPE svg [<!ENTITY x "boom">]><svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="1024" height="1024" onload="fetch(\'https://evil.example/\')">'
	+ '<script>alert(document.cookie)</script><foreignObject width="10" height="10"><iframe src="https://evil.example/"></iframe></foreignObject>'
	+ '<a xlink:href="javascript:alert(1)"><rect width="100" height="40" fill="#4a7" onclick="alert(2)"/></a>'
	+ '<image href="https://evil.example/track.png" width="1" height="1"/><text x="10" y="30">request</text></svg>';

suite('SVG and GIF', () => {
	setup(async () => {
		await api().reset();
		await removeIfPresent('vector');
	});

	teardown(async () => {
		await config().update('moderation', undefined, vscode.ConfigurationTarget.Global);
		await closeAllEditors();
	});

	test('an SVG link filled from its alt text: one request with no stream to a model that draws SVG, a sanitised diagram.svg at that path', async () => {
		await api().configure({ svgOverride: HOSTILE_SVG });
		const editor = await openFreshDocument('vector/guide.md', '# Guide\n\n![a flow diagram of a request](diagram.svg)\n');
		placeCursor(editor, '![a flow');
		const result = await vscode.commands.executeCommand<GenerateCommandResult>('illustrate.generateFromAltText', { insert: 'first', variants: 1, quality: 'low' });
		const file = vscode.Uri.joinPath(workspaceRoot(), 'vector', 'diagram.svg');
		assert.deepEqual(result.files, [file.toString()]);
		assert.equal(editor.document.lineAt(2).text, '![a flow diagram of a request](diagram.svg)');

		const [request] = await api().requests();
		assert.equal(request.path, '/v1/images/generations');
		assert.equal(request.body.output_format, 'svg');
		assert.equal(request.body.model, 'gpt-image-2.6-sunburst', 'the default gpt-image-2 does not draw SVG');
		assert.equal(request.body.n, 1);
		assert.equal(request.body.stream, false);
		assert.equal('partial_images' in request.body || 'output_compression' in request.body, false);
		assert.equal(request.valid, true);

		const saved = decoder.decode(await readWorkspaceFile(file));
		assert.match(saved, /^(<\?xml version="1\.0" encoding="UTF-8"\?>\n)?<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
		assert.match(saved, /<text[^>]*>request<\/text>/);
		assert.doesNotMatch(saved, /script|onload|onclick|foreignObject|iframe|javascript:|evil\.example|ENTITY|cookie/i);
		assert.ok(result.costUsd !== undefined && result.costUsd > 0, 'the image and its svg_usage are priced');
	});

	test('a GIF of 4 frames at 300 ms from the command argument: a .gif whose decoded frames and delays match', async () => {
		const editor = await openFreshDocument('vector/anim.md', 'Intro.\n');
		placeCursor(editor, 'Intro');
		const result = await vscode.commands.executeCommand<GenerateCommandResult>('illustrate.generate', { prompt: 'a loading spinner turning', outputFormat: 'gif', frames: 4, frameDurationMs: 300, insert: 'first', variants: 1, quality: 'low' });
		assert.equal(result.files.length, 1);
		const file = vscode.Uri.parse(result.files[0]);
		assert.match(file.path, /\/vector\/images\/a-loading-spinner-turning\.gif$/);
		assert.equal(editor.document.lineAt(2).text, '![a loading spinner turning](images/a-loading-spinner-turning.gif)');

		const [request] = await api().requests();
		assert.equal(request.body.output_format, 'gif');
		assert.equal(request.body.frame_count, 4);
		assert.equal(request.body.frame_duration_ms, 300);
		assert.equal(request.body.stream, false);
		assert.equal(request.body.size, '720x720', 'the default 1024x1024 is over the GIF budget: the largest GIF size that fits');

		const gif = decodeGif(await readWorkspaceFile(file));
		assert.equal(gif.frames.length, 4);
		assert.deepEqual(gif.delaysMs, [300, 300, 300, 300]);
		assert.equal(`${gif.width}x${gif.height}`, '720x720');
		assert.notDeepEqual(gif.frames[0], gif.frames[1], 'it animates');
	});

	test('Fill Missing Images fills an .svg and a .gif link in their formats, beside a .png one', async () => {
		const editor = await openFreshDocument('vector/fill.md', '![a request flow](flow.svg)\n\n![a blinking cursor](cursor.gif)\n\n![a red fox](fox.png)\n');
		const result = await vscode.commands.executeCommand<FillResult>('illustrate.fillMissingImages', { confirm: false });
		assert.deepEqual(result.failures, []);
		assert.deepEqual(result.files.map(file => vscode.Uri.parse(file).path.split('/').pop()).sort(), ['cursor.gif', 'flow.svg', 'fox.png']);
		const formats = (await api().requests()).map(request => `${request.body.output_format}:${request.body.model}:${request.body.stream}`).sort();
		assert.deepEqual(formats, ['gif:gpt-image-2.6-sunburst:false', 'png:gpt-image-2:true', 'svg:gpt-image-2.6-sunburst:false']);
		assert.match(decoder.decode(await readWorkspaceFile(vscode.Uri.joinPath(workspaceRoot(), 'vector', 'flow.svg'))), /<svg /);
		assert.equal(decodeGif(await readWorkspaceFile(vscode.Uri.joinPath(workspaceRoot(), 'vector', 'cursor.gif'))).frames.length, 9);
		assert.equal(editor.document.getText(), '![a request flow](flow.svg)\n\n![a blinking cursor](cursor.gif)\n\n![a red fox](fox.png)\n');
	});

	test('illustrate.moderation low goes with a generation; a key without the GIF preview gets a message with the next step', async () => {
		await config().update('moderation', 'low', vscode.ConfigurationTarget.Global);
		await api().configure({ gifAccess: false });
		const editor = await openFreshDocument('vector/denied.md', 'Intro.\n');
		placeCursor(editor, 'Intro');
		const message = await rejectionOf('illustrate.generate', { prompt: 'a blinking cursor', outputFormat: 'gif', insert: 'first', variants: 1, quality: 'low' });
		assert.match(message, /no access to the GIF preview of gpt-image-2\.6-sunburst\. Pick PNG, JPEG or WebP, or ask OpenAI for access to the GIF preview/);
		const [request] = await api().requests();
		assert.equal(request.body.moderation, 'low');
		assert.equal(editor.document.getText(), 'Intro.\n', 'nothing inserted');
	});
});
