import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { CopyThreads, copyTransferList, type CopyJob, type CopyPort, type CopyResult, type CopyThreadEvents, type FromCopier, type ToCopier } from '../../src/core/generation/copyThreads';
import { readImageInfo } from '../../src/core/images/imageInfo';
import { renderImage } from '../server/imageFactory';

/** The copy thread as the tests build it (out/src/providers/copyWorker.js). */
const COPY_SCRIPT = join(__dirname, '..', '..', 'src', 'providers', 'copyWorker.js');

/** Threads the test answers for: what each was sent, and its events to answer or stop it. */
function fakeThreads(options: { size: number; failStart?: boolean }) {
	const threads: { sent: { message: ToCopier; transfer: ArrayBuffer[] }[]; events: CopyThreadEvents }[] = [];
	const local: CopyJob[] = [];
	const warnings: string[] = [];
	const copies = new CopyThreads({
		size: options.size,
		start: events => {
			if (options.failStart) {
				throw new Error('no threads here');
			}
			const thread = { sent: [] as { message: ToCopier; transfer: ArrayBuffer[] }[], events };
			threads.push(thread);
			return { postMessage: (message: ToCopier, transfer: ArrayBuffer[]) => thread.sent.push({ message, transfer }) } satisfies CopyPort;
		},
		local: async job => {
			local.push(job);
			return { copy: { bytes: new Uint8Array([9]), format: 'jpeg', width: 1, height: 1 } };
		},
		warn: message => void warnings.push(message),
	});
	const copied = (id: number, tag: number): FromCopier => ({ type: 'copied', id, result: { copy: { bytes: new Uint8Array([tag]), format: 'jpeg', width: 1, height: 1 } } });
	return { threads, local, warnings, copies, copied };
}

const panel = (tag: number): CopyJob => ({ kind: 'panel', bytes: new Uint8Array([tag, tag, tag]), draft: false });
const idOf = (sent: { message: ToCopier }) => sent.message.id;

