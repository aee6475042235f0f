import * as vscode from 'vscode';
import type OpenAI from 'openai';
import { describeApiError, describeResponseProblem, type ApiFailure, type ResponseProblem } from '../core/generation/apiErrors';
import { retryWait } from '../core/generation/retryPolicy';
import { runBounded } from '../core/generation/concurrency';
import { EventTooLargeError, sseEvents, StreamReadError, type SseOptions } from '../core/generation/sseEvents';
import { MalformedEventError, readStreamEvent, type ImageStreamEvent } from '../core/generation/imageEvents';
import { largestImageEventBytes, largestImagePixels } from '../core/images/imageBounds';
import { networkProblemOf } from '../core/network/networkErrors';
import { CancelledError, IllustrateError, today } from '../core/errors';
import { checkEditRequest } from '../core/edits/editRules';
import { checkRequest, type ImageRequestOptions } from '../core/models/validation';
import type { ImageRecipe, ImageStore, StoredImage } from '../history/imageStore';
import { decodeBase64 } from '../core/encoding/base64';
import { MIME_TYPES, readImageInfo, type ImageInfo } from '../core/images/imageInfo';
import type { OutputFormat } from '../core/models/capabilities';
import { environmentVariable } from '../platform/environment';
import { readSettings } from '../settings/settings';
import { KEY_VARIABLES, providerLabel, type ApiKeys } from './apiKeys';
import { withBoundedErrorBodies } from './boundedFetch';
import { configuredProxyUrl, proxyFetch } from './proxy';

/** An image's bytes as they arrive: a partial image, or the final one before it is stored. */
export interface ArrivedPixels {
	readonly bytes: Uint8Array;
	readonly format: OutputFormat;
	/** Absent for the final image. */
	readonly partialIndex?: number;
}

/** What a batch reports while it runs, per variant slot. */
export interface VariantEvents {
	onStart?(slot: number): void;
	/** Pixels to show now: each partial image, then the final image while it is being stored. */
	onPixels?(slot: number, pixels: ArrivedPixels): void;
	/** The final image, stored. */
	onImage(slot: number, image: StoredImage): void;
	onSlotFailed?(slot: number, error: IllustrateError): void;
	/** A request is tried again after `seconds`, for a rate limit (429) or a server error (its HTTP status). */
	onRetry?(slot: number, seconds: number, status: number | undefined): void;
}

export interface GenerationResult {
	/** Received images by slot; a slot that failed or was cancelled is undefined. */
	readonly slots: readonly (StoredImage | undefined)[];
	readonly images: readonly StoredImage[];
	readonly costUsd?: number;
	readonly errors: readonly IllustrateError[];
}

/** An image sent as the input of an edit. */
export interface ReferenceImage {
	readonly bytes: Uint8Array;
	readonly name: string;
	readonly format: 'png' | 'jpeg' | 'webp';
}

/** What an edit sends besides the options: the images, and a mask or a markup overlay. */
export interface EditInputs extends ImageRequestOptions {
	readonly images: readonly ReferenceImage[];
	readonly mask?: ReferenceImage;
	readonly markup?: ReferenceImage;
	readonly inputFidelity?: 'low' | 'high';
}

/** The draft to re-render, for `makeFinal`. */
export interface EditSource {
	readonly image: StoredImage;
	readonly prompt: string;
}

/** The rules for the configured provider: any model name for OpenAI-compatible endpoints. */
export function validationContext(resource: vscode.Uri | undefined): { today: string; allowUnknownModels: boolean } {
	return { today: today(), allowUnknownModels: readSettings(resource).provider === 'openai-compatible' };
}

/**
 * Parallel requests of one image each, at most this many at once. Measured against one
 * request with `n` (bench/variantStrategies.ts): every variant shows pixels and finishes
 * sooner, and each stream's partial images belong to one variant (the API's stream events
 * carry no image index).
 */
export const MAX_PARALLEL_REQUESTS = 8;
/** Partial images per variant: previews while the final renders. */
export const PARTIAL_IMAGES = 2;
/** Appended to the prompt of a re-render, so the model keeps the draft and refines it. */
const MAKE_FINAL_INSTRUCTION = 'Re-render this image faithfully at full quality: keep its composition, subject, colours and style; refine detail and clarity only.';
/** Appended to the prompt of a request with a reference image. */
const REFERENCE_INSTRUCTION = 'Match the visual style, palette, line work and rendering of the reference image, so both look like one set; depict only what is described above.';

