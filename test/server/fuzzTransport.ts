/** Fuzz cases that damage the HTTP around the stream: content types, error statuses, lying lengths and chunks, empty bodies. */
import { sleep, type FuzzContext, type FuzzOutcome } from './fuzzContext';
import { flushed } from './httpReplies';

/** A 200 with a content type that is not an event stream. */
async function contentType(context: FuzzContext, kind: string): Promise<FuzzOutcome> {
	const { request, pick, response, image, validEvents, layout } = context;
	const final = await image();
	const variant = pick(['json', 'html', 'text', 'octet', 'none', 'lookalike'] as const);
	const body = variant === 'json' ? JSON.stringify({ created: 1, data: [{ b64_json: final.toString('base64') }] })
		: variant === 'html' ? '<!doctype html><html><body><h1>Welcome to nginx!</h1></body></html>'
			: layout(await validEvents()).body.toString('utf8');
	const type = { json: 'application/json', html: 'text/html; charset=utf-8', text: 'text/plain', octet: 'application/octet-stream', none: undefined, lookalike: 'text/event-streamed' }[variant];
	response.removeHeader('content-type');
	response.writeHead(200, { ...request.headers, ...(type ? { 'content-type': type } : {}) });
	response.end(body);
	return { case: `${kind}/${variant}`, keep: [] };
}

/** An HTTP error with an odd body. */
async function httpError(context: FuzzContext, kind: string): Promise<FuzzOutcome> {
	const { request, pick, response, validEvents, layout } = context;
	const status = pick([400, 401, 403, 404, 409, 413, 418, 422, 429, 500, 502, 503, 520]);
	const variant = pick(['html', 'empty', 'cut_json', 'megabyte', 'api_json', 'error_null', 'sse'] as const);
	const body = variant === 'html' ? '<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center></body></html>'
		: variant === 'empty' ? ''
			: variant === 'cut_json' ? '{"error": {"message": "The server had an err'
				: variant === 'megabyte' ? 'x'.repeat(1024 * 1024)
					: variant === 'api_json' ? JSON.stringify({ error: { message: 'Something odd happened.', type: 'server_error', param: null, code: null } })
						: variant === 'error_null' ? '{"error": null}'
							: layout(await validEvents()).body.toString('utf8');
	const retryAfter = status === 429 ? { 'retry-after': pick(['-1', 'NaN', '1e9', '0', 'soon', '1']) } : {};
	response.writeHead(status, { ...request.headers, 'content-type': variant === 'sse' ? 'text/event-stream' : variant.includes('json') ? 'application/json' : 'text/html', ...retryAfter });
	response.end(body);
	return { case: `${kind}/${status}/${variant}`, keep: [] };
}

/** Lengths and chunk sizes that lie, written straight to the socket. */
async function framing(context: FuzzContext, kind: string): Promise<FuzzOutcome> {
	const { request, int, pick, validEvents, layout, keptBefore } = context;
	// Written straight to the socket: lengths and chunk sizes that lie.
	const { body, finals } = layout(await validEvents());
	const socket = request.request.socket;
	const variant = pick(['length_long', 'length_short', 'length_huge', 'bad_chunk', 'chunk_too_long', 'gzip_lie', 'both_lengths'] as const);
	const head = (headers: string) => `HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\nx-request-id: ${request.headers['x-request-id']}\r\n${headers}\r\n`;
	let keep: string[] = [];
	const writeSocket = (data: string | Buffer) => new Promise<void>(resolve => socket.write(data, () => resolve()));
	if (variant === 'length_long' || variant === 'length_huge') {
		await writeSocket(head(`content-length: ${variant === 'length_huge' ? '999999999999' : body.length + 1 + int(100_000)}\r\n`));
		await writeSocket(body);
		keep = keptBefore(finals, body.length);
		await sleep(60);
	} else if (variant === 'length_short') {
		const length = int(body.length);
		await writeSocket(head(`content-length: ${length}\r\n`));
		await writeSocket(body);
		keep = keptBefore(finals, length);
		await sleep(60);
	} else if (variant === 'bad_chunk' || variant === 'chunk_too_long') {
		const at = int(body.length);
		await writeSocket(head('transfer-encoding: chunked\r\n'));
		await writeSocket(`${at.toString(16)}\r\n`);
		await writeSocket(Buffer.concat([body.subarray(0, at), Buffer.from('\r\n')]));
		keep = keptBefore(finals, at);
		await sleep(60);
		await writeSocket(variant === 'bad_chunk' ? 'zz\r\nnot a chunk\r\n' : `10\r\n${'A'.repeat(200)}\r\n0\r\n\r\n`);
	} else if (variant === 'gzip_lie') {
		await writeSocket(head(`content-encoding: gzip\r\ncontent-length: ${body.length}\r\n`));
		await writeSocket(body);
	} else {
		await writeSocket(head(`content-length: ${body.length}\r\ntransfer-encoding: chunked\r\n`));
		await writeSocket(body);
	}
	socket.destroy();
	return { case: `${kind}/${variant}`, keep };
}

/** An empty stream: ended, destroyed, or `[DONE]` only. */
async function empty(context: FuzzContext, kind: string): Promise<FuzzOutcome> {
	const { pick, response, sseHeaders } = context;
	const variant = pick(['end', 'destroy', 'done_only'] as const);
	response.writeHead(200, sseHeaders);
	if (variant === 'destroy') {
		response.flushHeaders();
		await flushed(response);
		response.destroy();
	} else {
		response.end(variant === 'done_only' ? 'data: [DONE]\n\n' : undefined);
	}
	return { case: `${kind}/${variant}`, keep: [] };
}

/** The cases of this module by name. */
export const TRANSPORT_CASES: Readonly<Record<string, (context: FuzzContext, kind: string) => Promise<FuzzOutcome>>> = {
	content_type: contentType,
	http_error: httpError,
	framing: framing,
	empty: empty,
};
