import * as assert from 'node:assert/strict';
import { addStylePresets, applyStyle, type StylePreset } from '../../src/core/prompt/stylePresets';

suite('Style presets', () => {
	test('named instructions from the styles object, trimmed', () => {
		const presets: StylePreset[] = [];
		addStylePresets(JSON.stringify({ styles: { ' Flat diagram ': ' flat vector diagram, pastel palette ', Sketch: 'pencil sketch' } }), presets);
		assert.deepEqual(presets, [{ name: 'Flat diagram', instruction: 'flat vector diagram, pastel palette' }, { name: 'Sketch', instruction: 'pencil sketch' }]);
	});

	test('skips empty names, empty or non-string instructions; a name already taken keeps its first instruction', () => {
		const presets: StylePreset[] = [{ name: 'Sketch', instruction: 'pencil sketch' }];
		addStylePresets(JSON.stringify({ styles: { '': 'x', Blank: '  ', Number: 3, Sketch: 'charcoal' } }), presets);
		assert.deepEqual(presets, [{ name: 'Sketch', instruction: 'pencil sketch' }]);
	});

	test('no styles object: no presets; not JSON: a SyntaxError for the caller to log', () => {
		const presets: StylePreset[] = [];
		for (const text of ['{}', '{"styles": ["a"]}', '{"styles": "flat"}', 'null', '5']) {
			addStylePresets(text, presets);
		}
		assert.deepEqual(presets, []);
		assert.throws(() => addStylePresets('{ "styles": { "Flat": "flat", } }', presets), SyntaxError);
	});

	test('a long name is cut for the picker', () => {
		const presets: StylePreset[] = [];
		addStylePresets(JSON.stringify({ styles: { ['n'.repeat(100)]: 'x' } }), presets);
		assert.equal(presets[0].name.length, 80);
	});

	test('the style goes after the subject', () => {
		assert.equal(applyStyle('  a fox ', { name: 'Sketch', instruction: 'pencil sketch' }), 'a fox\n\nStyle: pencil sketch');
		assert.equal(applyStyle(' a fox ', undefined), ' a fox ');
	});
});
