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
 * Node's file system and path modules, imported once: each `import()` allocates (a promise,
 * the loader's URL and trace objects), 14 of the 314 MB the extension host's main thread
 * allocated applying 1,000 batch results, a check of each file.
 */
let nodeModules: Promise<readonly [typeof import('node:fs/promises'), typeof import('node:path')]> | undefined;

/** Node's `fs/promises` and `path`, imported at the first call (Node extension host and MCP server only). */
export function nodeFileModules(): Promise<readonly [typeof import('node:fs/promises'), typeof import('node:path')]> {
	nodeModules ??= Promise.all([import('node:fs/promises'), import('node:path')]);
	return nodeModules;
}

/**
 * Where a write to `path` lands: every link on the way resolved, at the file and at each folder
 * above it, dangling ones too (a write follows a link to a file that does not exist yet and
 * creates it there). Undefined when the links go round in circles.
 */
export async function landingPathOnDisk(path: string): Promise<string | undefined> {
	const [{ readlink, realpath }, { basename, dirname, join, resolve }] = await nodeFileModules();
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
