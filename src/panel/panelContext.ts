import type * as vscode from 'vscode';
import type { StoredImage } from '../history/imageStore';
import type { PanelError, PanelOptions, PanelState, VariantView } from '../protocol/messages';
import type { Services } from '../services';
import type { TrackedTarget } from '../workspace/trackedTarget';
import type { EditSession } from './editSession';

/**
 * What the generate panel's jobs (message routing, requests, edits, a batch's view) share of
 * the panel: its state, the images its variants show, its document, and how to change them.
 * `GeneratePanel` is the one implementation.
 */
export interface PanelContext {
	readonly services: Services;
	readonly webview: vscode.Webview;
	/**
	 * Settles once the page listens (it said "ready" and got its first message), or the panel
	 * closed: a message posted to a page that is still loading can be lost, so pixels wait for it.
	 */
	readonly pageReady: Promise<void>;
	readonly state: PanelState;
	/** The stored image of each variant that has one, by variant id. */
	readonly images: Map<string, StoredImage>;
	/** The document and place Insert writes to, if the panel has one. */
	readonly target: TrackedTarget | undefined;
	readonly editSession: EditSession | undefined;
	/** The options of the last Generate or Edit, for Retry. */
	lastOptions: PanelOptions | undefined;
	/** Cancels the running batch. */
	abort: AbortController | undefined;
	update(change: Partial<PanelState>): void;
	updateVariant(id: string, change: Partial<VariantView>): void;
	/** Switches to edit mode on an image (or back to generating, with undefined). */
	setEditSession(session: EditSession | undefined): void;
	/** A variant's view once its image is stored. */
	readyView(image: StoredImage, shown: vscode.Uri | undefined): Omit<VariantView, 'id' | 'index'>;
	/** The error as the panel shows it; an unexpected one goes to the log. */
	toPanelError(error: unknown, prefix?: string): PanelError;
}
