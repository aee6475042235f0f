import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { MANIFEST_NAME } from '../../src/core/provenance/manifest';
import { provenanceOf } from '../../src/editor/imageLenses';
import type { FillResult } from '../../src/commands/fillMissingImages';
import type { GenerateCommandResult } from '../../src/commands/generateCommands';
import { DocumentImageIndex } from '../../src/editor/documentPlaceholders';
import { loadStylePresets } from '../../src/workspace/stylePresets';
import { api, bytesEqual, closeAllEditors, exists, openFreshDocument, placeCursor, readWorkspaceFile, rejectionOf, removeIfPresent, sentImages, workspaceRoot } from './helpers';

const decoder = new TextDecoder();
const config = () => vscode.workspace.getConfiguration('illustrate');
const writeJson = (path: string, value: unknown) => vscode.workspace.fs.writeFile(vscode.Uri.joinPath(workspaceRoot(), path), new TextEncoder().encode(JSON.stringify(value, null, 2)));

suite('Docs authors: destinations, formats, provenance, fill missing', () => {
	setup(async () => {
		await api().reset();
		await removeIfPresent('authors');
		await removeIfPresent('assets');
	});

	teardown(async () => {
		for (const key of ['destination', 'linkStyle', 'provenance']) {
			await config().update(key, undefined, vscode.ConfigurationTarget.Global);
		}
		await vscode.workspace.getConfiguration('markdown').update('copyFiles.destination', undefined, vscode.ConfigurationTarget.Global);
		await removeIfPresent('.vscode');
		await closeAllEditors();
	});

	test('a link whose file cannot be checked is left alone, with a warning; a missing one is filled', async () => {
		// A file where a folder should be: asking about a file under it fails, and not because it is missing.
		await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(workspaceRoot(), 'authors', 'a-file.png'), new Uint8Array([1]));
		const editor = await openFreshDocument('authors/unclear.md', '![a fox](a-file.png/fox.png)\n\n![a kite](kite.png)\n');
		const warnings: string[] = [];
		const index = new DocumentImageIndex({ warn: message => void warnings.push(message) });
		assert.deepEqual((await index.classify(editor.document)).map(item => item.status), ['other', 'missing']);
		assert.equal(warnings.length, 1);
		assert.match(warnings[0], /^Could not check whether authors\/a-file\.png\/fox\.png exists \(.+\): its link is left alone\.$/);
	});

	test('an unreadable styles file offers no presets and says why in the log; a missing one is no warning', async () => {
		const warnings: string[] = [];
		const log = { warn: (message: string) => void warnings.push(message) };
		assert.deepEqual(await loadStylePresets(workspaceRoot(), log), []);
		assert.deepEqual(warnings, [], 'no styles file is no warning');
		// A folder where the file should be: reading it fails, and not because it is missing.
		await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(workspaceRoot(), '.vscode', 'illustrate-styles.json'));
		assert.deepEqual(await loadStylePresets(workspaceRoot(), log), []);
		assert.equal(warnings.length, 1);
		assert.match(warnings[0], /illustrate-styles\.json could not be read \(.+\), so its style presets are not offered/);
	});

	test('a provenance manifest that cannot be read: no prompt, and the log says why; a missing one is no warning', async () => {
		const warnings: string[] = [];
		const log = { warn: (message: string) => void warnings.push(message) };
		const folder = vscode.Uri.joinPath(workspaceRoot(), 'authors', 'manifests');
		await vscode.workspace.fs.createDirectory(folder);
		assert.equal(await provenanceOf(vscode.Uri.joinPath(folder, 'fox.png'), log), undefined);
		assert.deepEqual(warnings, [], 'no manifest is no warning');
		// A folder where the manifest should be: reading it fails, and not because it is missing.
		await vscode.workspace.fs.createDirectory(vscode.Uri.joinPath(folder, MANIFEST_NAME));
		assert.equal(await provenanceOf(vscode.Uri.joinPath(folder, 'fox.png'), log), undefined);
		assert.equal(warnings.length, 1);
		assert.match(warnings[0], /^Could not read authors\/manifests\/.+ \(.+\): the image's prompt is not known\.$/);
	});

	test('illustrate.destination puts the file where its template says, and the link follows', async () => {
		await config().update('destination', { '**/*.md': '/assets/${documentBaseName}/' }, vscode.ConfigurationTarget.Global);
		const editor = await openFreshDocument('authors/guide page.md', '![a kite]()\n');
		placeCursor(editor, '![a');
		const result = await vscode.commands.executeCommand<GenerateCommandResult>('illustrate.generateFromAltText', { insert: 'first', variants: 1, quality: 'low' });
		assert.equal(vscode.Uri.parse(result.files[0]).path, vscode.Uri.joinPath(workspaceRoot(), 'assets', 'guide page', 'a-kite.png').path);
		assert.equal(editor.document.lineAt(0).text, '![a kite](<../assets/guide page/a-kite.png>)');
	});

	test('without it, markdown.copyFiles.destination decides', async () => {
		await vscode.workspace.getConfiguration('markdown').update('copyFiles.destination', { '**/*': '/assets/' }, vscode.ConfigurationTarget.Global);
		const editor = await openFreshDocument('authors/md.md', '![a kite]()\n');
		placeCursor(editor, '![a');
		await vscode.commands.executeCommand('illustrate.generateFromAltText', { insert: 'first', variants: 1, quality: 'low' });
		assert.equal(editor.document.lineAt(0).text, '![a kite](../assets/a-kite.png)');
	});

	test('a destination outside the workspace folder is refused and nothing is written', async () => {
		await config().update('destination', { '**/*': '/../../outside/' }, vscode.ConfigurationTarget.Global);
		const editor = await openFreshDocument('authors/out.md', '![a kite]()\n');
		placeCursor(editor, '![a');
		const message = await rejectionOf('illustrate.generateFromAltText', { insert: 'first', variants: 1, quality: 'low' });
		assert.match(message, /outside the workspace folder/);
		assert.equal(editor.document.getText(), '![a kite]()\n');
	});

	test('illustrate.linkStyle html writes an <img> with alt and width', async () => {
		await config().update('linkStyle', 'html', vscode.ConfigurationTarget.Global);
		const editor = await openFreshDocument('authors/html.md', 'Intro.\n');
		placeCursor(editor, 'Intro');
		await vscode.commands.executeCommand('illustrate.generate', { prompt: 'A "quoted" lantern & a moth', insert: 'first', variants: 1, quality: 'low' });
		assert.equal(editor.document.lineAt(2).text, '<img src="images/a-quoted-lantern-a-moth.png" alt="A &quot;quoted&quot; lantern &amp; a moth" width="512">');
	});

	const formats: Array<[string, string, string, string]> = [
		['reStructuredText', 'authors/page.rst', 'Title\n=====\n\n.. image::\n   :alt: a paper boat\n', '.. image:: images/a-paper-boat.png'],
		['AsciiDoc', 'authors/page.adoc', '= Title\n\nimage::[a paper boat]\n', 'image::images/a-paper-boat.png[a paper boat]'],
		['HTML', 'authors/page.html', '<p><img src="" alt="a paper boat"></p>\n', '<p><img src="images/a-paper-boat.png" alt="a paper boat"></p>'],
		['MDX', 'authors/page.mdx', 'import X from "./x"\n\n<img src="" alt="a paper boat" />\n', '<img src="images/a-paper-boat.png" alt="a paper boat" />'],
	];
	for (const [name, path, content, expected] of formats) {
		test(`${name}: the empty image gets its file in the document's own syntax`, async () => {
			const editor = await openFreshDocument(path, content);
			placeCursor(editor, 'a paper boat');
			await vscode.commands.executeCommand('illustrate.generateFromAltText', { insert: 'first', variants: 1, quality: 'low' });
			assert.ok(editor.document.getText().includes(expected), editor.document.getText());
			assert.ok(await exists(vscode.Uri.joinPath(workspaceRoot(), 'authors', 'images', 'a-paper-boat.png')));
		});
	}

	test('provenance: the manifest records each image; Regenerate sends the recorded prompt', async () => {
		const editor = await openFreshDocument('authors/prov.md', '![an owl]()\n');
		placeCursor(editor, '![an');
		await vscode.commands.executeCommand('illustrate.generate', { prompt: 'An owl on a branch at dusk. Ink and watercolour.', insert: 'first', variants: 1, quality: 'low' });
		const manifestUri = vscode.Uri.joinPath(workspaceRoot(), 'authors', 'images', 'illustrate-provenance.json');
		const manifest = JSON.parse(decoder.decode(await readWorkspaceFile(manifestUri)));
		const entry = manifest.images['an-owl.png'];
		assert.equal(entry.prompt, 'An owl on a branch at dusk. Ink and watercolour.');
		assert.equal(entry.model, 'gpt-image-2');
		assert.equal(entry.size, '1024x1024');
		assert.equal(entry.quality, 'low');
		assert.equal(entry.format, 'png');
		assert.match(entry.createdAt, /^\d{4}-\d{2}-\d{2}T/);

		await api().reset();
		placeCursor(editor, '![an');
		await vscode.commands.executeCommand('illustrate.generateFromAltText', { insert: 'first', variants: 1, quality: 'low' });
		const [request] = await api().requests();
		assert.equal(request.body.prompt, 'An owl on a branch at dusk. Ink and watercolour.', 'Regenerate reads the recorded prompt, not the alt text');
	});

	test('a hand-edited, broken manifest is left alone and breaks nothing', async () => {
		const manifestUri = vscode.Uri.joinPath(workspaceRoot(), 'authors', 'images', 'illustrate-provenance.json');
		await vscode.workspace.fs.writeFile(manifestUri, new TextEncoder().encode('{ "images": { oops'));
		const editor = await openFreshDocument('authors/broken.md', '![a heron]()\n');
		placeCursor(editor, '![a');
		const result = await vscode.commands.executeCommand<GenerateCommandResult>('illustrate.generateFromAltText', { insert: 'first', variants: 1, quality: 'low' });
		assert.equal(result.files.length, 1);
		assert.equal(decoder.decode(await readWorkspaceFile(manifestUri)), '{ "images": { oops');
	});

	test('a link to a missing file is filled at that path, in its format, the link kept as written', async () => {
		const editor = await openFreshDocument('authors/missing.md', '![a red kite](<art/red kite.webp>)\n');
		placeCursor(editor, '![a red');
		const result = await vscode.commands.executeCommand<GenerateCommandResult>('illustrate.generateFromAltText', { insert: 'first', variants: 1, quality: 'low' });
		assert.equal(vscode.Uri.parse(result.files[0]).path, vscode.Uri.joinPath(workspaceRoot(), 'authors', 'art', 'red kite.webp').path);
		assert.equal(editor.document.getText(), '![a red kite](<art/red kite.webp>)\n');
		const [request] = await api().requests();
		assert.equal(request.body.output_format, 'webp');
		assert.equal(decoder.decode((await readWorkspaceFile(vscode.Uri.parse(result.files[0]))).slice(0, 4)), 'RIFF');
	});

	test('Fill Missing Images: every placeholder filled, one failure listed with its reason, decoys in code untouched', async () => {
		await api().fail({ kind: 'moderation_blocked', promptIncludes: 'forbidden' });
		const content = [
			'# Guide',
			'',
			'![the login screen]()',
			'',
			'```md',
			'![a decoy in code]()',
			'```',
			'',
			'![a forbidden thing]()',
			'',
			'Text `![decoy span]()` text.',
			'',
			'![the settings page](<>)',
			'',
			'![the logout button](shots/logout.png)',
			'',
		].join('\n');
		const editor = await openFreshDocument('authors/fill.md', content);
		const result = await vscode.commands.executeCommand<FillResult>('illustrate.fillMissingImages', { confirm: false });
		assert.equal(result.files.length, 3);
		assert.deepEqual(result.failures.map(failure => failure.alt), ['a forbidden thing']);
		assert.match(result.failures[0].reason, /safety system rejected this prompt/);
		const lines = editor.document.getText().split('\n');
		assert.equal(lines[2], '![the login screen](images/the-login-screen.png)');
		assert.equal(lines[5], '![a decoy in code]()');
		assert.equal(lines[8], '![a forbidden thing]()');
		assert.equal(lines[10], 'Text `![decoy span]()` text.');
		assert.equal(lines[12], '![the settings page](images/the-settings-page.png)');
		assert.equal(lines[14], '![the logout button](shots/logout.png)');
		assert.ok(await exists(vscode.Uri.joinPath(workspaceRoot(), 'authors', 'shots', 'logout.png')));
		const requests = await api().requests();
		assert.equal(requests.length, 4);
		assert.ok(requests.every(request => request.body.n === 1 && request.path === '/v1/images/generations'));
		assert.ok((result.costUsd ?? 0) > 0);
	});

	test('Fill Missing Images with a style preset and the first image as the reference for the rest', async () => {
		await writeJson('.vscode/illustrate-styles.json', { styles: { 'Flat diagram': 'flat vector diagram, pastel palette, white background' } });
		const editor = await openFreshDocument('authors/set.md', '![first]()\n\n![second]()\n\n![third]()\n');
		const result = await vscode.commands.executeCommand<FillResult>('illustrate.fillMissingImages', { confirm: false, reference: 'first', style: 'Flat diagram' });
		assert.equal(result.files.length, 3);
		const requests = await api().requests();
		assert.equal(requests.length, 3);
		const [first, ...rest] = [...requests].sort((a, b) => a.seq - b.seq);
		assert.equal(first.path, '/v1/images/generations');
		assert.equal(first.body.prompt, 'first\n\nStyle: flat vector diagram, pastel palette, white background');
		const firstBytes = (await sentImages()).find(sent => sent.requestId === first.id)!.bytes;
		const firstFile = await readWorkspaceFile(vscode.Uri.joinPath(workspaceRoot(), 'authors', 'images', 'first.png'));
		assert.ok(bytesEqual(firstFile, firstBytes));
		for (const request of rest) {
			assert.equal(request.path, '/v1/images/edits', 'later images are edits with the reference');
			assert.equal(request.valid, true, request.errors.join('; '));
			assert.match(String(request.body.prompt), /^(second|third)\r?\n\r?\nStyle: flat vector diagram/);
			assert.equal(request.files.length, 1);
			assert.equal(request.files[0].size, firstBytes.length, 'the reference is the first image');
		}
		assert.equal(editor.document.getText(), '![first](images/first.png)\n\n![second](images/second.png)\n\n![third](images/third.png)\n');
	});

	test('code lenses: Generate image on placeholders and missing files, Regenerate on images that exist; the hover tells how an image was made', async () => {
		const editor = await openFreshDocument('authors/lenses.md', '![a gull]()\n\n![a tern](images/tern.png)\n\n```\n![in code]()\n```\n');
		placeCursor(editor, '![a gull');
		await vscode.commands.executeCommand('illustrate.generateFromAltText', { insert: 'first', variants: 1, quality: 'low' });
		await editor.document.save();
		const lenses = await vscode.commands.executeCommand<vscode.CodeLens[]>('vscode.executeCodeLensProvider', editor.document.uri, 20);
		const titles = lenses.filter(lens => lens.command?.command === 'illustrate.generateAt').map(lens => [lens.range.start.line, lens.command?.title]);
		assert.deepEqual(titles, [[0, '$(refresh) Regenerate'], [2, '$(sparkle) Generate image']]);

		const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', editor.document.uri, new vscode.Position(0, 4));
		const text = hovers.flatMap(hover => hover.contents).map(content => typeof content === 'string' ? content : (content as vscode.MarkdownString).value).join('\n');
		assert.match(text, /!\[a gull\]\(.*authors\/images\/a-gull\.png\|width=320\)/);
		// What came from the manifest is markdown-escaped (a backslash before each ASCII punctuation mark).
		assert.match(text, /Generated with \*\*gpt\\-image\\-2\*\*, 1024x1024, low quality/);
		assert.match(text.replace(/&nbsp;/g, ' '), /Prompt: a gull/);
	});
});
