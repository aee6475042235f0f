import * as assert from 'node:assert/strict';
import type { ArrivedPixels } from '../../src/core/generation/batchRunner';
import { SlotPixels, type CopyRequest, type PixelsCopy } from '../../src/core/generation/slotPixels';

/** Whatever the test waits for: checked again at each copy asked for and each message sent. */
const listeners = new Set<() => void>();
const changed = () => listeners.forEach(listener => listener());
function until(condition: () => boolean): Promise<void> {
	return new Promise(resolve => {
		const check = () => {
			if (condition()) {
				listeners.delete(check);
				resolve();
			}
		};
		listeners.add(check);
		check();
	});
}

/** A copy the test finishes when it wants: which bytes were asked for, and a way to answer each. */
function controlledCopies() {
	const asked: { bytes: Uint8Array; how: CopyRequest; answer: (copy: Uint8Array | undefined) => void; fail: (error: Error) => void }[] = [];
	const copy = (bytes: Uint8Array, how: CopyRequest) => new Promise<Uint8Array | undefined>((resolve, reject) => {
		asked.push({ bytes, how, answer: resolve, fail: reject });
		changed();
	});
	// The copies are JPEGs (of PNGs): the pixels that go say so.
	return { asked, copy: async (bytes: Uint8Array, how: CopyRequest): Promise<PixelsCopy | undefined> => {
		const made = await copy(bytes, how);
		return made && { bytes: made, format: 'jpeg' };
	} };
}

/** Large images are marked by their first byte (1); small ones (0) need no copy. */
const large = (tag: number) => new Uint8Array([1, tag]);
const small = (tag: number) => new Uint8Array([0, tag]);
const copyOf = (bytes: Uint8Array) => new Uint8Array([2, bytes[1]]);

function pipeline(copy: (bytes: Uint8Array, how: CopyRequest) => Promise<PixelsCopy | undefined>) {
	const sent: string[] = [];
	const posted: ArrivedPixels[] = [];
	const warnings: string[] = [];
	const asked: string[] = [];
	const pixels = new SlotPixels({
		needsCopy: (bytes, partial) => {
			asked.push(`${bytes[1]}:${partial ? 'partial' : 'final'}`);
			return bytes[0] === 1;
		},
		copy,
		post: (slot, shown: ArrivedPixels) => {
			sent.push(`${slot}:${shown.partialIndex ?? 'final'}:${shown.bytes.join('.')}${shown.cardCopy ? ':copy' : ''}`);
			posted.push(shown);
			changed();
		},
		warn: message => void warnings.push(message),
	});
	return { sent, posted, warnings, asked, pixels };
}


