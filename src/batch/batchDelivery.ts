import * as vscode from 'vscode';
import type { BatchEntry, BatchRecord, EntryOutcome } from '../core/batchApi/batchRecord';
import { readBatchFiles, type BatchFile, type BatchFilesSummary, type LineOutcome } from '../core/batchApi/batchDeliveryLines';
import { runBounded } from '../core/generation/concurrency';
import { storePacer } from '../core/batchApi/storePacing';
import { documentKindFor } from '../core/links/documentKinds';
import { findPlaceholder, findPlaceholders } from '../core/workspaceFill/placeholderIdentity';
import { documentImagesOf } from '../core/documents/documentImages';
import type { DocumentKind } from '../core/links/documentKinds';
import type { StoredImage } from '../history/imageStore';
import type { ImageInserter } from '../workspace/imageInserter';
import { fileExists } from '../platform/fileErrors';
import { linkedFileOf } from '../workspace/linkedFiles';
import { yieldToEventLoop } from '../platform/eventLoop';
import type { BatchOutputJob } from '../providers/imageService';
import type { BatchApi } from './batchApiClient';

/** Where delivered images go first, and how they are read back: the history store. */
export interface BatchHistory {
	save(bytes: Uint8Array, recipe: import('../core/generation/imageRecipe').ImageRecipe, fallbackFormat: import('../core/models/capabilities').OutputFormat): Promise<StoredImage>;
	get(id: string): Promise<StoredImage | undefined>;
	read(image: StoredImage): Promise<Uint8Array>;
}

/**
 * Reads a batch's files in the image worker (`ImageService.readBatchOutput`), each request's
 * outcome to `onLine`; resolves undefined where there is no worker for it (the files are then read here).
 */
export type WorkerOutputReader = (job: BatchOutputJob, signal: AbortSignal, onLine: (outcome: LineOutcome<StoredImage>) => void) => Promise<BatchFilesSummary | undefined>;

export interface DeliveryContext {
	readonly api: BatchApi;
	readonly history: BatchHistory;
	readonly inserter: ImageInserter;
	readonly log: vscode.LogOutputChannel;
	/** Called after outcomes changed, so they are stored (a reload in the middle loses nothing). */
	readonly persist: () => Promise<void>;
	/** The image worker, where there is one: it reads and stores the files off this thread. */
	readonly readInWorker?: WorkerOutputReader;
	/** Aborted when the service goes away: reading stops, what was stored is recorded. */
	readonly signal?: AbortSignal;
}

/** The outcome of an image stored in the history and not yet applied. */
const PENDING = 'pending';

/** Outcomes are stored every this many lines while a file is read. */
const PERSIST_EVERY = 50;

/**
 * Reads a finished batch's output file line by line (never whole), stores every image in the
 * history first, then reads the error file for each failure's reason, then applies the stored
 * images to their documents. In the Node extension host the image worker reads and stores (the
 * main thread only records each request's outcome); elsewhere this thread does, with the same
 * rules (`readBatchFiles`). Lines with an outcome already (a delivery a reload or a stopped
 * worker interrupted) are not read twice: nothing is charged twice, nothing is inserted twice.
 */
export async function deliverBatch(record: BatchRecord, context: DeliveryContext): Promise<void> {
	let sinceSave = 0;
	const note = (outcome: EntryOutcome): Promise<void> | undefined => {
		record.outcomes[outcome.customId] = outcome;
		if (++sinceSave >= PERSIST_EVERY) {
			sinceSave = 0;
			return context.persist();
		}
		return undefined;
	};
	const take = (line: LineOutcome<StoredImage>): Promise<void> | undefined => {
		if (line.result === 'failed') {
			return note({ customId: line.customId, result: 'failed', reason: line.reason });
		}
		// Charged once it is stored: a delivery stopped halfway keeps the cost of what it stored.
		if (line.costUsd !== undefined) {
			record.costUsd = (record.costUsd ?? 0) + line.costUsd;
		}
		return note({ customId: line.customId, result: 'kept', reason: PENDING, imageId: line.image.id });
	};
	const files: BatchFile[] = [
		...(record.outputFileId ? [{ fileId: record.outputFileId, which: 'output' as const }] : []),
		...(record.errorFileId ? [{ fileId: record.errorFileId, which: 'error' as const }] : []),
	];
	const waiting = record.entries.filter(entry => !record.outcomes[entry.customId]);
	const done = Object.keys(record.outcomes);
	const signal = context.signal ?? new AbortController().signal;
	try {
		if (files.length > 0 && waiting.length > 0) {
			const job: BatchOutputJob = {
				batchId: record.id, files, options: record.options, done,
				entries: waiting.map(entry => ({ customId: entry.customId, prompt: entry.prompt, ...(entry.outputFormat ? { outputFormat: entry.outputFormat } : {}) })),
			};
			// The worker's outcomes arrive as messages: recorded at once, stored every 50 (the writes queue in order).
			const inWorker = await context.readInWorker?.(job, signal, line => void take(line));
			if (!inWorker) {
				const entries = new Map(waiting.map(entry => [entry.customId, entry]));
				await readBatchFiles<StoredImage>({
					batchId: record.id,
					files,
					rules: { options: record.options, entry: customId => entries.get(customId), taken: new Set(done) },
					content: fileId => context.api.content(fileId),
					store: image => context.history.save(image.bytes, image.recipe, image.fallbackFormat),
					outcome: async line => {
						await take(line);
					},
					warn: message => context.log.warn(message),
					signal,
				});
			}
		}
	} catch (error) {
		// What was stored before is recorded: the next delivery reads on from there.
		await context.persist();
		throw error;
	}
	record.costUsd ??= 0;
	await context.persist();
	await applyPending(record, context);
}

