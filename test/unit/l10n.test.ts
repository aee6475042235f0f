import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as l10n from '@vscode/l10n';
import { getL10nJson } from '@vscode/l10n-dev';
import { describeApiError } from '../../src/core/generation/apiErrors';
import { findModel } from '../../src/core/models/capabilities';
import { checkSize } from '../../src/core/models/validation';

const root = join(__dirname, '..', '..', '..');
/** The languages Illustrate ships besides English. */
const LANGUAGES = ['de'];

type Strings = Record<string, string>;

function readJson<T = Strings>(path: string): T {
	return JSON.parse(readFileSync(join(root, path), 'utf8')) as T;
}

/** The TypeScript sources whose strings the extractor reads: the extension and the panel. */
function sourceFiles(): { path: string; contents: string }[] {
	const walk = (folder: string): string[] => readdirSync(folder, { withFileTypes: true }).flatMap(entry => {
		const path = join(folder, entry.name);
		return entry.isDirectory() ? walk(path) : entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts') ? [path] : [];
	});
	return [...walk(join(root, 'src')), ...walk(join(root, 'webview'))].map(path => ({ path: relative(root, path), contents: readFileSync(path, 'utf8') }));
}

/** What `npm run l10n:export` would write, from these sources. */
async function extractedBundle(sources: readonly { contents: string }[]): Promise<Strings> {
	return await getL10nJson(sources.map(source => ({ extension: '.ts', contents: source.contents }))) as Strings;
}

/** Differences between the committed bundle and the extractor's: keys missing from it, keys no source uses. */
function bundleDrift(committed: Strings, extracted: Strings): string[] {
	return [
		...Object.keys(extracted).filter(key => !(key in committed)).map(key => `missing from l10n/bundle.l10n.json: ${JSON.stringify(key)}`),
		...Object.keys(committed).filter(key => !(key in extracted)).map(key => `in l10n/bundle.l10n.json but in no source: ${JSON.stringify(key)}`),
		...Object.keys(committed).filter(key => key in extracted && committed[key] !== extracted[key]).map(key => `changed in l10n/bundle.l10n.json: ${JSON.stringify(key)}`),
	];
}

