import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix } from 'node:path';
import { MODELS } from '../../src/core/models/capabilities';

const root = join(__dirname, '..', '..', '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const readme = read('README.md');
const manifest = JSON.parse(read('package.json')) as {
	scripts: Record<string, string>;
	contributes: { configuration: { properties: Record<string, { default?: unknown }> }; commands: { command: string }[]; menus: { commandPalette: { command: string; when?: string }[] } };
};

/** Every document of the project: the README, CONTRIBUTING.md and docs/*.md (repository-relative paths). */
const DOCUMENTS = ['README.md', 'CONTRIBUTING.md', ...readdirSync(join(root, 'docs')).filter(name => name.endsWith('.md')).map(name => `docs/${name}`)];

/** The README's first lines: the two commands CI and reviewers read. */
const README_START = [
	'# Illustrate',
	'',
	'```sh',
	'npm ci && npm run package    # build the extension and package it as illustrate.vsix',
	'npm ci && npm test           # all tests: unit, integration in a real VS Code, end-to-end UI',
	'```',
];
/** The Marketplace page stays a page a user reads; the rest goes to CONTRIBUTING.md and docs/. */
const README_MAX_BYTES = 20_000;

/** The text outside fenced code blocks, so examples are not taken for links or headings. */
function prose(markdown: string): string {
	return markdown.replace(/^(```|~~~)[^\n]*\n[\s\S]*?^\1[^\n]*$/gm, '');
}

/** GitHub's anchor for a heading: lower case, punctuation dropped, spaces as hyphens. */
function slug(heading: string): string {
	return heading.replace(/[`*_]/g, '').trim().toLowerCase().replace(/[^\p{L}\p{N}\s-]/gu, '').replace(/\s/g, '-');
}

function anchorsOf(markdown: string): Set<string> {
	return new Set([...prose(markdown).matchAll(/^#{1,6}\s+(.+?)\s*#*$/gm)].map(match => slug(match[1])));
}

/** The relative link and image targets of a document, with inline code left out. */
function relativeTargets(markdown: string): string[] {
	const text = prose(markdown).replace(/`[^`\n]*`/g, '``');
	return [...text.matchAll(/\]\(<?([^)\s>]+)>?(?:\s+"[^"]*")?\)/g)].map(match => match[1]).filter(target => !/^[a-z][a-z0-9+.-]*:/i.test(target));
}

/** Problems with a document's relative links: missing files and anchors no heading makes. */
function brokenLinks(path: string, markdown: string): string[] {
	const problems: string[] = [];
	for (const target of relativeTargets(markdown)) {
		const [file, anchor] = target.split('#', 2);
		const resolved = file ? posix.normalize(posix.join(posix.dirname(path), decodeURIComponent(file))) : path;
		if (!existsSync(join(root, resolved))) {
			problems.push(`${path}: ${target} (no file ${resolved})`);
		} else if (anchor !== undefined && resolved.endsWith('.md') && !anchorsOf(resolved === path ? markdown : read(resolved)).has(anchor)) {
			problems.push(`${path}: ${target} (no heading #${anchor} in ${resolved})`);
		}
	}
	return problems;
}

/** The words of a message, without punctuation, its `{0}` placeholders as tokens of their own. */
function tokens(text: string): string[] {
	return text.match(/\{\d+\}|[\p{L}\p{N}_'’.-]*[\p{L}\p{N}]/gu) ?? [];
}

/**
 * Whether a quoted fragment can be part of a message the template makes: its words in order,
 * a placeholder standing for one to three of them (a model, a status, a file), the first and
 * last words possibly cut, and at least half of the words the template's own.
 */
function fragmentOf(fragment: readonly string[], template: readonly string[]): boolean {
	const from = (f: number, t: number, own: number): boolean => {
		if (f === fragment.length) {
			return own * 2 >= fragment.length;
		}
		if (t === template.length) {
			return false;
		}
		if (/^\{\d+\}$/.test(template[t])) {
			return [1, 2, 3].some(taken => f + taken <= fragment.length && from(f + taken, t + 1, own));
		}
		const word = fragment[f];
		const same = word === template[t] || (f === 0 && template[t].endsWith(word)) || (f === fragment.length - 1 && template[t].startsWith(word));
		return same && from(f + 1, t + 1, own + 1);
	};
	return template.some((_, start) => from(0, start, 0));
}

/** The files under a folder of the repository, recursively. */
function filesUnder(folder: string): string[] {
	return readdirSync(join(root, folder), { withFileTypes: true }).flatMap(entry => entry.isDirectory() ? filesUnder(`${folder}/${entry.name}`) : [`${folder}/${entry.name}`]);
}

/**
 * The messages Illustrate can show: the l10n bundle's, and the template literals of src/
 * (a message not localised yet), their `${…}` as placeholders.
 */
function messageTemplates(): string[] {
	const bundle = Object.keys(JSON.parse(read('l10n/bundle.l10n.json')) as Record<string, string>);
	const literals = filesUnder('src').filter(path => path.endsWith('.ts')).flatMap(path => [...read(path).matchAll(/`((?:[^`\\]|\\.)*)`/g)].map(match => match[1].replace(/\$\{[^}]*\}/g, '{0}')));
	return [...bundle, ...literals];
}

/** The messages a troubleshooting table quotes (its first column, in italics) that no template of the l10n bundle makes. */
function unknownMessages(markdown: string, templates: readonly string[][]): string[] {
	const table = markdown.slice(markdown.indexOf('| What you see |'));
	return [...table.matchAll(/^\| \*([^|*]+)\*/gm)].map(match => match[1]).filter(message => {
		const fragments = message.split('…').map(part => part.trim().replace(/^[.,:]+|[.,:]+$/g, '').trim()).filter(Boolean);
		return !fragments.every(fragment => templates.some(template => fragmentOf(tokens(fragment), template)));
	});
}

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

suite('The README is the page a user reads', () => {
	test(`it starts with the two commands and stays within ${README_MAX_BYTES} bytes`, () => {
		assert.deepEqual(readme.split('\n').slice(0, README_START.length), README_START);
		const bytes = Buffer.byteLength(readme, 'utf8');
		assert.ok(bytes <= README_MAX_BYTES, `README.md is ${bytes} bytes; move detail to docs/ or CONTRIBUTING.md (at most ${README_MAX_BYTES})`);
	});

	test('it keeps the sections a user looks for, with a heading for what is tested', () => {
		const headings = [...prose(readme).matchAll(/^##+ (.+)$/gm)].map(match => match[1]);
		for (const heading of ['Install', 'Quick start', 'Commands', 'Settings', 'Cost', 'Security and privacy', 'What is tested', 'Troubleshooting']) {
			assert.ok(headings.includes(heading), `README has no "${heading}" section`);
		}
	});
});

suite('The documents hold together', () => {
	test('every relative link and image resolves, anchors included', () => {
		const problems = DOCUMENTS.flatMap(path => brokenLinks(path, read(path)));
		assert.deepEqual(problems, []);
	});

	test('the link check finds a missing file and a missing heading', () => {
		assert.deepEqual(brokenLinks('docs/guide.md', '[a](nowhere.md) [b](security.md#no-such-heading) [c](security.md#what-is-tested) [d](#models)\n\n## Models\n'), [
			'docs/guide.md: nowhere.md (no file docs/nowhere.md)',
			'docs/guide.md: security.md#no-such-heading (no heading #no-such-heading in docs/security.md)',
		]);
	});

	test('every message the troubleshooting tables quote is one Illustrate shows', () => {
		const templates = messageTemplates().map(tokens);
		for (const path of ['README.md', 'docs/troubleshooting.md']) {
			const markdown = read(path);
			assert.ok(markdown.includes('| What you see |'), `${path} has no troubleshooting table`);
			assert.deepEqual(unknownMessages(markdown, templates), [], `${path} quotes messages Illustrate does not show`);
		}
		assert.deepEqual(unknownMessages('| What you see |\n|---|\n| *OpenAI is down for … minutes* | Wait. |\n| *n of m failed: …* | See. |\n', templates), ['OpenAI is down for … minutes']);
	});

	test('every npm script the documents name exists in package.json', () => {
		for (const path of DOCUMENTS) {
			for (const [, script] of read(path).matchAll(/npm run ([\w:-]+)/g)) {
				assert.ok(manifest.scripts[script] !== undefined, `${path} names npm run ${script}, which package.json does not have`);
			}
		}
	});

	test('every screenshot in docs/images is linked, and taken by the end-to-end test CONTRIBUTING.md names', () => {
		const contributing = read('CONTRIBUTING.md');
		const all = DOCUMENTS.map(read).join('\n');
		const takenBy = new Map<string, string>();
		for (const [, names, testFile] of contributing.matchAll(/^\| ((?:`[\w-]+\.png`(?:, )?)+) \| `(test\/e2e\/[\w.]+)` \|$/gm)) {
			for (const [, name] of names.matchAll(/`([\w-]+)\.png`/g)) {
				takenBy.set(name, testFile);
			}
		}
		for (const file of readdirSync(join(root, 'docs', 'images')).filter(name => name.endsWith('.png'))) {
			const name = file.replace(/\.png$/, '');
			assert.ok(all.includes(`images/${file})`), `no document shows docs/images/${file}`);
			const testFile = takenBy.get(name);
			assert.ok(testFile, `CONTRIBUTING.md does not say which test takes ${file}`);
			assert.ok(read(testFile).includes(`'${name}'`), `${testFile} does not take the screenshot ${name}`);
		}
	});

	test('CONTRIBUTING.md names every Debian package CI installs', () => {
		const contributing = read('CONTRIBUTING.md');
		const packages = [...read('.ci/run').matchAll(/missing\+=\(([\w.+-]+)\)/g)].map(match => match[1]);
		assert.ok(packages.length > 0, '.ci/run installs no Debian packages any more: update this test');
		for (const name of packages) {
			assert.ok(contributing.includes(`\`${name}\``), `CONTRIBUTING.md does not name ${name}`);
		}
	});
});

