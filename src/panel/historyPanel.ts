import * as vscode from 'vscode';
import { HISTORY_VIEW_TYPE } from '../commandIds';
import { historyEntry } from '../core/images/historyEntry';
import { messageShape } from '../core/logging/logShape';
import { altTextFromPrompt } from '../core/prompt/altText';
import { cursorTarget, type LastTextEditor } from '../editor/editorTargets';
import { Disposable } from '../lifecycle/disposable';
import { webviewHtml } from './webviewHtml';
import { parseHistoryMessage } from '../protocol/messageParsers';
import type { HistoryToHostMessage, HostToHistoryMessage, InlineCardImage } from '../protocol/messages';
import { IllustrateError } from '../core/errors';
import type { ImageInserter } from '../workspace/imageInserter';
import type { ImageReplacer } from '../workspace/imageReplacer';
import { disposeAll } from '../core/lifecycle/disposeAll';
import { ensureTrusted } from '../workspace/trust';
import type { ImageStore, StoredImage } from '../history/imageStore';
import type { CardCopies } from '../history/cardCopies';
import { runBounded } from '../core/generation/concurrency';

/** The first cards whose copies go in a page's first message, as bytes: more than a large view shows. */
const INLINE_CARDS = 48;
/** A copy larger than this goes through the resource path (an older 1024 px PNG copy, a large transparent one). */
const INLINE_COPY_MAX_BYTES = 256 * 1024;
/** At most this many bytes of copies in one message. */
const INLINE_BYTES = 3 * 1024 * 1024;

/** The history as the panel sends it: the images, what each card shows, the first cards' copies as bytes. */
interface FirstList {
	readonly images: readonly StoredImage[];
	readonly shown: readonly (vscode.Uri | undefined)[];
	readonly inline: readonly InlineCardImage[];
}

export interface HistoryServices {
	readonly extensionUri: vscode.Uri;
	readonly store: ImageStore;
	readonly cardCopies: CardCopies;
	readonly inserter: ImageInserter;
	readonly replacer: ImageReplacer;
	readonly editors: LastTextEditor;
	readonly log: vscode.LogOutputChannel;
}

/**
 * "Show Generated Images": every image received, newest first, each insertable into the
 * document last edited, long after its panel closed or the window reloaded.
 */
export class HistoryPanel extends Disposable {
	static readonly viewType = HISTORY_VIEW_TYPE;
	private static current: HistoryPanel | undefined;
	/** The images whose card copy this panel waits for, so a refresh does not ask twice. */
	private readonly awaitedCopies = new Set<string>();
	/**
	 * The history as listed while the page loads, what its cards show and the first cards'
	 * copies as bytes: the page's first `ready` takes it, so the history is listed once as
	 * the panel opens, not twice. A change of the history before then drops it.
	 */
	private firstList: Promise<FirstList> | undefined;

	static show(services: HistoryServices): HistoryPanel {
		if (HistoryPanel.current) {
			HistoryPanel.current.panel.reveal();
			void HistoryPanel.current.refresh();
			return HistoryPanel.current;
		}
		const panel = vscode.window.createWebviewPanel(HistoryPanel.viewType, vscode.l10n.t('Generated Images'), vscode.ViewColumn.Beside, HistoryPanel.webviewOptions(services));
		return new HistoryPanel(panel, services);
	}

	static revive(panel: vscode.WebviewPanel, services: HistoryServices): HistoryPanel {
		panel.webview.options = HistoryPanel.webviewOptions(services);
		HistoryPanel.current?.dispose();
		return new HistoryPanel(panel, services);
	}

