import * as assert from 'node:assert/strict';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { startImageApiServer, type ImageApiServer } from '../server/imageApiServer';
import { callTool, freshFolder, KEY, listFiles, readText, startMcp, writeFiles, type Started } from './mcpHarness';

/**
 * The MCP server in a workspace that tries to make it write elsewhere or send the key
 * elsewhere: links out of the folder, destination settings that climb out, an endpoint in the
 * workspace's settings, a cost limit the workspace tries to lift. Nothing lands outside.
 */
suite('MCP server: a hostile workspace writes nothing outside it', function () {
	this.timeout(60_000);
	let api: ImageApiServer;
	let elsewhere: ImageApiServer;
	let workspace: string;
	let outside: string;
	let history: string;
	let mcp: Started | undefined;

	const start = async (args: readonly string[] = [], key?: string) => {
		mcp = await startMcp({ workspace, history, baseUrl: api.url, args, ...(key !== undefined ? { key } : {}) });
		return mcp;
	};

	suiteSetup(async () => {
		api = await startImageApiServer({ config: { acceptedKeys: [KEY] } });
		elsewhere = await startImageApiServer();
	});

	setup(() => {
		api.reset();
		elsewhere.reset();
		workspace = freshFolder('illustrate-mcp-hostile-');
		outside = freshFolder('illustrate-mcp-outside-');
		history = freshFolder('illustrate-mcp-history-');
		writeFiles(outside, { 'secret.md': '# not yours\n\n![a placeholder]()\n' });
		writeFiles(workspace, { 'README.md': '# Project\n\n![the logo]()\n' });
	});

	teardown(async () => {
		await mcp?.close();
		mcp = undefined;
	});

	suiteTeardown(async () => {
		await api.close();
		await elsewhere.close();
	});

	test('an images folder linked outside: refused before anything is paid for, nothing written there', async () => {
		symlinkSync(outside, join(workspace, 'images'), 'dir');
		const { client } = await start();
		const result = await callTool(client, 'illustrate_generate_image', { prompt: 'A logo', document: 'README.md', placeholder: 'the logo' });
		assert.equal(result.isError, true);
		assert.match(result.text, /^images\/the-logo\.png leads outside the workspace folder illustrate-mcp-hostile-\w+ through a symbolic link, so Illustrate does not write there\. Nothing was generated\.$/);
		assert.equal(api.requests.length, 0);
		const explicit = await callTool(client, 'illustrate_generate_image', { prompt: 'A logo', path: 'images/logo.png' });
		assert.equal(explicit.isError, true);
		assert.match(explicit.text, /through a symbolic link/);
		assert.deepEqual(listFiles(outside), ['secret.md']);
		assert.equal(readText(workspace, 'README.md'), '# Project\n\n![the logo]()\n');
	});

	test('a link planted at the file\'s name is never written through: the image takes a free name', async () => {
		writeFiles(workspace, { 'images/.keep': '' });
		symlinkSync(join(outside, 'planted.png'), join(workspace, 'images', 'logo.png'));
		const { client } = await start();
		const result = await callTool(client, 'illustrate_generate_image', { prompt: 'A logo', path: 'images/logo.png' });
		assert.equal(result.isError, undefined, result.text);
		assert.match(result.text, /^Saved images\/logo-1\.png\./);
		assert.deepEqual(listFiles(outside), ['secret.md']);
	});

	test('a destination setting that climbs out with ../ is refused before the request, and the workspace\'s baseUrl is ignored', async () => {
		writeFiles(workspace, {
			'.vscode/settings.json': JSON.stringify({ 'illustrate.destination': { '**/*.md': '../escape/' }, 'illustrate.baseUrl': elsewhere.url, 'illustrate.provider': 'openai-compatible' }),
		});
		const started = await start();
		const refused = await callTool(started.client, 'illustrate_generate_image', { prompt: 'A logo', document: 'README.md', placeholder: 'the logo' });
		assert.equal(refused.isError, true);
		assert.match(refused.text, /^The image destination \/.+\/escape\/the-logo\.png is outside the workspace folder illustrate-mcp-hostile-\w+: change illustrate\.destination \(or markdown\.copyFiles\.destination\)\. Nothing was written\. Nothing was generated\.$/);
		assert.equal(api.requests.length + elsewhere.requests.length, 0);
		writeFiles(workspace, { '.vscode/settings.json': JSON.stringify({ 'illustrate.baseUrl': elsewhere.url, 'illustrate.provider': 'openai-compatible' }) });
		const made = await callTool(started.client, 'illustrate_generate_image', { prompt: 'A logo', document: 'README.md', placeholder: 'the logo' });
		assert.equal(made.isError, undefined, made.text);
		assert.equal(api.requests.length, 1, 'the server\'s own endpoint (OPENAI_BASE_URL)');
		assert.equal(elsewhere.requests.length, 0, 'never the workspace\'s, which would get the key');
		assert.match(started.stderr(), /ignored in \.vscode\/settings\.json \(user settings only, never a workspace's\): illustrate\.baseUrl, illustrate\.provider/);
		assert.deepEqual(listFiles(outside), ['secret.md']);
	});

	test('a document linked outside the workspace is neither read nor changed', async () => {
		symlinkSync(join(outside, 'secret.md'), join(workspace, 'notes.md'));
		const { client } = await start();
		for (const [tool, args] of [['illustrate_fill_missing_images', { document: 'notes.md' }], ['illustrate_generate_image', { prompt: 'x', document: 'notes.md' }]] as const) {
			const result = await callTool(client, tool, args);
			assert.equal(result.isError, true, tool);
			assert.match(result.text, /^notes\.md leads outside the workspace folder .* through a symbolic link/);
		}
		assert.equal(api.requests.length, 0);
		assert.equal(readText(outside, 'secret.md'), '# not yours\n\n![a placeholder]()\n');
	});

	test('the workspace can lower the cost limit of --max-cost, never lift it; no key says where to set one', async () => {
		writeFiles(workspace, { '.vscode/settings.json': '{ "illustrate.maxCostPerRequest": 0.01, "illustrate.quality": "high" }' });
		const lowered = await start(['--max-cost', '1']);
		const refused = await callTool(lowered.client, 'illustrate_generate_image', { prompt: 'A logo' });
		assert.equal(refused.isError, true);
		assert.match(refused.text, /^This request is estimated at \$0\.211, above the limit of \$0\.010 per request/);
		await lowered.close();
		writeFiles(workspace, { '.vscode/settings.json': '{ "illustrate.maxCostPerRequest": 100 }' });
		const capped = await start(['--max-cost', '0.05']);
		const stillRefused = await callTool(capped.client, 'illustrate_fill_missing_images', { document: 'README.md' });
		assert.equal(stillRefused.isError, true);
		assert.match(stillRefused.text, /above your budget of \$0\.050/);
		await capped.close();
		const keyless = await start([], '');
		const noKey = await callTool(keyless.client, 'illustrate_generate_image', { prompt: 'A logo', quality: 'low' });
		assert.equal(noKey.isError, true);
		assert.match(noKey.text, /^No API key: set OPENAI_API_KEY in the environment of the Illustrate MCP server/);
		assert.equal(api.requests.length, 0);
	});
});
