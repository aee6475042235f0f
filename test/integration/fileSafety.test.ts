import * as assert from 'node:assert/strict';
import { existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { FillResult } from '../../src/commands/fillMissingImages';
import { waitFor } from '../harness/waitFor';
import type { GenerateCommandResult } from '../../src/commands/generateCommands';
import { ImageStore, type StoredImage } from '../../src/history/imageStore';
import { ImageInserter } from '../../src/workspace/imageInserter';
import { ImageReplacer } from '../../src/workspace/imageReplacer';
import { leavesThroughLink } from '../../src/workspace/realPath';
import { api, bytesEqual, closeAllEditors, exists, openFreshDocument, placeCursor, readWorkspaceFile, rejectionOf, removeIfPresent, sentImages, workspaceRoot } from './helpers';

/** The image files Illustrate keeps in its history (global storage). */
function historyImages(): Buffer[] {
	const userData = process.env.ILLUSTRATE_TEST_USER_DATA;
	assert.ok(userData, 'ILLUSTRATE_TEST_USER_DATA is set by the harness');
	const folder = join(userData, 'User', 'globalStorage', 'illustrate.illustrate', 'images');
	// The images only: the entries, the index and its temporary file (renamed over it at any moment) are not images.
	return existsSync(folder) ? readdirSync(folder).filter(name => /\.(png|jpe?g|webp|gif|svg)$/i.test(name)).map(name => readFileSync(join(folder, name))) : [];
}

async function assertEverySentImageInHistory(): Promise<void> {
	const kept = historyImages();
	const sent = await sentImages();
	assert.ok(sent.length > 0, 'the server sent images');
	for (const image of sent) {
		assert.ok(kept.some(bytes => bytesEqual(bytes, image.bytes)), `image ${image.index} of ${image.requestId} is in the history`);
	}
}

/** Waits until the test server has received `count` requests. */
async function requestsReceived(count: number): Promise<void> {
	await waitFor(async () => (await api().requests()).length >= count, `the server received ${count} request(s)`, 20_000);
}

/**
 * Starts Generate from Alt Text with the cursor after `marker`, and returns once the request
 * is at the server, its image held back until `api().releaseFinals()`.
 */
async function generateHeld(editor: vscode.TextEditor, marker: string): Promise<{ running: Thenable<GenerateCommandResult> }> {
	placeCursor(editor, marker);
	await api().configure({ holdFinals: true });
	const running = vscode.commands.executeCommand<GenerateCommandResult>('illustrate.generateFromAltText', { insert: 'first', variants: 1, quality: 'low' });
	await requestsReceived(1);
	// In an object: an async function returning the thenable itself would wait for it.
	return { running };
}

suite('The user\'s files are safe while images are generated', () => {
	setup(async () => {
		await api().reset();
		await removeIfPresent('safety');
	});

	teardown(async () => {
		await api().reset();
		await closeAllEditors();
	});

	test('a destination that cannot be written: a clear message, the document unchanged, the image kept in history', async () => {
		const editor = await openFreshDocument('safety/blocked.md', '![a paper boat]()\n');
		// A file where the images folder should be: nothing can be created inside it (as with a read-only folder or a full disk).
		await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(workspaceRoot(), 'safety', 'images'), new TextEncoder().encode('not a folder'));
		placeCursor(editor, '![a paper');
		const message = await rejectionOf('illustrate.generateFromAltText', { insert: 'first', variants: 1, quality: 'low' });
		assert.match(message, /Could not write images\/a-paper-boat\.png beside safety\/blocked\.md \(a file is where a folder should be\): check that the folder is writable.*kept in Illustrate: Show Generated Images/);
		assert.equal(editor.document.getText(), '![a paper boat]()\n');
		assert.equal(new TextDecoder().decode(await readWorkspaceFile(vscode.Uri.joinPath(workspaceRoot(), 'safety', 'images'))), 'not a folder');
		await assertEverySentImageInHistory();
	});

	test('the document edited while generating: the link goes where the placeholder is now', async () => {
		const editor = await openFreshDocument('safety/edited.md', '# Edited\n\n![a kite over a hill]()\n');
		const { running } = await generateHeld(editor, '![a kite');
		await editor.edit(edit => edit.insert(new vscode.Position(1, 0), '\nA paragraph written while the image was on its way.\n'));
		await api().releaseFinals();
		const result = await running;
		assert.equal(result.files.length, 1);
		assert.equal(editor.document.getText(), '# Edited\n\nA paragraph written while the image was on its way.\n\n![a kite over a hill](images/a-kite-over-a-hill.png)\n');
	});

	test('the placeholder deleted while generating: the user is told, nothing is written, the image is kept', async () => {
		const editor = await openFreshDocument('safety/deleted.md', '# Deleted\n\n![a lantern in fog]()\n\nEnd.\n');
		const running = (await generateHeld(editor, '![a lantern')).running.then(() => '', (error: Error) => error.message);
		await editor.edit(edit => edit.delete(new vscode.Range(2, 0, 4, 0)));
		await api().releaseFinals();
		assert.match(await running, /The image "a lantern in fog" is no longer in safety\/deleted\.md\. Nothing was written\. The images are kept in Illustrate: Show Generated Images\./);
		assert.equal(editor.document.getText(), '# Deleted\n\nEnd.\n');
		assert.equal(await exists(vscode.Uri.joinPath(workspaceRoot(), 'safety', 'images')), false, 'no image folder was made');
		await assertEverySentImageInHistory();
	});

	test('the document closed while generating: the link still lands in it', async () => {
		const editor = await openFreshDocument('safety/closed.md', '![a compass rose]()\n');
		const { running } = await generateHeld(editor, '![a compass');
		await closeAllEditors();
		await api().releaseFinals();
		await running;
		const document = await vscode.workspace.openTextDocument(vscode.Uri.joinPath(workspaceRoot(), 'safety', 'closed.md'));
		assert.equal(document.getText(), '![a compass rose](images/a-compass-rose.png)\n');
		const saved = await readWorkspaceFile(vscode.Uri.joinPath(workspaceRoot(), 'safety', 'images', 'a-compass-rose.png'));
		assert.equal((await sentImages()).filter(sent => bytesEqual(saved, sent.bytes)).length, 1);
	});
});

