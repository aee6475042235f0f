/**
 * How often a batch's record is stored while its images are applied: once a second at most,
 * and once at the end. Each store serialises the whole record (VS Code's Memento copies the
 * value through JSON at every `update`, and sends the extension's whole state to the window):
 * with 1,000 entries about 0.4 MB each time, 98 of the 400 MB the extension host's main thread
 * allocated applying 1,000 results across 200 documents when it was stored after each one.
 */
export const APPLY_STORE_EVERY_MS = 1000;

/**
 * Says when the next store is due: the first time asked, then once `everyMs` passed since the
 * last one it allowed. A reload in between never inserts twice (a filled placeholder is not
 * found again), and the next window finds the last second's images linked in their documents.
 */
export function storePacer(everyMs = APPLY_STORE_EVERY_MS, now: () => number = Date.now): { due(): boolean } {
	let last: number | undefined;
	return {
		due: () => {
			const at = now();
			if (last !== undefined && at - last < everyMs) {
				return false;
			}
			last = at;
			return true;
		},
	};
}
