/**
 * The path from request to picture, measured in the real VS Code (code-server, headless
 * Chromium) against the project's test server, side by side with a bare `openai` SDK script.
 * Prints a table and writes the figures as JSON. Run with `npm run bench`; options:
 *   --runs 3            runs per configuration (median reported)
 *   --first-byte-ms 400 --image-ms 2500 --grain 8   the server's fixed latency and picture noise
 *   --json <file>       where the figures go (default .test-runs/bench.json)
 *   --sizes 1024x1024,3840x2160 --counts 1,4,8   the configurations
 *   --profile <prefix>  each batch also writes a CPU profile and a heap allocation profile of
 *                       the extension host's main thread, <prefix>-<n>.cpuprofile and
 *                       .heapprofile (for Chrome DevTools or VS Code; it slows the batches)
 * The extension host measures each batch itself (event-loop delay, CPU time) when the
 * environment has ILLUSTRATE_DIAGNOSTICS (src/platform/diagnostics.ts): the bench sets it for
 * code-server and reads the file it names.
 */
import OpenAI from 'openai';
import { execFileSync, fork, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { dirname, join, resolve as resolvePath } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { TEST_API_KEY } from '../test/harness/testEnvironment';
import { PROJECT_ROOT } from '../test/harness/codeServer';
import { waitFor } from '../test/harness/waitFor';
import { DIAGNOSTICS_VARIABLE, PROFILE_VARIABLE } from '../src/platform/diagnostics';
import type { BareRequest } from './bareScript';
import { diagnosticsLines, hopFigures, hopTableRows, hostTableRows, median, quantile, summarize, targetChecks, targetLines, type BareRun, type ConfigurationFigures, type HopFigures, type HostRun, type ImagePath } from './figures';
import { closeTab, goToLine, illustratePanel, openFile, packagedExtension, packageTestExtension, runCommand, runningExtensionRow, screenshot, startWorkbench, type Workbench } from '../test/e2e/workbench';

function option(name: string, fallback: number): number {
	const at = process.argv.indexOf(name);
	return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}
function stringOption(name: string, fallback: string): string {
	const at = process.argv.indexOf(name);
	return at >= 0 ? process.argv[at + 1] : fallback;
}

const RUNS = option('--runs', 3);
const FIRST_BYTE_MS = option('--first-byte-ms', 400);
const IMAGE_MS = option('--image-ms', 2500);
const GRAIN = option('--grain', 8);
const JSON_OUT = stringOption('--json', join(PROJECT_ROOT, '.test-runs', 'bench.json'));
const SIZES = stringOption('--sizes', '1024x1024,3840x2160').split(',');
const COUNTS = stringOption('--counts', '1,4,8').split(',').map(Number);
const PROFILE = stringOption('--profile', '');
const PROMPT = 'a lighthouse on a cliff at dusk, detailed watercolour';
/** The server's pictures repeat over this many seeds, so it renders each once. */
const SEED_POOL = 8;

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/** What the recorder in the panel's page saw: every image that loaded, and when it was painted. */
interface PaintedImage {
	/** `final`, `partial-<index>`, or `stored` (a file, after a reload). */
	readonly pixels: string;
	readonly card: string;
	readonly loadedAt: number;
	readonly paintedAt: number;
}

/** A pixels message in the panel's page: when its event came, and when the page's handler of it returned. */
interface ReceivedPixels {
	/** As `PaintedImage.pixels`. */
	readonly pixels: string;
	readonly card: string;
	readonly receivedAt: number;
	handledAt?: number;
}

interface Recorder {
	painted: PaintedImage[];
	received: ReceivedPixels[];
	/** How long the page's own handler of each other message took (its type, ms): a busy page delays the pixels behind it. */
	handled: { type: string; ms: number }[];
	/** The first click in the panel's page since the recorder was reset (the page's clock, the machine's). */
	clickedAt?: number;
}

/**
 * Installed in the panel's page: notes each image's load, then the next frame painted after
 * it, and when the click arrived in the page.
 */
function installRecorder(): void {
	const global = window as unknown as { __illustrateBench?: Recorder };
	if (global.__illustrateBench) {
		global.__illustrateBench.painted = [];
		global.__illustrateBench.received = [];
		global.__illustrateBench.handled = [];
		global.__illustrateBench.clickedAt = undefined;
		return;
	}
	const state: Recorder = { painted: [], received: [], handled: [] };
	let otherAt = 0;
	global.__illustrateBench = state;
	document.addEventListener('click', () => state.clickedAt ??= Date.now(), true);
	document.addEventListener('load', event => {
		const image = event.target as HTMLImageElement;
		if (image.tagName !== 'IMG') {
			return;
		}
		const card = image.closest('.variant')?.getAttribute('data-variant-id') ?? '';
		const pixels = image.dataset.pixels ?? '';
		const loadedAt = Date.now();
		requestAnimationFrame(() => state.painted.push({ pixels, card, loadedAt, paintedAt: Date.now() }));
	}, true);
	// A capturing listener on the window runs before the page's own, a bubbling one added now after it.
	const pixelsOf = (event: MessageEvent) => {
		const data = event.data as { type?: string; variantId?: string; partialIndex?: number } | undefined;
		return data?.type === 'pixels' ? { card: data.variantId ?? '', pixels: data.partialIndex === undefined ? 'final' : `partial-${data.partialIndex}` } : undefined;
	};
	window.addEventListener('message', event => {
		const pixels = pixelsOf(event);
		if (pixels) {
			state.received.push({ ...pixels, receivedAt: Date.now() });
		} else {
			otherAt = performance.now();
		}
	}, true);
	window.addEventListener('message', event => {
		const pixels = pixelsOf(event);
		const received = pixels && state.received.findLast(candidate => candidate.card === pixels.card && candidate.pixels === pixels.pixels);
		if (received) {
			received.handledAt = Date.now();
		} else if (!pixels) {
			state.handled.push({ type: String((event.data as { type?: string } | undefined)?.type), ms: performance.now() - otherAt });
		}
	});
}

function panelFrame(page: Page): Frame {
	const host = page.frames().find(frame => frame.url().includes('extensionId=illustrate.illustrate') && frame.url().includes('/webview/browser/pre/index.html'));
	const inner = host?.childFrames()[0];
	if (!inner) {
		throw new Error('The Illustrate panel is not open.');
	}
	return inner;
}

/** The extension host process of this workbench. */
function extensionHostPid(workbench: Workbench): string {
	const candidates = readdirSync('/proc').filter(name => /^\d+$/.test(name)).filter(pid => {
		try {
			return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes('--type=extensionHost') && readFileSync(`/proc/${pid}/environ`, 'utf8').includes(workbench.server.userDataDir);
		} catch {
			// A process that ended while we looked.
			return false;
		}
	});
	if (candidates.length !== 1) {
		throw new Error(`Found ${candidates.length} extension host processes for this workbench.`);
	}
	return candidates[0];
}

/** The resident memory of a process, in MB. */
function rssMb(pid: string): number {
	const rss = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
	if (!rss) {
		throw new Error(`No VmRSS for process ${pid}.`);
	}
	return Number(rss[1]) / 1024;
}

async function choose(page: Page, control: string, value: string): Promise<void> {
	const panel = illustratePanel(page);
	await panel.locator(control).click();
	await panel.locator(`${control} vscode-option[value="${value}"]`).click();
}

async function setSize(page: Page, size: string): Promise<void> {
	const panel = illustratePanel(page);
	if (size === '1024x1024') {
		await choose(page, '#size', size);
		return;
	}
	await panel.locator('#size').click();
	await panel.locator('#size vscode-option', { hasText: 'Custom…' }).click();
	await panel.locator('#custom-size input').fill(size);
	await panel.locator('#custom-size input').press('Tab');
}

interface PanelRun {
	readonly allVisibleMs: number;
	readonly partialLatenciesMs: number[];
	readonly host: HostRun;
	/** Each image's way from the server to its paint: the finals, the batch's last final painted, the partials. */
	readonly paths: { readonly finals: ImagePath[]; lastFinal: ImagePath; readonly partials: ImagePath[] };
	/** How long the page took over each message other than pixels (its state, mostly), ms. */
	readonly pageHandlerMs: number[];
}

/** Where the extension host writes its batches' figures (set for code-server in main). */
const DIAGNOSTICS_FILE = join(mkdtempSync(join(tmpdir(), 'illustrate-diagnostics-')), 'batches.jsonl');
const diagnosticsText = () => existsSync(DIAGNOSTICS_FILE) ? readFileSync(DIAGNOSTICS_FILE, 'utf8') : '';

/** Generate in the panel: from the click to every final image painted. */
async function panelRun(workbench: Workbench, n: number): Promise<PanelRun> {
	const { page, api } = workbench;
	const frame = panelFrame(page);
	await frame.evaluate(installRecorder);
	const firstRequest = api.requests.length;
	const batchesBefore = diagnosticsLines(diagnosticsText(), 0).length;
	const generate = illustratePanel(page).getByRole('button', { name: 'Generate', exact: true });
	await generate.waitFor();
	const started = Date.now();
	await generate.click();
	await frame.waitForFunction(count => {
		const state = (window as unknown as { __illustrateBench: { painted: PaintedImage[] } }).__illustrateBench;
		return state.painted.filter(image => image.pixels === 'final').length >= count;
	}, n, { polling: 50, timeout: 180_000 });
	const { painted, received, handled, clickedAt } = await frame.evaluate(() => (window as unknown as { __illustrateBench: Recorder }).__illustrateBench);
	const finals = painted.filter(image => image.pixels === 'final');
	const requests = api.requests.slice(firstRequest);
	await waitFor(() => requests.every(request => request.lastByteAt !== undefined), 'the server finished every response of the batch', 30_000);
	await waitFor(() => diagnosticsLines(diagnosticsText(), batchesBefore).length > 0, 'the extension host wrote the figures of the batch', 30_000);
	const [batch] = diagnosticsLines(diagnosticsText(), batchesBefore);
	if (clickedAt === undefined) {
		throw new Error('The panel\'s page saw no click.');
	}
	const lastPainted = Math.max(...finals.map(image => image.paintedAt));
	const host: HostRun = {
		batch,
		clickToRequestMs: Math.min(...requests.map(request => request.receivedAt)) - clickedAt,
		lastByteToPaintedMs: lastPainted - Math.max(...requests.map(request => request.lastByteAt ?? Number.NaN)),
	};

	// Which request each card's images came from: its final image's bytes, as stored in the history.
	const panel = illustratePanel(page);
	const partialLatenciesMs: number[] = [];
	const paths: PanelRun['paths'] = { finals: [], lastFinal: { final: true }, partials: [] };
	for (const final of finals) {
		const stored = panel.locator(`.variant[data-variant-id="${final.card}"][data-state="ready"] img[data-stored]`);
		const src = await stored.getAttribute('data-stored', { timeout: 30_000 });
		const hash = sha256(readFileSync(decodeURIComponent(new URL(src ?? '').pathname)));
		const request = requests.find(candidate => candidate.images.some(image => image.sha256 === hash));
		if (!request) {
			throw new Error(`No request sent the image of ${final.card}.`);
		}
		// The image's way, hop by hop: the server's record, the extension host's trace, the page's.
		const pathOf = (pixels: string, sentAt: number | undefined, shown: PaintedImage): ImagePath => {
			const partialIndex = pixels === 'final' ? undefined : Number(pixels.slice('partial-'.length));
			const trace = batch.pixels?.find(candidate => candidate.variantId === final.card && candidate.partialIndex === partialIndex);
			const page = received.find(candidate => candidate.card === final.card && candidate.pixels === pixels);
			return {
				final: partialIndex === undefined, bytes: trace?.bytes, sentAt, arrivedAt: trace?.arrivedAt, postedAt: trace?.postedAt, deliveredAt: trace?.deliveredAt,
				receivedAt: page?.receivedAt, handledAt: page?.handledAt, loadedAt: shown.loadedAt, paintedAt: shown.paintedAt,
			};
		};
		const finalPath = pathOf('final', request.images.find(image => image.sha256 === hash)?.sentAt, final);
		paths.finals.push(finalPath);
		if (final.paintedAt === lastPainted) {
			paths.lastFinal = finalPath;
		}
		for (const partial of painted.filter(image => image.pixels.startsWith('partial-') && image.card === final.card)) {
			const partialIndex = Number(partial.pixels.slice('partial-'.length));
			const sent = request.partials.find(candidate => candidate.partialIndex === partialIndex)?.sentAt;
			if (sent !== undefined) {
				partialLatenciesMs.push(partial.paintedAt - sent);
				paths.partials.push(pathOf(partial.pixels, sent, partial));
			}
		}
	}
	return { allVisibleMs: lastPainted - started, partialLatenciesMs, host, paths, pageHandlerMs: handled.map(message => message.ms) };
}

/** The bare SDK script (bench/bareScript.ts), in its own process. */
class BareScript {
	private readonly child: ChildProcess = fork(join(PROJECT_ROOT, 'out', 'bench', 'bareScript.js'), { stdio: 'inherit' });

	constructor(private readonly baseURL: string) { }

	/** One request for `n` images of `size`, each written to `folder`: its wall and CPU time. */
	run(size: string, n: number, folder: string): Promise<BareRun> {
		const request: BareRequest = { baseURL: this.baseURL, apiKey: TEST_API_KEY, prompt: PROMPT, size, n, folder };
		return new Promise((resolve, reject) => {
			const exited = (code: number | null) => reject(new Error(`The bare script exited (${code}).`));
			this.child.once('exit', exited);
			this.child.once('message', (answer: { result?: BareRun; error?: string }) => {
				this.child.off('exit', exited);
				if (answer.result) {
					resolve(answer.result);
				} else {
					reject(new Error(`The bare script failed: ${answer.error}`));
				}
			});
			this.child.send(request);
		});
	}

	stop(): void {
		this.child.kill();
	}
}

/**
 * Has the server render every picture the runs ask for (each seed of its pool, partials
 * included), so no run waits for the server's own encoding.
 */
async function warmUp(client: OpenAI, bare: BareScript, size: string, n: number, folder: string): Promise<void> {
	await Promise.all(Array.from({ length: SEED_POOL }, async () => {
		const stream = await client.images.generate({ model: 'gpt-image-2', prompt: PROMPT, n: 1, size: size as '1024x1024', quality: 'low', output_format: 'png', stream: true, partial_images: 2 });
		for await (const _event of stream) {
			// Consumed only for the server's sake.
		}
	}));
	await bare.run(size, n, folder);
}

/** Insert: from the click to the file on disk and the link in the editor. */
async function insertRun(workbench: Workbench, index: number): Promise<{ fileMs: number; linkMs: number }> {
	const { page, workspace } = workbench;
	const name = `insert-${index}`;
	writeFileSync(join(workspace, 'docs', `${name}.md`), `# Insert ${index}\n\n![a quiet harbour number ${index}]()\n`);
	// The document opens in the first group, beside the panel, where its link can be seen arriving.
	await runCommand(page, 'View: Focus First Editor Group');
	await openFile(page, `docs/${name}.md`);
	await goToLine(page, 3, 5);
	await runCommand(page, 'Illustrate: Generate Image from Alt Text');
	const panel = illustratePanel(page);
	const insert = panel.locator('.variant[data-state="ready"]').first().getByRole('button', { name: 'Insert', exact: true });
	await insert.waitFor({ timeout: 60_000 });
	const file = join(workspace, 'docs', 'images', `a-quiet-harbour-number-${index}.png`);
	const started = Date.now();
	await insert.click();
	const fileSeen = (async () => {
		while (!existsSync(file) || statSync(file).size === 0) {
			await new Promise(resolve => setTimeout(resolve, 2));
		}
		return Date.now();
	})();
	const linkSeen = page.waitForFunction(text => [...document.querySelectorAll('.monaco-editor .view-line')].some(line => line.textContent?.replace(/\u00a0/g, ' ').includes(text)), `](images/a-quiet-harbour-number-${index}.png)`, { polling: 'raf', timeout: 30_000 }).then(() => Date.now());
	const [fileAt, linkAt] = await Promise.all([fileSeen, linkSeen]);
	return { fileMs: fileAt - started, linkMs: linkAt - started };
}

/**
 * Activation time as VS Code reports it in Developer: Show Running Extensions: the time
 * loading the extension's main file (from before an `await` of the host's, during which
 * other extensions activating at the same moment may run) plus the `activate` call.
 * `command` activates the extension; the figure is read once the row shows it.
 */
async function activationMs(page: Page, name: string, command?: string): Promise<{ ms: number; text: string }> {
	if (command) {
		await runCommand(page, command);
	}
	let text = '';
	await waitFor(async () => /Activation:\s*\d+\s*ms/.test(text = await runningExtensionRow(page, name)), `Running Extensions shows when ${name} activated`, 60_000);
	const match = /Activation:\s*(\d+)\s*ms/.exec(text)!;
	return { ms: Number(match[1]), text };
}

/**
 * An extension that does nothing, packaged with vsce: its activation time in the same window
 * is the floor every extension pays there, so the difference is Illustrate's own. `startup`
 * makes one that activates at onStartupFinished, as Illustrate does, in the same moment as the
 * other extensions that do; without it, one activated alone, by its command.
 */
function baselineExtension(folder: string, startup: boolean): string {
	const name = startup ? 'empty-startup-baseline' : 'empty-baseline';
	const command = startup ? 'emptyStartupBaseline.hello' : 'emptyBaseline.hello';
	return packageTestExtension(folder, name, {
		name, displayName: startup ? 'Empty Startup Baseline' : 'Empty Baseline', publisher: 'illustrate-bench', main: './extension.js', activationEvents: startup ? ['onStartupFinished'] : [],
		contributes: { commands: [{ command, title: startup ? 'Empty Startup Baseline: Hello' : 'Empty Baseline: Hello' }] },
	}, {
		'extension.js': `exports.activate = context => { context.subscriptions.push(require('vscode').commands.registerCommand('${command}', () => undefined)); };\n`,
		'README.md': 'Benchmark baseline.\n',
	});
}

const round1 = (value: number) => Math.round(value * 10) / 10;

function fileSizeKb(path: string): number {
	return Math.round(statSync(path).size / 1024);
}

async function main(): Promise<void> {
	const vsix = packagedExtension();
	const baselineFolder = mkdtempSync(join(tmpdir(), 'illustrate-baseline-'));
	// Inherited by code-server and so by the extension host.
	process.env[DIAGNOSTICS_VARIABLE] = DIAGNOSTICS_FILE;
	if (PROFILE) {
		process.env[PROFILE_VARIABLE] = resolvePath(PROFILE);
	}
	const workbench = await startWorkbench({
		extraVsix: [baselineExtension(baselineFolder, false), baselineExtension(baselineFolder, true)],
		userSettings: { 'illustrate.quality': 'low', 'illustrate.size': '1024x1024', 'illustrate.variants': 1, 'illustrate.history.maxSizeMB': 4000 },
		apiConfig: { firstByteMs: FIRST_BYTE_MS, imageMs: IMAGE_MS, grain: GRAIN, parallelVariants: true, seedPool: SEED_POOL },
	});
	const results: Record<string, unknown> = {};
	const bare = new BareScript(workbench.api.url);
	try {
		const { page, api } = workbench;
		const client = new OpenAI({ apiKey: TEST_API_KEY, baseURL: api.url, maxRetries: 0, timeout: 600_000 });
		const scratch = mkdtempSync(join(tmpdir(), 'illustrate-bench-'));

		// Illustrate activates at onStartupFinished: once Running Extensions shows it, the window's
		// start-up is over, and the empty extension is activated alone, by its command.
		const activation = await activationMs(page, 'Illustrate');
		const startupBaseline = await activationMs(page, 'Empty Startup Baseline');
		const baseline = await activationMs(page, 'Empty Baseline', 'Empty Baseline: Hello');
		console.log(`Activation: ${activation.text}; an empty extension at onStartupFinished: ${startupBaseline.text}; one activated alone: ${baseline.text}`);

		// Insert, three times (these also warm up the panel and the server's pictures).
		const inserts = [];
		for (let index = 0; index < RUNS; index++) {
			inserts.push(await insertRun(workbench, index));
		}

		const generation: Array<Record<string, unknown>> = [];
		const hostFigures: ConfigurationFigures[] = [];
		const breakdown: Array<{ size: string; n: number; finals: HopFigures; lastFinals: HopFigures; partials: HopFigures; otherMessages: { count: number; medianMs: number; maxMs: number } }> = [];
		const partialLatencies: number[] = [];
		let memory: Record<string, number> | undefined;
		const hostPid = extensionHostPid(workbench);
		for (const size of SIZES) {
			await setSize(page, size);
			for (const n of COUNTS) {
				await choose(page, '#n', String(n));
				// Unmeasured rounds render the server's pictures for this size and count.
				await warmUp(client, bare, size, n, scratch);
				const measured = size === '3840x2160' && n === 8 ? hostPid : undefined;
				// The extension host's memory over the first batch of each configuration.
				const before = rssMb(hostPid);
				let peak = before;
				const sampler = setInterval(() => peak = Math.max(peak, rssMb(hostPid)), 200);
				const panelMs: number[] = [];
				const bareMs: number[] = [];
				const hostRuns: HostRun[] = [];
				const bareRuns: BareRun[] = [];
				const finalPaths: ImagePath[] = [];
				const lastFinalPaths: ImagePath[] = [];
				const partialPaths: ImagePath[] = [];
				const pageHandlerMs: number[] = [];
				for (let run = 0; run < RUNS; run++) {
					const panel = await panelRun(workbench, n);
					clearInterval(sampler);
					panelMs.push(panel.allVisibleMs);
					partialLatencies.push(...panel.partialLatenciesMs);
					hostRuns.push(panel.host);
					finalPaths.push(...panel.paths.finals);
					lastFinalPaths.push(panel.paths.lastFinal);
					partialPaths.push(...panel.paths.partials);
					pageHandlerMs.push(...panel.pageHandlerMs);
					const bareRun = await bare.run(size, n, scratch);
					bareRuns.push(bareRun);
					bareMs.push(bareRun.ms);
				}
				if (measured) {
					const shown = rssMb(measured);
					await closeTab(page, 'Illustrate');
					// The extension host's garbage collector and allocator give memory back in their own time.
					await page.waitForTimeout(10_000);
					const afterClose = rssMb(measured);
					await page.waitForTimeout(20_000);
					memory = { beforeMb: Math.round(before), peakWhileStreamingMb: Math.round(peak), with8x4kShownMb: Math.round(shown), afterCloseMb: Math.round(afterClose), thirtySecondsAfterCloseMb: Math.round(rssMb(measured)) };
				}
				const imageBytes = api.requests.at(-1)?.images[0]?.size ?? 0;
				const ratio = Number((median(panelMs) / median(bareMs)).toFixed(3));
				generation.push({ size, n, imageMb: Number((imageBytes / 1e6).toFixed(1)), panelMs: Math.round(median(panelMs)), bareSdkMs: Math.round(median(bareMs)), ratio, panelRunsMs: panelMs, bareRunsMs: bareMs });
				hostFigures.push({ size, n, ratio, ...summarize(hostRuns, bareRuns), peakHostGrowthMb: Math.round(peak - before) });
				breakdown.push({ size, n, finals: hopFigures(finalPaths), lastFinals: hopFigures(lastFinalPaths), partials: hopFigures(partialPaths), otherMessages: { count: pageHandlerMs.length, medianMs: round1(median(pageHandlerMs)), maxMs: round1(Math.max(...pageHandlerMs)) } });
				results.hostRuns = [...(results.hostRuns as unknown[] ?? []), { size, n, host: hostRuns, bare: bareRuns }];
			}
		}
		rmSync(scratch, { recursive: true, force: true });

		const extensionBundle = join(PROJECT_ROOT, 'dist', 'extension.js');
		results.machine = { cpus: cpus().length, cpu: cpus()[0]?.model, memoryGb: Math.round(totalmem() / 2 ** 30), node: process.version, commit: execFileSync('git', ['log', '-1', '--format=%h'], { cwd: PROJECT_ROOT }).toString().trim() };
		results.server = { firstByteMs: FIRST_BYTE_MS, imageMs: IMAGE_MS, grain: GRAIN, runs: RUNS };
		results.generation = generation;
		results.host = hostFigures;
		results.breakdown = breakdown;
		results.targets = targetChecks(hostFigures, { median: Math.round(median(partialLatencies)), p95: Math.round(quantile(partialLatencies, 0.95)) });
		results.partialVisibleMs = { median: Math.round(median(partialLatencies)), p95: Math.round(quantile(partialLatencies, 0.95)), samples: partialLatencies.length };
		results.insertMs = { fileMedian: Math.round(median(inserts.map(run => run.fileMs))), linkMedian: Math.round(median(inserts.map(run => run.linkMs))), runs: inserts };
		results.activationMs = activation.ms;
		results.emptyExtensionActivationMs = baseline.ms;
		results.emptyStartupExtensionActivationMs = startupBaseline.ms;
		results.sizesKb = {
			extensionBundle: fileSizeKb(extensionBundle),
			featuresChunk: fileSizeKb(join(PROJECT_ROOT, 'dist', 'features.js')),
			sdkChunk: fileSizeKb(join(PROJECT_ROOT, 'dist', 'openai.js')),
			lazyParsers: readdirSync(join(PROJECT_ROOT, 'dist', 'lazy')).filter(name => name.endsWith('.js')).reduce((sum, name) => sum + fileSizeKb(join(PROJECT_ROOT, 'dist', 'lazy', name)), 0),
			webviewBundle: fileSizeKb(join(PROJECT_ROOT, 'media', 'panel.js')),
			webviewCss: fileSizeKb(join(PROJECT_ROOT, 'media', 'panel.css')),
			vsix: fileSizeKb(vsix),
		};
		results.memory = memory;
		if (process.argv.includes('--log')) {
			const logs = join(workbench.server.userDataDir, 'logs');
			const files = execFileSync('find', [logs, '-name', 'Illustrate.log']).toString().trim().split('\n').filter(Boolean);
			console.log(files.map(file => readFileSync(file, 'utf8')).join('\n'));
		}
	} catch (error) {
		console.error(`Screenshot of the failure: ${await screenshot(workbench.page, 'bench-failure')}`);
		throw error;
	} finally {
		bare.stop();
		await workbench.close();
		rmSync(baselineFolder, { recursive: true, force: true });
		rmSync(dirname(DIAGNOSTICS_FILE), { recursive: true, force: true });
	}
	mkdirSync(dirname(JSON_OUT), { recursive: true });
	writeFileSync(JSON_OUT, `${JSON.stringify(results, null, '\t')}\n`);
	printTable(results);
	console.log(`\nFigures written to ${JSON_OUT}`);
}

function printTable(results: Record<string, unknown>): void {
	const generation = results.generation as Array<{ size: string; n: number; imageMb: number; panelMs: number; bareSdkMs: number; ratio: number }>;
	console.log(`\nRequest → all variants visible (server: first byte ${FIRST_BYTE_MS} ms, ${IMAGE_MS} ms per image, side by side; median of ${RUNS})`);
	console.log('| size | variants | PNG size | Illustrate panel | bare SDK script | ratio |');
	console.log('|---|---|---|---|---|---|');
	for (const row of generation) {
		console.log(`| ${row.size} | ${row.n} | ${row.imageMb} MB | ${row.panelMs} ms | ${row.bareSdkMs} ms | ${row.ratio.toFixed(2)} |`);
	}
	const partial = results.partialVisibleMs as { median: number; p95: number; samples: number };
	const host = results.host as ConfigurationFigures[];
	console.log('\nInside the extension host (its own figures, ILLUSTRATE_DIAGNOSTICS) and at the server; bare script in its own process');
	console.log(hostTableRows(host).join('\n'));
	console.log('\nFrom the server\'s event to painted, hop by hop: median (p95) in ms over the images (server, extension host trace, panel page; one clock)');
	console.log(hopTableRows(results.breakdown as Parameters<typeof hopTableRows>[0]).join('\n'));
	for (const row of results.breakdown as Array<{ size: string; n: number; otherMessages: { count: number; medianMs: number; maxMs: number } }>) {
		console.log(`${row.size} × ${row.n}: the page handled ${row.otherMessages.count} other messages (state) in median ${row.otherMessages.medianMs} ms, at most ${row.otherMessages.maxMs} ms`);
	}
	const insert = results.insertMs as { fileMedian: number; linkMedian: number };
	const sizes = results.sizesKb as Record<string, number>;
	const memory = results.memory as Record<string, number> | undefined;
	console.log('\n| measure | figure |');
	console.log('|---|---|');
	console.log(`| stream event → partial image painted in the panel | median ${partial.median} ms, p95 ${partial.p95} ms (${partial.samples} partials) |`);
	console.log(`| Insert click → file on disk | ${insert.fileMedian} ms |`);
	console.log(`| Insert click → link in the editor | ${insert.linkMedian} ms |`);
	console.log(`| activation (Running Extensions) | ${results.activationMs} ms (empty extensions in the same window: at onStartupFinished with it ${results.emptyStartupExtensionActivationMs} ms, activated alone ${results.emptyExtensionActivationMs} ms) |`);
	console.log(`| extension bundle | ${sizes.extensionBundle} KB loaded at activation; + ${sizes.featuresChunk} KB commands and panels at the first command, ${sizes.sdkChunk} KB openai SDK at the first request, ${sizes.lazyParsers} KB parsers at the first document read |`);
	console.log(`| webview bundle | ${sizes.webviewBundle} KB JS + ${sizes.webviewCss} KB CSS |`);
	console.log(`| .vsix | ${sizes.vsix} KB |`);
	if (memory) {
		const growth = (mb: number) => `${mb >= memory.beforeMb ? '+' : '−'}${Math.abs(mb - memory.beforeMb)}`;
		console.log(`| extension host memory (RSS) | ${memory.beforeMb} MB before, ${memory.peakWhileStreamingMb} MB at the peak of the first 8 × 3840×2160 batch (${growth(memory.peakWhileStreamingMb)}), ${memory.with8x4kShownMb} MB with them shown (${growth(memory.with8x4kShownMb)}), ${memory.afterCloseMb} MB 10 s after closing the panel (${growth(memory.afterCloseMb)}), ${memory.thirtySecondsAfterCloseMb} MB after 30 s (${growth(memory.thirtySecondsAfterCloseMb)}) |`);
	}
	console.log('\nTargets (issue #16)');
	console.log(targetLines(targetChecks(host, partial)).join('\n'));
}

main().catch(error => {
	console.error(error);
	process.exitCode = 1;
});
