/** A command: its id and what it does. Registered by activation (src/extension.ts). */
export interface Command {
	readonly id: string;
	execute(...args: unknown[]): unknown;
}
