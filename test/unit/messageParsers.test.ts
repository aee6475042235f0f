import * as assert from 'node:assert/strict';
import { parseHistoryMessage, parseOptions, parseRestoredPanel, parseWebviewMessage } from '../../src/protocol/messageParsers';

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

suite('parseOptions: every rejection', () => {
	const options = { prompt: 'a fox', model: 'gpt-image-2', quality: 'low', size: '1024x1024', n: 2, outputFormat: 'png' };

	test('refuses what is not an object', () => {
		for (const value of [undefined, null, 'a fox', 3, [options]]) {
			assert.equal(parseOptions(value), undefined, JSON.stringify(value));
		}
	});

	test('refuses a missing, ill-typed or overlong text field', () => {
		const bad: Record<string, unknown>[] = [
			{ prompt: undefined }, { prompt: 3 }, { prompt: 'x'.repeat(100_001) },
			{ model: undefined }, { model: 5 }, { model: 'm'.repeat(201) },
			{ quality: undefined }, { quality: ['low'] }, { quality: 'q'.repeat(201) },
			{ size: undefined }, { size: 1024 }, { size: 's'.repeat(201) },
		];
		for (const change of bad) {
			assert.equal(parseOptions({ ...options, ...change }), undefined, JSON.stringify(change).slice(0, 80));
		}
		assert.equal(parseOptions({ ...options, prompt: 'x'.repeat(100_000) })?.prompt.length, 100_000);
	});

	test('refuses a count that is not a whole number from 1 to 10', () => {
		for (const n of [undefined, '2', 0, 11, 1.5, Number.NaN]) {
			assert.equal(parseOptions({ ...options, n }), undefined, String(n));
		}
		assert.equal(parseOptions({ ...options, n: 10 })?.n, 10);
	});

	test('refuses an unknown format, background or complexity', () => {
		assert.equal(parseOptions({ ...options, outputFormat: undefined }), undefined);
		assert.equal(parseOptions({ ...options, outputFormat: 'bmp' }), undefined);
		assert.equal(parseOptions({ ...options, outputFormat: 'gif' })?.outputFormat, 'gif');
		assert.equal(parseOptions({ ...options, outputFormat: 'svg' })?.outputFormat, 'svg');
		assert.equal(parseOptions({ ...options, background: 'purple' }), undefined);
		assert.equal(parseOptions({ ...options, complexity: 'extreme' }), undefined);
	});

	test('takes an SVG author and effort and a GIF\'s frames, and refuses them ill-typed', () => {
		assert.deepEqual(parseOptions({ ...options, outputFormat: 'svg', svgModel: 'gpt-5.6-terra', svgEffort: 'high' }), { ...options, outputFormat: 'svg', svgModel: 'gpt-5.6-terra', svgEffort: 'high' });
		assert.deepEqual(parseOptions({ ...options, outputFormat: 'gif', frames: 4, frameDurationMs: 300 }), { ...options, outputFormat: 'gif', frames: 4, frameDurationMs: 300 });
		for (const change of [{ svgModel: 'gpt 5' }, { svgModel: 3 }, { svgModel: 'x'.repeat(101) }, { svgEffort: 'extreme' }, { frames: 2.5 }, { frames: '4' }, { frameDurationMs: -1 }, { frameDurationMs: Infinity }]) {
			assert.equal(parseOptions({ ...options, outputFormat: 'svg', ...change }), undefined, JSON.stringify(change).slice(0, 80));
		}
	});

	test('refuses a compression that is not a whole number from 0 to 100', () => {
		for (const outputCompression of ['80', -1, 101, 50.5]) {
			assert.equal(parseOptions({ ...options, outputCompression }), undefined, String(outputCompression));
		}
		assert.equal(parseOptions({ ...options, outputCompression: 0 })?.outputCompression, 0);
	});

	test('refuses an ill-typed or overlong style; drops an empty one', () => {
		assert.equal(parseOptions({ ...options, style: 3 }), undefined);
		assert.equal(parseOptions({ ...options, style: 's'.repeat(81) }), undefined);
		assert.equal(parseOptions({ ...options, style: 'Flat' })?.style, 'Flat');
		assert.ok(!('style' in (parseOptions({ ...options, style: '' }) ?? {})));
	});
});

