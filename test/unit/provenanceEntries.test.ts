import * as assert from 'node:assert/strict';
import { provenanceByFolder, provenanceEntry, withEntries } from '../../src/core/provenance/manifest';

const image = { prompt: 'a red fox reading a book', model: 'gpt-image-2', size: '1024x1024', quality: 'low', format: 'png', createdAt: '2026-12-03T09:00:00.000Z' };

suite('Provenance entries: what the manifest records of an inserted image', () => {
	test('the recipe, the size the image really has, and the alt text, in this key order', () => {
		const entry = provenanceEntry({ ...image, width: 1254, height: 1254 }, 'a fox');
		assert.deepEqual(entry, { prompt: image.prompt, model: 'gpt-image-2', size: '1254x1254', quality: 'low', format: 'png', createdAt: image.createdAt, alt: 'a fox' });
		assert.deepEqual(Object.keys(entry), ['prompt', 'model', 'size', 'quality', 'format', 'createdAt', 'alt']);
	});

	test('the size asked for when the header gave none; a revised prompt only when there is one', () => {
		assert.equal(provenanceEntry(image, 'a fox').size, '1024x1024');
		assert.equal('revisedPrompt' in provenanceEntry({ ...image, revisedPrompt: '' }, 'a fox'), false);
		assert.equal(provenanceEntry({ ...image, revisedPrompt: 'A red fox, reading' }, 'a fox').revisedPrompt, 'A red fox, reading');
	});

	test('grouped by folder, keyed by file name: one manifest per folder', () => {
		const second = { ...image, prompt: 'a second fox' };
		const byFolder = provenanceByFolder(['/ws/docs/images/fox.png', '/ws/docs/images/fox-1.png', '/ws/art/fox.png'], [image, second, image], 'a fox');
		assert.deepEqual([...byFolder.keys()], ['/ws/docs/images', '/ws/art']);
		assert.deepEqual(Object.keys(byFolder.get('/ws/docs/images')!), ['fox.png', 'fox-1.png']);
		assert.equal(byFolder.get('/ws/docs/images')!['fox-1.png'].prompt, 'a second fox');
		assert.deepEqual([...provenanceByFolder(['/fox.png'], [image], 'a fox').keys()], ['/'], 'a file at the root is in /');
	});

	test('each image with its own alt text: a document filled at once writes its folder\'s manifest once', () => {
		const byFolder = provenanceByFolder(['/ws/docs/images/fox.png', '/ws/docs/images/owl.png', '/ws/art/cat.png'], [image, image, image], ['a fox', 'an owl', 'a cat']);
		assert.deepEqual([...byFolder.keys()], ['/ws/docs/images', '/ws/art']);
		assert.deepEqual(Object.values(byFolder.get('/ws/docs/images')!).map(entry => entry.alt), ['a fox', 'an owl']);
		assert.equal(byFolder.get('/ws/art')!['cat.png'].alt, 'a cat');
	});

	test('the entries as the manifest writes them', () => {
		const text = withEntries(undefined, provenanceByFolder(['/ws/images/fox.png'], [image], 'a fox').get('/ws/images')!);
		assert.deepEqual(JSON.parse(text!).images['fox.png'], { ...provenanceEntry(image, 'a fox') });
	});
});
