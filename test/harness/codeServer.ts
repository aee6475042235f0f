/**
 * Starts a real VS Code (code-server: the VS Code server and web workbench) and opens
 * it in headless Chromium, for integration and end-to-end tests. See CONTRIBUTING.md.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const PROJECT_ROOT = resolve(__dirname, '..', '..', '..');

interface ToolPaths {
	nodeBinary: string;
	codeServerEntry: string;
}

/** Installs code-server on first use (scripts/setup-code-server.mjs) and returns where it is. */
export async function codeServerTools(): Promise<ToolPaths> {
	const setup = await import(pathToFileURL(join(PROJECT_ROOT, 'scripts', 'setup-code-server.mjs')).href) as { ensureCodeServer(): ToolPaths };
	return setup.ensureCodeServer();
}

function freePort(): Promise<number> {
	return new Promise((resolvePort, reject) => {
		const server = createServer();
		server.listen(0, '127.0.0.1', () => {
			const address = server.address();
			server.close(() => typeof address === 'object' && address ? resolvePort(address.port) : reject(new Error('no port')));
		});
	});
}

export interface CodeServerOptions {
	/** The folder the workbench opens. */
	readonly workspace: string;
	/** Extra environment for the server and so for the extension host. */
	readonly env?: Record<string, string>;
	/** Keep workspace trust on (default: off, as a trusted workspace). */
	readonly workspaceTrust?: boolean;
	/** Allow the test payload (`extensionTestsPath`); it also silences notification toasts. */
	readonly smokeTestDriver?: boolean;
	/** A .vsix to install before starting. */
	readonly vsix?: string;
	/** More .vsix files to install beside it (the benchmark's empty baseline extension). */
	readonly extraVsix?: readonly string[];
	/** User settings (settings.json). */
	readonly userSettings?: Record<string, unknown>;
	/**
	 * Remote settings (Machine/settings.json): in code-server's window, which is a remote one,
	 * settings of scope `machine` (`illustrate.baseUrl`, say) are read from here, not from the user settings.
	 */
	readonly machineSettings?: Record<string, unknown>;
	/**
	 * The display language (code-server's `--locale`). The workbench takes it only when a
	 * language pack for it is installed (see `languagePackVsix`); otherwise it stays English.
	 */
	readonly locale?: string;
}

export interface RunningCodeServer {
	readonly url: string;
	readonly runDir: string;
	readonly userDataDir: string;
	/** Everything the server printed. */
	output(): string;
	stop(): Promise<void>;
}

/**
 * Lists the installed language packs in `languagepacks.json`, as VS Code does when one is
 * installed from its UI: the server reads the display language's translations from there,
 * and without an entry the window stays English whatever `--locale` says. code-server's
 * `--install-extension` leaves the file out.
 */
function registerLanguagePacks(extensionsDir: string, userDataDir: string): void {
	interface Localization { languageId: string; languageName: string; localizedLanguageName?: string; translations: { id: string; path: string }[] }
	const packs: Record<string, { hash: string; extensions: { extensionIdentifier: { id: string }; version: string }[]; translations: Record<string, string>; label: string }> = {};
	for (const folder of readdirSync(extensionsDir)) {
		const manifestPath = join(extensionsDir, folder, 'package.json');
		if (!existsSync(manifestPath)) {
			continue;
		}
		const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as { publisher: string; name: string; version: string; contributes?: { localizations?: Localization[] } };
		const id = `${manifest.publisher}.${manifest.name}`.toLowerCase();
		for (const localization of manifest.contributes?.localizations ?? []) {
			packs[localization.languageId] = {
				hash: createHash('md5').update(id).update(manifest.version).digest('hex'),
				extensions: [{ extensionIdentifier: { id }, version: manifest.version }],
				translations: Object.fromEntries(localization.translations.map(translation => [translation.id, join(extensionsDir, folder, translation.path)])),
				label: localization.localizedLanguageName ?? localization.languageName,
			};
		}
	}
	if (Object.keys(packs).length > 0) {
		writeFileSync(join(userDataDir, 'languagepacks.json'), JSON.stringify(packs));
	}
}

/** The environment of a code-server process with HOME and XDG folders of its own in `root`. */
function homeIn(root: string): NodeJS.ProcessEnv {
	const home = join(root, 'home');
	return { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_DATA_HOME: join(home, '.local', 'share'), XDG_CACHE_HOME: join(home, '.cache') };
}

