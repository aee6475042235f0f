import * as l10n from '@vscode/l10n';
import type { ImageRequestOptions } from '../models/validation';
import { withReferenceInstruction } from '../generation/imageRequests';
import { customIdOf, type WorkspacePlaceholder } from '../workspaceFill/placeholderIdentity';
import type { BatchEntry } from './batchRecord';

/** The Batch API's limits on one input file (`CreateBatchRequest`): 50,000 requests, 200 MB. */
export const MAX_BATCH_REQUESTS = 50_000;
export const MAX_BATCH_FILE_BYTES = 200 * 1024 * 1024;

export type BatchEndpoint = '/v1/images/generations' | '/v1/images/edits';

/** What every request of a batch asks for (the prompt is each placeholder's). */
export type BatchImageOptions = Omit<ImageRequestOptions, 'prompt' | 'n'>;

/** One batch's input file: its JSONL bytes and the placeholders it maps `custom_id`s to. */
export interface BatchInputFile {
	readonly bytes: Uint8Array;
	readonly entries: readonly BatchEntry[];
}

export interface BatchInputPlan {
	readonly endpoint: BatchEndpoint;
	/** One file per batch: several when the placeholders pass a batch's limits. */
	readonly files: readonly BatchInputFile[];
}

/** A plan that cannot be a batch (a single request over the file limit). */
export class BatchInputError extends Error { }

/**
 * One request's body. A reference image (an uploaded file's id) makes it a JSON edit
 * (`EditImageBodyJsonParam`), asking to match the reference's look, as Fill Missing Images does.
 */
export function batchRequestBody(prompt: string, options: BatchImageOptions, referenceFileId?: string): Record<string, unknown> {
	const request = referenceFileId ? withReferenceInstruction({ ...options, prompt, n: 1 }) : { ...options, prompt, n: 1 };
	return {
		model: request.model,
		prompt: request.prompt,
		n: 1,
		size: request.size,
		quality: request.quality,
		output_format: request.outputFormat,
		...(request.outputCompression !== undefined ? { output_compression: request.outputCompression } : {}),
		...(request.background ? { background: request.background } : {}),
		...(referenceFileId ? { images: [{ file_id: referenceFileId }] } : request.complexity ? { complexity: request.complexity } : {}),
	};
}

const encoder = new TextEncoder();

/**
 * The JSONL of a batch: one request per placeholder, its `custom_id` from the placeholder's
 * identity (made unique within the plan should two identities hash alike), split into files of
 * at most `maxRequests` requests and `maxBytes` bytes (the API's limits unless smaller are given).
 */
export function buildBatchInput(items: readonly WorkspacePlaceholder[], options: BatchImageOptions, referenceFileId?: string, limits: { maxRequests?: number; maxBytes?: number } = {}): BatchInputPlan {
	const maxRequests = limits.maxRequests ?? MAX_BATCH_REQUESTS;
	const maxBytes = limits.maxBytes ?? MAX_BATCH_FILE_BYTES;
	const endpoint: BatchEndpoint = referenceFileId ? '/v1/images/edits' : '/v1/images/generations';
	const files: BatchInputFile[] = [];
	const used = new Set<string>();
	let lines: Uint8Array[] = [];
	let entries: BatchEntry[] = [];
	let size = 0;
	const close = () => {
		if (entries.length > 0) {
			const bytes = new Uint8Array(size);
			let at = 0;
			for (const line of lines) {
				bytes.set(line, at);
				at += line.length;
			}
			files.push({ bytes, entries });
		}
		lines = [];
		entries = [];
		size = 0;
	};
	for (const item of items) {
		const base = customIdOf(item.identity);
		let customId = base;
		for (let suffix = 2; used.has(customId); suffix++) {
			customId = `${base}-${suffix}`;
		}
		used.add(customId);
		const line = encoder.encode(JSON.stringify({ custom_id: customId, method: 'POST', url: endpoint, body: batchRequestBody(item.prompt, options, referenceFileId) }) + '\n');
		if (line.length > maxBytes) {
			throw new BatchInputError(l10n.t('The request for "{0}" is larger than a batch file may be ({1} MB): shorten its alt text.', item.alt.slice(0, 80), Math.floor(maxBytes / 1024 / 1024)));
		}
		if (entries.length >= maxRequests || size + line.length > maxBytes) {
			close();
		}
		lines.push(line);
		size += line.length;
		entries.push({ customId, document: item.document, identity: item.identity, alt: item.alt, prompt: item.prompt });
	}
	close();
	return { endpoint, files };
}
