import * as assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { sdkBatchApi } from '../../src/batch/batchApiClient';
import { BATCH_RECORDS_KEY, BatchService, type BatchRecordStorage } from '../../src/batch/batchService';
import type { BatchImageOptions } from '../../src/core/batchApi/batchInput';
import type { BatchRecord } from '../../src/core/batchApi/batchRecord';
import { costFromUsage } from '../../src/core/cost/cost';
import { workspacePlaceholders, type WorkspacePlaceholder } from '../../src/core/workspaceFill/placeholderIdentity';
import { ImageStore, type StoredImage } from '../../src/history/imageStore';
import { ApiKeys } from '../../src/providers/apiKeys';
import { ImageService } from '../../src/providers/imageService';
import type { BatchHistory } from '../../src/batch/batchDelivery';
import { ImageInserter } from '../../src/workspace/imageInserter';
import { SettingsService } from '../../src/settings/settingsService';
import { watchEventLoop } from '../harness/eventLoopWatch';
import { waitFor } from '../harness/waitFor';
import { OUTPUT_MARKER } from './index';
import { api, bytesEqual, closeAllEditors, exists, removeIfPresent, workspaceRoot } from './helpers';

const OPTIONS: BatchImageOptions = { model: 'gpt-image-1.5', size: '1024x1024', quality: 'low', outputFormat: 'png' };
const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** Workspace state as VS Code keeps it: values go through JSON, and a new service reads what the last one wrote. */
class JsonMemento implements BatchRecordStorage {
	private readonly values = new Map<string, string>();
	get(key: string): unknown {
		const text = this.values.get(key);
		return text === undefined ? undefined : JSON.parse(text);
	}
	async update(key: string, value: unknown): Promise<void> {
		this.values.set(key, JSON.stringify(value));
	}
}

/** Secret storage with nothing in it: the key comes from OPENAI_API_KEY, as the harness sets it for the test server. */
class NoSecrets implements vscode.SecretStorage {
	private readonly changed = new vscode.EventEmitter<vscode.SecretStorageChangeEvent>();
	readonly onDidChange = this.changed.event;
	async get(): Promise<string | undefined> {
		return undefined;
	}
	async store(): Promise<void> { }
	async delete(): Promise<void> { }
	async keys(): Promise<string[]> {
		return [];
	}
}

async function writeDocument(path: string, text: string): Promise<vscode.Uri> {
	const uri = vscode.Uri.joinPath(workspaceRoot(), path);
	await vscode.workspace.fs.writeFile(uri, encoder.encode(text));
	return uri;
}

/** Edits a document as a user would, and saves it. */
async function editAndSave(uri: vscode.Uri, change: (document: vscode.TextDocument) => [vscode.Range, string]): Promise<void> {
	const document = await vscode.workspace.openTextDocument(uri);
	const edit = new vscode.WorkspaceEdit();
	edit.replace(uri, ...change(document));
	assert.ok(await vscode.workspace.applyEdit(edit));
	assert.ok(await document.save());
}

async function textOf(uri: vscode.Uri): Promise<string> {
	return (await vscode.workspace.openTextDocument(uri)).getText();
}

async function placeholdersOf(uri: vscode.Uri): Promise<WorkspacePlaceholder[]> {
	return workspacePlaceholders(uri.toString(), await textOf(uri), 'markdown');
}

/** The images of a batch's output file at the test server, by custom_id. */
async function outputImages(batchId: string): Promise<Map<string, Uint8Array>> {
	const batch = (await api().batches()).find(candidate => candidate.id === batchId);
	assert.ok(batch?.output_file_id, 'the batch has an output file');
	const text = await (await fetch(`${process.env.OPENAI_BASE_URL}/files/${String(batch.output_file_id)}/content`, { headers: { authorization: `Bearer ${process.env.OPENAI_API_KEY}` } })).text();
	return new Map(text.split('\n').filter(Boolean).map(line => {
		const parsed = JSON.parse(line) as { custom_id: string; response: { body: { data: { b64_json: string }[]; usage: Parameters<typeof costFromUsage>[0] } } };
		return [parsed.custom_id, Buffer.from(parsed.response.body.data[0].b64_json, 'base64')];
	}));
}

/** A log channel that also keeps every line it is given, for a test to read. */
function recordingLog(log: vscode.LogOutputChannel, lines: string[]): vscode.LogOutputChannel {
	return new Proxy(log, {
		get(target, key: keyof vscode.LogOutputChannel) {
			if (key === 'info' || key === 'warn' || key === 'error') {
				return (message: string) => {
					lines.push(message);
					target[key](message);
				};
			}
			const value = target[key];
			return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
		},
	});
}

