import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { drawing } from '../fixtures/svg/hostileSvgs';
import { decodeGif } from '../server/gifDecoder';
import { waitFor } from '../harness/waitFor';
import {
	closeTab,
	goToLine,
	illustratePanel,
	openFile,
	runCommand,
	screenshotOnFailure,
	setApiKeyFromPalette,
	startWorkbench,
	type Workbench,
} from './workbench';

/** What a hostile endpoint might send as its SVG: a script and a handler around a harmless drawing. */
const HOSTILE = drawing('<script>window.parent.postMessage("pwned", "*")</script><foreignObject><div xmlns="http://www.w3.org/1999/xhtml" id="inline-html">x</div></foreignObject>', ' onload="alert(1)"');

/** An <img>'s decoded size in the webview, after it has decoded (a broken image rejects). */
async function decodedSize(image: import('playwright-core').Locator): Promise<{ width: number; height: number; src: string }> {
	return image.evaluate(async element => {
		const img = element as HTMLImageElement;
		await img.decode();
		return { width: img.naturalWidth, height: img.naturalHeight, src: img.src };
	});
}

suite('SVG and GIF in the workbench: the panel\'s cards and Show Generated Images show them as images', function () {
	this.timeout(240_000);
	let workbench: Workbench;

	suiteSetup(async () => {
		workbench = await startWorkbench({ userSettings: { 'illustrate.quality': 'low', 'illustrate.variants': 1 } });
		writeFileSync(join(workbench.workspace, 'docs', 'vectors.md'), '# Vectors\n\n![a flow diagram of a request](diagram.svg)\n\n![a loading spinner](spinner.gif)\n');
		await openFile(workbench.page, 'docs/vectors.md');
	});

	screenshotOnFailure(() => workbench);

	suiteTeardown(async () => {
		await workbench?.close();
	});

	test('an SVG: its card shows the sanitised SVG as an <img> from memory, never as inline DOM, and so does Show Generated Images', async () => {
		const { page, api } = workbench;
		api.configure({ svgOverride: HOSTILE });
		await goToLine(page, 3, 5);
		await runCommand(page, 'Illustrate: Generate Image from Alt Text');
		const panel = illustratePanel(page);
		const card = panel.locator('.variant[data-state="ready"] img').first();
		await card.waitFor({ timeout: 60_000 });
		const shown = await decodedSize(card);
		assert.deepEqual([shown.width, shown.height], [120, 80], 'the SVG decodes as an image at its own size');
		assert.match(shown.src, /^blob:/);
		// Nothing of the SVG is in the page's DOM: no element of it, no HTML from its foreignObject.
		assert.equal(await panel.locator('#keep, #inline-html').count(), 0);
		const [request] = api.requests;
		assert.equal(request.body.output_format, 'svg');

		await closeTab(page, 'Illustrate');
		await runCommand(page, 'Illustrate: Show Generated Images');
		const history = illustratePanel(page);
		const newest = history.locator('.variant').first().locator('img');
		await newest.waitFor();
		const stored = await decodedSize(newest);
		assert.deepEqual([stored.width, stored.height], [120, 80]);
		const path = decodeURIComponent(new URL(stored.src).pathname);
		assert.match(path, /\/globalStorage\/.*\.svg$/, 'the history keeps it as .svg');
		const text = readFileSync(path, 'utf8');
		assert.doesNotMatch(text, /script|onload|foreignObject|pwned/, 'the history keeps the sanitised SVG');
		assert.match(text, /<rect id="keep"/);
		await history.locator('.variant').first().locator('.caption', { hasText: 'SVG ·' }).waitFor();
		await closeTab(page, 'Generated Images');
	});

	test('a GIF: its card shows the animated GIF, and Show Generated Images the stored .gif with all its frames', async () => {
		const { page, api } = workbench;
		await page.locator('.tab', { hasText: 'vectors.md' }).click();
		await goToLine(page, 5, 5);
		await runCommand(page, 'Illustrate: Generate Image from Alt Text');
		const panel = illustratePanel(page);
		const card = panel.locator('.variant[data-state="ready"] img').first();
		await card.waitFor({ timeout: 60_000 });
		const shown = await decodedSize(card);
		const request = api.requests[api.requests.length - 1];
		assert.equal(request.body.output_format, 'gif');
		const sent = decodeGif(api.imageBytes(request.id, 0) ?? Buffer.alloc(0));
		assert.deepEqual([shown.width, shown.height], [sent.width, sent.height]);
		assert.ok(sent.frames.length > 1, 'an animation');

		await closeTab(page, 'Illustrate');
		await runCommand(page, 'Illustrate: Show Generated Images');
		const newest = illustratePanel(page).locator('.variant').first().locator('img');
		await newest.waitFor();
		const stored = await decodedSize(newest);
		const path = decodeURIComponent(new URL(stored.src).pathname);
		assert.match(path, /\/globalStorage\/.*\.gif$/, 'the card shows the stored GIF itself, no PNG copy');
		assert.equal(decodeGif(readFileSync(path)).frames.length, sent.frames.length);
		await illustratePanel(page).locator('.variant').first().locator('.caption', { hasText: 'GIF ·' }).waitFor();
	});
});

/** A key only the web extension can have: from secret storage (it sees no environment). */
const WEB_KEY = 'sk-test-web-svg-0123456789';

suite('SVG in the web worker extension host: sanitised there too', function () {
	this.timeout(240_000);
	let workbench: Workbench;

	suiteSetup(async () => {
		workbench = await startWorkbench({
			userSettings: { 'remote.extensionKind': { 'illustrate.illustrate': ['web'] }, 'illustrate.quality': 'low', 'illustrate.variants': 1 },
			machineSettings: api => ({ 'illustrate.baseUrl': api.url }),
			apiConfig: { acceptedKeys: [WEB_KEY], svgOverride: HOSTILE },
		});
		writeFileSync(join(workbench.workspace, 'docs', 'web-vector.md'), '# In the browser\n\n![a flow diagram drawn in ink](ink.svg)\n');
	});

	screenshotOnFailure(() => workbench);

	suiteTeardown(async () => {
		await workbench?.close();
	});

	test('a hostile SVG from the browser: the card shows it as an image, Insert saves it sanitised', async () => {
		const { page, api, workspace } = workbench;
		await setApiKeyFromPalette(page, WEB_KEY);
		await openFile(page, 'docs/web-vector.md');
		await goToLine(page, 3, 5);
		await runCommand(page, 'Illustrate: Generate Image from Alt Text');
		const panel = illustratePanel(page);
		const card = panel.locator('.variant[data-state="ready"] img').first();
		await card.waitFor({ timeout: 60_000 });
		const shown = await decodedSize(card);
		assert.deepEqual([shown.width, shown.height], [120, 80]);
		assert.match(api.requests[0].runtime ?? '', /^browser:/, 'the request came from the web worker');
		await panel.getByRole('button', { name: 'Insert', exact: true }).first().click();
		const saved = join(workspace, 'docs', 'ink.svg');
		await waitFor(() => { try { return readFileSync(saved).length > 0; } catch { return false; } }, 'the inserted SVG is written');
		const text = readFileSync(saved, 'utf8');
		assert.doesNotMatch(text, /script|onload|foreignObject|pwned/);
		assert.match(text, /<rect id="keep"/);
	});
});