/** Waits for something a test can observe (a file appearing or going), failing after 60 s. */
async function until(condition: () => Promise<boolean> | boolean, what: string): Promise<void> {
	await waitFor(condition, what, 60_000);
}

/** A PNG header with its own bytes after it: enough for Illustrate to take it for a PNG. */
function pngLike(marker: number, size = 256): Uint8Array {
	const bytes = new Uint8Array(size).fill(marker);
	bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 1, 0, 0, 0, 1, 0]);
	return bytes;
}

async function rejectionOfPromise(work: Promise<unknown>): Promise<string> {
	try {
		await work;
	} catch (error) {
		return error instanceof Error ? error.message : String(error);
	}
	assert.fail('it resolved; it should have rejected');
}

suite('Files never leave the workspace, by any path', () => {
	/** A folder outside the workspace, standing for ~/.ssh, /etc or another project. */
	let outside: string;
	let storeRoot: vscode.Uri;
	let store: ImageStore;
	let inserter: ImageInserter;
	let replacer: ImageReplacer;
	const folderOnDisk = (...parts: string[]) => join(workspaceRoot().fsPath, ...parts);
	const uriOf = (...parts: string[]) => vscode.Uri.joinPath(workspaceRoot(), ...parts);

	setup(async () => {
		await api().reset();
		await removeIfPresent('links');
		outside = mkdtempSync(join(tmpdir(), 'illustrate-outside-'));
		mkdirSync(folderOnDisk('links', 'images'), { recursive: true });
		storeRoot = uriOf('.links-store');
		store = new ImageStore(storeRoot, () => 100 * 1024 * 1024);
		replacer = new ImageReplacer(store);
		inserter = new ImageInserter(store);
	});

	teardown(async () => {
		store.dispose();
		await api().reset();
		await closeAllEditors();
		await removeIfPresent('links');
		await removeIfPresent('.links-store');
		rmSync(outside, { recursive: true, force: true });
	});

	test('Insert: a provenance manifest linked to a file outside is neither read nor written', async () => {
		const outsideManifest = join(outside, 'settings.json');
		const original = '{\n  "images": {},\n  "secret": "keep me as I am"\n}\n';
		writeFileSync(outsideManifest, original);
		symlinkSync(outsideManifest, folderOnDisk('links', 'images', 'illustrate-provenance.json'));
		const editor = await openFreshDocument('links/README.md', '![a harbour at dawn]()\n');
		placeCursor(editor, '![a harbour');
		const result = await vscode.commands.executeCommand<GenerateCommandResult>('illustrate.generateFromAltText', { insert: 'first', variants: 1, quality: 'low' });
		assert.equal(editor.document.getText(), '![a harbour at dawn](images/a-harbour-at-dawn.png)\n', 'the image is still inserted');
		assert.ok(bytesEqual(await readWorkspaceFile(vscode.Uri.parse(result.files[0])), (await sentImages())[0].bytes));
		assert.equal(readFileSync(outsideManifest, 'utf8'), original, 'the file outside is unchanged');
		assert.ok(lstatSync(folderOnDisk('links', 'images', 'illustrate-provenance.json')).isSymbolicLink(), 'the link is left as it was');
	});

	test('Insert: an images folder linked outside is refused and nothing lands there', async () => {
		rmSync(folderOnDisk('links', 'images'), { recursive: true });
		symlinkSync(outside, folderOnDisk('links', 'images'));
		const editor = await openFreshDocument('links/linked-folder.md', '![a paper crane]()\n');
		placeCursor(editor, '![a paper');
		const message = await rejectionOf('illustrate.generateFromAltText', { insert: 'first', variants: 1, quality: 'low' });
		assert.match(message, /links\/images\/a-paper-crane\.png leads outside the workspace folder .* through a symbolic link, so Illustrate does not write there\. The images are kept in Illustrate: Show Generated Images\./);
		assert.equal(editor.document.getText(), '![a paper crane]()\n');
		assert.deepEqual(readdirSync(outside), []);
	});

	test('Fill Missing Images: an images folder that is a dangling link outside is refused, nothing is created there', async () => {
		rmSync(folderOnDisk('links', 'images'), { recursive: true });
		const missing = join(outside, 'not-yet');
		symlinkSync(missing, folderOnDisk('links', 'images'));
		const editor = await openFreshDocument('links/fill.md', '![a lighthouse]()\n');
		const result = await vscode.commands.executeCommand<FillResult>('illustrate.fillMissingImages', { confirm: false });
		assert.deepEqual(result.files, []);
		assert.equal(result.failures.length, 1);
		assert.match(result.failures[0].reason, /leads outside the workspace folder .* through a symbolic link/);
		assert.equal(editor.document.getText(), '![a lighthouse]()\n');
		assert.equal(existsSync(missing), false, 'no folder or file was made outside');
		assert.deepEqual(readdirSync(outside), []);
	});

	test('History Insert: a destination folder linked outside is refused', async () => {
		rmSync(folderOnDisk('links', 'images'), { recursive: true });
		symlinkSync(outside, folderOnDisk('links', 'images'));
		const editor = await openFreshDocument('links/history.md', 'Text.\n');
		const image = await store.save(pngLike(7), { prompt: 'a fox', model: 'gpt-image-2', size: '1024x1024', quality: 'low' }, 'png');
		const message = await rejectionOfPromise(inserter.insert({ document: editor.document, target: { kind: 'after', offset: 0 }, images: [image], alt: 'a fox' }));
		assert.match(message, /leads outside the workspace folder .* through a symbolic link/);
		assert.equal(editor.document.getText(), 'Text.\n');
		assert.deepEqual(readdirSync(outside), []);
	});

	test('Replace: a file linked outside is refused, the file outside unchanged', async () => {
		const outsideFile = join(outside, 'logo.png');
		writeFileSync(outsideFile, pngLike(1));
		symlinkSync(outsideFile, folderOnDisk('links', 'images', 'logo.png'));
		const image = await store.save(pngLike(2), { prompt: 'a new logo', model: 'gpt-image-2', size: '1024x1024', quality: 'low' }, 'png');
		const message = await rejectionOfPromise(replacer.replace(uriOf('links', 'images', 'logo.png'), image, 'logo'));
		assert.match(message, /links\/images\/logo\.png leads outside the workspace folder .* through a symbolic link/);
		assert.ok(bytesEqual(readFileSync(outsideFile), pngLike(1)));
	});

	/** Replaces links/images/logo.png, then turns the path into what `makeLink` makes of it; returns the history entry Restore puts back. */
	async function replaceThenLink(makeLink: () => void): Promise<StoredImage> {
		const file = uriOf('links', 'images', 'logo.png');
		await vscode.workspace.fs.writeFile(file, pngLike(1));
		const image = await store.save(pngLike(2), { prompt: 'a new logo', model: 'gpt-image-2', size: '1024x1024', quality: 'low' }, 'png');
		await replacer.replace(file, image, 'logo');
		assert.ok(bytesEqual(await readWorkspaceFile(file), pngLike(2)), 'replaced');
		const replaced = (await store.list()).find(entry => entry.operation === 'replaced' && entry.originalUri === file.toString());
		assert.ok(replaced, 'the old bytes are in the history');
		// A later pull turns the path into a link.
		makeLink();
		return replaced;
	}

	test('Restore: a replaced file that became a link to a file outside is not written through', async () => {
		const outsideFile = join(outside, 'id_rsa');
		writeFileSync(outsideFile, 'a private key\n');
		const replaced = await replaceThenLink(() => {
			unlinkSync(folderOnDisk('links', 'images', 'logo.png'));
			symlinkSync(outsideFile, folderOnDisk('links', 'images', 'logo.png'));
		});
		const message = await rejectionOfPromise(replacer.restore(replaced));
		assert.match(message, /links\/images\/logo\.png leads outside the workspace folder .* through a symbolic link, so Illustrate does not write there/);
		assert.equal(readFileSync(outsideFile, 'utf8'), 'a private key\n');
	});

	test('Restore: a dangling link where the file was creates nothing outside', async () => {
		const outsideFile = join(outside, 'planted.png');
		const replaced = await replaceThenLink(() => {
			unlinkSync(folderOnDisk('links', 'images', 'logo.png'));
			symlinkSync(outsideFile, folderOnDisk('links', 'images', 'logo.png'));
		});
		const message = await rejectionOfPromise(replacer.restore(replaced));
		assert.match(message, /leads outside the workspace folder .* through a symbolic link/);
		assert.equal(existsSync(outsideFile), false);
	});

	test('Restore: a folder above the file that became a link outside is not written through', async () => {
		writeFileSync(join(outside, 'logo.png'), 'another project\'s logo');
		const replaced = await replaceThenLink(() => {
			rmSync(folderOnDisk('links', 'images'), { recursive: true });
			symlinkSync(outside, folderOnDisk('links', 'images'));
		});
		const message = await rejectionOfPromise(replacer.restore(replaced));
		assert.match(message, /leads outside the workspace folder .* through a symbolic link/);
		assert.equal(readFileSync(join(outside, 'logo.png'), 'utf8'), 'another project\'s logo');
	});

	test('links in a circle count as leaving; a path that does not exist yet, under real folders, does not', async () => {
		rmSync(folderOnDisk('links', 'images'), { recursive: true });
		symlinkSync(folderOnDisk('links', 'pictures'), folderOnDisk('links', 'images'));
		symlinkSync(folderOnDisk('links', 'images'), folderOnDisk('links', 'pictures'));
		assert.equal(await leavesThroughLink(uriOf('links', 'images', 'a-fox.png'), workspaceRoot()), true);
		assert.equal(await leavesThroughLink(uriOf('links', 'new', 'deeper', 'a-fox.png'), workspaceRoot()), false);
	});

	/**
	 * A history whose next read runs `change` first: a link made at the worst moment (a pull
	 * while Illustrate reads the bytes), after the checks made when the action started.
	 */
	function storeChangingOnRead(change: () => void | Thenable<unknown>): ImageStore {
		let pending: (() => void | Thenable<unknown>) | undefined = change;
		return new class extends ImageStore {
			override async read(image: StoredImage): Promise<Uint8Array> {
				const bytes = await super.read(image);
				const run = pending;
				pending = undefined;
				await run?.();
				return bytes;
			}
		}(storeRoot, () => 100 * 1024 * 1024);
	}

	test('checked again right before the write: Insert, when the folder becomes a link while the bytes are read', async () => {
		const racing = storeChangingOnRead(() => {
			rmSync(folderOnDisk('links', 'images'), { recursive: true });
			symlinkSync(outside, folderOnDisk('links', 'images'));
		});
		const editor = await openFreshDocument('links/race.md', 'Text.\n');
		const image = await racing.save(pngLike(7), { prompt: 'a fox', model: 'gpt-image-2', size: '1024x1024', quality: 'low' }, 'png');
		const message = await rejectionOfPromise(new ImageInserter(racing).insert({ document: editor.document, target: { kind: 'after', offset: 0 }, images: [image], alt: 'a fox' }));
		racing.dispose();
		assert.match(message, /links\/images\/a-fox\.png leads outside the workspace folder .* through a symbolic link/);
		assert.equal(editor.document.getText(), 'Text.\n');
		assert.deepEqual(readdirSync(outside), []);
	});

	test('checked again right before the write: Replace, when the file becomes a link while the bytes are read', async () => {
		const outsideFile = join(outside, 'id_rsa');
		writeFileSync(outsideFile, 'a private key\n');
		const file = uriOf('links', 'images', 'logo.png');
		await vscode.workspace.fs.writeFile(file, pngLike(1));
		const racing = storeChangingOnRead(() => {
			unlinkSync(file.fsPath);
			symlinkSync(outsideFile, file.fsPath);
		});
		const image = await racing.save(pngLike(2), { prompt: 'a new logo', model: 'gpt-image-2', size: '1024x1024', quality: 'low' }, 'png');
		const message = await rejectionOfPromise(new ImageReplacer(racing).replace(file, image, 'logo'));
		racing.dispose();
		assert.match(message, /links\/images\/logo\.png leads outside the workspace folder .* through a symbolic link/);
		assert.equal(readFileSync(outsideFile, 'utf8'), 'a private key\n');
	});

	test('text typed while the bytes are read: the link still goes where the placeholder is now', async () => {
		const editor = await openFreshDocument('links/typed.md', '# Typed\n\n![a fox]()\n');
		const racing = storeChangingOnRead(() => editor.edit(edit => edit.insert(new vscode.Position(1, 0), '\nA paragraph typed meanwhile.\n')));
		const image = await racing.save(pngLike(7), { prompt: 'a fox', model: 'gpt-image-2', size: '1024x1024', quality: 'low' }, 'png');
		const start = editor.document.getText().indexOf('![a fox]');
		await new ImageInserter(racing).insert({ document: editor.document, target: { kind: 'image', start, alt: 'a fox' }, images: [image], alt: 'a fox' });
		racing.dispose();
		assert.equal(editor.document.getText(), '# Typed\n\nA paragraph typed meanwhile.\n\n![a fox](images/a-fox.png)\n');
	});

	test('a link that stays inside the workspace is fine', async () => {
		mkdirSync(folderOnDisk('links', 'shared-images'));
		rmSync(folderOnDisk('links', 'images'), { recursive: true });
		symlinkSync(folderOnDisk('links', 'shared-images'), folderOnDisk('links', 'images'));
		const editor = await openFreshDocument('links/inside.md', '![a quiet bay]()\n');
		placeCursor(editor, '![a quiet');
		await vscode.commands.executeCommand<GenerateCommandResult>('illustrate.generateFromAltText', { insert: 'first', variants: 1, quality: 'low' });
		assert.equal(editor.document.getText(), '![a quiet bay](images/a-quiet-bay.png)\n');
		assert.ok(bytesEqual(readFileSync(folderOnDisk('links', 'shared-images', 'a-quiet-bay.png')), (await sentImages())[0].bytes));
	});
});

