import * as l10n from '@vscode/l10n';
import { CancelledError } from '../errors';
import { batchPrice } from '../cost/batchCost';
import type { ImageRecipe } from '../generation/imageRecipe';
import type { OutputFormat } from '../models/capabilities';
import { batchImage } from './batchImage';
import { entryOptions } from './batchInput';
import { jsonlLines, readBatchLine, type OverlongLine } from './batchOutput';
import type { BatchRecordOptions } from './batchRecord';
import { lineFailureReason } from './batchReport';

/**
 * What becomes of each line of a finished batch's output and error files, and the pass that
 * reads them: one implementation for the image worker (src/providers/imageWorker.ts), which
 * reads and stores them off the extension host's main thread, and for the main thread where
 * there is no worker (the web, a proxy, a history folder that is not local).
 */

/** What a line needs of its request: the prompt it was sent with, and the format it was asked in (the batch's otherwise). */
export interface DeliveryEntry {
	readonly customId: string;
	readonly prompt: string;
	readonly outputFormat?: OutputFormat;
}

/** What a pass reads lines against. */
export interface LineRules {
	readonly options: BatchRecordOptions;
	/** The batch's request of a `custom_id` still to take; undefined for one the batch does not have (those in `taken` need none). */
	readonly entry: (customId: string) => DeliveryEntry | undefined;
	/**
	 * The `custom_id`s not to take again: those with an outcome already (a delivery a reload or a
	 * stopped worker interrupted) and, as the pass goes, each one it took (a `custom_id` twice in
	 * the files is taken once). `decideBatchLine` adds to it.
	 */
	readonly taken: Set<string>;
}

/** An image a line brought: checked, to be stored in the history. */
export interface LineImage {
	readonly kind: 'image';
	readonly customId: string;
	readonly bytes: Uint8Array;
	readonly recipe: ImageRecipe;
	readonly fallbackFormat: OutputFormat;
	/** The batch price of the line's usage, when it says. */
	readonly costUsd?: number;
}

/** What one line of the files comes to. */
export type LineDecision =
	/** Longer than a line is read: skipped unread. */
	| { readonly kind: 'overlong'; readonly bytes: number }
	/** Not a result of the batch's requests: not JSON, no `custom_id`, or one the batch does not have. */
	| { readonly kind: 'stranger' }
	/** A request with an outcome already, or taken earlier in this pass: nothing stored or charged twice. */
	| { readonly kind: 'again'; readonly customId: string }
	| { readonly kind: 'failed'; readonly customId: string; readonly reason: string }
	| LineImage;

/** One line's decision, trusting nothing in it; an image is decoded and checked (an SVG sanitised) here. */
export function decideBatchLine(line: Uint8Array | OverlongLine, rules: LineRules): LineDecision {
	if (!(line instanceof Uint8Array)) {
		return { kind: 'overlong', bytes: line.overlong };
	}
	const read = readBatchLine(line);
	if (read.customId !== undefined && rules.taken.has(read.customId)) {
		return { kind: 'again', customId: read.customId };
	}
	const entry = read.customId !== undefined ? rules.entry(read.customId) : undefined;
	if (!entry) {
		return { kind: 'stranger' };
	}
	rules.taken.add(entry.customId);
	if (read.kind === 'failure') {
		return { kind: 'failed', customId: entry.customId, reason: lineFailureReason(read.failure, rules.options.model) };
	}
	if (read.kind === 'malformed') {
		return { kind: 'failed', customId: entry.customId, reason: l10n.t('the Batch API sent a result Illustrate cannot read ({0})', read.detail) };
	}
	const checked = batchImage(read.b64);
	if (!checked) {
		return { kind: 'failed', customId: entry.customId, reason: l10n.t('the Batch API sent bytes that are not a PNG, JPEG, WebP, GIF or SVG image') };
	}
	const options = entryOptions(rules.options, entry.outputFormat);
	const price = read.costUsd !== undefined ? batchPrice(read.costUsd) : undefined;
	const recipe: ImageRecipe = {
		prompt: entry.prompt, model: options.model, size: read.size ?? `${checked.info.width}x${checked.info.height}`, quality: read.quality ?? rules.options.quality,
		operation: 'generate', ...(price !== undefined ? { costUsd: price } : {}),
	};
	return { kind: 'image', customId: entry.customId, bytes: checked.bytes, recipe, fallbackFormat: options.outputFormat, ...(price !== undefined ? { costUsd: price } : {}) };
}

