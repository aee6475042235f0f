/**
 * A real VS Code for end-to-end tests: the packaged extension installed into code-server,
 * the test image API beside it, the workbench in headless Chromium, and the few
 * gestures the tests need (open a file, run a command, reach the Illustrate panel).
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { Browser, BrowserContext, FrameLocator, Locator, Page } from 'playwright-core';
import { browserContext, launchBrowser, launchSharedBrowser, openWorkbench, PROJECT_ROOT, startCodeServer, workbenchUrl, type RunningCodeServer } from '../harness/codeServer';
import { extensionHostEnvironment } from '../harness/testEnvironment';
import { waitFor } from '../harness/waitFor';
import { startImageApiServer, type ImageApiServer } from '../server/imageApiServer';
import type { ServerConfig } from '../server/serverConfig';

export const SCREENSHOT_DIR = process.env.ILLUSTRATE_SCREENSHOT_DIR ?? join(PROJECT_ROOT, '.test-runs', 'screenshots');

/** The packaged extension, built once per run by scripts/test.mjs (or here when missing). */
export function packagedExtension(): string {
	const vsix = join(PROJECT_ROOT, 'illustrate.vsix');
	if (!existsSync(vsix)) {
		execFileSync('npm', ['run', 'package'], { cwd: PROJECT_ROOT, stdio: 'inherit' });
	}
	return vsix;
}

export interface Workbench {
	readonly page: Page;
	readonly api: ImageApiServer;
	readonly workspace: string;
	readonly server: RunningCodeServer;
	close(): Promise<void>;
}

export interface WorkbenchOptions {
	readonly userSettings?: Record<string, unknown>;
	/** Remote (machine) settings, as a function of the test API server for those that name it (`illustrate.baseUrl`). */
	readonly machineSettings?: (api: ImageApiServer) => Record<string, unknown>;
	readonly apiConfig?: Partial<ServerConfig>;
	readonly colorScheme?: 'light' | 'dark';
	/** Keep workspace trust on, so the folder opens as the user decides (default: trusted). */
	readonly workspaceTrust?: boolean;
	/** More extensions to install beside Illustrate. */
	readonly extraVsix?: readonly string[];
	/** The display language; needs a language pack for it among `extraVsix` (see `languagePackVsix`). */
	readonly locale?: string;
}

/**
 * Under mocha, every workbench of the run opens in a context of its own of one Chromium,
 * closed when the run ends (a root hook); elsewhere (the benchmarks) each has a browser of its own.
 */
let sharedBrowser: Promise<Browser> | undefined;
const inMocha = typeof suiteTeardown === 'function';
if (inMocha) {
	suiteTeardown(async () => {
		const browser = sharedBrowser;
		sharedBrowser = undefined;
		await (await browser?.catch(() => undefined))?.close();
	});
}

async function newBrowserContext(scratch: string, colorScheme: 'light' | 'dark' | undefined): Promise<BrowserContext> {
	if (!inMocha) {
		return launchBrowser(join(scratch, 'profile'), { colorScheme });
	}
	if (!sharedBrowser) {
		const home = mkdtempSync(join(tmpdir(), 'illustrate-chromium-'));
		process.once('exit', () => rmSync(home, { recursive: true, force: true }));
		sharedBrowser = launchSharedBrowser(home);
		sharedBrowser.catch(() => { sharedBrowser = undefined; });
	}
	return browserContext(await sharedBrowser, { colorScheme });
}

/** Starts everything for one suite, with a fresh copy of the fixture workspace. */
export async function startWorkbench(options: WorkbenchOptions = {}): Promise<Workbench> {
	const started = Date.now();
	const scratch = mkdtempSync(join(tmpdir(), 'illustrate-e2e-'));
	const workspace = join(scratch, 'workspace');
	cpSync(join(PROJECT_ROOT, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });
	const api = await startImageApiServer({ config: options.apiConfig });
	const server = await startCodeServer({
		workspace,
		vsix: packagedExtension(),
		env: extensionHostEnvironment(api),
		workspaceTrust: options.workspaceTrust,
		extraVsix: options.extraVsix,
		...(options.locale ? { locale: options.locale } : {}),
		userSettings: {
			'[markdown]': { 'editor.wordWrap': 'off' },
			'workbench.secondarySideBar.defaultVisibility': 'hidden',
			'workbench.colorTheme': options.colorScheme === 'light' ? 'Default Light Modern' : 'Default Dark Modern',
			...options.userSettings,
		},
		machineSettings: options.machineSettings?.(api),
	});
	const serverStarted = Date.now();
	let browser: BrowserContext | undefined;
	try {
		browser = await newBrowserContext(scratch, options.colorScheme);
		const page = browser.pages()[0] ?? await browser.newPage();
		const browserStarted = Date.now();
		await openWorkbench(page, workbenchUrl(server, workspace));
		console.log(`      (workbench up in ${((Date.now() - started) / 1000).toFixed(1)} s: code-server ${((serverStarted - started) / 1000).toFixed(1)} s, browser ${((browserStarted - serverStarted) / 1000).toFixed(1)} s, workbench ${((Date.now() - browserStarted) / 1000).toFixed(1)} s)`);
		const opened = browser;
		return {
			page,
			api,
			workspace,
			server,
			async close() {
				const closing = Date.now();
				await opened.close();
				await server.stop();
				await api.close();
				rmSync(scratch, { recursive: true, force: true });
				console.log(`      (workbench closed in ${((Date.now() - closing) / 1000).toFixed(1)} s)`);
			},
		};
	} catch (error) {
		await browser?.close();
		await server.stop();
		await api.close();
		throw error;
	}
}