suite('Copy threads: card-size copies off the image worker\'s thread', () => {
	test('each copy goes to a thread and its answer to its own promise, in whatever order they come; the caller\'s kept bytes stay its own', async () => {
		const { threads, local, copies, copied } = fakeThreads({ size: 1 });
		const first = panel(1);
		const a = copies.copy(first, { keep: true });
		const b = copies.copy(panel(2), { keep: true });
		assert.equal(threads.length, 1, 'one thread at most');
		const [sentA, sentB] = threads[0].sent;
		assert.equal(sentA.message.type, 'copy');
		const job = (sentA.message as Extract<ToCopier, { type: 'copy' }>).job as Extract<CopyJob, { kind: 'panel' }>;
		assert.notEqual(job.bytes.buffer, (first as Extract<CopyJob, { kind: 'panel' }>).bytes.buffer, 'the thread gets a copy of bytes the caller keeps');
		assert.deepEqual([...job.bytes], [1, 1, 1]);
		assert.deepEqual(sentA.transfer, [job.bytes.buffer], 'and that copy is moved, not cloned again');
		threads[0].events.message(copied(idOf(sentB), 20));
		threads[0].events.message(copied(idOf(sentA), 10));
		assert.deepEqual([...(await a).copy!.bytes], [10]);
		const second = await b;
		assert.deepEqual([...second.copy!.bytes], [20]);
		assert.equal(second.onThread, true);
		assert.deepEqual(local, [], 'nothing made in the image worker');
	});

	test('bytes the caller does not keep are moved to the thread as they are', async () => {
		const { threads, copies, copied } = fakeThreads({ size: 1 });
		const job: CopyJob = { kind: 'card', bytes: new Uint8Array([5, 6]), maxSide: 1024 };
		const made = copies.copy(job, { keep: false });
		assert.deepEqual(threads[0].sent[0].transfer, [(job as Extract<CopyJob, { kind: 'card' }>).bytes.buffer]);
		threads[0].events.message(copied(idOf(threads[0].sent[0]), 1));
		assert.equal((await made).onThread, true);
	});

	test('a second thread starts only when the first is busy, up to the pool\'s size; then the least busy one gets the copy', async () => {
		const { threads, copies, copied } = fakeThreads({ size: 2 });
		const a = copies.copy(panel(1), { keep: true });
		threads[0].events.message(copied(idOf(threads[0].sent[0]), 1));
		await a;
		void copies.copy(panel(2), { keep: true });
		assert.equal(threads.length, 1, 'an idle thread takes the next copy');
		void copies.copy(panel(3), { keep: true });
		assert.equal(threads.length, 2, 'a busy one: a second thread');
		void copies.copy(panel(4), { keep: true });
		void copies.copy(panel(5), { keep: true });
		assert.equal(threads.length, 2, 'never more than the size');
		// The first thread had the first copy (answered) and two of the four since; the second the other two.
		assert.deepEqual(threads.map(thread => thread.sent.length), [3, 2], 'shared out');
		assert.equal(copies.running, 2);
	});

	test('warm starts a thread ahead of the first copy, once; that thread then takes the copy', async () => {
		const { threads, copies, copied } = fakeThreads({ size: 1 });
		copies.warm();
		copies.warm();
		assert.equal(threads.length, 1);
		assert.equal(threads[0].sent.length, 0, 'nothing to copy yet');
		const made = copies.copy(panel(1), { keep: true });
		assert.equal(threads.length, 1);
		threads[0].events.message(copied(idOf(threads[0].sent[0]), 1));
		assert.equal((await made).onThread, true);
	});

	test('a copy no longer wanted: the thread is told to give it up; one aborted before it is asked for is not made at all', async () => {
		const { threads, local, copies } = fakeThreads({ size: 1 });
		const abort = new AbortController();
		const made = copies.copy(panel(1), { keep: true, signal: abort.signal });
		abort.abort();
		assert.deepEqual(threads[0].sent.map(({ message }) => message.type), ['copy', 'abandon']);
		assert.equal(idOf(threads[0].sent[1]), idOf(threads[0].sent[0]));
		threads[0].events.message({ type: 'copied', id: idOf(threads[0].sent[0]), result: {} });
		assert.equal((await made).copy, undefined);
		const aborted = await copies.copy(panel(2), { keep: true, signal: abort.signal });
		assert.equal(aborted.copy, undefined);
		assert.equal(threads[0].sent.length, 2, 'nothing more sent');
		assert.deepEqual(local, []);
	});

	test('a thread that stops: the copies it held that the caller kept are made in the image worker, the moved ones fail, every later copy is made there, and the log says so', async () => {
		const { threads, local, warnings, copies } = fakeThreads({ size: 1 });
		const kept = copies.copy(panel(1), { keep: true });
		const moved = copies.copy({ kind: 'card', bytes: new Uint8Array([2]), maxSide: 1024 }, { keep: false });
		const history = copies.copy({ kind: 'history', path: '/tmp/a.png', maxBytes: 100 }, { keep: false });
		threads[0].events.stopped(new Error('exit code 1'));
		const keptOutcome = await kept;
		assert.deepEqual([[...keptOutcome.copy!.bytes], keptOutcome.onThread], [[9], false], 'made again here: a final is never lost');
		await assert.rejects(moved, /The copy thread stopped before it made the copy: exit code 1/);
		assert.equal((await history).onThread, false, 'a file is read again here');
		const later = await copies.copy(panel(3), { keep: true });
		assert.equal(later.onThread, false);
		assert.equal(threads.length, 1, 'no thread started again past the size');
		assert.deepEqual(local.map(job => job.kind), ['panel', 'history', 'panel']);
		assert.ok(warnings.some(line => /A copy thread stopped \(exit code 1\); its copies and the ones after are made in the image worker\./.test(line)), warnings.join('\n'));
		// A late answer of the stopped thread changes nothing.
		threads[0].events.message({ type: 'copyFailed', id: idOf(threads[0].sent[0]), message: 'late' });
	});

	test('no thread can start: every copy is made in the image worker, with one warning', async () => {
		const { local, warnings, copies } = fakeThreads({ size: 1, failStart: true });
		assert.equal((await copies.copy(panel(1), { keep: true })).onThread, false);
		assert.equal((await copies.copy(panel(2), { keep: true })).onThread, false);
		assert.equal(local.length, 2);
		assert.equal(warnings.length, 1);
		assert.match(warnings[0], /A copy thread could not be started, so card-size copies are made in the image worker: no threads here/);
	});

	test('a failure the thread reports rejects that copy only', async () => {
		const { threads, copies, copied } = fakeThreads({ size: 1 });
		const failing = copies.copy(panel(1), { keep: true });
		const fine = copies.copy(panel(2), { keep: true });
		threads[0].events.message({ type: 'copyFailed', id: idOf(threads[0].sent[0]), message: 'damaged' });
		threads[0].events.message(copied(idOf(threads[0].sent[1]), 2));
		await assert.rejects(failing, /damaged/);
		assert.equal((await fine).onThread, true);
	});

	test('the copy messages move their bytes and only those', () => {
		const bytes = new Uint8Array(4);
		assert.deepEqual(copyTransferList({ type: 'copy', id: 1, job: { kind: 'panel', bytes, draft: true } }), [bytes.buffer]);
		assert.deepEqual(copyTransferList({ type: 'copy', id: 1, job: { kind: 'history', path: '/a.png', maxBytes: 1 } }), []);
		assert.deepEqual(copyTransferList({ type: 'copied', id: 1, result: { copy: { bytes, format: 'png', width: 1, height: 1 } } }), [bytes.buffer]);
		assert.deepEqual(copyTransferList({ type: 'abandon', id: 1 }), []);
		assert.throws(() => copyTransferList({ type: 'copy', id: 1, job: { kind: 'card', bytes: new Uint8Array(8).subarray(2), maxSide: 1 } }), /must own their buffer/);
	});
});

