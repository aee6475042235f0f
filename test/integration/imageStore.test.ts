import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ImageStore } from '../../src/history/imageStore';
import { waitFor } from '../harness/waitFor';
import { exists, workspaceRoot } from './helpers';

const PNG_HEADER = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 4, 0, 0, 0, 4, 0];

function fakePng(size: number): Uint8Array {
	const bytes = new Uint8Array(size);
	bytes.set(PNG_HEADER);
	return bytes;
}

suite('Image history store', () => {
	let root: vscode.Uri;

	setup(async () => {
		root = vscode.Uri.joinPath(workspaceRoot(), '.store-test');
		await vscode.workspace.fs.delete(root, { recursive: true, useTrash: false }).then(undefined, () => undefined);
	});

	teardown(async () => {
		await vscode.workspace.fs.delete(root, { recursive: true, useTrash: false }).then(undefined, () => undefined);
	});

	/** An entry left by an earlier session, as its files on disk. */
	async function oldEntry(id: string, createdAt: string, size: number): Promise<void> {
		const folder = vscode.Uri.joinPath(root, 'images');
		await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder, `${id}.png`), fakePng(size));
		const metadata = { id, file: `${id}.png`, prompt: `old ${id}`, model: 'gpt-image-2', size: '1024x1024', quality: 'low', format: 'png', bytes: size, createdAt };
		await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder, `${id}.json`), new TextEncoder().encode(JSON.stringify(metadata)));
	}

	test('keeps the bytes exactly, with the recipe beside them, and lists newest first', async () => {
		await oldEntry('old-a', '2026-01-01T00:00:00.000Z', 100);
		const store = new ImageStore(root, () => 10 * 1024 * 1024);
		const bytes = fakePng(300);
		bytes[200] = 42;
		const saved = await store.save(bytes, { prompt: 'a fox', model: 'gpt-image-2', size: '1024x1024', quality: 'low' }, 'png');
		assert.deepEqual([...await vscode.workspace.fs.readFile(saved.uri)], [...bytes]);
		assert.equal(saved.width, 1024);
		assert.deepEqual((await store.list()).map(image => image.id), [saved.id, 'old-a']);
		// Disposed, as every store here: a store left running writes the index later, into the next test's folder.
		const another = new ImageStore(root, () => 10 * 1024 * 1024);
		assert.equal((await another.get(saved.id))?.prompt, 'a fox', 'a new window reads it back');
		another.dispose();
		store.dispose();
	});

	test('prunes the oldest entries past the size cap, never this session\'s images', async () => {
		await oldEntry('old-1', '2026-01-01T00:00:00.000Z', 400);
		await oldEntry('old-2', '2026-02-01T00:00:00.000Z', 400);
		await oldEntry('old-3', '2026-03-01T00:00:00.000Z', 400);
		const store = new ImageStore(root, () => 1000);
		const first = await store.save(fakePng(600), { prompt: 'new 1', model: 'gpt-image-2', size: '1024x1024', quality: 'low' }, 'png');
		const second = await store.save(fakePng(600), { prompt: 'new 2', model: 'gpt-image-2', size: '1024x1024', quality: 'low' }, 'png');
		await store.prune();
		const left = (await store.list()).map(image => image.id);
		assert.deepEqual(left, [second.id, first.id], 'every old entry went, both new ones stayed although together they pass the cap');
		assert.equal(await exists(vscode.Uri.joinPath(root, 'images', 'old-1.png')), false);
		assert.equal(await exists(vscode.Uri.joinPath(root, 'images', 'old-1.json')), false);
		store.dispose();
	});

	test('the bytes a Replace kept for Restore are never pruned, however old, and do not count against the cap', async () => {
		const folder = vscode.Uri.joinPath(root, 'images');
		const replaced = { id: 'replaced-1', file: 'replaced-1.png', prompt: '', model: '', size: '', quality: '', format: 'png', bytes: 900, createdAt: '2025-01-01T00:00:00.000Z', operation: 'replaced', originalUri: 'file:///ws/docs/diagram.png' };
		await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder, 'replaced-1.png'), fakePng(900));
		await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(folder, 'replaced-1.json'), new TextEncoder().encode(JSON.stringify(replaced)));
		await oldEntry('old-1', '2026-01-01T00:00:00.000Z', 400);
		await oldEntry('old-2', '2026-02-01T00:00:00.000Z', 400);
		// A later session: the replaced original is its oldest entry.
		const store = new ImageStore(root, () => 500);
		await store.prune();
		assert.deepEqual((await store.list()).map(image => image.id), ['old-2', 'replaced-1'], 'the oldest generated image went; the original stayed, and the rest fits the cap without it');
		assert.equal(await exists(vscode.Uri.joinPath(folder, 'replaced-1.png')), true);
		await store.delete('replaced-1');
		assert.equal(await exists(vscode.Uri.joinPath(folder, 'replaced-1.png')), false, 'the user can still delete it');
		store.dispose();
	});

	test('a hand-edited or broken entry is skipped, never fatal', async () => {
		await oldEntry('good', '2026-01-01T00:00:00.000Z', 100);
		await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(root, 'images', 'broken.json'), new TextEncoder().encode('{ not json'));
		await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(root, 'images', 'escape.json'), new TextEncoder().encode(JSON.stringify({ id: 'escape', file: '../../secret.png', prompt: 'x', model: 'x', createdAt: 'x', bytes: 1, format: 'png' })));
		const store = new ImageStore(root, () => 10 * 1024 * 1024);
		assert.deepEqual((await store.list()).map(image => image.id), ['good']);
		store.dispose();
	});

	test('an unreadable history folder is an empty history, logged as an error with its reason; a missing one is not an error', async () => {
		const errors: string[] = [];
		const log = { info: () => undefined, warn: () => undefined, error: (message: string) => void errors.push(message) };
		const fresh = new ImageStore(vscode.Uri.joinPath(root, 'never-used'), () => 10 * 1024 * 1024, log);
		assert.deepEqual(await fresh.list(), []);
		assert.deepEqual(errors, [], 'no history yet is no error');
		fresh.dispose();

		// A file where the images folder should be: reading it fails, and not because it is missing.
		await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(root, 'images'), new TextEncoder().encode('not a folder'));
		const store = new ImageStore(root, () => 10 * 1024 * 1024, log);
		assert.deepEqual(await store.list(), [], 'the history still answers');
		assert.equal(await store.get('anything'), undefined);
		assert.equal(errors.length, 1, 'logged once, not at every read');
		assert.match(errors[0], /^Could not read the image history in .*images \(a file is where a folder should be: .+\)/);
		store.dispose();
	});

	const recipe = (prompt: string) => ({ prompt, model: 'gpt-image-2', size: '1024x1024', quality: 'low' });
	const indexFile = () => vscode.Uri.joinPath(root, 'images', 'index.json');
	async function indexedIds(): Promise<string[]> {
		const index = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(indexFile()))) as { version: number; entries: { id: string }[] };
		assert.equal(index.version, 1);
		return index.entries.map(entry => entry.id).sort();
	}
	async function writeJson(name: string, value: unknown): Promise<void> {
		await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(root, 'images', name), new TextEncoder().encode(JSON.stringify(value)));
	}

	test('a window lists the history from its index: only the JSON files of images the index lacks are read', async () => {
		const first = new ImageStore(root, () => 10 * 1024 * 1024);
		const saved = await first.save(fakePng(300), recipe('a fox'), 'png');
		await first.flushIndex();
		assert.deepEqual(await indexedIds(), [saved.id], 'the index is written a moment after an image is added');
		first.dispose();
		// The JSON file changed behind the index: a window that lists the index's prompt read the index, not the file.
		const metadata = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(root, 'images', `${saved.id}.json`)))) as Record<string, unknown>;
		await writeJson(`${saved.id}.json`, { ...metadata, prompt: 'read from the JSON file' });
		// An image the index does not have: written by the image worker before the window ended, or by another window.
		await oldEntry('not-indexed', '2026-01-01T00:00:00.000Z', 100);

		const reloaded = new ImageStore(root, () => 10 * 1024 * 1024);
		assert.deepEqual((await reloaded.list()).map(image => [image.id, image.prompt]), [[saved.id, 'a fox'], ['not-indexed', 'old not-indexed']]);
		await reloaded.flushIndex();
		assert.deepEqual(await indexedIds(), [saved.id, 'not-indexed'].sort(), 'the index is written again with the image it lacked');
		reloaded.dispose();
	});

	test('index entries whose files are gone are dropped (deleted or pruned by another window), and the index rewritten', async () => {
		await oldEntry('image-gone', '2026-01-01T00:00:00.000Z', 100);
		await oldEntry('json-gone', '2026-01-02T00:00:00.000Z', 100);
		await oldEntry('kept', '2026-01-03T00:00:00.000Z', 100);
		const first = new ImageStore(root, () => 10 * 1024 * 1024);
		assert.equal((await first.list()).length, 3);
		await first.flushIndex();
		assert.deepEqual(await indexedIds(), ['image-gone', 'json-gone', 'kept'], 'a history without an index gets one');
		first.dispose();
		await vscode.workspace.fs.delete(vscode.Uri.joinPath(root, 'images', 'image-gone.png'));
		await vscode.workspace.fs.delete(vscode.Uri.joinPath(root, 'images', 'json-gone.json'));

		const reloaded = new ImageStore(root, () => 10 * 1024 * 1024);
		assert.deepEqual((await reloaded.list()).map(image => image.id), ['kept']);
		await reloaded.flushIndex();
		assert.deepEqual(await indexedIds(), ['kept']);
		await reloaded.delete('kept');
		await reloaded.flushIndex();
		assert.deepEqual(await indexedIds(), [], 'a deleted image leaves the index');
		reloaded.dispose();
	});

	test('a damaged, hostile or huge index is ignored, logged, and written again from the images\' own files', async () => {
		await oldEntry('good', '2026-01-01T00:00:00.000Z', 100);
		const warnings: string[] = [];
		const log = { info: () => undefined, warn: (message: string) => void warnings.push(message), error: (message: string) => assert.fail(message) };
		const hostile: [string, Uint8Array][] = [
			['not JSON', new TextEncoder().encode('{ "version": 1, "entries": [')],
			['another shape', new TextEncoder().encode(JSON.stringify({ version: 1, entries: { good: {} } }))],
			['larger than any index', new Uint8Array(33 * 1024 * 1024).fill(0x20)],
		];
		for (const [what, bytes] of hostile) {
			await vscode.workspace.fs.writeFile(indexFile(), bytes);
			warnings.length = 0;
			const store = new ImageStore(root, () => 10 * 1024 * 1024, log);
			assert.deepEqual((await store.list()).map(image => [image.id, image.prompt]), [['good', 'old good']], what);
			assert.equal(warnings.length, 1, `${what}: logged once`);
			assert.match(warnings[0], /^Ignored the history's index /);
			await store.flushIndex();
			assert.deepEqual(await indexedIds(), ['good'], `${what}: rebuilt`);
			store.dispose();
		}
		// Entries that point outside the folder, at files that are not there, or are no entries: each dropped, the rest kept.
		const good = JSON.parse(new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.joinPath(root, 'images', 'good.json')))) as Record<string, unknown>;
		await writeJson('index.json', { version: 1, entries: [good, { ...good, id: 'escape', file: '../../secret.png' }, { ...good, id: '../good' }, { ...good, id: 'ghost', file: 'ghost.png' }, 'no entry'] });
		const store = new ImageStore(root, () => 10 * 1024 * 1024, log);
		assert.deepEqual((await store.list()).map(image => image.id), ['good']);
		await store.flushIndex();
		assert.deepEqual(await indexedIds(), ['good']);
		store.dispose();
	});

	test('two windows writing the index lose no image: the one the other wrote over is read from its JSON file', async () => {
		const windowA = new ImageStore(root, () => 10 * 1024 * 1024);
		const windowB = new ImageStore(root, () => 10 * 1024 * 1024);
		assert.deepEqual(await windowA.list(), []);
		assert.deepEqual(await windowB.list(), []);
		const fromA = await windowA.save(fakePng(100), recipe('from window A'), 'png');
		await windowA.flushIndex();
		const fromB = await windowB.save(fakePng(100), recipe('from window B'), 'png');
		await windowB.flushIndex();
		assert.deepEqual(await indexedIds(), [fromB.id], 'window B wrote the entries it knows, over A\'s');
		windowA.dispose();
		windowB.dispose();

		const reloaded = new ImageStore(root, () => 10 * 1024 * 1024);
		assert.deepEqual((await reloaded.list()).map(image => image.prompt).sort(), ['from window A', 'from window B']);
		await reloaded.flushIndex();
		assert.deepEqual(await indexedIds(), [fromA.id, fromB.id].sort());
		reloaded.dispose();
	});

	test('a burst of images past the cap is pruned once, a moment after the last, without a call to prune', async () => {
		await oldEntry('old-1', '2026-01-01T00:00:00.000Z', 400);
		await oldEntry('old-2', '2026-02-01T00:00:00.000Z', 400);
		const pruned: string[] = [];
		const log = { info: (message: string) => void pruned.push(message), warn: () => undefined, error: (message: string) => assert.fail(message) };
		const store = new ImageStore(root, () => 500, log);
		await store.list();
		const burst = await Promise.all([1, 2, 3, 4].map(index => store.save(fakePng(100), recipe(`new ${index}`), 'png')));
		await waitFor(async () => !(await exists(vscode.Uri.joinPath(root, 'images', 'old-2.png'))), 'the old images are pruned');
		await store.prune();
		assert.deepEqual(pruned, ['Pruned 2 old image(s) from the history to stay under 0 MB (illustrate.history.maxSizeMB).'], 'one prune for the burst');
		assert.deepEqual((await store.list()).map(image => image.id).sort(), burst.map(image => image.id).sort());
		store.dispose();
	});

	test('a prune of many images is one change: an open Show Generated Images refreshes once, and each deleted image is reported', async () => {
		for (const month of [1, 2, 3, 4]) {
			await oldEntry(`old-${month}`, `2026-0${month}-01T00:00:00.000Z`, 400);
		}
		const store = new ImageStore(root, () => 500);
		await store.list();
		let changes = 0;
		const deleted: string[] = [];
		store.onDidChange(() => changes++);
		store.onDidDeleteImage(image => deleted.push(image.id));
		assert.equal(await store.prune(), 3, 'the newest old image fits the cap');
		assert.deepEqual(deleted.sort(), ['old-1', 'old-2', 'old-3'], 'each image that went is reported, for its card copies to go too');
		assert.equal(changes, 1, 'one change event for the whole prune');
		assert.equal(await store.deleteAll(['old-4', 'old-1', 'no-such-image']), 1, 'ids not in the history are skipped');
		assert.equal(changes, 2, 'one change event for a batch of deletions');
		assert.equal(await store.deleteAll(['old-4']), 0);
		assert.equal(changes, 2, 'no change event when nothing was deleted');
		assert.deepEqual(await store.list(), []);
		store.dispose();
	});
});