/**
 * A language pack that translates none of VS Code's own strings, packaged with vsce. VS Code
 * takes a display language only when a language pack for it is installed (without one, the
 * workbench, `vscode.env.language` and the extension host stay English whatever the locale);
 * the real packs come from the Marketplace, which these machines cannot reach. With this one
 * the window runs in the language, VS Code's own text stays English, and extensions get
 * their bundles for the language: what Illustrate's translations need to be seen.
 */
export function languagePackVsix(folder: string, languageId: string, languageName: string): string {
	return packageTestExtension(folder, `language-pack-${languageId}`, {
		name: `test-language-pack-${languageId}`, displayName: `Test language pack (${languageName})`, publisher: 'illustrate-test',
		categories: ['Language Packs'],
		contributes: { localizations: [{ languageId, languageName, localizedLanguageName: languageName, translations: [{ id: 'vscode', path: './translations/main.i18n.json' }] }] },
	}, {
		'translations/main.i18n.json': JSON.stringify({ version: '1.0.0', contents: {} }),
		'README.md': 'A language pack for tests: it translates nothing of VS Code itself.\n',
	});
}

/**
 * An extension of a test's (or the bench's) own, packaged with vsce into `folder/<name>.vsix`:
 * the manifest (version, license and engine filled in) and its files by relative path.
 */
export function packageTestExtension(folder: string, name: string, manifest: Record<string, unknown>, files: Record<string, string>): string {
	const root = join(folder, name);
	const contents = { 'package.json': JSON.stringify({ version: '0.0.1', license: 'MIT', engines: { vscode: '^1.100.0' }, ...manifest }), LICENSE: 'MIT\n', ...files };
	for (const [path, text] of Object.entries(contents)) {
		mkdirSync(dirname(join(root, path)), { recursive: true });
		writeFileSync(join(root, path), text);
	}
	const vsix = join(folder, `${name}.vsix`);
	execFileSync(join(PROJECT_ROOT, 'node_modules', '.bin', 'vsce'), ['package', '--allow-missing-repository', '--out', vsix], { cwd: root, stdio: 'ignore' });
	return vsix;
}

async function quickInput(page: Page, opener: string, text: string, rowText: string | RegExp): Promise<void> {
	const widget = page.locator('.quick-input-widget');
	for (let attempt = 0; ; attempt++) {
		await page.keyboard.press(opener);
		await widget.waitFor({ state: 'visible' });
		const input = widget.locator('input.input');
		const row = widget.locator('.monaco-list-row', { hasText: rowText }).first();
		try {
			// The palette closes when the focus moves (an editor taking it as a tab closes), so
			// the input can go away between opening and typing: open it again.
			await input.fill(text, { timeout: 5000 });
			await row.waitFor({ state: 'visible', timeout: 3000 });
		} catch (error) {
			// A contributed command may not be registered for the first seconds: try again.
			await page.keyboard.press('Escape');
			if (attempt >= 10) {
				throw error;
			}
			continue;
		}
		await input.press('Enter');
		// Done when the palette closes, or when the command opens a quick pick of its own in it.
		// A command that reloads the window takes the input away mid-check: look again.
		await waitFor(async () => !(await widget.isVisible()) || (await input.inputValue({ timeout: 1000 }).catch(() => text)) !== text, `"${text}" was run`, 30_000);
		return;
	}
}

/** Runs a command from the palette by its title, as a user does. */
export async function runCommand(page: Page, title: string): Promise<void> {
	await quickInput(page, 'F1', `>${title}`, title);
}