/** Classifies an error thrown by the SDK by its error classes (names do not survive minification). */
function classifyFailure(error: unknown, sdk: typeof OpenAI): ApiFailure {
	if (error instanceof sdk.APIConnectionTimeoutError) {
		return { kind: 'timeout', message: error.message };
	}
	if (error instanceof sdk.APIConnectionError) {
		const network = networkProblemOf(error, configuredProxyUrl());
		if (network) {
			return { kind: 'network', network, message: error.message };
		}
		return { kind: neverSent(error) ? 'unreachable' : 'connection', message: error.message };
	}
	if (error instanceof sdk.APIError) {
		return { kind: 'http', status: error.status, code: error.code, type: error.type, message: error.message, headers: error.headers };
	}
	return { kind: 'other', message: error instanceof Error ? error.message : String(error) };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
	return new Promise(resolve => {
		const timer = setTimeout(resolve, ms);
		signal.addEventListener('abort', () => {
			clearTimeout(timer);
			resolve();
		}, { once: true });
	});
}

/** " Models your key can use: …" from the endpoint's model list, or nothing if it has none. */
async function imageModelsOf(client: OpenAI): Promise<string> {
	try {
		const ids: string[] = [];
		for await (const model of client.models.list()) {
			if (/image|dall-e/i.test(model.id)) {
				ids.push(model.id);
			}
		}
		return ids.length > 0 ? ` ${vscode.l10n.t('Image models your key can use: {0}.', ids.sort().join(', '))}` : '';
	} catch {
		return '';
	}
}

/** Whether a connection error happened before the request left: refused, or no such host. */
function neverSent(error: Error): boolean {
	for (let cause: unknown = error.cause, depth = 0; cause && depth < 5; cause = (cause as { cause?: unknown }).cause, depth++) {
		const code = (cause as { code?: unknown }).code;
		if (typeof code === 'string' && /^(ECONNREFUSED|ENOTFOUND|EAI_AGAIN|EHOSTUNREACH|ENETUNREACH|UND_ERR_CONNECT_TIMEOUT)$/.test(code)) {
			return true;
		}
		// fetch refuses some ports (and malformed URLs) itself, before connecting.
		if ((cause as { message?: unknown }).message === 'bad port') {
			return true;
		}
	}
	return false;
}

/** Failures every other request of the batch would meet too: stop the batch. */
function isBatchFatal(failure: ApiFailure): boolean {
	return failure.kind === 'http' && (failure.status === 400 || failure.status === 401 || failure.status === 403 || failure.status === 404 || failure.code === 'insufficient_quota');
}

type Sdk = typeof import('openai');

/** A response Illustrate stopped reading: the problem says why, for the message. */
class ResponseProblemError extends Error {
	constructor(readonly problem: ResponseProblem) {
		super(problem.kind);
		this.name = 'ResponseProblemError';
	}
}

/** No bytes of a response for this long (half of illustrate.requestTimeoutSeconds, at least 5 s) and it is given up. */
export function idleTimeoutMs(requestTimeoutMs: number): number {
	return Math.max(5_000, Math.round(requestTimeoutMs / 2));
}

/**
 * The clocks of one request: a deadline for the whole of it, headers and body, and an idle
 * limit between the body's chunks (the SDK's own timeout stops when the headers arrive, so
 * a stream that never ends would otherwise be read forever). Either aborts `signal`.
 */
class RequestClock {
	private readonly controller = new AbortController();
	readonly signal: AbortSignal;
	/** Which clock ran out, if one did. */
	expired: 'deadline' | 'idle' | undefined;
	private readonly deadline: ReturnType<typeof setTimeout>;
	private idle: ReturnType<typeof setTimeout> | undefined;

	constructor(outer: AbortSignal, deadlineMs: number, private readonly idleMs: number) {
		this.signal = AbortSignal.any([outer, this.controller.signal]);
		this.deadline = setTimeout(() => this.expire('deadline'), deadlineMs);
	}

	/** Bytes arrived: the idle clock starts again. */
	readonly touch = (): void => {
		clearTimeout(this.idle);
		this.idle = setTimeout(() => this.expire('idle'), this.idleMs);
	};

