import * as vscode from 'vscode';
import { AGENT_TOOL_NAMES, type AgentToolName } from './agentToolNames';

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
