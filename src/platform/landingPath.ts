/**
 * Where a write to a path of the local disk lands once every symbolic link on the way is
 * followed: the extension's write path (src/workspace/realPath.ts) and the MCP server's
 * (src/mcp/nodeWorkspace.ts) ask it, then the core decides (`realPathRefusal`). Node only:
 * the modules are imported when it is called, so the web bundle drops it with its caller.
 */

/** More links than this on one path are taken for a circle (Linux gives up at 40 too). */
const MAX_LINKS = 40;

function errorCode(error: unknown): string | undefined {
	return (error as NodeJS.ErrnoException | undefined)?.code;
}

/**
 * Where a write to `path` lands: every link on the way resolved, at the file and at each folder
 * above it, dangling ones too (a write follows a link to a file that does not exist yet and
 * creates it there). Undefined when the links go round in circles.
 */
export async function landingPathOnDisk(path: string): Promise<string | undefined> {
	const { readlink, realpath } = await import('node:fs/promises');
	const { basename, dirname, join, resolve } = await import('node:path');
	const rest: string[] = [];
	let current = resolve(path);
	let links = 0;
	for (;;) {
		try {
			const real = await realpath(current);
			return rest.length > 0 ? join(real, ...rest) : real;
		} catch (error) {
			if (errorCode(error) === 'ELOOP') {
				return undefined;
			}
			if (errorCode(error) !== 'ENOENT' && errorCode(error) !== 'ENOTDIR') {
				throw error;
			}
		}
		// Missing, or a link to something missing: follow the link by hand.
		const linkText = await readlink(current).catch(() => undefined);
		if (linkText !== undefined) {
			if (++links > MAX_LINKS) {
				return undefined;
			}
			// A relative link is relative to the real folder holding it.
			current = resolve(await realpath(dirname(current)), linkText);
			continue;
		}
		const parent = dirname(current);
		if (parent === current) {
			return path;
		}
		rest.unshift(basename(current));
		current = parent;
	}
}
