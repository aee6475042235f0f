import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { FillResult } from '../../src/commands/fillMissingImages';
import type { GenerateCommandResult } from '../../src/commands/generateCommands';
import { api, bytesEqual, closeAllEditors, placeCursor, sentImages } from './helpers';

/**
 * A file system that lives in this test's memory, like a remote or virtual one (vscode.dev's
 * GitHub repositories, a container, SSH): nothing on disk, every byte through the provider.
 */
class MemoryFileSystem implements vscode.FileSystemProvider {
	readonly files = new Map<string, { data: Uint8Array; mtime: number }>();
	readonly folders = new Set<string>(['/']);
	/** Every operation the extension asked for, in order: proves the I/O came through here. */
	readonly operations: string[] = [];
	private readonly changes = new vscode.EventEmitter<vscode.FileChangeEvent[]>();
	readonly onDidChangeFile = this.changes.event;

	watch(): vscode.Disposable {
		return new vscode.Disposable(() => undefined);
	}

	stat(uri: vscode.Uri): vscode.FileStat {
		const file = this.files.get(uri.path);
		if (file) {
			return { type: vscode.FileType.File, ctime: file.mtime, mtime: file.mtime, size: file.data.length };
		}
		if (this.folders.has(uri.path)) {
			return { type: vscode.FileType.Directory, ctime: 0, mtime: 0, size: 0 };
		}
		throw vscode.FileSystemError.FileNotFound(uri);
	}

	readDirectory(uri: vscode.Uri): [string, vscode.FileType][] {
		this.stat(uri);
		const prefix = uri.path === '/' ? '/' : `${uri.path}/`;
		const direct = (path: string) => path.startsWith(prefix) && !path.slice(prefix.length).includes('/') && path !== prefix;
		return [
			...[...this.folders].filter(direct).map(path => [path.slice(prefix.length), vscode.FileType.Directory] as [string, vscode.FileType]),
			...[...this.files.keys()].filter(direct).map(path => [path.slice(prefix.length), vscode.FileType.File] as [string, vscode.FileType]),
		];
	}

	createDirectory(uri: vscode.Uri): void {
		this.operations.push(`mkdir ${uri.path}`);
		this.requireParent(uri);
		if (this.files.has(uri.path)) {
			throw vscode.FileSystemError.FileExists(uri);
		}
		this.folders.add(uri.path);
		this.changes.fire([{ type: vscode.FileChangeType.Created, uri }]);
	}

	readFile(uri: vscode.Uri): Uint8Array {
		this.operations.push(`read ${uri.path}`);
		const file = this.files.get(uri.path);
		if (!file) {
			throw vscode.FileSystemError.FileNotFound(uri);
		}
		return file.data;
	}

	writeFile(uri: vscode.Uri, content: Uint8Array, options: { readonly create: boolean; readonly overwrite: boolean }): void {
		this.operations.push(`write ${uri.path} ${content.length}`);
		const existing = this.files.get(uri.path);
		if (!existing && !options.create) {
			throw vscode.FileSystemError.FileNotFound(uri);
		}
		if (existing && !options.overwrite) {
			throw vscode.FileSystemError.FileExists(uri);
		}
		this.requireParent(uri);
		this.files.set(uri.path, { data: new Uint8Array(content), mtime: Date.now() });
		this.changes.fire([{ type: existing ? vscode.FileChangeType.Changed : vscode.FileChangeType.Created, uri }]);
	}

	delete(uri: vscode.Uri): void {
		this.operations.push(`delete ${uri.path}`);
		if (!this.files.delete(uri.path) && !this.folders.delete(uri.path)) {
			throw vscode.FileSystemError.FileNotFound(uri);
		}
		this.changes.fire([{ type: vscode.FileChangeType.Deleted, uri }]);
	}

	rename(oldUri: vscode.Uri, newUri: vscode.Uri): void {
		const file = this.files.get(oldUri.path);
		if (!file) {
			throw vscode.FileSystemError.FileNotFound(oldUri);
		}
		this.files.delete(oldUri.path);
		this.files.set(newUri.path, file);
	}

	/** Seeds a file and its folders without recording an operation. */
	seed(path: string, text: string): void {
		const parts = path.split('/').slice(1, -1);
		parts.forEach((_, index) => this.folders.add('/' + parts.slice(0, index + 1).join('/')));
		this.files.set(path, { data: new TextEncoder().encode(text), mtime: Date.now() });
	}

	text(path: string): string {
		const file = this.files.get(path);
		assert.ok(file, `${path} is not in the memory file system`);
		return new TextDecoder().decode(file.data);
	}

	private requireParent(uri: vscode.Uri): void {
		const parent = uri.path.replace(/\/[^/]+$/, '') || '/';
		if (!this.folders.has(parent)) {
			throw vscode.FileSystemError.FileNotFound(parent);
		}
	}
}

