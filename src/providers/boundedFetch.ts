/**
 * The most of an error response's body the SDK reads: it reads the whole body of a non-2xx
 * answer into memory to build its error, and an endpoint can send gigabytes there. The
 * API's error bodies are a few hundred bytes.
 */
export const MAX_ERROR_BODY_BYTES = 64 * 1024;

/** The first `limit` bytes of a stream; the rest is cancelled, not read. */
export function firstBytes(body: ReadableStream<Uint8Array>, limit: number): ReadableStream<Uint8Array> {
	const reader = body.getReader();
	let left = limit;
	return new ReadableStream<Uint8Array>({
		async pull(controller) {
			const { done, value } = await reader.read();
			if (done) {
				controller.close();
				return;
			}
			const kept = value.length <= left ? value : value.subarray(0, left);
			left -= kept.length;
			controller.enqueue(kept);
			if (left <= 0) {
				controller.close();
				await reader.cancel().catch(() => undefined);
			}
		},
		cancel(reason) {
			return reader.cancel(reason);
		},
	});
}

/**
 * `fetch` for the SDK with error bodies cut at `MAX_ERROR_BODY_BYTES`: a hostile endpoint's
 * endless 500 is read no further than that. Successful responses (the image stream) are
 * bounded by the stream reader instead.
 */
export function withBoundedErrorBodies(base: typeof fetch = (input, init) => globalThis.fetch(input, init)): typeof fetch {
	return async (input, init) => {
		const response = await base(input, init);
		if (response.ok || !response.body) {
			return response;
		}
		return new Response(firstBytes(response.body, MAX_ERROR_BODY_BYTES), { status: response.status, statusText: response.statusText, headers: response.headers });
	};
}