	private expire(which: 'deadline' | 'idle'): void {
		this.expired ??= which;
		this.controller.abort();
	}

	dispose(): void {
		clearTimeout(this.deadline);
		clearTimeout(this.idle);
	}
}

/**
 * The items of a streaming response (the SDK has sent the request and checked its status),
 * read with Illustrate's SSE reader: the SDK's reader scans every byte in JavaScript twice,
 * 350–710 ms for one 24 MB event of a 3840×2160 image against 280–390 ms. Nothing in the
 * body is trusted: it must be an event stream, no event may be longer than the largest image
 * the model makes, and each event is checked before it is used. Error events throw the SDK's
 * APIError, as the SDK's stream does.
 */
async function* streamItems(response: Response, sdk: Sdk, options: SseOptions): AsyncGenerator<ImageStreamEvent> {
	const contentType = response.headers.get('content-type') ?? '';
	if (!/^\s*text\/event-stream\s*(;|$)/i.test(contentType)) {
		await response.body?.cancel().catch(() => undefined);
		throw new ResponseProblemError({ kind: 'contentType', contentType: contentType.split(';')[0].trim() });
	}
	if (!response.body) {
		return;
	}
	try {
		for await (const sse of sseEvents(response.body, options)) {
			const item = readStreamEvent(sse);
			if (item.kind === 'done') {
				return;
			}
			if (item.kind === 'error') {
				throw new sdk.APIError(undefined, item.error, undefined, response.headers);
			}
			if (item.kind === 'image') {
				yield item.event;
			}
		}
	} catch (error) {
		if (error instanceof EventTooLargeError) {
			throw new ResponseProblemError({ kind: 'eventTooLarge', limitBytes: error.limitBytes });
		}
		if (error instanceof MalformedEventError) {
			throw new ResponseProblemError({ kind: error.problem === 'json' ? 'malformedJson' : 'malformedEvent' });
		}
		throw error;
	}
}

/** The bytes of an event's image, checked: undefined when they are not base64 of an image, or declare more pixels than `maxPixels`. */
function imageOf(event: ImageStreamEvent, maxPixels: number): { bytes: Uint8Array; info: ImageInfo } | ResponseProblem {
	let bytes: Uint8Array;
	try {
		bytes = decodeBase64(event.b64);
	} catch {
		return { kind: 'malformedEvent' };
	}
	const info = readImageInfo(bytes);
	if (!info || info.width === 0 || info.height === 0) {
		return { kind: 'notAnImage' };
	}
	if (info.width * info.height > maxPixels) {
		return { kind: 'imageTooLarge', width: info.width, height: info.height };
	}
	return { bytes, info };
}

/**
 * Sends image requests through the `openai` SDK, streaming partial images, and stores
 * each final image the moment it arrives. The SDK is loaded on first use, not at activation.
 */
export class ImageService {
	private sdk: Promise<Sdk> | undefined;

	constructor(
		private readonly keys: ApiKeys,
		private readonly store: ImageStore,
		private readonly log: vscode.LogOutputChannel,
	) { }

	/** Refuses what the API would refuse, before anything is sent or charged. */
	validate(options: ImageRequestOptions, resource?: vscode.Uri): void {
		const problems = checkRequest(options, validationContext(resource));
		if (problems.length > 0) {
			throw new IllustrateError(problems.map(problem => problem.message).join(' '));
		}
	}

