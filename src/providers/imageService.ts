import * as vscode from 'vscode';
import { IllustrateError, today } from '../core/errors';
import type * as runner from '../core/generation/batchRunner';
import type { ImageRecipe, StoredImageOf } from '../core/generation/imageRecipe';
import { editInputFormat, generateRecipe, makeFinalRequest, withReferenceInstruction, type EditInputs, type ReferenceImage } from '../core/generation/imageRequests';
import { checkEditRequest } from '../core/edits/editRules';
import { checkRequest, type ImageRequestOptions } from '../core/models/validation';
import type { OutputFormat } from '../core/models/capabilities';
import type { WorkerBatch, WorkerBatchOutput } from '../core/generation/workerProtocol';
import type { BatchFilesSummary, LineOutcome } from '../core/batchApi/batchDeliveryLines';
import type { HistoryEntry } from '../core/history/historyEntries';
import { CARD_IMAGE_MAX_SIDE, cardCopy, bytesNeedCardCopy, bytesNeedPanelCopy, type HistoryCopy } from '../core/images/cardCopy';
import { slicedHistoryCopy, slicedPanelCopy } from '../core/images/slicedCopies';
import { withCardCopies } from '../core/generation/pixelCopies';
import { deflateCodec } from '../platform/compression';
import { readSettings } from '../settings/settings';
import type { ApiKeys } from './apiKeys';
import { clientConnection, configuredClient, type ConfiguredClient } from './openaiClient';
import { ImageWorker } from './imageWorkerClient';
import { editImages, generateImages, type BatchServices, type OpenAIConnection, type Sdk } from './openaiImages';

export { MAX_PARALLEL_REQUESTS, type ArrivedPixels } from '../core/generation/batchRunner';
export { PARTIAL_IMAGES, type EditInputs, type ReferenceImage } from '../core/generation/imageRequests';
export { idleTimeoutMs } from '../core/generation/requestClock';

/** An image in the history store (src/history/imageStore.ts), where its bytes are a file. */
type StoredImage = StoredImageOf<vscode.Uri>;

/** What a batch reports while it runs, per variant slot. */
export type VariantEvents = runner.VariantEvents<StoredImage>;
export type GenerationResult = runner.GenerationResult<StoredImage>;

/** The draft to re-render, for `makeFinal`. */
export interface EditSource {
	readonly image: StoredImage;
	readonly prompt: string;
}

/** Where the service keeps each final image the moment it arrives, and reads a draft back: the history store. */
export interface HistoryStore {
	save(bytes: Uint8Array, recipe: ImageRecipe, fallbackFormat: OutputFormat): Promise<StoredImage>;
	read(image: StoredImage): Promise<Uint8Array>;
	/** Where `save` writes: the image worker writes there itself when it is a local folder. */
	readonly folder?: vscode.Uri;
	/** Takes in an image the image worker wrote into `folder`. */
	adopt?(entry: HistoryEntry): StoredImage;
}

/** A finished batch's files to read and store, as the batch service asks (the client and the history folder are the service's). */
export type BatchOutputJob = Omit<WorkerBatchOutput, 'client' | 'requestTimeoutMs' | 'systemCertificates' | 'folder'>;

/** The rules for the configured provider: any model name for OpenAI-compatible endpoints. */
export function validationContext(resource: vscode.Uri | undefined): { today: string; allowUnknownModels: boolean } {
	return { today: today(), allowUnknownModels: readSettings(resource).provider === 'openai-compatible' };
}

/**
 * Sends image requests through the `openai` SDK, streaming partial images, and stores
 * each final image the moment it arrives: the batch runner (src/core/generation/batchRunner.ts)
 * with the configured client and the history store. The SDK is loaded on first use, not at activation.
 */
export class ImageService {
	private sdk: Promise<Sdk> | undefined;
	/** Started at the first batch it runs, never at activation. */
	private worker: ImageWorker | undefined;

	constructor(
		private readonly keys: ApiKeys,
		private readonly store: HistoryStore,
		private readonly log: vscode.LogOutputChannel,
	) { }

	/**
	 * Makes the first request of a panel wait for nothing: starts the image worker and has it
	 * load the SDK (in the Node extension host). For when a panel opens; never at activation.
	 */
	prepare(): void {
		if (!ILLUSTRATE_WEB) {
			void this.imageWorker()?.warm().catch(error => this.log.warn(`Starting the image worker failed: ${error instanceof Error ? error.message : String(error)}`));
		}
	}

