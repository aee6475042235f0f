import type OpenAI from 'openai';
import type { ApiFailure } from '../core/generation/apiErrors';
import { runBatch, type BatchLog, type GenerationResult, type ImageSender, type ImageSink, type VariantEvents } from '../core/generation/batchRunner';
import { connectionFailure } from '../core/generation/failureRules';
import type { ImageRecipe } from '../core/generation/imageRecipe';
import { generateRecipe, toEditParams, toGenerateParams, type EditInputs, type ReferenceImage } from '../core/generation/imageRequests';
import { systemClock, type BatchClock } from '../core/generation/requestClock';
import { MIME_TYPES } from '../core/images/imageInfo';
import type { ImageRequestOptions } from '../core/models/validation';

/**
 * Image batches through the `openai` SDK, with no VS Code: the senders the batch runner
 * (src/core/generation/batchRunner.ts) takes, and a generate and an edit for any caller, a
 * panel or a process with no UI. The SDK is handed in (the extension loads it at the first
 * request), and so is the client with its key, base URL and fetch.
 */

export type Sdk = typeof import('openai');

/** A client and what the batch's messages and clocks need besides it. */
export interface OpenAIConnection {
	readonly sdk: Sdk;
	readonly client: OpenAI;
	/** Kept out of every message. */
	readonly key: string;
	/** Each request's deadline; half of it (at least 5 s) the longest silence in a stream. */
	readonly requestTimeoutMs: number;
	/** The proxy requests go through, if any. */
	readonly proxy?: string;
	readonly inBrowser?: boolean;
}

/** Where the images go and what is said about them; the system clock unless another is given. */
export interface BatchServices<Stored> {
	readonly store: ImageSink<Stored>;
	readonly log: BatchLog;
	readonly clock?: BatchClock;
}

/** Classifies an error thrown by the SDK by its error classes (names do not survive minification). */
export function classifySdkError(error: unknown, sdk: Sdk, proxy: string | undefined): ApiFailure {
	if (error instanceof sdk.APIConnectionTimeoutError) {
		return { kind: 'timeout', message: error.message };
	}
	if (error instanceof sdk.APIConnectionError) {
		return connectionFailure(error, proxy);
	}
	if (error instanceof sdk.APIError) {
		return { kind: 'http', status: error.status, code: error.code, type: error.type, param: error.param, message: error.message, headers: error.headers };
	}
	return { kind: 'other', message: error instanceof Error ? error.message : String(error) };
}

function sender(connection: OpenAIConnection, send: (n: number, signal: AbortSignal) => Promise<Response>): ImageSender {
	return {
		send,
		classify: error => classifySdkError(error, connection.sdk, connection.proxy),
		listModels: async () => {
			const ids: string[] = [];
			for await (const model of connection.client.models.list()) {
				ids.push(model.id);
			}
			return ids;
		},
	};
}

/** Sends images.generate requests, streaming, for the images `options` ask for. */
export function generateSender(connection: OpenAIConnection, options: ImageRequestOptions): ImageSender {
	return sender(connection, (n, signal) => {
		const body = toGenerateParams(options, n);
		return connection.client.images.generate({ ...body, quality: body.quality as OpenAI.ImageGenerateParams['quality'] }, { signal }).asResponse();
	});
}

/** Sends images.edit requests, streaming, with the request's images (and mask or markup) as files. */
export function editSender(connection: OpenAIConnection, request: EditInputs): ImageSender {
	const file = (image: ReferenceImage) => connection.sdk.toFile(image.bytes, image.name, { type: MIME_TYPES[image.format] });
	return sender(connection, async (n, signal) => {
		const body = toEditParams(request, n);
		return connection.client.images.edit({
			...body,
			quality: body.quality as OpenAI.ImageEditParams['quality'],
			image: request.images.length === 1 ? await file(request.images[0]) : await Promise.all(request.images.map(file)),
			...(request.mask ? { mask: await file(request.mask) } : {}),
			...(request.markup ? { markup: await file(request.markup) } : {}),
		}, { signal }).asResponse();
	});
}

/** Generates `options.n` variants as parallel streaming requests of one image each, storing each as it arrives. */
export function generateImages<Stored>(connection: OpenAIConnection, options: ImageRequestOptions, services: BatchServices<Stored>, signal: AbortSignal, events: VariantEvents<Stored>): Promise<GenerationResult<Stored>> {
	return runBatch({
		operation: 'images.generate', strategy: 'parallel', options, recipe: generateRecipe(options),
		endpoint: connection.client.baseURL, key: connection.key, requestTimeoutMs: connection.requestTimeoutMs, proxy: connection.proxy, inBrowser: connection.inBrowser,
	}, { sender: generateSender(connection, options), store: services.store, log: services.log, clock: services.clock ?? systemClock }, signal, events);
}

/**
 * Edits: input images (the first is the one a mask or markup applies to), an instruction,
 * `n` variants in one request (the input images are paid for once), streaming partial images.
 */
export function editImages<Stored>(connection: OpenAIConnection, request: EditInputs, recipe: ImageRecipe, services: BatchServices<Stored>, signal: AbortSignal, events: VariantEvents<Stored>): Promise<GenerationResult<Stored>> {
	return runBatch({
		operation: 'images.edit', strategy: 'single', options: request, recipe,
		endpoint: connection.client.baseURL, key: connection.key, requestTimeoutMs: connection.requestTimeoutMs, proxy: connection.proxy, inBrowser: connection.inBrowser,
	}, { sender: editSender(connection, request), store: services.store, log: services.log, clock: services.clock ?? systemClock }, signal, events);
}