	/** A client for the configured provider: OpenAI, Azure OpenAI, or an OpenAI-compatible endpoint. */
	private async client(resource: vscode.Uri | undefined): Promise<{ client: OpenAI; sdk: Sdk; key: string }> {
		const settings = readSettings(resource);
		const provider = settings.provider;
		const key = await this.keys.get(provider);
		if (!key) {
			throw new IllustrateError(vscode.l10n.t('No API key is set for {0}. Set one with "Illustrate: Set API Key" (it is kept in VS Code\'s secret storage), or set {1}.', providerLabel(provider), KEY_VARIABLES[provider]), ['setApiKey'], true);
		}
		this.sdk ??= import('openai');
		const sdk = await this.sdk;
		// A paid request is never retried by the SDK: Illustrate retries only where nothing can have been charged.
		// In the web the SDK runs in the browser's web worker and refuses to unless told: the key
		// comes from secret storage, on the user's own machine, as in every other host.
		// Behind a proxy: see proxy.ts for what VS Code does and what is added here. Error bodies
		// are read to 64 KB at most, whichever fetch sends the request.
		const proxied = await proxyFetch();
		const common = { apiKey: key.value, maxRetries: 0, timeout: settings.requestTimeoutMs, fetch: withBoundedErrorBodies(proxied), ...(ILLUSTRATE_WEB ? { dangerouslyAllowBrowser: true } : {}) };
		if (provider === 'azure') {
			if (!settings.azure.endpoint || !settings.azure.deployment) {
				throw new IllustrateError(vscode.l10n.t('Azure OpenAI needs illustrate.azure.endpoint and illustrate.azure.deployment in your user settings.'), [], true);
			}
			// The base URL, not the endpoint: the SDK would otherwise also read OPENAI_BASE_URL and refuse both.
			const baseURL = `${settings.azure.endpoint.replace(/\/+$/, '')}/openai`;
			return { client: new sdk.AzureOpenAI({ ...common, baseURL, deployment: settings.azure.deployment, apiVersion: settings.azure.apiVersion }), sdk, key: key.value };
		}
		const baseURL = settings.baseUrl ?? (provider === 'openai-compatible' ? environmentVariable('OPENAI_BASE_URL')?.trim() || undefined : undefined);
		if (provider === 'openai-compatible' && !baseURL) {
			throw new IllustrateError(vscode.l10n.t('An OpenAI-compatible endpoint needs illustrate.baseUrl in your user settings (or OPENAI_BASE_URL).'), [], true);
		}
		return { client: new sdk.OpenAI({ ...common, baseURL }), sdk, key: key.value };
	}

	/** Generates `options.n` variants as parallel streaming requests of one image each. */
	async generate(options: ImageRequestOptions, resource: vscode.Uri | undefined, signal: AbortSignal, events: VariantEvents): Promise<GenerationResult> {
		this.validate(options, resource);
		const recipe: ImageRecipe = { prompt: options.prompt, model: options.model, size: options.size, quality: options.quality, operation: 'generate' };
		return this.runBatch(options, resource, signal, events, recipe, (client, requestSignal, _sdk, n) => client.images.generate({
			model: options.model,
			prompt: options.prompt,
			n,
			size: options.size,
			quality: options.quality as OpenAI.ImageGenerateParams['quality'],
			output_format: options.outputFormat,
			...(options.outputCompression !== undefined ? { output_compression: options.outputCompression } : {}),
			...(options.background ? { background: options.background } : {}),
			...(options.complexity ? { complexity: options.complexity } : {}),
			stream: true,
			partial_images: PARTIAL_IMAGES,
		}, { signal: requestSignal }).asResponse(), { operation: 'images.generate', strategy: 'parallel' });
	}

	/**
	 * Re-renders a draft at high quality through an edit with the draft as the input
	 * image: a new rendering guided by the draft, not an upscale.
	 */
	async makeFinal(source: EditSource, options: ImageRequestOptions, resource: vscode.Uri | undefined, signal: AbortSignal, events: VariantEvents): Promise<GenerationResult> {
		const size = source.image.width && source.image.height ? `${source.image.width}x${source.image.height}` : options.size;
		const finalOptions: ImageRequestOptions = { ...options, quality: 'high', n: 1, size, prompt: `${source.prompt}\n\n${MAKE_FINAL_INSTRUCTION}` };
		const reference = { bytes: await this.store.read(source.image), name: source.image.uri.path.split('/').pop() ?? 'draft.png', format: source.image.format };
		const recipe: ImageRecipe = { prompt: source.prompt, model: finalOptions.model, size, quality: 'high', operation: 'makeFinal', sourceId: source.image.id };
		return this.edit(reference, finalOptions, resource, signal, events, recipe);
	}

	/**
	 * Generates with a reference image (an edit whose input is the reference), so a set of
	 * illustrations keeps one look.
	 */
	async generateWithReference(reference: ReferenceImage, options: ImageRequestOptions, resource: vscode.Uri | undefined, signal: AbortSignal, events: VariantEvents): Promise<GenerationResult> {
		const recipe: ImageRecipe = { prompt: options.prompt, model: options.model, size: options.size, quality: options.quality, operation: 'generate' };
		return this.edit(reference, { ...options, prompt: `${options.prompt}\n\n${REFERENCE_INSTRUCTION}` }, resource, signal, events, recipe);
	}