suite('docs/ follows the code', () => {
	const architecture = read('docs/architecture.md');

	test('architecture.md describes every folder of src/ and src/core/', () => {
		const folders = (path: string) => readdirSync(join(root, path)).filter(name => statSync(join(root, path, name)).isDirectory());
		for (const folder of folders('src')) {
			assert.ok(architecture.includes(`\`src/${folder}/\``), `docs/architecture.md does not describe src/${folder}/`);
		}
		for (const folder of folders('src/core')) {
			assert.ok(architecture.includes(`\`${folder}/\``), `docs/architecture.md does not describe src/core/${folder}/`);
		}
	});

	test('every source path architecture.md names exists', () => {
		const paths = [...architecture.matchAll(/`((?:src|webview|test|bench)\/[\w./-]*)`/g)].map(match => match[1].replace(/\/$/, ''));
		assert.ok(paths.length > 20);
		for (const path of paths) {
			assert.ok(existsSync(join(root, path)), `docs/architecture.md names ${path}, which does not exist`);
		}
	});

	test('architecture.md has the diagrams of the layers and of a click to a file and a link', () => {
		const diagrams = [...architecture.matchAll(/^```mermaid\n([\s\S]*?)^```$/gm)].map(match => match[1]);
		assert.ok(diagrams.some(diagram => diagram.startsWith('flowchart') && diagram.includes('src/core')), 'no flowchart of the layers');
		const path = diagrams.find(diagram => diagram.startsWith('sequenceDiagram'));
		assert.ok(path, 'no sequence diagram of the path from a click');
		for (const step of ['GenerateCommand', 'GeneratePanel', 'ImageService', 'ImageStore', 'ImageInserter', 'WorkspaceEdit']) {
			assert.ok(path.includes(step), `the path from a click does not pass ${step}`);
		}
	});

	test('performance.md has the bench table, a row for each size and variant count npm run bench measures', () => {
		const performance = read('docs/performance.md');
		const bench = read('bench/panel.ts');
		const sizes = /stringOption\('--sizes', '([^']+)'\)/.exec(bench)?.[1].split(',');
		const counts = /stringOption\('--counts', '([^']+)'\)/.exec(bench)?.[1].split(',');
		assert.ok(sizes && counts, 'bench/panel.ts no longer has --sizes and --counts defaults: update this test');
		assert.match(performance, /^\| size \| variants \| PNG size \| Illustrate panel [^|]*\| bare SDK script [^|]*\| ratio \|/m);
		for (const size of sizes) {
			for (const count of counts) {
				const [width, height] = size.split('x');
				const row = new RegExp(`^\\| ${width}×${height} \\| ${count} \\| [\\d.]+ MB \\| \\d+ ms \\| \\d+ ms \\| \\d\\.\\d\\d`, 'm');
				assert.match(performance, row, `docs/performance.md has no figures for ${size} × ${count}`);
			}
		}
		for (const rendering of ['side by side', 'one after another']) {
			for (const strategy of ['one request, n=4', '4 requests, n=1']) {
				assert.match(performance, new RegExp(`^\\| ${rendering} \\| ${strategy} \\| \\d+ ms \\| \\d+ ms \\| \\d+ ms \\|$`, 'm'), `no variant-strategy figures for ${rendering}, ${strategy}`);
			}
		}
	});

	test('the guide names every model Illustrate knows', () => {
		const guide = read('docs/guide.md');
		for (const model of MODELS) {
			assert.ok(guide.includes(`\`${model.id}\``), `docs/guide.md does not name ${model.id}`);
		}
	});
});