	private static webviewOptions(services: HistoryServices): vscode.WebviewOptions {
		return { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(services.extensionUri, 'media'), services.store.folder] };
	}

	private constructor(private readonly panel: vscode.WebviewPanel, private readonly services: HistoryServices) {
		super();
		HistoryPanel.current = this;
		panel.iconPath = vscode.Uri.joinPath(services.extensionUri, 'media', 'icon.png');
		panel.webview.html = webviewHtml(panel.webview, services.extensionUri, 'history', vscode.l10n.t('Generated Images'));
		this.register(panel.webview.onDidReceiveMessage(raw => {
			const message = parseHistoryMessage(raw);
			if (message) {
				void this.handle(message);
			} else {
				services.log.warn(`Ignored an invalid message from the history view: ${messageShape(raw)}`);
			}
		}));
		// The history and the first cards' copies are read while the page loads, so its first message goes as soon as the page asks.
		this.firstList = this.listed(true);
		this.firstList.catch(() => undefined);
		this.register(services.store.onDidChange(() => void this.refresh()));
		this.register(vscode.window.onDidChangeActiveTextEditor(editor => editor && void this.refresh()));
		this.register(panel.onDidDispose(() => this.dispose()));
	}

	override dispose(): void {
		if (HistoryPanel.current === this) {
			HistoryPanel.current = undefined;
		}
		disposeAll([{ dispose: () => super.dispose() }, this.panel]);
	}

	/**
	 * Sends the history to the page. `pageLoaded`: the page just loaded (it said `ready`), so
	 * the first cards' copies go with it as bytes (see `inlineImages`); a later refresh sends
	 * the list only, the page keeps the cards it drew.
	 */
	private async refresh(pageLoaded = false): Promise<void> {
		const prepared = pageLoaded ? this.firstList : undefined;
		this.firstList = undefined;
		const { images, shown, inline } = await (prepared?.catch(() => this.listed(pageLoaded)) ?? this.listed(pageLoaded));
		const editor = this.services.editors.current;
		const message: HostToHistoryMessage = {
			type: 'history',
			entries: images.map((image, index) => historyEntry(image, shown[index] && this.panel.webview.asWebviewUri(shown[index]).toString(), uri => vscode.workspace.asRelativePath(vscode.Uri.parse(uri)))),
			...(editor ? { target: `${vscode.workspace.asRelativePath(editor.document.uri)}, line ${editor.selection.active.line + 1}` } : {}),
			...(inline.length > 0 ? { images: inline } : {}),
		};
		void this.panel.webview.postMessage(message);
		// The missing copies first (their cards show none yet), then the older 1024 px ones are replaced.
		await this.makeCardCopies([...await this.services.cardCopies.missing(images), ...await this.services.cardCopies.outdated(images)]);
	}

	/** The history, newest first, what its cards show now (the cards paint at once: a large image's card waits for its copy, never for the 17 MB file), and with `inline` the first cards' copies as bytes. */
	private async listed(inline: boolean): Promise<FirstList> {
		// The copies' folder is read while the history is, not after it.
		const [images] = await Promise.all([this.services.store.list(), this.services.cardCopies.readAhead()]);
		const shown = await this.services.cardCopies.shownNow(images);
		return { images, shown, inline: inline ? await this.inlineImages(images, shown).catch(() => []) : [] };
	}

	/**
	 * The card copies of the first cards (the newest, at the top of the view), read from disk
	 * for the page's first message: up to 48 copies of up to 256 KB, 3 MB in all. Their sizes
	 * come first (one stat each, at once): a larger copy (an older 1024 px PNG, a large
	 * transparent one) is never read here, its card loads it through the resource path.
	 */
	private async inlineImages(images: readonly StoredImage[], shown: readonly (vscode.Uri | undefined)[]): Promise<InlineCardImage[]> {
		const copies = `${this.services.cardCopies.folder.path}/`;
		const first = images.slice(0, INLINE_CARDS).flatMap((image, index) => {
			const uri = shown[index];
			return uri && uri.path.startsWith(copies) ? [{ id: image.id, uri }] : [];
		});
		const sizes = await Promise.all(first.map(({ uri }) => Promise.resolve(vscode.workspace.fs.stat(uri)).then(stat => stat.size, () => undefined)));
		let total = 0;
		const wanted = first.filter((_, index) => {
			const size = sizes[index];
			// Gone meanwhile (its image deleted): the card loads what its entry says.
			if (size === undefined || size > INLINE_COPY_MAX_BYTES || total + size > INLINE_BYTES) {
				return false;
			}
			total += size;
			return true;
		});
		const read = await Promise.all(wanted.map(async ({ id, uri }): Promise<InlineCardImage | undefined> => {
			try {
				// A plain Uint8Array of its own: VS Code sends those as binary, a Node Buffer (what readFile gives) as JSON numbers.
				const bytes = new Uint8Array(await vscode.workspace.fs.readFile(uri));
				// Replaced between the stat and the read by a larger file: not sent.
				return bytes.length <= INLINE_COPY_MAX_BYTES ? { id, bytes, mime: uri.path.endsWith('.jpg') ? 'image/jpeg' : 'image/png' } : undefined;
			} catch {
				return undefined;
			}
		}));
		return read.filter((image): image is InlineCardImage => image !== undefined);
	}

	/** Makes the missing card copies, newest first, two at a time; each card shows its copy as it comes. */
	private async makeCardCopies(images: readonly StoredImage[]): Promise<void> {
		const wanted = images.filter(image => !this.awaitedCopies.has(image.id));
		for (const image of wanted) {
			this.awaitedCopies.add(image.id);
		}
		await runBounded(wanted.map(image => async () => {
			try {
				// A closed panel makes no more copies; the next one to open asks again.
				if (this.isDisposed) {
					return;
				}
				const uri = await this.services.cardCopies.make(image);
				if (!this.isDisposed) {
					const message: HostToHistoryMessage = { type: 'cardImage', id: image.id, src: this.panel.webview.asWebviewUri(uri).toString() };
					void this.panel.webview.postMessage(message);
				}
			} finally {
				this.awaitedCopies.delete(image.id);
			}
		}), 2);
	}

	private async handle(message: HistoryToHostMessage): Promise<void> {
		if (message.type === 'ready') {
			await this.refresh(true);
			return;
		}
		const image = await this.services.store.get(message.id);
		if (!image) {
			return;
		}
		try {
			switch (message.type) {
				case 'open':
					await vscode.commands.executeCommand('vscode.open', image.uri, { preview: true, viewColumn: vscode.ViewColumn.Active });
					break;
				case 'delete': {
					const remove = vscode.l10n.t('Delete');
					const choice = await vscode.window.showWarningMessage(vscode.l10n.t('Delete this image from Illustrate\'s history? Copies already inserted into documents stay.'), { modal: true }, remove);
					if (choice === remove) {
						await this.services.store.delete(image.id);
					}
					break;
				}
				case 'restore': {
					if (!(await ensureTrusted(false))) {
						break;
					}
					const restore = vscode.l10n.t('Restore');
					const where = image.originalUri ? vscode.workspace.asRelativePath(vscode.Uri.parse(image.originalUri)) : '';
					const choice = await vscode.window.showWarningMessage(vscode.l10n.t('Put these bytes back into {0}? What it holds now is kept in this history first.', where), { modal: true }, restore);
					if (choice === restore) {
						const file = await this.services.replacer.restore(image);
						void vscode.window.showInformationMessage(vscode.l10n.t('Restored {0}.', vscode.workspace.asRelativePath(file)));
					}
					break;
				}
				case 'insert': {
					if (!(await ensureTrusted(false))) {
						break;
					}
					const editor = this.services.editors.current;
					if (!editor) {
						throw new IllustrateError(vscode.l10n.t('Open the document to insert into, put the cursor where the image goes (or inside an image link), then press Insert again.'));
					}
					const source = cursorTarget(editor);
					const alt = source.alt || altTextFromPrompt(image.prompt);
					const result = await this.services.inserter.insert({ document: editor.document, target: source.target, images: [image], alt });
					void vscode.window.showInformationMessage(vscode.l10n.t('Inserted {0} into {1}.', result.paths[0], vscode.workspace.asRelativePath(editor.document.uri)));
					break;
				}
			}
		} catch (error) {
			void vscode.window.showErrorMessage(error instanceof Error ? error.message : String(error));
		}
	}
}
