import * as assert from 'node:assert/strict';
import { SettingsCache, type ConfigurationChange } from '../../src/core/settings/settingsCache';

/**
 * A configuration as VS Code keeps it: the user's values, the workspace's and each folder's;
 * a folder's value wins over the workspace's, the workspace's over the user's.
 */
interface Layers {
	user: Record<string, unknown>;
	workspace: Record<string, unknown>;
	folders: Record<string, Record<string, unknown>>;
}

/** A resource is "<folder>/<path>"; the folders are "a" and "b"; anything else is outside them. */
const FOLDERS = ['a', 'b'];
const folderOf = (resource: string | undefined) => FOLDERS.find(folder => resource?.startsWith(`${folder}/`));

function resolved(layers: Layers, key: string, folder: string | undefined): unknown {
	const inFolder = folder !== undefined ? layers.folders[folder]?.[key] : undefined;
	return inFolder ?? layers.workspace[key] ?? layers.user[key];
}

/** VS Code's change event: without a scope, whether a key under `section` changed anywhere; with one, whether its value there changed. */
function changeBetween(before: Layers, after: Layers): ConfigurationChange<string> {
	const keys = new Set([before.user, after.user, before.workspace, after.workspace, ...Object.values(before.folders), ...Object.values(after.folders)].flatMap(layer => Object.keys(layer)));
	const under = (section: string) => [...keys].filter(key => key === section || key.startsWith(`${section}.`));
	return {
		affectsConfiguration: (section, scope) => under(section).some(key => {
			if (scope === undefined) {
				return JSON.stringify([before.user[key], before.workspace[key], FOLDERS.map(folder => before.folders[folder]?.[key])])
					!== JSON.stringify([after.user[key], after.workspace[key], FOLDERS.map(folder => after.folders[folder]?.[key])]);
			}
			return resolved(before, key, scope) !== resolved(after, key, scope);
		}),
	};
}

interface Settings {
	readonly size: unknown;
	/** The user's limit is a ceiling a workspace or folder can only lower (as `costCeiling`). */
	readonly limit: number | undefined;
}

/** A configuration, a cache over it, and the reads the cache made. */
function fixture(initial: Layers) {
	let layers: Layers = structuredClone(initial);
	const reads: (string | undefined)[] = [];
	const read = (folder: string | undefined): Settings => {
		const limits = [layers.user['illustrate.limit'], layers.workspace['illustrate.limit'], folder !== undefined ? layers.folders[folder]?.['illustrate.limit'] : undefined]
			.filter((value): value is number => typeof value === 'number');
		return { size: resolved(layers, 'illustrate.size', folder), limit: limits.length > 0 ? Math.min(...limits) : undefined };
	};
	const cache = new SettingsCache<string, string, Settings>({
		scopeOf: folderOf,
		keyOf: folder => `folder:${folder}`,
		read: folder => {
			reads.push(folder);
			return read(folder);
		},
		resolvedSections: ['illustrate', 'markdown.copyFiles.destination'],
		layeredSettings: ['illustrate.limit'],
	});
	return {
		cache,
		reads,
		/** What reading now, without a cache, gives for `resource`. */
		truth: (resource: string | undefined) => read(folderOf(resource)),
		change(edit: (layers: Layers) => void) {
			const before = layers;
			layers = structuredClone(layers);
			edit(layers);
			cache.changed(changeBetween(before, layers));
		},
	};
}

const initial = (): Layers => ({
	user: { 'illustrate.size': '1024x1024', 'illustrate.limit': 1 },
	workspace: {},
	folders: { a: { 'illustrate.size': '1536x1024' }, b: { 'illustrate.limit': 0.5 } },
});

suite('Settings cache: read once per folder, dropped only by a change that affects it', () => {
	test('each folder is read once; the resources of one folder share its settings; outside every folder is the window', () => {
		const { cache, reads, truth } = fixture(initial());
		const first = cache.get('a/docs/one.md');
		assert.deepEqual(first, truth('a/docs/one.md'));
		assert.equal(cache.get('a/other.md'), first, 'the same object for the same folder');
		assert.deepEqual(cache.get('b/x.md'), { size: '1024x1024', limit: 0.5 });
		assert.deepEqual(cache.get(undefined), { size: '1024x1024', limit: 1 });
		assert.equal(cache.get('elsewhere/readme.md'), cache.get(undefined), 'a resource outside every folder has the window\'s settings');
		assert.deepEqual(reads, ['a', 'b', undefined]);
		assert.equal(cache.size, 3);
	});

	test('a folder\'s own change drops that folder only: the other folder is not read again', () => {
		const { cache, reads, truth, change } = fixture(initial());
		cache.get('a/one.md');
		cache.get('b/one.md');
		reads.length = 0;
		change(layers => layers.folders.a['illustrate.size'] = '1024x1536');
		assert.deepEqual(cache.get('a/one.md'), truth('a/one.md'));
		assert.equal(cache.get('a/one.md').size, '1024x1536');
		assert.deepEqual(cache.get('b/one.md'), truth('b/one.md'));
		assert.deepEqual(reads, ['a'], 'folder b kept its settings');
	});

	test('a user value a folder overrides leaves that folder as it was, and changes the others', () => {
		const { cache, reads, truth, change } = fixture(initial());
		cache.get('a/one.md');
		cache.get('b/one.md');
		cache.get(undefined);
		reads.length = 0;
		change(layers => layers.user['illustrate.size'] = '1024x1536');
		for (const resource of ['a/one.md', 'b/one.md', undefined]) {
			assert.deepEqual(cache.get(resource), truth(resource), `exact for ${resource}`);
		}
		assert.equal(cache.get('a/one.md').size, '1536x1024', 'folder a sets its own size');
		assert.deepEqual(reads, ['b', undefined]);
	});

	test('exact for a setting read layer by layer: the user\'s lower limit reaches a folder whose own limit is unchanged', () => {
		const { cache, truth, change } = fixture(initial());
		assert.equal(cache.get('b/one.md').limit, 0.5);
		// Folder b's resolved value stays 0.5 (its own): only the layers tell that the ceiling is now 0.25.
		change(layers => layers.user['illustrate.limit'] = 0.25);
		assert.equal(cache.get('b/one.md').limit, 0.25);
		assert.deepEqual(cache.get('b/one.md'), truth('b/one.md'));
		change(layers => layers.user['illustrate.limit'] = 2);
		assert.equal(cache.get('b/one.md').limit, 0.5);
		assert.deepEqual(cache.get(undefined), truth(undefined));
	});

	test('a change of another extension\'s settings keeps everything; the Markdown destination drops what it affects', () => {
		const { cache, reads, change } = fixture(initial());
		cache.get('a/one.md');
		cache.get('b/one.md');
		reads.length = 0;
		change(layers => layers.user['editor.tabSize'] = 3);
		change(layers => layers.user['markdown.preview.fontSize'] = 15);
		cache.get('a/one.md');
		cache.get('b/one.md');
		assert.deepEqual(reads, []);
		change(layers => layers.folders.b['markdown.copyFiles.destination'] = { '**/*': 'img/' });
		cache.get('a/one.md');
		cache.get('b/one.md');
		assert.deepEqual(reads, ['b']);
	});

	test('clear (the folders changed, the workspace was trusted) reads every folder again', () => {
		const { cache, reads } = fixture(initial());
		cache.get('a/one.md');
		cache.get(undefined);
		cache.clear();
		assert.equal(cache.size, 0);
		cache.get('a/one.md');
		cache.get(undefined);
		assert.deepEqual(reads, ['a', undefined, 'a', undefined]);
	});
});
