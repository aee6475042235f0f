import * as l10n from '@vscode/l10n';
import { sizeForFormat, roundFrameDuration, type ImageRequestOptions } from '../models/validation';
import { isWholeFileFormat, modelForFormat, type OutputFormat } from '../models/capabilities';
import { today } from '../errors';
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
	const format = request.outputFormat;
	const wholeFile = isWholeFileFormat(format);
	return {
		model: request.model,
		prompt: request.prompt,
		n: 1,
		size: request.size,
		quality: request.quality,
		output_format: format,
		...(request.outputCompression !== undefined && !wholeFile ? { output_compression: request.outputCompression } : {}),
		...(request.background ? { background: request.background } : {}),
		...(referenceFileId ? { images: [{ file_id: referenceFileId }] } : request.complexity ? { complexity: request.complexity } : {}),
		// SVG and GIF come whole, as the synchronous request asks for them (src/core/generation/imageRequests.ts).
		...(format === 'svg' && request.svg ? { svg: { model: request.svg.model.trim(), ...(request.svg.effort ? { reasoning: { effort: request.svg.effort } } : {}) } } : {}),
		...(format === 'gif' && request.frames !== undefined ? { frame_count: request.frames } : {}),
		...(format === 'gif' && request.frameDurationMs !== undefined ? { frame_duration_ms: roundFrameDuration(request.frameDurationMs) } : {}),
		...(wholeFile ? { stream: false } : {}),
	};
}

/**
 * Whether the Batch API takes a request for this format: generations take every format; the
 * JSON form of an edit (a batch with a reference image, `EditImageBodyJsonParam`) has no SVG or
 * GIF fields, so those placeholders are filled Now.
 */
export function batchTakesFormat(format: OutputFormat, withReference: boolean): boolean {
	return !withReference || !isWholeFileFormat(format);
}

/**
 * The options of one placeholder's request: the batch's, but for a link to a missing file in
 * another format (`diagram.svg`), that format, by a model that makes it, at a size it takes, as
 * the synchronous fill asks.
 */
export function entryOptions(options: BatchImageOptions, format: OutputFormat | undefined, day = today()): BatchImageOptions {
	if (!format || format === options.outputFormat) {
		return options;
	}
	const model = modelForFormat(options.model, format, day);
	return { ...options, model, outputFormat: format, size: sizeForFormat(model, format, options.size) };
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
		if (!batchTakesFormat(item.outputFormat ?? options.outputFormat, referenceFileId !== undefined)) {
			throw new BatchInputError(l10n.t('A batch with a reference image cannot make {0} images: fill "{1}" Now.', (item.outputFormat ?? options.outputFormat).toUpperCase(), item.alt.slice(0, 80)));
		}
		const base = customIdOf(item.identity);
		let customId = base;
		for (let suffix = 2; used.has(customId); suffix++) {
			customId = `${base}-${suffix}`;
		}
		used.add(customId);
		const line = encoder.encode(JSON.stringify({ custom_id: customId, method: 'POST', url: endpoint, body: batchRequestBody(item.prompt, entryOptions(options, item.outputFormat), referenceFileId) }) + '\n');
		if (line.length > maxBytes) {
			throw new BatchInputError(l10n.t('The request for "{0}" is larger than a batch file may be ({1} MB): shorten its alt text.', item.alt.slice(0, 80), Math.floor(maxBytes / 1024 / 1024)));
		}
		if (entries.length >= maxRequests || size + line.length > maxBytes) {
			close();
		}
		lines.push(line);
		size += line.length;
		entries.push({ customId, document: item.document, identity: item.identity, alt: item.alt, prompt: item.prompt, ...(item.outputFormat && item.outputFormat !== options.outputFormat ? { outputFormat: item.outputFormat } : {}) });
	}
	close();
	return { endpoint, files };
}
