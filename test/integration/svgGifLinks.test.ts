import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { GenerateCommandResult } from '../../src/commands/generateCommands';
import { readImageInfo } from '../../src/core/images/imageInfo';
import { sanitizeSvg } from '../../src/core/images/svgSanitizer';
import { drawing } from '../fixtures/svg/hostileSvgs';
import { decodeGif } from '../server/gifDecoder';
import { api, bytesEqual, closeAllEditors, openFreshDocument, placeCursor, readWorkspaceFile, removeIfPresent, sentImages, workspaceRoot } from './helpers';

/** An SVG as a hostile endpoint might send it: a script, handlers, foreignObject, a tracking image, around a harmless drawing. */
const HOSTILE = drawing('<script>alert(1)</script><foreignObject><iframe xmlns="http://www.w3.org/1999/xhtml" src="javascript:alert(2)"/></foreignObject>'
	+ '<image href="https://evil.example/track.png" width="1" height="1"/><a href="javascript:alert(3)"><text>link</text></a>', ' onload="alert(4)"');

suite('SVG and GIF from a document link, sanitised', () => {
	setup(async () => {
		await api().reset();
		await removeIfPresent('vectors');
	});

	teardown(async () => {
		await closeAllEditors();
	});

	test('an .svg link: the SVG the endpoint sends is saved sanitised at the link\'s path, and its hover shows it', async () => {
		await api().configure({ svgOverride: HOSTILE });
		const editor = await openFreshDocument('vectors/flow.md', '# Flow\n\n![a flow diagram of a request](diagram.svg)\n');
		placeCursor(editor, '![a flow diagram');
		const result = await vscode.commands.executeCommand<GenerateCommandResult>('illustrate.generateFromAltText', { insert: 'first', quality: 'low' });

		const expected = vscode.Uri.joinPath(workspaceRoot(), 'vectors', 'diagram.svg');
		assert.deepEqual(result.files, [expected.toString()]);
		assert.equal(editor.document.lineAt(2).text, '![a flow diagram of a request](diagram.svg)');
		const [request] = await api().requests();
		assert.equal(request.body.output_format, 'svg');
		assert.notEqual(request.body.stream, true);
		assert.equal(request.status, 200);

		const saved = new TextDecoder().decode(await readWorkspaceFile(expected));
		assert.doesNotMatch(saved, /script|onload|foreignObject|iframe|javascript|evil\.example|alert/i, saved);
		assert.match(saved, /<rect id="keep" x="10" y="10" width="40" height="40" fill="#1e90ff"\/>/, 'the drawing is kept');
		assert.match(saved, /<a><text>link<\/text><\/a>/);
		assert.deepEqual(sanitizeSvg(saved).removed, [], 'what was saved is clean already');
		assert.deepEqual(readImageInfo(new TextEncoder().encode(saved)), { format: 'svg', width: 120, height: 80 });

		await editor.document.save();
		const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, new vscode.Position(2, 4));
		const text = hovers.flatMap(hover => hover.contents).map(content => typeof content === 'string' ? content : (content as vscode.MarkdownString).value).join('\n');
		assert.match(text, /!\[a flow diagram of a request\]\(.*vectors\/diagram\.svg\|width=320\)/, text);
	});

	test('a .gif link with frames and a frame duration: the saved GIF has those frames and delays, byte for byte as sent', async () => {
		const editor = await openFreshDocument('vectors/spinner.md', '![a loading spinner](spinner.gif)\n');
		placeCursor(editor, '![a loading');
		const result = await vscode.commands.executeCommand<GenerateCommandResult>('illustrate.generateFromAltText', { insert: 'first', quality: 'low', frames: 4, frameDurationMs: 300 });

		const expected = vscode.Uri.joinPath(workspaceRoot(), 'vectors', 'spinner.gif');
		assert.deepEqual(result.files, [expected.toString()]);
		const [request] = await api().requests();
		assert.deepEqual([request.body.output_format, request.body.frame_count, request.body.frame_duration_ms], ['gif', 4, 300]);
		const saved = await readWorkspaceFile(expected);
		assert.equal((await sentImages()).filter(sent => bytesEqual(saved, sent.bytes)).length, 1, 'the GIF is saved as sent');
		const gif = decodeGif(saved);
		assert.deepEqual({ frames: gif.frames.length, delays: gif.delaysMs }, { frames: 4, delays: [300, 300, 300, 300] });
		const info = readImageInfo(saved);
		assert.deepEqual(info, { format: 'gif', width: gif.width, height: gif.height, frames: 4 });
	});
});
