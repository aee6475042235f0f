import * as assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../harness/waitFor';
import { decodeGif } from '../server/gifDecoder';
import { drawing } from '../fixtures/svg/hostileSvgs';
import { closeTab, decodedSize, expectEditorLine, goToLine, illustratePanel, imagesLoaded, nextSuite, openFile, runCommand, screenshot, screenshotOnFailure, shownImageBytes, startWorkbench, type Workbench } from './workbench';

/** An SVG with a script, handlers, a foreignObject and external references around a drawing with text. */
const HOSTILE_SVG = '<svg xmlns="http://www.w3.org/2000/svg" width="1024" height="640" viewBox="0 0 1024 640" onload="alert(1)">'
	+ '<script>alert(2)</script><foreignObject width="100" height="100"><body xmlns="http://www.w3.org/1999/xhtml"><img src="https://evil.example/x.png"/></body></foreignObject>'
	+ '<rect x="40" y="260" width="240" height="120" rx="16" fill="#2b6cb0" onclick="alert(3)"/><text x="160" y="328" text-anchor="middle" font-size="32" fill="#fff">Client</text>'
	+ '<path d="M280 320 H744" stroke="#444" stroke-width="6"/><rect x="744" y="260" width="240" height="120" rx="16" fill="#2f855a"/>'
	+ '<text x="864" y="328" text-anchor="middle" font-size="32" fill="#fff">Server</text><use href="https://evil.example/sprite.svg#a"/></svg>';

/** What a hostile endpoint might send as its SVG: a script and a handler around a harmless drawing. */
const HOSTILE_DRAWING = drawing('<script>window.parent.postMessage("pwned", "*")</script><foreignObject><div xmlns="http://www.w3.org/1999/xhtml" id="inline-html">x</div></foreignObject>', ' onload="alert(1)"');

/**
 * SVG and GIF in the desktop workbench: the two suites share one workbench (each starts with
 * every editor closed and a fresh test server; see `nextSuite`).
 */
