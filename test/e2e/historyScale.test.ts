import * as assert from 'node:assert/strict';
import { linkSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../harness/waitFor';
import { renderImage } from '../server/imageFactory';
import { illustratePanel, runCommand, screenshotOnFailure, startWorkbench, type Workbench } from './workbench';

/** Images in the history: many more cards than fit in the view. */
const COUNT = 80;

/** Writes a history of `COUNT` images as the image store keeps them (`<id>.png` beside `<id>.json`), hard links to a few pictures. */
async function seedHistory(folder: string): Promise<void> {
	mkdirSync(folder, { recursive: true });
	const pictures: { path: string; bytes: number }[] = [];
	for (let index = 0; index < 3; index++) {
		const bytes = await renderImage({ width: 1024, height: 1024, format: 'png', seed: `history scale ${index}` });
		const path = join(folder, `..`, `picture-${index}.png`);
		writeFileSync(path, bytes);
		pictures.push({ path, bytes: bytes.length });
	}
	const start = Date.parse('2026-01-01T00:00:00.000Z');
	for (let index = 0; index < COUNT; index++) {
		const createdAt = new Date(start + index * 60_000).toISOString();
		const id = `${createdAt.replace(/[:.]/g, '-')}-scale${String(index).padStart(3, '0')}`;
		const picture = pictures[index % pictures.length];
		linkSync(picture.path, join(folder, `${id}.png`));
		const metadata = { id, file: `${id}.png`, prompt: `a lighthouse on a cliff, number ${index}`, model: 'gpt-image-2', size: '1024x1024', quality: 'low', format: 'png', width: 1024, height: 1024, bytes: picture.bytes, createdAt };
		writeFileSync(join(folder, `${id}.json`), JSON.stringify(metadata));
	}
}

suite('Show Generated Images with a long history', function () {
	this.timeout(240_000);
	let workbench: Workbench;

	suiteSetup(async () => {
		workbench = await startWorkbench();
		await seedHistory(join(workbench.server.userDataDir, 'User', 'globalStorage', 'illustrate.illustrate', 'images'));
	});

	screenshotOnFailure(() => workbench);

	suiteTeardown(async () => {
		await workbench?.close();
	});

	test('only the cards near the view are rendered; every card is listed and gets its buttons; Tab goes on from card to card far down the list', async () => {
		const { page } = workbench;
		await runCommand(page, 'Illustrate: Show Generated Images');
		const history = illustratePanel(page);
		const cards = history.locator('.variant');
		await waitFor(async () => await cards.count() === COUNT, `${COUNT} cards listed`, 60_000);
		// The browser skips rendering the cards far from the view (content-visibility), yet they are in the list.
		// (A card skipped that way is a box of its last size; what is inside it is not rendered.)
		const rendered = await cards.evaluateAll(all => all.map(card => card.querySelector('.caption')?.checkVisibility({ contentVisibilityAuto: true })));
		assert.equal(rendered[0], true, 'the first card is rendered');
		assert.equal(rendered[COUNT - 1], false, 'the last card, far below the view, is not rendered yet');
		assert.equal(await history.getByRole('listitem').count(), COUNT, 'a screen reader lists every card');
		// The cards far from the view get their buttons once the page is idle.
		await waitFor(async () => await history.locator('.variant .variant-actions vscode-button.delete').count() === COUNT, 'every card has its Delete button', 60_000);
		assert.equal(await history.locator('.variant vscode-button.insert').count(), COUNT, 'every card has its Insert button');

		// From the keyboard, deep in the list: Tab from one card's Delete goes to the next card's Insert, which scrolls into view.
		const card = (index: number) => cards.nth(index);
		await card(COUNT - 3).locator('vscode-button.delete').focus();
		await page.keyboard.press('Tab');
		const next = card(COUNT - 2);
		await waitFor(async () => await next.locator('vscode-button.insert').evaluate(button => button === document.activeElement), 'Tab focused the next card\'s Insert');
		await waitFor(async () => await next.evaluate(element => {
			const box = element.getBoundingClientRect();
			return box.top < window.innerHeight && box.bottom > 0 && element.querySelector('.caption')?.checkVisibility({ contentVisibilityAuto: true }) === true;
		}), 'the focused card is in view and rendered');
	});
});
