/**
 * Show Generated Images with a large history, measured in the real VS Code (code-server,
 * headless Chromium): 200 PNGs of 3840×2160 (about 17 MB each) in the history, from the command
 * (Enter in the command palette) to every card in view painted. First open (no card-size copies yet: they are made, newest
 * first, two at a time), second open (copies on disk and known), and after a window reload
 * (copies on disk, the cache reads the folder again). Run with `npm run bench:history`; options:
 *   --count 200            images in the history
 *   --size 3840x2160       their size
 *   --runs 3               second opens and opens after a reload (median reported)
 *   --json <file>          where the figures go (default .test-runs/bench-history.json)
 * The history's files are hard links to a few rendered pictures: 200 × 17 MB of disk is not needed
 * to show 200 different files.
 */
import { execFileSync } from 'node:child_process';
import { watch } from 'node:fs/promises';
import { existsSync, linkSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { dirname, join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { PROJECT_ROOT } from '../test/harness/codeServer';
import { renderImage } from '../test/server/imageFactory';
import { closeTab, reloadWindow, screenshot, startWorkbench } from '../test/e2e/workbench';
import { median } from './figures';

function option(name: string, fallback: string): string {
	const at = process.argv.indexOf(name);
	return at >= 0 ? process.argv[at + 1] : fallback;
}

const COUNT = Number(option('--count', '200'));
const [WIDTH, HEIGHT] = option('--size', '3840x2160').split('x').map(Number);
const RUNS = Number(option('--runs', '3'));
const JSON_OUT = option('--json', join(PROJECT_ROOT, '.test-runs', 'bench-history.json'));
/** Different pictures among the history's files. */
const PICTURES = 8;

/** Writes the history's files as the image store keeps them: `<id>.png` and `<id>.json`, newest last made. */
async function seedHistory(folder: string, scratch: string): Promise<number> {
	mkdirSync(folder, { recursive: true });
	mkdirSync(scratch, { recursive: true });
	const pictures: { path: string; bytes: number }[] = [];
	for (let index = 0; index < PICTURES; index++) {
		const bytes = await renderImage({ width: WIDTH, height: HEIGHT, format: 'png', seed: `history bench ${index}`, grain: 8 });
		const path = join(scratch, `picture-${index}.png`);
		writeFileSync(path, bytes);
		pictures.push({ path, bytes: bytes.length });
	}
	const start = Date.parse('2026-01-01T00:00:00.000Z');
	for (let index = 0; index < COUNT; index++) {
		const createdAt = new Date(start + index * 60_000).toISOString();
		const id = `${createdAt.replace(/[:.]/g, '-')}-bench${String(index).padStart(3, '0')}`;
		const picture = pictures[index % PICTURES];
		linkSync(picture.path, join(folder, `${id}.png`));
		const metadata = { id, file: `${id}.png`, prompt: `a lighthouse on a cliff at dusk, number ${index}`, model: 'gpt-image-2', size: `${WIDTH}x${HEIGHT}`, quality: 'low', format: 'png', width: WIDTH, height: HEIGHT, bytes: picture.bytes, createdAt };
		writeFileSync(join(folder, `${id}.json`), JSON.stringify(metadata));
	}
	return pictures[0].bytes;
}

const TIMES = ['pageMs', 'scriptMs', 'historyMs', 'renderedMs', 'cardsMs', 'paintedMs'] as const;

/** The bytes of the image files the cards in view show, as they are on disk. */
function bytesShown(figures: OpenFigures): number {
	return figures.loadedFiles.reduce((sum, file) => sum + (existsSync(file) ? statSync(file).size : 0), 0);
}

function historyFrame(page: Page): Frame | undefined {
	const host = page.frames().find(frame => frame.url().includes('extensionId=illustrate.illustrate') && frame.url().includes('/webview/browser/pre/index.html'));
	const inner = host?.childFrames()[0];
	return inner && !inner.isDetached() ? inner : undefined;
}

/** Settles once the history's cards folder holds a copy of every image: woken by each file the folder gets. */
async function allCardCopies(folder: string, count: () => number, signal: AbortSignal): Promise<void> {
	mkdirSync(folder, { recursive: true });
	const changes = watch(folder, { signal });
	if (count() >= COUNT) {
		return;
	}
	for await (const _change of changes) {
		if (count() >= COUNT) {
			return;
		}
	}
}

interface OpenFigures {
	/** Command → every card in view shows its image, decoded and painted. */
	readonly paintedMs: number;
	/** Command → the history's page starts loading (VS Code creating the webview: the floor of any panel). */
	readonly pageMs: number;
	/** Command → the page's script ran and asked for the history. */
	readonly scriptMs: number;
	/** Command → the history's list arrived in the page. */
	readonly historyMs: number;
	/** Command → the page drew its cards (the DOM, before layout). */
	readonly renderedMs: number;
	/** Command → the cards are laid out (the history arrived), images or not. */
	readonly cardsMs: number;
	readonly cardsInView: number;
	/** The image files the cards in view show (a card shown from bytes in the message: its copy's file). */
	readonly loadedFiles: string[];
	/** Cards in view shown from bytes in the history message. */
	readonly inline: number;
}

/** Types a command into the palette as a user does; the time it is run (Enter pressed), not the typing. */
async function pressCommand(page: Page, title: string): Promise<number> {
	const widget = page.locator('.quick-input-widget');
	for (let attempt = 0; ; attempt++) {
		await page.keyboard.press('F1');
		await widget.waitFor({ state: 'visible' });
		const input = widget.locator('input.input');
		try {
			await input.fill(`>${title}`, { timeout: 5000 });
			await widget.locator('.monaco-list-row', { hasText: title }).first().waitFor({ state: 'visible', timeout: 3000 });
		} catch (error) {
			await page.keyboard.press('Escape');
			if (attempt >= 10) {
				throw error;
			}
			continue;
		}
		const started = Date.now();
		await input.press('Enter');
		return started;
	}
}

/** The card copy a card shows from the bytes the history message brought (a blob URL): the one file of its image in the cards folder. */
function inlineCopy(cards: string, id: string): string {
	const names = existsSync(cards) ? readdirSync(cards).filter(name => name.startsWith(`${id}.card`)) : [];
	return names.length === 1 ? join(cards, names[0]) : `blob of ${id}: ${names.length} copies on disk`;
}

/** Runs Show Generated Images and waits, in the history's page, until every card in view is painted. */
async function openHistory(page: Page, cards: string): Promise<OpenFigures> {
	const started = await pressCommand(page, 'Illustrate: Show Generated Images');
	const deadline = started + 120_000;
	let frame: Frame | undefined;
	// The history's page is a frame VS Code adds (and navigates) after the command: wait for
	// frame events until it is there, then for its cards inside it.
	while (!(frame = historyFrame(page))) {
		if (Date.now() > deadline) {
			throw new Error('The history did not open within 120 s.');
		}
		await page.waitForEvent('framenavigated', { timeout: Math.max(1, deadline - Date.now()) }).catch(() => undefined);
	}
	await frame.waitForFunction(count => document.querySelectorAll('.variant').length >= count, COUNT, { polling: 'raf', timeout: Math.max(1, deadline - Date.now()) });
	const cardsAt = Date.now();
	const result = await frame.waitForFunction(() => {
		const inView = [...document.querySelectorAll<HTMLElement>('.variant')].filter(card => {
			const box = card.getBoundingClientRect();
			return box.bottom > 0 && box.top < window.innerHeight && box.right > 0 && box.left < window.innerWidth;
		});
		const painted = inView.every(card => {
			const image = card.querySelector('img');
			return image !== null && image.complete && image.naturalWidth > 0;
		});
		// Polled in an animation frame: the frame about to be painted shows them all.
		// The page's own marks (webview/historyView.ts): its script ran and asked for the history, the history arrived, its cards were drawn (the first of each).
		const mark = (name: string) => performance.getEntriesByName(`illustrate:${name}`, 'mark')[0]?.startTime ?? -1;
		return painted && { at: Date.now(), pageAt: performance.timeOrigin, inView: inView.length, sources: inView.map(card => ({ id: card.dataset.imageId ?? '', src: card.querySelector('img')?.getAttribute('src') ?? '' })), marks: { ready: mark('ready'), history: mark('history'), rendered: mark('rendered') } };
	}, undefined, { polling: 'raf', timeout: 600_000 });
	const { at, pageAt, inView, sources, marks } = await result.jsonValue() as { at: number; pageAt: number; inView: number; sources: { id: string; src: string }[]; marks: { ready: number; history: number; rendered: number } };
	const sinceCommand = (mark: number) => Math.round(pageAt - started + mark);
	return { paintedMs: at - started, pageMs: Math.round(pageAt - started), scriptMs: sinceCommand(marks.ready), historyMs: sinceCommand(marks.history), renderedMs: sinceCommand(marks.rendered), cardsMs: cardsAt - started, cardsInView: inView, loadedFiles: sources.map(({ id, src }) => src.startsWith('blob:') ? inlineCopy(cards, id) : decodeURIComponent(new URL(src).pathname)), inline: sources.filter(({ src }) => src.startsWith('blob:')).length };
}

async function main(): Promise<void> {
	const workbench = await startWorkbench({ userSettings: { 'illustrate.history.maxSizeMB': 100_000 } });
	const storage = join(workbench.server.userDataDir, 'User', 'globalStorage', 'illustrate.illustrate', 'images');
	const results: Record<string, unknown> = {};
	try {
		const { page } = workbench;
		// Timing starts at Enter in the command palette, which waits until the command is listed.
		const imageBytes = await seedHistory(storage, join(dirname(workbench.workspace), 'history-bench-pictures'));

		const first = await openHistory(page, join(storage, 'cards'));
		const cardCopies = () => existsSync(join(storage, 'cards')) ? readdirSync(join(storage, 'cards')).length : 0;
		const copiesAtFirstPaint = cardCopies();
		// The history makes the other copies while it is open, two at a time.
		const allCopies = Date.now();
		await allCardCopies(join(storage, 'cards'), cardCopies, AbortSignal.timeout(20 * 60_000)).catch(() => {
			throw new Error(`Only ${cardCopies()} of ${COUNT} card copies were made in 20 minutes.`);
		});
		const allCopiesMs = Date.now() - allCopies + first.paintedMs;
		await closeTab(page, 'Generated Images');
		const second: OpenFigures[] = [];
		for (let run = 0; run < RUNS; run++) {
			second.push(await openHistory(page, join(storage, 'cards')));
			await closeTab(page, 'Generated Images');
		}
		const reloaded: OpenFigures[] = [];
		for (let run = 0; run < RUNS; run++) {
			await reloadWindow(page);
			reloaded.push(await openHistory(page, join(storage, 'cards')));
			await closeTab(page, 'Generated Images');
		}
		const all = [first, ...second, ...reloaded];
		const full = all.flatMap(run => run.loadedFiles).filter(file => !file.includes('/cards/'));
		results.commit = execFileSync('git', ['log', '-1', '--format=%h'], { cwd: PROJECT_ROOT }).toString().trim();
		results.history = { images: COUNT, size: `${WIDTH}x${HEIGHT}`, imageMb: Number((imageBytes / 1e6).toFixed(1)), cardsInView: first.cardsInView };
		results.machine = { loadAverage: loadavg().map(load => Number(load.toFixed(1))), cpus: cpus().length };
		const summary = (runs: OpenFigures[]) => ({ ...Object.fromEntries(TIMES.map(field => [field, Math.round(median(runs.map(run => run[field])))])), runs: runs.map(run => run.paintedMs), bytesInView: Math.round(median(runs.map(bytesShown))), inlineInView: Math.round(median(runs.map(run => run.inline))) });
		results.firstOpen = { ...summary([first]), copiesOnDiskWhenPainted: copiesAtFirstPaint, allCopiesMadeMs: allCopiesMs };
		results.secondOpen = summary(second);
		results.afterReload = summary(reloaded);
		results.fullSizeFilesShown = full.length;
		results.cardCopiesOnDisk = cardCopies();
	} catch (error) {
		console.error(`Screenshot of the failure: ${await screenshot(workbench.page, 'bench-history-failure')}`);
		throw error;
	} finally {
		await workbench.close();
	}
	mkdirSync(dirname(JSON_OUT), { recursive: true });
	writeFileSync(JSON_OUT, `${JSON.stringify(results, null, '\t')}\n`);
	const history = results.history as { images: number; size: string; imageMb: number; cardsInView: number };
	type Summary = Record<(typeof TIMES)[number], number> & { bytesInView: number; inlineInView: number };
	const firstOpen = results.firstOpen as Summary & { copiesOnDiskWhenPainted: number; allCopiesMadeMs: number };
	const machine = results.machine as { loadAverage: number[]; cpus: number };
	console.log(`\nShow Generated Images with ${history.images} × ${history.size} (${history.imageMb} MB PNGs) in the history: command → all ${history.cardsInView} cards in view painted`);
	console.log('| open | webview page starts | page script runs | history arrives | cards drawn | cards laid out | all cards in view painted | image bytes in view (cards from the message) |');
	console.log('|---|---|---|---|---|---|---|---|');
	const row = (name: string, figures: Summary) => console.log(`| ${name} | ${TIMES.map(field => `${figures[field]} ms`).join(' | ')} | ${(figures.bytesInView / 1e6).toFixed(2)} MB (${figures.inlineInView}) |`);
	row(`first (no card copies yet; ${firstOpen.copiesOnDiskWhenPainted} made by the time the view was painted)`, firstOpen);
	row(`second (copies cached; median of ${RUNS})`, results.secondOpen as Summary);
	row(`after a window reload (copies on disk; median of ${RUNS})`, results.afterReload as Summary);
	console.log(`Machine: ${machine.cpus} CPUs, load average ${machine.loadAverage.join(', ')} at the end of the runs.`);
	console.log(`First open: all ${history.images} card copies made ${(firstOpen.allCopiesMadeMs / 1000).toFixed(1)} s after the command (in the background, the history open).`);
	console.log(`Full-size files the view loaded: ${results.fullSizeFilesShown as number}; card copies on disk at the end: ${results.cardCopiesOnDisk as number}`);
	console.log(`\nFigures written to ${JSON_OUT}`);
}

main().catch(error => {
	console.error(error);
	process.exitCode = 1;
});
