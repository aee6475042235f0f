/**
 * The language model tools package.json contributes (`contributes.languageModelTools`), by
 * name: the names of src/core/agents/toolDefinitions.ts, here with no import at all so that
 * activation (which registers them) loads nothing more. A unit test holds the lists together.
 */
export const AGENT_TOOL_NAMES = ['illustrate_generate_image', 'illustrate_edit_image', 'illustrate_fill_missing_images'] as const;
export type AgentToolName = (typeof AGENT_TOOL_NAMES)[number];