suite('parseWebviewMessage: edits and references', () => {
	const options = { prompt: 'warmer', model: 'gpt-image-2', quality: 'low', size: '1024x1024', n: 1, outputFormat: 'png' };
	const png = 'iVBORw0KGgo=';

	test('accepts an edit with its overlay, padded image and input fidelity', () => {
		const edit = { type: 'edit', options, overlay: { kind: 'mask', png }, image: png, inputFidelity: 'high' };
		assert.deepEqual(parseWebviewMessage(edit), edit);
		assert.deepEqual(parseWebviewMessage({ type: 'edit', options }), { type: 'edit', options });
		assert.deepEqual(parseWebviewMessage({ type: 'edit', options, overlay: { kind: 'markup', png } }), { type: 'edit', options, overlay: { kind: 'markup', png } });
	});

	test('refuses an edit with bad options, overlay, image or input fidelity', () => {
		const hostile: unknown[] = [
			{ type: 'edit' },
			{ type: 'edit', options: { ...options, n: 0 } },
			{ type: 'edit', options, overlay: 'mask' },
			{ type: 'edit', options, overlay: { kind: 'paint', png } },
			{ type: 'edit', options, overlay: { kind: 'mask' } },
			{ type: 'edit', options, overlay: { kind: 'mask', png: '' } },
			{ type: 'edit', options, overlay: { kind: 'mask', png: 'abc' } },
			{ type: 'edit', options, overlay: { kind: 'mask', png: 'ab$d' } },
			{ type: 'edit', options, overlay: { kind: 'mask', png: 'A'.repeat(Math.ceil(4 * 1024 * 1024 / 3) * 4 + 4) } },
			{ type: 'edit', options, image: 42 },
			{ type: 'edit', options, image: 'not base64!' },
			{ type: 'edit', options, image: 'A'.repeat(Math.ceil(50 * 1024 * 1024 / 3) * 4 + 4) },
			{ type: 'edit', options, inputFidelity: 'max' },
		];
		for (const message of hostile) {
			assert.equal(parseWebviewMessage(message), undefined, JSON.stringify(message).slice(0, 120));
		}
	});

	test('accepts reference picks, removals and dropped files; ends edits', () => {
		assert.deepEqual(parseWebviewMessage({ type: 'reference', action: 'pick', id: 'ignored' }), { type: 'reference', action: 'pick' });
		assert.deepEqual(parseWebviewMessage({ type: 'reference', action: 'remove', id: 'ref-1' }), { type: 'reference', action: 'remove', id: 'ref-1' });
		assert.deepEqual(parseWebviewMessage({ type: 'reference', action: 'uris', uris: ['file:///ws/a.png'] }), { type: 'reference', action: 'uris', uris: ['file:///ws/a.png'] });
		assert.deepEqual(parseWebviewMessage({ type: 'endEdit' }), { type: 'endEdit' });
	});

	test('refuses references with a bad id, too many or ill-typed files, or an unknown action', () => {
		const hostile: unknown[] = [
			{ type: 'reference', action: 'remove', id: '../x' },
			{ type: 'reference', action: 'remove' },
			{ type: 'reference', action: 'uris', uris: [] },
			{ type: 'reference', action: 'uris', uris: 'file:///ws/a.png' },
			{ type: 'reference', action: 'uris', uris: Array.from({ length: 17 }, (_, i) => `file:///ws/${i}.png`) },
			{ type: 'reference', action: 'uris', uris: [7] },
			{ type: 'reference', action: 'uris', uris: [`file:///${'a'.repeat(4000)}`] },
			{ type: 'reference', action: 'upload' },
		];
		for (const message of hostile) {
			assert.equal(parseWebviewMessage(message), undefined, JSON.stringify(message).slice(0, 120));
		}
	});

	test('refuses a message whose type is not a string, and more than 20 variants at once', () => {
		assert.equal(parseWebviewMessage({ type: 3 }), undefined);
		assert.equal(parseWebviewMessage({ type: 'insert', variantIds: Array.from({ length: 21 }, (_, i) => `v${i}`) }), undefined);
		assert.equal(parseWebviewMessage({ type: 'variant', action: 'open', variantId: 'i'.repeat(101) }), undefined);
		assert.equal(parseWebviewMessage({ type: 'variant', action: 'open' }), undefined);
		assert.equal(parseWebviewMessage({ type: 'action' }), undefined);
	});

	test('accepts every variant action and every panel action', () => {
		for (const action of ['makeFinal', 'copyLink', 'open', 'edit', 'replace', 'reference']) {
			assert.deepEqual(parseWebviewMessage({ type: 'variant', action, variantId: 'v1' }), { type: 'variant', action, variantId: 'v1' });
		}
		for (const action of ['setApiKey', 'retry', 'openVerification', 'openBilling']) {
			assert.deepEqual(parseWebviewMessage({ type: 'action', action }), { type: 'action', action });
		}
	});
});