/**
 * Documents filled at once: each one's edit and save wait on the window (and the files on
 * the disk), not on this thread, so a few at a time overlap those waits.
 */
const DOCUMENTS_AT_ONCE = 4;

/** Applies every stored, not yet applied image to its document: each document in one edit, its placeholders found again by identity, a few documents at a time. */
export async function applyPending(record: BatchRecord, context: DeliveryContext): Promise<void> {
	const byDocument = new Map<string, BatchEntry[]>();
	for (const entry of record.entries) {
		const outcome = record.outcomes[entry.customId];
		if (outcome?.result === 'kept' && outcome.reason === PENDING) {
			const entries = byDocument.get(entry.document);
			if (entries) {
				entries.push(entry);
			} else {
				byDocument.set(entry.document, [entry]);
			}
		}
	}
	// Stored once a second at most while documents are filled, and at the end: a reload in the middle never inserts twice
	// (a filled placeholder is not found again), and finds the last second's images in their documents (`linkedCopyOf`).
	const pacer = storePacer();
	await runBounded([...byDocument].map(([documentUri, documentEntries]) => async () => {
		await applyToDocument(record, documentUri, documentEntries, context);
		if (pacer.due()) {
			await context.persist();
		}
		// The next document in a task of its own: one document's work never runs on into the next's.
		await yieldToEventLoop();
	}), DOCUMENTS_AT_ONCE);
	if (byDocument.size > 0) {
		await context.persist();
	}
}

