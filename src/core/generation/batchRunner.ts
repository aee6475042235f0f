import * as l10n from '@vscode/l10n';
import { describeApiError, describeResponseProblem, type ApiFailure } from './apiErrors';
import { runBounded } from './concurrency';
import { connectionFailure, imageMayHaveBeenCharged, isBatchFatal } from './failureRules';
import type { ImageRecipe } from './imageRecipe';
import { streams } from './imageRequests';
import { ApiFailureError, imageOf, replyItems, ResponseProblemError, streamItems } from './imageStream';
import { idleTimeoutMs, RequestClock, type BatchClock } from './requestClock';
import { retryWait } from './retryPolicy';
import { StreamReadError } from './sseEvents';
import { CancelledError, IllustrateError } from '../errors';
import { largestImageEventBytes, largestImagePixels } from '../images/imageBounds';
import type { OutputFormat } from '../models/capabilities';
import type { ImageRequestOptions } from '../models/validation';

/**
 * The batch runner: sends the requests of one batch, reads their streams, stores each final
 * image the moment it arrives, retries where nothing can have been charged, and reports per
 * variant slot. The sending, the storing, the clock and the log are handed to it, so it runs
 * in VS Code, in a test, or in a process with no UI at all.
 */

/**
 * Parallel requests of one image each, at most this many at once. Measured against one
 * request with `n` (bench/variantStrategies.ts): every variant shows pixels and finishes
 * sooner, and each stream's partial images belong to one variant (the API's stream events
 * carry no image index).
 */
export const MAX_PARALLEL_REQUESTS = 8;

/** An image's bytes as they arrive: a partial image, or the final one before it is stored. */
export interface ArrivedPixels {
	readonly bytes: Uint8Array;
	readonly format: OutputFormat;
	/** Absent for the final image. */
	readonly partialIndex?: number;
	/** The bytes are the image's card-size copy (made in the image worker), not the image: show them as they are. */
	readonly cardCopy?: boolean;
}

/** What a batch reports while it runs, per variant slot. */
export interface VariantEvents<Stored> {
	onStart?(slot: number): void;
	/** Pixels to show now: each partial image, then the final image while it is being stored. */
	onPixels?(slot: number, pixels: ArrivedPixels): void;
	/** The final image, stored. */
	onImage(slot: number, image: Stored): void;
	onSlotFailed?(slot: number, error: IllustrateError): void;
	/** A request is tried again after `seconds`, for a rate limit (429) or a server error (its HTTP status). */
	onRetry?(slot: number, seconds: number, status: number | undefined): void;
}

export interface GenerationResult<Stored> {
	/** Received images by slot; a slot that failed or was cancelled is undefined. */
	readonly slots: readonly (Stored | undefined)[];
	readonly images: readonly Stored[];
	readonly costUsd?: number;
	readonly errors: readonly IllustrateError[];
}

/** Sends the requests of a batch: the `openai` SDK's (src/providers/openaiImages.ts), or a test's. */
export interface ImageSender {
	/** Sends one streaming request for `count` images; resolves with the response once its status is accepted, throws otherwise. */
	send(count: number, signal: AbortSignal): Promise<Response>;
	/** What an error `send` threw means (errors the runner raises itself are not passed). */
	classify(error: unknown): ApiFailure;
	/** The model ids the endpoint lists, for the message of a 404. */
	listModels?(): Promise<readonly string[]>;
}

/** Stores a final image as it arrives, and returns what was stored. */
export type ImageSink<Stored> = (bytes: Uint8Array, recipe: ImageRecipe, fallbackFormat: OutputFormat) => Promise<Stored>;

export interface BatchLog {
	info(message: string): void;
	warn(message: string): void;
	error(message: string): void;
}

/** One batch: what is asked, of whom, and how. */
export interface BatchSpec {
	readonly operation: string;
	/** `parallel`: one request per variant; `single`: one request for all of them. */
	readonly strategy: 'parallel' | 'single';
	readonly options: ImageRequestOptions;
	/** What is stored beside each image (its size and quality as the endpoint reports them). */
	readonly recipe: ImageRecipe;
	/** For the messages: where the requests go, and the key to keep out of them. */
	readonly endpoint: string;
	readonly key: string;
	/** illustrate.requestTimeoutSeconds, in ms: each request's deadline; half of it the idle limit. */
	readonly requestTimeoutMs: number;
	/** The proxy requests go through, to tell a proxy problem from the endpoint's. */
	readonly proxy?: string;
	/** The requests are sent from a browser (VS Code for the Web): a failed connection may be CORS. */
	readonly inBrowser?: boolean;
}

