import * as assert from 'node:assert/strict';
import { fromMarkdown } from 'mdast-util-from-markdown';
import { errorKind, messageShape } from '../../src/core/logging/logShape';
import { codeSpan, escapeMarkdown, markdownLinkTarget } from '../../src/core/markdown/escapeMarkdown';
import { costCeiling } from '../../src/core/settings/costCeiling';

suite('The cost limit: the user\'s is a ceiling a workspace can only lower', () => {
	test('a workspace cannot lift the user\'s limit', () => {
		assert.equal(costCeiling({ defaultValue: null, globalValue: 0.5, workspaceValue: 1000 }), 0.5);
		assert.equal(costCeiling({ defaultValue: null, globalValue: 0.5, workspaceFolderValue: 1000 }), 0.5);
		assert.equal(costCeiling({ defaultValue: null, globalValue: 0.5, workspaceValue: 1000, workspaceFolderValue: 999 }), 0.5);
	});

	test('a workspace cannot remove it with null or a non-number', () => {
		assert.equal(costCeiling({ defaultValue: null, globalValue: 0.5, workspaceValue: null }), 0.5);
		assert.equal(costCeiling({ defaultValue: null, globalValue: 0.5, workspaceFolderValue: '1000' }), 0.5);
		assert.equal(costCeiling({ defaultValue: null, globalValue: 0.5, workspaceValue: -1 }), 0.5);
	});

	test('a workspace can lower it, or set one where the user has none', () => {
		assert.equal(costCeiling({ defaultValue: null, globalValue: 0.5, workspaceValue: 0.1 }), 0.1);
		assert.equal(costCeiling({ defaultValue: null, globalValue: 0.5, workspaceValue: 0.3, workspaceFolderValue: 0.2 }), 0.2);
		assert.equal(costCeiling({ defaultValue: null, workspaceFolderValue: 2 }), 2);
	});

	test('no limit anywhere is no limit; the user\'s alone is the limit', () => {
		assert.equal(costCeiling({ defaultValue: null }), undefined);
		assert.equal(costCeiling(undefined), undefined);
		assert.equal(costCeiling({ defaultValue: null, globalValue: 0 }), 0);
		assert.equal(costCeiling({ defaultValue: null, globalValue: 3 }), 3);
	});

	test('a language-specific workspace value cannot lift it either', () => {
		assert.equal(costCeiling({ defaultValue: null, globalValue: 0.5, workspaceLanguageValue: 1000, workspaceFolderLanguageValue: 1000 }), 0.5);
	});
});

/** The links, images and HTML markdown makes of `text`. */
function activeNodes(markdown: string): string[] {
	const found: string[] = [];
	const visit = (node: { type: string; children?: unknown[] }) => {
		if (['link', 'image', 'html', 'linkReference', 'imageReference', 'definition', 'heading', 'code', 'inlineCode', 'emphasis', 'strong'].includes(node.type)) {
			found.push(node.type);
		}
		for (const child of node.children ?? []) {
			visit(child as { type: string; children?: unknown[] });
		}
	};
	visit(fromMarkdown(markdown));
	return found;
}

function plainText(markdown: string): string {
	const parts: string[] = [];
	const visit = (node: { type: string; value?: string; children?: unknown[] }) => {
		if (node.type === 'text' && node.value) {
			parts.push(node.value);
		}
		for (const child of node.children ?? []) {
			visit(child as { type: string; value?: string; children?: unknown[] });
		}
	};
	visit(fromMarkdown(markdown));
	return parts.join('');
}

suite('Text from a file, escaped before it reaches markdown', () => {
	const hostile = [
		'gpt-image-2](https://tracker.example/c?u=1) [x',
		'![pixel](https://tracker.example/p.png)',
		'<img src="https://tracker.example/p.png">',
		'[click][ref]\n\n[ref]: https://evil.example',
		'# heading\n* list',
		'`code` **bold** _em_ $(zap)',
		'https://tracker.example/autolink and www.tracker.example',
		'<https://tracker.example>',
		'back\\slash \\](x)',
		'&lt;img src=x&gt;',
	];
	for (const text of hostile) {
		test(`${JSON.stringify(text)} stays text`, () => {
			const escaped = escapeMarkdown(text);
			assert.deepEqual(activeNodes(`Generated with **${escaped}**, ${escaped}`), ['strong'], escaped);
			assert.equal(plainText(escaped), text.replace(/\n+/g, ' '), 'reads as the same text');
			assert.doesNotMatch(escaped, /https?:\/\/|www\./, 'no autolink');
			assert.doesNotMatch(escaped, /\$\(/, 'no theme icon');
		});
	}

	test('a code span holds any file name, backticks included, and nothing escapes it', () => {
		for (const name of ['images/a.png', 'images/a`b.png', '`x` [y](https://t.example)', 'a``b`']) {
			const span = codeSpan(name);
			assert.deepEqual(activeNodes(`${span} does not exist yet.`), ['inlineCode'], span);
			const tree = fromMarkdown(span) as unknown as { children: { children: { value: string }[] }[] };
			assert.equal(tree.children[0].children[0].value, name);
		}
	});

	test('a link target cannot be closed early by a parenthesis in a file name', () => {
		const target = markdownLinkTarget('file:///ws/images/x).png![t](https:/t.example/p.png');
		assert.deepEqual(activeNodes(`![alt](${target}|width=320)`), ['image']);
	});
});

suite('What the log says about user text: kinds and lengths only', () => {
	const secret = 'a confidential product launch poster';

	test('an ill-typed panel message is described by its shape, not its content', () => {
		const line = messageShape({ type: 'generate', options: { prompt: secret, n: 1000 } });
		assert.ok(!line.includes(secret) && !line.includes('confidential'), line);
		assert.match(line, /type "generate"/);
		assert.match(line, /options: object/);
		assert.match(line, /\d+ characters of JSON/);
	});

	test('text in the type, a field name or a bare string is not logged either', () => {
		for (const message of [{ type: secret }, { [secret]: 1 }, secret, [secret], { type: 'insert', variantIds: [secret] }]) {
			const line = messageShape(message);
			assert.ok(!line.includes('confidential'), line);
		}
		assert.match(messageShape(secret), new RegExp(`string of ${secret.length} characters`));
	});

	test('an error is logged by its kind, not its message', () => {
		const error = Object.assign(new Error(`could not write images/${secret}.png`), { code: 'EACCES' });
		const line = errorKind(error);
		assert.ok(!line.includes('confidential'), line);
		assert.match(line, /^Error \(EACCES\), message of \d+ characters$/);
		assert.match(errorKind(Object.assign(new Error(secret), { status: 400 })), /^Error 400,/);
	});
});
