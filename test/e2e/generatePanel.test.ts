import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../harness/waitFor';
import { expectEditorLine, goToLine, illustratePanel, imagesLoaded, nextSuite, openFile, restoreWorkspace, runCommand, screenshot, sentImages, shownImageBytes, type Workbench } from './workbench';

/**
 * Generate from alt text through the panel: runs in the workbench of streaming.test.ts (two
 * variants), with the fixture workspace restored (`restoreWorkspace`) and a fresh test server (`nextSuite`).
 */
export function generatePanelSuite(sharedWorkbench: () => Workbench): void {
	suite('Generate from alt text through the panel', function () {
		let workbench: Workbench;

		suiteSetup(async () => {
			workbench = sharedWorkbench();
			await nextSuite(workbench, { imageMs: 400 });
			restoreWorkspace(workbench);
		});

		test('palette → 2 variants in the panel → Insert the second: its exact bytes on disk, the link in the document', async () => {
			const { page, api, workspace } = workbench;
			await openFile(page, 'README.md');
			await expectEditorLine(page, 5, '![a red fox reading a book]()');
			await goToLine(page, 5, 6);

			await runCommand(page, 'Illustrate: Generate Image from Alt Text');

			const panel = illustratePanel(page);
			await imagesLoaded(panel, 2);
			assert.equal(await panel.locator('.variant').count(), 2);
			for (let index = 0; index < 2; index++) {
				assert.ok(await panel.locator('.variant img').nth(index).evaluate(image => (image as HTMLImageElement).naturalWidth === 1024), 'the variant image has loaded');
			}
			await page.keyboard.press('Control+B');
			await screenshot(page, 'panel-variants');
			const shownFirst = await shownImageBytes(panel, 0);
			const shownSecond = await shownImageBytes(panel, 1);

			await panel.getByRole('button', { name: 'Insert', exact: true }).nth(1).click();
			await panel.locator('.variant').nth(1).getByText('Inserted as images/a-red-fox-reading-a-book.png').waitFor();

			// Two variants are two streaming requests of one image each (see bench/variantStrategies.ts).
			const requests = api.requests;
			assert.equal(requests.length, 2, 'one request per variant');
			for (const request of requests) {
				assert.equal(request.valid, true, request.errors.join('; '));
				assert.equal(request.path, '/v1/images/generations');
				assert.deepEqual(
					{ model: request.body.model, size: request.body.size, quality: request.body.quality, n: request.body.n, prompt: request.body.prompt, stream: request.body.stream },
					{ model: 'gpt-image-2', size: '1024x1024', quality: 'low', n: 1, prompt: 'a red fox reading a book', stream: true },
				);
			}

			const saved = readFileSync(join(workspace, 'images', 'a-red-fox-reading-a-book.png'));
			assert.ok(saved.equals(shownSecond), 'the file holds exactly the bytes of the second variant shown');
			assert.ok(!saved.equals(shownFirst), 'and not those of the first');
			assert.equal(sentImages(api).filter(sent => sent.bytes.equals(saved)).length, 1, 'they are the bytes the server sent for that variant');

			await page.locator('.tab', { hasText: 'README.md' }).click();
			await expectEditorLine(page, 5, '![a red fox reading a book](images/a-red-fox-reading-a-book.png)');
			await screenshot(page, 'panel-inserted');
			await page.keyboard.press('Control+S');
			await waitFor(() => readFileSync(join(workspace, 'README.md'), 'utf8').split('\n')[4] === '![a red fox reading a book](images/a-red-fox-reading-a-book.png)', 'the saved README.md has the link on line 5');
		});
	});
}
