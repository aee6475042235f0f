import * as assert from 'node:assert/strict';
import { findModel } from '../../src/core/models/capabilities';
import { CUSTOM_SIZE, DEFAULT_COMPLEXITY, fieldMessages, formOptions, modelPickers, normalizeCustomSize, qualityLabel, sizeLabel, sizeSelection, type FormValues } from '../../src/core/models/formChoices';

const gptImage2 = findModel('gpt-image-2')!;
const flare25 = findModel('gpt-image-2.5-flare')!;
const flare26 = findModel('gpt-image-2.6-flare')!;
const mini = findModel('gpt-image-1-mini')!;
const values: FormValues = {
	prompt: 'a fox', model: 'gpt-image-2', quality: 'low', size: '1024x1024', customSize: '', count: '2',
	format: 'png', compression: '', background: 'auto', complexity: DEFAULT_COMPLEXITY, style: '',
};
const valuesOf = (choices: readonly { value: string }[]) => choices.map(choice => choice.value);

suite('form choices: labels', () => {
	test('sizes read as W × H, auto and custom by name', () => {
		assert.equal(sizeLabel('1536x1024'), '1536 × 1024');
		assert.equal(sizeLabel('auto'), 'Auto');
		assert.equal(sizeLabel(CUSTOM_SIZE), 'Custom…');
	});

	test('qualities by name, unknown ones capitalized', () => {
		assert.deepEqual(['auto', 'low', 'medium', 'high', 'xhigh', 'max'].map(qualityLabel), ['Auto', 'Low', 'Medium', 'High', 'Extra high', 'Maximum']);
		assert.equal(qualityLabel('ultra'), 'Ultra');
		assert.equal(qualityLabel(''), '');
	});
});

