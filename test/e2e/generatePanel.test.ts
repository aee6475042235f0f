import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../harness/waitFor';
import { expectEditorLine, goToLine, illustratePanel, openFile, runCommand, screenshot, startWorkbench, type Workbench } from './workbench';

suite('Generate from alt text through the panel', function () {
	this.timeout(180_000);
	let workbench: Workbench;

	suiteSetup(async () => {
		workbench = await startWorkbench({
			userSettings: { 'illustrate.quality': 'low', 'illustrate.size': '1024x1024', 'illustrate.variants': 2 },
			apiConfig: { imageMs: 400 },
		});
	});

	suiteTeardown(async () => {
		await workbench?.close();
	});

	test('palette → 2 variants in the panel → Insert the second: its exact bytes on disk, the link in the document', async () => {
		const { page, api, workspace } = workbench;
		await openFile(page, 'README.md');
		await expectEditorLine(page, 5, '![a red fox reading a book]()');
		await goToLine(page, 5, 6);

		await runCommand(page, 'Illustrate: Generate Image from Alt Text');

		const panel = illustratePanel(page);
		const images = panel.locator('.variant[data-state="ready"] img');
		await images.nth(1).waitFor({ state: 'visible', timeout: 60_000 });
		assert.equal(await images.count(), 2);
		for (let index = 0; index < 2; index++) {
			await images.nth(index).evaluate(image => (image as HTMLImageElement).decode());
			assert.ok(await images.nth(index).evaluate(image => (image as HTMLImageElement).naturalWidth === 1024), 'the variant image has loaded');
		}
		await page.keyboard.press('Control+B');
		await screenshot(page, 'panel-variants');

		await panel.getByRole('button', { name: 'Insert', exact: true }).nth(1).click();
		await panel.locator('.variant').nth(1).getByText('Inserted as images/a-red-fox-reading-a-book.png').waitFor();

		const requests = api.requests;
		assert.equal(requests.length, 1, 'exactly one request');
		const [request] = requests;
		assert.equal(request.valid, true, request.errors.join('; '));
		assert.equal(request.path, '/v1/images/generations');
		assert.equal(request.body.model, 'gpt-image-2');
		assert.equal(request.body.size, '1024x1024');
		assert.equal(request.body.quality, 'low');
		assert.equal(request.body.n, 2);
		assert.equal(request.body.prompt, 'a red fox reading a book');

		const saved = readFileSync(join(workspace, 'images', 'a-red-fox-reading-a-book.png'));
		const sentSecond = api.imageBytes(request.id, 1);
		assert.ok(sentSecond, 'the server kept the bytes it sent');
		assert.ok(saved.equals(sentSecond), 'the file holds exactly the bytes sent for the second variant');
		assert.ok(!saved.equals(api.imageBytes(request.id, 0) ?? Buffer.alloc(0)), 'and not those of the first');

		await page.locator('.tab', { hasText: 'README.md' }).click();
		await expectEditorLine(page, 5, '![a red fox reading a book](images/a-red-fox-reading-a-book.png)');
		await screenshot(page, 'panel-inserted');
		await page.keyboard.press('Control+S');
		await waitFor(() => readFileSync(join(workspace, 'README.md'), 'utf8').split('\n')[4] === '![a red fox reading a book](images/a-red-fox-reading-a-book.png)', 'the saved README.md has the link on line 5');
	});
});
