import * as assert from 'node:assert/strict';
import { parseFillArgs, parseGenerateArgs } from '../../src/core/generation/commandArgs';

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
		assert.throws(() => parseGenerateArgs({ outputFormat: 'bmp' }), /"png", "jpeg", "webp", "svg" or "gif"/);
		assert.throws(() => parseGenerateArgs({ outputFormat: 'gif', frames: 1 }), /"frames" must be a whole number from 2 to 16/);
		assert.throws(() => parseGenerateArgs({ outputFormat: 'gif', frames: 17 }), /from 2 to 16/);
		assert.throws(() => parseGenerateArgs({ outputFormat: 'gif', frames: 4.5 }), /from 2 to 16/);
		assert.throws(() => parseGenerateArgs({ outputFormat: 'gif', frameDurationMs: 5 }), /"frameDurationMs" must be a number of milliseconds from 10 to 655350/);
		assert.throws(() => parseGenerateArgs({ outputFormat: 'gif', frameDurationMs: '300' }), /"frameDurationMs"/);
		assert.throws(() => parseGenerateArgs({ outputFormat: 'png', frames: 4 }), /apply only with "outputFormat": "gif"/);
		assert.throws(() => parseGenerateArgs({ insert: 'yes' }), /"none", "first" or "all"/);
	});
});

suite('parseGenerateArgs: SVG and GIF', () => {
	test('takes svg and gif, and a GIF\'s frames and frame duration', () => {
		assert.deepEqual(parseGenerateArgs({ outputFormat: 'svg' }), { outputFormat: 'svg' });
		assert.deepEqual(parseGenerateArgs({ prompt: 'a spinner', outputFormat: 'gif', frames: 4, frameDurationMs: 300, insert: 'first' }), { prompt: 'a spinner', outputFormat: 'gif', frames: 4, frameDurationMs: 300, insert: 'first' });
		assert.deepEqual(parseGenerateArgs({ frames: 16 }), { frames: 16 }, 'the format may come from the link or the settings');
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
