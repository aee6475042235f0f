import { isRasterFormat } from '../core/generation/imageRequests';
import * as vscode from 'vscode';
import { formatUsd } from '../core/cost/cost';
import { BudgetTally } from '../core/cost/fillBudget';
import { CancelledError, today } from '../core/errors';
import { modelForFormat } from '../core/models/capabilities';
import { sizeForFormat } from '../core/models/validation';
import { fileExists } from '../platform/fileErrors';
import { linkedFileOf } from '../workspace/linkedFiles';
import type { InsertAllEntry } from '../workspace/imageInserter';
import { runBounded } from '../core/generation/concurrency';
import type { FillFailure } from '../core/generation/fillReport';
import { errorKind } from '../core/logging/logShape';
import type { ImageRequestOptions } from '../core/models/validation';
import type { FillRunItem, FillRunState } from '../core/workspaceFill/fillRunState';
import { findPlaceholders } from '../core/workspaceFill/placeholderIdentity';
import type { StoredImage } from '../history/imageStore';
import type { ReferenceImage } from '../providers/imageService';
import type { Services } from '../services';
import { referenceFromFile } from './fillPlan';

/** Placeholders generated at once across the workspace; the batch runner retries rate limits. */
const PARALLEL_FILLS = 4;

/** The workspace state key of the Now run in progress. */
export const FILL_RUN_KEY = 'illustrate.workspaceFill.run';

export interface NowOutcome {
	readonly files: string[];
	readonly failures: FillFailure[];
	readonly skipped: number;
	readonly costUsd?: number;
}

/**
 * A Now run of Fill Missing Images in Workspace: generates the pending placeholders a few at
 * a time, keeps every image's history id in the workspace state as it arrives, and inserts a
 * document's images in one edit once all of its placeholders are settled. Cancel, a reload or a
 * crash leaves the state behind: the next run inserts what was paid for and sends the rest.
 */
export class NowRun {
	private items: FillRunItem[];
	private saving: Promise<unknown> = Promise.resolve();
	readonly files: string[] = [];
	readonly failures: FillFailure[] = [];
	private readonly tally: BudgetTally;
	private readonly abort = new AbortController();

	constructor(
		private readonly services: Services,
		private readonly memento: vscode.Memento,
		private readonly state: FillRunState,
		each: number | undefined,
		private readonly budget: number | undefined,
	) {
		this.items = [...state.items];
		this.tally = new BudgetTally(each, budget);
	}

	private update(index: number, change: Partial<FillRunItem>): void {
		this.items[index] = { ...this.items[index], ...change };
		this.persist();
	}

	private persist(): void {
		const state: FillRunState = { ...this.state, items: this.items };
		const done = this.items.every(item => item.done);
		this.saving = this.saving.then(() => this.memento.update(FILL_RUN_KEY, done ? undefined : state)).catch((error: unknown) => {
			this.services.log.warn(`Fill Missing Images in Workspace: could not keep its progress (${errorKind(error)}); an interruption now starts over`);
		});
	}

	private async referenceImage(): Promise<ReferenceImage | undefined> {
		const reference = this.state.reference;
		if (reference.kind === 'file') {
			return referenceFromFile(vscode.Uri.parse(reference.uri, true));
		}
		if (reference.kind === 'first' && reference.image) {
			const stored = await this.services.store.get(reference.image);
			return stored && isRasterFormat(stored.format) ? { bytes: await this.services.store.read(stored), name: 'reference.png', format: stored.format } : undefined;
		}
		return undefined;
	}

	/** Stops sending; what was paid for is inserted, the rest is left for the next run. */
	cancel(): void {
		this.abort.abort();
	}

