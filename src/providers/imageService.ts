import * as vscode from 'vscode';
import type OpenAI from 'openai';
import { describeApiError, type ApiFailure, type ErrorAction } from '../core/generation/apiErrors';
import { costFromUsage } from '../core/cost/cost';
import { checkRequest, type ImageRequestOptions } from '../core/models/validation';
import type { ImageStore, StoredImage } from '../history/imageStore';
import { readSettings } from '../settings/settings';
import type { ApiKeys } from './apiKeys';

/** A failure the user can act on: its message is shown as is, its actions become buttons. */
export class IllustrateError extends Error {
	constructor(message: string, readonly actions: readonly ErrorAction[] = []) {
		super(message);
		this.name = 'IllustrateError';
	}
}

export class CancelledError extends Error {
	constructor() {
		super('The request was cancelled.');
		this.name = 'CancelledError';
	}
}

export interface GenerationResult {
	readonly images: readonly StoredImage[];
	readonly costUsd?: number;
}

/** Classifies an error thrown by the SDK by its error classes (names do not survive minification). */
function classifyFailure(error: unknown, sdk: typeof OpenAI): ApiFailure {
	if (error instanceof sdk.APIConnectionTimeoutError) {
		return { kind: 'timeout', message: error.message };
	}
	if (error instanceof sdk.APIConnectionError) {
		return { kind: 'connection', message: error.message };
	}
	if (error instanceof sdk.APIError) {
		return { kind: 'http', status: error.status, code: error.code, type: error.type, message: error.message, headers: error.headers };
	}
	return { kind: 'other', message: error instanceof Error ? error.message : String(error) };
}

/** Today as `YYYY-MM-DD` in UTC, the form the model table's dates use. */
export function today(): string {
	return new Date().toISOString().slice(0, 10);
}

const REQUEST_TIMEOUT_MS = 180_000;

/**
 * Sends image requests through the `openai` SDK and stores each image the moment it
 * arrives. The SDK is loaded on first use, not at activation.
 */
export class ImageService {
	constructor(
		private readonly keys: ApiKeys,
		private readonly store: ImageStore,
		private readonly log: vscode.LogOutputChannel,
	) { }

	/** Refuses what the API would refuse, before anything is sent or charged. */
	validate(options: ImageRequestOptions): void {
		const problems = checkRequest(options, { today: today() });
		if (problems.length > 0) {
			throw new IllustrateError(problems.map(problem => problem.message).join(' '));
		}
	}

	async generate(
		options: ImageRequestOptions,
		resource: vscode.Uri | undefined,
		signal: AbortSignal,
		onImage: (index: number, image: StoredImage) => void,
	): Promise<GenerationResult> {
		this.validate(options);
		const key = await this.keys.get('openai');
		if (!key) {
			throw new IllustrateError('No OpenAI API key is set. Set one with "Illustrate: Set API Key" (it is kept in VS Code\'s secret storage), or set OPENAI_API_KEY.', ['setApiKey']);
		}
		const settings = readSettings(resource);
		const { OpenAI } = await import('openai');
		const client: OpenAI = new OpenAI({
			apiKey: key.value,
			baseURL: settings.baseUrl,
			// A paid request is never retried blindly: a retry after a server error can charge twice.
			maxRetries: 0,
			timeout: REQUEST_TIMEOUT_MS,
		});
		const endpoint = client.baseURL;
		const started = Date.now();
		this.log.info(`images.generate model=${options.model} size=${options.size} quality=${options.quality} n=${options.n} format=${options.outputFormat} prompt=${options.prompt.length} chars → ${endpoint}`);

		let response: OpenAI.ImagesResponse;
		let requestId: string | null | undefined;
		try {
			const result = await client.images.generate({
				model: options.model,
				prompt: options.prompt,
				n: options.n,
				size: options.size,
				quality: options.quality as OpenAI.ImageGenerateParams['quality'],
				output_format: options.outputFormat,
				...(options.outputCompression !== undefined ? { output_compression: options.outputCompression } : {}),
				...(options.background ? { background: options.background } : {}),
			}, { signal }).withResponse();
			response = result.data;
			requestId = result.request_id;
		} catch (error) {
			if (signal.aborted) {
				this.log.info(`images.generate cancelled after ${Date.now() - started} ms`);
				throw new CancelledError();
			}
			const described = describeApiError(classifyFailure(error, OpenAI), { model: options.model, endpoint, key: key.value });
			this.log.error(`images.generate failed after ${Date.now() - started} ms: ${described.message}`);
			throw new IllustrateError(described.message, described.actions);
		}

		const images: StoredImage[] = [];
		for (const [index, item] of (response.data ?? []).entries()) {
			if (!item.b64_json) {
				continue;
			}
			const bytes = Buffer.from(item.b64_json, 'base64');
			const stored = await this.store.save(bytes, {
				prompt: options.prompt,
				model: options.model,
				size: response.size ?? options.size,
				quality: response.quality ?? options.quality,
				revisedPrompt: item.revised_prompt,
			}, options.outputFormat);
			images.push(stored);
			onImage(index, stored);
		}
		const costUsd = response.usage ? costFromUsage(response.usage) : undefined;
		this.log.info(`images.generate done in ${Date.now() - started} ms: ${images.length} image(s), request id ${requestId ?? 'unknown'}${costUsd !== undefined ? `, $${costUsd.toFixed(4)}` : ''}`);
		if (images.length === 0) {
			throw new IllustrateError('The response held no images. Try again.', ['retry']);
		}
		return { images, costUsd };
	}
}
