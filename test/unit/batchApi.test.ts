import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { batchTakesFormat, buildBatchInput, BatchInputError, type BatchImageOptions } from '../../src/core/batchApi/batchInput';
import { jsonlLines, readBatchLine, type OverlongLine } from '../../src/core/batchApi/batchOutput';
import { batchImage } from '../../src/core/batchApi/batchImage';
import { nextPollDelay, FIRST_POLL_MS, MAX_ERROR_POLL_MS, MAX_POLL_MS } from '../../src/core/batchApi/batchPolling';
import { entriesToRetry, parseBatchRecord, parseBatchRecords, recordsToKeep, type BatchRecord } from '../../src/core/batchApi/batchRecord';
import { lineFailureReason } from '../../src/core/batchApi/batchReport';
import { batchPrice, costComparison } from '../../src/core/cost/batchCost';
import { costFromSvgUsage, costFromUsage } from '../../src/core/cost/cost';
import { workspacePlaceholders } from '../../src/core/workspaceFill/placeholderIdentity';

const OPTIONS: BatchImageOptions = { model: 'gpt-image-1.5', size: '1024x1024', quality: 'low', outputFormat: 'png' };
const decoder = new TextDecoder();

function placeholders(count: number, document = 'file:///site/a.md') {
	const text = Array.from({ length: count }, (_, index) => `Paragraph ${index}.\n\n![picture ${index}]()\n`).join('\n');
	return workspacePlaceholders(document, text, 'markdown');
}

function linesOf(bytes: Uint8Array): Array<Record<string, any>> {
	return decoder.decode(bytes).split('\n').filter(Boolean).map(line => JSON.parse(line) as Record<string, any>);
}

async function* chunked(parts: Iterable<Uint8Array>, size: number): AsyncGenerator<Uint8Array> {
	for (const part of parts) {
		for (let at = 0; at < part.length; at += size) {
			yield part.subarray(at, at + size);
		}
	}
}

async function collect(source: AsyncIterable<Uint8Array | OverlongLine>): Promise<Array<string | OverlongLine>> {
	const out: Array<string | OverlongLine> = [];
	for await (const line of source) {
		out.push(line instanceof Uint8Array ? decoder.decode(line) : line);
	}
	return out;
}

function record(overrides: Partial<BatchRecord> = {}): BatchRecord {
	const plan = buildBatchInput(placeholders(3), OPTIONS);
	return { id: 'batch_abc', endpoint: plan.endpoint, createdAt: '2026-12-03T12:00:00.000Z', options: OPTIONS, entries: plan.files[0].entries, status: 'in_progress', counts: { total: 3, completed: 0, failed: 0 }, outcomes: {}, delivered: false, ...overrides };
}

