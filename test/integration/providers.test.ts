import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { GenerateCommandResult } from '../../src/commands/generateCommands';
import { api, closeAllEditors, openFreshDocument, placeCursor, removeIfPresent } from './helpers';

const config = () => vscode.workspace.getConfiguration('illustrate');
const origin = () => process.env.ILLUSTRATE_TEST_SERVER ?? '';

async function generateInto(path: string, args: Record<string, unknown> = {}): Promise<{ editor: vscode.TextEditor; run: Promise<GenerateCommandResult> }> {
	const editor = await openFreshDocument(path, '![a weather vane]()\n');
	placeCursor(editor, '![a');
	return { editor, run: Promise.resolve(vscode.commands.executeCommand<GenerateCommandResult>('illustrate.generateFromAltText', { insert: 'first', variants: 1, quality: 'low', ...args })) };
}

suite('Providers, retries and failures', () => {
	const saved = { ...process.env };

	setup(async () => {
		await api().reset();
		await removeIfPresent('providers');
	});

	teardown(async () => {
		for (const key of ['provider', 'azure.endpoint', 'azure.deployment', 'azure.apiVersion', 'baseUrl', 'model', 'requestTimeoutSeconds']) {
			await config().update(key, undefined, vscode.ConfigurationTarget.Global);
		}
		process.env.OPENAI_API_KEY = saved.OPENAI_API_KEY;
		process.env.OPENAI_BASE_URL = saved.OPENAI_BASE_URL;
		delete process.env.AZURE_OPENAI_API_KEY;
		await closeAllEditors();
	});

	test('Azure OpenAI: the deployment path, the api-version query and the api-key header', async () => {
		await config().update('provider', 'azure', vscode.ConfigurationTarget.Global);
		await config().update('azure.endpoint', origin(), vscode.ConfigurationTarget.Global);
		await config().update('azure.deployment', 'images-prod', vscode.ConfigurationTarget.Global);
		await config().update('azure.apiVersion', '2025-04-01-preview', vscode.ConfigurationTarget.Global);
		process.env.AZURE_OPENAI_API_KEY = 'azure-test-key-0123456789';
		const { run } = await generateInto('providers/azure.md');
		const result = await run;
		assert.equal(result.files.length, 1);
		const [request] = await api().requests();
		assert.equal(request.rawPath, '/openai/deployments/images-prod/images/generations');
		assert.deepEqual(request.azure, { deployment: 'images-prod', apiVersion: '2025-04-01-preview' });
		assert.equal(request.keyHeader, 'api-key');
		assert.equal(request.authorization, 'api-key azure-test-key-0123456789');
		assert.equal(request.valid, true, request.errors.join('; '));
	});

	test('Azure OpenAI without an endpoint: a message that says which setting is missing', async () => {
		await config().update('provider', 'azure', vscode.ConfigurationTarget.Global);
		process.env.AZURE_OPENAI_API_KEY = 'azure-test-key-0123456789';
		const { run } = await generateInto('providers/azure-missing.md');
		assert.match(await run.then(() => '', (error: Error) => error.message), /illustrate\.azure\.endpoint and illustrate\.azure\.deployment/);
		assert.equal((await api().requests()).length, 0);
	});

	test('an OpenAI-compatible endpoint takes any model name', async () => {
		await api().configure({ anyModel: true });
		await config().update('provider', 'openai-compatible', vscode.ConfigurationTarget.Global);
		await config().update('baseUrl', `${origin()}/v1`, vscode.ConfigurationTarget.Global);
		const { run } = await generateInto('providers/compatible.md', { model: 'acme-diffusion-xl', size: '1000x600' });
		assert.equal((await run).files.length, 1);
		const [request] = await api().requests();
		assert.equal(request.body.model, 'acme-diffusion-xl');
		assert.equal(request.body.size, '1000x600');
	});

	test('a rate limit: waits as retry-after says, tries again, and succeeds', async () => {
		await api().fail({ kind: 'rate_limit', retryAfterSeconds: 1 });
		const started = Date.now();
		const { run } = await generateInto('providers/rate.md');
		assert.equal((await run).files.length, 1);
		const requests = await api().requests();
		assert.deepEqual(requests.map(request => request.status), [429, 200]);
		assert.ok(requests[1].receivedAt - requests[0].receivedAt >= 900, 'it waited the second retry-after asked for');
		assert.ok(Date.now() - started >= 900);
	});

	test('an exhausted quota is not retried, and says so', async () => {
		await api().fail({ kind: 'insufficient_quota' });
		const { editor, run } = await generateInto('providers/quota.md');
		assert.match(await run.then(() => '', (error: Error) => error.message), /no credit left \(insufficient_quota\)/);
		assert.equal((await api().requests()).length, 1);
		assert.equal(editor.document.getText(), '![a weather vane]()\n');
	});

	test('a server error before any image is retried; the second answer is used', async () => {
		await api().fail({ kind: 'service_unavailable' });
		const { run } = await generateInto('providers/503.md');
		assert.equal((await run).files.length, 1);
		assert.deepEqual((await api().requests()).map(request => request.status), [503, 200]);
	});

	test('a dropped connection is not retried: the image may have been charged, and the message says so', async () => {
		await api().fail({ kind: 'drop_connection' });
		const { editor, run } = await generateInto('providers/drop.md');
		assert.match(await run.then(() => '', (error: Error) => error.message), /dropped before the image arrived\. The image may still have been made and charged, so Illustrate did not retry/);
		assert.equal((await api().requests()).length, 1);
		assert.equal(editor.document.getText(), '![a weather vane]()\n');
	});

	test('a stall past illustrate.requestTimeoutSeconds is given up with a clear message', async function () {
		this.timeout(40_000);
		await config().update('requestTimeoutSeconds', 10, vscode.ConfigurationTarget.Global);
		await api().fail({ kind: 'stall' });
		const { run } = await generateInto('providers/stall.md');
		assert.match(await run.then(() => '', (error: Error) => error.message), /took longer than illustrate\.requestTimeoutSeconds/);
		assert.equal((await api().requests()).length, 1);
	});

	test('an unknown model: not available to this key, with the image models it can use', async () => {
		await api().fail({ kind: 'model_not_found' });
		const { run } = await generateInto('providers/404.md');
		const message = await run.then(() => '', (error: Error) => error.message);
		assert.match(message, /The model "gpt-image-2" is not available to your API key\./);
		assert.match(message, /Image models your key can use: gpt-image-1\.5, gpt-image-2, gpt-image-2-2026-04-21\./);
	});
});