export interface BatchDeps<Stored> {
	readonly sender: ImageSender;
	readonly store: ImageSink<Stored>;
	readonly clock: BatchClock;
	readonly log: BatchLog;
}

/** " Image models your key can use: …" from the endpoint's model list, or nothing if it has none. */
export async function imageModelsNote(sender: ImageSender, log: BatchLog): Promise<string> {
	if (!sender.listModels) {
		return '';
	}
	try {
		const ids = (await sender.listModels()).filter(id => /image|dall-e/i.test(id));
		return ids.length > 0 ? ` ${l10n.t('Image models your key can use: {0}.', [...ids].sort().join(', '))}` : '';
	} catch (error) {
		log.warn(`Listing the endpoint's models for the message failed: ${error instanceof Error ? error.message : String(error)}`);
		return '';
	}
}

/**
 * Runs the requests of a batch: `parallel`, one request per variant (generations: each
 * stream's partial images then belong to one variant); `single`, one request for all
 * variants (edits: the input images are paid for once), its events assigned to the
 * variants in the order they complete. Resolves with what arrived when at least one image
 * did; throws the first error when none did, and `CancelledError` with `partial` when
 * `signal` aborts.
 */
export async function runBatch<Stored>(spec: BatchSpec, deps: BatchDeps<Stored>, signal: AbortSignal, events: VariantEvents<Stored>): Promise<GenerationResult<Stored>> {
	const { operation, options, recipe, endpoint, key, requestTimeoutMs } = spec;
	// An SVG is one image per request (the API's rule): its variants are parallel requests.
	const strategy = options.outputFormat === 'svg' ? 'parallel' : spec.strategy;
	const streaming = streams(options);
	const { sender, store, clock, log } = deps;
	const maxPixels = largestImagePixels(options.model, options.size);
	const maxEventBytes = largestImageEventBytes(maxPixels);
	const idleMs = idleTimeoutMs(requestTimeoutMs);
	const batch = new AbortController();
	const abortBatch = () => batch.abort();
	signal.addEventListener('abort', abortBatch, { once: true });
	const slots: (Stored | undefined)[] = new Array(options.n).fill(undefined);
	const errors: IllustrateError[] = [];
	let costUsd: number | undefined;
	const formatDetails = options.outputFormat === 'gif'
		? ` frames=${options.frames ?? 'default'} frameDurationMs=${options.frameDurationMs ?? 'default'}`
		: options.outputFormat === 'svg' ? ` svgModel=${options.svg?.model ?? 'default'} svgEffort=${options.svg?.effort ?? 'default'}` : '';
	log.info(`${operation} ×${options.n} (${strategy}${streaming ? '' : ', whole reply'}) model=${options.model} size=${options.size} quality=${options.quality} format=${options.outputFormat}${formatDetails} prompt=${options.prompt.length} chars → ${endpoint}`);

	/** The error a failed attempt ends with, once no retry is left. */
	const finalError = async (error: unknown, failure: ApiFailure | undefined, received: boolean, completed: number): Promise<IllustrateError> => {
		if (error instanceof IllustrateError) {
			return error;
		}
		if (error instanceof ResponseProblemError) {
			const described = describeResponseProblem(error.problem, { endpoint, model: options.model, imagesKept: completed });
			return new IllustrateError(described.message, described.actions);
		}
		const described = describeApiError(failure!, { model: options.model, endpoint, key, outputFormat: options.outputFormat, svgModel: options.svg?.model, imageMayHaveBeenCharged: imageMayHaveBeenCharged(failure!, received), failedInBrowser: (spec.inBrowser ?? false) && !received });
		const available = failure!.status === 404 ? await imageModelsNote(sender, log) : '';
		return new IllustrateError(described.message + available, described.actions, isBatchFatal(failure!));
	};

	/** One request for the slots `first` … `first + count - 1`, retried where that is safe. */
	const runRequest = async (first: number, count: number): Promise<void> => {
		const label = count === 1 ? `variant ${first + 1}` : `variants ${first + 1}–${first + count}`;
		let completed = 0;
		for (let attempt = 0; !batch.signal.aborted; attempt++) {
			const started = clock.now();
			for (let slot = first + completed; slot < first + count; slot++) {
				events.onStart?.(slot);
			}
			let requestId: string | null | undefined;
			let received = false;
			const requestClock = new RequestClock(batch.signal, requestTimeoutMs, idleMs, clock);
			try {
				const response = await sender.send(count - completed, requestClock.signal);
				requestId = response.headers.get('x-request-id');
				requestClock.touch();
				const items = streaming
					? streamItems(response, { maxEventBytes, onChunk: requestClock.touch })
					: replyItems(response, { maxBytes: maxEventBytes * (count - completed), onChunk: requestClock.touch });
				for await (const event of items) {
					received = true;
					const slot = first + Math.min(completed, count - 1);
					const image = imageOf(event, maxPixels);
					if (!event.final) {
						// A partial that is not an image is not shown; the final decides.
						if (!('kind' in image)) {
							events.onPixels?.(slot, { bytes: image.bytes, format: image.info.format, partialIndex: event.partialIndex });
						}
						continue;
					}
					if ('kind' in image) {
						throw new ResponseProblemError(image);
					}
					const { bytes } = image;
					const format = image.info.format;
					if (image.removed && image.removed.length > 0) {
						log.warn(`${operation} ${label}: the SVG was sanitised, ${image.removed.length} part(s) removed: ${image.removed.slice(0, 5).join('; ').slice(0, 300)}`);
					}
					const cost = event.costUsd ?? 0;
					costUsd = (costUsd ?? 0) + cost;
					// Its file write starts first; the panel shows the pixels while it runs.
					const saving = store(bytes, { ...recipe, size: event.size ?? recipe.size, quality: event.quality ?? recipe.quality, costUsd: cost }, options.outputFormat);
					events.onPixels?.(slot, { bytes, format });
					const stored = await saving;
					slots[slot] = stored;
					completed++;
					events.onImage(slot, stored);
					if (completed === count) {
						// Every image asked for is here: whatever else the endpoint sends is not read.
						break;
					}
				}
				log.info(`${operation} ${label} done in ${clock.now() - started} ms, request id ${requestId ?? 'unknown'}`);
				if (completed < count && !batch.signal.aborted) {
					throw new IllustrateError(completed === 0 ? l10n.t('The response ended without an image. Try again.') : l10n.t('The response ended after {0} of {1} images. Try again for the rest.', completed, count), ['retry']);
				}
				return;
			} catch (caught) {
				if (signal.aborted) {
					log.info(`${operation} ${label} cancelled after ${clock.now() - started} ms`);
					return;
				}
				let error = caught;
				let failure: ApiFailure | undefined;
				if (requestClock.expired === 'idle') {
					error = new ResponseProblemError({ kind: 'idle', seconds: Math.round(idleMs / 1000) });
				} else if (requestClock.expired === 'deadline') {
					failure = { kind: 'timeout', message: 'Request timed out.' };
				} else if (error instanceof StreamReadError) {
					// The body broke off (the connection, or its framing): as a dropped connection.
					failure = connectionFailure(error, spec.proxy);
				} else if (error instanceof ApiFailureError) {
					failure = error.failure;
				} else if (!(error instanceof IllustrateError) && !(error instanceof ResponseProblemError)) {
					failure = sender.classify(error);
				}
				const wait = failure ? retryWait(failure, attempt, received) : undefined;
				if (wait !== undefined && !batch.signal.aborted) {
					const reason = failure?.status === 429 ? 'rate limit' : `server error ${failure?.status}`;
					log.warn(`${operation} ${label}: ${reason} (request id ${requestId ?? 'unknown'}), retrying in ${wait} s`);
					for (let slot = first + completed; slot < first + count; slot++) {
						events.onRetry?.(slot, wait, failure?.status);
					}
					await clock.sleep(wait * 1000, batch.signal);
					continue;
				}
				const illustrateError = await finalError(error, failure, received, completed);
				if (batch.signal.aborted && !illustrateError.batchFatal) {
					return;
				}
				log.error(`${operation} ${label} failed after ${clock.now() - started} ms (request id ${requestId ?? 'unknown'}): ${illustrateError.message}`);
				errors.push(illustrateError);
				for (let slot = first; slot < first + count; slot++) {
					if (!slots[slot]) {
						events.onSlotFailed?.(slot, illustrateError);
					}
				}
				if (illustrateError.batchFatal) {
					batch.abort();
				}
				return;
			} finally {
				requestClock.dispose();
			}
		}
	};

	try {
		if (strategy === 'single') {
			await runRequest(0, options.n);
		} else {
			await runBounded(Array.from({ length: options.n }, (_, slot) => () => runRequest(slot, 1)), MAX_PARALLEL_REQUESTS);
		}
	} finally {
		signal.removeEventListener('abort', abortBatch);
	}
	const images = slots.filter((image): image is Stored => image !== undefined);
	if (signal.aborted) {
		throw Object.assign(new CancelledError(), { partial: { slots, images, costUsd, errors } });
	}
	if (images.length === 0) {
		throw errors[0] ?? new IllustrateError(l10n.t('No image arrived. Try again.'), ['retry']);
	}
	return { slots, images, costUsd, errors };
}
