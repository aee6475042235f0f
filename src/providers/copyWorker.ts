// A copy thread (dist/copyWorker.js, a worker_threads thread started by the image worker,
// src/providers/imageWorker.ts): makes the card-size copies (the Generate panel's previews and
// copies, the history's copies) so that the image worker, which reads every stream, never
// waits behind one. It talks only to the image worker, in the messages of
// src/core/generation/copyThreads.ts.
import { parentPort } from 'node:worker_threads';
import { copyTransferList, makeCopy, type CopyMaker, type FromCopier, type ToCopier } from '../core/generation/copyThreads';
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

async function copy(message: Extract<ToCopier, { type: 'copy' }>): Promise<void> {
	const { id } = message;
	making.add(id);
	try {
		post({ type: 'copied', id, result: await makeCopy(message.job, maker, () => abandoned.has(id)) });
	} catch (error) {
		post({ type: 'copyFailed', id, message: error instanceof Error ? error.message : String(error) });
	} finally {
		making.delete(id);
		abandoned.delete(id);
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
