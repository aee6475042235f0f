import * as vscode from 'vscode';

/**
 * The language model tools package.json contributes (`contributes.languageModelTools`), by
 * name. The same names as src/core/agents/toolDefinitions.ts; a unit test holds the three
 * lists together. Here as plain strings so that activation loads nothing more.
 */
export const AGENT_TOOL_NAMES = ['illustrate_generate_image', 'illustrate_edit_image', 'illustrate_fill_missing_images'] as const;
export type AgentToolName = (typeof AGENT_TOOL_NAMES)[number];

/** The tools' code, in dist/features.js: loaded at the first call, never at activation. */
export type AgentToolSet = ReadonlyMap<AgentToolName, vscode.LanguageModelTool<unknown>>;

/**
 * Registers each tool with a stand-in that loads the tools at its first call and hands on.
 * Nothing where the host has no language model tools (an editor without `vscode.lm`).
 */
export function registerAgentTools(load: () => AgentToolSet, log: Pick<vscode.LogOutputChannel, 'info'>): vscode.Disposable[] {
	if (typeof vscode.lm?.registerTool !== 'function') {
		log.info('This editor has no language model tools (vscode.lm.registerTool): Illustrate\'s agent tools are not offered.');
		return [];
	}
	return AGENT_TOOL_NAMES.map(name => vscode.lm.registerTool<unknown>(name, {
		prepareInvocation: (options, token) => load().get(name)!.prepareInvocation?.(options, token),
		invoke: (options, token) => load().get(name)!.invoke(options, token),
	}));
}