suite('SVG and GIF in the desktop workbench', function () {
	this.timeout(240_000);
	let workbench: Workbench;

	suiteSetup(async () => {
		workbench = await startWorkbench({ userSettings: { 'illustrate.quality': 'low', 'illustrate.variants': 1 } });
	});

	screenshotOnFailure(() => workbench);

	suiteTeardown(async () => {
		await workbench?.close();
	});

	suite('SVG and GIF in the workbench: the panel\'s cards and Show Generated Images show them as images', function () {
		suiteSetup(async () => {
			// The SVG comes at once: it can reach the new panel before its card is listed, and the
			// card must still show it from memory (webview/variantGrid.ts keeps such pixels).
			await nextSuite(workbench);
			writeFileSync(join(workbench.workspace, 'docs', 'vectors.md'), '# Vectors\n\n![a flow diagram of a request](diagram.svg)\n\n![a loading spinner](spinner.gif)\n');
			await openFile(workbench.page, 'docs/vectors.md');
		});

		test('an SVG: its card shows the sanitised SVG as an <img> from memory, never as inline DOM, and so does Show Generated Images', async () => {
			const { page, api } = workbench;
			api.configure({ svgOverride: HOSTILE_DRAWING });
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

	suite('SVG and GIF through the panel', function () {
		suiteSetup(async () => {
			await nextSuite(workbench, { imageMs: 300, svgOverride: HOSTILE_SVG });
			writeFileSync(join(workbench.workspace, 'vector.md'), '# Vector\n\n![a flow diagram of a request](diagram.svg)\n\n![a loading spinner](spinner.gif)\n');
		});

		test('![a flow diagram of a request](diagram.svg) → Generate from Alt Text → the card shows the SVG → Insert saves it sanitised at that path', async () => {
			const { page, api, workspace } = workbench;
			await openFile(page, 'vector.md');
			await expectEditorLine(page, 3, '![a flow diagram of a request](diagram.svg)');
			await goToLine(page, 3, 6);
			await runCommand(page, 'Illustrate: Generate Image from Alt Text');

			const panel = illustratePanel(page);
			await panel.getByText('SVG: a vector drawing, sharp at any zoom.', { exact: false }).waitFor();
			await imagesLoaded(panel, 1);
			const image = panel.locator('.variant img').first();
			assert.equal(await image.evaluate(shown => (shown as HTMLImageElement).naturalWidth), 1024, 'the SVG is drawn as an image');
			assert.equal(await panel.locator('.variant .frame svg, .variant .frame script, .variant .frame object, .variant .frame iframe').count(), 0, 'never as inline DOM');
			await panel.locator('.variant .refine[disabled]').waitFor();
			await page.keyboard.press('Control+B');
			await screenshot(page, 'panel-svg');

			const [request] = api.requests;
			assert.equal(request.valid, true, request.errors.join('; '));
			assert.deepEqual({ model: request.body.model, output_format: request.body.output_format, stream: request.body.stream, n: request.body.n }, { model: 'gpt-image-2.6-sunburst', output_format: 'svg', stream: false, n: 1 });

			const shown = await shownImageBytes(panel, 0);
			await panel.getByRole('button', { name: 'Insert', exact: true }).first().click();
			await panel.locator('.variant').first().getByText('Inserted as diagram.svg').waitFor();
			const saved = readFileSync(join(workspace, 'diagram.svg'));
			assert.ok(saved.equals(shown), 'the file holds the bytes the card shows');
			const text = saved.toString('utf8');
			assert.match(text, /<text[^>]*>Client<\/text>/);
			assert.doesNotMatch(text, /script|onload|onclick|foreignObject|evil\.example/i);
			await page.locator('.tab', { hasText: 'vector.md' }).click();
			await expectEditorLine(page, 3, '![a flow diagram of a request](diagram.svg)');
		});

		test('a GIF of 4 frames at 300 ms: the panel shows its length, and Insert saves a .gif whose decoded frames and delays match', async () => {
			const { page, api, workspace } = workbench;
			await page.locator('.tab', { hasText: 'vector.md' }).click();
			await goToLine(page, 5, 6);
			await runCommand(page, 'Illustrate: Generate Image from Alt Text');
			const panel = illustratePanel(page);
			// The link's .gif asks for a GIF at once, with the API's default frames.
			await waitFor(() => api.requests.length === 2, 'the GIF request was sent');
			await panel.locator('.variant[data-state="ready"] img').first().waitFor({ timeout: 60_000 });
			const firstGif = await panel.locator('.variant img').first().getAttribute('data-stored');
			assert.equal(decodeGif(readFileSync(decodeURIComponent(new URL(firstGif ?? '').pathname))).frames.length, 9, 'the API\'s default: 9 frames');

			const frames = panel.locator('#frames');
			await frames.click();
			await frames.locator('vscode-option[value="4"]').click();
			await panel.locator('#frameDurationMs input').fill('300');
			await panel.getByText('GIF: 4 frames × 300 ms = 1.2 s, looping.', { exact: false }).waitFor();
			await panel.getByRole('button', { name: 'Generate', exact: true }).click();
			await waitFor(() => api.requests.length === 3, 'the second GIF request was sent');
			// A new request's card takes the place of the last one's.
			await waitFor(async () => {
				const stored = await panel.locator('.variant[data-state="ready"] img').first().getAttribute('data-stored', { timeout: 1_000 }).catch(() => null);
				return stored !== null && stored !== firstGif;
			}, 'the 4-frame GIF is in its card', 60_000);
			const request = api.requests[2];
			assert.equal(request.valid, true, request.errors.join('; '));
			assert.deepEqual({ output_format: request.body.output_format, frame_count: request.body.frame_count, frame_duration_ms: request.body.frame_duration_ms, stream: request.body.stream }, { output_format: 'gif', frame_count: 4, frame_duration_ms: 300, stream: false });
			await screenshot(page, 'panel-gif');

			await panel.getByRole('button', { name: 'Insert', exact: true }).first().click();
			await panel.locator('.variant').first().getByText('Inserted as spinner.gif').waitFor();
			const gif = decodeGif(readFileSync(join(workspace, 'spinner.gif')));
			assert.equal(gif.frames.length, 4);
			assert.deepEqual(gif.delaysMs, [300, 300, 300, 300]);
			assert.notDeepEqual(gif.frames[0], gif.frames[2], 'the frames differ: it animates');
			await page.locator('.tab', { hasText: 'vector.md' }).click();
			await expectEditorLine(page, 5, '![a loading spinner](spinner.gif)');
		});
	});
});
