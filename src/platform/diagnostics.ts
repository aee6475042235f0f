import { environmentVariable } from './environment';

/**
 * Measurements for the benchmark (bench/panel.ts), off unless the extension host's
 * environment has `ILLUSTRATE_DIAGNOSTICS`, the path of a file: each batch then appends a line
 * of JSON to it with the event-loop delay during the batch and the host's CPU time. Node
 * extension host only; the web bundle drops it.
 */
export const DIAGNOSTICS_VARIABLE = 'ILLUSTRATE_DIAGNOSTICS';

/** How often the event-loop monitor's timer fires; a delay is how late it fired. */
export const EVENT_LOOP_RESOLUTION_MS = 10;

/** One batch, as the diagnostics file has it. */
export interface BatchFigures {
	readonly startedAt: number;
	readonly endedAt: number;
	/** Final images the batch produced. */
	readonly images: number;
	/** How late the monitor's timer fired, in ms: the longest time the host could not answer. */
	readonly eventLoopDelayMs: { readonly max: number; readonly p99: number; readonly mean: number };
	/** The host process's CPU time during the batch (all its threads), in ms. */
	readonly cpuMs: { readonly user: number; readonly system: number };
	/**
	 * What held the main thread, apart from the time the machine gave it no core (which the
	 * delay counts too): the most CPU time the main thread spent between two ticks of a 5 ms
	 * timer, and the longest garbage collection pause, in ms. Absent where Node cannot tell a
	 * thread's CPU time (before Node 23.9).
	 */
	readonly mainThreadBlockMs?: { readonly cpu: number; readonly gc: number };
	/** Each pixels message of the batch on the main thread (see `PixelsTrace`), in the order they arrived. */
	readonly pixels?: readonly PixelsTrace[];
}

/** One pixels message (a partial or the final image of a variant) on the extension host's main thread, epoch ms. */
export interface PixelsTrace {
	readonly variantId: string;
	readonly partialIndex?: number;
	/** From the image worker (or the request on the main thread) to the panel's code. */
	arrivedAt?: number;
	/** Handed to `webview.postMessage`, and its size then (the card-size copy where one was made). */
	postedAt?: number;
	bytes?: number;
	/** `webview.postMessage` settled: the window took the message. */
	deliveredAt?: number;
}

/** Where a pixels message is on the main thread. */
export type PixelsHop = 'arrived' | 'posted' | 'delivered';

/** What the figures need of Node's `IntervalHistogram` (values in ns). */
export interface DelayHistogram {
	readonly max: number;
	readonly mean: number;
	percentile(percentile: number): number;
}

/** A batch's figures from the delay histogram (ns) and the `process.cpuUsage` delta (µs). */
export function batchFigures(histogram: DelayHistogram, cpu: { user: number; system: number }, startedAt: number, endedAt: number, images: number, blocks?: { cpu: number; gc: number }): BatchFigures {
	// The histogram holds the time between the timer's firings: the delay is what exceeds its period.
	const delay = (ns: number) => Number.isFinite(ns) ? Math.round(Math.max(0, ns / 1e6 - EVENT_LOOP_RESOLUTION_MS) * 10) / 10 : 0;
	return {
		startedAt,
		endedAt,
		images,
		eventLoopDelayMs: { max: delay(histogram.max), p99: delay(histogram.percentile(99)), mean: delay(histogram.mean) },
		cpuMs: { user: Math.round(cpu.user / 1000), system: Math.round(cpu.system / 1000) },
		...(blocks ? { mainThreadBlockMs: { cpu: Math.round(blocks.cpu * 10) / 10, gc: Math.round(blocks.gc * 10) / 10 } } : {}),
	};
}

export interface BatchDiagnostics {
	/** Writes the batch's figures once `settled` has (the last pixels sent to the panel). */
	end(images: number, settled?: Promise<unknown>): void;
	/** A pixels message reached `hop` (`bytes`: its size as posted). */
	pixels(variantId: string, partialIndex: number | undefined, hop: PixelsHop, bytes?: number): void;
}

/** Starts measuring a batch, when the environment asks for it. */
export function startBatchDiagnostics(): BatchDiagnostics | undefined {
	if (!ILLUSTRATE_WEB) {
		const file = environmentVariable(DIAGNOSTICS_VARIABLE);
		if (file) {
			return nodeBatchDiagnostics(file);
		}
	}
	return undefined;
}

function nodeBatchDiagnostics(file: string): BatchDiagnostics {
	// Loaded here, so that normal use never loads them.
	const { monitorEventLoopDelay, PerformanceObserver } = require('node:perf_hooks') as typeof import('node:perf_hooks');
	const { appendFile } = require('node:fs') as typeof import('node:fs');
	const histogram = monitorEventLoopDelay({ resolution: EVENT_LOOP_RESOLUTION_MS });
	histogram.enable();
	const startedAt = Date.now();
	const cpu = process.cpuUsage();
	const blocks = mainThreadBlocks(PerformanceObserver);
	const traces = new Map<string, PixelsTrace>();
	return {
		end(images, settled = Promise.resolve()) {
			void settled.catch(() => undefined).then(() => {
				histogram.disable();
				const figures = { ...batchFigures(histogram, process.cpuUsage(cpu), startedAt, Date.now(), images, blocks?.stop()), pixels: [...traces.values()] };
				appendFile(file, `${JSON.stringify(figures)}\n`, () => undefined);
			});
		},
		pixels(variantId, partialIndex, hop, bytes) {
			const key = `${variantId}/${partialIndex ?? 'final'}`;
			let trace = traces.get(key);
			if (!trace) {
				trace = { variantId, ...(partialIndex !== undefined ? { partialIndex } : {}) };
				traces.set(key, trace);
			}
			trace[`${hop}At`] = Date.now();
			if (bytes !== undefined) {
				trace.bytes = bytes;
			}
		},
	};
}

/** How often the main thread's CPU time is read: a block is the CPU time between two reads. */
const BLOCK_TICK_MS = 5;

/** Watches the main thread's CPU time between timer ticks, and garbage collection pauses, until `stop`. */
function mainThreadBlocks(Observer: typeof import('node:perf_hooks').PerformanceObserver): { stop(): { cpu: number; gc: number } } | undefined {
	const threadCpuUsage = (process as unknown as { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage;
	if (typeof threadCpuUsage !== 'function') {
		return undefined;
	}
	const threadCpuMs = () => {
		const usage = threadCpuUsage.call(process);
		return (usage.user + usage.system) / 1000;
	};
	let last = threadCpuMs();
	let cpuMax = 0;
	const ticker = setInterval(() => {
		const now = threadCpuMs();
		cpuMax = Math.max(cpuMax, now - last);
		last = now;
	}, BLOCK_TICK_MS);
	let gcMax = 0;
	const gc = new Observer(list => {
		for (const entry of list.getEntries()) {
			gcMax = Math.max(gcMax, entry.duration);
		}
	});
	gc.observe({ entryTypes: ['gc'] });
	return {
		stop() {
			clearInterval(ticker);
			for (const entry of gc.takeRecords()) {
				gcMax = Math.max(gcMax, entry.duration);
			}
			gc.disconnect();
			const now = threadCpuMs();
			return { cpu: Math.max(cpuMax, now - last), gc: gcMax };
		},
	};
}
