import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AxeResults, ImpactValue } from 'axe-core';
import type { Frame, FrameLocator, Page } from 'playwright-core';
import { PROJECT_ROOT } from '../harness/codeServer';
import { waitFor } from '../harness/waitFor';
import { closeTab, goToLine, illustratePanel, imagesLoaded, openFile, runCommand, screenshot, screenshotOnFailure, startWorkbench, type Workbench } from './workbench';

const AXE_SOURCE = readFileSync(join(PROJECT_ROOT, 'node_modules', 'axe-core', 'axe.min.js'), 'utf8');
const BLOCKING: readonly ImpactValue[] = ['serious', 'critical'];

/** The webview's own frame, where scripts can be evaluated. */
async function frameOf(panel: FrameLocator): Promise<Frame> {
	const body = await panel.locator('body').elementHandle();
	const frame = await body?.ownerFrame();
	assert.ok(frame, 'the panel\'s frame');
	return frame;
}

/**
 * Runs axe-core in the panel's webview and fails on any serious or critical violation.
 * The webview's CSP allows only its own nonce-carrying script and no eval; Playwright's
 * evaluate goes through the DevTools protocol, which CSP does not govern.
 */
async function expectNoSeriousViolations(panel: FrameLocator, what: string): Promise<AxeResults> {
	const frame = await frameOf(panel);
	if (!await frame.evaluate(() => 'axe' in window)) {
		// An inline script runs as it is inserted, if it may; if the CSP blocks it, the page
		// reports the violation (an event, a task later): wait for that report.
		const ranAtOnce = await frame.evaluate(() => {
			document.addEventListener('securitypolicyviolation', event => {
				(window as unknown as { __cspViolation?: string }).__cspViolation = event.violatedDirective;
			}, { once: true });
			const script = document.createElement('script');
			script.textContent = 'window.__inlineScriptRan = true';
			document.head.append(script);
			return '__inlineScriptRan' in window;
		});
		assert.equal(ranAtOnce, false, 'the webview\'s CSP blocks script tags, so axe is evaluated from outside the page');
		let violated: string | undefined;
		await waitFor(async () => (violated = await frame.evaluate(() => (window as unknown as { __cspViolation?: string }).__cspViolation)) !== undefined, 'the webview reports the blocked inline script', 5000);
		assert.match(`blocked by ${violated}`, /^blocked by script-src/, 'the inline script is blocked by script-src');
		await frame.evaluate(AXE_SOURCE);
	}
	assert.equal(await frame.evaluate(() => typeof (window as unknown as { axe?: { run?: unknown } }).axe?.run), 'function', 'axe-core is loaded in the webview');
	const results = await frame.evaluate(() => (window as unknown as { axe: typeof import('axe-core') }).axe.run(document, { resultTypes: ['violations'] }));
	const blocking = results.violations.filter(violation => violation.impact && BLOCKING.includes(violation.impact));
	const report = blocking.map(violation => [
		`  ${violation.impact}: ${violation.id}: ${violation.help} (${violation.helpUrl})`,
		...violation.nodes.map(node => `    ${node.target.join(' > ')}\n      ${node.failureSummary?.replace(/\n/g, '\n      ')}\n      ${node.html.slice(0, 200)}`),
	].join('\n')).join('\n');
	const minor = results.violations.filter(violation => !blocking.includes(violation)).map(violation => `${violation.impact}: ${violation.id} (${violation.nodes.length})`);
	if (minor.length > 0) {
		console.log(`    axe, ${what}: minor findings: ${minor.join(', ')}`);
	}
	assert.equal(blocking.length, 0, `axe found serious or critical violations in ${what}:\n${report}`);
	return results;
}

/** One control as the keyboard reaches it: a name a person would recognise, and where it is on screen. */
interface FocusStop {
	readonly key: string;
	/** Which element it is: names repeat across cards of one prompt. */
	readonly position: number;
	readonly box: { x: number; y: number; width: number; height: number };
}

/**
 * What has the keyboard focus inside the webview (undefined once it left): `#id` for the
 * form's fields, else the control's accessible name, prefixed with its variant card's name
 * ("Variant 1 / Insert").
 */
