import * as assert from 'node:assert/strict';
import { EventTooLargeError, sseEvents, StreamReadError, type ServerSentEvent } from '../../src/core/generation/sseEvents';

function body(chunks: readonly (string | Uint8Array)[]): ReadableStream<Uint8Array> {
	const encoder = new TextEncoder();
	return new ReadableStream({
		start(controller) {
			for (const chunk of chunks) {
				controller.enqueue(typeof chunk === 'string' ? encoder.encode(chunk) : chunk);
			}
			controller.close();
		},
	});
}

async function collect(source: ReadableStream<Uint8Array> | AsyncGenerator<ServerSentEvent>): Promise<ServerSentEvent[]> {
	const events: ServerSentEvent[] = [];
	for await (const event of source instanceof ReadableStream ? sseEvents(source) : source) {
		events.push(event);
	}
	return events;
}

/** Every way to cut `text` in two, and byte by byte: the events must not depend on the chunks. */
async function assertEventsOf(text: string, expected: ServerSentEvent[]): Promise<void> {
	const bytes = new TextEncoder().encode(text);
	assert.deepEqual(await collect(body([bytes])), expected, 'in one chunk');
	assert.deepEqual(await collect(body(Array.from(bytes, byte => Uint8Array.of(byte)))), expected, 'byte by byte');
	for (let cut = 1; cut < bytes.length; cut++) {
		assert.deepEqual(await collect(body([bytes.slice(0, cut), bytes.slice(cut)])), expected, `cut at ${cut}`);
	}
}

/** Events read with `rawData`, their data as text again, each noted as bytes or text. */
async function collectRaw(stream: ReadableStream<Uint8Array>): Promise<{ event: string | null; data: string; bytes: boolean }[]> {
	const events: { event: string | null; data: string; bytes: boolean }[] = [];
	for await (const event of sseEvents(stream, { rawData: true })) {
		events.push({ event: event.event, data: typeof event.data === 'string' ? event.data : new TextDecoder().decode(event.data), bytes: typeof event.data !== 'string' });
	}
	return events;
}

