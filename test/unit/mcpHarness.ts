import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';

/**
 * Starts the built MCP server (dist/mcp.js, which the unit runner's build makes) the way an
 * agent does: the MCP SDK's client over stdio, with the key and the endpoint in its environment.
 */

export const KEY = 'sk-mcp-test-0123456789abcdef';
export const MCP_BUNDLE = join(__dirname, '..', '..', '..', 'dist', 'mcp.js');

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

export interface Started {
	readonly client: Client;
	/** What the server wrote to stderr so far. */
	readonly stderr: () => string;
	/** Resolves once the server's stderr (its log) matches `pattern`. */
	logged(pattern: RegExp): Promise<void>;
	close(): Promise<void>;
}

/** A fresh folder (its real path: the temp folder can be behind a link, as on macOS). */
export function freshFolder(prefix: string): string {
	return realpathSync(mkdtempSync(join(tmpdir(), prefix)));
}

/** Writes files (text or bytes) under `root`, making their folders. */
export function writeFiles(root: string, files: Record<string, string | Uint8Array>): void {
	for (const [path, contents] of Object.entries(files)) {
		mkdirSync(dirname(join(root, path)), { recursive: true });
		writeFileSync(join(root, path), contents);
	}
}

/** Every file under `root`, `/`-separated and relative to it, sorted. */
export function listFiles(root: string): string[] {
	return readdirSync(root, { recursive: true, withFileTypes: true })
		.filter(entry => entry.isFile() || entry.isSymbolicLink())
		.map(entry => join(entry.parentPath, entry.name).slice(root.length + 1).replace(/\\/g, '/'))
		.sort();
}

export const readText = (root: string, path: string) => readFileSync(join(root, path), 'utf8');

export async function startMcp(options: { workspace: string; history: string; baseUrl: string; key?: string; args?: readonly string[] }): Promise<Started> {
	const env: Record<string, string> = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', OPENAI_BASE_URL: options.baseUrl };
	if (options.key !== '') {
		env.OPENAI_API_KEY = options.key ?? KEY;
	}
	const transport = new StdioClientTransport({
		command: process.execPath,
		args: [MCP_BUNDLE, '--workspace', options.workspace, '--history', options.history, ...(options.args ?? [])],
		env,
		stderr: 'pipe',
	});
	let stderr = '';
	const waiting: { pattern: RegExp; resolve: () => void }[] = [];
	transport.stderr?.on('data', (chunk: Buffer) => {
		stderr += chunk.toString('utf8');
		for (const waiter of waiting.filter(candidate => candidate.pattern.test(stderr))) {
			waiting.splice(waiting.indexOf(waiter), 1);
			waiter.resolve();
		}
	});
	const logged = (pattern: RegExp) => pattern.test(stderr) ? Promise.resolve() : new Promise<void>(resolve => waiting.push({ pattern, resolve }));
	const client = new Client({ name: 'illustrate-test', version: '1.0.0' });
	await client.connect(transport);
	return { client, stderr: () => stderr, logged, close: () => client.close() };
}

/** Calls a tool and returns its result with the text joined. */
export async function callTool(client: Client, name: string, args: Record<string, unknown>): Promise<CallToolResult & { text: string }> {
	const result = await client.callTool({ name, arguments: args }) as CallToolResult;
	const text = result.content.filter(part => part.type === 'text').map(part => part.text).join('\n');
	return { ...result, text };
}

/** The image part of a result, decoded. */
export function imagePart(result: CallToolResult): { bytes: Buffer; mimeType: string } {
	const image = result.content.find(part => part.type === 'image');
	assert.ok(image && image.type === 'image', 'the result carries the image');
	return { bytes: Buffer.from(image.data, 'base64'), mimeType: image.mimeType };
}
