/**
 * Resolves after the event loop has run the work queued before it (I/O, timers, messages):
 * long loops of parsing call it between items so the extension host keeps answering. A
 * message through a `MessageChannel` is a macrotask in the Node extension host and in the
 * browser's web worker one alike, and waits for nothing else (not a timer's minimum delay).
 */
export function yieldToEventLoop(): Promise<void> {
	return new Promise(resolve => {
		const channel = new MessageChannel();
		channel.port1.onmessage = () => {
			channel.port1.close();
			resolve();
		};
		channel.port2.postMessage(undefined);
	});
}
