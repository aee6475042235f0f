import * as assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { waitFor } from '../harness/waitFor';
import type { GenerateCommandResult } from '../../src/commands/generateCommands';
import { tmpdir } from 'node:os';
import type { ArrivedPixels } from '../../src/core/generation/batchRunner';
import { readImageInfo } from '../../src/core/images/imageInfo';
import type { ImageRequestOptions } from '../../src/core/models/validation';
import { ImageStore } from '../../src/history/imageStore';
import { ApiKeys } from '../../src/providers/apiKeys';
import { ImageService, type HistoryStore } from '../../src/providers/imageService';
import { api, bytesEqual, closeAllEditors, openFreshDocument, placeCursor, readWorkspaceFile, removeIfPresent, sentImages } from './helpers';

const OPTIONS: ImageRequestOptions = { prompt: 'a weather vane on a barn', model: 'gpt-image-2', size: '1024x1024', quality: 'low', n: 1, outputFormat: 'png' };

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

	/** An ImageService of the test's own, its log lines kept; `local: false` keeps its batches on this thread (a store the worker cannot write). */
	function ownService(local: boolean): { service: ImageService; lines: string[]; dispose: () => Promise<void> } {
		const folder = mkdtempSync(join(tmpdir(), 'illustrate-worker-copies-'));
		const channel = vscode.window.createOutputChannel('Illustrate worker copies tests', { log: true });
		const lines: string[] = [];
		const log = Object.assign(Object.create(channel) as vscode.LogOutputChannel, {
			info: (message: string) => lines.push(message),
			warn: (message: string) => lines.push(message),
			error: (message: string | Error) => lines.push(String(message)),
		});
		const store = new ImageStore(vscode.Uri.file(folder), () => 1024 ** 4, log);
		const keys = new ApiKeys({ get: async () => undefined, onDidChange: new vscode.EventEmitter<vscode.SecretStorageChangeEvent>().event } as unknown as vscode.SecretStorage, { OPENAI_API_KEY: process.env.OPENAI_API_KEY });
		// Without `adopt` the image worker cannot take the batch (as behind a proxy): it runs on this thread.
		const history: HistoryStore = local ? store : { save: (...args) => store.save(...args), read: image => store.read(image), folder: store.folder };
		const service = new ImageService(keys, history, log);
		return { service, lines, dispose: async () => { await service.stopWorker(); store.dispose(); keys.dispose(); channel.dispose(); rmSync(folder, { recursive: true, force: true }); } };
	}

	/** What each pixels message showed: partial index or 'final', format, width, whether it is the card-size copy. */
	function shownOf(pixels: ArrivedPixels[]): unknown[][] {
		return pixels.map(arrived => {
			const info = readImageInfo(arrived.bytes);
			return [arrived.partialIndex ?? 'final', info?.format, info?.width, arrived.cardCopy ?? false];
		});
	}

	test('a panel\'s large images: card-size copies made on the image worker\'s copy thread (dist/copyWorker.js), not by the thread reading the stream; a batch nobody watches (a command, an agent) gets none', async () => {
		// Grain: a 1024×1024 PNG of about 2 MB, which the panel gets as its card-size copy.
		await api().configure({ grain: 8 });
		const { service, lines, dispose } = ownService(true);
		try {
			const pixels: ArrivedPixels[] = [];
			const shown = await service.generate(OPTIONS, undefined, new AbortController().signal, { onImage: () => undefined, onPixels: (_slot, arrived) => pixels.push(arrived) });
			assert.equal(shown.images.length, 1);
			assert.ok(lines.some(line => /runs in the image worker/.test(line)), lines.join('\n'));
			assert.deepEqual(shownOf(pixels).at(-1), ['final', 'jpeg', 744, true]);
			const copies = lines.filter(line => /^Card-size copies: /.test(line));
			assert.equal(copies.length, 1, lines.join('\n'));
			const [, onThread, here] = /(\d+) made on a copy thread, (\d+) in the image worker/.exec(copies[0])!;
			assert.ok(Number(onThread) >= 1, copies[0]);
			assert.equal(Number(here), 0, 'none made by the image worker itself');

			// The worker's log line comes before its batch ends: by now it would be here.
			lines.length = 0;
			const unwatched = await service.generate(OPTIONS, undefined, new AbortController().signal, { onImage: () => undefined });
			assert.equal(unwatched.images.length, 1);
			assert.ok(lines.some(line => /runs in the image worker/.test(line)), lines.join('\n'));
			assert.deepEqual(lines.filter(line => /^Card-size copies: /.test(line)), [], 'no copies for a batch nobody shows');
		} finally {
			await dispose();
		}
	});

	test('a batch on this thread (behind a proxy, a history the worker cannot write): the panel still gets the worker\'s copies, the final as the 744 px JPEG, the file keeps every pixel', async () => {
		await api().configure({ grain: 8 });
		const { service, lines, dispose } = ownService(false);
		try {
			const pixels: ArrivedPixels[] = [];
			const result = await service.generate(OPTIONS, undefined, new AbortController().signal, { onImage: () => undefined, onPixels: (_slot, arrived) => pixels.push(arrived) });
			assert.ok(!lines.some(line => /runs in the image worker/.test(line)), 'the batch ran on this thread');
			assert.deepEqual(shownOf(pixels).at(-1), ['final', 'jpeg', 744, true]);
			// A partial over 256 KB goes as the 372 px draft, a smaller one as it is.
			for (const [index, partial] of shownOf(pixels).slice(0, -1).entries()) {
				const draft = partial[3] === true;
				assert.deepEqual(partial.slice(1), draft ? ['jpeg', 372, true] : ['png', 1024, false], `partial ${partial[0]}`);
				assert.ok(draft || pixels[index].bytes.length <= 256 * 1024, `partial ${partial[0]} of ${pixels[index].bytes.length} bytes went as it is`);
			}
			assert.deepEqual(readImageInfo(await vscode.workspace.fs.readFile(result.images[0].uri)), { format: 'png', width: 1024, height: 1024 });
		} finally {
			await dispose();
		}
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