async function focusedControl(frame: Frame): Promise<FocusStop | undefined> {
	const handle = await frame.evaluateHandle(() => document.hasFocus() && document.activeElement && document.activeElement !== document.body ? document.activeElement : null);
	const element = handle.asElement();
	if (!element) {
		return undefined;
	}
	const key = await element.evaluate(node => {
		const card = node.closest('.variant');
		const own = node.id ? `#${node.id}` : (node.getAttribute('aria-label') ?? node.textContent ?? '').trim().replace(/\s+/g, ' ');
		return card ? `${card.getAttribute('aria-label')} / ${own}` : own;
	});
	const position = await element.evaluate(node => [...document.querySelectorAll('*')].indexOf(node));
	const box = await element.boundingBox();
	assert.ok(box, `the focused control ${key} is on screen`);
	return { key, position, box };
}

/** Every control a person could operate in the panel right now, named as focusedControl names them. */
async function visibleControls(frame: Frame): Promise<string[]> {
	return frame.evaluate(() => {
		const selector = 'vscode-button, vscode-checkbox, vscode-dropdown, vscode-text-area, vscode-text-field, input, button, select, textarea, [tabindex]';
		return [...document.querySelectorAll<HTMLElement>(selector)]
			.filter(node => node.getClientRects().length > 0 && !(node as HTMLElement & { disabled?: boolean }).disabled && node.getAttribute('tabindex') !== '-1' && !node.closest('[hidden]'))
			.map(node => {
				const card = node.closest('.variant');
				const own = node.id ? `#${node.id}` : (node.getAttribute('aria-label') ?? node.textContent ?? '').trim().replace(/\s+/g, ' ');
				return card ? `${card.getAttribute('aria-label')} / ${own}` : own;
			});
	});
}

const clipAround = (box: FocusStop['box'], page: Page) => {
	const margin = 6;
	const viewport = page.viewportSize() ?? { width: 1600, height: 1000 };
	const x = Math.max(0, Math.floor(box.x - margin));
	const y = Math.max(0, Math.floor(box.y - margin));
	return { x, y, width: Math.min(viewport.width - x, Math.ceil(box.width + 2 * margin)), height: Math.min(viewport.height - y, Math.ceil(box.height + 2 * margin)) };
};

/**
 * Tabs through the panel from the first control (a click on `startAt`, a line of text above
 * it, puts the keyboard there) until the focus leaves the webview, and checks that each stop
 * looks different focused than unfocused (the pixels around it, so any outline, border or
 * shadow counts). Returns the stops in order.
 */
async function tabThrough(page: Page, panel: FrameLocator, startAt: string): Promise<string[]> {
	const frame = await frameOf(panel);
	await page.mouse.move(1, 400);
	await panel.locator(startAt).click();
	const stops: FocusStop[] = [];
	const focusedLooks: Buffer[] = [];
	let previous = await focusedControl(frame);
	for (let step = 0; step < 80; step++) {
		await page.keyboard.press('Tab');
		// Until the focus has left the control it was on (for another, or out of the webview).
		let stop: FocusStop | undefined;
		await waitFor(async () => (stop = await focusedControl(frame))?.position !== previous?.position, 'Tab moved the focus', 5000);
		if (!stop || stops.some(seen => seen.position === stop?.position)) {
			break;
		}
		previous = stop;
		stops.push(stop);
		focusedLooks.push(await page.screenshot({ clip: clipAround(stop.box, page) }));
	}
	await frame.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
	await waitFor(async () => await focusedControl(frame) === undefined, 'no control of the panel has the focus', 5000);
	const invisible: string[] = [];
	for (const [index, stop] of stops.entries()) {
		const unfocused = await page.screenshot({ clip: clipAround(stop.box, page) });
		if (unfocused.equals(focusedLooks[index])) {
			invisible.push(stop.key);
		}
	}
	assert.deepEqual(invisible, [], 'every control shows that it has the keyboard focus');
	return stops.map(stop => stop.key);
}

/** Checks that the focused control looks different once it loses the focus, and gives the focus back. */
async function expectVisibleFocus(page: Page, frame: Frame): Promise<void> {
	const stop = await focusedControl(frame);
	assert.ok(stop, 'a control of the panel has the focus');
	const focused = await page.screenshot({ clip: clipAround(stop.box, page) });
	const control = await frame.evaluateHandle(() => document.activeElement as HTMLElement);
	await control.evaluate(node => node.blur());
	await waitFor(async () => await focusedControl(frame) === undefined, `${stop.key} lost the focus`, 5000);
	const unfocused = await page.screenshot({ clip: clipAround(stop.box, page) });
	await control.evaluate(node => node.focus());
	assert.ok(!focused.equals(unfocused), `${stop.key} shows that it has the keyboard focus`);
}