	private async edit(reference: ReferenceImage, options: ImageRequestOptions, resource: vscode.Uri | undefined, signal: AbortSignal, events: VariantEvents, recipe: ImageRecipe): Promise<GenerationResult> {
		return this.editImages({ ...options, images: [reference] }, resource, signal, events, recipe);
	}

	/**
	 * Edits: input images (the first is the one a mask or markup applies to), an
	 * instruction, `n` variants in one request, streaming partial images.
	 */
	async editImages(request: EditInputs, resource: vscode.Uri | undefined, signal: AbortSignal, events: VariantEvents, recipe: ImageRecipe): Promise<GenerationResult> {
		const problems = checkEditRequest({
			...request,
			images: request.images.map(image => ({ name: image.name, bytes: image.bytes })),
			...(request.mask ? { mask: { name: request.mask.name, bytes: request.mask.bytes } } : {}),
			...(request.markup ? { markup: { name: request.markup.name, bytes: request.markup.bytes } } : {}),
		}, validationContext(resource));
		if (problems.length > 0) {
			throw new IllustrateError(problems.map(problem => problem.message).join(' '));
		}
		const file = (sdk: Sdk, image: ReferenceImage) => sdk.toFile(image.bytes, image.name, { type: MIME_TYPES[image.format] });
		return this.runBatch(request, resource, signal, events, recipe, async (client, requestSignal, sdk, n) => client.images.edit({
			model: request.model,
			prompt: request.prompt,
			image: request.images.length === 1 ? await file(sdk, request.images[0]) : await Promise.all(request.images.map(image => file(sdk, image))),
			...(request.mask ? { mask: await file(sdk, request.mask) } : {}),
			...(request.markup ? { markup: await file(sdk, request.markup) } : {}),
			...(request.inputFidelity ? { input_fidelity: request.inputFidelity } : {}),
			n,
			size: request.size,
			quality: request.quality as OpenAI.ImageEditParams['quality'],
			output_format: request.outputFormat,
			...(request.outputCompression !== undefined ? { output_compression: request.outputCompression } : {}),
			...(request.background ? { background: request.background } : {}),
			stream: true,
			partial_images: PARTIAL_IMAGES,
		}, { signal: requestSignal }).asResponse(), { operation: 'images.edit', strategy: 'single' });
	}