/** l10n.t calls whose message is not a string literal: the extractor cannot see them, so they would never be translated. */
function untranslatableCalls(sources: readonly { path: string; contents: string }[]): string[] {
	return sources.flatMap(source => source.contents.split('\n').flatMap((line, index) =>
		/\bl10n\.t\(\s*(?!['"`]|$)/.test(line) ? [`${source.path}:${index + 1}: ${line.trim()}`] : []));
}

const placeholders = (text: string): string => [...new Set(text.match(/\{\d+\}/g) ?? [])].sort().join(' ');

/** Keys a translation lacks or has beyond the English, and translations whose {n} placeholders differ. */
function translationProblems(english: Strings, translated: Strings, file: string): string[] {
	return [
		...Object.keys(english).filter(key => typeof translated[key] !== 'string' || translated[key].trim() === '').map(key => `${file} has no translation of ${JSON.stringify(key)}`),
		...Object.keys(translated).filter(key => !(key in english)).map(key => `${file} translates ${JSON.stringify(key)}, which is not in the English`),
		...Object.keys(english).filter(key => typeof translated[key] === 'string' && placeholders(english[key]) !== placeholders(translated[key]))
			.map(key => `${file}: placeholders of ${JSON.stringify(key)} are "${placeholders(english[key])}", the translation has "${placeholders(translated[key])}"`),
	];
}

/** `%key%` references in package.json that package.nls.json does not define. */
function unresolvedManifestKeys(manifestText: string, nls: Strings): string[] {
	const keys = [...manifestText.matchAll(/"%([^"%]+)%"/g)].map(match => match[1]);
	return keys.filter(key => !(key in nls)).map(key => `package.json uses %${key}%, which package.nls.json does not define`);
}

suite('Localisation bundles stay in step with the sources', function () {
	this.timeout(60_000);
	const sources = sourceFiles();
	const bundle = readJson('l10n/bundle.l10n.json');
	const nls = readJson('package.nls.json');
	const manifestText = readFileSync(join(root, 'package.json'), 'utf8');
	// The extractor parses with tree-sitter: a few seconds for the whole tree, so once.
	let extraction: Promise<Strings> | undefined;
	const extracted = () => extraction ??= extractedBundle(sources);

	test('package.json names the l10n folder the bundles are in', () => {
		assert.equal(JSON.parse(manifestText).l10n, './l10n');
	});

	test('l10n/bundle.l10n.json is exactly what the extractor (npm run l10n:export) makes of src/ and webview/', async () => {
		assert.deepEqual(bundleDrift(bundle, await extracted()), []);
		assert.ok(Object.keys(bundle).length > 250, 'the core, the host and the panel all have their strings in the bundle');
	});

	test('the bundle check fails when a source gains a string or the bundle loses one', async () => {
		const newSource = { path: 'src/new.ts', contents: `import * as vscode from 'vscode';\nvscode.l10n.t('A new message for {0}', 'you');\n` };
		const withNewSource = { ...await extracted(), ...await extractedBundle([newSource]) };
		assert.deepEqual(bundleDrift(bundle, withNewSource), ['missing from l10n/bundle.l10n.json: "A new message for {0}"']);
		const { ['Pick one and Insert.']: _dropped, ...shrunk } = bundle;
		assert.deepEqual(bundleDrift(shrunk, await extracted()), ['missing from l10n/bundle.l10n.json: "Pick one and Insert."']);
		const { ['Brush']: _unused, ...withoutBrush } = await extracted();
		assert.deepEqual(bundleDrift(bundle, withoutBrush), ['in l10n/bundle.l10n.json but in no source: "Brush"']);
	});

	test('every l10n.t call passes its message as a literal, so the extractor sees it', () => {
		assert.deepEqual(untranslatableCalls(sources), []);
		assert.equal(untranslatableCalls([{ path: 'src/trust.ts', contents: 'const shown = vscode.l10n.t(MESSAGE);' }]).length, 1, 'the check finds a message passed in a variable');
	});

	for (const language of LANGUAGES) {
		test(`every string of the bundle and of package.nls.json has a ${language} translation with the same {n} placeholders`, () => {
			assert.deepEqual(translationProblems(bundle, readJson(`l10n/bundle.l10n.${language}.json`), `l10n/bundle.l10n.${language}.json`), []);
			assert.deepEqual(translationProblems(nls, readJson(`package.nls.${language}.json`), `package.nls.${language}.json`), []);
		});

		test(`the ${language} check fails on a missing translation, a lost placeholder and a stale key`, () => {
			const translated = readJson(`l10n/bundle.l10n.${language}.json`);
			const { ['Ready.']: _dropped, ...missing } = translated;
			assert.deepEqual(translationProblems(bundle, missing, 'copy'), ['copy has no translation of "Ready."']);
			const lostPlaceholder = { ...translated, 'Inserted {0} into {1}.': 'In {1} eingefügt.' };
			assert.deepEqual(translationProblems(bundle, lostPlaceholder, 'copy'), ['copy: placeholders of "Inserted {0} into {1}." are "{0} {1}", the translation has "{1}"']);
			const stale = { ...readJson(`package.nls.${language}.json`), 'command.removed.title': 'Entfernt' };
			assert.deepEqual(translationProblems(nls, stale, 'copy'), ['copy translates "command.removed.title", which is not in the English']);
		});
	}

	test('the core speaks the display language once @vscode/l10n has the bundle (as the host and the panel set it up)', () => {
		const model = findModel('gpt-image-2')!;
		assert.equal(checkSize(model, '1000x1000').message, 'Width and height must both be multiples of 16 for gpt-image-2; try 1008x1008.');
		l10n.config({ contents: readJson('l10n/bundle.l10n.de.json') });
		try {
			assert.equal(checkSize(model, '1000x1000').message, 'Breite und Höhe müssen für gpt-image-2 beide Vielfache von 16 sein; versuchen Sie 1008x1008.');
			assert.equal(describeApiError({ kind: 'http', status: 404, message: '404 not found' }, { model: 'gpt-image-9', endpoint: 'https://api.openai.com/v1' }).message,
				'Das Modell „gpt-image-9“ ist für Ihren API-Schlüssel nicht verfügbar. Wählen Sie ein anderes Modell.');
		} finally {
			l10n.config({ contents: {} });
		}
	});

	test('every %key% in package.json is defined in package.nls.json', () => {
		assert.deepEqual(unresolvedManifestKeys(manifestText, nls), []);
		assert.ok((manifestText.match(/"%[^"%]+%"/g) ?? []).length >= 40, 'the contributions are localised through package.nls.json');
	});

	test('the %key% check fails on a key package.nls.json lacks', () => {
		const tampered = manifestText.replace('"%command.generate.title%"', '"%command.generateImage.title%"');
		assert.deepEqual(unresolvedManifestKeys(tampered, nls), ['package.json uses %command.generateImage.title%, which package.nls.json does not define']);
	});
});