/** Illustrate: Set API Key from the palette, as a user does: the key typed into a password field, a notification to confirm. */
export async function setApiKeyFromPalette(page: Page, key: string): Promise<void> {
	await runCommand(page, 'Illustrate: Set API Key');
	const input = page.locator('.quick-input-widget input.input');
	await input.waitFor();
	assert.equal(await input.getAttribute('type'), 'password', 'the key is typed into a password field');
	await input.fill(key);
	await input.press('Enter');
	await page.locator('.notification-toast', { hasText: 'API key for OpenAI saved in secret storage' }).waitFor();
}

/** Opens a workspace file with Quick Open and waits for its editor. */
export async function openFile(page: Page, relativePath: string): Promise<void> {
	const name = relativePath.split('/').pop() ?? relativePath;
	await quickInput(page, 'Control+P', relativePath, name);
	await page.locator(`.tab.active[aria-label*="${name}"]`).waitFor();
	await page.locator('.monaco-editor.focused').waitFor();
}

/** Moves the cursor to a 1-based line and column with Go to Line. */
export async function goToLine(page: Page, line: number, column: number): Promise<void> {
	await page.keyboard.press('Control+G');
	const input = page.locator('.quick-input-widget input.input');
	await input.waitFor({ state: 'visible' });
	await input.fill(`:${line}:${column}`);
	await input.press('Enter');
	await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/** The text of a 1-based line as the editor shows it. */
export async function editorLine(page: Page, line: number): Promise<string> {
	const text = await page.locator('.monaco-editor.focused .view-lines .view-line').evaluateAll((nodes, wanted) => {
		const lines = nodes
			.map(node => ({ top: parseFloat((node as HTMLElement).style.top), text: (node.textContent ?? '').replace(/\u00a0/g, ' ') }))
			.sort((a, b) => a.top - b.top);
		return lines[wanted - 1]?.text;
	}, line);
	assert.ok(text !== undefined, `line ${line} is not rendered`);
	return text;
}

/** Waits until a line of the focused editor reads `expected`; fails with what it read last. */
export async function expectEditorLine(page: Page, line: number, expected: string, timeoutMs = 10_000): Promise<void> {
	let actual = '';
	await waitFor(async () => (actual = await editorLine(page, line).catch(() => '')) === expected, `line ${line} of the editor reads "${expected}"`, timeoutMs)
		.catch(() => assert.equal(actual, expected, `line ${line} of the editor`));
}

/** The DOM of the visible Illustrate webview (a webview is two nested iframes). */
export function illustratePanel(page: Page): FrameLocator {
	return page.frameLocator('iframe.webview.ready[src*="extensionId=illustrate.illustrate"]:visible').frameLocator('#active-frame');
}

/**
 * The bytes of the image a card of the panel shows: the stored file its webview URI
 * points at (the panel's CSP forbids fetching it from inside the webview).
 */
export async function shownImageBytes(panel: FrameLocator, cardIndex: number): Promise<Buffer> {
	// A card shows the bytes the host sent from memory (a blob URL) or, after a reload, the
	// stored file; `data-stored` names the stored file either way.
	const image = panel.locator('.variant').nth(cardIndex).locator('img');
	const src = await image.getAttribute('data-stored') ?? await image.getAttribute('src');
	assert.ok(src, `card ${cardIndex + 1} shows an image`);
	const path = decodeURIComponent(new URL(src).pathname);
	assert.ok(path.includes('/globalStorage/'), `card ${cardIndex + 1} shows a stored file: ${src}`);
	return readFileSync(path);
}

/** Waits until every image in the panel has loaded. */
export async function imagesLoaded(panel: FrameLocator, count: number): Promise<void> {
	const images = panel.locator('.variant[data-state="ready"] img');
	await images.nth(count - 1).waitFor({ state: 'visible', timeout: 60_000 });
	for (let index = 0; index < count; index++) {
		await images.nth(index).evaluate(image => (image as HTMLImageElement).decode());
	}
}

/** Every final image the test server sent. */
export function sentImages(api: ImageApiServer): { requestId: string; index: number; bytes: Buffer }[] {
	return api.requests.flatMap(request => request.images.map(image => ({ requestId: request.id, index: image.index, bytes: api.imageBytes(request.id, image.index) ?? Buffer.alloc(0) })));
}

/** Closes an editor tab by its title, with View: Close Editor. */
export async function closeTab(page: Page, title: string): Promise<void> {
	const tab = page.locator('.tab', { hasText: title });
	// The tab's own close button, as a user clicks it; a webview that holds the focus can
	// swallow the keys of the palette.
	for (let attempt = 0; ; attempt++) {
		await tab.hover();
		await tab.locator('.tab-actions .action-label').first().click();
		try {
			await tab.waitFor({ state: 'detached', timeout: 5000 });
			// Off the tab bar, so the close button's hover does not linger over the next step.
			await page.mouse.move(1, 400);
			await waitFor(async () => await page.locator('.monaco-hover:visible, .workbench-hover:visible').count() === 0, 'no hover is shown over the workbench', 5000);
			return;
		} catch (error) {
			if (attempt >= 3) {
				throw error;
			}
		}
	}
}

/** Reloads the window with Developer: Reload Window, as a user does, and waits for the workbench. */
export async function reloadWindow(page: Page): Promise<void> {
	await Promise.all([
		page.waitForEvent('framenavigated', { predicate: frame => frame === page.mainFrame(), timeout: 60_000 }),
		runCommand(page, 'Developer: Reload Window'),
	]);
	await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
}

/** Registers a teardown that keeps a screenshot of the workbench when a test fails. */
export function screenshotOnFailure(workbench: () => Workbench | undefined): void {
	teardown(async function () {
		const page = workbench()?.page;
		if (this.currentTest?.state === 'failed' && page) {
			const name = `failed-${(this.currentTest.title).replace(/[^a-z0-9]+/gi, '-').slice(0, 60)}`;
			console.log(`    screenshot of the failure: ${await screenshot(page, name)}`);
		}
	});
}

export async function screenshot(page: Page, name: string): Promise<string> {
	mkdirSync(SCREENSHOT_DIR, { recursive: true });
	const path = join(SCREENSHOT_DIR, `${name}.png`);
	await page.screenshot({ path });
	return path;
}

/** The row of an extension in Developer: Show Running Extensions, as its text; closes the list again. */
export async function runningExtensionRow(page: Page, name: string): Promise<string> {
	await runCommand(page, 'Developer: Show Running Extensions');
	const list = page.locator('.runtime-extensions-editor');
	await list.locator('.monaco-list-row').first().waitFor({ timeout: 30_000 });
	// The list renders only the rows in view: scroll until the row is there.
	const row = list.locator('.monaco-list-row', { has: page.locator('.name', { hasText: new RegExp(`^${name}$`) }) }).first();
	await waitFor(async () => {
		if (await row.count() > 0) {
			return true;
		}
		await list.hover();
		await page.mouse.wheel(0, 300);
		return false;
	}, `the row of ${name} is in Running Extensions`, 15_000);
	const text = (await row.innerText()).replace(/\s+/g, ' ');
	await page.keyboard.press('Escape');
	await list.waitFor({ state: 'hidden' });
	return text;
}

/**
 * Between suites that share one workbench: every editor closes (the Illustrate panel and
 * Show Generated Images included, so no card of the last suite is mistaken for a new one),
 * the primary side bar shows, and the test server forgets its requests and takes
 * `apiConfig` over its start-up one.
 */
export async function nextSuite(workbench: Workbench, apiConfig: Partial<ServerConfig> = {}): Promise<void> {
	const { page, api } = workbench;
	await page.keyboard.press('Escape');
	await runCommand(page, 'View: Close All Editors');
	await waitFor(async () => await page.locator('.tabs-container .tab').count() === 0, 'every editor is closed', 15_000);
	// The primary side bar shown, as in a new window (a suite may have hidden it with Ctrl+B).
	if (!(await page.locator('.part.sidebar').isVisible())) {
		await runCommand(page, 'View: Toggle Primary Side Bar Visibility');
		await page.locator('.part.sidebar').waitFor({ state: 'visible' });
	}
	api.reset();
	api.configure(apiConfig);
}

/**
 * The workspace as the fixture has it again, for the next suite of a shared workbench: what
 * the last suite added is gone (its documents, its images), what it changed is restored.
 */
export function restoreWorkspace(workbench: Workbench): void {
	const fixture = join(PROJECT_ROOT, 'test', 'fixtures', 'workspace');
	for (const entry of readdirSync(workbench.workspace)) {
		rmSync(join(workbench.workspace, entry), { recursive: true, force: true });
	}
	cpSync(fixture, workbench.workspace, { recursive: true });
}

/** An <img>'s decoded size in the webview, after it has decoded (a broken image rejects). */
export async function decodedSize(image: Locator): Promise<{ width: number; height: number; src: string }> {
	return image.evaluate(async element => {
		const img = element as HTMLImageElement;
		await img.decode();
		return { width: img.naturalWidth, height: img.naturalHeight, src: img.src };
	});
}
