import * as assert from 'node:assert/strict';
import { decideBatchLine, readBatchFiles, SAVES_AT_ONCE, type BatchFilesPass, type DeliveryEntry, type LineImage, type LineOutcome, type LineRules } from '../../src/core/batchApi/batchDeliveryLines';
import type { BatchRecordOptions } from '../../src/core/batchApi/batchRecord';
import { batchPrice } from '../../src/core/cost/batchCost';
import { costFromUsage } from '../../src/core/cost/cost';
import { CancelledError } from '../../src/core/errors';

const OPTIONS: BatchRecordOptions = { model: 'gpt-image-1.5', size: '1024x1024', quality: 'low', outputFormat: 'png' };
/** A real 1×1 PNG. */
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==';
const USAGE = { input_tokens: 10, output_tokens: 272, input_tokens_details: { text_tokens: 10, image_tokens: 0 } };
const encoder = new TextEncoder();

const imageLine = (customId: string, b64 = PNG, extra: Record<string, unknown> = {}) => ({ id: `r-${customId}`, custom_id: customId, response: { status_code: 200, request_id: 'req', body: { created: 1, data: [{ b64_json: b64 }], ...extra } }, error: null });
const failureLine = (customId: string) => ({ id: `r-${customId}`, custom_id: customId, response: { status_code: 400, request_id: 'req', body: { error: { message: 'Your request was rejected as a result of our safety system.', type: 'image_generation_user_error', param: null, code: 'moderation_blocked' } } }, error: null });
const bytesOf = (value: unknown) => encoder.encode(typeof value === 'string' ? value : JSON.stringify(value));

function rules(entries: readonly DeliveryEntry[], done: readonly string[] = []): LineRules {
	const byId = new Map(entries.map(entry => [entry.customId, entry]));
	return { options: OPTIONS, entry: customId => byId.get(customId), taken: new Set(done) };
}

const ENTRIES: DeliveryEntry[] = [
	{ customId: 'ph-1', prompt: 'a fox' },
	{ customId: 'ph-2', prompt: 'an owl' },
	{ customId: 'ph-3', prompt: 'a flow diagram', outputFormat: 'svg' },
];

suite('Batch delivery: what each line of the files comes to (decideBatchLine)', () => {
	test('an image: checked and decoded, its recipe from the request, the line\'s size, quality and usage at the batch price', () => {
		const decision = decideBatchLine(bytesOf(imageLine('ph-1', PNG, { size: '1024x1536', quality: 'medium', usage: USAGE })), rules(ENTRIES));
		assert.equal(decision.kind, 'image');
		const image = decision as LineImage;
		assert.equal(image.customId, 'ph-1');
		assert.deepEqual([...image.bytes.subarray(0, 4)], [0x89, 0x50, 0x4e, 0x47]);
		assert.equal(image.fallbackFormat, 'png');
		assert.equal(image.costUsd, batchPrice(costFromUsage(USAGE)));
		assert.deepEqual(image.recipe, { prompt: 'a fox', model: 'gpt-image-1.5', size: '1024x1536', quality: 'medium', operation: 'generate', costUsd: batchPrice(costFromUsage(USAGE)) });
	});

	test('an image without size, quality or usage: its size from its pixels, the batch\'s quality, no cost', () => {
		const image = decideBatchLine(bytesOf(imageLine('ph-2')), rules(ENTRIES)) as LineImage;
		assert.deepEqual(image.recipe, { prompt: 'an owl', model: 'gpt-image-1.5', size: '1x1', quality: 'low', operation: 'generate' });
		assert.equal(image.costUsd, undefined);
	});

	test('a request asked in a format of its own (an SVG): the model and format it was sent with; the SVG sanitised', () => {
		const svg = Buffer.from('<svg xmlns="http://www.w3.org/2000/svg" width="64" height="32"><script>alert(1)</script><rect width="10" height="10"/></svg>').toString('base64');
		const image = decideBatchLine(bytesOf(imageLine('ph-3', svg)), rules(ENTRIES)) as LineImage;
		assert.equal(image.kind, 'image');
		assert.equal(image.fallbackFormat, 'svg');
		assert.notEqual(image.recipe.model, 'gpt-image-1.5', 'the SVG model the request named');
		assert.doesNotMatch(new TextDecoder().decode(image.bytes), /script/);
	});

	test('failures: the API\'s reason, a success Illustrate cannot read, bytes that are no image', () => {
		assert.match((decideBatchLine(bytesOf(failureLine('ph-1')), rules(ENTRIES)) as { reason: string }).reason, /safety system rejected this prompt/);
		assert.deepEqual(decideBatchLine(bytesOf({ custom_id: 'ph-2', response: { status_code: 200, body: { data: [] } } }), rules(ENTRIES)),
			{ kind: 'failed', customId: 'ph-2', reason: 'the Batch API sent a result Illustrate cannot read (a success without b64_json)' });
		assert.deepEqual(decideBatchLine(bytesOf(imageLine('ph-1', Buffer.from('<html>hi</html>').toString('base64'))), rules(ENTRIES)),
			{ kind: 'failed', customId: 'ph-1', reason: 'the Batch API sent bytes that are not a PNG, JPEG, WebP, GIF or SVG image' });
	});

	test('strangers: not JSON, no custom_id, a custom_id the batch does not have; an overlong line is counted, not read', () => {
		for (const line of ['{nope', '{"response":{}}', JSON.stringify(imageLine('ph-99'))]) {
			assert.deepEqual(decideBatchLine(bytesOf(line), rules(ENTRIES)), { kind: 'stranger' }, line.slice(0, 30));
		}
		assert.deepEqual(decideBatchLine({ overlong: 123_456_789 }, rules(ENTRIES)), { kind: 'overlong', bytes: 123_456_789 });
	});

	test('a request with an outcome already is not taken again, nor one taken earlier in the pass (even when it failed)', () => {
		const pass = rules(ENTRIES.slice(1), ['ph-1']);
		assert.deepEqual(decideBatchLine(bytesOf(imageLine('ph-1')), pass), { kind: 'again', customId: 'ph-1' });
		assert.equal(decideBatchLine(bytesOf(failureLine('ph-2')), pass).kind, 'failed');
		assert.deepEqual(decideBatchLine(bytesOf(imageLine('ph-2')), pass), { kind: 'again', customId: 'ph-2' });
		assert.deepEqual([...pass.taken].sort(), ['ph-1', 'ph-2']);
	});
});

