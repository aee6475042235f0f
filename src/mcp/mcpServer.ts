import * as l10n from '@vscode/l10n';
import { Server } from '@modelcontextprotocol/sdk/server/index.js';
import { CallToolRequestSchema, ListToolsRequestSchema, type CallToolResult, type Tool } from '@modelcontextprotocol/sdk/types.js';
import { EDIT_IMAGE_TOOL, FILL_MISSING_IMAGES_TOOL, GENERATE_IMAGE_TOOL, TOOL_DEFINITIONS } from '../core/agents/toolDefinitions';
import { CancelledError, IllustrateError } from '../core/errors';
import { MIME_TYPES } from '../core/images/imageInfo';
import { errorKind } from '../core/logging/logShape';
import type { AgentTools, ToolOutput } from './agentTools';

/**
 * The MCP server over the agent tools: the tools as the core defines them (their JSON Schemas
 * as they are, so the low-level `Server` rather than `McpServer`, which wants zod schemas), each
 * call's result as text plus the image, every failure as a tool error (`isError`) with the
 * same actionable message the extension shows.
 */

const INSTRUCTIONS = 'Illustrate makes images for the documents of this workspace and saves them where the project keeps images, with the link already written. '
	+ 'To illustrate a document, write a placeholder such as ![a diagram of the request flow]() and call illustrate_fill_missing_images, or call illustrate_generate_image with `document` (and `placeholder`). Each image costs money: check a result before asking again.';

/** The tools as MCP lists them. */
export function mcpTools(): Tool[] {
	return TOOL_DEFINITIONS.map(tool => ({
		name: tool.name,
		title: tool.displayName,
		description: tool.description,
		inputSchema: tool.inputSchema as Tool['inputSchema'],
		annotations: { title: tool.displayName, readOnlyHint: false, destructiveHint: false, idempotentHint: false, openWorldHint: true },
	}));
}

function toolResult(output: ToolOutput): CallToolResult {
	const content: CallToolResult['content'] = [{ type: 'text', text: output.text }];
	if (output.image) {
		content.push({ type: 'image', data: Buffer.from(output.image.data.buffer, output.image.data.byteOffset, output.image.data.byteLength).toString('base64'), mimeType: MIME_TYPES[output.image.format] });
	}
	return { content };
}

function toolError(message: string): CallToolResult {
	return { content: [{ type: 'text', text: message }], isError: true };
}

export function createMcpServer(tools: AgentTools, version: string, log: (line: string) => void): Server {
	const server = new Server({ name: 'illustrate', title: 'Illustrate', version }, { capabilities: { tools: {} }, instructions: INSTRUCTIONS });
	server.setRequestHandler(ListToolsRequestSchema, () => ({ tools: mcpTools() }));
	server.setRequestHandler(CallToolRequestSchema, async (request, extra): Promise<CallToolResult> => {
		const { name: requested, arguments: input } = request.params;
		const name = /^[a-z_]{1,64}$/.test(requested) ? requested : `(a tool name of ${requested.length} characters)`;
		const started = Date.now();
		try {
			const run = requested === GENERATE_IMAGE_TOOL ? tools.generate.bind(tools)
				: requested === EDIT_IMAGE_TOOL ? tools.edit.bind(tools)
					: requested === FILL_MISSING_IMAGES_TOOL ? tools.fill.bind(tools)
						: undefined;
			if (!run) {
				return toolError(l10n.t('There is no tool {0}; the tools are {1}.', requested, TOOL_DEFINITIONS.map(tool => tool.name).join(', ')));
			}
			const token = request.params._meta?.progressToken;
			let step = 0;
			const progress = token === undefined ? undefined : (message: string) => {
				void extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: ++step, message } }).catch(() => undefined);
			};
			const result = toolResult(await run(input ?? {}, extra.signal, progress));
			log(`${name} done in ${Date.now() - started} ms`);
			return result;
		} catch (error) {
			if (error instanceof CancelledError) {
				log(`${name} cancelled after ${Date.now() - started} ms`);
				return toolError(error.message);
			}
			const message = error instanceof IllustrateError ? error.message : l10n.t('Illustrate failed: {0}', error instanceof Error ? error.message : String(error));
			// The message can quote a prompt or a file name: the log says its kind only.
			log(`${name} failed after ${Date.now() - started} ms: ${errorKind(error)}`);
			if (!(error instanceof IllustrateError) && error instanceof Error && error.stack) {
				// Where an unexpected failure happened: the stack's frames, not its message.
				log(error.stack.split('\n').filter(line => /^\s+at /.test(line)).slice(0, 8).join('\n'));
			}
			return toolError(message);
		}
	});
	return server;
}