	/** Runs under a cancellable progress notification; resolves with what was filled, failed and left. */
	async run(title: string): Promise<NowOutcome> {
		const pending = this.items.map((item, index) => ({ item, index })).filter(({ item }) => !item.done);
		const total = pending.length;
		const byDocument = new Map<string, number[]>();
		for (const { item, index } of pending) {
			byDocument.set(item.document, [...(byDocument.get(item.document) ?? []), index]);
		}
		let settled = 0;
		const abort = this.abort;
		await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
			token.onCancellationRequested(() => this.cancel());
			let reference = await this.referenceImage();
			const waitingFor = new Map([...byDocument].map(([document, indexes]) => [document, indexes.filter(index => !this.items[index].image).length]));
			const inserting: Promise<void>[] = [];
			const settle = (document: string) => {
				const left = (waitingFor.get(document) ?? 1) - 1;
				waitingFor.set(document, left);
				settled++;
				progress.report({ message: vscode.l10n.t('{0} of {1}', settled, total), increment: 100 / total });
				if (left === 0) {
					inserting.push(this.insertDocument(document, byDocument.get(document) ?? []));
				}
			};
			const generate = async (index: number): Promise<void> => {
				const item = this.items[index];
				if (abort.signal.aborted) {
					return;
				}
				if (!this.tally.allowsAnother()) {
					this.failures.push({ alt: item.alt, reason: vscode.l10n.t('not sent: the budget of {0} is spent', formatUsd(this.budget ?? 0)) });
					this.update(index, { done: true });
					settle(item.document);
					return;
				}
				// A link to diagram.svg or loop.gif is filled in its format, by a model that makes it, as in a document.
				const outputFormat = item.outputFormat ?? this.state.outputFormat;
				const model = modelForFormat(this.state.model, outputFormat, today());
				const options: ImageRequestOptions = { model, prompt: item.prompt, size: sizeForFormat(model, outputFormat, this.state.size), quality: this.state.quality, n: 1, outputFormat };
				const resource = vscode.Uri.parse(item.document, true);
				try {
					const result = reference
						? await this.services.images.generateWithReference(reference, options, resource, abort.signal, { onImage: () => undefined })
						: await this.services.images.generate(options, resource, abort.signal, { onImage: () => undefined });
					this.tally.add(result.costUsd);
					this.services.costs.add(result.costUsd, result.images.length);
					const image: StoredImage = result.images[0];
					this.update(index, { image: image.id });
					if (this.state.reference.kind === 'first' && !reference && isRasterFormat(image.format)) {
						reference = { bytes: await this.services.store.read(image), name: 'reference.png', format: image.format };
					}
				} catch (error) {
					if (error instanceof CancelledError || abort.signal.aborted) {
						return;
					}
					this.failures.push({ alt: item.alt, reason: error instanceof Error ? error.message : String(error) });
					this.update(index, { done: true });
					this.services.log.warn(`Fill Missing Images in Workspace: a placeholder (alt text of ${item.alt.length} characters) failed: ${errorKind(error)}`);
				}
				settle(item.document);
			};
			const toGenerate = pending.filter(({ item }) => !item.image).map(({ index }) => index);
			// Documents whose images were all paid for before an interruption go in first.
			for (const [document, left] of waitingFor) {
				if (left === 0) {
					inserting.push(this.insertDocument(document, byDocument.get(document) ?? []));
				}
			}
			const [first, ...rest] = toGenerate;
			if (this.state.reference.kind === 'first' && !reference && first !== undefined) {
				await generate(first);
				await runBounded(rest.map(index => () => generate(index)), PARALLEL_FILLS);
			} else {
				await runBounded(toGenerate.map(index => () => generate(index)), PARALLEL_FILLS);
			}
			// Cancelled: what was paid for goes in now, the rest waits for the next run.
			for (const [document, left] of waitingFor) {
				if (left > 0) {
					inserting.push(this.insertDocument(document, byDocument.get(document) ?? []));
				}
			}
			await Promise.all(inserting);
		});
		this.persist();
		await this.saving;
		const skipped = this.items.filter(item => !item.done).length;
		if (abort.signal.aborted) {
			this.services.log.info(`Fill Missing Images in Workspace: cancelled with ${skipped} placeholder(s) left for the next run`);
		}
		const spent = this.tally.spent;
		return { files: this.files, failures: this.failures, skipped, ...(spent !== undefined ? { costUsd: spent } : {}) };
	}

	/** Inserts the document's images that are paid for and not yet in, in one edit, each found again by its identity. */
	private async insertDocument(documentUri: string, indexes: readonly number[]): Promise<void> {
		const ready = indexes.filter(index => this.items[index].image && !this.items[index].done);
		if (ready.length === 0) {
			return;
		}
		const uri = vscode.Uri.parse(documentUri, true);
		const name = vscode.workspace.asRelativePath(uri);
		try {
			const document = await vscode.workspace.openTextDocument(uri);
			const found = findPlaceholders(document.getText(), this.items[ready[0]].kind, ready.map(index => this.items[index].identity));
			const entries: (InsertAllEntry & { index: number })[] = [];
			for (const index of ready) {
				const item = this.items[index];
				const image = await this.services.store.get(item.image!);
				const place = found.get(item.identity);
				if (!place || !image) {
					this.failures.push({ alt: item.alt, reason: !image
						? vscode.l10n.t('its image is no longer in the history')
						: vscode.l10n.t('the placeholder is no longer in {0}; its image is in Show Generated Images', name) });
					this.update(index, { done: true });
					continue;
				}
				// A link to a missing file: its image goes at the link's path, unless a file is there now (never overwritten).
				const linked = item.identity.target !== undefined ? linkedFileOf(uri, item.identity.target) : undefined;
				if (linked && await fileExists(linked)) {
					this.failures.push({ alt: item.alt, reason: vscode.l10n.t('{0} exists now, so its link is no longer missing; the image is in Show Generated Images', vscode.workspace.asRelativePath(linked)) });
					this.update(index, { done: true });
					continue;
				}
				entries.push({ index, target: { kind: 'image', start: place.start, alt: place.alt }, image, alt: place.alt, ...(linked ? { preferredFile: linked } : {}) });
			}
			const hadUnsavedChanges = document.isDirty;
			const results = await this.services.inserter.insertAll(document, entries);
			results.forEach(result => this.files.push(result.files[0].toString()));
			entries.forEach(entry => this.update(entry.index, { done: true }));
			// The image files are on disk already; a document with no changes of the user's is saved with its links,
			// so closing VS Code does not leave them unlinked. One with unsaved changes stays for the user to save.
			if (!hadUnsavedChanges && !(await document.save())) {
				this.services.log.warn(`Fill Missing Images in Workspace: ${name} got its links but could not be saved; save it yourself`);
			}
		} catch (error) {
			for (const index of ready.filter(candidate => !this.items[candidate].done)) {
				this.failures.push({ alt: this.items[index].alt, reason: error instanceof Error ? error.message : String(error) });
			}
			this.services.log.warn(`Fill Missing Images in Workspace: could not insert into ${name}: ${errorKind(error)}; the images stay in the history and the next run inserts them`);
		}
	}
}
