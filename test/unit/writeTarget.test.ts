import * as assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { realPathRefusal, relativeWriteRefusal, writeTargetRefusal, type WriteLocation } from '../../src/core/destination/writeTarget';

const folder: WriteLocation = { scheme: 'file', authority: '', path: '/home/me/site' };
const at = (path: string, scheme = 'file', authority = ''): WriteLocation => ({ scheme, authority, path });

suite('where Illustrate may write: by the text of the target', () => {
	const allowed: Array<[string, string]> = [
		['a file in the folder', '/home/me/site/logo.png'],
		['a file in a sub-folder', '/home/me/site/docs/images/a-red-fox.png'],
		['a name with dots that is not ..', '/home/me/site/docs/..images/a..b.png'],
		['a name with a colon after the first folder', '/home/me/site/docs/12:30.png'],
		['the manifest', '/home/me/site/docs/images/illustrate-provenance.json'],
	];
	for (const [what, path] of allowed) {
		test(`allowed: ${what}`, () => {
			assert.equal(writeTargetRefusal(at(path), folder), undefined);
		});
	}

	const refused: Array<[string, WriteLocation, string]> = [
		['a sibling folder with the same prefix', at('/home/me/site-old/logo.png'), 'outside'],
		['another absolute path', at('/etc/passwd'), 'outside'],
		['the folder itself', at('/home/me/site'), 'outside'],
		['the folder with a trailing slash', at('/home/me/site/'), 'outside'],
		['a folder inside', at('/home/me/site/docs/'), 'outside'],
		['.. that climbs out', at('/home/me/site/../secrets/key.png'), 'parentSegment'],
		['.. that stays in by its prefix, but is not normalised', at('/home/me/site/docs/../logo.png'), 'parentSegment'],
		['.. behind Windows backslashes', at('/home/me/site/docs\\..\\..\\x.png'), 'parentSegment'],
		['a second root after the folder', at('/home/me/site//etc/passwd'), 'absolute'],
		['a Windows backslash root after the folder', at('/home/me/site/\\\\server\\share\\x.png'), 'absolute'],
		['a drive letter after the folder', at('/home/me/site/C:/Windows/x.png'), 'absolute'],
		['a scheme after the folder', at('/home/me/site/file:/etc/x.png'), 'scheme'],
		['another scheme', at('/home/me/site/logo.png', 'vscode-remote', 'ssh-remote+box'), 'otherFileSystem'],
		['another authority', at('/home/me/site/logo.png', 'file', 'server'), 'otherFileSystem'],
		['a NUL in the name', at('/home/me/site/logo.png\0.txt'), 'invalid'],
	];
	for (const [what, target, refusal] of refused) {
		test(`refused: ${what}`, () => {
			assert.equal(writeTargetRefusal(target, folder), refusal);
		});
	}

	test('Windows drive letters in either case are the same folder', () => {
		assert.equal(writeTargetRefusal(at('/C:/Users/me/site/a.png'), at('/c:/Users/me/site')), undefined);
		assert.equal(writeTargetRefusal(at('/d:/Users/me/site/a.png'), at('/c:/Users/me/site')), 'outside');
	});

	test('the scheme and authority compare without case, as URIs do', () => {
		assert.equal(writeTargetRefusal(at('/ws/a.png', 'VSCODE-REMOTE', 'SSH-REMOTE+Box'), at('/ws', 'vscode-remote', 'ssh-remote+box')), undefined);
	});

	test('a folder at the root of a file system', () => {
		assert.equal(writeTargetRefusal(at('/a.png', 'memfs'), at('/', 'memfs')), undefined);
		assert.equal(writeTargetRefusal(at('/../a.png', 'memfs'), at('/', 'memfs')), 'parentSegment');
	});

	test('a path relative to the folder, as text', () => {
		assert.equal(relativeWriteRefusal('images/a.png'), undefined);
		assert.equal(relativeWriteRefusal('../a.png'), 'parentSegment');
		assert.equal(relativeWriteRefusal('images/../../a.png'), 'parentSegment');
		assert.equal(relativeWriteRefusal('/etc/a.png'), 'absolute');
		assert.equal(relativeWriteRefusal('\\\\server\\share\\a.png'), 'absolute');
		assert.equal(relativeWriteRefusal('c:\\a.png'), 'absolute');
		assert.equal(relativeWriteRefusal('https://example.com/a.png'), 'scheme');
		assert.equal(relativeWriteRefusal(''), 'outside');
		assert.equal(relativeWriteRefusal('.'), 'outside');
	});
});

suite('where Illustrate may write: once links are resolved', () => {
	test('a real path inside the folder\'s real path is fine', () => {
		assert.equal(realPathRefusal('/data/site/docs/images/a.png', '/data/site'), undefined);
	});

	test('a real path elsewhere left through a link', () => {
		assert.equal(realPathRefusal('/home/me/elsewhere/illustrate-provenance.json', '/home/me/site'), 'throughLink');
		assert.equal(realPathRefusal('/home/me/site-old/a.png', '/home/me/site'), 'throughLink');
	});

	test('a link to the folder itself is no file to write', () => {
		assert.equal(realPathRefusal('/home/me/site', '/home/me/site'), 'throughLink');
	});

	test('Windows real paths, with backslashes and either drive-letter case', () => {
		assert.equal(realPathRefusal('C:\\Users\\me\\site\\images\\a.png', 'c:\\Users\\me\\site'), undefined);
		assert.equal(realPathRefusal('C:\\Users\\me\\Desktop\\a.png', 'C:\\Users\\me\\site'), 'throughLink');
		assert.equal(realPathRefusal('D:\\site\\a.png', 'C:\\site'), 'throughLink');
	});
});

suite('one write path', () => {
	/**
	 * Source files allowed to write files: the checked write path, and the history in extension
	 * storage (the store, its index file, and the image worker, which writes the history's images off the main thread);
	 * the MCP server's checked write path on Node's file system and its history folder.
	 */
	const WRITERS = new Set(['src/workspace/workspaceWriter.ts', 'src/history/imageStore.ts', 'src/history/historyIndexFile.ts', 'src/providers/imageWorker.ts', 'src/mcp/nodeWorkspace.ts', 'src/mcp/historyFolder.ts']);

	function sourceFiles(folder: string): string[] {
		return readdirSync(folder, { withFileTypes: true }).flatMap(entry => entry.isDirectory()
			? sourceFiles(join(folder, entry.name))
			: entry.name.endsWith('.ts') ? [join(folder, entry.name)] : []);
	}

	test('no other file of the extension writes files, applies edits or creates files', () => {
		const root = join(__dirname, '..', '..', '..');
		const writers = sourceFiles(join(root, 'src'))
			.filter(file => /\bfs\.(writeFile|copy|rename|delete|createDirectory)\b|\bapplyEdit\b|\bWorkspaceEdit\(|node:fs/.test(readFileSync(file, 'utf8')))
			.map(file => relative(root, file).replace(/\\/g, '/'))
			.filter(file => !WRITERS.has(file));
		// diagnostics.ts appends the bench's figures to the file ILLUSTRATE_DIAGNOSTICS names (never a
		// workspace file, and only when that variable is set); landingPath.ts reads link targets and
		// real paths with node:fs (realPath.ts through it) and writes nothing; readBounded.ts reads an
		// image file for its history copy (the image worker and its copy thread) and writes nothing.
		assert.deepEqual(writers, ['src/platform/diagnostics.ts', 'src/platform/landingPath.ts', 'src/providers/readBounded.ts']);
	});
});
