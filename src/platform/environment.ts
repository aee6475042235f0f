/**
 * What differs between the Node extension host (desktop, remote, code-server) and the web
 * worker extension host (vscode.dev, github.dev), which has no `process`, no environment
 * variables and no Node modules.
 */

/** An environment variable, or undefined where there is no environment (the web). */
export function environmentVariable(name: string): string | undefined {
	return typeof process !== 'undefined' ? process.env[name] : undefined;
}

/** The environment variables, empty in the web. */
export function environment(): Readonly<Record<string, string | undefined>> {
	return typeof process !== 'undefined' ? process.env : {};
}