async function applyToDocument(record: BatchRecord, documentUri: string, entries: readonly BatchEntry[], context: DeliveryContext): Promise<void> {
	const keep = (entry: BatchEntry, reason: string) => {
		record.outcomes[entry.customId] = { ...record.outcomes[entry.customId], customId: entry.customId, result: 'kept', reason };
	};
	let document: vscode.TextDocument;
	try {
		document = await vscode.workspace.openTextDocument(vscode.Uri.parse(documentUri, true));
	} catch {
		for (const entry of entries) {
			keep(entry, vscode.l10n.t('its document {0} is gone', documentUri));
		}
		context.log.warn(`Batch ${record.id}: a document of ${entries.length} placeholder(s) could not be opened; their images stay in the history.`);
		return;
	}
	const name = vscode.workspace.asRelativePath(document.uri);
	const wasDirty = document.isDirty;
	const kind = documentKindFor(document.languageId, document.uri.path);
	let inserted = 0;
	const ready: { entry: BatchEntry; image: StoredImage }[] = [];
	for (const entry of entries) {
		const imageId = record.outcomes[entry.customId]?.imageId;
		const image = imageId ? await context.history.get(imageId) : undefined;
		if (image) {
			ready.push({ entry, image });
		} else {
			record.outcomes[entry.customId] = { customId: entry.customId, result: 'failed', reason: vscode.l10n.t('its image left the history before it could be inserted') };
		}
	}
	// Every placeholder found again in the text as it is now, each for one identity; all inserted in one edit.
	const found = findPlaceholders(document.getText(), kind, ready.map(item => item.entry.identity));
	const placed: { entry: BatchEntry; image: StoredImage; target: { kind: 'image'; start: number; alt: string }; alt: string; preferredFile?: vscode.Uri }[] = [];
	for (const item of ready) {
		const placeholder = found.get(item.entry.identity);
		if (!placeholder) {
			const copy = await linkedCopyOf(document, kind, item.entry, item.image, context.history);
			if (copy) {
				record.outcomes[item.entry.customId] = { customId: item.entry.customId, result: 'applied', imageId: item.image.id, file: copy.toString() };
			} else {
				keep(item.entry, vscode.l10n.t('its placeholder "{0}" is no longer in {1}', item.entry.alt.slice(0, 80), name));
			}
			continue;
		}
		// A link to a missing file: its image goes at the link's path; a file put there meanwhile is never overwritten.
		const linked = item.entry.identity.target !== undefined ? linkedFileOf(document.uri, item.entry.identity.target) : undefined;
		if (linked && await fileExists(linked).catch(() => true)) {
			keep(item.entry, vscode.l10n.t('{0} exists now, so its link is no longer missing; the image is in Show Generated Images', vscode.workspace.asRelativePath(linked)));
			continue;
		}
		placed.push({ ...item, target: { kind: 'image', start: placeholder.start, alt: placeholder.alt }, alt: placeholder.alt, ...(linked ? { preferredFile: linked } : {}) });
	}
	try {
		const results = placed.length > 0 ? await context.inserter.insertAll(document, placed) : [];
		placed.forEach((item, index) => {
			record.outcomes[item.entry.customId] = { customId: item.entry.customId, result: 'applied', imageId: item.image.id, file: results[index]?.files[0]?.toString() };
		});
		inserted = placed.length;
	} catch (error) {
		// The one edit was refused (the text changed under it, a file could not be written): each on its own, so one cannot stop the others.
		context.log.warn(`Batch ${record.id}: inserting ${placed.length} image(s) into ${name} in one edit failed (${error instanceof Error ? error.message : String(error)}); one at a time instead.`);
		for (const item of placed) {
			const placeholder = findPlaceholder(document.getText(), kind, item.entry.identity);
			if (!placeholder) {
				keep(item.entry, vscode.l10n.t('its placeholder "{0}" is no longer in {1}', item.entry.alt.slice(0, 80), name));
				continue;
			}
			try {
				const result = await context.inserter.insert({ document, target: { kind: 'image', start: placeholder.start, alt: placeholder.alt }, images: [item.image], alt: placeholder.alt, ...(item.preferredFile ? { preferredFile: item.preferredFile } : {}) });
				record.outcomes[item.entry.customId] = { customId: item.entry.customId, result: 'applied', imageId: item.image.id, file: result.files[0]?.toString() };
				inserted++;
			} catch (single) {
				keep(item.entry, single instanceof Error ? single.message : String(single));
			}
		}
	}
	// A document that had no unsaved changes is saved with its new links, as the image files are.
	if (inserted > 0 && !wasDirty && document.isDirty) {
		await document.save();
	}
	context.log.info(`Batch ${record.id}: ${inserted} of ${entries.length} image(s) inserted into ${name}.`);
}

/**
 * A placeholder no longer in its document that was filled with this very image: the document
 * links, under the placeholder's alt text, a file with the image's bytes. That is what a window
 * gone in the middle of applying leaves (its record is stored once a second, not after each
 * document): the next window reports the image applied, not its placeholder gone. Asked only
 * for placeholders not found; files of another size are not read.
 */
async function linkedCopyOf(document: vscode.TextDocument, kind: DocumentKind, entry: BatchEntry, image: StoredImage, history: BatchHistory): Promise<vscode.Uri | undefined> {
	let bytes: Uint8Array | undefined;
	for (const candidate of documentImagesOf(document.getText(), kind)) {
		const file = candidate.alt === entry.alt && candidate.url ? linkedFileOf(document.uri, candidate.url) : undefined;
		try {
			if (!file || (await vscode.workspace.fs.stat(file)).size !== image.bytes) {
				continue;
			}
			bytes ??= await history.read(image);
			if (sameBytes(await vscode.workspace.fs.readFile(file), bytes)) {
				return file;
			}
		} catch {
			// A file gone or unreadable is not this image's copy.
		}
	}
	return undefined;
}

/** Byte for byte (no Buffer: the web extension host runs this too). */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
	if (a.length !== b.length) {
		return false;
	}
	for (let index = 0; index < a.length; index++) {
		if (a[index] !== b[index]) {
			return false;
		}
	}
	return true;
}