suite('Batch API: the input file', () => {
	test('one generation request per placeholder, its custom_id from the identity, the style in the prompt', () => {
		const items = placeholders(3);
		const plan = buildBatchInput(items, OPTIONS);
		assert.equal(plan.endpoint, '/v1/images/generations');
		assert.equal(plan.files.length, 1);
		const lines = linesOf(plan.files[0].bytes);
		assert.deepEqual(lines.map(line => line.body.prompt), ['picture 0', 'picture 1', 'picture 2']);
		assert.deepEqual(lines[0], { custom_id: plan.files[0].entries[0].customId, method: 'POST', url: '/v1/images/generations', body: { model: 'gpt-image-1.5', prompt: 'picture 0', n: 1, size: '1024x1024', quality: 'low', output_format: 'png' } });
		assert.equal(new Set(lines.map(line => line.custom_id)).size, 3);
		assert.deepEqual(plan.files[0].entries.map(entry => entry.identity), items.map(item => item.identity));
	});

	test('a reference image makes JSON edits with the uploaded file id', () => {
		const plan = buildBatchInput(placeholders(2), OPTIONS, 'file-ref123');
		assert.equal(plan.endpoint, '/v1/images/edits');
		const [line] = linesOf(plan.files[0].bytes);
		assert.equal(line.url, '/v1/images/edits');
		assert.deepEqual(line.body.images, [{ file_id: 'file-ref123' }]);
		assert.match(line.body.prompt, /^picture 0\n\n/);
		assert.equal(line.body.stream, undefined);
	});

	test('a link to diagram.svg or loop.gif is requested in its format, whole (stream false), by a model that makes it; the record keeps it through storage', () => {
		const text = 'Intro.\n\n![a flow](diagram.svg)\n\n![a loop](loop.gif)\n\n![a fox]()\n';
		const items = workspacePlaceholders('file:///site/a.md', text, 'markdown', undefined, new Set(['diagram.svg', 'loop.gif']));
		const options: BatchImageOptions = { model: 'gpt-image-2', size: '1024x1024', quality: 'low', outputFormat: 'png' };
		const plan = buildBatchInput(items, options);
		const lines = linesOf(plan.files[0].bytes);
		assert.deepEqual(lines.map(line => [line.body.output_format, line.body.stream]), [['svg', false], ['gif', false], ['png', undefined]]);
		assert.ok(lines.slice(0, 2).every(line => /^gpt-image-2\.6-/.test(line.body.model)), 'gpt-image-2 makes no SVG or GIF: a 2.6 model does');
		assert.equal(lines[2].body.model, 'gpt-image-2');
		assert.deepEqual(plan.files[0].entries.map(entry => [entry.outputFormat, entry.identity.target]), [['svg', 'diagram.svg'], ['gif', 'loop.gif'], [undefined, undefined]]);
		const stored = { id: 'batch_svg', endpoint: plan.endpoint, createdAt: '2026-12-03T12:00:00.000Z', options, entries: plan.files[0].entries, status: 'in_progress', counts: { total: 3, completed: 0, failed: 0 }, outcomes: {}, delivered: false };
		assert.deepEqual(parseBatchRecord(JSON.parse(JSON.stringify(stored))), stored);
		assert.equal(parseBatchRecord({ ...stored, entries: [{ ...plan.files[0].entries[0], outputFormat: 'bmp' }] }), undefined);
		// The JSON form of an edit has no SVG or GIF: a batch with a reference image refuses them.
		assert.equal(batchTakesFormat('svg', true), false);
		assert.equal(batchTakesFormat('svg', false), true);
		assert.throws(() => buildBatchInput(items, options, 'file-ref123'), BatchInputError);
	});

	test('equal identities still get distinct custom_ids', () => {
		const [item] = placeholders(1);
		const plan = buildBatchInput([item, item], OPTIONS);
		const ids = plan.files[0].entries.map(entry => entry.customId);
		assert.equal(new Set(ids).size, 2);
	});

	test('over the request or byte limit the placeholders are split into several batches; one request over the limit is refused', () => {
		const items = placeholders(7);
		const byCount = buildBatchInput(items, OPTIONS, undefined, { maxRequests: 3 });
		assert.deepEqual(byCount.files.map(file => file.entries.length), [3, 3, 1]);
		const oneLine = buildBatchInput(items.slice(0, 1), OPTIONS).files[0].bytes.length;
		const byBytes = buildBatchInput(items, OPTIONS, undefined, { maxBytes: oneLine * 2 + 5 });
		assert.ok(byBytes.files.length >= 3);
		assert.ok(byBytes.files.every(file => file.bytes.length <= oneLine * 2 + 5));
		assert.equal(byBytes.files.flatMap(file => file.entries).length, 7);
		assert.throws(() => buildBatchInput(items, OPTIONS, undefined, { maxBytes: 20 }), BatchInputError);
	});
});

