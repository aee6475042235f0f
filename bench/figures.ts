/**
 * The bench's arithmetic, apart from the machinery that drives VS Code (bench/panel.ts), so
 * unit tests can check it: quantiles, one configuration's summary, and the issue #16 targets.
 */
import type { BatchFigures } from '../src/platform/diagnostics';

export function quantile(values: readonly number[], q: number): number {
	const sorted = [...values].sort((a, b) => a - b);
	if (sorted.length === 0) {
		return Number.NaN;
	}
	const at = (sorted.length - 1) * q;
	const low = Math.floor(at);
	return sorted[low] + (sorted[Math.ceil(at)] - sorted[low]) * (at - low);
}

export const median = (values: readonly number[]) => quantile(values, 0.5);

/** The lines of the diagnostics file (src/platform/diagnostics.ts) after the first `skip`. */
export function diagnosticsLines(text: string, skip: number): BatchFigures[] {
	return text.split('\n').filter(line => line.trim() !== '').slice(skip).map(line => JSON.parse(line) as BatchFigures);
}

/** What one panel run measured besides its total time. */
export interface HostRun {
	/** The batch, as the extension host measured it. */
	readonly batch: BatchFigures;
	/** The panel page's click event → the first request's arrival at the server. */
	readonly clickToRequestMs: number;
	/** The server's last byte of the batch → the last final image painted. */
	readonly lastByteToPaintedMs: number;
}

/** A bare SDK run in its own process: its wall time and its CPU time. */
export interface BareRun {
	readonly ms: number;
	readonly cpuMs: number;
	readonly images: number;
}

/** One configuration (size × variants) over its runs. */
export interface HostSummary {
	/** The longest event-loop delay of any batch. */
	readonly eventLoopDelayMaxMs: number;
	/** The median over batches of each batch's p99 delay. */
	readonly eventLoopDelayP99Ms: number;
	readonly clickToRequestMs: number;
	readonly lastByteToPaintedMs: number;
	/** The extension host's CPU time per final image (median over batches). */
	readonly hostCpuPerImageMs: number;
	/** The bare script's CPU time per image (median over runs). */
	readonly bareCpuPerImageMs: number;
	readonly cpuRatio: number;
	/** The longest main-thread CPU block and GC pause of any batch (see BatchFigures.mainThreadBlockMs), where the host measured them. */
	readonly mainThreadBlockMs?: { readonly cpu: number; readonly gc: number; readonly stall?: { readonly wall: number; readonly cpu: number } };
}

const cpuOf = (batch: BatchFigures) => batch.cpuMs.user + batch.cpuMs.system;

export function summarize(host: readonly HostRun[], bare: readonly BareRun[]): HostSummary {
	const hostCpuPerImageMs = median(host.filter(run => run.batch.images > 0).map(run => cpuOf(run.batch) / run.batch.images));
	const bareCpuPerImageMs = median(bare.filter(run => run.images > 0).map(run => run.cpuMs / run.images));
	const blocks = host.flatMap(run => run.batch.mainThreadBlockMs ? [run.batch.mainThreadBlockMs] : []);
	return {
		eventLoopDelayMaxMs: Math.max(...host.map(run => run.batch.eventLoopDelayMs.max)),
		eventLoopDelayP99Ms: round1(median(host.map(run => run.batch.eventLoopDelayMs.p99))),
		clickToRequestMs: Math.round(median(host.map(run => run.clickToRequestMs))),
		lastByteToPaintedMs: Math.round(median(host.map(run => run.lastByteToPaintedMs))),
		hostCpuPerImageMs: Math.round(hostCpuPerImageMs),
		bareCpuPerImageMs: Math.round(bareCpuPerImageMs),
		cpuRatio: Number((hostCpuPerImageMs / bareCpuPerImageMs).toFixed(2)),
		...(blocks.length > 0 ? { mainThreadBlockMs: { cpu: Math.max(...blocks.map(block => block.cpu)), gc: Math.max(...blocks.map(block => block.gc)), ...longestStall(blocks) } } : {}),
	};
}

const round1 = (value: number) => Math.round(value * 10) / 10;

