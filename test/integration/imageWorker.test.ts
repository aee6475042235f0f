import * as assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { waitFor } from '../harness/waitFor';
import type { GenerateCommandResult } from '../../src/commands/generateCommands';
import { api, bytesEqual, closeAllEditors, openFreshDocument, placeCursor, readWorkspaceFile, removeIfPresent, sentImages } from './helpers';

/** Every Illustrate log file of this run (the output channel's files under the user data folder). */
function illustrateLogs(): string {
	const userData = process.env.ILLUSTRATE_TEST_USER_DATA;
	assert.ok(userData, 'ILLUSTRATE_TEST_USER_DATA is set by the harness');
	const files: string[] = [];
	const walk = (folder: string) => {
		for (const name of existsSync(folder) ? readdirSync(folder) : []) {
			const path = join(folder, name);
			if (statSync(path).isDirectory()) {
				walk(path);
			} else if (name.endsWith('Illustrate.log')) {
				files.push(path);
			}
		}
	};
	walk(join(userData, 'logs'));
	return files.map(file => readFileSync(file, 'utf8')).join('\n');
}

/** The number of the last batch the image worker ran, as the log says (0 before the first). */
function workerBatches(): number {
	return Math.max(0, ...[...illustrateLogs().matchAll(/runs in the image worker \(batch (\d+) there\)/g)].map(match => Number(match[1])));
}

/** Runs `action` and checks, by the log, that its batch went through the image worker. */
async function throughWorker<T>(action: () => Promise<T>): Promise<T> {
	const before = workerBatches();
	const result = await action();
	await waitFor(() => workerBatches() === before + 1, `the log says batch ${before + 1} ran in the image worker`, 20_000);
	return result;
}

async function generateInto(path: string): Promise<{ editor: vscode.TextEditor; run: Promise<GenerateCommandResult> }> {
	const editor = await openFreshDocument(path, '![a weather vane]()\n');
	placeCursor(editor, '![a');
	return { editor, run: Promise.resolve(vscode.commands.executeCommand<GenerateCommandResult>('illustrate.generateFromAltText', { insert: 'first', variants: 1, quality: 'low' })) };
}

/** What the image worker's log says of each batch's card-size copies: made on its copy thread, made by itself. */
function copiesLogged(): { onThread: number; here: number }[] {
	return [...illustrateLogs().matchAll(/Card-size copies: (\d+) made on a copy thread, (\d+) in the image worker\./g)].map(match => ({ onThread: Number(match[1]), here: Number(match[2]) }));
}

const messageOf = (run: Promise<unknown>) => run.then(() => '', (error: Error) => error.message);

suite('The image worker in the Node extension host', () => {
	setup(async () => {
		await api().reset();
		await removeIfPresent('worker');
	});

	teardown(async () => {
		await closeAllEditors();
	});

	test('a generation runs in the image worker: the file holds the bytes as sent, the link goes in', async () => {
		const { editor, run } = await generateInto('worker/fox.md');
		const result = await throughWorker(() => run);
		assert.equal(result.files.length, 1);
		assert.equal(editor.document.lineAt(0).text, '![a weather vane](images/a-weather-vane.png)');
		const saved = await readWorkspaceFile(vscode.Uri.parse(result.files[0]));
		assert.equal((await sentImages()).filter(sent => bytesEqual(saved, sent.bytes)).length, 1);
	});

	test('a large image\'s card-size copies are made on the image worker\'s copy thread (dist/copyWorker.js), not by the thread reading the stream', async () => {
		// Grain: a 1024×1024 PNG of about 2 MB, which the panel gets as its card-size copy.
		await api().configure({ grain: 8 });
		const before = copiesLogged().length;
		const { run } = await generateInto('worker/copies.md');
		assert.equal((await throughWorker(() => run)).files.length, 1);
		await waitFor(() => copiesLogged().length > before, 'the log says where the batch\'s copies were made', 20_000);
		const copies = copiesLogged().at(-1)!;
		assert.ok(copies.onThread >= 1, `made on the copy thread: ${JSON.stringify(copies)}`);
		assert.equal(copies.here, 0, 'none made by the image worker itself');
	});

	test('through the worker, a rate limit waits as retry-after says, tries again and succeeds', async () => {
		await api().fail({ kind: 'rate_limit', retryAfterSeconds: 1 });
		const { run } = await generateInto('worker/rate.md');
		assert.equal((await throughWorker(() => run)).files.length, 1);
		const requests = await api().requests();
		assert.deepEqual(requests.map(request => request.status), [429, 200]);
		assert.ok(requests[1].receivedAt - requests[0].receivedAt >= 900, 'it waited the retry-after asked for');
	});

	test('through the worker, a dropped connection is not retried and says the image may have been charged', async () => {
		await api().fail({ kind: 'drop_connection' });
		const { editor, run } = await generateInto('worker/drop.md');
		assert.match(await throughWorker(() => messageOf(run)), /dropped before the image arrived\. The image may still have been made and charged, so Illustrate did not retry/);
		assert.equal((await api().requests()).length, 1);
		assert.equal(editor.document.getText(), '![a weather vane]()\n');
	});

	test('through the worker, a rejected key gets the same message as before, without the key', async () => {
		await api().fail({ kind: 'invalid_api_key' });
		const { editor, run } = await generateInto('worker/key.md');
		const message = await throughWorker(() => messageOf(run));
		assert.match(message, /OpenAI rejected the API key \(401\)\. Set a valid key with "Illustrate: Set API Key"\./);
		assert.ok(!message.includes(process.env.OPENAI_API_KEY ?? '\u0000'), 'the key is not in the message');
		assert.equal((await api().requests()).length, 1);
		assert.equal(editor.document.getText(), '![a weather vane]()\n');
	});
});
