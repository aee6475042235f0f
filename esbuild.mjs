// Builds Illustrate: the extension (Node, CommonJS) into dist/, the web extension (a browser
// web worker, CommonJS) into dist/web/, the MCP server for agents into dist/mcp.js, the panel
// (browser, ESM) into media/, and with --tests the sources and tests, file by file, into out/.
//   node esbuild.mjs [--production] [--watch] [--tests]
import * as esbuild from 'esbuild';
import { readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');
const tests = process.argv.includes('--tests');

/** Prints build errors the way VS Code's problem matchers read them. */
const problemMatcherPlugin = {
	name: 'problem-matcher',
	setup(build) {
		build.onStart(() => {
			if (watch) {
				console.log('[watch] build started');
			}
		});
		build.onEnd(result => {
			for (const { text, location } of result.errors) {
				console.error(`✘ [ERROR] ${text}`);
				if (location) {
					console.error(`    ${location.file}:${location.line}:${location.column}:`);
				}
			}
			if (watch) {
				console.log('[watch] build finished');
			}
		});
	},
};

/**
 * The openai SDK is most of the extension's code and is needed only when a request is sent:
 * the extension bundle loads it from its own file (dist/openai.js) at the first request, so
 * activation never reads or compiles it.
 */
const sdkChunkPlugin = {
	name: 'openai-chunk',
	setup(build) {
		build.onResolve({ filter: /^openai$/ }, () => ({ path: './openai.js', external: true }));
	},
};

/**
 * The parsers (CommonMark, HTML, globs) are needed at the first document Illustrate reads,
 * not at activation: each is a file of its own in dist/lazy/, required where first used.
 * undici too: only requests through a proxy with http.proxyStrictSSL off need it (src/providers/proxy.ts).
 */
const LAZY_PACKAGES = ['mdast-util-from-markdown', 'htmlparser2', 'picomatch', 'undici'];
const lazyPackagesPlugin = {
	name: 'lazy-packages',
	setup(build) {
		build.onResolve({ filter: new RegExp(`^(${LAZY_PACKAGES.join('|')})$`) }, args => ({ path: `./lazy/${args.path}.js`, external: true }));
	},
};

/**
 * Activation loads only what VS Code needs at once (src/extension.ts); the commands, panels
 * and their services are dist/features.js, required at the first command or restored panel.
 */
const featuresChunkPlugin = {
	name: 'features-chunk',
	setup(build) {
		build.onResolve({ filter: /^\.\/features$/ }, () => ({ path: './features.js', external: true }));
	},
};

/**
 * The web extension (vscode.dev, github.dev) runs in the browser's web worker extension host,
 * which loads one CommonJS file and gives it `vscode` and nothing else: everything else is in
 * the bundle. Fails the build when a Node module is still imported after tree shaking.
 */
const webOnlyVscodePlugin = {
	name: 'web-only-vscode',
	setup(build) {
		build.onEnd(result => {
			const errors = Object.entries(result.metafile?.outputs ?? {}).flatMap(([file, output]) => {
				const foreign = output.imports.filter(({ path, external }) => external && path !== 'vscode').map(({ path }) => path);
				return foreign.length > 0 ? [{ text: `${file} imports ${foreign.join(', ')}, which the web worker extension host does not have` }] : [];
			});
			return { errors };
		});
	},
};

const shared = {
	bundle: true,
	minify: production,
	sourcemap: production ? false : 'linked',
	sourcesContent: false,
	logLevel: 'warning',
	plugins: [problemMatcherPlugin],
	define: { ILLUSTRATE_WEB: 'false' },
};

/** @type {esbuild.BuildOptions[]} */
const builds = [
	{
		...shared,
		// imageWorker: the image worker's thread (src/providers/imageWorker.ts), started at the first request;
		// copyWorker: its copy thread (src/providers/copyWorker.ts), started at the first card-size copy.
		entryPoints: { extension: 'src/extension.ts', features: 'src/features.ts', imageWorker: 'src/providers/imageWorker.ts', copyWorker: 'src/providers/copyWorker.ts' },
		outdir: 'dist',
		platform: 'node',
		format: 'cjs',
		target: 'node22',
		external: ['vscode'],
		plugins: [problemMatcherPlugin, sdkChunkPlugin, lazyPackagesPlugin, featuresChunkPlugin],
		// import('openai') becomes require('./openai.js'), which every extension host (and the
		// test runners) load the same way.
		supported: { 'dynamic-import': false },
	},
	{
		...shared,
		entryPoints: ['src/extension.ts'],
		outfile: 'dist/web/extension.js',
		platform: 'browser',
		format: 'cjs',
		target: 'es2022',
		// Node built-ins stay external so that the check below names any that survive.
		external: ['vscode', 'node:*'],
		// `worker` before `browser`: some packages' browser builds need a DOM a worker has not.
		conditions: ['worker'],
		define: { ILLUSTRATE_WEB: 'true' },
		// The SDK and the parsers are inside the bundle; import('openai') is evaluated at the first request.
		supported: { 'dynamic-import': false },
		metafile: true,
		plugins: [problemMatcherPlugin, webOnlyVscodePlugin],
	},
	{
		...shared,
		entryPoints: Object.fromEntries(LAZY_PACKAGES.map(name => [`lazy/${name}`, name])),
		outdir: 'dist',
		platform: 'node',
		format: 'cjs',
		target: 'node22',
	},
	{
		...shared,
		entryPoints: { openai: 'src/providers/openaiChunk.ts' },
		outdir: 'dist',
		platform: 'node',
		format: 'cjs',
		target: 'node22',
	},
	{
		...shared,
		// The MCP server for agents outside VS Code (src/mcp/main.ts): `node dist/mcp.js --workspace <folder>`.
		// One file with everything in it (the MCP SDK, the openai SDK, the parsers); no vscode on its path.
		entryPoints: { mcp: 'src/mcp/main.ts' },
		outdir: 'dist',
		platform: 'node',
		format: 'cjs',
		target: 'node22',
		// ES modules first: jsonc-parser's UMD build requires its parts by computed names, which no bundle can hold.
		mainFields: ['module', 'main'],
	},
	{
		...shared,
		entryPoints: { panel: 'webview/main.ts' },
		outdir: 'media',
		platform: 'browser',
		format: 'esm',
		target: 'es2022',
	},
	{
		...shared,
		entryPoints: { panel: 'webview/panel.css' },
		outdir: 'media',
	},
];

function typescriptFiles(folder) {
	return readdirSync(folder).flatMap(name => {
		const path = join(folder, name);
		if (statSync(path).isDirectory()) {
			return typescriptFiles(path);
		}
		return path.endsWith('.ts') && !path.endsWith('.d.ts') ? [path] : [];
	});
}

rmSync('dist', { recursive: true, force: true });
for (const name of ['panel.js', 'panel.js.map', 'panel.css', 'panel.css.map']) {
	rmSync(join('media', name), { force: true });
}

if (tests) {
	rmSync('out', { recursive: true, force: true });
	builds.push({
		entryPoints: [...typescriptFiles('src'), ...typescriptFiles('test'), ...typescriptFiles('bench')],
		outdir: 'out',
		outbase: '.',
		bundle: false,
		platform: 'node',
		format: 'cjs',
		target: 'node22',
		sourcemap: 'inline',
		logLevel: 'warning',
		define: { ILLUSTRATE_WEB: 'false' },
	});
}

if (watch) {
	const contexts = await Promise.all(builds.map(options => esbuild.context(options)));
	await Promise.all(contexts.map(context => context.watch()));
} else {
	await Promise.all(builds.map(options => esbuild.build(options)));
}
