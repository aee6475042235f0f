import * as vscode from 'vscode';
import type { BatchEndpoint } from '../core/batchApi/batchInput';
import { chunksOf } from '../core/batchApi/batchOutput';
import { readRemoteBatch, type RemoteBatch } from '../core/batchApi/remoteBatch';
import { IllustrateError } from '../core/errors';
import { clientConnection, configuredClient } from '../providers/openaiClient';
import type { ApiKeys } from '../providers/apiKeys';
import type { Sdk } from '../providers/openaiImages';

/** What the batch service asks of the Batch API: files and batches. */
export interface BatchApi {
	/** Uploads a file; its id. */
	uploadFile(bytes: Uint8Array, name: string, purpose: 'batch' | 'vision'): Promise<string>;
	createBatch(inputFileId: string, endpoint: BatchEndpoint): Promise<RemoteBatch>;
	retrieve(batchId: string): Promise<RemoteBatch>;
	cancel(batchId: string): Promise<RemoteBatch>;
	/** A file's content as a stream of chunks, never whole. */
	content(fileId: string): Promise<AsyncIterable<Uint8Array>>;
}

let sdk: Promise<Sdk> | undefined;

/**
 * The Batch API of the configured provider through the `openai` SDK (loaded at the first use),
 * with the key from secret storage and the endpoint from user settings, as every request.
 * Azure OpenAI's batches work by deployment and are not offered: a clear refusal instead.
 */
export async function sdkBatchApi(keys: ApiKeys, resource: vscode.Uri | undefined): Promise<BatchApi> {
	const configured = await configuredClient(keys, resource);
	if (configured.config.kind === 'azure') {
		throw new IllustrateError(vscode.l10n.t('Batches go through OpenAI\'s Batch API; Azure OpenAI is not supported for them. Use Now instead, or switch illustrate.provider to openai.'));
	}
	const { client } = await clientConnection(configured, await (sdk ??= import('openai')));
	return {
		async uploadFile(bytes, name, purpose) {
			const { toFile } = await (sdk ??= import('openai'));
			const file = await client.files.create({ file: await toFile(bytes, name), purpose });
			if (typeof file.id !== 'string' || file.id.length === 0 || file.id.length > 200) {
				throw new Error('The Files API answered without a file id.');
			}
			return file.id;
		},
		async createBatch(inputFileId, endpoint) {
			return readRemoteBatch(await client.batches.create({ input_file_id: inputFileId, endpoint, completion_window: '24h', metadata: { source: 'illustrate' } }));
		},
		async retrieve(batchId) {
			return readRemoteBatch(await client.batches.retrieve(batchId));
		},
		async cancel(batchId) {
			return readRemoteBatch(await client.batches.cancel(batchId));
		},
		async content(fileId) {
			const response = await client.files.content(fileId);
			if (!response.body) {
				throw new Error('The Files API sent no content.');
			}
			return chunksOf(response.body as ReadableStream<Uint8Array>);
		},
	};
}
