import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TOOL_DEFINITIONS } from '../../src/core/agents/toolDefinitions';
import { startImageApiServer, type ImageApiServer } from '../server/imageApiServer';
import { callTool, freshFolder, imagePart, KEY, listFiles, readText, sha256, startMcp, writeFiles, type Started } from './mcpHarness';

/**
 * The MCP server as an agent outside VS Code uses it: dist/mcp.js started by the MCP SDK's
 * client over stdio, against the test image API, writing into a real folder.
 */
suite('MCP server: the agent tools over stdio', function () {
	this.timeout(60_000);
	let api: ImageApiServer;
	let workspace: string;
	let history: string;
	let mcp: Started;

	suiteSetup(async () => {
		api = await startImageApiServer({ config: { acceptedKeys: [KEY] } });
	});

	setup(async () => {
		api.reset();
		workspace = freshFolder('illustrate-mcp-ws-');
		history = freshFolder('illustrate-mcp-history-');
		writeFiles(workspace, {
			// JSON with comments and a trailing comma, as VS Code writes and reads it.
			'.vscode/settings.json': '{\n\t// where the docs keep images\n\t"markdown.copyFiles.destination": { "/docs/**": "assets/${documentBaseName}/" },\n\t"illustrate.quality": "low",\n}\n',
			'docs/guide.md': '# Guide\n\nThe request flow:\n\n![request flow]()\n\nMore text.\n',
		});
		mcp = await startMcp({ workspace, history, baseUrl: api.url });
	});

	teardown(() => mcp.close());
	suiteTeardown(() => api.close());

	test('lists the three tools with the input schemas of the core definitions', async () => {
		const { tools } = await mcp.client.listTools();
		assert.deepEqual(tools.map(tool => tool.name), TOOL_DEFINITIONS.map(tool => tool.name));
		for (const tool of tools) {
			const definition = TOOL_DEFINITIONS.find(candidate => candidate.name === tool.name)!;
			assert.deepEqual(tool.inputSchema, definition.inputSchema);
			assert.equal(tool.description, definition.description);
		}
	});

	test('generate_image fills a placeholder: the file where the workspace\'s destination setting says, the link in the document, provenance, history, the image returned', async () => {
		const result = await callTool(mcp.client, 'illustrate_generate_image', { prompt: 'A diagram of the request flow: browser, API, database', document: 'docs/guide.md', placeholder: 'request flow' });
		assert.equal(result.isError, undefined, result.text);
		assert.equal(api.requests.length, 1);
		const request = api.requests[0];
		assert.equal(request.path, '/v1/images/generations');
		assert.equal(request.authorization, `Bearer ${KEY}`);
		assert.deepEqual([request.body.quality, request.body.n, request.body.model], ['low', 1, 'gpt-image-2'], 'the workspace\'s illustrate.quality, one image');
		const saved = 'docs/assets/guide/request-flow.png';
		assert.ok(listFiles(workspace).includes(saved), listFiles(workspace).join(', '));
		const bytes = readFileSync(join(workspace, saved));
		assert.equal(sha256(bytes), request.images[0].sha256, 'the bytes the API sent');
		assert.equal(readText(workspace, 'docs/guide.md'), '# Guide\n\nThe request flow:\n\n![request flow](assets/guide/request-flow.png)\n\nMore text.\n');
		assert.equal(result.text, 'Saved docs/assets/guide/request-flow.png. The placeholder "request flow" in docs/guide.md now links it: ![request flow](assets/guide/request-flow.png) Cost: about $0.006.');
		const image = imagePart(result);
		assert.equal(image.mimeType, 'image/png');
		assert.ok(image.bytes.equals(bytes));
		const manifest = JSON.parse(readText(workspace, 'docs/assets/guide/illustrate-provenance.json')) as { images: Record<string, { prompt: string; model: string; alt: string }> };
		assert.deepEqual(Object.keys(manifest.images), ['request-flow.png']);
		assert.equal(manifest.images['request-flow.png'].prompt, 'A diagram of the request flow: browser, API, database');
		assert.equal(manifest.images['request-flow.png'].alt, 'request flow');
		const kept = listFiles(history);
		assert.equal(kept.filter(file => file.endsWith('.png')).length, 1, 'kept in the history first');
		assert.ok(readFileSync(join(history, kept.find(file => file.endsWith('.png'))!)).equals(bytes));
	});

	test('generate_image links from another format (AsciiDoc) at the end, and never overwrites: a taken name gets the next one', async () => {
		writeFiles(workspace, { 'intro.adoc': '= Intro\n\nSome text.\n', 'images/login-screen.png': 'not mine to replace' });
		const result = await callTool(mcp.client, 'illustrate_generate_image', { prompt: 'The login screen of a web app', alt: 'Login screen', document: 'intro.adoc', outputFormat: 'webp' });
		assert.equal(result.isError, undefined, result.text);
		assert.equal(readText(workspace, 'images/login-screen.png'), 'not mine to replace');
		assert.equal(readText(workspace, 'intro.adoc'), '= Intro\n\nSome text.\n\nimage::images/login-screen.webp[Login screen]\n');
		assert.equal(imagePart(result).mimeType, 'image/webp');
		const again = await callTool(mcp.client, 'illustrate_generate_image', { prompt: 'The login screen of a web app', alt: 'Login screen', path: 'images/login-screen.png' });
		assert.equal(again.isError, undefined, again.text);
		assert.match(again.text, /^Saved images\/login-screen-1\.png\. No document was changed: .*!\[Login screen\]\(images\/login-screen-1\.png\) Cost: about \$0\.\d{3}\.$/);
		assert.equal(readText(workspace, 'images/login-screen.png'), 'not mine to replace');
	});

	test('edit_image sends the workspace image and saves the result beside it under a new name, the original untouched', async () => {
		await callTool(mcp.client, 'illustrate_generate_image', { prompt: 'A flow chart', path: 'img/flow.png' });
		const original = readFileSync(join(workspace, 'img/flow.png'));
		const result = await callTool(mcp.client, 'illustrate_edit_image', { path: 'img/flow.png', instruction: 'Make the background white' });
		assert.equal(result.isError, undefined, result.text);
		const edit = api.requests[1];
		assert.equal(edit.path, '/v1/images/edits');
		assert.equal(edit.body.prompt, 'Make the background white');
		assert.equal(edit.files[0].sha256, sha256(original), 'the original went as the image to edit');
		assert.ok(readFileSync(join(workspace, 'img/flow.png')).equals(original), 'the original is untouched');
		assert.equal(sha256(readFileSync(join(workspace, 'img/flow-edited.png'))), edit.images[0].sha256);
		assert.match(result.text, /^Saved img\/flow-edited\.png\. .*!\[flow\]\(img\/flow-edited\.png\) Cost: about \$0\.\d{3}\.$/);
		const refused = await callTool(mcp.client, 'illustrate_edit_image', { path: 'img/missing.png', instruction: 'x' });
		assert.equal(refused.isError, true);
		assert.match(refused.text, /img\/missing\.png does not exist in the workspace folder/);
	});

	test('fill_missing_images fills every placeholder of a document and reports the files', async () => {
		writeFiles(workspace, { 'docs/page.html': '<h1>Page</h1>\n<p><img src="" alt="a red fox"></p>\n<p><img alt="a blue owl"></p>\n<img src="x.png" alt="kept">\n', 'docs/x.png': 'an image that is there' });
		const result = await callTool(mcp.client, 'illustrate_fill_missing_images', { document: 'docs/page.html' });
		assert.equal(result.isError, undefined, result.text);
		assert.equal(api.requests.length, 2, 'one request per placeholder');
		assert.equal(readText(workspace, 'docs/page.html'), '<h1>Page</h1>\n<p><img src="assets/page/a-red-fox.png" alt="a red fox"></p>\n<p><img src="assets/page/a-blue-owl.png" alt="a blue owl"></p>\n<img src="x.png" alt="kept">\n');
		assert.ok(listFiles(workspace).includes('docs/assets/page/a-red-fox.png') && listFiles(workspace).includes('docs/assets/page/a-blue-owl.png'));
		assert.match(result.text, /^Filled 2 of 2 placeholders in docs\/page\.html\.\n- "a red fox": saved docs\/assets\/page\/a-red-fox\.png, linked as <img src="assets\/page\/a-red-fox\.png" alt="a red fox" width="512">\n- "a blue owl": saved docs\/assets\/page\/a-blue-owl\.png, .*\nCost: about \$0\.012\.$/);
		const none = await callTool(mcp.client, 'illustrate_fill_missing_images', { document: 'docs/page.html' });
		assert.match(none.text, /has no empty image links to fill/);
	});

	test('fill_missing_images fills a link to a missing diagram.svg as an SVG at that path, asked of a model that draws SVG', async () => {
		writeFiles(workspace, { 'docs/flows.md': '# Flows\n\n![a flow diagram of a request](diagram.svg)\n\n![a red fox]()\n' });
		const result = await callTool(mcp.client, 'illustrate_fill_missing_images', { document: 'docs/flows.md' });
		assert.equal(result.isError, undefined, result.text);
		assert.deepEqual(api.requests.map(request => [request.body.prompt, request.body.output_format ?? 'png']), [['a flow diagram of a request', 'svg'], ['a red fox', 'png']]);
		assert.notEqual(api.requests[0].body.model, 'gpt-image-2', 'gpt-image-2 draws no SVG: a model that does');
		assert.match(readFileSync(join(workspace, 'docs/diagram.svg'), 'utf8'), /<svg[\s>]/);
		assert.equal(readText(workspace, 'docs/flows.md'), '# Flows\n\n![a flow diagram of a request](diagram.svg)\n\n![a red fox](assets/flows/a-red-fox.png)\n', 'the SVG\'s link is kept as it was');
		assert.match(result.text, /^Filled 2 of 2 placeholders in docs\/flows\.md\.\n- "a flow diagram of a request": saved docs\/diagram\.svg/);
	});

	test('a cancelled call writes nothing into the workspace', async () => {
		api.configure({ holdFinals: true });
		const before = listFiles(workspace);
		const abort = new AbortController();
		let previewed!: (message: string | undefined) => void;
		const preview = new Promise<string | undefined>(resolve => {
			previewed = resolve;
		});
		const call = mcp.client.callTool({ name: 'illustrate_generate_image', arguments: { prompt: 'A diagram', document: 'docs/guide.md', placeholder: 'request flow' } }, undefined, {
			signal: abort.signal,
			onprogress: ({ message }) => previewed(message),
		});
		// The request is at the server and streaming (its final held back) when the first preview is reported.
		assert.equal(await preview, 'Preview 1 arrived.');
		abort.abort();
		await assert.rejects(call, /abort/i);
		await mcp.logged(/illustrate_generate_image cancelled after \d+ ms/);
		api.releaseFinals();
		assert.equal(api.requests.length, 1);
		assert.deepEqual(listFiles(workspace), before);
		assert.equal(readText(workspace, 'docs/guide.md'), '# Guide\n\nThe request flow:\n\n![request flow]()\n\nMore text.\n');
	});

	test('input errors are tool errors that say what to change, and nothing is sent', async () => {
		for (const [args, message] of [
			[{ prompt: 'x', document: '../outside.md' }, /may not climb out of the workspace folder/],
			[{ prompt: 'x', size: '1000x1000' }, /Nothing was generated or charged: Width and height must both be multiples of 16 for gpt-image-2; try 1008x1008\./],
			[{ prompt: 'x', document: 'docs/guide.md', placeholder: 'no such thing' }, /docs\/guide\.md has no empty image link with the alt text "no such thing"\. Its placeholders are: "request flow"/],
			[{ prompt: 'x', document: 'docs/none.md' }, /docs\/none\.md does not exist/],
		] as const) {
			const result = await callTool(mcp.client, 'illustrate_generate_image', args);
			assert.equal(result.isError, true, JSON.stringify(args));
			assert.match(result.text, message);
		}
		assert.equal(api.requests.length, 0);
	});
});
