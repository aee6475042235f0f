import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import * as vscode from 'vscode';
import { waitFor } from '../harness/waitFor';
import { panelCopy } from '../../src/core/images/cardCopy';
import { readImageInfo } from '../../src/core/images/imageInfo';
import { encodeJpeg } from '../../src/core/images/jpegEncoder';
import { nodeCodec } from '../../src/platform/compression';
import { crc32 } from '../../src/core/images/pngFormat';
import { CardCopies } from '../../src/history/cardCopies';
import { ImageStore } from '../../src/history/imageStore';
import { LastTextEditor } from '../../src/editor/editorTargets';
import { GeneratePanel } from '../../src/panel/generatePanel';
import { HistoryPanel } from '../../src/panel/historyPanel';
import { PanelPixels } from '../../src/panel/panelPixels';
import type { HostToHistoryMessage, HostToWebviewMessage } from '../../src/protocol/messages';
import type { ImageService } from '../../src/providers/imageService';
import type { Services } from '../../src/services';
import { CostTracker } from '../../src/cost/costTracker';
import { SettingsService } from '../../src/settings/settingsService';
import { ImageReplacer } from '../../src/workspace/imageReplacer';
import { ImageInserter } from '../../src/workspace/imageInserter';
import { ImageWorker } from '../../src/providers/imageWorkerClient';
import { join } from 'node:path';
import { bytesEqual, exists, workspaceRoot } from './helpers';

function chunk(type: string, data: Uint8Array): Buffer {
	const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
	const length = Buffer.alloc(4);
	length.writeUInt32BE(data.length);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE((crc32(body) ^ 0xffffffff) >>> 0);
	return Buffer.concat([length, body, crc]);
}

/** An RGB PNG with a gradient, as large as the models make them; with `transparent`, RGBA and half of it see-through. */
function png(width: number, height: number, seed = 0, transparent = false): Uint8Array {
	const channels = transparent ? 4 : 3;
	const stride = width * channels + 1;
	const raw = Buffer.alloc(stride * height);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const at = y * stride + 1 + x * channels;
			raw[at] = (x + seed) & 0xff;
			raw[at + 1] = y & 0xff;
			raw[at + 2] = (x ^ y) & 0xff;
			if (transparent) {
				raw[at + 3] = x < width / 2 ? 0 : 255;
			}
		}
	}
	const header = Buffer.alloc(13);
	header.writeUInt32BE(width, 0);
	header.writeUInt32BE(height, 4);
	header[8] = 8;
	header[9] = transparent ? 6 : 2;
	return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw, { level: 1 })), chunk('IEND', new Uint8Array())]);
}

const RECIPE = { prompt: 'a lighthouse at dusk', model: 'gpt-image-2', size: '3840x2160', quality: 'low' };

/** A webview panel whose messages to its page the test sees (the page runs, too). */
function watchedPanel<T>(viewType: string, onPost?: (message: T) => void): { panel: vscode.WebviewPanel; posted: T[] } {
	const panel = vscode.window.createWebviewPanel(viewType, 'card copies test', vscode.ViewColumn.Active, { enableScripts: true });
	const posted: T[] = [];
	const post = panel.webview.postMessage.bind(panel.webview);
	Object.defineProperty(panel.webview, 'postMessage', { value: (message: T) => { posted.push(message); onPost?.(message); return post(message); } });
	return { panel, posted };
}

/** A file system of its own scheme over a folder on disk, that notes the files read through it. */
class RecordingFileSystem implements vscode.FileSystemProvider {
	static readonly scheme = 'illustrate-recorded';
	readonly reads: string[] = [];
	readonly onDidChangeFile = new vscode.EventEmitter<vscode.FileChangeEvent[]>().event;

	constructor(private readonly disk: vscode.Uri) {}

	private onDisk(uri: vscode.Uri): vscode.Uri {
		return vscode.Uri.joinPath(this.disk, uri.path);
	}

	watch(): vscode.Disposable {
		return new vscode.Disposable(() => undefined);
	}

	stat(uri: vscode.Uri): Thenable<vscode.FileStat> {
		return vscode.workspace.fs.stat(this.onDisk(uri));
	}