/** The longest stall of any batch, with the CPU time the main thread had in it. */
function longestStall(blocks: readonly NonNullable<BatchFigures['mainThreadBlockMs']>[]): { stall?: { wall: number; cpu: number } } {
	const stalls = blocks.flatMap(block => block.stall ? [block.stall] : []);
	return stalls.length > 0 ? { stall: stalls.reduce((longest, stall) => stall.wall > longest.wall ? stall : longest) } : {};
}

/** A configuration's figures as the bench prints them, and the targets check them. */
export interface ConfigurationFigures extends HostSummary {
	readonly size: string;
	readonly n: number;
	readonly ratio: number;
	/** The extension host's resident memory at the peak of the configuration's first batch, minus before it. */
	readonly peakHostGrowthMb: number;
}

/** Table rows, in the same order as the time table's. */
export function hostTableRows(rows: readonly ConfigurationFigures[]): string[] {
	return [
		'| size | variants | event-loop delay max (p99) | click → request at the server | server\'s last byte → all painted | host CPU per image | bare script CPU per image | CPU ratio | peak host memory growth |',
		'|---|---|---|---|---|---|---|---|---|',
		...rows.map(row => `| ${row.size.replace('x', '×')} | ${row.n} | ${row.eventLoopDelayMaxMs} ms (${row.eventLoopDelayP99Ms} ms)${row.mainThreadBlockMs ? `; own work ≤ ${row.mainThreadBlockMs.cpu} ms CPU, GC ≤ ${row.mainThreadBlockMs.gc} ms${row.mainThreadBlockMs.stall ? `, longest stall ${row.mainThreadBlockMs.stall.wall} ms with ${row.mainThreadBlockMs.stall.cpu} ms CPU` : ''}` : ''} | ${row.clickToRequestMs} ms | ${row.lastByteToPaintedMs} ms | ${row.hostCpuPerImageMs} ms | ${row.bareCpuPerImageMs} ms | ${row.cpuRatio.toFixed(2)} | +${row.peakHostGrowthMb} MB |`),
	];
}

export interface TargetCheck {
	readonly target: string;
	readonly measured: string;
	/** Undefined where the target is a figure to follow, not a limit. */
	readonly met?: boolean;
}

/** The issue #16 targets against these figures: what the later work is measured by. */
export function targetChecks(rows: readonly ConfigurationFigures[], partials: { median: number; p95: number }): TargetCheck[] {
	const worstDelay = rows.reduce((worst, row) => row.eventLoopDelayMaxMs > worst.eventLoopDelayMaxMs ? row : worst, rows[0]);
	const slowestRequest = rows.reduce((worst, row) => row.clickToRequestMs > worst.clickToRequestMs ? row : worst, rows[0]);
	const large = rows.filter(row => row.size === '3840x2160');
	const growth = rows.reduce((worst, row) => row.peakHostGrowthMb > worst.peakHostGrowthMb ? row : worst, rows[0]);
	const label = (row: ConfigurationFigures) => `${row.n} × ${row.size.replace('x', '×')}`;
	return [
		{ target: 'event-loop delay max ≤ 50 ms during any batch', measured: `${worstDelay.eventLoopDelayMaxMs} ms (${label(worstDelay)})`, met: worstDelay.eventLoopDelayMaxMs <= 50 },
		{ target: 'click → first request at the server ≤ 50 ms', measured: `${slowestRequest.clickToRequestMs} ms (${label(slowestRequest)})`, met: slowestRequest.clickToRequestMs <= 50 },
		{ target: 'partial event → painted p50 / p95', measured: `${partials.median} ms / ${partials.p95} ms` },
		{ target: 'ratio panel / bare SDK', measured: rows.map(row => `${row.ratio.toFixed(2)} (${label(row)})`).join(', ') },
		large.length > 0
			? { target: 'host CPU per 3840×2160 final ≤ 2 × the bare script\'s per image', measured: large.map(row => `${row.cpuRatio.toFixed(2)} × (${label(row)})`).join(', '), met: large.every(row => row.cpuRatio <= 2) }
			: { target: 'host CPU per 3840×2160 final ≤ 2 × the bare script\'s per image', measured: 'not measured (no 3840x2160 in --sizes)' },
		{ target: 'peak host memory growth', measured: `+${growth.peakHostGrowthMb} MB (${label(growth)})` },
	];
}

export function targetLines(checks: readonly TargetCheck[]): string[] {
	return [
		'| target | measured | |',
		'|---|---|---|',
		...checks.map(check => `| ${check.target} | ${check.measured} | ${check.met === undefined ? '' : check.met ? 'met' : 'missed'} |`),
	];
}

