import * as assert from 'node:assert/strict';
import { extensionForFormat, formatForExtension, formatOfFileName, IMAGE_FILE_EXTENSIONS } from '../../src/core/images/imageFormats';
import { formatSize, measuredSize } from '../../src/core/images/imageSize';
import { parseSize } from '../../src/core/models/validation';

suite('Image formats and file extensions', () => {
	test('JPEG files are written .jpg; the others by their name', () => {
		assert.equal(extensionForFormat('jpeg'), 'jpg');
		assert.equal(extensionForFormat('png'), 'png');
		assert.equal(extensionForFormat('webp'), 'webp');
	});

	test('.jpg and .jpeg both name JPEG, in any case; other extensions no format', () => {
		assert.equal(formatForExtension('jpg'), 'jpeg');
		assert.equal(formatForExtension('JPEG'), 'jpeg');
		assert.equal(formatForExtension('Png'), 'png');
		assert.equal(formatForExtension('webp'), 'webp');
		assert.equal(formatForExtension('GIF'), 'gif');
		assert.equal(formatForExtension('svg'), 'svg');
		assert.equal(formatForExtension('svgz'), undefined);
		assert.equal(formatForExtension('bmp'), undefined);
		assert.equal(formatOfFileName('docs/diagram.svg'), 'svg');
	});

	test('a path\'s format is its last segment\'s extension', () => {
		assert.equal(formatOfFileName('/ws/images/Fox.JPG'), 'jpeg');
		assert.equal(formatOfFileName('images/diagram.v2.webp'), 'webp');
		assert.equal(formatOfFileName('/ws/images.png/fox'), undefined, 'a dot in a folder name is no extension');
		assert.equal(formatOfFileName('/ws/fox.png.txt'), undefined);
		assert.equal(formatOfFileName('/ws/.png'), undefined, 'a hidden file has no extension');
	});

	test('the picker\'s extensions are exactly those that name a format, and every written extension is among them', () => {
		assert.ok(IMAGE_FILE_EXTENSIONS.every(extension => formatForExtension(extension) !== undefined));
		for (const format of ['png', 'jpeg', 'webp'] as const) {
			assert.ok(IMAGE_FILE_EXTENSIONS.includes(extensionForFormat(format)), format);
			assert.equal(formatForExtension(extensionForFormat(format)), format, `${format} round-trips`);
		}
	});
});

suite('Image sizes as text', () => {
	test('WxH, read back by parseSize', () => {
		assert.equal(formatSize(1536, 1024), '1536x1024');
		assert.deepEqual(parseSize(formatSize(1536, 1024)), { width: 1536, height: 1024 });
	});

	test('the measured size when the header gave one, else the size asked for', () => {
		assert.equal(measuredSize({ width: 1254, height: 1254, size: '1024x1024' }), '1254x1254');
		assert.equal(measuredSize({ size: 'auto' }), 'auto');
		assert.equal(measuredSize({ width: 0, height: 1024, size: 'auto' }), 'auto');
	});
});
