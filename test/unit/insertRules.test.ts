import * as assert from 'node:assert/strict';
import { keepsLinkedFile } from '../../src/core/destination/linkedFile';
import { displayWidth } from '../../src/core/links/displayWidth';

suite('keepsLinkedFile: the first image goes where the link already points', () => {
	const linked = (path: string, scheme = 'file') => ({ scheme, path });

	test('a missing file inside the folder, with the image\'s extension, keeps its name', () => {
		assert.equal(keepsLinkedFile(linked('/ws/docs/images/fox.png'), 'file', '/ws', 'png'), true);
		assert.equal(keepsLinkedFile(linked('/ws/docs/images/fox.JPEG'), 'file', '/ws', 'jpeg'), true);
		assert.equal(keepsLinkedFile(linked('/ws/docs/images/fox.jpg'), 'file', '/ws', 'jpeg'), true);
	});

	test('another format, another file system, or outside the folder: a new name instead', () => {
		assert.equal(keepsLinkedFile(linked('/ws/images/fox.png'), 'file', '/ws', 'webp'), false);
		assert.equal(keepsLinkedFile(linked('/ws/images/fox.jpg'), 'file', '/ws', 'png'), false);
		assert.equal(keepsLinkedFile(linked('/ws/images/fox'), 'file', '/ws', 'png'), false);
		assert.equal(keepsLinkedFile(linked('/ws/images/fox.png', 'vscode-remote'), 'file', '/ws', 'png'), false);
		assert.equal(keepsLinkedFile(linked('/elsewhere/fox.png'), 'file', '/ws', 'png'), false);
		assert.equal(keepsLinkedFile(linked('/ws/../etc/fox.png'), 'file', '/ws', 'png'), false);
		assert.equal(keepsLinkedFile(linked('/ws-other/fox.png'), 'file', '/ws', 'png'), false, 'a sibling folder sharing the prefix is outside');
	});
});

suite('displayWidth: HTML images at half their pixel width', () => {
	test('half, rounded', () => {
		assert.equal(displayWidth(1536), 768);
		assert.equal(displayWidth(1254), 627);
		assert.equal(displayWidth(1023), 512);
	});

	test('no width when the pixel width is unknown', () => {
		assert.equal(displayWidth(undefined), undefined);
		assert.equal(displayWidth(0), undefined);
	});
});