suite('Insert is one edit with the bytes: undo and redo take file and link together', () => {
	setup(async () => {
		await api().reset();
		await removeIfPresent('undo');
	});

	teardown(async () => {
		await api().reset();
		await closeAllEditors();
		await removeIfPresent('undo');
	});

	for (const size of ['1024x1024', '3840x2160']) {
		test(`insert, undo, redo: the file comes back byte for byte (${size})`, async function () {
			this.timeout(300_000);
			// Grain makes the file as large as a photo-like image (a 3840×2160 one is about 17 MB).
			await api().configure({ grain: 24 });
			const editor = await openFreshDocument(`undo/${size}.md`, '![a night market]()\n');
			placeCursor(editor, '![a night');
			const result = await vscode.commands.executeCommand<GenerateCommandResult>('illustrate.generateFromAltText', { insert: 'first', variants: 1, quality: 'low', size });
			const file = vscode.Uri.parse(result.files[0]);
			const [sent] = await sentImages();
			assert.ok(bytesEqual(await readWorkspaceFile(file), sent.bytes), 'inserted with the bytes the server sent');

			await vscode.window.showTextDocument(editor.document);
			await vscode.commands.executeCommand('undo');
			await until(async () => !(await exists(file)), 'undo removes the file');
			assert.equal(editor.document.getText(), '![a night market]()\n');

			await vscode.window.showTextDocument(editor.document);
			await vscode.commands.executeCommand('redo');
			await until(() => exists(file), 'redo brings the file back');
			assert.equal(editor.document.getText(), '![a night market](images/a-night-market.png)\n');
			const restored = await readWorkspaceFile(file);
			assert.equal(restored.length, sent.bytes.length, 'redo brings back every byte, not an empty file');
			assert.ok(bytesEqual(restored, sent.bytes));
		});
	}
});
