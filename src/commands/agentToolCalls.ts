import * as vscode from 'vscode';
import { CancelledError, IllustrateError } from '../core/errors';
import { MIME_TYPES } from '../core/images/imageInfo';
import type { OutputFormat } from '../core/models/capabilities';

/**
 * A language model tool's call as VS Code runs it (the tools themselves are in agentTools.ts):
 * the tool object around a prepare and an invoke, the result with its images as data parts,
 * the errors as an agent gets them, and cancellation.
 */

/** `vscode.LanguageModelDataPart` (finalized in VS Code 1.106): absent in older hosts, where the result is text only. */
type DataPartClass = new (data: Uint8Array, mimeType: string) => unknown;
function dataPartClass(): DataPartClass | undefined {
	return (vscode as unknown as { LanguageModelDataPart?: DataPartClass }).LanguageModelDataPart;
}

/** A tool's result: its text, then each image as a data part the chat shows. */
export async function toolResult(text: string, images: readonly { readonly bytes: Uint8Array; readonly format: OutputFormat }[]): Promise<vscode.LanguageModelToolResult> {
	const DataPart = dataPartClass();
	const parts: unknown[] = [new vscode.LanguageModelTextPart(text)];
	if (DataPart) {
		parts.push(...images.map(image => new DataPart(image.bytes, MIME_TYPES[image.format])));
	}
	return new vscode.LanguageModelToolResult(parts as vscode.LanguageModelTextPart[]);
}

/** An error as the agent gets it: the panel's message, prefixed so it is clear where it came from. */
function agentError(error: unknown): unknown {
	if (error instanceof vscode.CancellationError) {
		return error;
	}
	if (error instanceof CancelledError) {
		return new vscode.CancellationError();
	}
	if (error instanceof IllustrateError) {
		return new Error(`Illustrate: ${error.message}`);
	}
	return error;
}

/** Aborts when the token is cancelled. */
export function abortOn(token: vscode.CancellationToken): { readonly signal: AbortSignal; dispose(): void } {
	const abort = new AbortController();
	if (token.isCancellationRequested) {
		abort.abort();
	}
	const listener = token.onCancellationRequested(() => abort.abort());
	return { signal: abort.signal, dispose: () => listener.dispose() };
}

/** Throws VS Code's cancellation when the token is cancelled. */
export function throwIfCancelled(token: vscode.CancellationToken): void {
	if (token.isCancellationRequested) {
		throw new vscode.CancellationError();
	}
}

/** A tool as `vscode.lm.registerTool` takes it: its question, and its call with its errors as an agent gets them (cancelled, whatever failed, once the token is). */
export function languageModelTool(prepare: (input: unknown) => Promise<vscode.PreparedToolInvocation>, invoke: (input: unknown, token: vscode.CancellationToken) => Promise<vscode.LanguageModelToolResult>): vscode.LanguageModelTool<unknown> {
	return {
		prepareInvocation: options => prepare(options.input),
		invoke: async (options, token) => {
			try {
				return await invoke(options.input, token);
			} catch (error) {
				throw agentError(token.isCancellationRequested ? new vscode.CancellationError() : error);
			}
		},
	};
}