/** Presses Tab until `key` has the focus (from wherever it is now), as a keyboard user would. */
async function tabTo(page: Page, frame: Frame, key: string): Promise<void> {
	for (let step = 0; step < 80; step++) {
		if ((await focusedControl(frame))?.key === key) {
			return;
		}
		await page.keyboard.press('Tab');
	}
	assert.fail(`Tab never reached ${key}`);
}

/** Picks a color theme with Preferences: Color Theme (Ctrl+K Ctrl+T), as a user does, and waits for the panel to take it. */
async function setColorTheme(page: Page, panel: FrameLocator, theme: string, bodyClass: string): Promise<void> {
	await page.locator('.tab', { hasText: 'README.md' }).click();
	await page.keyboard.press('Control+K');
	await page.keyboard.press('Control+T');
	const widget = page.locator('.quick-input-widget');
	await widget.locator('input.input').fill(theme);
	await widget.locator('.monaco-list-row').getByText(theme, { exact: true }).click();
	await widget.waitFor({ state: 'hidden' });
	// VS Code marks the webview's body with the kind of theme and sets its colours there;
	// the toolkit's components take them from the body into tokens of their own, a moment later.
	await panel.locator(`body.${bodyClass}`).waitFor();
	await waitFor(() => panel.locator('body').evaluate(body => {
		const style = getComputedStyle(body);
		return ([['--vscode-button-background', '--button-primary-background'], ['--vscode-foreground', '--foreground'], ['--vscode-input-background', '--input-background'], ['--vscode-dropdown-background', '--dropdown-background'], ['--vscode-focusBorder', '--focus-border']] as const)
			.every(([theme, token]) => style.getPropertyValue(theme).trim() === '' || style.getPropertyValue(theme).trim() === style.getPropertyValue(token).trim());
	}), `the panel's components took the colours of ${theme}`, 10_000);
}

