import { monitorEventLoopDelay } from 'node:perf_hooks';

export interface EventLoopBlocks {
	/** The longest the event loop was late, wall clock (`monitorEventLoopDelay`'s max): includes time the process was not scheduled at all. */
	readonly wallMs: number;
	/** The most CPU time the main thread spent between two timer ticks: the longest block the process's own work caused, whatever the machine's load. */
	readonly cpuMs: number;
}

/**
 * Watches the event loop until `stop()`. Both figures are kept: on a loaded machine (CI, two
 * cores shared by several runs) the wall-clock one also counts the time the OS gave the
 * process no core, which no code of ours can prevent; the main thread's CPU time between
 * ticks counts only work that held the loop.
 */
export function watchEventLoop(): { stop(): EventLoopBlocks } {
	const histogram = monitorEventLoopDelay({ resolution: 10 });
	histogram.enable();
	const threadCpu = (): number => {
		const usage = (process as unknown as { threadCpuUsage?: () => NodeJS.CpuUsage }).threadCpuUsage?.() ?? process.cpuUsage();
		return (usage.user + usage.system) / 1000;
	};
	let last = threadCpu();
	let cpuMax = 0;
	const ticker = setInterval(() => {
		const now = threadCpu();
		cpuMax = Math.max(cpuMax, now - last);
		last = now;
	}, 5);
	return {
		stop() {
			clearInterval(ticker);
			histogram.disable();
			const now = threadCpu();
			return { wallMs: histogram.max / 1e6, cpuMs: Math.max(cpuMax, now - last) };
		},
	};
}
