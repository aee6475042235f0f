import { monitorEventLoopDelay, PerformanceObserver } from 'node:perf_hooks';

export interface EventLoopBlocks {
	/** The longest the event loop was late, wall clock (`monitorEventLoopDelay`'s max): includes time the process was not scheduled at all. */
	readonly wallMs: number;
	/** The most CPU time the main thread spent between two timer ticks: the longest block the process's own work caused, whatever the machine's load. */
	readonly cpuMs: number;
	/** `cpuMs` less the garbage collection pauses inside it: the longest block of JavaScript (ours, the SDK's, VS Code's). */
	readonly cpuWithoutGcMs: number;
	/** The longest garbage collection pause (wall clock). */
	readonly gcMs: number;
	/** How many garbage collections paused the thread, and their pauses added up (wall clock). */
	readonly gcCount: number;
	readonly gcTotalMs: number;
	/** The blocks over 40 ms of CPU, longest first (at most 5): when they ended (epoch ms) and how much of each was GC. */
	readonly longest: readonly { readonly at: number; readonly cpuMs: number; readonly gcMs: number }[];
}

/**
 * Watches the event loop until `stop()`. Several figures are kept: on a loaded machine (CI,
 * two cores shared by several runs) the wall-clock one also counts the time the OS gave the
 * process no core, which no code can prevent; the main thread's CPU time between ticks
 * counts only work that held the loop, and garbage collection pauses are told apart.
 */
export function watchEventLoop(): { stop(): EventLoopBlocks } {
	const histogram = monitorEventLoopDelay({ resolution: 10 });
	histogram.enable();
	const threadCpu = (): number => {
		const usage = (process as unknown as { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage?.() ?? process.cpuUsage();
		return (usage.user + usage.system) / 1000;
	};
	let lastCpu = threadCpu();
	let lastAt = performance.now();
	let cpuMax = 0;
	let shortMax = 0;
	const long: { from: number; to: number; cpuMs: number }[] = [];
	const ticker = setInterval(() => {
		const cpu = threadCpu();
		const at = performance.now();
		const spent = cpu - lastCpu;
		cpuMax = Math.max(cpuMax, spent);
		if (spent <= 40) {
			shortMax = Math.max(shortMax, spent);
		} else {
			long.push({ from: lastAt, to: at, cpuMs: spent });
		}
		lastCpu = cpu;
		lastAt = at;
	}, 5);
	const pauses: { start: number; duration: number }[] = [];
	const gc = new PerformanceObserver(list => {
		for (const entry of list.getEntries()) {
			pauses.push({ start: entry.startTime, duration: entry.duration });
		}
	});
	gc.observe({ entryTypes: ['gc'] });
	return {
		stop() {
			clearInterval(ticker);
			histogram.disable();
			for (const entry of gc.takeRecords()) {
				pauses.push({ start: entry.startTime, duration: entry.duration });
			}
			gc.disconnect();
			const tail = threadCpu() - lastCpu;
			cpuMax = Math.max(cpuMax, tail);
			shortMax = Math.max(shortMax, tail);
			const blocks = long.map(block => {
				const gcMs = pauses.filter(pause => pause.start + pause.duration > block.from && pause.start < block.to)
					.reduce((sum, pause) => sum + Math.min(pause.start + pause.duration, block.to) - Math.max(pause.start, block.from), 0);
				return { at: performance.timeOrigin + block.to, cpuMs: Math.round(block.cpuMs), gcMs: Math.round(gcMs) };
			}).sort((a, b) => b.cpuMs - a.cpuMs);
			// Blocks under 40 ms are not split into GC and the rest: they count whole.
			const withoutGc = Math.max(shortMax, ...blocks.map(block => block.cpuMs - block.gcMs));
			return {
				wallMs: histogram.max / 1e6,
				cpuMs: cpuMax,
				cpuWithoutGcMs: withoutGc,
				gcMs: Math.max(0, ...pauses.map(pause => pause.duration)),
				gcCount: pauses.length,
				gcTotalMs: pauses.reduce((sum, pause) => sum + pause.duration, 0),
				longest: blocks.slice(0, 5),
			};
		},
	};
}