suite('Batch API: reading the output file as a stream', () => {
	test('lines across chunk boundaries, CRLF and blank lines; an overlong line is skipped, not held', async () => {
		const parts = [new TextEncoder().encode('{"a":1}\r\n\n{"b":2}\n' + 'x'.repeat(100) + '\n{"c":3}')];
		assert.deepEqual(await collect(jsonlLines(chunked(parts, 3), 50)), ['{"a":1}', '{"b":2}', { overlong: 100 }, '{"c":3}']);
	});

	test('a big output file (100 lines of 3 MB of base64, 300 MB) is read line by line, never ahead of the line it gives, each image exact', async function () {
		this.timeout(60_000);
		const distinct = Array.from({ length: 4 }, (_, index) => randomBytes(2_250_000 + index));
		const images = Array.from({ length: 100 }, (_, index) => distinct[index % 4]);
		const line = (index: number) => new TextEncoder().encode(JSON.stringify({ id: `batch_req_${index}`, custom_id: `ph-${index}`, response: { status_code: 200, request_id: 'req_1', body: { created: 1, data: [{ b64_json: images[index].toString('base64') }], size: '1024x1024', quality: 'low', usage: { input_tokens: 10, output_tokens: 272, input_tokens_details: { text_tokens: 10, image_tokens: 0 } } } }, error: null }) + '\n');
		// The file is made as it is read: `produced` is how many of its lines the reader has asked for.
		let produced = 0;
		function* file() {
			for (let index = 0; index < images.length; index++) {
				produced = index + 1;
				yield line(index);
			}
		}
		let count = 0;
		let mostAhead = 0;
		for await (const bytes of jsonlLines(chunked(file(), 64 * 1024))) {
			assert.ok(bytes instanceof Uint8Array);
			// A reader that held the file whole would have asked for all 100 lines before giving the first.
			mostAhead = Math.max(mostAhead, produced - (count + 1));
			const parsed = readBatchLine(bytes);
			assert.equal(parsed.kind, 'image');
			if (parsed.kind === 'image') {
				assert.equal(parsed.customId, `ph-${count}`);
				assert.ok(Buffer.from(parsed.b64, 'base64').equals(images[count]), `image ${count} exact`);
				assert.equal(parsed.costUsd, costFromUsage({ input_tokens: 10, output_tokens: 272, input_tokens_details: { text_tokens: 10, image_tokens: 0 } }));
			}
			count++;
		}
		assert.equal(count, 100);
		// Each line is given before the next one is read past its first chunk: at most one line ahead.
		assert.ok(mostAhead <= 1, `the reader was ${mostAhead} lines ahead of the line it gave`);
	});

	test('an SVG line is priced with its author\'s tokens (svg_usage) besides the image\'s usage', () => {
		const usage = { input_tokens: 10, output_tokens: 272, input_tokens_details: { text_tokens: 10, image_tokens: 0 } };
		const svgUsage = { input_tokens: 800, output_tokens: 3000, reasoning_tokens: 1024, total_tokens: 3800, model: 'gpt-5.6-terra' };
		const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="1024" height="1024"/>').toString('base64');
		const line = (body: Record<string, unknown>) => readBatchLine(new TextEncoder().encode(JSON.stringify({ id: 'r', custom_id: 'ph-svg', response: { status_code: 200, body: { created: 1, data: [{ b64_json: svg }], output_format: 'svg', ...body } }, error: null })));
		const both = line({ usage, svg_usage: svgUsage });
		assert.equal(both.kind, 'image');
		const author = costFromSvgUsage(svgUsage)!;
		assert.ok(author > 0);
		assert.ok(both.kind === 'image' && Math.abs(both.costUsd! - (costFromUsage(usage)! + author)) < 1e-12, String(both.kind === 'image' && both.costUsd));
		const onlyAuthor = line({ svg_usage: svgUsage });
		assert.ok(onlyAuthor.kind === 'image' && Math.abs(onlyAuthor.costUsd! - author) < 1e-12);
		const unknownAuthor = line({ usage, svg_usage: { ...svgUsage, model: 'someone-else' } });
		assert.ok(unknownAuthor.kind === 'image' && unknownAuthor.costUsd === costFromUsage(usage));
	});

	test('error lines give the API\'s reason or the batch\'s, actionable; malformed lines are told apart', () => {
		const encode = (value: unknown) => new TextEncoder().encode(JSON.stringify(value));
		const blocked = readBatchLine(encode({ id: 'r', custom_id: 'ph-1', response: { status_code: 400, request_id: 'x', body: { error: { message: 'Your request was rejected as a result of our safety system.', type: 'image_generation_user_error', param: null, code: 'moderation_blocked' } } }, error: null }));
		assert.equal(blocked.kind, 'failure');
		assert.match(lineFailureReason(blocked.kind === 'failure' ? blocked.failure : { kind: 'other', message: '' }, 'gpt-image-1.5'), /safety system rejected this prompt/);
		const expired = readBatchLine(encode({ id: 'r', custom_id: 'ph-2', response: null, error: { code: 'batch_expired', message: 'expired' } }));
		assert.equal(expired.kind === 'failure' && lineFailureReason(expired.failure, 'gpt-image-1.5'), 'not made within the 24 hours of the batch: Retry Failed sends it again');
		const quota = readBatchLine(encode({ custom_id: 'ph-3', response: { status_code: 429, body: { error: { message: 'quota', type: 'insufficient_quota', code: 'insufficient_quota' } } } }));
		assert.match(quota.kind === 'failure' ? lineFailureReason(quota.failure, 'm') : '', /no credit left/);
		assert.equal(readBatchLine(new TextEncoder().encode('{nope')).kind, 'malformed');
		assert.deepEqual(readBatchLine(encode({ custom_id: 'ph-4', response: { status_code: 200, body: { data: [] } } })), { kind: 'malformed', customId: 'ph-4', detail: 'a success without b64_json' });
		// An escaped base64 value (allowed JSON) is read through the whole-line parse.
		const escaped = new TextEncoder().encode('{"custom_id":"ph-5","response":{"status_code":200,"body":{"data":[{"b64_json":"iVBO\\/w=="}]}}}');
		assert.deepEqual(readBatchLine(escaped), { kind: 'image', customId: 'ph-5', b64: 'iVBO/w==' });
	});
});

