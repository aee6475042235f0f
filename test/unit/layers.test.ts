import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';

/**
 * The layers of src/, lowest first (docs/architecture.md, "The layers"). A module may import
 * its own folder and any lower layer, never a higher one, nor another folder of its own layer.
 */
const LAYERS: readonly (readonly string[])[] = [
	['core'],
	['platform', 'lifecycle', 'protocol', 'commandIds.ts'],
	['settings'],
	['history', 'providers', 'workspace', 'cost'],
	['editor', 'batch'],
	['services.ts'],
	['panel'],
	['commands'],
	['features.ts'],
	// Two entry points, neither importing the other: the extension, and the MCP server for agents outside VS Code.
	['extension.ts', 'mcp'],
];

/**
 * Imports that break the rule today, each to be removed by issue #15 (the API client handing
 * images to a sink instead of writing into the history store). The test fails when one
 * of these goes away, so the list only shrinks.
 */
const KNOWN: readonly { readonly edge: string; readonly why: string }[] = [
];

const root = join(__dirname, '..', '..', '..');
const src = join(root, 'src');

function sourceFiles(folder: string): string[] {
	return readdirSync(folder, { withFileTypes: true }).flatMap(entry => entry.isDirectory()
		? sourceFiles(join(folder, entry.name))
		: entry.name.endsWith('.ts') ? [join(folder, entry.name)] : []);
}

/** The top-level part of src/ a path belongs to: a folder, or a file directly in src/. */
function partOf(file: string): string {
	return relative(src, file).replace(/\\/g, '/').split('/')[0];
}

function layerOf(part: string): number {
	const layer = LAYERS.findIndex(parts => parts.includes(part));
	assert.ok(layer >= 0, `src/${part} has no layer: add it to LAYERS and to docs/architecture.md`);
	return layer;
}

/** Every import of another part of src/, as "from -> to", with the files that make it. */
function crossImports(files: readonly string[]): Map<string, string[]> {
	const edges = new Map<string, string[]>();
	for (const file of files) {
		const text = readFileSync(file, 'utf8');
		for (const match of text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'(\.[^']+)'/gm)) {
			const target = normalize(join(dirname(file), match[1]));
			const from = partOf(file);
			const to = partOf(target.endsWith('.ts') ? target : `${target}.ts`);
			if (from !== to) {
				const edge = `${from} -> ${to}`;
				edges.set(edge, [...(edges.get(edge) ?? []), relative(root, file)]);
			}
		}
	}
	return edges;
}

/** The imports that run up a layer or sideways to another part of the same layer. */
function violations(edges: Map<string, string[]>): string[] {
	return [...edges.keys()].filter(edge => {
		const [from, to] = edge.split(' -> ');
		return layerOf(to) >= layerOf(from);
	}).sort();
}

suite('Layers: no module imports a higher layer', () => {
	const files = sourceFiles(src);
	const edges = crossImports(files);

	test('the core imports nothing outside the core, and not vscode', () => {
		const core = files.filter(file => partOf(file) === 'core');
		const outside = [...crossImports(core).keys()];
		assert.deepEqual(outside, []);
		const vscode = core.filter(file => /from\s+'vscode'|require\('vscode'\)/.test(readFileSync(file, 'utf8')));
		assert.deepEqual(vscode.map(file => relative(root, file)), []);
	});

	test('every other import runs down the layers, but for the known ones issue #15 removes', () => {
		const found = violations(edges);
		const unexpected = found.filter(edge => !KNOWN.some(known => known.edge === edge));
		assert.deepEqual(unexpected.map(edge => `${edge} (${edges.get(edge)?.join(', ')})`), [], 'a module imports a higher layer or a sibling part of its own');
	});

	test('the list of known exceptions only shrinks', () => {
		const found = violations(edges);
		const gone = KNOWN.filter(known => !found.includes(known.edge)).map(known => known.edge);
		assert.deepEqual(gone, [], 'these imports are gone: remove them from KNOWN');
	});

	/** The files reached from `entry` through relative imports (static, `require` and `import()`), and those among them that import vscode. */
	function importWalk(entry: string): { seen: Set<string>; withVscode: string[] } {
		const seen = new Set<string>();
		const next = [entry];
		const withVscode: string[] = [];
		for (let file = next.pop(); file; file = next.pop()) {
			if (seen.has(file)) {
				continue;
			}
			seen.add(file);
			const text = readFileSync(file, 'utf8');
			if (/from\s+'vscode'|(require|import)\(\s*'vscode'\s*\)/.test(text)) {
				withVscode.push(relative(root, file));
			}
			for (const match of text.matchAll(/^\s*(?:import|export)\s[^;]*?from\s+'(\.[^']+)'|\b(?:require|import)\(\s*'(\.[^']+)'\s*\)/gm)) {
				const target = normalize(join(dirname(file), match[1] ?? match[2]));
				if (!target.endsWith('.json')) {
					next.push(target.endsWith('.ts') ? target : `${target}.ts`);
				}
			}
		}
		return { seen, withVscode };
	}

	test('a caller with no UI (openaiImages.ts) reaches the batch runner with no vscode import on its path', () => {
		const { seen, withVscode } = importWalk(join(src, 'providers', 'openaiImages.ts'));
		assert.ok(seen.has(join(src, 'core', 'generation', 'batchRunner.ts')), 'the walk reaches the runner');
		assert.deepEqual(withVscode, []);
	});

	test('the MCP server (src/mcp/main.ts, dist/mcp.js) has no vscode import on its path', () => {
		const { seen, withVscode } = importWalk(join(src, 'mcp', 'main.ts'));
		for (const reached of [join(src, 'providers', 'openaiImages.ts'), join(src, 'core', 'agents', 'toolDefinitions.ts'), join(src, 'core', 'destination', 'writeTarget.ts'), join(src, 'platform', 'landingPath.ts')]) {
			assert.ok(seen.has(reached), `the walk reaches ${relative(root, reached)}`);
		}
		assert.deepEqual(withVscode, []);
		assert.deepEqual(importWalk(join(src, 'workspace', 'realPath.ts')).withVscode, ['src/workspace/realPath.ts'], 'the walk finds a vscode import');
	});

	test('the check finds an import that runs up', () => {
		const fake = new Map([['core -> panel', ['src/core/x.ts']], ['settings -> providers', ['src/settings/x.ts']], ['panel -> core', ['src/panel/x.ts']]]);
		assert.deepEqual(violations(fake), ['core -> panel', 'settings -> providers']);
	});
});
