import * as assert from 'node:assert/strict';
import { PixelQueue, type QueuedPixels } from '../../src/core/generation/pixelQueue';

const MB = 1024 * 1024;
const pixels = (variantId: string, megabytes: number, partialIndex?: number): QueuedPixels & { name: string } => ({
	variantId,
	bytes: { byteLength: megabytes * MB },
	...(partialIndex !== undefined ? { partialIndex } : {}),
	name: `${variantId}:${partialIndex ?? 'final'}`,
});

function queue(budgetMb: number) {
	const sent: ReturnType<typeof pixels>[] = [];
	const pixelQueue = new PixelQueue<ReturnType<typeof pixels>>(budgetMb * MB, item => sent.push(item));
	return { pixelQueue, sent, names: () => sent.map(item => item.name) };
}

suite('PixelQueue', () => {
	test('within the budget every image goes at once, in order', () => {
		const { pixelQueue, names } = queue(16);
		for (const variant of ['a', 'b', 'c', 'd']) {
			pixelQueue.offer(pixels(variant, 2, 0));
		}
		pixelQueue.offer(pixels('a', 2));
		assert.deepEqual(names(), ['a:0', 'b:0', 'c:0', 'd:0', 'a:final']);
		assert.equal(pixelQueue.held, 0);
	});

	test('over the budget a partial waits, a newer one replaces it, and it goes when the connection has room', () => {
		const { pixelQueue, sent, names } = queue(16);
		pixelQueue.offer(pixels('a', 17, 0));
		pixelQueue.offer(pixels('b', 17, 0));
		pixelQueue.offer(pixels('b', 17, 1));
		pixelQueue.offer(pixels('b', 17, 0));
		assert.deepEqual(names(), ['a:0'], 'one image larger than the budget still goes when nothing else is on its way');
		assert.equal(pixelQueue.held, 1);
		pixelQueue.delivered(sent[0]);
		assert.deepEqual(names(), ['a:0', 'b:1'], 'the newest partial of b, not the stale one');
		assert.equal(pixelQueue.held, 0);
	});

	test('a final image goes at once, even over the budget, and drops its variant\'s waiting and later partials', () => {
		const { pixelQueue, sent, names } = queue(16);
		pixelQueue.offer(pixels('a', 17, 0));
		pixelQueue.offer(pixels('b', 17, 0));
		pixelQueue.offer(pixels('b', 17));
		pixelQueue.offer(pixels('b', 17, 1));
		assert.deepEqual(names(), ['a:0', 'b:final']);
		pixelQueue.delivered(sent[0]);
		pixelQueue.delivered(sent[1]);
		assert.deepEqual(names(), ['a:0', 'b:final'], 'b\'s partials never go after its final');
		assert.equal(pixelQueue.held, 0);
	});

	test('waiting partials go oldest variant first, as far as the budget allows', () => {
		const { pixelQueue, sent, names } = queue(10);
		pixelQueue.offer(pixels('a', 8, 0));
		pixelQueue.offer(pixels('b', 4, 0));
		pixelQueue.offer(pixels('c', 4, 0));
		pixelQueue.offer(pixels('d', 4, 0));
		assert.deepEqual(names(), ['a:0']);
		pixelQueue.delivered(sent[0]);
		assert.deepEqual(names(), ['a:0', 'b:0', 'c:0'], 'b and c fit in 10 MB, d waits');
		pixelQueue.delivered(sent[1]);
		assert.deepEqual(names(), ['a:0', 'b:0', 'c:0', 'd:0']);
	});
});