	/**
	 * Runs the requests of a batch: `parallel`, one request per variant (generations: each
	 * stream's partial images then belong to one variant); `single`, one request for all
	 * variants (edits: the input images are paid for once), its events assigned to the
	 * variants in the order they complete.
	 */
	private async runBatch(
		options: ImageRequestOptions,
		resource: vscode.Uri | undefined,
		signal: AbortSignal,
		events: VariantEvents,
		recipe: ImageRecipe,
		send: (client: OpenAI, signal: AbortSignal, sdk: Sdk, n: number) => Promise<Response>,
		{ operation, strategy }: { readonly operation: 'images.generate' | 'images.edit'; readonly strategy: 'parallel' | 'single' },
	): Promise<GenerationResult> {
		const { client, sdk, key } = await this.client(resource);
		const endpoint = client.baseURL;
		const settings = readSettings(resource);
		const maxPixels = largestImagePixels(options.model, options.size);
		const maxEventBytes = largestImageEventBytes(maxPixels);
		const batch = new AbortController();
		const abortBatch = () => batch.abort();
		signal.addEventListener('abort', abortBatch, { once: true });
		const slots: (StoredImage | undefined)[] = new Array(options.n).fill(undefined);
		const errors: IllustrateError[] = [];
		let costUsd: number | undefined;
		this.log.info(`${operation} ×${options.n} (${strategy}) model=${options.model} size=${options.size} quality=${options.quality} format=${options.outputFormat} prompt=${options.prompt.length} chars → ${endpoint}`);

		/** One request for the slots `first` … `first + count - 1`, retried where that is safe. */
		const runRequest = async (first: number, count: number): Promise<void> => {
			const label = count === 1 ? `variant ${first + 1}` : `variants ${first + 1}–${first + count}`;
			let completed = 0;
			for (let attempt = 0; !batch.signal.aborted; attempt++) {
				const started = Date.now();
				for (let slot = first + completed; slot < first + count; slot++) {
					events.onStart?.(slot);
				}
				let requestId: string | null | undefined;
				let received = false;
				const clock = new RequestClock(batch.signal, settings.requestTimeoutMs, idleTimeoutMs(settings.requestTimeoutMs));
				try {
					const response = await send(client, clock.signal, sdk, count - completed);
					requestId = response.headers.get('x-request-id');
					clock.touch();
					for await (const event of streamItems(response, sdk, { maxEventBytes, onChunk: clock.touch })) {
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
						const cost = event.costUsd ?? 0;
						costUsd = (costUsd ?? 0) + cost;
						// Its file write starts first; the panel shows the pixels while it runs.
						const saving = this.store.save(bytes, { ...recipe, size: event.size ?? recipe.size, quality: event.quality ?? recipe.quality, costUsd: cost }, options.outputFormat);
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
					this.log.info(`${operation} ${label} done in ${Date.now() - started} ms, request id ${requestId ?? 'unknown'}`);
					if (completed < count && !batch.signal.aborted) {
						throw new IllustrateError(completed === 0 ? vscode.l10n.t('The response ended without an image. Try again.') : vscode.l10n.t('The response ended after {0} of {1} images. Try again for the rest.', completed, count), ['retry']);
					}
					return;
				} catch (caught) {
					if (signal.aborted) {
						this.log.info(`${operation} ${label} cancelled after ${Date.now() - started} ms`);
						return;
					}
					let error = caught;
					if (clock.expired === 'idle') {
						error = new ResponseProblemError({ kind: 'idle', seconds: Math.round(idleTimeoutMs(settings.requestTimeoutMs) / 1000) });
					} else if (clock.expired === 'deadline') {
						error = new sdk.APIConnectionTimeoutError();
					} else if (error instanceof StreamReadError) {
						// The body broke off (the connection, or its framing): as a dropped connection.
						error = new sdk.APIConnectionError({ message: error.message, cause: error.cause as Error });
					}
					const failure = error instanceof IllustrateError || error instanceof ResponseProblemError ? undefined : classifyFailure(error, sdk.OpenAI);
					const wait = failure ? retryWait(failure, attempt, received) : undefined;
					if (wait !== undefined && !batch.signal.aborted) {
						const reason = failure?.status === 429 ? 'rate limit' : `server error ${failure?.status}`;
						this.log.warn(`${operation} ${label}: ${reason} (request id ${requestId ?? 'unknown'}), retrying in ${wait} s`);
						for (let slot = first + completed; slot < first + count; slot++) {
							events.onRetry?.(slot, wait, failure?.status);
						}
						await sleep(wait * 1000, batch.signal);
						continue;
					}
					let illustrateError: IllustrateError;
					if (error instanceof IllustrateError) {
						illustrateError = error;
					} else if (error instanceof ResponseProblemError) {
						const described = describeResponseProblem(error.problem, { endpoint, model: options.model, imagesKept: completed });
						illustrateError = new IllustrateError(described.message, described.actions);
					} else {
						const described = describeApiError(failure!, { model: options.model, endpoint, key, imageMayHaveBeenCharged: received || failure!.kind === 'connection' || failure!.kind === 'timeout', failedInBrowser: ILLUSTRATE_WEB && !received });
						const available = failure!.status === 404 ? await imageModelsOf(client) : '';
						illustrateError = new IllustrateError(described.message + available, described.actions, isBatchFatal(failure!));
					}
					if (batch.signal.aborted && !illustrateError.batchFatal) {
						return;
					}
					this.log.error(`${operation} ${label} failed after ${Date.now() - started} ms (request id ${requestId ?? 'unknown'}): ${illustrateError.message}`);
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
					clock.dispose();
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
		const images = slots.filter((image): image is StoredImage => image !== undefined);
		if (signal.aborted) {
			throw Object.assign(new CancelledError(), { partial: { slots, images, costUsd, errors } });
		}
		if (images.length === 0) {
			throw errors[0] ?? new IllustrateError(vscode.l10n.t('No image arrived. Try again.'), ['retry']);
		}
		return { slots, images, costUsd, errors };
	}
}
