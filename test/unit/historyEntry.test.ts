import * as assert from 'node:assert/strict';
import { historyEntry, type HistoryImage } from '../../src/core/images/historyEntry';

const IMAGE: HistoryImage = { id: 'img-1', prompt: 'a fox', model: 'gpt-image-2', size: '1024x1024', quality: 'low', createdAt: '2026-12-03T09:00:00.000Z', bytes: 1234 };
const relative = (uri: string) => `rel:${uri}`;

suite('Show Generated Images: a card', () => {
	test('shows what it is given, with the recipe as its caption', () => {
		assert.deepEqual(historyEntry(IMAGE, 'https://copy', relative), {
			id: 'img-1', src: 'https://copy', prompt: 'a fox', model: 'gpt-image-2', size: '1024x1024', quality: 'low', createdAt: '2026-12-03T09:00:00.000Z', bytes: 1234,
		});
	});

	test('an SVG or a GIF says so in its caption; a still raster image says nothing of its format', () => {
		assert.equal(historyEntry({ ...IMAGE, format: 'svg' }, undefined, relative).kind, 'SVG');
		assert.equal(historyEntry({ ...IMAGE, format: 'gif' }, undefined, relative).kind, 'GIF');
		assert.equal('kind' in historyEntry({ ...IMAGE, format: 'png' }, undefined, relative), false);
		assert.equal('kind' in historyEntry({ ...IMAGE, format: 'webp' }, undefined, relative), false);
	});

	test('has no image while its copy is being made', () => {
		assert.equal('src' in historyEntry(IMAGE, undefined, relative), false);
	});

	test('the image\'s own pixels win over the size asked for', () => {
		assert.equal(historyEntry({ ...IMAGE, size: 'auto', width: 3840, height: 2160 }, undefined, relative).size, '3840x2160');
		assert.equal(historyEntry({ ...IMAGE, size: 'auto', width: 3840 }, undefined, relative).size, 'auto');
	});

	test('a re-render, an edit and a replaced file say so; a generation says nothing', () => {
		assert.equal(historyEntry({ ...IMAGE, operation: 'makeFinal' }, undefined, relative).label, 'Final re-render');
		assert.equal(historyEntry({ ...IMAGE, operation: 'edit' }, undefined, relative).label, 'Edit');
		assert.equal(historyEntry({ ...IMAGE, operation: 'replaced' }, undefined, relative).label, 'Replaced file');
		assert.equal('label' in historyEntry({ ...IMAGE, operation: 'generate' }, undefined, relative), false);
	});

	test('only a replaced file with its original place can be restored, named as the workspace shows it', () => {
		assert.equal(historyEntry({ ...IMAGE, operation: 'replaced', originalUri: 'file:///ws/a.png' }, undefined, relative).restorable, 'rel:file:///ws/a.png');
		assert.equal('restorable' in historyEntry({ ...IMAGE, operation: 'replaced' }, undefined, relative), false);
		assert.equal('restorable' in historyEntry({ ...IMAGE, operation: 'edit', originalUri: 'file:///ws/a.png' }, undefined, relative), false);
	});
});