suite('Batch API: the images of output lines', () => {
	test('an SVG is sanitised as a synchronous reply\'s is, a GIF taken by its bytes, anything else refused', () => {
		const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="64" height="32"><script>alert(1)</script><rect width="10" height="10"/></svg>').toString('base64');
		const safe = batchImage(svg);
		assert.equal(safe?.info.format, 'svg');
		assert.deepEqual([safe?.info.width, safe?.info.height], [64, 32]);
		assert.doesNotMatch(decoder.decode(safe!.bytes), /script/);
		// A 1×1 GIF89a.
		assert.equal(batchImage('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7')?.info.format, 'gif');
		assert.equal(batchImage(Buffer.from('not an image').toString('base64')), undefined);
		assert.equal(batchImage(Buffer.from('<html><body>hi</body></html>').toString('base64')), undefined);
	});
});

suite('Batch API: cost, records, polling', () => {
	test('the batch price is half the synchronous one', () => {
		assert.equal(batchPrice(0.2), 0.1);
		assert.deepEqual(costComparison(0.04, 10), { now: 0.4, batch: 0.2 });
		assert.deepEqual(costComparison(undefined, 10), {});
	});

	test('a record survives storage; a hostile one is refused, field by field', () => {
		const good = record({ outcomes: {} });
		const stored = JSON.parse(JSON.stringify(good)) as Record<string, any>;
		const firstId = good.entries[0].customId;
		stored.outcomes = { [firstId]: { customId: firstId, result: 'applied', imageId: 'img-1', file: 'file:///site/images/a.png' }, 'not-ours': { customId: 'not-ours', result: 'applied' } };
		const parsed = parseBatchRecord(stored);
		assert.ok(parsed);
		assert.deepEqual(Object.keys(parsed.outcomes), [firstId]);
		assert.deepEqual(parsed.entries, good.entries);
		for (const broken of [
			{ ...stored, id: '../../etc' },
			{ ...stored, status: 'done' },
			{ ...stored, endpoint: '/v1/chat/completions' },
			{ ...stored, entries: [] },
			{ ...stored, entries: [stored.entries[0], stored.entries[0]] },
			{ ...stored, entries: [{ ...stored.entries[0], identity: { ...stored.entries[0].identity, document: 'file:///elsewhere.md' } }] },
			{ ...stored, options: { ...stored.options, outputFormat: 'bmp' } },
			'batch_abc', null,
		]) {
			assert.equal(parseBatchRecord(broken), undefined, JSON.stringify(broken).slice(0, 120));
		}
		const bad = { ...stored, counts: { total: -5, completed: 'x' }, costUsd: Number.NaN, outputFileId: 'file/../x' };
		const sanitized = parseBatchRecord(bad);
		assert.deepEqual(sanitized?.counts, { total: 0, completed: 0, failed: 0 });
		assert.equal(sanitized?.costUsd, undefined);
		assert.equal(sanitized?.outputFileId, undefined);
		assert.deepEqual(parseBatchRecords([stored, stored, 7]).dropped, 2);
		assert.deepEqual(parseBatchRecords({}).records, []);
	});

	test('Retry Failed takes the failed entries and those an ended batch never delivered', () => {
		const base = record();
		const [a, b, c] = base.entries.map(entry => entry.customId);
		const outcomes = { [a]: { customId: a, result: 'applied' as const }, [b]: { customId: b, result: 'failed' as const, reason: 'x' } };
		assert.deepEqual(entriesToRetry({ ...base, outcomes }).map(entry => entry.customId), [b]);
		assert.deepEqual(entriesToRetry({ ...base, outcomes, delivered: true }).map(entry => entry.customId), [b, c]);
	});

	test('delivered batches are listed for two weeks; running ones however old they are', () => {
		const now = Date.parse('2026-12-20T12:00:00.000Z');
		const old = record({ id: 'batch_old', delivered: true, createdAt: '2026-12-01T12:00:00.000Z' });
		const recent = record({ id: 'batch_recent', delivered: true, createdAt: '2026-12-10T12:00:00.000Z' });
		const running = record({ id: 'batch_running', createdAt: '2026-11-01T12:00:00.000Z' });
		assert.deepEqual(recordsToKeep([old, recent, running], now).map(kept => kept.id), ['batch_recent', 'batch_running']);
	});

		test('polling backs off while nothing changes, stays quick when files are near, and doubles after failures', () => {
		assert.equal(nextPollDelay('validating', 0, 0), FIRST_POLL_MS);
		assert.ok(nextPollDelay('in_progress', 3, 0) > nextPollDelay('in_progress', 2, 0));
		assert.equal(nextPollDelay('in_progress', 50, 0), MAX_POLL_MS);
		assert.equal(nextPollDelay('finalizing', 50, 0), FIRST_POLL_MS);
		assert.equal(nextPollDelay('in_progress', 0, 2), FIRST_POLL_MS * 4);
		assert.equal(nextPollDelay('in_progress', 0, 40), MAX_ERROR_POLL_MS);
		assert.equal(nextPollDelay('in_progress', 1, 0, 100), 150);
	});
});
