import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { COMMAND_IDS } from '../../src/commandIds';

const root = join(__dirname, '..', '..', '..');

/**
 * What the .vsix may hold: the bundles, the panel, the manifest with its translations, the
 * walkthrough's media and the Marketplace documents. Sources, tests, maps, node_modules and
 * screenshots stay out.
 */
const SHIPPED = [
	/^package\.json$/,
	/^package\.nls(\.[a-z-]+)?\.json$/,
	/^l10n\/bundle\.l10n(\.[a-z-]+)?\.json$/,
	/^(README|CHANGELOG)\.md$/,
	/^LICENSE$/,
	/^dist\/extension\.js$/,
	/^dist\/(openai|features|imageWorker|copyWorker|mcp)\.js$/,
	/^dist\/lazy\/[a-z0-9-]+\.js$/,
	/^dist\/web\/extension\.js$/,
	/^media\/(icon\.png|panel\.js|panel\.css)$/,
	/^media\/walkthrough\/[a-z-]+\.(md|webp)$/,
];

/** Files every package must have (the build has run before the unit tests). */
const REQUIRED = ['package.json', 'package.nls.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'dist/extension.js', 'dist/features.js', 'dist/imageWorker.js', 'dist/copyWorker.js', 'dist/openai.js', 'dist/mcp.js', 'media/panel.js', 'media/panel.css', 'media/icon.png'];

function listed(ignoreFile?: string): string[] {
	const vsce = join(root, 'node_modules', '@vscode', 'vsce', 'vsce');
	const result = spawnSync(process.execPath, [vsce, 'ls', '--no-dependencies', ...(ignoreFile ? ['--ignoreFile', ignoreFile] : [])], { cwd: root, encoding: 'utf8' });
	assert.equal(result.status, 0, result.stderr);
	return result.stdout.split('\n').map(line => line.trim()).filter(Boolean);
}

suite('The .vsix ships only what must ship', () => {
	test('vsce ls lists the bundles, the manifest and its documents, and nothing else', () => {
		const files = listed();
		const unexpected = files.filter(file => !SHIPPED.some(pattern => pattern.test(file)));
		assert.deepEqual(unexpected, [], 'files that should not ship');
		for (const file of REQUIRED) {
			assert.ok(files.includes(file), `${file} is missing from the package`);
		}
		for (const lazy of ['mdast-util-from-markdown', 'htmlparser2', 'picomatch']) {
			assert.ok(files.includes(`dist/lazy/${lazy}.js`), `the lazily loaded ${lazy} must ship`);
		}
	});

	test('the check fails when .vscodeignore lets sources or maps through', () => {
		const ignore = readFileSync(join(root, '.vscodeignore'), 'utf8');
		const loose = join(mkdtempSync(join(tmpdir(), 'illustrate-vscodeignore-')), '.vscodeignore');
		writeFileSync(loose, ignore + '\n!src/extension.ts\n!dist/**\n');
		const files = listed(loose);
		assert.ok(files.includes('src/extension.ts'));
		assert.ok(files.filter(file => !SHIPPED.some(pattern => pattern.test(file))).includes('src/extension.ts'));
	});
});

suite('Activation registers every command package.json declares', () => {
	test('COMMAND_IDS is exactly the commands of package.json', () => {
		const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { contributes: { commands: { command: string }[] } };
		assert.deepEqual([...COMMAND_IDS].sort(), manifest.contributes.commands.map(entry => entry.command).sort());
	});
});
