import * as assert from 'node:assert/strict';
import type { DocumentKind } from '../../src/core/links/documentKinds';
import { CUSTOM_ID_MAX_LENGTH, customIdOf, findPlaceholder, findPlaceholders, isPlaceholderIdentity, workspacePlaceholders } from '../../src/core/workspaceFill/placeholderIdentity';

const URI = 'file:///site/docs/guide.md';

function identities(text: string, kind: DocumentKind = 'markdown') {
	return workspacePlaceholders(URI, text, kind).map(placeholder => placeholder.identity);
}

/** The alt text and the line of the placeholder an identity finds in `text`. */
function where(text: string, kind: DocumentKind, identity: Parameters<typeof findPlaceholder>[2]): [string, number] | undefined {
	const image = findPlaceholder(text, kind, identity);
	return image ? [image.alt, text.slice(0, image.start).split('\n').length - 1] : undefined;
}

const GUIDE = [
	'# Install',
	'',
	'Download the installer.',
	'',
	'![the installer window]()',
	'',
	'# Login',
	'',
	'The login flow has two steps.',
	'',
	'![a diagram]()',
	'',
	'# Logout',
	'',
	'Logging out clears the session.',
	'',
	'![a diagram]()',
	'',
	'![a photo](photo.png)',
	'',
].join('\n');

