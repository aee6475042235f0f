import * as assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import * as vscode from 'vscode';
import { waitFor } from '../harness/waitFor';
import { readImageInfo } from '../../src/core/images/imageInfo';
import { crc32 } from '../../src/core/images/pngThumbnail';
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
import { bytesEqual, exists, workspaceRoot } from './helpers';

function chunk(type: string, data: Uint8Array): Buffer {
	const body = Buffer.concat([Buffer.from(type, 'latin1'), data]);
	const length = Buffer.alloc(4);
	length.writeUInt32BE(data.length);
	const crc = Buffer.alloc(4);
	crc.writeUInt32BE((crc32(body) ^ 0xffffffff) >>> 0);
	return Buffer.concat([length, body, crc]);
}

/** An RGB PNG with a gradient, as large as the models make them. */
function png(width: number, height: number, seed = 0): Uint8Array {
	const stride = width * 3 + 1;
	const raw = Buffer.alloc(stride * height);
	for (let y = 0; y < height; y++) {
		for (let x = 0; x < width; x++) {
			const at = y * stride + 1 + x * 3;
			raw[at] = (x + seed) & 0xff;
			raw[at + 1] = y & 0xff;
			raw[at + 2] = (x ^ y) & 0xff;
		}
	}
	const header = Buffer.alloc(13);
	header.writeUInt32BE(width, 0);
	header.writeUInt32BE(height, 4);
	header[8] = 8;
	header[9] = 2;
	return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', header), chunk('IDAT', deflateSync(raw, { level: 1 })), chunk('IEND', new Uint8Array())]);
}

const RECIPE = { prompt: 'a lighthouse at dusk', model: 'gpt-image-2', size: '3840x2160', quality: 'low' };

/** A webview panel whose messages to its page the test sees (the page runs, too). */
function watchedPanel<T>(viewType: string): { panel: vscode.WebviewPanel; posted: T[] } {
	const panel = vscode.window.createWebviewPanel(viewType, 'card copies test', vscode.ViewColumn.Active, { enableScripts: true });
	const posted: T[] = [];
	const post = panel.webview.postMessage.bind(panel.webview);
	Object.defineProperty(panel.webview, 'postMessage', { value: (message: T) => { posted.push(message); return post(message); } });
	return { panel, posted };
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

	test('Show Generated Images gets one copy of a large image, its URI, never the original\'s; deleting the image deletes the copy', async function () {
		this.timeout(120_000);
		const small = await store.save(png(1024, 1024), { ...RECIPE, size: '1024x1024' }, 'png');
		const { panel, posted } = watchedPanel<HostToHistoryMessage>(HistoryPanel.viewType);
		const editors = new LastTextEditor();
		const history = HistoryPanel.revive(panel, { extensionUri: extensionUri(), store, cardCopies: copies, inserter: new ImageInserter(store), replacer: new ImageReplacer(store), editors, log: vscode.window.createOutputChannel('card copies test', { log: true }) });
		// Saving tells the history it changed: it lists the images again, the large one without an image yet.
		const large = await store.save(png(3840, 2160), RECIPE, 'png');
		const copyUri = copies.uriOf(large.id);
		assert.ok(copyUri);
		const copySrc = panel.webview.asWebviewUri(copyUri).toString();
		await waitFor(() => posted.some(message => message.type === 'cardImage' && message.id === large.id), 'the history sent the large image\'s card copy', 60_000);
		const cardImage = posted.find(message => message.type === 'cardImage' && message.id === large.id);
		assert.equal(cardImage?.type === 'cardImage' && cardImage.src, copySrc, 'the card shows the copy');
		const originalSrc = panel.webview.asWebviewUri(large.uri).toString();
		const sources = posted.flatMap(message => message.type === 'history' ? message.entries.map(entry => entry.src) : [message.src]);
		assert.ok(!sources.includes(originalSrc), 'the 17 MB file never goes to the view');
		assert.ok(sources.includes(panel.webview.asWebviewUri(small.uri).toString()), 'a small image shows as it is');

		const copy = await vscode.workspace.fs.readFile(copyUri);
		assert.deepEqual(readImageInfo(copy), { format: 'png', width: 1024, height: 576 });
		assert.deepEqual(await cardFiles(), [`${large.id}.card.png`], 'exactly one copy, none of the small image');
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
		second.dispose();
		again.dispose();

		await store.delete(large.id);
		await waitFor(async () => !(await exists(copyUri)), 'the copy went with its image', 10_000);
		assert.deepEqual(await cardFiles(), []);
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
		const copyUri = copies.uriOf(large.id);
		assert.ok(copyUri);
		const copySrc = panel.webview.asWebviewUri(copyUri).toString();
		const variant = (id: string) => posted.flatMap(message => message.type === 'state' || message.type === 'init' ? message.state.variants : []).filter(candidate => candidate.id === id);
		await waitFor(() => variant('b-0').some(view => view.src === copySrc), 'the restored card shows the copy', 60_000);
		assert.ok(!variant('b-0').some(view => view.src === panel.webview.asWebviewUri(large.uri).toString()), 'never the 17 MB file');
		assert.ok(variant('b-1').every(view => view.src === panel.webview.asWebviewUri(small.uri).toString()), 'a small image shows as it is');
		assert.deepEqual(readImageInfo(await vscode.workspace.fs.readFile(copyUri)), { format: 'png', width: 1024, height: 576 });
		revived.dispose();
		services.costs.dispose();
	});

	test('the copies are made by the scaler the cache is given (the image worker in the extension), off this thread', async function () {
		this.timeout(120_000);
		const large = await store.save(png(3840, 2160, 5), RECIPE, 'png');
		const stored = await vscode.workspace.fs.readFile(large.uri);
		const scaled: Uint8Array[] = [];
		const madeElsewhere = png(1024, 576, 9);
		const elsewhere = new CardCopies(store, undefined, async bytes => {
			scaled.push(bytes);
			return madeElsewhere;
		});
		try {
			const copyUri = await elsewhere.make(large);
			assert.equal(copyUri.toString(), elsewhere.uriOf(large.id)?.toString());
			assert.equal(scaled.length, 1, 'the scaler was asked once');
			assert.ok(bytesEqual(scaled[0], stored), 'with the stored image\'s bytes');
			assert.ok(bytesEqual(await vscode.workspace.fs.readFile(copyUri), madeElsewhere), 'the copy is what the scaler made');
		} finally {
			elsewhere.dispose();
		}
	});
});
