import * as assert from 'node:assert/strict';
import { linkSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { waitFor } from '../harness/waitFor';
import { renderImage } from '../server/imageFactory';
import { illustratePanel, nextSuite, runCommand, screenshot, screenshotOnFailure, startWorkbench, type Workbench } from './workbench';

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

/**
 * Two suites in one workbench of the default settings: the long history first (it counts the
 * cards of the history it seeds, so no suite may make images before it), then the walkthrough.
 */
suite('The workbench with the default settings', function () {
	this.timeout(240_000);
	let workbench: Workbench;

	suiteSetup(async () => {
		workbench = await startWorkbench();
	});

	screenshotOnFailure(() => workbench);

	suiteTeardown(async () => {
		await workbench?.close();
	});

	suite('Show Generated Images with a long history', function () {
		suiteSetup(async () => {
			await seedHistory(join(workbench.server.userDataDir, 'User', 'globalStorage', 'illustrate.illustrate', 'images'));
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

	suite('The Get started walkthrough', function () {
		suiteSetup(async () => {
			await nextSuite(workbench);
		});

		test('lists its three steps, and the first step\'s button asks for the key', async () => {
			const { page } = workbench;
			// Welcome: Open Walkthrough… asks which walkthrough in a second quick pick.
			const picker = page.locator('.quick-input-widget');
			await page.keyboard.press('F1');
			await picker.locator('input.input').fill('>Welcome: Open Walkthrough');
			await picker.locator('.monaco-list-row', { hasText: 'Open Walkthrough' }).first().waitFor();
			await picker.locator('input.input').press('Enter');
			await picker.locator('.monaco-list-row', { hasText: 'Get started with Illustrate' }).first().click({ timeout: 30_000 });
			const walkthrough = page.locator('.gettingStartedContainer');
			await walkthrough.getByText('Get started with Illustrate').first().waitFor();
			for (const title of ['Set your API key', 'Fill an image placeholder', 'Fill a whole document']) {
				await walkthrough.getByText(title, { exact: true }).first().waitFor();
			}
			await screenshot(page, 'walkthrough');
			await walkthrough.getByRole('button', { name: 'Set API Key' }).first().click();
			const input = page.locator('.quick-input-widget input.input');
			await input.waitFor();
			assert.equal(await input.getAttribute('type'), 'password');
			await input.press('Escape');
		});
	});
});
