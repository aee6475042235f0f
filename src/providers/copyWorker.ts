// A copy thread (dist/copyWorker.js, a worker_threads thread started by the image worker,
// src/providers/imageWorker.ts): makes the card-size copies (the Generate panel's previews and
// copies, the history's copies) so that the image worker, which reads every stream, never
// waits behind one. It talks only to the image worker, in the messages of
// src/core/generation/copyThreads.ts.
import { parentPort } from 'node:worker_threads';
import { copyTransferList, isPreview, makeCopy, type CopyMaker, type FromCopier, type ToCopier } from '../core/generation/copyThreads';
import { encodeJpeg } from '../core/images/jpegEncoder';
import { nodeCodec } from '../platform/compression';
import { readBounded } from './readBounded';

const port = parentPort;
if (!port) {
	throw new Error('copyWorker.js runs as a worker thread.');
}
const post = (message: FromCopier) => port.postMessage(message, copyTransferList(message));

const maker: CopyMaker = { codec: nodeCodec, encodeJpeg, read: readBounded };
/** The copies asked for and not yet made: an abandoned one is given up at its next piece. */
const abandoned = new Set<number>();
const making = new Set<number>();
/**
 * The previews being made (partials' drafts): every other copy waits where it yields until
 * none is left, so a preview never queues behind a final's or the history's copy on this thread.
 */
const previews = new Set<number>();
let previewsDone: { promise: Promise<void>; resolve: () => void } | undefined;
const afterPreviews = () => {
	if (previews.size === 0) {
		return undefined;
	}
	if (!previewsDone) {
		let resolve!: () => void;
		const promise = new Promise<void>(done => resolve = done);
		previewsDone = { promise, resolve };
	}
	return previewsDone.promise;
};

async function copy(message: Extract<ToCopier, { type: 'copy' }>): Promise<void> {
	const { id, job } = message;
	const preview = isPreview(job);
	making.add(id);
	if (preview) {
		previews.add(id);
	}
	try {
		post({ type: 'copied', id, result: await makeCopy(job, maker, () => abandoned.has(id), preview ? undefined : afterPreviews) });
	} catch (error) {
		post({ type: 'copyFailed', id, message: error instanceof Error ? error.message : String(error) });
	} finally {
		making.delete(id);
		abandoned.delete(id);
		if (previews.delete(id) && previews.size === 0) {
			previewsDone?.resolve();
			previewsDone = undefined;
		}
	}
}

port.on('message', (message: ToCopier) => {
	switch (message.type) {
		case 'copy':
			void copy(message);
			break;
		case 'abandon':
			if (making.has(message.id)) {
				abandoned.add(message.id);
			}
			break;
	}
});