/** The history entries on disk (each `<id>.json` of the history folder), by prompt. */
async function entriesOnDisk(store: ImageStore, prompts: readonly string[]): Promise<Map<string, string[]>> {
	const found = new Map<string, string[]>(prompts.map(prompt => [prompt, []]));
	for (const [name] of await vscode.workspace.fs.readDirectory(store.folder)) {
		if (name.endsWith('.json')) {
			const entry = JSON.parse(decoder.decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(store.folder, name)))) as { id: string; prompt: string };
			found.get(entry.prompt)?.push(entry.id);
		}
	}
	return found;
}

/** A CPU profile of the extension host's main thread (`--cpu-prof` of the bench), written as a `.cpuprofile` Chrome DevTools opens. */
async function startCpuProfile(): Promise<{ stopInto(file: string): Promise<void> }> {
	const { Session } = await import('node:inspector/promises');
	const { writeFile } = await import('node:fs/promises');
	const session = new Session();
	session.connect();
	await session.post('Profiler.enable');
	await session.post('Profiler.setSamplingInterval', { interval: 500 });
	await session.post('Profiler.start');
	return {
		async stopInto(file) {
			const { profile } = await session.post('Profiler.stop');
			await writeFile(file, JSON.stringify(profile));
			session.disconnect();
		},
	};
}

/**
 * A sampling heap profile of what the extension host's main thread allocates (`--heap-prof` of the
 * bench): a `.heapprofile` Chrome DevTools opens, every allocation sampled, garbage included.
 */