suite('sseEvents', () => {
	test('rawData: an event of one data line keeps it as bytes, whatever the chunks; other data is text, the same events', async () => {
		const text = 'event: image_generation.partial_image\ndata: {"a":1}\n\ndata:one\r\ndata: two\r\n\n: comment\ndata:ünï ✓\rid: 3\n\ndata\n\n';
		const expected = [
			{ event: 'image_generation.partial_image', data: '{"a":1}', bytes: true },
			{ event: null, data: 'one\ntwo', bytes: false },
			{ event: null, data: 'ünï ✓', bytes: true },
			{ event: null, data: '', bytes: false },
		];
		const bytes = new TextEncoder().encode(text);
		assert.deepEqual(await collectRaw(body([bytes])), expected, 'in one chunk');
		assert.deepEqual(await collectRaw(body(Array.from(bytes, byte => Uint8Array.of(byte)))), expected, 'byte by byte');
		for (let cut = 1; cut < bytes.length; cut++) {
			assert.deepEqual(await collectRaw(body([bytes.slice(0, cut), bytes.slice(cut)])), expected, `cut at ${cut}`);
		}
		assert.deepEqual((await collect(body([bytes]))).map(({ event, data }) => ({ event, data })), expected.map(({ event, data }) => ({ event, data })), 'as text, the same events');
	});

	test('rawData: bytes handed out stay as they were while later chunks arrive, for small and large events', async () => {
		const large = 'x'.repeat(200_000);
		// The comment fills the reader's buffer, so the next chunk is written over where "first" was.
		const chunks = ['data: first\n\n', `:${'c'.repeat(60_000)}\n`, `data: third\n\n:${'p'.repeat(6_000)}\n`, 'data: ', large, '\n\ndata: last\n\n'];
		const seen: Uint8Array[] = [];
		for await (const event of sseEvents(body(chunks), { rawData: true })) {
			seen.push(event.data as Uint8Array);
		}
		assert.deepEqual(seen.map(data => new TextDecoder().decode(data)), ['first', 'third', large, 'last']);
	});

	test('events with names, multi-line data, comments and the three line endings', async () => {
		const expected = [
			{ event: 'image_generation.partial_image', data: '{"a":1}' },
			{ event: null, data: 'one\ntwo' },
			{ event: 'x', data: 'ünïcödé ✓' },
			{ event: null, data: '' },
		];
		await assertEventsOf('event: image_generation.partial_image\ndata: {"a":1}\n\n: a comment\ndata:one\ndata: two\n\nevent:x\ndata: ünïcödé ✓\n\ndata\n\n', expected);
		await assertEventsOf('event: image_generation.partial_image\r\ndata: {"a":1}\r\n\r\n: a comment\r\ndata:one\r\ndata: two\r\n\r\nevent:x\r\ndata: ünïcödé ✓\r\n\r\ndata\r\n\r\n', expected);
		await assertEventsOf('event: image_generation.partial_image\rdata: {"a":1}\r\r: a comment\rdata:one\rdata: two\r\revent:x\rdata: ünïcödé ✓\r\rdata\r\r', expected);
	});

	test('an event without data is not dispatched; one the stream ends inside is dropped', async () => {
		await assertEventsOf('event: ping\n\ndata: kept\n\nevent: cut\ndata: short', [{ event: null, data: 'kept' }]);
		await assertEventsOf('id: 7\nretry: 100\nunknown: field\ndata: x\n\n', [{ event: null, data: 'x' }]);
	});

	test('a 24 MB data line in 64 KB chunks arrives whole', async () => {
		const payload = 'A'.repeat(24 * 1024 * 1024);
		const text = new TextEncoder().encode(`event: image_generation.completed\ndata: {"b64_json":"${payload}"}\n\nevent: next\ndata: 2\n\n`);
		const chunks: Uint8Array[] = [];
		for (let at = 0; at < text.length; at += 65_536) {
			chunks.push(text.slice(at, at + 65_536));
		}
		const events = await collect(body(chunks));
		assert.equal(events.length, 2);
		assert.equal(events[0].event, 'image_generation.completed');
		assert.equal((JSON.parse(events[0].data) as { b64_json: string }).b64_json.length, payload.length);
		assert.deepEqual(events[1], { event: 'next', data: '2' });
	});

	test('stopping early cancels the rest of the body', async () => {
		let cancelled = false;
		const stream = new ReadableStream<Uint8Array>({
			pull(controller) {
				controller.enqueue(new TextEncoder().encode('data: 1\n\n'));
			},
			cancel() {
				cancelled = true;
			},
		});
		for await (const event of sseEvents(stream)) {
			assert.equal(event.data, '1');
			break;
		}
		assert.equal(cancelled, true);
	});

	test('a line that never ends stops at the event limit, the body cancelled, its bytes never held; read as text or with its base64 split as it streams, in an image or not', async () => {
		const starts = ['event: image_generation.partial_image\ndata: {"b64_json":"', 'data: {"type":"image_generation.completed","b64_json":"QU\\/', 'data: no image here '];
		for (const splitBase64 of [false, true]) {
			for (const start of starts) {
				let sent = 0;
				let cancelled = false;
				const endless = new ReadableStream<Uint8Array>({
					start(controller) {
						controller.enqueue(new TextEncoder().encode(start));
					},
					pull(controller) {
						sent += 65_536;
						controller.enqueue(new Uint8Array(65_536).fill(0x41));
					},
					cancel() {
						cancelled = true;
					},
				}, { highWaterMark: 0 });
				const reading = collect(sseEvents(endless, { maxEventBytes: 1024 * 1024, ...(splitBase64 ? { splitBase64: true } : {}) }));
				await assert.rejects(reading, (error: unknown) => error instanceof EventTooLargeError && error.limitBytes === 1024 * 1024, `${start} (split: ${splitBase64})`);
				assert.ok(sent <= 1024 * 1024 + 65_536, `${start}: read ${sent} bytes`);
				assert.equal(cancelled, true);
			}
		}
	});

	test('many data lines add up to the limit too; comments between events do not', async () => {
		const line = `data: ${'B'.repeat(1000)}\n`;
		const comments = `: ${'c'.repeat(1000)}\n`.repeat(300);
		const events = [];
		for await (const event of sseEvents(body([`${comments}data: ok\n\n`]), { maxEventBytes: 100_000 })) {
			events.push(event);
		}
		assert.deepEqual(events, [{ event: null, data: 'ok' }]);
		await assert.rejects(collect(sseEvents(body([line.repeat(300)]), { maxEventBytes: 100_000 })), EventTooLargeError);
	});

	test('every chunk is reported as it arrives, and a body that breaks is a StreamReadError', async () => {
		let chunks = 0;
		const events = [];
		for await (const event of sseEvents(body(['data: 1', '\n\n', 'data: 2\n\n']), { onChunk: () => chunks++ })) {
			events.push(event);
		}
		assert.equal(events.length, 2);
		assert.equal(chunks, 3);
		const broken = new ReadableStream<Uint8Array>({
			start(controller) {
				controller.enqueue(new TextEncoder().encode('data: 1\n\n'));
			},
			pull(controller) {
				controller.error(new TypeError('terminated'));
			},
		});
		await assert.rejects(collect(sseEvents(broken)), (error: unknown) => error instanceof StreamReadError && /terminated/.test(error.message));
	});
});