suite('The copy thread (out/src/providers/copyWorker.js), started for real', function () {
	this.timeout(30_000);
	const threads: Worker[] = [];
	const pool = () => new CopyThreads({
		size: 1,
		start: events => {
			const thread = new Worker(COPY_SCRIPT);
			threads.push(thread);
			thread.on('message', (message: FromCopier) => events.message(message));
			thread.on('error', error => events.stopped(error));
			thread.on('exit', code => events.stopped(new Error(`exit code ${code}`)));
			return thread;
		},
		local: async (): Promise<CopyResult> => assert.fail('the copy thread runs: nothing is made here'),
		warn: message => assert.fail(message),
	});

	suiteTeardown(async () => {
		await Promise.all(threads.map(thread => thread.terminate()));
	});

	test('a final\'s panel copy and a partial\'s draft are made on the thread: a 744 px JPEG and a 372 px preview', async () => {
		const copies = pool();
		const png = await renderImage({ width: 2560, height: 1440, format: 'png', seed: 'thread', grain: 8 });
		const [final, draft] = await Promise.all([
			copies.copy({ kind: 'panel', bytes: png, draft: false }, { keep: true }),
			copies.copy({ kind: 'panel', bytes: png, draft: true }, { keep: true }),
		]);
		assert.equal(final.onThread, true);
		assert.deepEqual(readImageInfo(final.copy!.bytes), { format: 'jpeg', width: 744, height: 419 });
		assert.deepEqual(readImageInfo(draft.copy!.bytes), { format: 'jpeg', width: 372, height: 209 });
		assert.equal(readImageInfo(png)?.width, 2560, 'the caller\'s bytes are whole');
		copies.dispose();
	});

	test('a copy abandoned while the thread makes it comes back empty', async () => {
		const copies = pool();
		const png = await renderImage({ width: 3840, height: 2160, format: 'png', seed: 'abandon', grain: 8 });
		const abort = new AbortController();
		const made = copies.copy({ kind: 'panel', bytes: png, draft: true }, { keep: true, signal: abort.signal });
		abort.abort();
		assert.equal((await made).copy, undefined);
		copies.dispose();
	});
});
