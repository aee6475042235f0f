import * as assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultHistoryFolder, HistoryFolder } from '../../src/mcp/historyFolder';
import { parseArguments } from '../../src/mcp/main';
import { freshFolder, listFiles } from './mcpHarness';

const recipe = { prompt: 'a fox', model: 'gpt-image-2', size: '1024x1024', quality: 'low' };

suite('MCP server: its command line and its history folder', () => {
	test('the command line: the workspace and history resolved from the current folder, limits checked', () => {
		assert.deepEqual(parseArguments([], '/home/me/site'), { workspace: '/home/me/site', history: defaultHistoryFolder(), historyMaxMb: 500 });
		assert.deepEqual(parseArguments(['--workspace', 'docs', '--history', '/tmp/h', '--history-max-mb', '50', '--max-cost', '0.25'], '/home/me/site'),
			{ workspace: '/home/me/site/docs', history: '/tmp/h', historyMaxMb: 50, maxCost: 0.25 });
		assert.equal(parseArguments(['--help'], '/'), 'help');
		assert.throws(() => parseArguments(['--workspace'], '/'), /--workspace needs a value/);
		assert.throws(() => parseArguments(['--key', 'sk-x'], '/'), /Unknown option --key\.\nUsage: node dist\/mcp\.js --workspace/);
		assert.throws(() => parseArguments(['--max-cost', 'cheap'], '/'), /--max-cost takes a number of USD/);
		assert.throws(() => parseArguments(['--history-max-mb', '1'], '/'), /at least 10/);
	});

	test('the default history folder is the platform\'s data folder, outside any workspace', () => {
		assert.equal(defaultHistoryFolder({}, 'linux', '/home/me'), '/home/me/.local/share/illustrate/mcp-history');
		assert.equal(defaultHistoryFolder({ XDG_DATA_HOME: '/data' }, 'linux', '/home/me'), '/data/illustrate/mcp-history');
		assert.equal(defaultHistoryFolder({}, 'darwin', '/Users/me'), '/Users/me/Library/Application Support/Illustrate/mcp-history');
		assert.match(defaultHistoryFolder({ LOCALAPPDATA: 'C:\\Users\\me\\AppData\\Local' }, 'win32', 'C:\\Users\\me'), /^C:\\Users\\me\\AppData\\Local[\\/]Illustrate[\\/]mcp-history$/);
	});

	test('the oldest images beyond the cap are pruned, never this process\'s, never files that are no entries', async () => {
		const folder = freshFolder('illustrate-mcp-prune-');
		const earlier = new HistoryFolder(folder, 150);
		const first = await earlier.save(new Uint8Array(100), recipe, 'png');
		const second = await earlier.save(new Uint8Array(100), recipe, 'png');
		assert.equal(await earlier.prune(), 0, 'both are this process\'s');
		writeFileSync(join(folder, 'notes.txt'), 'mine');
		writeFileSync(join(folder, 'bogus.json'), '{"id":"x"}');
		const later = new HistoryFolder(folder, 150);
		const third = await later.save(new Uint8Array(100), recipe, 'png');
		await later.prune();
		const left = listFiles(folder);
		assert.deepEqual(left, ['bogus.json', 'notes.txt', `${third.id}.json`, `${third.id}.png`].sort());
		assert.ok(!left.includes(`${first.id}.png`) && !left.includes(`${second.id}.png`));
	});
});