	readDirectory(uri: vscode.Uri): Thenable<[string, vscode.FileType][]> {
		return vscode.workspace.fs.readDirectory(this.onDisk(uri));
	}

	createDirectory(uri: vscode.Uri): Thenable<void> {
		return vscode.workspace.fs.createDirectory(this.onDisk(uri));
	}

	readFile(uri: vscode.Uri): Thenable<Uint8Array> {
		this.reads.push(uri.path);
		return vscode.workspace.fs.readFile(this.onDisk(uri));
	}

	writeFile(uri: vscode.Uri, content: Uint8Array): Thenable<void> {
		return vscode.workspace.fs.writeFile(this.onDisk(uri), content);
	}

	delete(uri: vscode.Uri): Thenable<void> {
		return vscode.workspace.fs.delete(this.onDisk(uri));
	}

	rename(from: vscode.Uri, to: vscode.Uri, options: { readonly overwrite: boolean }): Thenable<void> {
		return vscode.workspace.fs.rename(this.onDisk(from), this.onDisk(to), options);
	}
}

suite('Card-size copies of large images', () => {
	let root: vscode.Uri;
	let store: ImageStore;
	let copies: CardCopies;
	const extensionUri = () => {
		const extension = vscode.extensions.getExtension('illustrate.illustrate');
		assert.ok(extension, 'the extension under test is installed');
		return extension.extensionUri;
	};
	const cardFiles = async () => (await vscode.workspace.fs.readDirectory(copies.folder).then(undefined, () => [])).map(([name]) => name);

	setup(async () => {
		root = vscode.Uri.joinPath(workspaceRoot(), '.card-copies-test');
		await vscode.workspace.fs.delete(root, { recursive: true, useTrash: false }).then(undefined, () => undefined);
		store = new ImageStore(root, () => 1024 * 1024 * 1024);
		copies = new CardCopies(store);
	});

	teardown(async () => {
		await vscode.commands.executeCommand('workbench.action.closeAllEditors');
		copies.dispose();
		store.dispose();
		await vscode.workspace.fs.delete(root, { recursive: true, useTrash: false }).then(undefined, () => undefined);
	});

	test('Show Generated Images gets one copy of a large image, its URI, never the original\'s; deleting the image deletes the copy; a 1024×1024 PNG shows as it is until its copy is made', async function () {
		this.timeout(120_000);
		const small = await store.save(png(1024, 1024), { ...RECIPE, size: '1024x1024' }, 'png');
		const { panel, posted } = watchedPanel<HostToHistoryMessage>(HistoryPanel.viewType);
		const editors = new LastTextEditor();
		const history = HistoryPanel.revive(panel, { extensionUri: extensionUri(), store, cardCopies: copies, inserter: new ImageInserter(store), replacer: new ImageReplacer(store), editors, log: vscode.window.createOutputChannel('card copies test', { log: true }) });
		// Saving tells the history it changed: it lists the images again, the large one without an image yet.
		const large = await store.save(png(3840, 2160), RECIPE, 'png');
		await waitFor(() => posted.some(message => message.type === 'cardImage' && message.id === large.id), 'the history sent the large image\'s card copy', 60_000);
		const copyUri = copies.uriOf(large.id);
		assert.ok(copyUri);
		const copySrc = panel.webview.asWebviewUri(copyUri).toString();
		const cardImage = posted.find(message => message.type === 'cardImage' && message.id === large.id);
		assert.equal(cardImage?.type === 'cardImage' && cardImage.src, copySrc, 'the card shows the copy');
		const originalSrc = panel.webview.asWebviewUri(large.uri).toString();
		const sources = posted.flatMap(message => message.type === 'history' ? message.entries.map(entry => entry.src) : [message.src]);
		assert.ok(!sources.includes(originalSrc), 'the 17 MB file never goes to the view');
		assert.ok(sources.includes(panel.webview.asWebviewUri(small.uri).toString()), 'a 1024×1024 image shows as it is meanwhile');
		await waitFor(() => posted.some(message => message.type === 'cardImage' && message.id === small.id), 'the history sent the 1024×1024 image\'s card copy', 60_000);
		const smallCopy = copies.uriOf(small.id);
		assert.ok(smallCopy);
		assert.deepEqual(readImageInfo(await vscode.workspace.fs.readFile(smallCopy)), { format: 'jpeg', width: 744, height: 744 });

		const copy = await vscode.workspace.fs.readFile(copyUri);
		// Sized for a history card (twice its widest, 372 CSS pixels); made on this thread here (as in the web), the image worker's JPEG all the same.
		assert.deepEqual(readImageInfo(copy), { format: 'jpeg', width: 744, height: 419 });
		assert.deepEqual((await cardFiles()).sort(), [`${large.id}.card-744.jpg`, `${small.id}.card-744.jpg`].sort(), 'one copy of each');
		const made = (await vscode.workspace.fs.stat(copyUri)).mtime;

		// Opened again, as after a reload (a new cache reads the folder): the copy at once, not made again.
		const reopened = watchedPanel<HostToHistoryMessage>(HistoryPanel.viewType);
		const again = new CardCopies(store);
		const second = HistoryPanel.revive(reopened.panel, { extensionUri: extensionUri(), store, cardCopies: again, inserter: new ImageInserter(store), replacer: new ImageReplacer(store), editors, log: vscode.window.createOutputChannel('card copies test 2', { log: true }) });
		await store.save(png(512, 512), { ...RECIPE, size: '512x512' }, 'png');
		await waitFor(() => reopened.posted.some(message => message.type === 'history' && message.entries.length === 3), 'the history listed the images again', 30_000);
		const entry = reopened.posted.flatMap(message => message.type === 'history' ? message.entries : []).find(candidate => candidate.id === large.id);
		assert.equal(entry?.src, reopened.panel.webview.asWebviewUri(copyUri).toString(), 'the copy made before, in the first list');
		assert.equal((await vscode.workspace.fs.stat(copyUri)).mtime, made, 'not made again');
		// The page's first message (the answer to its `ready`) brings the first cards' copies as bytes: no request each.
		await waitFor(() => reopened.posted.some(message => message.type === 'history' && message.images !== undefined), 'the page got the copies in its first message', 30_000);
		const inline = reopened.posted.flatMap(message => message.type === 'history' ? message.images ?? [] : []);
		assert.deepEqual(inline.map(image => [image.id, image.mime]), [[large.id, 'image/jpeg'], [small.id, 'image/jpeg']], 'the copies of the large and the 1024×1024 image, newest first; the 512×512 image loads its file');
		assert.ok(bytesEqual(inline.find(image => image.id === large.id)!.bytes, await vscode.workspace.fs.readFile(copyUri)), 'the copy\'s bytes');
		for (const image of inline) {
			// VS Code sends a typed array as binary only when it is one by name: a Node Buffer would reach the page as JSON, no image.
			assert.equal(image.bytes.constructor.name, 'Uint8Array', 'a plain Uint8Array');
			assert.equal(image.bytes.byteLength, image.bytes.buffer.byteLength, 'with a buffer of its own (the whole buffer is sent)');
		}
		assert.equal(reopened.posted.filter(message => message.type === 'history' && message.images !== undefined).length, 1, 'once: a refresh sends the list only');
		second.dispose();
		again.dispose();

		await store.delete(large.id);
		await waitFor(async () => !(await exists(copyUri)), 'the copy went with its image', 10_000);
		assert.deepEqual(await cardFiles(), [`${small.id}.card-744.jpg`]);
		history.dispose();
		editors.dispose();
	});

	test('the copy the panel made while the image streamed in is kept, not made again', async function () {
		this.timeout(60_000);
		const shown: Uint8Array[] = [];
		const webview = { postMessage: async (message: { bytes: Uint8Array }) => { shown.push(message.bytes); return true; } } as unknown as vscode.Webview;
		const pixels = new PanelPixels(webview, () => undefined, vscode.window.createOutputChannel('card copies pixels', { log: true }), copies);
		const bytes = png(3840, 2160, 7);
		pixels.offer({ type: 'pixels', variantId: 'v-0', bytes, mime: 'image/png' });
		const image = await store.save(bytes, RECIPE, 'png');
		await pixels.keepCopy('v-0', image);
		const copyUri = copies.uriOf(image.id);
		assert.ok(copyUri);
		assert.equal(shown.length, 1);
		assert.ok(bytesEqual(await vscode.workspace.fs.readFile(copyUri), shown[0]), 'the copy holds what the panel showed');
		assert.deepEqual((await copies.shownNow([image])).map(uri => uri?.toString()), [copyUri.toString()], 'the cards show it with nothing left to make');
		assert.deepEqual(await copies.missing([image]), []);
		// The panel's copy is 1024 px: the history replaces it with one sized for its cards, made from it.
		assert.deepEqual((await copies.outdated([image])).map(outdated => outdated.id), [image.id]);
		const replaced = await copies.make(image);
		// From 1024×576: 418.5 rows, 418 (the original would give 419).
		assert.deepEqual(readImageInfo(await vscode.workspace.fs.readFile(replaced)), { format: 'jpeg', width: 744, height: 418 });
		assert.deepEqual(await cardFiles(), [`${image.id}.card-744.jpg`], 'the 1024 px copy went');
		assert.deepEqual(await copies.outdated([image]), []);
		assert.equal(copies.uriOf(image.id)?.toString(), replaced.toString());
	});

	test('the image worker\'s copy of a final (the history\'s own: 744 px, a JPEG) is kept as the card-size copy, nothing left to make or replace', async function () {
		this.timeout(60_000);
		const webview = { postMessage: async () => true } as unknown as vscode.Webview;
		const pixels = new PanelPixels(webview, () => undefined, vscode.window.createOutputChannel('card copies worker pixels', { log: true }), copies);
		const bytes = png(3840, 2160, 8);
		const copy = await panelCopy(bytes, nodeCodec, encodeJpeg);
		assert.ok(copy);
		pixels.offer({ type: 'pixels', variantId: 'v-0', bytes: copy.bytes, mime: 'image/jpeg' }, true);
		const image = await store.save(bytes, RECIPE, 'png');
		await pixels.keepCopy('v-0', image);
		const copyUri = copies.uriOf(image.id);
		assert.ok(copyUri);
		assert.ok(copyUri.path.endsWith(`${image.id}.card-744.jpg`), copyUri.path);
		assert.ok(bytesEqual(await vscode.workspace.fs.readFile(copyUri), copy.bytes), 'the copy holds what the panel showed');
		assert.deepEqual(await copies.missing([image]), []);
		assert.deepEqual(await copies.outdated([image]), [], 'not a 1024 px copy to replace');
		assert.equal((await copies.make(image)).toString(), copyUri.toString(), 'made once: the one kept');
		assert.deepEqual(await cardFiles(), [`${image.id}.card-744.jpg`]);
	});

	test('a panel restored after a reload shows the copy of a large variant, the file of a small one', async function () {
		this.timeout(120_000);
		const large = await store.save(png(3840, 2160, 3), RECIPE, 'png');
		const small = await store.save(png(1024, 1024), { ...RECIPE, size: '1024x1024' }, 'png');
		const { panel, posted } = watchedPanel<HostToWebviewMessage>(GeneratePanel.viewType);
		const settings = new SettingsService();
		const services: Services = {
			extensionUri: extensionUri(), store, cardCopies: copies, images: { prepare: () => undefined } as unknown as ImageService, inserter: new ImageInserter(store), replacer: new ImageReplacer(store), costs: new CostTracker(settings), settings,
			log: vscode.window.createOutputChannel('card copies test 3', { log: true }),
		};
		const saved = {
			options: { prompt: RECIPE.prompt, model: 'gpt-image-2', quality: 'low', size: '3840x2160', n: 2, outputFormat: 'png' },
			state: { variants: [{ id: 'b-0', index: 0, imageId: large.id, state: 'ready' }, { id: 'b-1', index: 1, imageId: small.id, state: 'ready' }] },
		};
		const revived = await GeneratePanel.revive(panel, services, saved);
		const variant = (id: string) => posted.flatMap(message => message.type === 'state' || message.type === 'init' ? message.state.variants : []).filter(candidate => candidate.id === id);
		await waitFor(() => variant('b-0').some(view => view.src?.includes('/cards/')), 'the restored card shows the copy', 60_000);
		const copyUri = copies.uriOf(large.id);
		assert.ok(copyUri);
		const copySrc = panel.webview.asWebviewUri(copyUri).toString();
		assert.ok(variant('b-0').some(view => view.src === copySrc));
		assert.ok(!variant('b-0').some(view => view.src === panel.webview.asWebviewUri(large.uri).toString()), 'never the 17 MB file');
		assert.ok(variant('b-1').every(view => view.src === panel.webview.asWebviewUri(small.uri).toString()), 'a small image shows as it is');
		assert.deepEqual(readImageInfo(await vscode.workspace.fs.readFile(copyUri)), { format: 'jpeg', width: 744, height: 419 });
		revived.dispose();
		services.costs.dispose();
	});

	test('the copies are made by the maker the cache is given (the image worker in the extension) from the file\'s URI: this thread never reads the original', async function () {
		this.timeout(120_000);
		const large = await store.save(png(3840, 2160, 5), RECIPE, 'png');
		const asked: string[] = [];
		const madeElsewhere = new Uint8Array([0xff, 0xd8, 0xff, 0xd9]);
		const elsewhere = new CardCopies(store, undefined, async source => {
			asked.push(source.toString());
			return { bytes: madeElsewhere, format: 'jpeg', width: 744, height: 419 };
		});
		const read = store.read.bind(store);
		const readHere: string[] = [];
		Object.defineProperty(store, 'read', { value: (image: { id: string }) => { readHere.push(image.id); return read(image as never); } });
		try {
			const copyUri = await elsewhere.make(large);
			assert.equal(copyUri.toString(), vscode.Uri.joinPath(elsewhere.folder, `${large.id}.card-744.jpg`).toString(), 'a JPEG, named for the card size');
			assert.deepEqual(asked, [large.uri.toString()], 'the maker was asked once, with the original\'s URI');
			assert.deepEqual(readHere, [], 'the original was never read on this thread');
			assert.ok(bytesEqual(await vscode.workspace.fs.readFile(copyUri), madeElsewhere), 'the copy is what the maker made');

			// An older 1024 px copy (the panel's, or an earlier version's) is the source of its replacement, not the 17 MB file.
			const older = await store.save(png(3840, 2160, 6), RECIPE, 'png');
			await elsewhere.keep(older, png(1024, 576, 6));
			const olderCopy = elsewhere.uriOf(older.id);
			assert.ok(olderCopy);
			assert.equal((await elsewhere.make(older)).toString(), vscode.Uri.joinPath(elsewhere.folder, `${older.id}.card-744.jpg`).toString());
			assert.deepEqual(asked.slice(1), [olderCopy.toString()], 'made from the older copy');
			assert.equal(await exists(olderCopy), false, 'which went');
			assert.deepEqual(readHere, []);
		} finally {
			elsewhere.dispose();
		}
	});

	test('in the extension, the image worker makes the history\'s copies from the file: a JPEG of an opaque image, a PNG of a transparent one, at card size', async function () {
		this.timeout(120_000);
		const log: string[] = [];
		const worker = new ImageWorker(join(extensionUri().fsPath, 'dist', 'imageWorker.js'), { info: line => log.push(line), warn: line => log.push(line), error: line => log.push(line) });
		const inWorker = new CardCopies(store, undefined, source => worker.historyCopy(source.fsPath));
		try {
			const opaque = await store.save(png(3840, 2160, 11), RECIPE, 'png');
			const transparent = await store.save(png(2160, 3840, 12, true), { ...RECIPE, size: '2160x3840' }, 'png');
			const [opaqueCopy, transparentCopy] = await Promise.all([inWorker.make(opaque), inWorker.make(transparent)]);
			const opaqueBytes = await vscode.workspace.fs.readFile(opaqueCopy);
			assert.deepEqual(readImageInfo(opaqueBytes), { format: 'jpeg', width: 744, height: 419 });
			assert.ok(opaqueBytes.length < 150_000, `${opaqueBytes.length} bytes`);
			assert.ok(opaqueCopy.path.endsWith('.card-744.jpg'));
			assert.deepEqual(readImageInfo(await vscode.workspace.fs.readFile(transparentCopy)), { format: 'png', width: 419, height: 744 });
			assert.ok(transparentCopy.path.endsWith('.card-744.png'));
			assert.deepEqual(log, [], 'nothing failed');
		} finally {
			inWorker.dispose();
			await worker.dispose();
		}
	});

	const historyServices = (cardCopies: CardCopies, editors: LastTextEditor, name: string) => ({ extensionUri: extensionUri(), store, cardCopies, inserter: new ImageInserter(store), replacer: new ImageReplacer(store), editors, log: vscode.window.createOutputChannel(name, { log: true }) });

	test('Show Generated Images lists the history once as it opens, not once while its page loads and again when the page asks', async function () {
		this.timeout(60_000);
		await store.save(png(512, 512), { ...RECIPE, size: '512x512' }, 'png');
		await store.save(png(512, 512, 1), { ...RECIPE, size: '512x512' }, 'png');
		// The prune the saves asked for, done now (it lists the history too).
		await store.prune();
		const list = store.list.bind(store);
		let lists = 0;
		Object.defineProperty(store, 'list', { value: () => { lists++; return list(); } });
		const { panel, posted } = watchedPanel<HostToHistoryMessage>(HistoryPanel.viewType);
		const editors = new LastTextEditor();
		const history = HistoryPanel.revive(panel, historyServices(copies, editors, 'history once test'));
		await waitFor(() => posted.some(message => message.type === 'history'), 'the page got the history', 30_000);
		assert.equal(lists, 1, 'the history was listed once');
		const [first] = posted.filter(message => message.type === 'history');
		assert.equal(first.type === 'history' && first.entries.length, 2);
		history.dispose();
		editors.dispose();
	});

	test('The history\'s first message: only the copies sent as bytes are read; a copy too large for it is never read, only its size', async function () {
		this.timeout(60_000);
		// The history on a file system that notes every file read (the disk underneath).
		const recorded = new RecordingFileSystem(root);
		const registration = vscode.workspace.registerFileSystemProvider(RecordingFileSystem.scheme, recorded, { isCaseSensitive: true });
		const recordedStore = new ImageStore(vscode.Uri.from({ scheme: RecordingFileSystem.scheme, path: '/history' }), () => 1024 * 1024 * 1024);
		// Its card-size replacement is not made here (the maker gives none): the card keeps the older copy.
		const keeping = new CardCopies(recordedStore, undefined, async () => undefined);
		const editors = new LastTextEditor();
		try {
			const image = await recordedStore.save(png(3840, 2160, 9), RECIPE, 'png');
			// An older 1024 px copy larger than a copy sent as bytes (256 KB): noise does not compress.
			await keeping.keep(image, Buffer.concat([png(1024, 576), randomBytes(600 * 1024)]));
			const older = keeping.uriOf(image.id);
			assert.ok(older && (await vscode.workspace.fs.stat(older)).size > 256 * 1024);
			recorded.reads.length = 0;
			// The files read by the time the history goes to the page (the page then loads the older copy through the resource path, which reads it).
			let readBeforeSent: string[] | undefined;
			const { panel, posted } = watchedPanel<HostToHistoryMessage>(HistoryPanel.viewType, message => {
				readBeforeSent ??= message.type === 'history' ? [...recorded.reads] : undefined;
			});
			const history = HistoryPanel.revive(panel, { ...historyServices(keeping, editors, 'history inline test'), store: recordedStore });
			await waitFor(() => posted.some(message => message.type === 'history'), 'the page got the history', 30_000);
			const [first] = posted.filter(message => message.type === 'history');
			assert.equal(first.type === 'history' && first.entries[0].src, panel.webview.asWebviewUri(older).toString(), 'the card loads the older copy through the resource path');
			assert.equal(first.type === 'history' && first.images, undefined, 'no copy as bytes');
			assert.deepEqual(readBeforeSent?.filter(path => path.includes('/cards/')), [], 'the older copy was not read for the message');
			history.dispose();
		} finally {
			keeping.dispose();
			recordedStore.dispose();
			editors.dispose();
			registration.dispose();
		}
	});
});