/** Extensions folders already installed in this process, by the contents of their .vsix files. */
const installedSets = new Map<string, Promise<string>>();
let installScratch: string | undefined;

/**
 * An extensions folder with these .vsix files installed by code-server's own
 * `--install-extension`, made once per process for each set of .vsix contents and copied into
 * each server's folder: installing is a code-server start of its own (2–5 s), and every
 * end-to-end suite installs the same package. The copy is a fresh one, as an install is:
 * VS Code finds an extension by its `relativeLocation` in extensions.json, not by the folder
 * it was installed in.
 */
function installedExtensions(tools: ToolPaths, vsixFiles: readonly string[]): Promise<string> {
	const key = createHash('sha256');
	for (const vsix of vsixFiles) {
		key.update(readFileSync(vsix)).update('\0');
	}
	const digest = key.digest('hex');
	let installed = installedSets.get(digest);
	if (!installed) {
		if (!installScratch) {
			const scratch = mkdtempSync(join(tmpdir(), 'illustrate-extensions-'));
			installScratch = scratch;
			process.once('exit', () => rmSync(scratch, { recursive: true, force: true }));
		}
		const root = join(installScratch, digest.slice(0, 16));
		installed = installInto(tools, root, vsixFiles);
		installedSets.set(digest, installed);
		installed.catch(() => installedSets.delete(digest));
	}
	return installed;
}

