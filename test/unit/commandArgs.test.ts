import * as assert from 'node:assert/strict';
import { parseFillArgs, parseGenerateArgs } from '../../src/core/generation/commandArgs';
import { parseHistoryMessage, parseOptions, parseRestoredPanel, parseWebviewMessage } from '../../src/protocol/messages';

suite('parseGenerateArgs', () => {
	test('no argument, or the URI an editor menu passes, means no options', () => {
		assert.deepEqual(parseGenerateArgs(undefined), {});
		assert.deepEqual(parseGenerateArgs(null), {});
		assert.deepEqual(parseGenerateArgs({ scheme: 'file', path: '/ws/README.md', authority: '' }), {});
	});

	test('takes every documented field', () => {
		const args = { prompt: 'a fox', model: 'gpt-image-2', size: '1536x1024', quality: 'low', variants: 3, outputFormat: 'webp', insert: 'all' };
		assert.deepEqual(parseGenerateArgs(args), args);
	});

	test('refuses unknown fields, wrong types and out-of-range values with a clear message', () => {
		assert.throws(() => parseGenerateArgs('a fox'), /must be an object/);
		assert.throws(() => parseGenerateArgs({ promt: 'x' }), /unknown argument "promt"/);
		assert.throws(() => parseGenerateArgs({ prompt: 3 }), /"prompt" must be a string/);
		assert.throws(() => parseGenerateArgs({ variants: 11 }), /from 1 to 10/);
		assert.throws(() => parseGenerateArgs({ variants: 1.5 }), /from 1 to 10/);
		assert.throws(() => parseGenerateArgs({ outputFormat: 'gif' }), /"png", "jpeg" or "webp"/);
		assert.throws(() => parseGenerateArgs({ insert: 'yes' }), /"none", "first" or "all"/);
	});
});

suite('parseFillArgs', () => {
	test('no argument, or the URI an editor menu passes, means no options', () => {
		assert.deepEqual(parseFillArgs(undefined), {});
		assert.deepEqual(parseFillArgs(null), {});
		assert.deepEqual(parseFillArgs({ scheme: 'file', path: '/ws/README.md', authority: '' }), {});
	});

	test('takes confirm, reference and style', () => {
		const args = { confirm: false, reference: 'first', style: 'Blueprint' };
		assert.deepEqual(parseFillArgs(args), args);
		assert.deepEqual(parseFillArgs({ reference: 'none' }), { reference: 'none' });
	});

	test('refuses anything else with the argument\'s shape', () => {
		for (const bad of ['a fox', 3, [], { confirm: 'no' }, { reference: 'file' }, { style: 7 }]) {
			assert.throws(() => parseFillArgs(bad), /the argument of illustrate\.fillMissingImages is \{ confirm\?: boolean, reference\?: "none" \| "first", style\?: string \}/, JSON.stringify(bad));
		}
	});
});