async function startHeapProfile(): Promise<{ stopInto(file: string): Promise<void> }> {
	const { Session } = await import('node:inspector/promises');
	const { writeFile } = await import('node:fs/promises');
	const session = new Session();
	session.connect();
	await session.post('HeapProfiler.enable');
	await session.post('HeapProfiler.startSampling', { samplingInterval: 32_768, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
	return {
		async stopInto(file) {
			const { profile } = await session.post('HeapProfiler.stopSampling');
			await writeFile(file, JSON.stringify(profile));
			session.disconnect();
		},
	};
}

suite('Batch API: a whole batch through the test server', function () {
	this.timeout(120_000);
	let store: ImageStore;
	let log: vscode.LogOutputChannel;
	/** The image service (and its worker) the services read batch files through, as the extension's do. */
	let images: ImageService;
	const logged: string[] = [];
	const services: BatchService[] = [];
	const keys = () => new ApiKeys(new NoSecrets(), { OPENAI_API_KEY: process.env.OPENAI_API_KEY });

	/** A batch service as the extension builds it: its files read in the image worker, unless `worker` is false (the main thread reads them, as in the web). */
	function service(storage: BatchRecordStorage, firstPollMs = 3_600_000, delivered?: (record: BatchRecord) => void, { worker = true, history }: { worker?: boolean; history?: BatchHistory } = {}): BatchService {
		const made = new BatchService({
			storage,
			api: resource => sdkBatchApi(keys(), resource),
			history: history ?? store,
			inserter: new ImageInserter(store, log),
			log,
			firstPollMs,
			...(worker ? { readInWorker: (resource: vscode.Uri | undefined) => (job, signal, onLine) => images.readBatchOutput(job, resource, signal, onLine) } : {}),
			...(delivered ? { onDelivered: delivered } : {}),
		});
		services.push(made);
		return made;
	}

	suiteSetup(() => {
		log = recordingLog(vscode.window.createOutputChannel('Illustrate batch test', { log: true }), logged);
		store = new ImageStore(vscode.Uri.joinPath(workspaceRoot(), '.batch-store'), () => 500 * 1024 * 1024);
		images = new ImageService(keys(), store, log);
	});
	setup(async () => {
		await api().reset();
		await removeIfPresent('batch');
		logged.length = 0;
	});
	teardown(async () => {
		for (const made of services.splice(0)) {
			made.dispose();
		}
		await closeAllEditors();
	});
	suiteTeardown(async () => {
		await images.stopWorker();
		store.dispose();
		log.dispose();
		await removeIfPresent('.batch-store');
	});

	test('three documents: submitted, a reload in the middle, the documents edited meanwhile; images in the history first, then in their places; a gone placeholder and a refused line reported; Retry Failed', async () => {
		const a = await writeDocument('batch/a.md', '# Install\n\nDownload it.\n\n![the installer window]()\n\n# Login\n\nTwo steps.\n\n![the login form]()\n');
		const b = await writeDocument('batch/b.md', '# Logout\n\nIt clears the session.\n\n![the logout button]()\n');
		const c = await writeDocument('batch/c.md', 'Intro.\n\n![a forbidden picture]()\n');
		const items = [...await placeholdersOf(a), ...await placeholdersOf(b), ...await placeholdersOf(c)];
		assert.equal(items.length, 4);

		const storage = new JsonMemento();
		const first = service(storage);
		const { batchId } = await first.submit(items, { options: OPTIONS, estimateEach: 0.011 });
		const [serverBatch] = await api().batches();
		assert.equal(serverBatch.id, batchId);
		assert.equal(serverBatch.endpoint, '/v1/images/generations');
		assert.deepEqual(serverBatch.lines.map(line => line.body.prompt), ['the installer window', 'the login form', 'the logout button', 'a forbidden picture']);
		assert.deepEqual(serverBatch.lines.map(line => line.refused), [null, null, null, null]);
		const stored = storage.get(BATCH_RECORDS_KEY) as BatchRecord[];
		assert.equal(stored[0].id, batchId);
		assert.equal(stored[0].estimateUsd, 0.022, 'the estimate at the batch price, half of 4 × 0.011');

		await api().driveBatch(batchId, { status: 'in_progress' });
		await first.refresh(batchId);
		assert.equal(first.batch(batchId)?.status, 'in_progress');

		// The window goes away while the batch runs; the documents are edited meanwhile.
		first.dispose();
		await editAndSave(a, () => [new vscode.Range(0, 0, 0, 0), '# Welcome\n\nA new first section.\n\n']);
		await editAndSave(b, document => [new vscode.Range(0, 0, document.lineCount, 0), '# Logout\n\nIt clears the session (the picture was dropped).\n']);
		const forbidden = serverBatch.lines[3].custom_id;
		await api().driveBatch(batchId, { status: 'finalizing' });
		await api().driveBatch(batchId, { status: 'completed', failLines: [forbidden] });

		// A new window: the service is built from the stored records alone.
		const delivered: BatchRecord[] = [];
		const second = service(storage, 3_600_000, record => delivered.push(record));
		assert.equal(second.batch(batchId)?.status, 'in_progress');
		await second.refresh(batchId);
		const record = second.batch(batchId);
		assert.ok(record?.delivered, 'delivered');
		assert.equal(delivered.length, 1);
		assert.equal(record.status, 'completed');

		const images = await outputImages(batchId);
		const outcome = (index: number) => record.outcomes[serverBatch.lines[index].custom_id];
		// Every image is in the history, the gone placeholder's too.
		for (const index of [0, 1, 2]) {
			const image = await store.get(outcome(index).imageId ?? '');
			assert.ok(image, `image ${index} is in the history`);
			assert.ok(bytesEqual(await store.read(image), images.get(serverBatch.lines[index].custom_id)!), `image ${index} is byte for byte the batch's`);
		}
		assert.equal(outcome(0).result, 'applied');
		assert.equal(outcome(1).result, 'applied');
		const aText = await textOf(a);
		assert.match(aText, /^# Welcome\n\nA new first section\.\n\n# Install\n\nDownload it\.\n\n!\[the installer window\]\(images\/the-installer-window\.png\)\n\n# Login\n\nTwo steps\.\n\n!\[the login form\]\(images\/the-login-form\.png\)\n$/);
		assert.ok(bytesEqual(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(a, '..', 'images', 'the-login-form.png')), images.get(serverBatch.lines[1].custom_id)!));
		assert.equal((await vscode.workspace.openTextDocument(a)).isDirty, false, 'a document with no unsaved changes is saved with its links');
		assert.equal(outcome(2).result, 'kept');
		assert.match(outcome(2).reason ?? '', /no longer in batch\/b\.md/);
		assert.equal(await textOf(b), '# Logout\n\nIt clears the session (the picture was dropped).\n');
		assert.equal(outcome(3).result, 'failed');
		assert.match(outcome(3).reason ?? '', /safety system rejected this prompt/);
		assert.equal(await textOf(c), 'Intro.\n\n![a forbidden picture]()\n');
		// The batch price: half what the usage of the three images costs now.
		const requested = (await api().batches())[0];
		assert.equal(requested.request_counts && (requested.request_counts as { completed: number }).completed, 3);
		const textTokens = (prompt: string) => Math.max(1, Math.ceil(prompt.length / 4));
		const expected = ['the installer window', 'the login form', 'the logout button'].reduce((sum, prompt) => sum + costFromUsage({ output_tokens: 200, input_tokens_details: { text_tokens: textTokens(prompt), image_tokens: 0 } }) / 2, 0);
		assert.ok(Math.abs((record.costUsd ?? 0) - expected) < 1e-9, `${record.costUsd} ≠ ${expected}`);
		// Reading the stored record again delivers nothing twice.
		assert.equal((storage.get(BATCH_RECORDS_KEY) as BatchRecord[])[0].delivered, true);

		// Retry Failed sends the refused one again, as a batch of its own.
		const retried = await second.retryFailed(batchId);
		assert.ok(retried);
		assert.equal(retried.count, 1);
		const retryBatch = (await api().batches()).find(candidate => candidate.id === retried.batchId);
		assert.deepEqual(retryBatch?.lines.map(line => line.custom_id), [forbidden]);
		assert.equal(await second.retryFailed(batchId), undefined, 'not retried twice');
		await api().driveBatch(retried.batchId, { status: 'in_progress' });
		await api().driveBatch(retried.batchId, { status: 'finalizing' });
		await api().driveBatch(retried.batchId, { status: 'completed' });
		await second.refresh(retried.batchId);
		assert.equal(await textOf(c), 'Intro.\n\n![a forbidden picture](images/a-forbidden-picture.png)\n');
		assert.ok(await exists(vscode.Uri.joinPath(c, '..', 'images', 'a-forbidden-picture.png')));
	});

	test('polled with backoff on its own: Cancel Batch delivers what the batch completed, the rest failed with the reason', async () => {
		const doc = await writeDocument('batch/d.md', '![one]()\n\n![two]()\n\n![three]()\n');
		// Read on the main thread, as where there is no image worker (the web, a proxy).
		const polled = service(new JsonMemento(), 50, undefined, { worker: false });
		const { batchId } = await polled.submit(await placeholdersOf(doc), { options: OPTIONS });
		await api().driveBatch(batchId, { status: 'in_progress' });
		await waitFor(() => polled.batch(batchId)?.status === 'in_progress', 'the poll sees the batch in progress');
		await polled.cancel(batchId);
		assert.equal((await api().batches())[0].status, 'cancelling');
		await api().driveBatch(batchId, { status: 'cancelled', completedLines: 1 });
		await waitFor(() => polled.batch(batchId)?.delivered === true, 'the cancelled batch is delivered', 30_000);
		const record = polled.batch(batchId)!;
		const results = record.entries.map(entry => record.outcomes[entry.customId]);
		assert.deepEqual(results.map(outcome => outcome.result), ['applied', 'failed', 'failed']);
		assert.match(results[1].reason ?? '', /cancelled first/);
		assert.equal(decoder.decode(await vscode.workspace.fs.readFile(doc)), '![one](images/one.png)\n\n![two]()\n\n![three]()\n');
	});

	test('a batch\'s files are read and stored in the image worker: the log says so, the main thread writes no image, the history holds each byte for byte, the error file\'s reason is reported', async () => {
		const doc = await writeDocument('batch/worker/page.md', '![a red kite]()\n\n![a grey heron]()\n\n![a refused bird]()\n');
		let mainThreadSaves = 0;
		const made = service(new JsonMemento(), 3_600_000, undefined, { history: { save: (...args) => (mainThreadSaves++, store.save(...args)), get: id => store.get(id), read: image => store.read(image) } });
		const { batchId } = await made.submit(await placeholdersOf(doc), { options: OPTIONS });
		const [serverBatch] = await api().batches();
		await api().driveBatch(batchId, { status: 'in_progress' });
		await api().driveBatch(batchId, { status: 'finalizing' });
		await api().driveBatch(batchId, { status: 'completed', failLines: [serverBatch.lines[2].custom_id] });
		await made.refresh(batchId);
		const record = made.batch(batchId)!;
		assert.ok(record.delivered);
		assert.ok(logged.some(line => line === `Batch ${batchId}: its output and error file(s) are read in the image worker (3 request(s) without a result yet)`), logged.join('\n'));
		assert.equal(mainThreadSaves, 0, 'no image was written from the main thread');
		const sent = await outputImages(batchId);
		for (const index of [0, 1]) {
			const outcome = record.outcomes[serverBatch.lines[index].custom_id];
			assert.equal(outcome.result, 'applied');
			const image = await store.get(outcome.imageId ?? '');
			assert.ok(image, `image ${index} is in the history`);
			assert.ok(bytesEqual(await store.read(image), sent.get(serverBatch.lines[index].custom_id)!), `image ${index} is byte for byte the line's`);
		}
		const refused = record.outcomes[serverBatch.lines[2].custom_id];
		assert.equal(refused.result, 'failed');
		assert.match(refused.reason ?? '', /safety system rejected this prompt/);
		assert.equal(await textOf(doc), '![a red kite](images/a-red-kite.png)\n\n![a grey heron](images/a-grey-heron.png)\n\n![a refused bird]()\n');
		assert.ok((record.costUsd ?? 0) > 0, 'the lines\' usage is charged at the batch price');
	});

	test('a delivery interrupted twice (the image worker stops, then the window goes) reads on where it stopped: every image stored once, none inserted twice', async () => {
		const alts = Array.from({ length: 6 }, (_, index) => `a resumed picture ${index + 1}`);
		const doc = await writeDocument('batch/resume/page.md', alts.map(alt => `![${alt}]()\n`).join('\n'));
		const storage = new JsonMemento();
		const first = service(storage);
		const { batchId } = await first.submit(await placeholdersOf(doc), { options: OPTIONS });
		await api().driveBatch(batchId, { status: 'in_progress' });
		await api().driveBatch(batchId, { status: 'finalizing' });
		await api().driveBatch(batchId, { status: 'completed' });
		const outcomes = (service: BatchService) => Object.values(service.batch(batchId)!.outcomes);
		const storedOutcomes = () => (storage.get(BATCH_RECORDS_KEY) as BatchRecord[])[0].outcomes;

		// The output file's download stops after two lines: the worker has stored two images when it is stopped.
		await api().configure({ holdContentAfterLines: 2 });
		const stopped = first.refresh(batchId);
		await waitFor(() => outcomes(first).length === 2, 'two outcomes recorded from the worker');
		await images.stopWorker();
		await stopped;
		assert.equal(first.batch(batchId)?.delivered, false);
		assert.ok(logged.some(line => /The image worker stopped/.test(line)), logged.join('\n'));
		assert.deepEqual(Object.values(storedOutcomes()).map(outcome => outcome.result), ['kept', 'kept'], 'what was stored is recorded');

		// Again, with a new worker: two more lines, then the window goes.
		await api().configure({ holdContentAfterLines: 4 });
		const leaving = first.refresh(batchId);
		await waitFor(() => outcomes(first).length === 4, 'four outcomes recorded');
		first.dispose();
		await leaving;
		assert.equal(Object.keys(storedOutcomes()).length, 4);
		const kept = new Map(Object.values(storedOutcomes()).map(outcome => [outcome.customId, outcome.imageId]));

		// A new window reads on from the stored record.
		await api().releaseFinals();
		const second = service(storage);
		await second.refresh(batchId);
		const record = second.batch(batchId)!;
		assert.ok(record.delivered);
		assert.deepEqual(record.entries.map(entry => record.outcomes[entry.customId].result), ['applied', 'applied', 'applied', 'applied', 'applied', 'applied']);
		for (const [customId, imageId] of kept) {
			assert.equal(record.outcomes[customId].imageId, imageId, `${customId} keeps the image stored before the interruption`);
		}
		const onDisk = await entriesOnDisk(store, alts);
		assert.deepEqual([...onDisk.values()].map(ids => ids.length), [1, 1, 1, 1, 1, 1], 'each image is in the history once');
		assert.equal(await textOf(doc), alts.map(alt => `![${alt}](images/${alt.replace(/ /g, '-')}.png)\n`).join('\n'));
	});

	test('a window gone while a batch\'s documents are filled: the next window reads the record last stored (not after every document) and inserts nothing twice', async () => {
		const uris = await Promise.all(Array.from({ length: 8 }, (_, page) => writeDocument(`batch/goneWhileFilling/page-${page}.md`, `Page ${page}.\n\n![a kite over page ${page}]()\n\n![a boat under page ${page}]()\n`)));
		const items: WorkspacePlaceholder[] = [];
		for (const uri of uris) {
			items.push(...await placeholdersOf(uri));
		}
		const storage = new JsonMemento();
		const applied = (value: unknown) => Object.values((value as BatchRecord[])[0].outcomes).filter(outcome => outcome.result === 'applied').length;
		// The record as the window last stored it with some documents filled and not all: the host goes right after that store.
		let lastStored: unknown;
		const first = service({ get: key => storage.get(key), update: async (key, value) => {
			await storage.update(key, value);
			const count = applied(value);
			if (lastStored === undefined && count > 0 && count < 16) {
				lastStored = storage.get(key);
			}
		} });
		const { batchId } = await first.submit(items, { options: OPTIONS });
		await api().driveBatch(batchId, { status: 'in_progress' });
		await api().driveBatch(batchId, { status: 'finalizing' });
		await api().driveBatch(batchId, { status: 'completed' });
		await first.refresh(batchId);
		assert.equal(applied([first.batch(batchId)]), 16);
		assert.ok(lastStored, 'a store while the documents were filled');
		const texts = await Promise.all(uris.map(textOf));
		const filesIn = async (uri: vscode.Uri) => (await vscode.workspace.fs.readDirectory(vscode.Uri.joinPath(uri, '..', 'images'))).filter(([name]) => name.endsWith('.png')).length;
		assert.equal(await filesIn(uris[0]), 16);

		// The next window: the record as last stored.
		const reopened = new JsonMemento();
		await reopened.update(BATCH_RECORDS_KEY, lastStored);
		const second = service(reopened);
		await second.refresh(batchId);
		const record = second.batch(batchId)!;
		assert.ok(record.delivered);
		assert.deepEqual(await Promise.all(uris.map(textOf)), texts, 'every document as the first window left it: nothing inserted twice');
		assert.equal(await filesIn(uris[0]), 16, 'no image copied in again');
		const storedApplied = applied(lastStored);
		assert.ok(storedApplied < 16, 'the stored record has documents still to fill');
		// The documents filled after the last store link their images' very bytes: applied, not "gone".
		assert.equal(applied([record]), 16, 'every image applied, the last second\'s found again in its document');
		for (const entry of record.entries) {
			const outcome = record.outcomes[entry.customId];
			const image = await store.get(outcome.imageId!);
			assert.ok(image && outcome.file, `${entry.alt}: its image and its file`);
			assert.ok(bytesEqual(await vscode.workspace.fs.readFile(vscode.Uri.parse(outcome.file)), await store.read(image)), `${outcome.file} is its image`);
			assert.ok((await textOf(vscode.Uri.parse(entry.document))).includes(`![${entry.alt}](images/${outcome.file.split('/').pop()})`), `${entry.alt} links ${outcome.file}`);
		}
	});

	test('a placeholder gone from its document while a line of the same alt text links another image: kept, not applied', async () => {
		const uri = await writeDocument('batch/goneNotFilled/page.md', 'Page.\n\n![a lighthouse at dusk]()\n');
		const storage = new JsonMemento();
		const made = service(storage);
		const { batchId } = await made.submit(await placeholdersOf(uri), { options: OPTIONS });
		// The author fills the placeholder with an image of their own before the batch completes.
		await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(uri, '..', 'own.png'), new Uint8Array([137, 80, 78, 71, 1, 2, 3]));
		await editAndSave(uri, document => [new vscode.Range(document.positionAt(document.getText().indexOf('()')), document.positionAt(document.getText().indexOf('()') + 2)), '(own.png)']);
		await api().driveBatch(batchId, { status: 'in_progress' });
		await api().driveBatch(batchId, { status: 'finalizing' });
		await api().driveBatch(batchId, { status: 'completed' });
		await made.refresh(batchId);
		const [outcome] = Object.values(made.batch(batchId)!.outcomes);
		assert.equal(outcome.result, 'kept');
		assert.match(outcome.reason ?? '', /is no longer in batch\/goneNotFilled\/page\.md/);
		assert.equal(await textOf(uri), 'Page.\n\n![a lighthouse at dusk](own.png)\n');
	});

	test('documents of one folder filled at once: each image a file of its own, copied byte for byte from the history, every one in the folder\'s manifest; Undo takes a document\'s links back in one step', async () => {
		const a = await writeDocument('batch/shared/a.md', '![a diagram]()\n\n![a chart]()\n');
		const b = await writeDocument('batch/shared/b.md', '![a diagram]()\n');
		const c = await writeDocument('batch/shared/c.md', '![a chart]()\n\n![a diagram]()\n');
		const inserter = new ImageInserter(store, log);
		const png = (marker: number) => {
			const bytes = new Uint8Array(4096).fill(marker);
			bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 1, 0, 0, 0, 1, 0]);
			return bytes;
		};
		let marker = 0;
		const fill = async (uri: vscode.Uri) => {
			const document = await vscode.workspace.openTextDocument(uri);
			const entries = await Promise.all((await placeholdersOf(uri)).map(async placeholder => ({
				target: { kind: 'image' as const, start: placeholder.range.start, alt: placeholder.alt },
				image: await store.save(png(++marker), { prompt: placeholder.alt, model: 'gpt-image-1.5', size: '1024x1024', quality: 'low' }, 'png'),
				alt: placeholder.alt,
			})));
			return { document, entries, results: await inserter.insertAll(document, entries) };
		};
		const filled = await Promise.all([fill(a), fill(b), fill(c)]);
		const files = filled.flatMap(({ results }) => results.map(result => result.paths[0]));
		assert.equal(new Set(files).size, 5, `five files, none shared: ${files.join(', ')}`);
		assert.deepEqual([...files].sort(), ['images/a-chart-1.png', 'images/a-chart.png', 'images/a-diagram-1.png', 'images/a-diagram-2.png', 'images/a-diagram.png']);
		for (const { document, entries, results } of filled) {
			for (const [index, result] of results.entries()) {
				assert.ok(bytesEqual(await vscode.workspace.fs.readFile(result.files[0]), await store.read(entries[index].image)), `${result.paths[0]} is its image, byte for byte`);
				assert.ok(document.getText().includes(`![${entries[index].alt}](${result.paths[0]})`), `${vscode.workspace.asRelativePath(document.uri)} links ${result.paths[0]}`);
			}
		}
		const manifest = JSON.parse(decoder.decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(a, '..', 'images', 'illustrate-provenance.json')))) as { images: Record<string, { alt: string }> };
		assert.deepEqual(Object.keys(manifest.images).sort(), [...files].map(file => file.slice('images/'.length)).sort(), 'no document\'s entries lost to another\'s');
		assert.equal(manifest.images['a-chart.png'].alt, 'a chart');
		// One Undo in a document takes all its links back; the files stay, unlinked.
		await vscode.window.showTextDocument(filled[0].document);
		await vscode.commands.executeCommand('undo');
		assert.equal(filled[0].document.getText(), '![a diagram]()\n\n![a chart]()\n');
	});

	test('a file made at a planned name while a document is filled is never overwritten: nothing is linked, no copy is left, the images stay in the history', async () => {
		const doc = await writeDocument('batch/race/page.md', '![a fox]()\n\n![an owl]()\n');
		const document = await vscode.workspace.openTextDocument(doc);
		const theirs = new TextEncoder().encode('the user\'s own fox\n');
		// The moment the history is asked for the files to copy, the user saves a file at the first planned name.
		const racing = new class extends ImageStore {
			override fileOf(image: StoredImage): vscode.Uri {
				if (image.prompt === 'a fox') {
					mkdirSync(vscode.Uri.joinPath(doc, '..', 'images').fsPath, { recursive: true });
					writeFileSync(vscode.Uri.joinPath(doc, '..', 'images', 'a-fox.png').fsPath, theirs);
				}
				return super.fileOf(image);
			}
		}(vscode.Uri.joinPath(workspaceRoot(), '.batch-store'), () => 500 * 1024 * 1024);
		const png = new Uint8Array(512).fill(7);
		png.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 1, 0, 0, 0, 1, 0]);
		const entries = await Promise.all((await placeholdersOf(doc)).map(async placeholder => ({
			target: { kind: 'image' as const, start: placeholder.range.start, alt: placeholder.alt },
			image: await racing.save(png, { prompt: placeholder.alt, model: 'gpt-image-1.5', size: '1024x1024', quality: 'low' }, 'png'),
			alt: placeholder.alt,
		})));
		let message = '';
		await new ImageInserter(racing, log).insertAll(document, entries).catch((error: Error) => {
			message = error.message;
		});
		racing.dispose();
		assert.match(message, /Could not write images\/a-fox\.png, images\/an-owl\.png beside batch\/race\/page\.md .*Nothing was written\. The images are kept in Illustrate: Show Generated Images\./);
		assert.equal(decoder.decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(doc, '..', 'images', 'a-fox.png'))), 'the user\'s own fox\n', 'their file, as they saved it');
		assert.equal(await exists(vscode.Uri.joinPath(doc, '..', 'images', 'an-owl.png')), false, 'the copy made beside it is taken away again');
		assert.equal(document.getText(), '![a fox]()\n\n![an owl]()\n');
		for (const entry of entries) {
			assert.ok(await racing.get(entry.image.id), 'still in the history');
		}
	});

	// Minutes long: run by `npm run bench:batchApply` (bench/batchApply.ts), which asks for it by name; not in the suite's run.
	const benchTest = process.env.ILLUSTRATE_TEST_GREP?.startsWith('bench: applying') ? test : test.skip;
	benchTest('bench: applying 1,000 results across 200 documents: the host\'s memory grows by at most 300 MB, its event loop is never held over 50 ms by its own work', async function () {
		this.timeout(600_000);
		await api().configure({ seedPool: 8 });
		const uris = await Promise.all(Array.from({ length: 200 }, (_, document) => writeDocument(`batch/bench/section-${document % 10}/page-${document}.md`,
			Array.from({ length: 5 }, (_, index) => `Paragraph ${index} of page ${document}.\n\n![figure ${index} of page ${document}]()\n`).join('\n'))));
		const items: WorkspacePlaceholder[] = [];
		for (const uri of uris) {
			items.push(...await placeholdersOf(uri));
		}
		assert.equal(items.length, 1000);
		const storage = new JsonMemento();
		const submitter = service(storage);
		const { batchId } = await submitter.submit(items, { options: OPTIONS });
		submitter.dispose();
		await api().driveBatch(batchId, { status: 'in_progress' });
		await api().driveBatch(batchId, { status: 'finalizing' });
		const completed = await api().driveBatch(batchId, { status: 'completed' });
		const outputBytes = (await api().batches()).length > 0 ? Number((await fetch(`${process.env.OPENAI_BASE_URL}/files/${String(completed.output_file_id)}`, { headers: { authorization: `Bearer ${process.env.OPENAI_API_KEY}` } }).then(response => response.json()) as { bytes: number }).bytes) : 0;

		// Memory is read at every image stored and every record write: hundreds of points through the delivery.
		// process.memoryUsage.rss(), not memoryUsage(): the heap statistics are not needed and cost the host's thread about a millisecond per image.
		const rss = () => process.memoryUsage.rss();
		const before = rss();
		let peak = before;
		let lastSaveAt = 0;
		const sample = () => {
			peak = Math.max(peak, rss());
		};
		// The image worker reads the output and writes the images; this thread adopts each one written
		// (the end of the last one is when reading and storing ended).
		let mainThreadSaves = 0;
		const sampledImages = new ImageService(keys(), {
			folder: store.folder,
			save: (...args) => store.save(...args),
			read: image => store.read(image),
			adopt: entry => {
				sample();
				const adopted = store.adopt(entry);
				lastSaveAt = performance.now();
				return adopted;
			},
		}, log);
		const sampled = new BatchService({
			storage: { get: key => storage.get(key), update: (key, value) => (sample(), storage.update(key, value)) },
			api: resource => sdkBatchApi(keys(), resource),
			history: { save: async (...args) => {
				mainThreadSaves++;
				sample();
				const saved = await store.save(...args);
				lastSaveAt = performance.now();
				return saved;
			}, get: id => store.get(id), read: image => store.read(image) },
			inserter: new ImageInserter(store, log),
			log,
			firstPollMs: 3_600_000,
			readInWorker: resource => (job, signal, onLine) => sampledImages.readBatchOutput(job, resource, signal, onLine),
		});
		services.push(sampled);
		// The settings read once per folder, as in the extension (its SettingsService runs from activation; this bundle has its own copy of the cache).
		const settings = new SettingsService();
		const profile = process.env.ILLUSTRATE_BENCH_CPU_PROFILE ? await startCpuProfile() : undefined;
		const heapProfile = process.env.ILLUSTRATE_BENCH_HEAP_PROFILE ? await startHeapProfile() : undefined;
		const loop = watchEventLoop();
		const started = performance.now();
		await sampled.refresh(batchId);
		const ms = Math.round(performance.now() - started);
		const blocks = loop.stop();
		if (profile) {
			await profile.stopInto(process.env.ILLUSTRATE_BENCH_CPU_PROFILE!);
		}
		if (heapProfile) {
			await heapProfile.stopInto(process.env.ILLUSTRATE_BENCH_HEAP_PROFILE!);
		}
		sample();
		settings.dispose();
		await sampledImages.stopWorker();
		const record = sampled.batch(batchId)!;
		assert.ok(record.delivered);
		assert.equal(mainThreadSaves, 0, 'the output was read and stored in the image worker');
		assert.equal(Object.values(record.outcomes).filter(outcome => outcome.result === 'applied').length, 1000);
		assert.match(await textOf(uris[199]), /!\[figure 4 of page 199\]\(images\/figure-4-of-page-199\.png\)/);
		const growthMb = Math.round((peak - before) / 1024 / 1024);
		const figures = { results: 1000, documents: 200, outputMb: Math.round(outputBytes / 1e6), ms, readAndStoreMs: Math.round(lastSaveAt - started), applyMs: Math.round(started + ms - lastSaveAt), rssGrowthMb: growthMb, eventLoopWallMaxMs: Math.round(blocks.wallMs), eventLoopCpuMaxMs: Math.round(blocks.cpuMs), eventLoopCpuWithoutGcMaxMs: Math.round(blocks.cpuWithoutGcMs), gcMaxMs: Math.round(blocks.gcMs), gcCount: blocks.gcCount, gcTotalMs: Math.round(blocks.gcTotalMs), longest: blocks.longest };
		console.log(`${OUTPUT_MARKER}BENCH batchApply ${JSON.stringify(figures)}`);
		assert.ok(growthMb <= 300, `the host's memory grew by ${growthMb} MB`);
		// The main thread's own JavaScript between two ticks: the wall clock also counts the time a loaded machine
		// gave it no core, and garbage collection pauses (reported apart) belong to the whole host's heap.
		assert.ok(blocks.cpuWithoutGcMs <= 50, `the event loop was held for ${Math.round(blocks.cpuWithoutGcMs)} ms of CPU besides garbage collection`);
		// Inserting took 104 s on a quiet machine when every image went through the window inside its document's edit;
		// copied from the history, four documents at a time, it took 43 s at a load of 13–17 on two cores.
		assert.ok(figures.applyMs <= 60_000, `inserting into 200 documents took ${figures.applyMs} ms`);
	});
});
