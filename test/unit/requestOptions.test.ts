import * as assert from 'node:assert/strict';
import { finalRenderOptions, toRequestOptions, type RequestChoices } from '../../src/core/panel/requestOptions';
import { applyStyle } from '../../src/core/prompt/stylePresets';

const choices: RequestChoices = { prompt: 'a fox', model: 'gpt-image-2', quality: 'low', size: '1024x1024', n: 2, outputFormat: 'png' };
const styles = [{ name: 'Flat diagram', instruction: 'flat vector diagram, pastel palette' }, { name: 'Ink', instruction: 'ink drawing' }];

suite('Panel request options', () => {
	test('the pickers become the request, field by field', () => {
		assert.deepEqual(toRequestOptions(choices), { model: 'gpt-image-2', prompt: 'a fox', size: '1024x1024', quality: 'low', n: 2, outputFormat: 'png' });
	});

	test('the chosen style preset\'s instruction follows the subject; an unknown style changes nothing', () => {
		assert.equal(toRequestOptions({ ...choices, prompt: ' a fox ', style: 'Ink' }, styles).prompt, 'a fox\n\nStyle: ink drawing');
		assert.equal(toRequestOptions({ ...choices, style: 'Watercolour' }, styles).prompt, 'a fox');
		assert.equal(toRequestOptions({ ...choices, style: 'Ink' }).prompt, 'a fox', 'no presets loaded');
		assert.equal(applyStyle('a fox', undefined), 'a fox');
	});

	test('compression goes only with JPEG and WebP', () => {
		assert.equal(toRequestOptions({ ...choices, outputFormat: 'png', outputCompression: 50 }).outputCompression, undefined);
		assert.equal(toRequestOptions({ ...choices, outputFormat: 'jpeg', outputCompression: 50 }).outputCompression, 50);
		assert.equal(toRequestOptions({ ...choices, outputFormat: 'webp', outputCompression: 0 }).outputCompression, 0);
		assert.ok(!('outputCompression' in toRequestOptions({ ...choices, outputFormat: 'webp' })));
	});

	test('the background only when it is not auto, the complexity only when chosen', () => {
		assert.ok(!('background' in toRequestOptions({ ...choices, background: 'auto' })));
		assert.equal(toRequestOptions({ ...choices, background: 'transparent' }).background, 'transparent');
		assert.ok(!('complexity' in toRequestOptions(choices)));
		assert.equal(toRequestOptions({ ...choices, complexity: 'high' }).complexity, 'high');
	});

	test('make final: the draft\'s model, high quality, one image, the rest as it was', () => {
		const request = toRequestOptions({ ...choices, model: 'gpt-image-1.5', outputFormat: 'jpeg', outputCompression: 80 });
		assert.deepEqual(finalRenderOptions(request, 'gpt-image-1'), { ...request, model: 'gpt-image-1', quality: 'high', n: 1 });
	});
});