/** A promise and its resolution, for writes a test lets end one by one. */
function deferred<T>() {
	let resolve!: (value: T) => void;
	let reject!: (error: unknown) => void;
	const promise = new Promise<T>((yes, no) => {
		resolve = yes;
		reject = no;
	});
	return { promise, resolve, reject };
}

async function* streamOf(lines: readonly unknown[], chunk = 7): AsyncGenerator<Uint8Array> {
	const bytes = encoder.encode(lines.map(line => typeof line === 'string' ? line : JSON.stringify(line)).join('\n') + '\n');
	for (let at = 0; at < bytes.length; at += chunk) {
		yield bytes.slice(at, at + chunk);
	}
}

suite('Batch delivery: a pass over a batch\'s files (readBatchFiles)', () => {
	function pass(files: Record<string, readonly unknown[]>, overrides: Partial<BatchFilesPass<string>> = {}) {
		const outcomes: LineOutcome<string>[] = [];
		const warnings: string[] = [];
		const stored: string[] = [];
		const read: string[] = [];
		const entries = Array.from({ length: 12 }, (_, index) => ({ customId: `ph-${index}`, prompt: `picture ${index}` }));
		const config: BatchFilesPass<string> = {
			batchId: 'batch_1',
			files: Object.keys(files).map(fileId => ({ fileId, which: fileId.startsWith('err') ? 'error' as const : 'output' as const })),
			rules: rules(entries),
			content: async fileId => {
				read.push(fileId);
				return streamOf(files[fileId]);
			},
			store: async image => {
				stored.push(image.customId);
				return `stored-${image.customId}`;
			},
			outcome: outcome => {
				outcomes.push(outcome);
			},
			warn: message => warnings.push(message),
			...overrides,
		};
		return { config, outcomes, warnings, stored, read };
	}

	test('the output file, then the error file: every request once, its image stored before its outcome; strangers and overlong lines counted and logged', async () => {
		const { config, outcomes, warnings, stored, read } = pass({
			out: [imageLine('ph-0', PNG, { usage: USAGE }), 'not json', imageLine('ph-1'), imageLine('ph-0'), 'x'.repeat(3000), imageLine('ph-77')],
			err: [failureLine('ph-2'), failureLine('ph-1')],
		}, { maxLineBytes: 1000 });
		const summary = await readBatchFiles(config);
		assert.deepEqual(read, ['out', 'err']);
		assert.deepEqual(summary, { strangers: 2, overlong: 1 });
		assert.deepEqual(stored, ['ph-0', 'ph-1'], 'each image once: the second ph-0 is not stored again');
		assert.deepEqual(outcomes.map(outcome => [outcome.customId, outcome.result, outcome.result === 'kept' ? outcome.image : outcome.reason.slice(0, 20)]), [
			['ph-0', 'kept', 'stored-ph-0'], ['ph-1', 'kept', 'stored-ph-1'], ['ph-2', 'failed', 'OpenAI\'s safety syst'],
		]);
		assert.equal((outcomes[0] as { costUsd?: number }).costUsd, batchPrice(costFromUsage(USAGE)));
		assert.ok(warnings.some(line => /a line of its output file of 3000 bytes is longer than Illustrate reads/.test(line)), warnings.join('\n'));
		assert.ok(warnings.some(line => /batch_1: 2 line\(s\) of its files were not results of its requests/.test(line)), warnings.join('\n'));
	});

	test('requests with an outcome already are skipped: nothing stored or reported again', async () => {
		const { config, outcomes, stored } = pass({ out: [imageLine('ph-0'), imageLine('ph-1'), failureLine('ph-2')] });
		const summary = await readBatchFiles({ ...config, rules: { ...config.rules, taken: new Set(['ph-0', 'ph-2']) } });
		assert.deepEqual(stored, ['ph-1']);
		assert.deepEqual(outcomes.map(outcome => outcome.customId), ['ph-1']);
		assert.deepEqual(summary, { strangers: 0, overlong: 0 });
	});

	test(`at most ${SAVES_AT_ONCE} images are written at once while the file is read on; the pass ends after the last write`, async () => {
		const writes = new Map<string, ReturnType<typeof deferred<string>>>();
		let writing = 0;
		let most = 0;
		const lines = Array.from({ length: 10 }, (_, index) => imageLine(`ph-${index}`));
		const { config, outcomes } = pass({ out: lines }, {
			store: image => {
				writing++;
				most = Math.max(most, writing);
				const write = deferred<string>();
				writes.set(image.customId, write);
				return write.promise.finally(() => writing--);
			},
		});
		let ended = false;
		const running = readBatchFiles(config).then(summary => (ended = true, summary));
		for (let index = 0; index < 10; index++) {
			while (!writes.has(`ph-${index}`)) {
				await new Promise(resolve => setImmediate(resolve));
			}
			assert.ok(writing <= SAVES_AT_ONCE, `${writing} writes at once`);
			writes.get(`ph-${index}`)!.resolve(`stored-${index}`);
		}
		await running;
		assert.ok(ended);
		assert.equal(most, SAVES_AT_ONCE);
		assert.equal(outcomes.length, 10);
	});

	test('a failed write stops the pass with its error, after the writes under way ended and reported their outcomes', async () => {
		const writes: ReturnType<typeof deferred<string>>[] = [];
		const { config, outcomes } = pass({ out: Array.from({ length: 8 }, (_, index) => imageLine(`ph-${index}`)) }, {
			store: () => {
				const write = deferred<string>();
				writes.push(write);
				return write.promise;
			},
		});
		const running = readBatchFiles(config);
		while (writes.length < SAVES_AT_ONCE) {
			await new Promise(resolve => setImmediate(resolve));
		}
		writes[1].reject(new Error('disk full'));
		writes[0].resolve('stored-0');
		writes[2].resolve('stored-2');
		writes[3].resolve('stored-3');
		await assert.rejects(running, /disk full/);
		assert.deepEqual(outcomes.map(outcome => outcome.customId), ['ph-0', 'ph-2', 'ph-3']);
		assert.equal(writes.length, SAVES_AT_ONCE, 'nothing more was read and written after the failure');
	});

	test('an abort stops the pass with a CancelledError, after the write under way reported its outcome; the files are read no further', async () => {
		const controller = new AbortController();
		const write = deferred<string>();
		const gate = deferred<void>();
		let reads = 0;
		const opened: string[] = [];
		const { config, outcomes } = pass({}, {
			files: [{ fileId: 'out', which: 'output' }, { fileId: 'err', which: 'error' }],
			content: async fileId => {
				opened.push(fileId);
				async function* lines() {
					for (let index = 0; index < 5; index++) {
						reads++;
						yield encoder.encode(JSON.stringify(imageLine(`ph-${index}`)) + '\n');
						await gate.promise;
					}
				}
				return lines();
			},
			store: image => image.customId === 'ph-0' ? write.promise : Promise.resolve(`stored-${image.customId}`),
			signal: controller.signal,
		});
		let storing = false;
		const running = readBatchFiles({ ...config, store: image => (storing = true, config.store(image)) });
		while (!storing) {
			await new Promise(resolve => setImmediate(resolve));
		}
		controller.abort();
		gate.resolve();
		write.resolve('stored-0');
		await assert.rejects(running, error => error instanceof CancelledError);
		assert.deepEqual(outcomes.map(outcome => outcome.customId), ['ph-0']);
		assert.ok(reads <= 2, `${reads} lines read`);
		assert.deepEqual(opened, ['out']);
	});
});