suite('parseHistoryMessage: every rejection', () => {
	test('refuses what is not an object, an unknown type, a missing id', () => {
		for (const value of [undefined, null, 'ready', [{ type: 'ready' }], { type: 'restore' }, { type: 'history', id: 'a' }]) {
			assert.equal(parseHistoryMessage(value), undefined, JSON.stringify(value));
		}
		for (const type of ['insert', 'open', 'delete', 'restore']) {
			assert.deepEqual(parseHistoryMessage({ type, id: 'img-1' }), { type, id: 'img-1' });
		}
	});
});

suite('parseRestoredPanel: every rejection', () => {
	const options = { prompt: 'a fox', model: 'gpt-image-2', quality: 'low', size: '1024x1024', n: 2, outputFormat: 'png' };
	const variant = { id: 'mk-0', index: 0, imageId: 'img-1' };
	const target = { documentUri: 'file:///ws/README.md', kind: 'after', offset: 3 };

	test('refuses what is not an object, a state that is not one, and options that do not parse', () => {
		assert.equal(parseRestoredPanel('state'), undefined);
		assert.equal(parseRestoredPanel({ options, state: 'x' }), undefined);
		assert.equal(parseRestoredPanel({ options, state: [] }), undefined);
		assert.equal(parseRestoredPanel({ options: { ...options, n: 0 }, state: { options: { ...options, model: 5 } } }), undefined);
	});

	test('takes the options from the state when the outer ones do not parse', () => {
		assert.deepEqual(parseRestoredPanel({ options: { ...options, n: 0 }, state: { options } }), { options, variants: [] });
	});

	test('drops each ill-formed variant, keeps the well-formed ones', () => {
		const bad: unknown[] = [
			'mk-0', null,
			{ ...variant, id: 'a/b' },
			{ ...variant, imageId: undefined },
			{ ...variant, index: '0' },
			{ ...variant, index: 0.5 },
			{ ...variant, index: -1 },
			{ ...variant, index: 50 },
		];
		const restored = parseRestoredPanel({ options, state: { variants: [...bad, variant] } });
		assert.deepEqual(restored?.variants, [variant]);
		assert.deepEqual(parseRestoredPanel({ options, state: { variants: 'all' } })?.variants, []);
	});

	test('reads at most 50 variants', () => {
		const variants = Array.from({ length: 60 }, (_, i) => ({ id: `v${i}`, index: i % 50, imageId: `img-${i}` }));
		assert.equal(parseRestoredPanel({ options, state: { variants } })?.variants.length, 50);
	});

	test('keeps a variant\'s label and where it was inserted when they are short strings, drops them otherwise', () => {
		const restored = parseRestoredPanel({ options, state: { variants: [
			{ ...variant, label: 'Final of #1', insertedAs: 'images/fox.png' },
			{ ...variant, id: 'mk-1', label: 'l'.repeat(201), insertedAs: 'p'.repeat(1001) },
			{ ...variant, id: 'mk-2', label: 3, insertedAs: {} },
		] } });
		assert.deepEqual(restored?.variants, [
			{ ...variant, label: 'Final of #1', insertedAs: 'images/fox.png' },
			{ ...variant, id: 'mk-1' },
			{ ...variant, id: 'mk-2' },
		]);
	});

	test('drops an ill-formed target', () => {
		const bad: unknown[] = [
			'README.md',
			{ ...target, documentUri: undefined },
			{ ...target, documentUri: `file:///${'a'.repeat(4000)}` },
			{ ...target, kind: 'before' },
			{ ...target, offset: '3' },
			{ ...target, offset: 1.5 },
			{ ...target, offset: -1 },
			{ ...target, alt: 7 },
			{ ...target, alt: 'a'.repeat(10_001) },
		];
		for (const value of bad) {
			assert.deepEqual(parseRestoredPanel({ options, state: { target: value } }), { options, variants: [] }, JSON.stringify(value).slice(0, 80));
		}
		assert.deepEqual(parseRestoredPanel({ options, state: { target: { ...target, description: 'README.md, line 1' } } })?.target, target);
	});
});
