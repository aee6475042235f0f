import * as vscode from 'vscode';
import type { COMMAND_IDS } from '../commandIds';
import { isFillableStatus } from '../core/documents/imageStatus';
import { codeSpan, escapeMarkdown, markdownLinkTarget } from '../core/markdown/escapeMarkdown';
import { MANIFEST_NAME, parseManifest, type ProvenanceEntry } from '../core/provenance/manifest';
import { Disposable } from '../lifecycle/disposable';
import { describeFileError, fileExists, isFileNotFound } from '../platform/fileErrors';
import { yieldToEventLoop } from '../platform/eventLoop';
import { DOCUMENT_SELECTOR, type DocumentImageIndex } from './documentPlaceholders';

/** The command a lens runs: generate for, or regenerate, the image at an offset of a document. */
export const GENERATE_AT_COMMAND: (typeof COMMAND_IDS)[number] = 'illustrate.generateAt';

/** What the manifest reader tells: a manifest that is there but cannot be read. */
export type ManifestLog = Pick<vscode.LogOutputChannel, 'warn'>;

/**
 * Reads the provenance manifest beside an image file; undefined when there is none (quietly)
 * or it cannot be read (logged).
 */
export async function provenanceOf(file: vscode.Uri, log: ManifestLog | undefined): Promise<ProvenanceEntry | undefined> {
	const manifest = vscode.Uri.joinPath(file, '..', MANIFEST_NAME);
	let text: string;
	try {
		text = new TextDecoder().decode(await vscode.workspace.fs.readFile(manifest));
	} catch (error) {
		if (!isFileNotFound(error)) {
			log?.warn(`Could not read ${vscode.workspace.asRelativePath(manifest)} (${describeFileError(error)}): the image's prompt is not known.`);
		}
		return undefined;
	}
	return parseManifest(text)?.get(file.path.slice(file.path.lastIndexOf('/') + 1));
}

/**
 * "Generate image" above every placeholder and every link to a missing file;
 * "Regenerate" above images that exist. Hovering an image shows it and how it was made.
 */
export class ImageLenses extends Disposable implements vscode.CodeLensProvider, vscode.HoverProvider {
	private readonly changed = this.register(new vscode.EventEmitter<void>());
	readonly onDidChangeCodeLenses = this.changed.event;

	constructor(private readonly index: DocumentImageIndex, private readonly log?: ManifestLog) {
		super();
		this.register(vscode.languages.registerCodeLensProvider(DOCUMENT_SELECTOR, this));
		this.register(vscode.languages.registerHoverProvider(DOCUMENT_SELECTOR, this));
		// A file created or deleted turns a missing link into an existing one, or back.
		const watcher = this.register(vscode.workspace.createFileSystemWatcher('**/*.{png,jpg,jpeg,webp,gif,svg}', false, true, false));
		// Once per turn of the event loop however many files one event names: a finished batch copies
		// 1,000 images in, and each refresh goes through every open document and asks for the lenses again.
		let due = false;
		let gone = false;
		const refresh = () => {
			if (due) {
				return;
			}
			due = true;
			void yieldToEventLoop().then(() => {
				due = false;
				if (gone) {
					return;
				}
				for (const document of vscode.workspace.textDocuments) {
					this.index.forget(document);
				}
				this.changed.fire();
			});
		};
		this.register({ dispose: () => gone = true });
		this.register(watcher.onDidCreate(refresh));
		this.register(watcher.onDidDelete(refresh));
		this.register(vscode.workspace.onDidChangeConfiguration(event => event.affectsConfiguration('illustrate.codeLens') && this.changed.fire()));
	}

	async provideCodeLenses(document: vscode.TextDocument): Promise<vscode.CodeLens[]> {
		// The one setting read here, not the whole settings reader: activation loads this file.
		if (vscode.workspace.getConfiguration('illustrate', document.uri).get<boolean>('codeLens', true) === false) {
			return [];
		}
		const lenses: vscode.CodeLens[] = [];
		for (const item of await this.index.classify(document)) {
			const args = [document.uri, item.image.start];
			if (isFillableStatus(item.status)) {
				lenses.push(new vscode.CodeLens(item.range, {
					title: vscode.l10n.t('$(sparkle) Generate image'),
					tooltip: item.status === 'missing'
						? vscode.l10n.t('{0} does not exist yet: generate it from the alt text', vscode.workspace.asRelativePath(item.file!))
						: vscode.l10n.t('Generate this image from its alt text'),
					command: GENERATE_AT_COMMAND,
					arguments: args,
				}));
			} else if (item.status === 'existing' && item.image.target) {
				lenses.push(new vscode.CodeLens(item.range, {
					title: vscode.l10n.t('$(refresh) Regenerate'),
					tooltip: vscode.l10n.t('Generate new variants from the prompt this image was made with (or its alt text)'),
					command: GENERATE_AT_COMMAND,
					arguments: args,
				}));
			}
		}
		return lenses;
	}

	async provideHover(document: vscode.TextDocument, position: vscode.Position): Promise<vscode.Hover | undefined> {
		const offset = document.offsetAt(position);
		const at = async () => (await this.index.classify(document)).find(candidate => offset >= candidate.image.start && offset <= candidate.image.end);
		let item = await at();
		// A file created since the document was parsed (Illustrate just wrote it, and the file
		// watcher's event has not arrived yet): parse again rather than call it missing.
		if (item?.status === 'missing' && item.file && await fileExists(item.file).catch(() => false)) {
			this.index.forget(document);
			item = await at();
		}
		if (!item) {
			return undefined;
		}
		// Everything here comes from files a repository controls (the document, its file names,
		// the provenance manifest): escaped, so none of it can add a link or an image to the hover.
		const markdown = new vscode.MarkdownString(undefined, true);
		if (item.status === 'existing' && item.file) {
			markdown.appendMarkdown(`![${escapeMarkdown(item.image.alt)}](${markdownLinkTarget(item.file.toString())}|width=320)\n\n`);
			const provenance = await provenanceOf(item.file, this.log);
			if (provenance) {
				const date = provenance.createdAt ? provenance.createdAt.slice(0, 10) : '';
				markdown.appendMarkdown(vscode.l10n.t('Generated with **{0}**, {1}, {2} quality, {3}', escapeMarkdown(provenance.model), escapeMarkdown(provenance.size), escapeMarkdown(provenance.quality), escapeMarkdown(date)) + '\n\n');
				markdown.appendText(vscode.l10n.t('Prompt: {0}', provenance.prompt.length > 400 ? `${provenance.prompt.slice(0, 400)}…` : provenance.prompt));
			}
		} else if (item.status === 'placeholder') {
			markdown.appendMarkdown(vscode.l10n.t('No image yet. Use **Generate image** above, or run **Illustrate: Fill Missing Images in Document**.'));
		} else if (item.status === 'missing' && item.file) {
			markdown.appendMarkdown(vscode.l10n.t('{0} does not exist yet. Use **Generate image** above to create it.', codeSpan(vscode.workspace.asRelativePath(item.file))));
		} else {
			return undefined;
		}
		return new vscode.Hover(markdown, item.range);
	}
}