suite('Slot pixels: card-size copies where images are decoded', () => {
	test('a partial of one slot goes out while another slot\'s final image is still being copied', async () => {
		const { asked, copy } = controlledCopies();
		const { sent, pixels } = pipeline(copy);
		pixels.offer(0, { bytes: large(10), format: 'png' });
		pixels.offer(1, { bytes: large(20), format: 'png', partialIndex: 0 });
		// Both copies start at once.
		await until(() => asked.length === 2);
		asked[1].answer(copyOf(asked[1].bytes));
		await until(() => sent.length === 1);
		assert.deepEqual(sent, ['1:0:2.20:copy'], 'the partial did not wait for the final');
		asked[0].answer(copyOf(asked[0].bytes));
		await pixels.drained();
		assert.deepEqual(sent, ['1:0:2.20:copy', '0:final:2.10:copy']);
	});

	test('a slot\'s messages keep their order: its stored image waits for its final pixels, small images need no copy', async () => {
		const { asked, copy } = controlledCopies();
		const { sent, pixels } = pipeline(copy);
		pixels.offer(0, { bytes: small(1), format: 'png', partialIndex: 0 });
		await until(() => sent.length === 1);
		pixels.offer(0, { bytes: large(2), format: 'png' });
		pixels.after(0, () => void sent.push('0:image'));
		await until(() => asked.length === 1);
		assert.deepEqual(sent, ['0:0:0.1'], 'the image waits behind the final copy');
		asked[0].answer(copyOf(asked[0].bytes));
		await pixels.drained();
		assert.deepEqual(sent, ['0:0:0.1', '0:final:2.2:copy', '0:image']);
	});

	test('a partial overtaken by a newer one before its copy was made is dropped, never copied', async () => {
		const { asked, copy } = controlledCopies();
		const { sent, pixels } = pipeline(copy);
		// Two slots' partials take both places; slot 2's first partial waits for one.
		pixels.offer(0, { bytes: large(1), format: 'png', partialIndex: 0 });
		pixels.offer(1, { bytes: large(2), format: 'png', partialIndex: 0 });
		pixels.offer(2, { bytes: large(3), format: 'png', partialIndex: 0 });
		pixels.offer(2, { bytes: large(4), format: 'png', partialIndex: 1 });
		await until(() => asked.length === 2);
		asked[0].answer(copyOf(asked[0].bytes));
		asked[1].answer(copyOf(asked[1].bytes));
		await until(() => asked.length === 3);
		assert.deepEqual(asked.map(call => call.bytes[1]), [1, 2, 4], 'the stale partial of slot 2 is not copied');
		asked[2].answer(copyOf(asked[2].bytes));
		await pixels.drained();
		assert.deepEqual(sent, ['0:0:2.1:copy', '1:0:2.2:copy', '2:1:2.4:copy']);
	});

	test('a partial\'s copy is a draft that is given up once a newer partial or the final image overtakes it, and nothing of it is sent', async () => {
		const { asked, copy } = controlledCopies();
		const { sent, pixels } = pipeline(copy);
		pixels.offer(0, { bytes: large(1), format: 'png', partialIndex: 0 });
		pixels.offer(1, { bytes: large(2), format: 'png', partialIndex: 0 });
		await until(() => asked.length === 2);
		assert.deepEqual(asked.map(call => [call.how.draft, call.how.abandoned()]), [[true, false], [true, false]], 'partials: drafts, wanted');
		// Slot 0's partial is overtaken by a newer one, slot 1's by its final image, while their copies are being made.
		pixels.offer(0, { bytes: large(3), format: 'png', partialIndex: 1 });
		pixels.offer(1, { bytes: large(4), format: 'png' });
		assert.deepEqual(asked.slice(0, 2).map(call => call.how.abandoned()), [true, true], 'the copies in the making are told to stop');
		assert.deepEqual(asked.slice(0, 2).map(call => call.how.signal.aborted), [true, true], 'their signals abort at once (a copy thread is told)');
		// The copier gives up (undefined): the stale partials are dropped, not sent whole.
		asked[0].answer(undefined);
		asked[1].answer(undefined);
		await until(() => asked.length === 4);
		const final = asked.find(call => call.bytes[1] === 4)!;
		assert.equal(final.how.draft, false, 'a final image\'s copy is no draft');
		assert.equal(final.how.abandoned(), false);
		assert.equal(final.how.signal.aborted, false);
		assert.equal(asked.find(call => call.bytes[1] === 3)!.how.signal.aborted, false, 'the newer partial\'s copy is wanted');
		for (const call of asked.slice(2)) {
			call.answer(copyOf(call.bytes));
		}
		await pixels.drained();
		assert.deepEqual(sent.sort(), ['0:1:2.3:copy', '1:final:2.4:copy']);
	});

	test('whether an image needs a copy is asked knowing a partial from a final (a preview\'s copy is smaller); the copy goes in its own format', async () => {
		const { asked, copy } = controlledCopies();
		const { posted, asked: needs, pixels } = pipeline(copy);
		pixels.offer(0, { bytes: large(1), format: 'png', partialIndex: 0 });
		pixels.offer(0, { bytes: small(2), format: 'png' });
		await until(() => asked.length === 1);
		asked[0].answer(copyOf(asked[0].bytes));
		await pixels.drained();
		assert.deepEqual(needs, ['1:partial', '2:final']);
		assert.deepEqual(posted.map(shown => [shown.partialIndex ?? 'final', shown.format, shown.cardCopy ?? false]), [[0, 'jpeg', true], ['final', 'png', false]], 'the copy a JPEG, the image that needed none as it came');
	});

	test('a copy that fails is logged and the full image goes instead; one the decoder does not take goes as it is', async () => {
		const { asked, copy } = controlledCopies();
		const { sent, warnings, pixels } = pipeline(copy);
		pixels.offer(0, { bytes: large(1), format: 'png' });
		pixels.offer(1, { bytes: large(2), format: 'png' });
		await until(() => asked.length === 2);
		asked[0].fail(new Error('out of memory'));
		asked[1].answer(undefined);
		await pixels.drained();
		assert.deepEqual(sent.sort(), ['0:final:1.1', '1:final:1.2']);
		assert.equal(warnings.length, 1);
		assert.match(warnings[0], /card-size copy of variant 1's image failed.*out of memory/);
	});
});