const SCHEME = 'illustrate-memfs';

suite('A workspace on a file system of its own (not file:)', () => {
	const memory = new MemoryFileSystem();
	let registration: vscode.Disposable;
	const uri = (path: string) => vscode.Uri.from({ scheme: SCHEME, authority: 'docs', path });

	suiteSetup(() => {
		registration = vscode.workspace.registerFileSystemProvider(SCHEME, memory, { isCaseSensitive: true });
	});

	suiteTeardown(() => {
		registration.dispose();
	});

	setup(async () => {
		await api().reset();
		memory.operations.length = 0;
	});

	teardown(async () => {
		await closeAllEditors();
	});

	test('generate from alt text: the image file is written through the provider, the link goes into the document', async () => {
		memory.seed('/guide/fox.md', '# Fox\n\n![a fox on a virtual disk]()\n');
		const document = await vscode.workspace.openTextDocument(uri('/guide/fox.md'));
		const editor = await vscode.window.showTextDocument(document);
		placeCursor(editor, '![a fox on');
		const result = await vscode.commands.executeCommand<GenerateCommandResult>('illustrate.generateFromAltText', { insert: 'first', variants: 1, quality: 'low', size: '1024x1024' });

		const expected = uri('/guide/images/a-fox-on-a-virtual-disk.png');
		assert.deepEqual(result.files, [expected.toString()]);
		assert.equal(editor.document.lineAt(2).text, '![a fox on a virtual disk](images/a-fox-on-a-virtual-disk.png)');
		const saved = memory.files.get('/guide/images/a-fox-on-a-virtual-disk.png');
		assert.ok(saved, 'the image file is in the memory file system');
		const [sent] = await sentImages();
		assert.ok(bytesEqual(saved.data, sent.bytes), 'the file holds the bytes the API sent');
		assert.ok(memory.operations.includes('mkdir /guide/images'), `the images folder was created through the provider: ${memory.operations.join(', ')}`);
		assert.ok(memory.operations.some(operation => operation === `write /guide/images/a-fox-on-a-virtual-disk.png ${sent.bytes.length}`), 'the bytes were written through the provider');

		assert.ok(await editor.document.save());
		assert.match(memory.text('/guide/fox.md'), /!\[a fox on a virtual disk\]\(images\/a-fox-on-a-virtual-disk\.png\)/);
	});

	test('never overwrites there either: an existing file makes the next name -1', async () => {
		memory.seed('/guide/owl.md', '![an owl]()\n');
		memory.seed('/guide/images/an-owl.png', 'not an image, and not to be overwritten');
		const document = await vscode.workspace.openTextDocument(uri('/guide/owl.md'));
		const editor = await vscode.window.showTextDocument(document);
		placeCursor(editor, '![an owl');
		const result = await vscode.commands.executeCommand<GenerateCommandResult>('illustrate.generateFromAltText', { insert: 'first', variants: 1, quality: 'low' });

		assert.deepEqual(result.files, [uri('/guide/images/an-owl-1.png').toString()]);
		assert.equal(memory.text('/guide/images/an-owl.png'), 'not an image, and not to be overwritten');
		assert.equal(editor.document.lineAt(0).text, '![an owl](images/an-owl-1.png)');
	});

	test('Fill Missing Images: every placeholder filled, files through the provider, the first image the reference for the rest', async () => {
		memory.seed('/book/chapter.md', '![a lighthouse]()\n\n![the same lighthouse at night]()\n');
		const document = await vscode.workspace.openTextDocument(uri('/book/chapter.md'));
		const editor = await vscode.window.showTextDocument(document);
		const result = await vscode.commands.executeCommand<FillResult>('illustrate.fillMissingImages', { confirm: false, reference: 'first' });

		assert.deepEqual(result.failures, []);
		assert.deepEqual(result.files.sort(), [uri('/book/images/a-lighthouse.png').toString(), uri('/book/images/the-same-lighthouse-at-night.png').toString()]);
		assert.equal(editor.document.getText(), '![a lighthouse](images/a-lighthouse.png)\n\n![the same lighthouse at night](images/the-same-lighthouse-at-night.png)\n');
		const requests = [...await api().requests()].sort((a, b) => a.seq - b.seq);
		assert.deepEqual(requests.map(request => request.path), ['/v1/images/generations', '/v1/images/edits']);
		const first = memory.files.get('/book/images/a-lighthouse.png');
		assert.ok(first);
		assert.ok(bytesEqual(first.data, (await sentImages()).find(sent => sent.requestId === requests[0].id)!.bytes));
		assert.equal(requests[1].files.length, 1, 'the reference image was uploaded with the edit');
	});
});
