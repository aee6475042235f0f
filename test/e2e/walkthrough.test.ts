import * as assert from 'node:assert/strict';
import { screenshot, screenshotOnFailure, startWorkbench, type Workbench } from './workbench';

suite('The Get started walkthrough', function () {
	this.timeout(300_000);
	let workbench: Workbench;

	suiteSetup(async () => {
		workbench = await startWorkbench();
	});

	screenshotOnFailure(() => workbench);

	suiteTeardown(async () => {
		await workbench?.close();
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