	/**
	 * The card-size copy of a large PNG (over 2048×1024, at most 1,024 pixels on its longest
	 * side): made in the image worker in the Node host (`bytes` are copied there; the copy comes
	 * back transferred), here in the web. Undefined when the image needs none or the decoder
	 * does not take it (16-bit, interlaced): send it as it is. A copy that fails rejects (the
	 * panel logs why and sends the image as it is).
	 */
	async cardCopy(bytes: Uint8Array): Promise<Uint8Array | undefined> {
		if (!ILLUSTRATE_WEB) {
			return bytesNeedCardCopy(bytes) ? this.imageWorker()?.cardCopy(bytes) : undefined;
		}
		return cardCopy(bytes, CARD_IMAGE_MAX_SIDE, deflateCodec());
	}

	/**
	 * The history's copy of an image file (see `historyCopy` in src/core/images/cardCopy.ts):
	 * in the Node host the image worker reads the file by its path and makes it (a JPEG when
	 * the image is opaque), so this thread never holds the 17 MB original; in the web, or for a
	 * file that is not local, it is read and made here, the same copy in slices of this thread
	 * (`slicedHistoryCopy`). Rejects when it cannot be made.
	 */
	async historyCopy(source: vscode.Uri): Promise<HistoryCopy | undefined> {
		if (!ILLUSTRATE_WEB && source.scheme === 'file') {
			const worker = this.imageWorker();
			if (worker) {
				return worker.historyCopy(source.fsPath);
			}
		}
		return slicedHistoryCopy(await vscode.workspace.fs.readFile(source), deflateCodec());
	}

	/** The image worker, made at first use; none in the web (a constant condition, so the web bundle drops it with its Node imports). */
	private imageWorker(): ImageWorker | undefined {
		if (!ILLUSTRATE_WEB) {
			this.worker ??= new ImageWorker(`${__dirname}/imageWorker.js`, this.log, vscode.l10n.bundle);
			return this.worker;
		}
		return undefined;
	}

	/**
	 * Reads a finished batch's output and error files in the image worker: it downloads them
	 * (the client of `resource`'s settings), reads them line by line, checks each image and
	 * writes it into the history folder; this thread adopts each entry and hands `onLine` each
	 * request's outcome. Resolves undefined where the worker cannot (the web, a proxy, a history
	 * folder that is not local, as for a generation): the caller reads the files itself.
	 */
	async readBatchOutput(job: BatchOutputJob, resource: vscode.Uri | undefined, signal: AbortSignal, onLine: (outcome: LineOutcome<StoredImage>) => void): Promise<BatchFilesSummary | undefined> {
		// A constant condition, so the web bundle drops the worker with its Node imports.
		if (!ILLUSTRATE_WEB) {
			const folder = this.store.folder;
			if (folder?.scheme !== 'file' || !this.store.adopt) {
				return undefined;
			}
			const configured = await configuredClient(this.keys, resource);
			if (configured.proxy !== undefined) {
				return undefined;
			}
			const adopt = (entry: HistoryEntry) => this.store.adopt!(entry);
			const worker = this.imageWorker()!;
			this.log.info(`Batch ${job.batchId}: its ${job.files.map(file => file.which).join(' and ')} file(s) are read in the image worker (${job.entries.length} request(s) without a result yet)`);
			const systemCertificates = vscode.workspace.getConfiguration('http').get<boolean>('systemCertificates', true);
			return worker.readBatchOutput({ ...job, client: configured.config, requestTimeoutMs: configured.requestTimeoutMs, systemCertificates, folder: folder.fsPath }, signal, onLine, adopt);
		}
		return undefined;
	}

	/** Stops the image worker's thread: what runs in it fails (as when the worker crashes), and the next use starts a new one. */
	async stopWorker(): Promise<void> {
		await this.worker?.dispose();
	}

	/** Refuses what the API would refuse, before anything is sent or charged. */
	validate(options: ImageRequestOptions, resource?: vscode.Uri): void {
		const problems = checkRequest(options, validationContext(resource));
		if (problems.length > 0) {
			throw new IllustrateError(problems.map(problem => problem.message).join(' '));
		}
	}

	/** The client on this thread: the SDK is loaded at the first batch that runs here. */
	private async connect(configured: ConfiguredClient): Promise<OpenAIConnection> {
		return clientConnection(configured, await (this.sdk ??= import('openai')));
	}

	private get services(): BatchServices<StoredImage> {
		return { store: (bytes, recipe, format) => this.store.save(bytes, recipe, format), log: this.log };
	}

	/** Generates `options.n` variants as parallel streaming requests of one image each. */
	async generate(requested: ImageRequestOptions, resource: vscode.Uri | undefined, signal: AbortSignal, events: VariantEvents): Promise<GenerationResult> {
		// illustrate.moderation applies to every generation, from the panel, a command or an agent.
		const moderation = requested.moderation ?? readSettings(resource).moderation;
		const options: ImageRequestOptions = moderation === 'low' ? { ...requested, moderation } : requested;
		this.validate(options, resource);
		const configured = await configuredClient(this.keys, resource);
		return this.inWorker(configured, { kind: 'generate', options }, signal, events) ?? this.onThisThread(events, async copied => generateImages(await this.connect(configured), options, this.services, signal, copied));
	}