async function installInto(tools: ToolPaths, root: string, vsixFiles: readonly string[]): Promise<string> {
	const extensionsDir = join(root, 'extensions');
	const userDataDir = join(root, 'user-data');
	mkdirSync(extensionsDir, { recursive: true });
	mkdirSync(userDataDir, { recursive: true });
	writeFileSync(join(root, 'config.yaml'), 'auth: none\n');
	let log = '';
	await new Promise<void>((done, fail) => {
		const installs = vsixFiles.flatMap(vsix => ['--install-extension', vsix]);
		const install = spawn(tools.nodeBinary, [tools.codeServerEntry, '--config', join(root, 'config.yaml'), '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, ...installs], { env: homeIn(root) });
		install.stdout.on('data', chunk => { log += chunk; });
		install.stderr.on('data', chunk => { log += chunk; });
		install.on('exit', code => code === 0 ? done() : fail(new Error(`Installing ${vsixFiles.join(', ')} failed (${code}):\n${log}`)));
	});
	return extensionsDir;
}

/** Starts code-server on a free loopback port with HOME and data folders of its own. */
export async function startCodeServer(options: CodeServerOptions): Promise<RunningCodeServer> {
	const tools = await codeServerTools();
	const runDir = mkdtempSync(join(tmpdir(), 'illustrate-cs-'));
	const userDataDir = join(runDir, 'user-data');
	const extensionsDir = join(runDir, 'extensions');
	mkdirSync(join(userDataDir, 'User'), { recursive: true });
	if (options.machineSettings) {
		mkdirSync(join(userDataDir, 'Machine'), { recursive: true });
		writeFileSync(join(userDataDir, 'Machine', 'settings.json'), JSON.stringify(options.machineSettings, null, '\t'));
	}
	mkdirSync(extensionsDir, { recursive: true });
	writeFileSync(join(runDir, 'config.yaml'), 'auth: none\n');
	writeFileSync(join(userDataDir, 'User', 'settings.json'), JSON.stringify({
		'workbench.startupEditor': 'none',
		'workbench.tips.enabled': false,
		'security.workspace.trust.enabled': options.workspaceTrust === true,
		'extensions.autoCheckUpdates': false,
		'extensions.autoUpdate': false,
		'telemetry.telemetryLevel': 'off',
		'update.mode': 'none',
		'workbench.enableExperiments': false,
		'chat.disableAIFeatures': true,
		// A remote window's extension host looks for ports to forward every 2 s or more, walking /proc
		// and spawning processes (84–141 ms of its thread in a CPU profile of bench:batchApply): a
		// desktop window does none of it, and the tests and benches measure Illustrate's own work.
		// It looks while either setting asks for it (or a tunnel provider is registered): "output"
		// turns the process scan off.
		'remote.autoForwardPorts': false,
		'remote.autoForwardPortsSource': 'output',
		...options.userSettings,
	}, null, '\t'));
	const env = {
		...homeIn(runDir),
		// Lets tests inside the extension host look at what the extension keeps in its global storage.
		ILLUSTRATE_TEST_USER_DATA: userDataDir,
		...options.env,
	};
	const common = ['--user-data-dir', userDataDir, '--extensions-dir', extensionsDir];
	let log = '';
	if (options.vsix) {
		const installed = await installedExtensions(tools, [options.vsix, ...(options.extraVsix ?? [])]);
		cpSync(installed, extensionsDir, { recursive: true });
	}

	registerLanguagePacks(extensionsDir, userDataDir);

	const port = await freePort();
	const args = [
		tools.codeServerEntry,
		'--config', join(runDir, 'config.yaml'),
		'--bind-addr', `127.0.0.1:${port}`,
		'--auth', 'none',
		'--disable-telemetry',
		'--disable-update-check',
		'--disable-getting-started-override',
		'--reconnection-grace-time', '5',
		...common,
		...(options.workspaceTrust ? [] : ['--disable-workspace-trust']),
		...(options.smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
		...(options.locale ? ['--locale', options.locale] : []),
		options.workspace,
	];
	const child: ChildProcess = spawn(tools.nodeBinary, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
	child.stdout?.on('data', chunk => { log += chunk; });
	child.stderr?.on('data', chunk => { log += chunk; });
	const url = `http://127.0.0.1:${port}`;

	const deadline = Date.now() + 30_000;
	for (;;) {
		try {
			const response = await fetch(`${url}/healthz`);
			if (response.ok) {
				break;
			}
		} catch {
			// not listening yet
		}
		if (child.exitCode !== null || Date.now() > deadline) {
			throw new Error(`code-server did not start:\n${log}`);
		}
		await new Promise(done => setTimeout(done, 200));
	}

	return {
		url,
		runDir,
		userDataDir,
		output: () => log,
		async stop() {
			if (child.pid && child.exitCode === null) {
				const exited = new Promise(done => child.once('exit', done));
				try {
					process.kill(-child.pid, 'SIGTERM');
				} catch {
					// already gone
				}
				await Promise.race([exited, new Promise(done => setTimeout(done, 5000))]);
				try {
					process.kill(-child.pid, 'SIGKILL');
				} catch {
					// already gone
				}
			}
			rmSync(runDir, { recursive: true, force: true, maxRetries: 3 });
		},
	};
}

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'];
const VIEWPORT = { width: 1600, height: 1000 };

/** Headless Debian Chromium with a fresh profile; never a downloaded browser. */
export async function launchBrowser(profileDir: string, options: { colorScheme?: 'light' | 'dark' } = {}): Promise<BrowserContext> {
	return chromium.launchPersistentContext(profileDir, {
		executablePath: '/usr/bin/chromium',
		headless: true,
		viewport: VIEWPORT,
		colorScheme: options.colorScheme ?? 'dark',
		env: { ...process.env, HOME: profileDir } as Record<string, string>,
		args: CHROMIUM_ARGS,
	});
}

/**
 * Headless Debian Chromium to open many workbenches in, one context each (`browserContext`):
 * starting the browser takes 2–3 s, a context well under one.
 */
export async function launchSharedBrowser(homeDir: string): Promise<Browser> {
	return chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, env: { ...process.env, HOME: homeDir } as Record<string, string>, args: CHROMIUM_ARGS });
}

/** A fresh context of a shared browser: storage, cookies and service workers of its own, as a new profile has. */
export async function browserContext(browser: Browser, options: { colorScheme?: 'light' | 'dark' } = {}): Promise<BrowserContext> {
	return browser.newContext({ viewport: VIEWPORT, colorScheme: options.colorScheme ?? 'dark' });
}

/** The workbench URL for a folder, with an optional test payload. */
export function workbenchUrl(server: RunningCodeServer, folder: string, payload?: [string, string][]): string {
	let url = `${server.url}/?folder=${encodeURIComponent(folder)}`;
	if (payload) {
		url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
	}
	return url;
}

/** Opens the workbench and waits until it is interactive. */
export async function openWorkbench(page: Page, url: string): Promise<void> {
	await page.goto(url);
	await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
}
