import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');
const readme = readFileSync(join(root, 'README.md'), 'utf8');
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
	contributes: { configuration: { properties: Record<string, { default?: unknown }> }; commands: { command: string }[]; menus: { commandPalette: { command: string; when?: string }[] } };
};

suite('README stays true to package.json', () => {
	test('every setting has a row in the settings table, with its default', () => {
		for (const [key, schema] of Object.entries(manifest.contributes.configuration.properties)) {
			const row = readme.split('\n').find(line => line.startsWith(`| \`${key}\` |`));
			assert.ok(row, `README has no row for ${key}`);
			const expectedDefault = schema.default === undefined || schema.default === null || schema.default === '' ? '*(empty)*' : `\`${typeof schema.default === 'object' ? JSON.stringify(schema.default) : String(schema.default)}\``;
			assert.equal(row.split('|')[2].trim(), expectedDefault, `the default of ${key}`);
		}
	});

	test('no row for a setting that does not exist', () => {
		const documented = [...readme.matchAll(/^\| `(illustrate\.[\w.]+)` \|/gm)].map(match => match[1]);
		for (const key of documented) {
			assert.ok(manifest.contributes.configuration.properties[key], `README documents ${key}, which package.json does not declare`);
		}
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