suite('Accessibility of the panel: axe-core, keyboard, themes', function () {
	this.timeout(240_000);
	let workbench: Workbench;

	suiteSetup(async () => {
		workbench = await startWorkbench({
			userSettings: { 'illustrate.quality': 'low', 'illustrate.size': '1024x1024', 'illustrate.variants': 2 },
			apiConfig: { imageMs: 200 },
		});
	});

	screenshotOnFailure(() => workbench);

	suiteTeardown(async () => {
		await workbench?.close();
	});

	test('axe finds no serious or critical violation in the panel with variants, in a light, a dark and two high-contrast themes', async () => {
		const { page } = workbench;
		await openFile(page, 'README.md');
		await goToLine(page, 5, 6);
		await runCommand(page, 'Illustrate: Generate Image from Alt Text');
		const panel = illustratePanel(page);
		await imagesLoaded(panel, 2);
		const frame = await frameOf(panel);
		await page.keyboard.press('Control+B');
		await page.mouse.move(1, 400);
		// The picker's names in VS Code 1.139 for the settings ids "Default Light Modern",
		// "Default Dark Modern", "Default High Contrast" and "Default High Contrast Light".
		for (const [theme, bodyClass, image] of [
			['Dark Modern', 'vscode-dark', 'panel-dark'],
			['Light Modern', 'vscode-light', 'panel-light'],
			['Dark High Contrast', 'vscode-high-contrast', 'panel-high-contrast'],
			['Light High Contrast', 'vscode-high-contrast-light', 'panel-high-contrast-light'],
		] as const) {
			if (theme !== 'Dark Modern') {
				await setColorTheme(page, panel, theme, bodyClass);
			}
			await page.mouse.move(1, 400);
			await expectNoSeriousViolations(panel, `the panel with variants in ${theme}`);
			// The keyboard on the first variant's Insert, to show the focus in each theme.
			await panel.locator('.target').click();
			await tabTo(page, frame, 'Variant 1 / Insert');
			await screenshot(page, image);
		}
		await setColorTheme(page, panel, 'Dark Modern', 'vscode-dark');
	});

	test('keyboard: Tab reaches every control of the panel with a visible focus, and Enter and Space operate them', async () => {
		const { page, api } = workbench;
		const panel = illustratePanel(page);
		const frame = await frameOf(panel);
		const stops = await tabThrough(page, panel, '.target');
		assert.equal(stops[0], '#prompt', 'the prompt is the first control');
		const expected = ['#prompt', '#model', '#quality', '#size', '#n', '#outputFormat', '#background', 'Generate'];
		for (const card of ['Variant 1', 'Variant 2']) {
			expected.push(...[`Select ${card}`, 'Insert', 'Make final', 'Copy link', 'Open', 'Refine'].map(name => `${card} / ${name}`));
		}
		assert.deepEqual(expected.filter(key => !stops.includes(key)), [], `every control is reached; reached: ${stops.join(', ')}`);
		assert.deepEqual((await visibleControls(frame)).filter(key => !stops.includes(key)), [], 'nothing on screen is left out of the Tab order');

		// A picker: Enter opens it, the arrows choose, Enter closes it on the choice.
		await panel.locator('.target').click();
		await tabTo(page, frame, '#n');
		await page.keyboard.press('Enter');
		await waitFor(() => panel.locator('#n').evaluate(node => node.getAttribute('aria-expanded') === 'true'), 'the variants picker opened');
		await page.keyboard.press('ArrowDown');
		await page.keyboard.press('Enter');
		await panel.locator('.estimate', { hasText: '3 × $0.006' }).waitFor();
		await page.keyboard.press('Space');
		await page.keyboard.press('ArrowUp');
		await page.keyboard.press('Enter');
		await panel.locator('.estimate', { hasText: '2 × $0.006' }).waitFor();

		// Select with Space on two cards: "Insert 2 selected" joins the Tab order.
		await tabTo(page, frame, 'Variant 1 / Select Variant 1');
		await page.keyboard.press('Space');
		await tabTo(page, frame, 'Variant 2 / Select Variant 2');
		await page.keyboard.press('Space');
		// The toolkit writes aria-checked in its next update, a frame later.
		let checked: (string | null)[] = [];
		await waitFor(async () => (checked = await panel.locator('.variant vscode-checkbox').evaluateAll(boxes => boxes.map(box => box.getAttribute('aria-checked')))).join() === 'true,true', 'both cards are checked', 5000)
			.catch(() => assert.deepEqual(checked, ['true', 'true']));
		assert.equal(await panel.locator('.variant.selected').count(), 2, 'selected cards are marked');
		await panel.locator('.target').click();
		await tabTo(page, frame, 'Insert 2 selected');
		await tabTo(page, frame, 'Variant 1 / Select Variant 1');
		await page.keyboard.press('Space');
		await panel.getByRole('button', { name: 'Insert 2 selected' }).waitFor({ state: 'hidden' });

		// Insert with Enter.
		await tabTo(page, frame, 'Variant 2 / Insert');
		await page.keyboard.press('Enter');
		await panel.locator('.variant').nth(1).getByText('Inserted as images/a-red-fox-reading-a-book.png').waitFor();

		// Generate with Enter; Cancel, next in the Tab order while it runs, with Space.
		api.configure({ holdFinals: true });
		const before = api.requests.length;
		await panel.locator('.target').click();
		await tabTo(page, frame, 'Generate');
		await page.keyboard.press('Enter');
		await waitFor(() => api.requests.length >= before + 2, 'Enter on Generate sent the requests');
		await panel.locator('.elapsed', { hasText: /\d s$/ }).waitFor();
		assert.equal(await panel.locator('[aria-live] .elapsed, [role="status"] .elapsed').count(), 0, 'the ticking elapsed time is outside the live regions');
		await page.keyboard.press('Tab');
		assert.equal((await focusedControl(frame))?.key, 'Cancel', 'Cancel follows Generate while it runs');
		await expectVisibleFocus(page, frame);
		await page.keyboard.press('Space');
		await panel.locator('.status', { hasText: 'Cancelled' }).waitFor();
		// Before the next assertion, so a failure here leaves the next test a server that answers.
		api.configure({ holdFinals: false });
		api.releaseFinals();
		// The panel moves the focus in the frame after the one that hid Cancel.
		await waitFor(async () => (await focusedControl(frame))?.key === 'Generate', 'the focus goes back to Generate when Cancel goes away', 5000);
	});

	test('keyboard and axe in edit mode: Refine with Enter, every paint tool reached and operated, no serious violation', async () => {
		const { page } = workbench;
		const panel = illustratePanel(page);
		const frame = await frameOf(panel);
		await panel.locator('.target').click();
		await tabTo(page, frame, 'Generate');
		await page.keyboard.press('Enter');
		await imagesLoaded(panel, 2);
		await tabTo(page, frame, 'Variant 1 / Refine');
		await page.keyboard.press('Enter');
		await panel.locator('.chain .current', { hasText: '#1' }).waitFor();
		await waitFor(async () => (await focusedControl(frame))?.key === '#prompt', 'Refine puts the focus in the instruction');
		await page.keyboard.type('warmer light');
		await expectNoSeriousViolations(panel, 'the edit section');

		const stops = await tabThrough(page, panel, '.target');
		const expected = ['Back to generating', 'Brush', 'Eraser', 'Brush size in pixels', 'Undo', 'Clear', 'Invert', 'Canvas size: extend the image to outpaint', 'Add image…', '#prompt', 'Generate', 'Variant 1 / Use as reference', 'Variant 1 / Insert'];
		assert.deepEqual(expected.filter(key => !stops.includes(key)), [], `every edit control is reached; reached: ${stops.join(', ')}`);
		assert.deepEqual((await visibleControls(frame)).filter(key => !stops.includes(key)), [], 'nothing on screen is left out of the Tab order');

		const pressed = () => panel.locator('.tools vscode-button[aria-pressed]').evaluateAll(buttons => buttons.map(button => `${button.textContent}=${button.getAttribute('aria-pressed')}`));
		await panel.locator('.target').click();
		await tabTo(page, frame, 'Eraser');
		await page.keyboard.press('Enter');
		assert.deepEqual(await pressed(), ['Brush=false', 'Eraser=true'], 'Enter chose the eraser');
		await page.keyboard.press('Shift+Tab');
		await page.keyboard.press('Space');
		assert.deepEqual(await pressed(), ['Brush=true', 'Eraser=false'], 'Space chose the brush');

		await tabTo(page, frame, 'Brush size in pixels');
		await page.keyboard.press('ArrowRight');
		await panel.locator('.size-value', { hasText: '65 px' }).waitFor();

		const paintedAtCentre = () => panel.locator('canvas.paint').evaluate(canvas => {
			const paint = canvas as HTMLCanvasElement;
			return paint.getContext('2d')?.getImageData(paint.width / 2, paint.height / 2, 1, 1).data[3] !== 0;
		});
		await tabTo(page, frame, 'Invert');
		await page.keyboard.press('Enter');
		assert.equal(await paintedAtCentre(), true, 'Invert with Enter masked the whole image');
		await page.keyboard.press('Shift+Tab');
		await page.keyboard.press('Shift+Tab');
		await page.keyboard.press('Space');
		assert.equal(await paintedAtCentre(), false, 'Undo with Space took it back');

		await tabTo(page, frame, 'Canvas size: extend the image to outpaint');
		await page.keyboard.press('Enter');
		await page.keyboard.press('ArrowDown');
		await page.keyboard.press('Enter');
		await waitFor(async () => (await panel.locator('canvas.paint').evaluate(canvas => (canvas as HTMLCanvasElement).width)) > 1024, 'the canvas was extended from the keyboard');

		await panel.locator('.target').click();
		await tabTo(page, frame, 'Back to generating');
		await page.keyboard.press('Enter');
		await panel.locator('section.edit').waitFor({ state: 'hidden' });
	});

	test('keyboard and axe in Show Generated Images: every card\'s buttons reached with a visible focus, no serious violation', async () => {
		const { page } = workbench;
		await closeTab(page, 'Illustrate');
		await runCommand(page, 'Illustrate: Show Generated Images');
		const history = illustratePanel(page);
		await history.locator('.variant img').first().waitFor();
		await history.locator('.variant img').evaluateAll(images => Promise.all(images.map(image => (image as HTMLImageElement).decode())));
		await expectNoSeriousViolations(history, 'the history view');
		const stops = await tabThrough(page, history, 'h1');
		const cards = await history.locator('.variant').count();
		assert.equal(stops.filter(stop => / \/ Insert$/.test(stop)).length, cards, `each card's Insert is reached; reached: ${stops.join(', ')}`);
		assert.equal(stops.filter(stop => / \/ Delete$/.test(stop)).length, cards, 'each card\'s Delete is reached');
		assert.deepEqual((await visibleControls(await frameOf(history))).filter(key => !stops.includes(key)), [], 'nothing on screen is left out of the Tab order');
		await screenshot(page, 'history-dark');
	});
});