/** One image's way from the test server to the panel's paint, epoch ms, as each side saw it (absent where a side did not). */
export interface ImagePath {
	readonly final: boolean;
	/** Its size as posted to the webview (the card-size copy where one was made). */
	readonly bytes?: number;
	/** The server wrote its event. */
	readonly sentAt?: number;
	/** It reached the panel's code on the extension host's main thread (from the image worker). */
	readonly arrivedAt?: number;
	/** Handed to `webview.postMessage`. */
	readonly postedAt?: number;
	/** `webview.postMessage` settled. */
	readonly deliveredAt?: number;
	/** Its message event in the panel's page. */
	readonly receivedAt?: number;
	/** The page's handler of that message returned (the image's source set). */
	readonly handledAt?: number;
	/** The image's `load` event. */
	readonly loadedAt?: number;
	/** The first frame after it loaded. */
	readonly paintedAt?: number;
}

type PathTime = Exclude<keyof ImagePath, 'final' | 'bytes'>;

/** The hops of an image's path, in order: what each measures. */
export const HOPS: readonly { readonly name: string; readonly from: PathTime; readonly to: PathTime }[] = [
	{ name: 'server → host main thread', from: 'sentAt', to: 'arrivedAt' },
	{ name: 'main thread → postMessage', from: 'arrivedAt', to: 'postedAt' },
	{ name: 'postMessage → page', from: 'postedAt', to: 'receivedAt' },
	{ name: 'page handler', from: 'receivedAt', to: 'handledAt' },
	{ name: 'source set → loaded', from: 'handledAt', to: 'loadedAt' },
	{ name: 'loaded → painted', from: 'loadedAt', to: 'paintedAt' },
];

/** How long one kind of image spent in each hop: the median and p95 over the images that have both ends, in ms. */
export interface HopFigures {
	readonly images: number;
	/** Median size as posted, in KB. */
	readonly kb: number;
	readonly hops: readonly { readonly name: string; readonly median: number; readonly p95: number }[];
	/** Server's event → painted. */
	readonly total: { readonly median: number; readonly p95: number };
	/** `postMessage` → it settled (the window took the message). */
	readonly settled: { readonly median: number; readonly p95: number };
}

const span = (paths: readonly ImagePath[], from: PathTime, to: PathTime) => paths.flatMap(path => path[from] !== undefined && path[to] !== undefined ? [path[to]! - path[from]!] : []);
const spread = (values: readonly number[]) => ({ median: Math.round(median(values)), p95: Math.round(quantile(values, 0.95)) });

export function hopFigures(paths: readonly ImagePath[]): HopFigures {
	return {
		images: paths.length,
		kb: Math.round(median(paths.flatMap(path => path.bytes !== undefined ? [path.bytes / 1024] : []))),
		hops: HOPS.map(hop => ({ name: hop.name, ...spread(span(paths, hop.from, hop.to)) })),
		total: spread(span(paths, 'sentAt', 'paintedAt')),
		settled: spread(span(paths, 'postedAt', 'deliveredAt')),
	};
}

/** The breakdown's rows: per configuration, its finals, the last final of each batch, and its partials. */
export function hopTableRows(rows: readonly { readonly size: string; readonly n: number; readonly finals: HopFigures; readonly lastFinals: HopFigures; readonly partials: HopFigures }[]): string[] {
	const cell = (figure: { median: number; p95: number }) => Number.isNaN(figure.median) ? '–' : `${figure.median} (${figure.p95})`;
	return [
		`| size | variants | images | KB | ${HOPS.map(hop => hop.name).join(' | ')} | event → painted | postMessage settled |`,
		`|---|---|---|---|${HOPS.map(() => '---|').join('')}---|---|`,
		...rows.flatMap(row => ([['finals', row.finals], ['last final', row.lastFinals], ['partials', row.partials]] as const).map(([kind, figures]) =>
			`| ${row.size.replace('x', '×')} | ${row.n} | ${kind} (${figures.images}) | ${Number.isNaN(figures.kb) ? '–' : figures.kb} | ${figures.hops.map(cell).join(' | ')} | ${cell(figures.total)} | ${cell(figures.settled)} |`)),
	];
}
