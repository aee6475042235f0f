import * as assert from 'node:assert/strict';
import { FileCheckError, keepsLinkedFile, planImageFiles, type FilePlanInput } from '../../src/core/destination/filePlan';
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

suite('planImageFiles: where each inserted image goes', () => {
	function input(onDisk: readonly string[], overrides: Partial<FilePlanInput> = {}): FilePlanInput & { asked: string[] } {
		const asked: string[] = [];
		return {
			formats: ['png', 'png'],
			stem: 'a-fox',
			documentScheme: 'file',
			boundary: '/ws',
			destination: fileName => `/ws/docs/images/${fileName}`,
			exists: async path => {
				asked.push(path);
				return onDisk.includes(path);
			},
			asked,
			...overrides,
		};
	}

	test('every image at its destination under the first free name, none twice', async () => {
		const plan = await planImageFiles(input(['/ws/docs/images/a-fox.png']));
		assert.deepEqual(plan, { kind: 'planned', paths: ['/ws/docs/images/a-fox-1.png', '/ws/docs/images/a-fox-2.png'], keepsLinked: false });
	});

	test('the extension follows each image\'s format', async () => {
		const plan = await planImageFiles(input([], { formats: ['jpeg', 'webp'] }));
		assert.deepEqual(plan.kind === 'planned' && plan.paths, ['/ws/docs/images/a-fox.jpg', '/ws/docs/images/a-fox.webp']);
	});

	test('the first image at the missing file the link names; the others at the destination', async () => {
		const plan = await planImageFiles(input([], { linked: { scheme: 'file', path: '/ws/docs/art/fox.png' } }));
		assert.deepEqual(plan, { kind: 'planned', paths: ['/ws/docs/art/fox.png', '/ws/docs/images/a-fox.png'], keepsLinked: true });
	});

	test('a linked file that exists, or of another format, is never overwritten: a new name instead', async () => {
		const existing = input(['/ws/docs/art/fox.png'], { formats: ['png'], linked: { scheme: 'file', path: '/ws/docs/art/fox.png' } });
		assert.deepEqual(await planImageFiles(existing), { kind: 'planned', paths: ['/ws/docs/images/a-fox.png'], keepsLinked: false });
		const otherFormat = input([], { formats: ['webp'], linked: { scheme: 'file', path: '/ws/docs/art/fox.png' } });
		assert.deepEqual(await planImageFiles(otherFormat), { kind: 'planned', paths: ['/ws/docs/images/a-fox.webp'], keepsLinked: false });
		assert.ok(!otherFormat.asked.includes('/ws/docs/art/fox.png'), 'a link that cannot be kept is not even looked up');
	});

	test('a destination outside the boundary plans nothing and checks nothing', async () => {
		const outside = input([], { destination: fileName => `/elsewhere/${fileName}` });
		assert.deepEqual(await planImageFiles(outside), { kind: 'outside', path: '/elsewhere/a-fox.png' });
		assert.deepEqual(outside.asked, []);
	});

	test('a failed check of a free name names the destination; a failed check of the link propagates as it is', async () => {
		const denied = new Error('EACCES: permission denied');
		const failing = input([], { exists: async () => { throw denied; } });
		await assert.rejects(planImageFiles(failing), (error: unknown) => error instanceof FileCheckError && error.path === '/ws/docs/images/a-fox.png' && error.cause === denied);
		const linkFailing = input([], { exists: async () => { throw denied; }, linked: { scheme: 'file', path: '/ws/docs/art/fox.png' } });
		await assert.rejects(planImageFiles(linkFailing), denied);
	});
});
