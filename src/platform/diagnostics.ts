import { environmentVariable } from './environment';

/**
 * Measurements for the benchmark (bench/panel.ts), off unless the extension host's
 * environment has `ILLUSTRATE_DIAGNOSTICS`, the path of a file: each batch then appends a line
 * of JSON to it with the event-loop delay during the batch and the host's CPU time. Node
 * extension host only; the web bundle drops it.
 */
export const DIAGNOSTICS_VARIABLE = 'ILLUSTRATE_DIAGNOSTICS';

/**
 * With `ILLUSTRATE_DIAGNOSTICS` set: also this variable, a path prefix, has each batch write a
 * CPU profile of the main thread (`<prefix>-<n>.cpuprofile`), a sampling heap profile of
 * what it allocated, garbage included (`<prefix>-<n>.heapprofile`), and its garbage
 * collections (`<prefix>-<n>.gc.json`: kind, start, duration); for `npm run bench -- --profile`.
 */
export const PROFILE_VARIABLE = 'ILLUSTRATE_DIAGNOSTICS_PROFILE';

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
	 * thread's CPU time (before Node 23.9). `stall`: the longest time between two ticks beyond
	 * their 5 ms (what the delay monitor sees) and how much of it the main thread ran: a stall
	 * with little CPU is time the machine gave the thread no core.
	 */
	readonly mainThreadBlockMs?: { readonly cpu: number; readonly gc: number; readonly stall?: { readonly wall: number; readonly cpu: number } };
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
export function batchFigures(histogram: DelayHistogram, cpu: { user: number; system: number }, startedAt: number, endedAt: number, images: number, blocks?: MainThreadBlocks): BatchFigures {
	// The histogram holds the time between the timer's firings: the delay is what exceeds its period.
	const delay = (ns: number) => Number.isFinite(ns) ? Math.round(Math.max(0, ns / 1e6 - EVENT_LOOP_RESOLUTION_MS) * 10) / 10 : 0;
	return {
		startedAt,
		endedAt,
		images,
		eventLoopDelayMs: { max: delay(histogram.max), p99: delay(histogram.percentile(99)), mean: delay(histogram.mean) },
		cpuMs: { user: Math.round(cpu.user / 1000), system: Math.round(cpu.system / 1000) },
		...(blocks ? { mainThreadBlockMs: { cpu: round1(blocks.cpu), gc: round1(blocks.gc), stall: { wall: round1(blocks.stall.wall), cpu: round1(blocks.stall.cpu) } } } : {}),
	};
}

const round1 = (ms: number) => Math.round(ms * 10) / 10;

/** What `mainThreadBlocks` measured, in ms (see BatchFigures.mainThreadBlockMs). */
export interface MainThreadBlocks {
	readonly cpu: number;
	readonly gc: number;
	readonly stall: { readonly wall: number; readonly cpu: number };
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
	const profilePrefix = environmentVariable(PROFILE_VARIABLE);
	const profile = profilePrefix ? startProfiles(`${profilePrefix}-${++profiledBatches}`) : undefined;
	const traces = new Map<string, PixelsTrace>();
	return {
		end(images, settled = Promise.resolve()) {
			void settled.catch(() => undefined).then(() => {
				histogram.disable();
				const figures = { ...batchFigures(histogram, process.cpuUsage(cpu), startedAt, Date.now(), images, blocks?.stop()), pixels: [...traces.values()] };
				// The profiles are written before the figures: the bench waits for the figures' line.
				void (profile?.stop() ?? Promise.resolve()).catch(() => undefined).then(() => appendFile(file, `${JSON.stringify(figures)}\n`, () => undefined));
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

let profiledBatches = 0;

/** Starts a CPU profile and a sampling heap profile of this thread; `stop` writes them to `<path>.cpuprofile` and `<path>.heapprofile`. */
function startProfiles(path: string): { stop(): Promise<void> } {
	const { Session } = require('node:inspector') as typeof import('node:inspector');
	const { writeFile } = require('node:fs/promises') as typeof import('node:fs/promises');
	const { PerformanceObserver } = require('node:perf_hooks') as typeof import('node:perf_hooks');
	const collections: { kind: number; flags: number; startTime: number; duration: number }[] = [];
	const gc = new PerformanceObserver(list => {
		for (const entry of list.getEntries()) {
			const detail = (entry as { detail?: { kind?: number; flags?: number } }).detail;
			collections.push({ kind: detail?.kind ?? 0, flags: detail?.flags ?? 0, startTime: Math.round(entry.startTime), duration: Math.round(entry.duration * 10) / 10 });
		}
	});
	gc.observe({ entryTypes: ['gc'] });
	const session = new Session();
	session.connect();
	const post = (method: string, params?: object) => new Promise<unknown>((resolve, reject) => session.post(method, params, (error, result) => error ? reject(error) : resolve(result)));
	const started = Promise.all([
		post('Profiler.enable').then(() => post('Profiler.setSamplingInterval', { interval: 200 })).then(() => post('Profiler.start')),
		post('HeapProfiler.enable').then(() => post('HeapProfiler.startSampling', { samplingInterval: 8192, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true })),
	]);
	return {
		async stop() {
			try {
				await started;
				const { profile: cpu } = await post('Profiler.stop') as { profile: unknown };
				const { profile: heap } = await post('HeapProfiler.stopSampling') as { profile: unknown };
				await writeFile(`${path}.cpuprofile`, JSON.stringify(cpu));
				await writeFile(`${path}.heapprofile`, JSON.stringify(heap));
				gc.disconnect();
				// Kinds as perf_hooks.constants: 1 minor (scavenge), 4 major (mark-compact), 8 incremental marking, 16 weak callbacks; flags 32: forced by external memory (buffers).
				await writeFile(`${path}.gc.json`, JSON.stringify(collections));
			} finally {
				session.disconnect();
			}
		},
	};
}

/** How often the main thread's CPU time is read: a block is the CPU time between two reads. */
const BLOCK_TICK_MS = 5;

/** Watches the main thread's CPU time between timer ticks, and garbage collection pauses, until `stop`. */
function mainThreadBlocks(Observer: typeof import('node:perf_hooks').PerformanceObserver): { stop(): MainThreadBlocks } | undefined {
	const threadCpuUsage = (process as unknown as { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage;
	if (typeof threadCpuUsage !== 'function') {
		return undefined;
	}
	const threadCpuMs = () => {
		const usage = threadCpuUsage.call(process);
		return (usage.user + usage.system) / 1000;
	};
	let last = threadCpuMs();
	let lastWall = performance.now();
	let cpuMax = 0;
	let stall = { wall: 0, cpu: 0 };
	const tick = () => {
		const now = threadCpuMs();
		const wall = performance.now();
		cpuMax = Math.max(cpuMax, now - last);
		if (wall - lastWall - BLOCK_TICK_MS > stall.wall) {
			stall = { wall: wall - lastWall - BLOCK_TICK_MS, cpu: now - last };
		}
		last = now;
		lastWall = wall;
	};
	const ticker = setInterval(tick, BLOCK_TICK_MS);
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
			tick();
			return { cpu: cpuMax, gc: gcMax, stall };
		},
	};
}
