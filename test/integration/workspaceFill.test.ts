import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { WorkspaceFillResult } from '../../src/commands/fillWorkspaceCommand';
import type { BatchSummary } from '../../src/commands/batchCommands';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { customIdOf, workspacePlaceholders } from '../../src/core/workspaceFill/placeholderIdentity';
import { scanWorkspace } from '../../src/workspace/workspaceScan';
import { waitFor } from '../harness/waitFor';
import { api, bytesEqual, closeAllEditors, exists, removeIfPresent, workspaceRoot } from './helpers';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { OUTPUT_MARKER } from './index';

const COMMAND = 'illustrate.fillMissingImagesInWorkspace';
const decoder = new TextDecoder();
const uriOf = (path: string) => vscode.Uri.joinPath(workspaceRoot(), path);
const write = (path: string, text: string) => vscode.workspace.fs.writeFile(uriOf(path), new TextEncoder().encode(text));
const read = async (path: string) => decoder.decode(await vscode.workspace.fs.readFile(uriOf(path)));

async function requestsReceived(count: number): Promise<void> {
	await waitFor(async () => (await api().requests()).length >= count, `the server received ${count} request(s)`, 20_000);
}

suite('Fill Missing Images in Workspace', () => {
	setup(async () => {
		await api().reset();
		await removeIfPresent('wsfill');
	});

	teardown(async () => {
		await vscode.commands.executeCommand(COMMAND, { cancel: true });
		await api().reset();
		for (const section of ['files', 'search']) {
			await vscode.workspace.getConfiguration(section).update('exclude', undefined, vscode.ConfigurationTarget.Workspace);
		}
		await closeAllEditors();
		await removeIfPresent('wsfill');
	});

	test('three documents of three kinds filled Now, each in one edit that one Undo takes back', async () => {
		const guide = '# Guide\n\nLog in first.\n\n![the login screen]()\n\nThen open the settings.\n\n![the settings page]()\n\n```md\n![a decoy in code]()\n```\n';
		await write('wsfill/guide.md', guide);
		await write('wsfill/intro.rst', 'Intro\n=====\n\nThe big picture.\n\n.. image::\n   :alt: the architecture\n');
		await write('wsfill/book.adoc', '= Book\n\nThe cover.\n\nimage::[the book cover]\n');
		await write('wsfill/notes.txt', '![not a document kind]()\n');
		const editor = await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uriOf('wsfill/guide.md')));

		const result = await vscode.commands.executeCommand<WorkspaceFillResult>(COMMAND, { confirm: false, include: 'wsfill/**' });

		assert.deepEqual(result.failures, []);
		assert.equal(result.skipped, 0);
		assert.equal(result.files.length, 4);
		assert.ok((result.costUsd ?? 0) > 0);
		const requests = await api().requests();
		assert.deepEqual(requests.map(request => String(request.body.prompt)).sort(), ['the architecture', 'the book cover', 'the login screen', 'the settings page']);
		assert.ok(requests.every(request => request.path === '/v1/images/generations' && request.body.n === 1));
		assert.equal(editor.document.getText(), guide.replace('![the login screen]()', '![the login screen](images/the-login-screen.png)').replace('![the settings page]()', '![the settings page](images/the-settings-page.png)'));
		assert.equal(await read('wsfill/intro.rst'), 'Intro\n=====\n\nThe big picture.\n\n.. image:: images/the-architecture.png\n   :alt: the architecture\n');
		assert.equal(await read('wsfill/book.adoc'), '= Book\n\nThe cover.\n\nimage::images/the-book-cover.png[the book cover]\n');
		for (const file of ['wsfill/images/the-login-screen.png', 'wsfill/images/the-settings-page.png', 'wsfill/images/the-architecture.png', 'wsfill/images/the-book-cover.png']) {
			assert.ok(await exists(uriOf(file)), file);
		}
		assert.equal(await read('wsfill/notes.txt'), '![not a document kind]()\n');

		await vscode.window.showTextDocument(editor.document);
		await vscode.commands.executeCommand('undo');
		assert.equal(editor.document.getText(), guide, 'both links of the document came in one edit');
	});

	test('cancelled after the first request reached the server, then resumed: the stored run goes on, nothing is sent twice', async () => {
		await write('wsfill/a.md', 'Alpha.\n\n![an alpine lake]()\n');
		await write('wsfill/b.md', 'Beta.\n\n![a beach hut]()\n\nMore.\n\n![a boathouse]()\n');
		await api().configure({ holdFinals: true });
		const running = vscode.commands.executeCommand<WorkspaceFillResult>(COMMAND, { confirm: false, include: 'wsfill/**' });
		await requestsReceived(1);
		await vscode.commands.executeCommand(COMMAND, { cancel: true });
		const interrupted = await running;
		assert.equal(interrupted.files.length, 0);
		assert.equal(interrupted.skipped, 3, 'all three wait for the next run');
		assert.equal(await read('wsfill/a.md'), 'Alpha.\n\n![an alpine lake]()\n');

		// Written after the interruption: a resumed run fills what it had, not this.
		await write('wsfill/c.md', 'Gamma.\n\n![a new placeholder]()\n');
		await api().reset();
		const resumed = await vscode.commands.executeCommand<WorkspaceFillResult>(COMMAND, { confirm: false, include: 'wsfill/**' });
		assert.equal(resumed.files.length, 3);
		assert.equal(resumed.skipped, 0);
		// Requests the cancelled run had started may still arrive after the reset; none of them delivered an image.
		const delivered = (await api().requests()).filter(request => request.images.length > 0);
		assert.deepEqual(delivered.map(request => String(request.body.prompt)).sort(), ['a beach hut', 'a boathouse', 'an alpine lake']);
		assert.equal(await read('wsfill/a.md'), 'Alpha.\n\n![an alpine lake](images/an-alpine-lake.png)\n');
		assert.equal(await read('wsfill/b.md'), 'Beta.\n\n![a beach hut](images/a-beach-hut.png)\n\nMore.\n\n![a boathouse](images/a-boathouse.png)\n');
		assert.equal(await read('wsfill/c.md'), 'Gamma.\n\n![a new placeholder]()\n');

		await api().reset();
		const next = await vscode.commands.executeCommand<WorkspaceFillResult>(COMMAND, { confirm: false, include: 'wsfill/**' });
		assert.equal(next.files.length, 1, 'the run after it is a new one, over a fresh scan');
		assert.deepEqual((await api().requests()).filter(request => request.images.length > 0).map(request => String(request.body.prompt)), ['a new placeholder']);
	});

	test('an image paid for but not inserted (its document gone meanwhile) stays in the run: the next run inserts it from the history without a new request', async () => {
		const text = 'Delta.\n\n![a river delta from above]()\n';
		await write('wsfill/delta.md', text);
		await api().configure({ holdFinals: true });
		const running = vscode.commands.executeCommand<WorkspaceFillResult>(COMMAND, { confirm: false, include: 'wsfill/**' });
		await requestsReceived(1);
		await vscode.workspace.fs.delete(uriOf('wsfill/delta.md'));
		await api().releaseFinals();
		const first = await running;
		assert.deepEqual(first.files, []);
		assert.equal(first.failures.length, 1);
		assert.equal(first.skipped, 1, 'the paid image waits for the next run');
		assert.equal((await api().requests()).filter(request => request.images.length > 0).length, 1);

		await write('wsfill/delta.md', text);
		await api().reset();
		const resumed = await vscode.commands.executeCommand<WorkspaceFillResult>(COMMAND, { confirm: false, include: 'wsfill/**' });
		assert.equal(resumed.files.length, 1);
		assert.deepEqual(await api().requests(), [], 'nothing is paid twice');
		assert.equal(await read('wsfill/delta.md'), 'Delta.\n\n![a river delta from above](images/a-river-delta-from-above.png)\n');
	});

	test('files.exclude and search.exclude are both honoured', async () => {
		await write('wsfill/docs/page.md', 'Page.\n\n![a kept page]()\n');
		await write('wsfill/hidden/page.md', 'Hidden.\n\n![a hidden page]()\n');
		await write('wsfill/generated/page.html', '<p>Generated.</p>\n<img alt="a generated page">\n');
		await vscode.workspace.getConfiguration('files').update('exclude', { '**/wsfill/hidden': true }, vscode.ConfigurationTarget.Workspace);
		await vscode.workspace.getConfiguration('search').update('exclude', { '**/wsfill/generated/**': true }, vscode.ConfigurationTarget.Workspace);

		const result = await vscode.commands.executeCommand<WorkspaceFillResult>(COMMAND, { confirm: false, include: 'wsfill/**' });

		assert.equal(result.files.length, 1);
		assert.deepEqual((await api().requests()).map(request => String(request.body.prompt)), ['a kept page']);
		assert.equal(await read('wsfill/hidden/page.md'), 'Hidden.\n\n![a hidden page]()\n');
		assert.equal(await read('wsfill/generated/page.html'), '<p>Generated.</p>\n<img alt="a generated page">\n');
	});

	test('batch mode: one request per placeholder with its style, each custom_id the placeholder\'s identity; nothing written until the batch is done', async () => {
		const tour = 'Tour.\n\n![a harbour]()\n\nMore.\n\n![a lighthouse]()\n';
		await write('wsfill/tour.md', tour);
		await write('wsfill/index.html', '<p>Market.</p>\n<img alt="a fish market">\n');
		await write('.vscode/illustrate-styles.json', JSON.stringify({ styles: { Watercolour: 'soft watercolour' } }));
		try {
			const result = await vscode.commands.executeCommand<WorkspaceFillResult>(COMMAND, { mode: 'batch', confirm: false, include: 'wsfill/**', style: 'Watercolour' });
			assert.ok(result.batchId);
			assert.deepEqual(result.files, []);
			const [batch] = await api().batches();
			assert.equal(batch.id, result.batchId);
			const expected = [
				...workspacePlaceholders(uriOf('wsfill/index.html').toString(), '<p>Market.</p>\n<img alt="a fish market">\n', 'html'),
				...workspacePlaceholders(uriOf('wsfill/tour.md').toString(), tour, 'markdown'),
			];
			assert.deepEqual(batch.lines.map(line => [line.custom_id, line.body.prompt]).sort(), expected.map(placeholder => [customIdOf(placeholder.identity), `${placeholder.alt}\n\nStyle: soft watercolour`]).sort());
			assert.deepEqual(await api().requests(), [], 'no image request is sent now');
			assert.equal(await read('wsfill/tour.md'), tour);
			await vscode.commands.executeCommand('illustrate.cancelBatch', result.batchId);
		} finally {
			await removeIfPresent('.vscode/illustrate-styles.json');
		}
	});

	test('links to files that do not exist yet are filled Now at their own paths, each in its format; existing files and paths out of the workspace are left alone', async () => {
		const page = 'Flow.\n\n![a flow diagram](diagrams/flow.svg)\n\nLogo.\n\n![the logo](logo.png)\n\n![a banner]()\n\n![out of bounds](../../outside.png)\n';
		await write('wsfill/flow.md', page);
		await write('wsfill/logo.png', 'not replaced');

		const result = await vscode.commands.executeCommand<WorkspaceFillResult>(COMMAND, { confirm: false, include: 'wsfill/**' });

		assert.deepEqual(result.failures, []);
		assert.equal(result.files.length, 2);
		const requests = await api().requests();
		assert.deepEqual(requests.map(request => String(request.body.prompt)).sort(), ['a banner', 'a flow diagram']);
		const svg = requests.find(request => request.body.prompt === 'a flow diagram')!;
		assert.equal(svg.body.output_format, 'svg');
		assert.equal(svg.body.stream, false);
		assert.equal(await read('wsfill/flow.md'), page.replace('![a banner]()', '![a banner](images/a-banner.png)'), 'the link keeps its path; the placeholder gets one');
		assert.match(await read('wsfill/diagrams/flow.svg'), /<svg[\s>]/);
		assert.equal(await read('wsfill/logo.png'), 'not replaced');
	});

	test('batch mode: links to a missing SVG and GIF are requested in their formats and delivered at their paths; a file put at a link\'s path meanwhile is not overwritten; a finished batch is removed from the list, a running one is not', async () => {
		const site = 'Site.\n\n![a flow diagram](flow.svg)\n\nCharts.\n\n![a chart](chart.png)\n\n![a harbour]()\n\n![a spinning wheel](media/wheel.gif)\n';
		await write('wsfill/site.md', site);
		const result = await vscode.commands.executeCommand<WorkspaceFillResult>(COMMAND, { mode: 'batch', confirm: false, include: 'wsfill/**' });
		const batchId = result.batchId!;
		assert.ok(batchId);
		const [batch] = await api().batches();
		const expected = workspacePlaceholders(uriOf('wsfill/site.md').toString(), site, 'markdown', undefined, new Set(['flow.svg', 'chart.png', 'media/wheel.gif']));
		assert.deepEqual(batch.lines.map(line => line.custom_id), expected.map(placeholder => customIdOf(placeholder.identity)), 'each custom_id the identity of its link or placeholder');
		assert.deepEqual(batch.lines.map(line => [line.body.prompt, line.body.output_format, line.body.stream]), [['a flow diagram', 'svg', false], ['a chart', 'png', undefined], ['a harbour', 'png', undefined], ['a spinning wheel', 'gif', false]]);
		assert.deepEqual(batch.lines.map(line => line.refused), [null, null, null, null]);

		// Running: not removed.
		assert.equal(await vscode.commands.executeCommand('illustrate.removeBatch', batchId), undefined);
		assert.ok((await vscode.commands.executeCommand<BatchSummary[]>('illustrate.showBatches', { reveal: false })).some(summary => summary.id === batchId));

		await write('wsfill/chart.png', 'drawn by hand meanwhile');
		await api().driveBatch(batchId, { status: 'in_progress' });
		await api().driveBatch(batchId, { status: 'finalizing' });
		await api().driveBatch(batchId, { status: 'completed' });
		let summary: BatchSummary | undefined;
		await waitFor(async () => {
			summary = (await vscode.commands.executeCommand<BatchSummary[]>('illustrate.showBatches', { reveal: false })).find(candidate => candidate.id === batchId);
			return summary?.delivered === true;
		}, 'the batch is delivered', 30_000);
		assert.equal(summary!.applied, 3);
		assert.equal(summary!.kept, 1);
		assert.match(summary!.problems[0].reason, /chart\.png exists now/);
		assert.equal(await read('wsfill/site.md'), site.replace('![a harbour]()', '![a harbour](images/a-harbour.png)'));
		assert.match(await read('wsfill/flow.svg'), /<svg[\s>]/);
		assert.ok((await read('wsfill/media/wheel.gif')).startsWith('GIF89a'), 'an animated GIF at the link\'s path');
		assert.equal(await read('wsfill/chart.png'), 'drawn by hand meanwhile');

		assert.deepEqual(await vscode.commands.executeCommand('illustrate.removeBatch', batchId), { removed: batchId });
		assert.equal((await vscode.commands.executeCommand<BatchSummary[]>('illustrate.showBatches', { reveal: false })).some(candidate => candidate.id === batchId), false);
		assert.ok(await exists(uriOf('wsfill/flow.svg')), 'its images stay in the documents');
		const history = join(process.env.ILLUSTRATE_TEST_USER_DATA!, 'User', 'globalStorage', 'illustrate.illustrate', 'images');
		const svg = await vscode.workspace.fs.readFile(uriOf('wsfill/flow.svg'));
		assert.ok(readdirSync(history).filter(name => /\.(png|jpe?g|webp|gif|svg)$/i.test(name)).some(name => bytesEqual(readFileSync(join(history, name)), svg)), 'and in the history');
	});

	test('bench: the scan of 1,000 placeholders across 200 documents of every kind', async () => {
		const kinds = [
			{ extension: 'md', page: (index: number) => `Paragraph ${index}.\n\n![figure ${index}]()\n\n\`\`\`md\n![in code]()\n\`\`\`\n` },
			{ extension: 'mdx', page: (index: number) => `Paragraph ${index}.\n\n<img src="" alt="figure ${index}" />\n` },
			{ extension: 'html', page: (index: number) => `<p>Paragraph ${index}.</p>\n<img alt="figure ${index}">\n` },
			{ extension: 'rst', page: (index: number) => `Paragraph ${index}.\n\n.. image::\n   :alt: figure ${index}\n` },
			{ extension: 'adoc', page: (index: number) => `Paragraph ${index}.\n\nimage::[figure ${index}]\n` },
		];
		await Promise.all(Array.from({ length: 200 }, (_, document) => {
			const kind = kinds[document % kinds.length];
			const text = Array.from({ length: 5 }, (_, index) => kind.page(index)).join('\n') + 'Lorem ipsum dolor sit amet. '.repeat(200);
			return write(`wsfill/bench/section-${document % 10}/page-${document}.${kind.extension}`, text);
		}));
		const loop = monitorEventLoopDelay({ resolution: 5 });
		loop.enable();
		const started = performance.now();
		const scan = await scanWorkspace('wsfill/bench/**');
		const ms = Math.round(performance.now() - started);
		loop.disable();
		const eventLoopMaxMs = Math.round(loop.max / 1e6);
		assert.equal(scan.documents, 200);
		assert.equal(scan.placeholders.length, 1000);
		assert.deepEqual(scan.skipped, []);
		// Again, with the parsers loaded and the files in the OS cache: what a second run costs.
		loop.reset();
		loop.enable();
		const again = performance.now();
		assert.equal((await scanWorkspace('wsfill/bench/**')).placeholders.length, 1000);
		const warmMs = Math.round(performance.now() - again);
		loop.disable();
		const warmEventLoopMaxMs = Math.round(loop.max / 1e6);
		// With the suite's marker, so the harness prints it and bench/workspaceScan.ts reads it.
		console.log(`${OUTPUT_MARKER}BENCH workspaceScan ${JSON.stringify({ placeholders: scan.placeholders.length, documents: scan.documents, ms, eventLoopMaxMs, warmMs, warmEventLoopMaxMs })}`);
	});
});