/** What a pass reports per request it took: a failure with its reason, or its image stored in the history. */
export type LineOutcome<Stored> =
	| { readonly customId: string; readonly result: 'failed'; readonly reason: string }
	| { readonly customId: string; readonly result: 'kept'; readonly image: Stored; readonly costUsd?: number };

/** One file of a finished batch. */
export interface BatchFile {
	readonly fileId: string;
	readonly which: 'output' | 'error';
}

/** A pass over a batch's files. */
export interface BatchFilesPass<Stored> {
	readonly batchId: string;
	readonly files: readonly BatchFile[];
	readonly rules: LineRules;
	/** A file's content as a stream of chunks (never whole). */
	readonly content: (fileId: string) => Promise<AsyncIterable<Uint8Array>>;
	/** Writes an image into the history. */
	readonly store: (image: LineImage) => Promise<Stored>;
	/** Each request's outcome, in the order they are known; the pass waits for it. */
	readonly outcome: (outcome: LineOutcome<Stored>) => Promise<void> | void;
	readonly warn: (message: string) => void;
	/** Aborted: the pass stops after the images being written are written (and reported); it rejects with a `CancelledError`. */
	readonly signal?: AbortSignal;
	/** The longest line read (MAX_OUTPUT_LINE_BYTES unless a test says). */
	readonly maxLineBytes?: number;
}

/** What a pass skipped: lines that were not results of the batch's requests, and lines too long to read. */
export interface BatchFilesSummary {
	readonly strangers: number;
	readonly overlong: number;
}

/** Images written into the history at once while the file is read on: each holds one image's bytes until it is on disk. */
export const SAVES_AT_ONCE = 4;

/**
 * Reads a finished batch's files line by line (never whole), each line decided by
 * `decideBatchLine`, each image written into the history while the next lines are read (at most
 * `SAVES_AT_ONCE` at a time). A failed write stops the pass with its error, as an abort does with
 * a `CancelledError`: either way after the writes under way ended and their outcomes were reported,
 * so what was stored is never stored again by the next pass (whose `taken` holds it).
 */
export async function readBatchFiles<Stored>(pass: BatchFilesPass<Stored>): Promise<BatchFilesSummary> {
	let strangers = 0;
	let overlong = 0;
	const saving = new Set<Promise<void>>();
	let saveFailed: { error: unknown } | undefined;
	const store = (image: LineImage) => {
		const saved: Promise<void> = pass.store(image)
			.then(stored => pass.outcome({ customId: image.customId, result: 'kept', image: stored, ...(image.costUsd !== undefined ? { costUsd: image.costUsd } : {}) }))
			.catch(error => {
				saveFailed ??= { error };
			})
			.finally(() => saving.delete(saved));
		saving.add(saved);
	};
	/** Waits for the writes under way (all, or until there is room for one more); a failed one stops the pass. */
	const settle = async (room: number) => {
		while (saving.size > room) {
			await Promise.race(saving);
		}
		if (saveFailed) {
			throw saveFailed.error;
		}
	};
	const stopIfAborted = () => {
		if (pass.signal?.aborted) {
			throw new CancelledError();
		}
	};
	try {
		for (const { fileId, which } of pass.files) {
			stopIfAborted();
			for await (const line of jsonlLines(await pass.content(fileId), pass.maxLineBytes)) {
				stopIfAborted();
				const decision = decideBatchLine(line, pass.rules);
				switch (decision.kind) {
					case 'overlong':
						overlong++;
						pass.warn(`Batch ${pass.batchId}: a line of its ${which} file of ${decision.bytes} bytes is longer than Illustrate reads; skipped.`);
						break;
					case 'stranger':
						strangers++;
						break;
					case 'again':
						break;
					case 'failed':
						await pass.outcome({ customId: decision.customId, result: 'failed', reason: decision.reason });
						break;
					case 'image':
						// Written while the next lines are read: the disk's wait and the reading overlap.
						await settle(SAVES_AT_ONCE - 1);
						store(decision);
						break;
				}
			}
			await settle(0);
		}
	} finally {
		// Whatever stopped the pass, the writes under way end (and report) before it does.
		while (saving.size > 0) {
			await Promise.race(saving);
		}
	}
	if (saveFailed) {
		throw saveFailed.error;
	}
	if (strangers > 0) {
		pass.warn(`Batch ${pass.batchId}: ${strangers} line(s) of its files were not results of its requests; skipped.`);
	}
	return { strangers, overlong };
}