	/**
	 * Re-renders a draft at high quality through an edit with the draft as the input
	 * image: a new rendering guided by the draft, not an upscale.
	 */
	async makeFinal(source: EditSource, options: ImageRequestOptions, resource: vscode.Uri | undefined, signal: AbortSignal, events: VariantEvents): Promise<GenerationResult> {
		const final = makeFinalRequest(source.image, source.prompt, options);
		const reference: ReferenceImage = { bytes: await this.store.read(source.image), name: final.fileName, format: editInputFormat(source.image.format, 'makeFinal') };
		return this.editImages({ ...final.options, images: [reference] }, resource, signal, events, final.recipe);
	}

	/**
	 * Generates with a reference image (an edit whose input is the reference), so a set of
	 * illustrations keeps one look.
	 */
	async generateWithReference(reference: ReferenceImage, options: ImageRequestOptions, resource: vscode.Uri | undefined, signal: AbortSignal, events: VariantEvents): Promise<GenerationResult> {
		return this.editImages({ ...withReferenceInstruction(options), images: [reference] }, resource, signal, events, generateRecipe(options));
	}

	/**
	 * Edits: input images (the first is the one a mask or markup applies to), an
	 * instruction, `n` variants in one request, streaming partial images.
	 */
	async editImages(request: EditInputs, resource: vscode.Uri | undefined, signal: AbortSignal, events: VariantEvents, recipe: ImageRecipe): Promise<GenerationResult> {
		const problems = checkEditRequest({
			...request,
			images: request.images.map(image => ({ name: image.name, bytes: image.bytes })),
			...(request.mask ? { mask: { name: request.mask.name, bytes: request.mask.bytes } } : {}),
			...(request.markup ? { markup: { name: request.markup.name, bytes: request.markup.bytes } } : {}),
		}, validationContext(resource));
		if (problems.length > 0) {
			throw new IllustrateError(problems.map(problem => problem.message).join(' '));
		}
		const configured = await configuredClient(this.keys, resource);
		return this.inWorker(configured, { kind: 'edit', request, recipe }, signal, events) ?? this.onThisThread(events, async copied => editImages(await this.connect(configured), request, recipe, this.services, signal, copied));
	}

	/**
	 * Runs a batch on this thread. In the web, where there is no image worker, its large images
	 * go to the panel as the worker's copies would (card size, a JPEG when opaque, partials as
	 * drafts: see `withCardCopies`), made here in slices (`slicedPanelCopy`), not as 1024 px PNGs.
	 * In the Node host (a proxy, a history folder that is not local) the image worker makes the
	 * same copies (`panelCopy`), off this thread.
	 */
	private async onThisThread(events: VariantEvents, run: (events: VariantEvents) => Promise<GenerationResult>): Promise<GenerationResult> {
		const worker = this.imageWorker();
		const copied = withCardCopies(events, {
			needsCopy: bytesNeedPanelCopy,
			copy: worker ? (bytes, how) => worker.panelCopy(bytes, how.draft, how.signal) : (bytes, how) => slicedPanelCopy(bytes, deflateCodec(), how),
			warn: message => this.log.warn(message),
		});
		const result = await run(copied.events);
		await copied.drained();
		return result;
	}

	/**
	 * Runs the batch in the image worker (src/providers/imageWorker.ts): the requests, the
	 * streams, the decoding and the history files off the extension host's main thread.
	 * Undefined where it cannot, and the batch runs here: in the web; behind a proxy (VS
	 * Code's proxy support patches this thread's fetch, not a worker's); with a history
	 * folder that is not a local one.
	 */
	private inWorker(configured: ConfiguredClient, batch: WorkerBatch, signal: AbortSignal, events: VariantEvents): Promise<GenerationResult> | undefined {
		// A constant condition, so the web bundle drops the worker with its Node imports.
		if (!ILLUSTRATE_WEB) {
			const folder = this.store.folder;
			if (configured.proxy !== undefined || folder?.scheme !== 'file' || !this.store.adopt) {
				return undefined;
			}
			const adopt = (entry: HistoryEntry) => this.store.adopt!(entry);
			const worker = this.imageWorker()!;
			this.log.info(`${batch.kind === 'generate' ? 'images.generate' : 'images.edit'} ×${batch.kind === 'generate' ? batch.options.n : batch.request.n} runs in the image worker (batch ${worker.batchesRun + 1} there)`);
			const systemCertificates = vscode.workspace.getConfiguration('http').get<boolean>('systemCertificates', true);
			return worker.run({ client: configured.config, requestTimeoutMs: configured.requestTimeoutMs, batch, folder: folder.fsPath, systemCertificates }, signal, events, adopt);
		}
		return undefined;
	}
}
