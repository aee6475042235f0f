import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
	contributes: { configuration: { properties: Record<string, { default?: unknown }> }; commands: { command: string }[]; menus: { commandPalette: { command: string; when?: string }[] } };
};

suite('README stays true to package.json', () => {
	const generator = join(root, 'scripts', 'settings-table.mjs');
	const check = (readmePath: string) => spawnSync(process.execPath, [generator, '--check', '--readme', readmePath], { encoding: 'utf8' });

	test('the settings table is the one generated from package.json', () => {
		const result = check(join(root, 'README.md'));
		assert.equal(result.status, 0, result.stderr);
		for (const key of Object.keys(manifest.contributes.configuration.properties)) {
			assert.ok(readme.includes(`| \`${key}\` |`), `README has a row for ${key}`);
		}
	});

	test('the check fails when the table drifts from package.json', () => {
		const copy = join(mkdtempSync(join(tmpdir(), 'illustrate-readme-')), 'README.md');
		writeFileSync(copy, readme.replace('| `illustrate.variants` | `2` |', '| `illustrate.variants` | `4` |'));
		const result = check(copy);
		assert.equal(result.status, 1);
		assert.match(result.stderr, /differs from package\.json/);
	});

	test('every command a user can run is in the README', () => {
		const hidden = new Set(manifest.contributes.menus.commandPalette.filter(entry => entry.when === 'false').map(entry => entry.command));
		for (const { command } of manifest.contributes.commands) {
			if (!hidden.has(command)) {
				assert.ok(readme.includes(`\`${command}\``), `README does not mention ${command}`);
			}
		}
	});
});
