import * as assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../harness/waitFor';
import { drawing } from '../fixtures/svg/hostileSvgs';
import { decodedSize, expectEditorLine, goToLine, illustratePanel, imagesLoaded, nextSuite, openFile, runCommand, runningExtensionRow, screenshot, screenshotOnFailure, sentImages, setApiKeyFromPalette, shownImageBytes, startWorkbench, type Workbench } from './workbench';

/** A key only the web extension can have: from secret storage (it sees no environment). */
const WEB_KEY = 'sk-test-web-worker-0123456789';

/** Another key, set in the suite of the SVG: the key it sets is the one its requests carry. */
const WEB_SVG_KEY = 'sk-test-web-svg-0123456789';

/** What a hostile endpoint might send as its SVG: a script and a handler around a harmless drawing. */
const HOSTILE_DRAWING = drawing('<script>window.parent.postMessage("pwned", "*")</script><foreignObject><div xmlns="http://www.w3.org/1999/xhtml" id="inline-html">x</div></foreignObject>', ' onload="alert(1)"');

suite('The web extension (vscode.dev, github.dev) in the web worker extension host', function () {
	this.timeout(240_000);
	let workbench: Workbench;

	suiteSetup(async () => {
		workbench = await startWorkbench({
			userSettings: {
				// Runs Illustrate where vscode.dev runs it: its `browser` entry in the browser's web worker.
				'remote.extensionKind': { 'illustrate.illustrate': ['web'] },
				'illustrate.quality': 'low',
				'illustrate.size': '1024x1024',
				'illustrate.variants': 2,
			},
			// A web worker has no environment variables: the endpoint comes from the settings (a
			// machine setting, which code-server's remote window reads from its remote settings).
			machineSettings: api => ({ 'illustrate.baseUrl': api.url }),
			apiConfig: { imageMs: 400, acceptedKeys: [WEB_KEY] },
		});
		writeFileSync(join(workbench.workspace, 'docs', 'web.md'), '# In the browser\n\n![a lighthouse drawn in ink]()\n');
	});

	screenshotOnFailure(() => workbench);

	suiteTeardown(async () => {
		await workbench?.close();
	});

	/** Whether WEB_KEY was set through Set API Key: by the first test, or by a later one run alone (ILLUSTRATE_TEST_GREP). */
	let keySet = false;
	async function setKeyOnce(): Promise<void> {
		if (!keySet) {
			await setApiKeyFromPalette(workbench.page, WEB_KEY);
			keySet = true;
		}
	}

	test('key in secret storage → 2 variants from the browser → Insert: the bytes on disk, the link in the document', async () => {
		const { page, api, workspace } = workbench;
		await setKeyOnce();

		await openFile(page, 'docs/web.md');
		await goToLine(page, 3, 5);
		await runCommand(page, 'Illustrate: Generate Image from Alt Text');

		const panel = illustratePanel(page);
		await imagesLoaded(panel, 2);
		assert.equal(await panel.locator('.variant').count(), 2);
		await screenshot(page, 'web-panel-variants');
		const shownFirst = await shownImageBytes(panel, 0);

		await panel.getByRole('button', { name: 'Insert', exact: true }).first().click();
		await panel.locator('.variant').first().getByText('Inserted as images/a-lighthouse-drawn-in-ink.png').waitFor();

		// The requests came from the browser: the SDK reported a browser runtime, the browser
		// set Origin and asked first (CORS preflight). A Node extension host does none of these.
		const requests = api.requests;
		assert.equal(requests.length, 2, 'one request per variant');
		for (const request of requests) {
			assert.equal(request.valid, true, request.errors.join('; '));
			assert.equal(request.path, '/v1/images/generations');
			assert.equal(request.authorization, `Bearer ${WEB_KEY}`, 'the key from secret storage');
			assert.match(request.runtime ?? '', /^browser:chrome$/, 'the SDK ran in the browser');
			assert.ok(request.origin, 'the browser named its origin');
			assert.deepEqual(
				{ model: request.body.model, size: request.body.size, quality: request.body.quality, n: request.body.n, prompt: request.body.prompt, stream: request.body.stream },
				{ model: 'gpt-image-2', size: '1024x1024', quality: 'low', n: 1, prompt: 'a lighthouse drawn in ink', stream: true },
			);
		}
		const preflight = api.preflights.find(sent => sent.path === '/v1/images/generations');
		assert.ok(preflight, 'the browser sent a CORS preflight');
		assert.equal(preflight.method, 'POST');
		assert.ok(preflight.headers.includes('authorization'), `the preflight asked for the Authorization header: ${preflight.headers.join(', ')}`);

		const savedPath = join(workspace, 'docs', 'images', 'a-lighthouse-drawn-in-ink.png');
		await waitFor(() => { try { return readFileSync(savedPath).length > 0; } catch { return false; } }, 'the inserted file is written');
		const saved = readFileSync(savedPath);
		assert.ok(saved.equals(shownFirst), 'the file holds exactly the bytes of the first variant shown');
		assert.equal(sentImages(api).filter(sent => sent.bytes.equals(saved)).length, 1, 'they are the bytes the server sent for that variant');

		await page.locator('.tab', { hasText: 'web.md' }).click();
		await expectEditorLine(page, 3, '![a lighthouse drawn in ink](images/a-lighthouse-drawn-in-ink.png)');
		await page.keyboard.press('Control+S');
		await waitFor(() => readFileSync(join(workspace, 'docs', 'web.md'), 'utf8').split('\n')[2] === '![a lighthouse drawn in ink](images/a-lighthouse-drawn-in-ink.png)', 'the saved web.md has the link on line 3');

		// And VS Code says where Illustrate runs: in the web worker, not on the server.
		const row = await runningExtensionRow(page, 'Illustrate');
		assert.match(row, /web worker/, `Running Extensions: ${row}`);
	});

	test('a 1024×1024 PNG of 2 MB from the browser: its card shows the 744 px copy made in the web worker (as the image worker makes it), the stored file keeps every pixel', async () => {
		const { page, api, workspace } = workbench;
		await setKeyOnce();
		api.reset();
		// Grain: a PNG of about 2 MB, the size the API sends at 1024×1024, which goes to the panel as its card-size copy.
		api.configure({ grain: 8 });
		writeFileSync(join(workspace, 'docs', 'large.md'), '![a harbour at dusk]()\n');
		await openFile(page, 'docs/large.md');
		await goToLine(page, 1, 5);
		await runCommand(page, 'Illustrate: Generate Image from Alt Text');
		const panel = illustratePanel(page);
		await imagesLoaded(panel, 2);
		for (let index = 0; index < 2; index++) {
			const shown = await decodedSize(panel.locator('.variant[data-state="ready"] img').nth(index));
			// 744 px is the history's card size: before, the web sent a PNG this size as it is (only one over 2048×1024 got a copy, of 1024 px).
			assert.deepEqual([shown.width, shown.height], [744, 744], `card ${index + 1} shows the card-size copy, not the 1024 px image`);
			const stored = await shownImageBytes(panel, index);
			assert.ok(stored.length > 1024 * 1024, `the stored file is the image as sent (${stored.length} bytes)`);
			assert.equal(sentImages(api).filter(sent => sent.bytes.equals(stored)).length, 1, 'the bytes the server sent');
		}
	});

	test('an endpoint that does not allow calls from the browser: the panel says so (CORS), nothing is written', async () => {
		const { page, api, workspace } = workbench;
		await setKeyOnce();
		api.configure({ cors: false });
		writeFileSync(join(workspace, 'docs', 'cors.md'), '![a kite over the sea]()\n');
		await openFile(page, 'docs/cors.md');
		await goToLine(page, 1, 5);
		await runCommand(page, 'Illustrate: Generate Image from Alt Text');

		const panel = illustratePanel(page);
		await panel.getByText(`The request to ${api.url} failed in the browser: the network is down, or the endpoint does not allow requests from VS Code for the Web (CORS).`, { exact: false }).first().waitFor({ timeout: 60_000 });
		await screenshot(page, 'web-cors-refused');
		assert.equal(existsSync(join(workspace, 'docs', 'images', 'a-kite-over-the-sea.png')), false);
	});

	suite('SVG in the web worker extension host: sanitised there too', function () {
		suiteSetup(async () => {
			await nextSuite(workbench, { acceptedKeys: [WEB_SVG_KEY], svgOverride: HOSTILE_DRAWING });
			writeFileSync(join(workbench.workspace, 'docs', 'web-vector.md'), '# In the browser\n\n![a flow diagram drawn in ink](ink.svg)\n');
		});

		test('a hostile SVG from the browser: the card shows it as an image, Insert saves it sanitised', async () => {
			const { page, api, workspace } = workbench;
			await setApiKeyFromPalette(page, WEB_SVG_KEY);
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
});