suite('parseWebviewMessage', () => {
	const options = { prompt: 'a fox', model: 'gpt-image-2', quality: 'low', size: '1024x1024', n: 2, outputFormat: 'png' };

	test('accepts each message of the protocol', () => {
		assert.deepEqual(parseWebviewMessage({ type: 'ready' }), { type: 'ready' });
		assert.deepEqual(parseWebviewMessage({ type: 'cancel' }), { type: 'cancel' });
		assert.deepEqual(parseWebviewMessage({ type: 'generate', options }), { type: 'generate', options });
		assert.deepEqual(parseWebviewMessage({ type: 'insert', variantIds: ['a', 'b'] }), { type: 'insert', variantIds: ['a', 'b'] });
		assert.deepEqual(parseWebviewMessage({ type: 'action', action: 'setApiKey' }), { type: 'action', action: 'setApiKey' });
		assert.deepEqual(parseWebviewMessage({ type: 'variant', action: 'makeFinal', variantId: 'mk3-1' }), { type: 'variant', action: 'makeFinal', variantId: 'mk3-1' });
	});

	test('keeps the optional pickers when they are well-typed', () => {
		const full = { ...options, outputFormat: 'webp', outputCompression: 80, background: 'transparent', complexity: 'high' };
		assert.deepEqual(parseOptions(full), full);
		assert.equal(parseOptions({ ...full, outputCompression: 101 }), undefined);
		assert.equal(parseOptions({ ...full, background: 'purple' }), undefined);
		assert.equal(parseOptions({ ...full, complexity: 'extreme' }), undefined);
	});

	test('drops extra fields it does not know', () => {
		assert.deepEqual(parseWebviewMessage({ type: 'generate', options: { ...options, path: '../../etc' }, evil: true }), { type: 'generate', options });
	});

	test('refuses anything unknown or ill-typed', () => {
		const hostile: unknown[] = [
			null, 42, 'ready', [], {}, { type: 'nope' }, { type: 'generate' },
			{ type: 'generate', options: { ...options, n: 0 } },
			{ type: 'generate', options: { ...options, n: '2' } },
			{ type: 'generate', options: { ...options, outputFormat: 'exe' } },
			{ type: 'generate', options: { ...options, prompt: 'x'.repeat(100_001) } },
			{ type: 'insert', variantIds: [] },
			{ type: 'insert', variantIds: [1] },
			{ type: 'insert', variantIds: 'a' },
			{ type: 'action', action: 'runShell' },
			{ type: 'variant', action: 'makeFinal', variantId: '../../etc/passwd' },
			{ type: 'variant', action: 'delete', variantId: 'a' },
			{ type: 'insert', variantIds: ['ok', 'not ok/..'] },
		];
		for (const message of hostile) {
			assert.equal(parseWebviewMessage(message), undefined, JSON.stringify(message));
		}
	});
});

suite('parseHistoryMessage', () => {
	test('accepts ready and actions on well-formed ids, nothing else', () => {
		assert.deepEqual(parseHistoryMessage({ type: 'ready' }), { type: 'ready' });
		assert.deepEqual(parseHistoryMessage({ type: 'insert', id: '2026-11-25T10-00-00-000Z-ab12cd34' }), { type: 'insert', id: '2026-11-25T10-00-00-000Z-ab12cd34' });
		assert.equal(parseHistoryMessage({ type: 'delete', id: '../x' }), undefined);
		assert.equal(parseHistoryMessage({ type: 'open', id: 3 }), undefined);
		assert.equal(parseHistoryMessage({ type: 'format-disk' }), undefined);
	});
});

suite('parseRestoredPanel', () => {
	const options = { prompt: 'a fox', model: 'gpt-image-2', quality: 'low', size: '1024x1024', n: 2, outputFormat: 'png' };

	test('restores options, variants with stored images, and the target', () => {
		const restored = parseRestoredPanel({
			options,
			state: {
				variants: [
					{ id: 'mk-0', index: 0, imageId: 'img-1', state: 'ready', src: 'https://whatever' },
					{ id: 'mk-1', index: 1, state: 'waiting' },
				],
				target: { documentUri: 'file:///ws/README.md', kind: 'image', offset: 12, alt: 'a fox', description: 'README.md, line 2' },
			},
		});
		assert.deepEqual(restored, {
			options,
			variants: [{ id: 'mk-0', index: 0, imageId: 'img-1' }],
			target: { documentUri: 'file:///ws/README.md', kind: 'image', offset: 12, alt: 'a fox' },
		});
	});

	test('drops what is ill-formed instead of trusting it', () => {
		assert.equal(parseRestoredPanel(undefined), undefined);
		assert.equal(parseRestoredPanel({ state: {} }), undefined);
		const restored = parseRestoredPanel({
			options,
			state: { variants: [{ id: 'x', index: -1, imageId: 'img' }, { id: 'y', index: 0, imageId: '../../secrets' }], target: { documentUri: 5, kind: 'image', offset: 0 } },
		});
		assert.deepEqual(restored, { options, variants: [] });
	});
});