suite('form choices: pickers per model', () => {
	test('a model with custom sizes lists its presets, auto, then custom', () => {
		assert.deepEqual(valuesOf(modelPickers(gptImage2).sizes), ['1024x1024', '1536x1024', '1024x1536', 'auto', CUSTOM_SIZE]);
		assert.deepEqual(valuesOf(modelPickers(mini).sizes), ['1024x1024', '1536x1024', '1024x1536', 'auto']);
	});

	test('counts run from 1 to the model\'s maximum; formats in capitals', () => {
		const pickers = modelPickers(gptImage2);
		assert.deepEqual(valuesOf(pickers.counts), ['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
		assert.deepEqual(pickers.formats.map(format => format.label), ['PNG', 'JPEG', 'WEBP']);
	});

	test('transparent background only where the model takes it, marked when a preview', () => {
		assert.deepEqual(modelPickers(gptImage2).backgrounds.map(choice => choice.label), ['Auto', 'Opaque', 'Transparent (preview)']);
		assert.deepEqual(modelPickers(flare25).backgrounds.map(choice => choice.label), ['Auto', 'Opaque', 'Transparent']);
		assert.deepEqual(valuesOf(modelPickers({ ...mini, transparentBackground: false }).backgrounds), ['auto', 'opaque']);
	});

	test('the planning picker shows only for models that take complexity', () => {
		assert.equal(modelPickers(flare26).complexityShown, true);
		assert.equal(modelPickers(gptImage2).complexityShown, false);
		assert.deepEqual(valuesOf(modelPickers(flare26).complexities), [DEFAULT_COMPLEXITY, 'low', 'medium', 'high']);
	});

	test('xhigh and max qualities only for the models that have them', () => {
		assert.deepEqual(valuesOf(modelPickers(flare25).qualities), ['auto', 'low', 'medium', 'high', 'xhigh', 'max']);
		assert.deepEqual(valuesOf(modelPickers(gptImage2).qualities), ['auto', 'low', 'medium', 'high']);
	});
});

suite('form choices: size selection', () => {
	test('a listed size is selected as is', () => {
		assert.deepEqual(sizeSelection(gptImage2, '1536x1024'), { choice: '1536x1024' });
		assert.deepEqual(sizeSelection(gptImage2, 'auto'), { choice: 'auto' });
	});

	test('another size goes into the custom field when the model takes custom sizes', () => {
		assert.deepEqual(sizeSelection(gptImage2, '1536x864'), { choice: CUSTOM_SIZE, custom: '1536x864' });
		assert.deepEqual(sizeSelection(mini, '1536x864'), { choice: '1536x864' });
		assert.deepEqual(sizeSelection(gptImage2, ''), { choice: '' });
	});

	test('custom sizes are written as the API takes them', () => {
		assert.equal(normalizeCustomSize(' 1536 × 864 '), '1536x864');
		assert.equal(normalizeCustomSize('1536X864'), '1536x864');
		assert.equal(normalizeCustomSize('1536x864'), '1536x864');
	});
});

suite('form choices: reading the form', () => {
	test('a plain form reads as it is', () => {
		assert.deepEqual(formOptions(values, gptImage2), { prompt: 'a fox', model: 'gpt-image-2', quality: 'low', size: '1024x1024', n: 2, outputFormat: 'png' });
	});

	test('the custom field gives the size; an extended canvas wins over both', () => {
		assert.equal(formOptions({ ...values, size: CUSTOM_SIZE, customSize: '1536 × 864' }, gptImage2).size, '1536x864');
		assert.equal(formOptions({ ...values, size: CUSTOM_SIZE, customSize: '1536x864', extendedSize: '2048x1024' }, gptImage2).size, '2048x1024');
	});

	test('a count that is not a positive whole number reads as 1', () => {
		assert.equal(formOptions({ ...values, count: '' }, gptImage2).n, 1);
		assert.equal(formOptions({ ...values, count: '0' }, gptImage2).n, 1);
		assert.equal(formOptions({ ...values, count: '4' }, gptImage2).n, 4);
	});

	test('an unknown format reads as PNG; compression only for JPEG and WebP, and only a number', () => {
		assert.equal(formOptions({ ...values, format: 'bmp' }, gptImage2).outputFormat, 'png');
		assert.equal(formOptions({ ...values, format: 'png', compression: '50' }, gptImage2).outputCompression, undefined);
		assert.equal(formOptions({ ...values, format: 'jpeg', compression: '50' }, gptImage2).outputCompression, 50);
		assert.equal(formOptions({ ...values, format: 'webp', compression: ' ' }, gptImage2).outputCompression, undefined);
		assert.ok(!('outputCompression' in formOptions({ ...values, format: 'webp', compression: 'abc' }, gptImage2)));
	});

	test('an auto background is not sent', () => {
		assert.ok(!('background' in formOptions(values, gptImage2)));
		assert.equal(formOptions({ ...values, background: 'transparent' }, gptImage2).background, 'transparent');
		assert.equal(formOptions({ ...values, background: 'opaque' }, gptImage2).background, 'opaque');
	});

	test('complexity only for a model that takes it, and not at its default', () => {
		assert.equal(formOptions({ ...values, complexity: 'high' }, flare26).complexity, 'high');
		assert.ok(!('complexity' in formOptions({ ...values, complexity: 'high' }, gptImage2)));
		assert.ok(!('complexity' in formOptions({ ...values, complexity: DEFAULT_COMPLEXITY }, flare26)));
		assert.ok(!('complexity' in formOptions({ ...values, complexity: 'high' }, undefined)));
	});

	test('a style preset by name; none when empty', () => {
		assert.equal(formOptions({ ...values, style: 'Flat' }, gptImage2).style, 'Flat');
		assert.ok(!('style' in formOptions(values, gptImage2)));
	});
});

suite('form choices: field messages', () => {
	const promptProblem = { field: 'prompt' as const, message: 'Enter a prompt.' };
	const sizeProblem = { field: 'size' as const, message: 'Too small.' };

	test('an empty prompt says nothing before the first Generate, then it does', () => {
		assert.equal(fieldMessages([promptProblem], { attempted: false, prompt: '' }).has('prompt'), false);
		assert.deepEqual(fieldMessages([promptProblem], { attempted: true, prompt: '' }).get('prompt'), { text: 'Enter a prompt.', invalid: true });
		assert.equal(fieldMessages([promptProblem], { attempted: false, prompt: 'x'.repeat(40_000) }).get('prompt')?.invalid, true);
	});

	test('other problems show at once', () => {
		assert.deepEqual(fieldMessages([sizeProblem], { attempted: false, prompt: '' }).get('size'), { text: 'Too small.', invalid: true });
	});

	test('an experimental size is a warning, unless the size has a problem', () => {
		const sizeCheck = { ok: true, experimental: true, message: 'Experimental above 2560×1440.' };
		assert.deepEqual(fieldMessages([], { attempted: false, prompt: '', sizeCheck }).get('size'), { text: 'Experimental above 2560×1440.', invalid: false });
		assert.deepEqual(fieldMessages([sizeProblem], { attempted: false, prompt: '', sizeCheck }).get('size'), { text: 'Too small.', invalid: true });
		assert.equal(fieldMessages([], { attempted: false, prompt: '', sizeCheck: { ok: true } }).size, 0);
	});
});
