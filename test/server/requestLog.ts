/** What the test server records of each request and of what it sent back, for the tests to assert on. */
import type { FailureKind } from './apiFailures';
import type { FuzzOutcome } from './fuzzContext';
import type { ImageFormat } from './imageFactory';

export interface RecordedFile {
	readonly field: string;
	readonly filename: string;
	readonly contentType: string;
	readonly size: number;
	readonly sha256: string;
	readonly width?: number;
	readonly height?: number;
	readonly hasAlpha?: boolean;
}

export interface SentImage {
	readonly index: number;
	readonly sha256: string;
	readonly size: number;
	readonly width: number;
	readonly height: number;
	readonly format: ImageFormat;
	readonly partialIndex?: number;
	/** When its event (or the JSON reply) was written to the socket, epoch ms. */
	sentAt?: number;
}

export interface RecordedRequest {
	readonly id: string;
	readonly seq: number;
	readonly method: string;
	/** The endpoint, the same for OpenAI and Azure OpenAI: `/v1/images/generations` or `/v1/images/edits`. */
	readonly path: string;
	/** The path as requested (Azure: `/openai/deployments/<deployment>/images/…`). */
	readonly rawPath: string;
	/** Azure OpenAI: the deployment in the path and the `api-version` query. */
	readonly azure?: { readonly deployment: string; readonly apiVersion: string | null };
	/** How the key came: `Authorization: Bearer` (OpenAI) or `api-key` (Azure). */
	readonly keyHeader: 'authorization' | 'api-key' | 'none';
	readonly contentType: string;
	readonly authorization?: string;
	/** The JSON body, or the multipart fields (files listed in `files`). */
	readonly body: Record<string, unknown>;
	readonly files: RecordedFile[];
	readonly receivedAt: number;
	/** When the response's last byte was handed to the operating system (its `finish`), epoch ms; unset until then. */
	lastByteAt?: number;
	valid: boolean;
	errors: string[];
	status: number;
	stream: boolean;
	failure?: FailureKind;
	/** Final images sent, in order; partial images in `partials`. */
	images: SentImage[];
	partials: SentImage[];
	/** Whether the client went away before the response finished. */
	aborted: boolean;
	/** The `Origin` header: set by a browser (the web extension), absent from Node's fetch. */
	readonly origin?: string;
	/** `X-Stainless-Runtime` as the SDK reports where it runs: `node`, `browser:chrome`, … */
	readonly runtime?: string;
	/** In fuzz mode: the damage this response got, and the final images that arrived whole. */
	fuzz?: FuzzOutcome;
}

/** A CORS preflight (OPTIONS) the browser sent before a request from another origin. */
export interface RecordedPreflight {
	readonly path: string;
	readonly origin?: string;
	readonly method?: string;
	/** `Access-Control-Request-Headers`, lower case, as the browser lists them. */
	readonly headers: readonly string[];
}
