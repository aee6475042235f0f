import * as l10n from '@vscode/l10n';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { resolve } from 'node:path';
import * as sdk from 'openai';
import { IllustrateError } from '../core/errors';
import type { OpenAIConnection } from '../providers/openaiImages';
import { withBoundedErrorBodies } from '../providers/boundedFetch';
import { AgentTools } from './agentTools';
import { DEFAULT_HISTORY_MB, defaultHistoryFolder, HistoryFolder } from './historyFolder';
import { createMcpServer } from './mcpServer';
import { NodeWorkspace } from './nodeWorkspace';
import { agentSettings, MACHINE_SETTINGS, MAX_SETTINGS_BYTES, parseSettingsText, type AgentSettings, type ServerChoices } from './workspaceSettings';

/**
 * Illustrate's MCP server for agents outside VS Code (Claude Code, Codex CLI, …), over stdio:
 *   node dist/mcp.js --workspace <folder> [--history <folder>] [--history-max-mb <MB>] [--max-cost <USD>]
 * The key comes from OPENAI_API_KEY, the endpoint from OPENAI_BASE_URL (and the organization
 * and project from OPENAI_ORG_ID and OPENAI_PROJECT_ID), as the `openai` SDK reads them.
 * stdout is the protocol: everything else goes to stderr.
 */

const USAGE = 'Usage: node dist/mcp.js --workspace <folder> [--history <folder>] [--history-max-mb <MB>] [--max-cost <USD>]\n'
	+ '  --workspace  the folder images and links are written into (default: the current folder)\n'
	+ '  --history    where every generated image is kept first (default: ' + defaultHistoryFolder() + ')\n'
	+ '  --history-max-mb  the history\'s size cap; the oldest images beyond it are deleted (default: ' + DEFAULT_HISTORY_MB + ')\n'
	+ '  --max-cost   refuse requests estimated above this many USD; a workspace\'s illustrate.maxCostPerRequest can only lower it\n'
	+ 'Environment: OPENAI_API_KEY (required for requests), OPENAI_BASE_URL, OPENAI_ORG_ID, OPENAI_PROJECT_ID.';

export interface ServerArguments {
	readonly workspace: string;
	readonly history: string;
	readonly historyMaxMb: number;
	readonly maxCost?: number;
}

/** The command line's options; throws a message for the person who wrote it. */
export function parseArguments(argv: readonly string[], cwd: string): ServerArguments | 'help' {
	let workspace = cwd;
	let history = defaultHistoryFolder();
	let maxCost: number | undefined;
	let historyMaxMb = DEFAULT_HISTORY_MB;
	for (let index = 0; index < argv.length; index++) {
		const flag = argv[index];
		const value = argv[index + 1];
		if (flag === '--help' || flag === '-h') {
			return 'help';
		}
		if (!['--workspace', '--history', '--history-max-mb', '--max-cost'].includes(flag)) {
			throw new Error(`Unknown option ${flag}.\n${USAGE}`);
		}
		if (value === undefined) {
			throw new Error(`${flag} needs a value.\n${USAGE}`);
		}
		index++;
		if (flag === '--workspace') {
			workspace = resolve(cwd, value);
		} else if (flag === '--history') {
			history = resolve(cwd, value);
		} else if (flag === '--history-max-mb') {
			historyMaxMb = Number(value);
			if (!Number.isFinite(historyMaxMb) || historyMaxMb < 10) {
				throw new Error(`--history-max-mb takes a number of megabytes, at least 10, not ${value}.`);
			}
		} else {
			maxCost = Number(value);
			if (!Number.isFinite(maxCost) || maxCost < 0) {
				throw new Error(`--max-cost takes a number of USD such as 0.50, not ${value}.`);
			}
		}
	}
	return { workspace, history, historyMaxMb, ...(maxCost !== undefined ? { maxCost } : {}) };
}

function log(line: string): void {
	process.stderr.write(`[illustrate] ${line}\n`);
}

/** The workspace's settings, read at each call, confined and bounded as any file of the workspace. */
async function readWorkspaceSettings(workspace: NodeWorkspace, choices: ServerChoices): Promise<AgentSettings> {
	const file = workspace.pathOf('.vscode/settings.json');
	let values: Record<string, unknown> = {};
	try {
		const bytes = await workspace.read(file, MAX_SETTINGS_BYTES);
		if (bytes !== undefined) {
			const parsed = parseSettingsText(new TextDecoder().decode(bytes));
			values = parsed.values;
			if (parsed.problems.length > 0) {
				log(`.vscode/settings.json: ${parsed.problems.slice(0, 3).join('; ')}`);
			}
		}
	} catch (error) {
		log(`.vscode/settings.json was not read: ${error instanceof Error ? error.message : String(error)}`);
	}
	const ignored = MACHINE_SETTINGS.filter(key => key in values);
	if (ignored.length > 0) {
		log(`ignored in .vscode/settings.json (user settings only, never a workspace's): ${ignored.join(', ')}`);
	}
	return agentSettings(values, choices);
}

/** Unknown model names are allowed when the endpoint is not OpenAI's: that endpoint decides. */
function endpointIsCompatible(baseUrl: string | undefined): boolean {
	if (!baseUrl?.trim()) {
		return false;
	}
	try {
		return new URL(baseUrl).hostname !== 'api.openai.com';
	} catch {
		return true;
	}
}

function connectionFor(settings: AgentSettings): OpenAIConnection {
	const key = process.env.OPENAI_API_KEY?.trim();
	if (!key) {
		throw new IllustrateError(l10n.t('No API key: set OPENAI_API_KEY in the environment of the Illustrate MCP server (the "env" of its entry in your agent\'s MCP configuration), then start it again. Nothing was generated.'));
	}
	// A paid request is never retried by the SDK: the batch runner retries only where nothing can have been charged.
	const client = new sdk.OpenAI({ apiKey: key, maxRetries: 0, timeout: settings.requestTimeoutMs, fetch: withBoundedErrorBodies() });
	return { sdk, client, key, requestTimeoutMs: settings.requestTimeoutMs };
}

/** The extension's version: esbuild puts package.json into the bundle. */
function packageVersion(): string {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	return (require('../../package.json') as { version: string }).version;
}

export async function main(argv: readonly string[]): Promise<void> {
	let args: ServerArguments | 'help';
	try {
		args = parseArguments(argv, process.cwd());
	} catch (error) {
		process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
		process.exitCode = 2;
		return;
	}
	if (args === 'help') {
		process.stderr.write(`${USAGE}\n`);
		return;
	}
	const workspace = await NodeWorkspace.open(args.workspace);
	const choices: ServerChoices = args.maxCost !== undefined ? { maxCostPerRequest: args.maxCost } : {};
	const tools = new AgentTools({
		workspace,
		history: new HistoryFolder(args.history, args.historyMaxMb * 1024 * 1024, log),
		settings: () => readWorkspaceSettings(workspace, choices),
		connection: connectionFor,
		allowUnknownModels: endpointIsCompatible(process.env.OPENAI_BASE_URL),
		log,
	});
	const server = createMcpServer(tools, packageVersion(), log);
	await server.connect(new StdioServerTransport());
	log(`serving ${workspace.fsPath(workspace.root)}; images are kept first in ${args.history}`);
}

if (require.main === module) {
	main(process.argv.slice(2)).catch((error: unknown) => {
		process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
		process.exit(1);
	});
}
