/** The time a batch runs by: the system's, or a test's. */
export interface BatchClock {
	now(): number;
	/** Resolves after `ms`, or at once when `signal` aborts. */
	sleep(ms: number, signal: AbortSignal): Promise<void>;
	setTimer(callback: () => void, ms: number): unknown;
	clearTimer(timer: unknown): void;
}

/** The system's clock. */
export const systemClock: BatchClock = {
	now: () => Date.now(),
	sleep: (ms, signal) => new Promise(resolve => {
		const timer = setTimeout(resolve, ms);
		signal.addEventListener('abort', () => {
			clearTimeout(timer);
			resolve();
		}, { once: true });
	}),
	setTimer: (callback, ms) => setTimeout(callback, ms),
	clearTimer: timer => clearTimeout(timer as ReturnType<typeof setTimeout>),
};

/** No bytes of a response for this long (half of illustrate.requestTimeoutSeconds, at least 5 s) and it is given up. */
export function idleTimeoutMs(requestTimeoutMs: number): number {
	return Math.max(5_000, Math.round(requestTimeoutMs / 2));
}

/**
 * The clocks of one request: a deadline for the whole of it, headers and body, and an idle
 * limit between the body's chunks (the SDK's own timeout stops when the headers arrive, so
 * a stream that never ends would otherwise be read forever). Either aborts `signal`.
 */
export class RequestClock {
	private readonly controller = new AbortController();
	readonly signal: AbortSignal;
	/** Which clock ran out, if one did. */
	expired: 'deadline' | 'idle' | undefined;
	private readonly deadline: unknown;
	private idle: unknown;

	constructor(outer: AbortSignal, deadlineMs: number, private readonly idleMs: number, private readonly clock: BatchClock) {
		this.signal = AbortSignal.any([outer, this.controller.signal]);
		this.deadline = clock.setTimer(() => this.expire('deadline'), deadlineMs);
	}

	/** Bytes arrived: the idle clock starts again. */
	readonly touch = (): void => {
		if (this.idle !== undefined) {
			this.clock.clearTimer(this.idle);
		}
		this.idle = this.clock.setTimer(() => this.expire('idle'), this.idleMs);
	};

	private expire(which: 'deadline' | 'idle'): void {
		this.expired ??= which;
		this.controller.abort();
	}

	dispose(): void {
		this.clock.clearTimer(this.deadline);
		if (this.idle !== undefined) {
			this.clock.clearTimer(this.idle);
		}
	}
}