suite('placeholder identity: the same placeholder after edits elsewhere', () => {
	test('every placeholder with alt text gets one; images with a target and empty alt texts get none', () => {
		const found = workspacePlaceholders(URI, `${GUIDE}\n![]()\n`, 'markdown', { name: 'Flat', instruction: 'flat vector' });
		assert.deepEqual(found.map(placeholder => [placeholder.alt, placeholder.identity.occurrence, placeholder.range.line]), [['the installer window', 0, 4], ['a diagram', 0, 10], ['a diagram', 1, 16]]);
		assert.equal(found[0].prompt, 'the installer window\n\nStyle: flat vector');
		assert.notEqual(found[1].identity.context, found[2].identity.context, 'duplicates are told apart by the line before them');
		assert.equal(GUIDE.slice(found[0].range.start, found[0].range.end), '![the installer window]()');
	});

	test('lines added above, and a placeholder filled above, leave each found where it is', () => {
		const [installer, login, logout] = identities(GUIDE);
		const edited = `---\ntitle: Guide\n---\n\nIntro paragraph.\n\n${GUIDE.replace('![the installer window]()', '![the installer window](images/installer.png)')}`;
		assert.equal(where(edited, 'markdown', installer), undefined, 'a filled placeholder is no placeholder');
		assert.deepEqual(where(edited, 'markdown', login), ['a diagram', 16]);
		assert.deepEqual(where(edited, 'markdown', logout), ['a diagram', 22]);
	});

	test('the first of two equal placeholders filled: the second is still the second, by its context', () => {
		const [, , logout] = identities(GUIDE);
		const filled = GUIDE.replace('![a diagram]()', '![a diagram](images/a-diagram.png)');
		assert.deepEqual(where(filled, 'markdown', logout), ['a diagram', 16]);
	});

	test('moved sections keep their placeholders, and two equal ones are never given the same place', () => {
		const ids = identities(GUIDE);
		const sections = GUIDE.split(/(?=^# )/m);
		const moved = [sections[0], sections[2], sections[1]].join('');
		const found = findPlaceholders(moved, 'markdown', ids);
		const lineOf = (index: number) => moved.slice(0, found.get(ids[index])!.start).split('\n').length - 1;
		assert.equal(found.size, 3);
		assert.ok(moved.split('\n')[lineOf(1) - 2].startsWith('The login flow'), 'the login diagram is still the one under the login section');
		assert.ok(moved.split('\n')[lineOf(2) - 2].startsWith('Logging out'));
	});

	test('the placeholder line alone moved (its context changes): found by its alt text', () => {
		const [installer] = identities(GUIDE);
		const moved = GUIDE.replace('![the installer window]()\n', '').replace('# Logout', '![the installer window]()\n\n# Logout');
		assert.deepEqual(where(moved, 'markdown', installer), ['the installer window', 11]);
	});

	test('deleted, or its alt text changed: not found', () => {
		const [installer, login] = identities(GUIDE);
		assert.equal(where(GUIDE.replace('![the installer window]()', ''), 'markdown', installer), undefined);
		assert.equal(where(GUIDE.replace('![the installer window]()', '![the setup window]()'), 'markdown', installer), undefined);
		const bothDiagrams = identities(GUIDE).slice(1);
		const oneLeft = GUIDE.replace('The login flow has two steps.\n\n![a diagram]()', 'The login flow has two steps.');
		const found = findPlaceholders(oneLeft, 'markdown', bothDiagrams);
		assert.equal(found.size, 1, 'two identities never share the one placeholder left');
		assert.equal(found.has(login), false, 'the one deleted is the one not found');
	});

	test('whitespace inside the alt text does not change who it is', () => {
		const [installer] = identities(GUIDE);
		assert.deepEqual(where(GUIDE.replace('![the installer window]()', '![the  installer\twindow]()'), 'markdown', installer), ['the  installer\twindow', 4]);
	});
});

suite('placeholder identity in every document kind', () => {
	const cases: readonly { kind: DocumentKind; text: string; edited: (text: string) => string }[] = [
		{ kind: 'mdx', text: 'import X from "./x"\n\nIntro.\n\n<img src="" alt="a fox" />\n\n![a fox]()\n', edited: text => `{/* note */}\n\n${text}` },
		{ kind: 'html', text: '<h1>Title</h1>\n<p>Intro.</p>\n<img alt="a fox">\n<pre><img alt="in code"></pre>\n', edited: text => `<!doctype html>\n${text}` },
		{ kind: 'restructuredtext', text: 'Title\n=====\n\nIntro.\n\n.. image::\n   :alt: a fox\n', edited: text => `.. note:: read me\n\n${text}` },
		{ kind: 'asciidoc', text: '= Title\n\nIntro.\n\nimage::[a fox]\n', edited: text => `:toc:\n\n${text}` },
	];
	for (const { kind, text, edited } of cases) {
		test(kind, () => {
			const ids = identities(text, kind);
			assert.ok(ids.length >= 1, `${kind} has a placeholder`);
			assert.ok(ids.every(identity => identity.alt === 'a fox'), 'images inside code are none');
			const changed = edited(text);
			for (const identity of ids) {
				assert.equal(findPlaceholder(changed, kind, identity)?.alt, 'a fox');
			}
			assert.equal(findPlaceholder(changed.replace(/a fox/g, 'a wolf'), kind, ids[0]), undefined);
		});
	}
});

suite('placeholder identity as a custom_id, and read back from storage', () => {
	test('short, plain and distinct for every placeholder of a site', () => {
		const ids = new Set<string>();
		for (let document = 0; document < 200; document++) {
			const text = Array.from({ length: 5 }, (_, index) => `Paragraph ${index}.\n\n![figure ${index % 3}]()\n`).join('\n');
			for (const identity of workspacePlaceholders(`file:///site/docs/page-${document}.md`, text, 'markdown').map(placeholder => placeholder.identity)) {
				const id = customIdOf(identity);
				assert.ok(id.length <= CUSTOM_ID_MAX_LENGTH, id);
				assert.match(id, /^[A-Za-z0-9-]+$/);
				ids.add(id);
			}
		}
		assert.equal(ids.size, 1000);
		const long = { document: `file:///${'x'.repeat(3000)}.md`, alt: 'y'.repeat(3000), occurrence: 99999, context: 'abcdef01' };
		assert.ok(customIdOf(long).length <= CUSTOM_ID_MAX_LENGTH);
	});

	test('a stored identity is checked, never trusted', () => {
		const [identity] = identities(GUIDE);
		assert.equal(isPlaceholderIdentity(JSON.parse(JSON.stringify(identity))), true);
		for (const hostile of [null, 'x', [], { ...identity, occurrence: -1 }, { ...identity, occurrence: 1.5 }, { ...identity, alt: '' }, { ...identity, context: '<script>' }, { ...identity, document: 7 }, { ...identity, alt: 'a'.repeat(5000) }]) {
			assert.equal(isPlaceholderIdentity(hostile), false, JSON.stringify(hostile)?.slice(0, 80));
		}
	});
});
