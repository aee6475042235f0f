/**
 * A local stand-in for OpenAI's Images API: `/v1/images/generations` and
 * `/v1/images/edits`, JSON and streaming (SSE), validated against the OpenAPI spec,
 * real image bytes of the requested size, every request recorded, failures on demand.
 * Tests in other processes (the extension host) drive it through `/__control/*`.
 */
import busboy from 'busboy';
import { createHash, randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { errorReply, streamErrorEvent, type FailureKind, type FailureSpec } from './apiFailures';
import { drained, fuzzResponse, type FuzzOutcome } from './fuzzResponses';
import { imageMetadata, renderImage, type ImageFormat } from './imageFactory';
import { fieldType, validateAgainstSpec, type SchemaName } from './schemaValidator';

export interface ServerConfig {
	/** Milliseconds before the response starts (queueing, prompt processing). */
	firstByteMs: number;
	/** Milliseconds to render one image. */
	imageMs: number;
	/** Whether the images of one request render side by side (true) or one after another. */
	parallelVariants: boolean;
	/** Grain added to pictures, 0–64; higher makes PNGs as large as real photo-like images. */
	grain: number;
	/** Keys the server accepts; empty accepts any non-empty key. */
	acceptedKeys: string[];
	/** How long a `stall` failure holds a request before giving up. */
	stallMs: number;
	/** Streams hold back their final images (partials still flow) until `releaseFinals()`. */
	holdFinals: boolean;
	/** Accept any model name, as an OpenAI-compatible server of other models does. */
	anyModel: boolean;
	/** What `GET /v1/models` lists. */
	models: string[];
	/**
	 * Draw pictures from this many seeds (by request number and image index) instead of one per
	 * request, so a benchmark's pictures are rendered once and the fixed latency is not
	 * stretched by encoding. The images of one request differ while `n` ≤ the pool.
	 */
	seedPool: number;
	/** Answer browsers' cross-origin requests as the API does; off, an endpoint a browser may not call. */
	cors: boolean;
	/** Non-zero: every image request gets a damaged (or valid) response drawn from this seed and its request number (see fuzzResponses.ts). */
	fuzzSeed: number;
}

export const DEFAULT_CONFIG: ServerConfig = {
	firstByteMs: 0,
	imageMs: 0,
	parallelVariants: true,
	grain: 0,
	acceptedKeys: [],
	stallMs: 600_000,
	holdFinals: false,
	anyModel: false,
	models: ['gpt-image-2', 'gpt-image-2-2026-04-21', 'gpt-image-1.5', 'gpt-4.1-mini', 'whisper-1'],
	seedPool: 0,
	cors: true,
	fuzzSeed: 0,
};

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

export interface ImageApiServer {
	/** Base URL for the SDK, ending in `/v1`. */
	readonly url: string;
	readonly origin: string;
	readonly requests: RecordedRequest[];
	/** CORS preflights, in order (the web extension's requests come from the browser). */
	readonly preflights: RecordedPreflight[];
	readonly config: ServerConfig;
	configure(change: Partial<ServerConfig>): void;
	fail(...failures: FailureSpec[]): void;
	reset(): void;
	/** The bytes of a final image sent for a request. */
	imageBytes(requestId: string, index: number): Buffer | undefined;
	/** Lets held final images go (see `holdFinals`). */
	releaseFinals(): void;
	/** The bytes of a file uploaded with a request (an edit's image, mask or markup), in arrival order. */
	uploadedBytes(requestId: string, index: number): Buffer | undefined;
	close(): Promise<void>;
}

/** What this server knows of the models, independently of the extension's own table. */
const MODEL_RULES: Record<string, { custom: boolean; qualities: string[]; fidelity: string[]; retired?: boolean }> = {
	'gpt-image-2': { custom: true, qualities: ['low', 'medium', 'high', 'auto'], fidelity: [] },
	'gpt-image-2-2026-04-21': { custom: true, qualities: ['low', 'medium', 'high', 'auto'], fidelity: [] },
	'gpt-image-2.5-sunburst': { custom: true, qualities: ['low', 'medium', 'high', 'xhigh', 'max', 'auto'], fidelity: [] },
	'gpt-image-2.5-sunburst-2026-09-08': { custom: true, qualities: ['low', 'medium', 'high', 'xhigh', 'max', 'auto'], fidelity: [] },
	'gpt-image-2.5-flare': { custom: true, qualities: ['low', 'medium', 'high', 'xhigh', 'max', 'auto'], fidelity: [] },
	'gpt-image-2.5-flare-2026-09-08': { custom: true, qualities: ['low', 'medium', 'high', 'xhigh', 'max', 'auto'], fidelity: [] },
	'gpt-image-2.6-sunburst': { custom: false, qualities: ['low', 'medium', 'high', 'auto'], fidelity: [] },
	'gpt-image-2.6-flare': { custom: false, qualities: ['low', 'medium', 'high', 'auto'], fidelity: [] },
	'gpt-image-1.5': { custom: false, qualities: ['low', 'medium', 'high', 'auto'], fidelity: ['low', 'high'] },
	'gpt-image-1-mini': { custom: false, qualities: ['low', 'medium', 'high', 'auto'], fidelity: ['low'] },
	'chatgpt-image-latest': { custom: false, qualities: ['low', 'medium', 'high', 'auto'], fidelity: [] },
	'gpt-image-1': { custom: false, qualities: [], fidelity: [], retired: true },
	'dall-e-2': { custom: false, qualities: [], fidelity: [], retired: true },
	'dall-e-3': { custom: false, qualities: [], fidelity: [], retired: true },
};

const STANDARD_SIZES = new Set(['1024x1024', '1536x1024', '1024x1536']);
/** Output tokens of one 1024x1024 image per quality, from gpt-image-2's prices at $30 per million. */
const OUTPUT_TOKENS_1024: Record<string, number> = { low: 200, medium: 1767, high: 7033, xhigh: 9000, max: 12000 };
const MAX_BODY_BYTES = 16 * 50 * 1024 * 1024 + 4 * 1024 * 1024;
const KEPT_IMAGE_REQUESTS = 40;

class ApiError extends Error {
	constructor(readonly status: number, readonly type: string, readonly code: string | null, message: string, readonly param: string | null = null) {
		super(message);
	}
}

function sizeProblem(model: string, size: string): string | undefined {
	if (size === 'auto' || STANDARD_SIZES.has(size)) {
		return undefined;
	}
	const match = /^(\d+)x(\d+)$/.exec(size);
	if (!match) {
		return `Invalid size '${size}'. Use WIDTHxHEIGHT or auto.`;
	}
	if (!MODEL_RULES[model]) {
		// Another vendor's model on an OpenAI-compatible server: its own rules, not OpenAI's.
		return undefined;
	}
	if (!MODEL_RULES[model].custom) {
		return `Invalid size '${size}'. Supported sizes are 1024x1024, 1024x1536, 1536x1024, and auto.`;
	}
	const width = Number(match[1]);
	const height = Number(match[2]);
	if (width % 16 !== 0 || height % 16 !== 0) {
		return `Invalid size '${size}'. Width and height must both be divisible by 16.`;
	}
	if (Math.max(width, height) / Math.min(width, height) > 3) {
		return `Invalid size '${size}'. The aspect ratio must be between 1:3 and 3:1.`;
	}
	if (Math.max(width, height) > 3840 || width * height > 8_294_400) {
		return `Invalid size '${size}'. The maximum supported resolution is 3840x2160.`;
	}
	if (width * height < 655_360) {
		return `Invalid size '${size}'. The requested size has fewer than 655360 pixels.`;
	}
	return undefined;
}

/** Semantic checks the API makes beyond the schema. Throws the API's error. */
function checkSemantics(body: Record<string, unknown>, files: RecordedFile[], isEdit: boolean, anyModel: boolean): void {
	const model = typeof body.model === 'string' ? body.model : 'gpt-image-1.5';
	const rules = MODEL_RULES[model] ?? (anyModel ? { custom: true, qualities: ['low', 'medium', 'high', 'xhigh', 'max', 'auto'], fidelity: ['low', 'high'] } : undefined);
	if (!rules) {
		throw new ApiError(404, 'invalid_request_error', 'model_not_found', `The model \`${model}\` does not exist or you do not have access to it.`);
	}
	if (rules.retired) {
		throw new ApiError(404, 'invalid_request_error', 'model_not_found', `The model \`${model}\` has been deprecated and is no longer available.`);
	}
	const prompt = typeof body.prompt === 'string' ? body.prompt : '';
	if (prompt.trim().length === 0) {
		throw new ApiError(400, 'invalid_request_error', 'empty_prompt', 'The prompt must not be empty.', 'prompt');
	}
	if (prompt.length > 32_000) {
		throw new ApiError(400, 'invalid_request_error', 'string_above_max_length', `Invalid 'prompt': string too long. Expected a string with maximum length 32000, but got a string with length ${prompt.length} instead.`, 'prompt');
	}
	const quality = typeof body.quality === 'string' ? body.quality : 'auto';
	if (!rules.qualities.includes(quality)) {
		throw new ApiError(400, 'invalid_request_error', 'invalid_value', `Invalid value: '${quality}'. Supported values for ${model} are: ${rules.qualities.map(q => `'${q}'`).join(', ')}.`, 'quality');
	}
	const size = typeof body.size === 'string' ? body.size : 'auto';
	const problem = sizeProblem(model, size);
	if (problem) {
		throw new ApiError(400, 'invalid_request_error', 'invalid_value', problem, 'size');
	}
	const format = typeof body.output_format === 'string' ? body.output_format : 'png';
	if (body.output_compression !== undefined && body.output_compression !== null) {
		const compression = Number(body.output_compression);
		if (format === 'png') {
			throw new ApiError(400, 'invalid_request_error', 'invalid_value', 'output_compression is only supported for jpeg and webp output formats.', 'output_compression');
		}
		if (!Number.isInteger(compression) || compression < 0 || compression > 100) {
			throw new ApiError(400, 'invalid_request_error', 'invalid_value', 'output_compression must be an integer between 0 and 100.', 'output_compression');
		}
	}
	if (body.background === 'transparent' && format === 'jpeg') {
		throw new ApiError(400, 'invalid_request_error', 'invalid_value', 'Transparent background requires output_format png or webp.', 'background');
	}
	if (isEdit) {
		const images = files.filter(file => file.field === 'image' || file.field === 'image[]');
		if (images.length === 0) {
			throw new ApiError(400, 'invalid_request_error', null, 'Missing required parameter: \'image\'.', 'image');
		}
		if (images.length > 16) {
			throw new ApiError(400, 'invalid_request_error', 'invalid_value', `Too many images: ${images.length}. At most 16 images are supported.`, 'image');
		}
		for (const image of images) {
			if (image.size > 50 * 1024 * 1024) {
				throw new ApiError(400, 'invalid_request_error', 'invalid_value', 'Each image must be smaller than 50MB.', 'image');
			}
			if (!/^image\/(png|jpeg|webp)$/.test(image.contentType)) {
				throw new ApiError(400, 'invalid_request_error', 'invalid_image_format', `Invalid file '${image.filename}': unsupported mimetype ('${image.contentType}'). Supported file formats are 'image/jpeg', 'image/png', and 'image/webp'.`, 'image');
			}
		}
		const mask = files.find(file => file.field === 'mask');
		const markup = files.find(file => file.field === 'markup');
		if (mask && markup) {
			throw new ApiError(400, 'invalid_request_error', 'invalid_value', 'markup cannot be combined with mask.', 'markup');
		}
		if (mask) {
			if (mask.contentType !== 'image/png' || mask.size > 4 * 1024 * 1024) {
				throw new ApiError(400, 'invalid_request_error', 'invalid_value', 'The mask must be a PNG file smaller than 4MB.', 'mask');
			}
			if (mask.width !== images[0].width || mask.height !== images[0].height) {
				throw new ApiError(400, 'invalid_request_error', 'invalid_value', `Invalid mask: it must have the same dimensions as the image (${images[0].width}x${images[0].height}), got ${mask.width}x${mask.height}.`, 'mask');
			}
			if (!mask.hasAlpha) {
				throw new ApiError(400, 'invalid_request_error', 'invalid_value', 'Invalid mask: it must have an alpha channel.', 'mask');
			}
		}
		if (body.input_fidelity !== undefined && body.input_fidelity !== null && !rules.fidelity.includes(String(body.input_fidelity))) {
			throw new ApiError(400, 'invalid_request_error', 'invalid_value', `input_fidelity '${String(body.input_fidelity)}' is not supported for ${model}.`, 'input_fidelity');
		}
	}
}

interface ParsedBody {
	readonly body: Record<string, unknown>;
	readonly files: RecordedFile[];
	readonly fileBytes: Map<string, Buffer[]>;
	/** Every uploaded file's bytes, in the order of `files`. */
	readonly ordered: Buffer[];
}

async function readBody(request: IncomingMessage): Promise<Buffer> {
	const chunks: Buffer[] = [];
	let total = 0;
	for await (const chunk of request) {
		total += (chunk as Buffer).length;
		if (total > MAX_BODY_BYTES) {
			throw new ApiError(413, 'invalid_request_error', null, 'Request body too large.');
		}
		chunks.push(chunk as Buffer);
	}
	return Buffer.concat(chunks);
}

/** Multipart fields arrive as text: give numbers and booleans their declared types again. */
function coerceField(schema: SchemaName, name: string, value: string): unknown {
	const type = fieldType(schema, name.replace(/\[\]$/, ''));
	if (type === 'integer' || type === 'number') {
		const number = Number(value);
		return value.trim() !== '' && Number.isFinite(number) ? number : value;
	}
	if (type === 'boolean') {
		return value === 'true' ? true : value === 'false' ? false : value;
	}
	return value;
}

async function parseMultipart(request: IncomingMessage, schema: SchemaName): Promise<ParsedBody> {
	const body: Record<string, unknown> = {};
	const files: RecordedFile[] = [];
	const fileBytes = new Map<string, Buffer[]>();
	const slotBytes: { key: string; bytes: Buffer }[] = [];
	const pending: Promise<void>[] = [];
	await new Promise<void>((resolve, reject) => {
		const parser = busboy({ headers: request.headers, limits: { fileSize: 60 * 1024 * 1024, files: 40 } });
		parser.on('field', (name, value) => {
			const key = name.replace(/\[\]$/, '');
			const coerced = coerceField(schema, name, value);
			if (name.endsWith('[]')) {
				body[key] = [...(Array.isArray(body[key]) ? body[key] as unknown[] : []), coerced];
			} else {
				body[key] = coerced;
			}
		});
		parser.on('file', (name, stream, info) => {
			const chunks: Buffer[] = [];
			// Files keep the order they arrived in, whatever order their metadata is read in.
			const slot = files.length;
			files.length++;
			stream.on('data', (chunk: Buffer) => chunks.push(chunk));
			pending.push(new Promise<void>(done => stream.on('close', async () => {
				const bytes = Buffer.concat(chunks);
				const key = name.replace(/\[\]$/, '');
				const meta = await imageMetadata(bytes).catch(() => undefined);
				files[slot] = {
					field: name,
					filename: info.filename ?? '',
					contentType: info.mimeType,
					size: bytes.length,
					sha256: createHash('sha256').update(bytes).digest('hex'),
					width: meta?.width,
					height: meta?.height,
					hasAlpha: meta?.hasAlpha,
				};
				slotBytes[slot] = { key, bytes };
				body[key] = name.endsWith('[]') ? [...(Array.isArray(body[key]) ? body[key] as unknown[] : []), '<binary>'] : '<binary>';
				done();
			})));
		});
		parser.on('error', reject);
		parser.on('close', () => resolve());
		request.pipe(parser);
	});
	await Promise.all(pending);
	for (const { key, bytes } of slotBytes) {
		fileBytes.set(key, [...(fileBytes.get(key) ?? []), bytes]);
	}
	return { body, files, fileBytes, ordered: slotBytes.map(slot => slot.bytes) };
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
	return new Promise(resolve => {
		if (ms <= 0 || signal.aborted) {
			resolve();
			return;
		}
		const timer = setTimeout(resolve, ms);
		signal.addEventListener('abort', () => {
			clearTimeout(timer);
			resolve();
		}, { once: true });
	});
}

/** Response headers a browser lets the client read: the SDK's request id, rate limits, retry-after. */
const EXPOSED_HEADERS = [
	'x-request-id', 'openai-processing-ms', 'openai-version', 'openai-organization',
	'retry-after', 'retry-after-ms',
	'x-ratelimit-limit-requests', 'x-ratelimit-remaining-requests', 'x-ratelimit-reset-requests',
	'x-ratelimit-limit-tokens', 'x-ratelimit-remaining-tokens', 'x-ratelimit-reset-tokens',
];

/** Starts the server on 127.0.0.1 (port 0 picks a free one). */
export async function startImageApiServer(options: { port?: number; config?: Partial<ServerConfig> } = {}): Promise<ImageApiServer> {
	const config: ServerConfig = { ...DEFAULT_CONFIG, ...options.config };
	const requests: RecordedRequest[] = [];
	const preflights: RecordedPreflight[] = [];
	let failures: Array<FailureSpec & { remaining: number }> = [];
	const sentBytes = new Map<string, Buffer[]>();
	const uploads = new Map<string, Buffer[]>();
	const sockets = new Set<Socket>();
	let seq = 0;
	let release: { promise: Promise<void>; resolve: () => void } | undefined;
	const finalsReleased = (signal: AbortSignal): Promise<void> => {
		if (!config.holdFinals) {
			return Promise.resolve();
		}
		if (!release) {
			let resolve!: () => void;
			const promise = new Promise<void>(done => { resolve = done; });
			release = { promise, resolve };
		}
		return Promise.race([release.promise, new Promise<void>(done => signal.addEventListener('abort', () => done(), { once: true }))]);
	};

	const takeFailure = (path: string, prompt: string): FailureSpec | undefined => {
		const match = failures.find(failure => failure.remaining > 0
			&& (!failure.path || failure.path === path)
			&& (!failure.promptIncludes || prompt.includes(failure.promptIncludes)));
		if (match) {
			match.remaining--;
			failures = failures.filter(failure => failure.remaining > 0);
		}
		return match;
	};

	const sendJson = (response: ServerResponse, status: number, value: unknown, headers: Record<string, string> = {}) => {
		const text = JSON.stringify(value);
		response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
		response.end(text);
	};

	const handleControl = async (request: IncomingMessage, response: ServerResponse, path: string) => {
		const imageMatch = /^\/__control\/requests\/([^/]+)\/(images|files)\/(\d+)$/.exec(path);
		if (request.method === 'GET' && path === '/__control/requests') {
			sendJson(response, 200, requests);
		} else if (request.method === 'GET' && imageMatch) {
			const bytes = (imageMatch[2] === 'images' ? sentBytes : uploads).get(imageMatch[1])?.[Number(imageMatch[3])];
			if (bytes) {
				response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': bytes.length });
				response.end(bytes);
			} else {
				sendJson(response, 404, { error: 'no such image' });
			}
		} else if (request.method === 'POST' && path === '/__control/reset') {
			server.reset();
			sendJson(response, 200, { ok: true });
		} else if (request.method === 'POST' && path === '/__control/config') {
			server.configure(JSON.parse((await readBody(request)).toString('utf8') || '{}') as Partial<ServerConfig>);
			sendJson(response, 200, config);
		} else if (request.method === 'POST' && path === '/__control/release') {
			server.releaseFinals();
			sendJson(response, 200, { ok: true });
		} else if (request.method === 'POST' && path === '/__control/failures') {
			const { failures: added } = JSON.parse((await readBody(request)).toString('utf8')) as { failures: FailureSpec[] };
			server.fail(...added);
			sendJson(response, 200, { ok: true });
		} else {
			sendJson(response, 404, { error: `unknown control route ${request.method} ${path}` });
		}
	};

	const handleImages = async (request: IncomingMessage, response: ServerResponse, path: string, rawPath: string, azure?: RecordedRequest['azure']) => {
		const isEdit = path === '/v1/images/edits';
		const schema: SchemaName = isEdit ? 'CreateImageEditRequest' : 'CreateImageRequest';
		const id = `req_${randomBytes(12).toString('hex')}`;
		const contentType = request.headers['content-type'] ?? '';
		const abort = new AbortController();
		response.on('close', () => {
			if (!response.writableFinished) {
				abort.abort();
			}
		});

		let parsed: ParsedBody;
		try {
			if (contentType.startsWith('multipart/form-data')) {
				parsed = await parseMultipart(request, schema);
			} else {
				const text = (await readBody(request)).toString('utf8');
				let body: unknown;
				try {
					body = JSON.parse(text);
				} catch {
					throw new ApiError(400, 'invalid_request_error', null, 'We could not parse the JSON body of your request.');
				}
				parsed = { body: body as Record<string, unknown>, files: [], fileBytes: new Map(), ordered: [] };
			}
		} catch (error) {
			const apiError = error instanceof ApiError ? error : new ApiError(400, 'invalid_request_error', null, String(error));
			sendJson(response, apiError.status, { error: { message: apiError.message, type: apiError.type, param: apiError.param, code: apiError.code } }, { 'x-request-id': id });
			return;
		}

		const apiKeyHeader = request.headers['api-key'];
		const authorization = request.headers.authorization ?? (typeof apiKeyHeader === 'string' ? `api-key ${apiKeyHeader}` : undefined);
		const record: RecordedRequest = {
			id,
			seq: ++seq,
			method: request.method ?? 'POST',
			path,
			rawPath,
			...(azure ? { azure } : {}),
			keyHeader: request.headers.authorization ? 'authorization' : typeof apiKeyHeader === 'string' ? 'api-key' : 'none',
			...(typeof request.headers.origin === 'string' ? { origin: request.headers.origin } : {}),
			...(typeof request.headers['x-stainless-runtime'] === 'string' ? { runtime: request.headers['x-stainless-runtime'] } : {}),
			contentType: contentType.split(';')[0],
			authorization,
			body: parsed.body,
			files: parsed.files,
			receivedAt: Date.now(),
			valid: false,
			errors: [],
			status: 0,
			stream: parsed.body.stream === true,
			images: [],
			partials: [],
			aborted: false,
		};
		requests.push(record);
		response.on('finish', () => { record.lastByteAt = Date.now(); });
		/** The request's place since the last reset: what a fuzz run's responses follow, whatever ran before. */
		const position = requests.length;
		if (parsed.files.length > 0) {
			uploads.set(id, parsed.ordered);
			if (uploads.size > KEPT_IMAGE_REQUESTS) {
				uploads.delete(uploads.keys().next().value as string);
			}
		}
		abort.signal.addEventListener('abort', () => { record.aborted = true; });
		const baseHeaders = { 'x-request-id': id, 'openai-version': '2020-10-01', 'openai-organization': 'org-test' };
		const replyError = (error: ApiError, headers: Record<string, string> = {}) => {
			record.status = error.status;
			sendJson(response, error.status, { error: { message: error.message, type: error.type, param: error.param, code: error.code } }, { ...baseHeaders, ...headers });
		};

		const key = authorization?.replace(/^(Bearer|api-key)\s+/i, '') ?? '';
		const model = typeof parsed.body.model === 'string' ? parsed.body.model : 'gpt-image-1.5';
		const size = typeof parsed.body.size === 'string' ? parsed.body.size : 'auto';

		const validation = validateAgainstSpec(schema, parsed.body);
		record.valid = validation.valid;
		record.errors = [...validation.errors];
		if (!key) {
			record.valid = false;
			record.errors.push('No API key');
			replyError(new ApiError(401, 'invalid_request_error', null, 'You didn\'t provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).'));
			return;
		}
		if (config.acceptedKeys.length > 0 && !config.acceptedKeys.includes(key)) {
			record.status = 401;
			const reply = errorReply({ kind: 'invalid_api_key' }, { model, key, requestId: id });
			sendJson(response, 401, reply?.body, baseHeaders);
			return;
		}
		if (!validation.valid) {
			replyError(new ApiError(400, 'invalid_request_error', validation.errors[0]?.startsWith('Unrecognized') ? 'unknown_parameter' : 'invalid_value', validation.errors[0] ?? 'Invalid request.', validation.param));
			return;
		}
		try {
			checkSemantics(parsed.body, parsed.files, isEdit, config.anyModel);
		} catch (error) {
			if (error instanceof ApiError) {
				record.valid = false;
				record.errors.push(error.message);
				replyError(error);
				return;
			}
			throw error;
		}

		if (config.fuzzSeed) {
			record.status = 200;
			const format = (typeof parsed.body.output_format === 'string' ? parsed.body.output_format : 'png') as ImageFormat;
			const partials = record.stream && typeof parsed.body.partial_images === 'number' ? parsed.body.partial_images : 0;
			try {
				record.fuzz = await fuzzResponse({ seed: config.fuzzSeed, seq: position, isEdit, format, partials, request, response, signal: abort.signal, headers: baseHeaders });
			} catch (error) {
				record.fuzz = { case: `server-error/${String(error)}`, keep: [] };
				response.destroy();
			}
			return;
		}
		const failure = takeFailure(path, String(parsed.body.prompt ?? ''));
		record.failure = failure?.kind;
		if (failure?.kind === 'drop_connection') {
			await sleep(config.firstByteMs, abort.signal);
			record.status = -1;
			request.socket.destroy();
			return;
		}
		if (failure?.kind === 'stall') {
			record.status = -1;
			await sleep(config.stallMs, abort.signal);
			if (!abort.signal.aborted) {
				request.socket.destroy();
			}
			return;
		}
		if (failure?.kind === 'comment_flood' || failure?.kind === 'endless_line' || failure?.kind === 'stall_after_partial') {
			record.status = 200;
			await neverEnding(failure.kind, parsed, response, abort.signal, baseHeaders, isEdit);
			return;
		}
		const reply = failure ? errorReply(failure, { model, size, key, requestId: id }) : undefined;
		if (reply) {
			await sleep(config.firstByteMs, abort.signal);
			record.status = reply.status;
			sendJson(response, reply.status, reply.body, { ...baseHeaders, ...reply.headers });
			return;
		}

		await produceImages(record, parsed, failure, response, abort.signal, baseHeaders, isEdit);
	};

	/** A 200 event stream that never finishes on its own: the client's timeouts and limits must end it. */
	const neverEnding = async (kind: 'comment_flood' | 'endless_line' | 'stall_after_partial', parsed: ParsedBody, response: ServerResponse, signal: AbortSignal, baseHeaders: Record<string, string>, isEdit: boolean) => {
		response.writeHead(200, { ...baseHeaders, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache' });
		const prefix = isEdit ? 'image_edit' : 'image_generation';
		if (kind === 'stall_after_partial') {
			const format = (typeof parsed.body.output_format === 'string' ? parsed.body.output_format : 'png') as ImageFormat;
			const bytes = await renderImage({ width: 256, height: 256, format, seed: `stall|${seq}`, partial: { index: 0, of: 2 } });
			response.write(`event: ${prefix}.partial_image\ndata: ${JSON.stringify({ type: `${prefix}.partial_image`, b64_json: bytes.toString('base64'), partial_image_index: 0, size: '1024x1024', quality: 'low', background: 'opaque', output_format: format })}\n\n`);
			await sleep(config.stallMs, signal);
		} else if (kind === 'comment_flood') {
			while (!signal.aborted) {
				response.write(': still rendering\n');
				await sleep(50, signal);
			}
		} else {
			response.write(`event: ${prefix}.completed\ndata: {"type":"${prefix}.completed","b64_json":"`);
			const block = Buffer.alloc(64 * 1024, 0x41);
			while (!signal.aborted) {
				// As fast as the client reads: the next block waits for the last to drain.
				if (!response.write(block)) {
					await drained(response);
				}
			}
		}
		response.destroy();
	};

	const produceImages = async (
		record: RecordedRequest,
		parsed: ParsedBody,
		failure: FailureSpec | undefined,
		response: ServerResponse,
		signal: AbortSignal,
		baseHeaders: Record<string, string>,
		isEdit: boolean,
	) => {
		const body = parsed.body;
		const n = typeof body.n === 'number' ? body.n : 1;
		const format = (typeof body.output_format === 'string' ? body.output_format : 'png') as ImageFormat;
		const compression = typeof body.output_compression === 'number' ? body.output_compression : undefined;
		const requestedQuality = typeof body.quality === 'string' ? body.quality : 'auto';
		const quality = requestedQuality === 'auto' ? 'high' : requestedQuality;
		let size = typeof body.size === 'string' ? body.size : 'auto';
		if (size === 'auto') {
			const first = record.files.find(file => file.field.startsWith('image'));
			size = isEdit && first?.width && first.height && STANDARD_SIZES.has(`${first.width}x${first.height}`) ? `${first.width}x${first.height}` : '1024x1024';
		}
		const [width, height] = size.split('x').map(Number);
		const partialCount = record.stream && typeof body.partial_images === 'number' ? body.partial_images : 0;
		const background = body.background === 'transparent' ? 'transparent' : 'opaque';
		const prompt = String(body.prompt ?? '');
		const textTokens = Math.max(1, Math.ceil(prompt.length / 4));
		const imageInputTokens = record.files.filter(file => file.field.startsWith('image')).length * 323;
		const outputTokens = Math.round((OUTPUT_TOKENS_1024[quality] ?? 1767) * (width * height) / (1024 * 1024));
		const usage = {
			input_tokens: textTokens + imageInputTokens,
			input_tokens_details: { text_tokens: textTokens, image_tokens: imageInputTokens },
			output_tokens: outputTokens * n,
			total_tokens: textTokens + imageInputTokens + outputTokens * n,
		};
		const eventUsage = { ...usage, output_tokens: outputTokens, total_tokens: textTokens + imageInputTokens + outputTokens };
		const seed = (index: number) => config.seedPool > 0 ? `pool|${(record.seq + index) % config.seedPool}` : `${prompt}|${record.seq}|${index}`;
		const render = (index: number, partial?: number) => renderImage({
			width, height, format, compression, seed: seed(index), grain: config.grain,
			partial: partial === undefined ? undefined : { index: partial, of: partialCount },
		});
		const fingerprint = (index: number, bytes: Buffer, partialIndex?: number): SentImage => ({ index, sha256: createHash('sha256').update(bytes).digest('hex'), size: bytes.length, width, height, format, partialIndex });
		const remember = (sent: SentImage, bytes: Buffer) => {
			const { index, partialIndex } = sent;
			if (partialIndex === undefined) {
				record.images.push(sent);
				const list = sentBytes.get(record.id) ?? [];
				list[index] = bytes;
				sentBytes.set(record.id, list);
				if (sentBytes.size > KEPT_IMAGE_REQUESTS) {
					sentBytes.delete(sentBytes.keys().next().value as string);
				}
			} else {
				record.partials.push(sent);
			}
		};
		const started = Date.now();
		/** When image `index` (partial `partial`) is ready, relative to the start. */
		const readyAt = (index: number, partial?: number) => {
			const slot = config.parallelVariants ? 0 : index;
			const fraction = partial === undefined ? 1 : (partial + 1) / (partialCount + 1);
			return config.firstByteMs + (slot + fraction) * config.imageMs;
		};
		const waitUntil = (at: number) => sleep(started + at - Date.now(), signal);

		if (!record.stream) {
			const data: { b64_json: string }[] = [];
			for (let index = 0; index < n; index++) {
				const bytes = await render(index);
				remember(fingerprint(index, bytes), bytes);
				data.push({ b64_json: bytes.toString('base64') });
			}
			await waitUntil(readyAt(n - 1));
			if (signal.aborted) {
				return;
			}
			if (failure?.kind === 'stream_error') {
				record.status = 500;
				const reply = errorReply({ kind: 'server_error' }, { model: String(body.model), requestId: record.id });
				sendJson(response, 500, reply?.body, baseHeaders);
				return;
			}
			record.status = 200;
			const payload = { created: Math.floor(Date.now() / 1000), background, data, output_format: format, quality, size: `${width}x${height}`, usage };
			for (const image of record.images) {
				image.sentAt = Date.now();
			}
			sendJson(response, 200, payload, { ...baseHeaders, 'openai-processing-ms': String(Date.now() - started) });
			return;
		}

		await waitUntil(config.firstByteMs);
		if (signal.aborted) {
			return;
		}
		record.status = 200;
		response.writeHead(200, { ...baseHeaders, 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive' });
		const prefix = isEdit ? 'image_edit' : 'image_generation';
		const eventText = (event: string, data: unknown) => `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
		const send = (event: string, data: unknown) => {
			response.write(eventText(event, data));
		};
		const common = () => ({ created_at: Math.floor(Date.now() / 1000), size: `${width}x${height}`, quality, background, output_format: format });
		for (let index = 0; index < n; index++) {
			if (failure?.kind === 'stream_error' && index >= (failure.afterImages ?? 1)) {
				send('error', streamErrorEvent(record.id));
				response.end();
				return;
			}
			// Each event is encoded before its time comes, as the non-streaming reply is: the
			// server's own encoding never delays an event past its fixed latency.
			for (let partial = 0; partial < partialCount; partial++) {
				const bytes = await render(index, partial);
				const sent = fingerprint(index, bytes, partial);
				const text = eventText(`${prefix}.partial_image`, { type: `${prefix}.partial_image`, b64_json: bytes.toString('base64'), partial_image_index: partial, ...common() });
				await waitUntil(readyAt(index, partial));
				if (signal.aborted) {
					return;
				}
				remember(sent, bytes);
				response.write(text);
				sent.sentAt = Date.now();
			}
			const bytes = await render(index);
			const sent = fingerprint(index, bytes);
			const text = eventText(`${prefix}.completed`, { type: `${prefix}.completed`, b64_json: bytes.toString('base64'), ...common(), usage: eventUsage });
			await waitUntil(readyAt(index));
			await finalsReleased(signal);
			if (signal.aborted) {
				return;
			}
			remember(sent, bytes);
			response.write(text);
			sent.sentAt = Date.now();
		}
		response.end();
	};

	const http: Server = createServer((request, response) => {
		const url = new URL(request.url ?? '/', 'http://localhost');
		const path = url.pathname;
		// The API allows calls from any origin (the web extension sends them from the browser's
		// web worker): every answer carries CORS headers, and preflights are answered here.
		if (config.cors) {
			response.setHeader('access-control-allow-origin', '*');
			response.setHeader('access-control-expose-headers', EXPOSED_HEADERS.join(', '));
		}
		if (request.method === 'OPTIONS') {
			const requested = request.headers['access-control-request-headers'] ?? '';
			preflights.push({
				path,
				...(typeof request.headers.origin === 'string' ? { origin: request.headers.origin } : {}),
				...(typeof request.headers['access-control-request-method'] === 'string' ? { method: request.headers['access-control-request-method'] } : {}),
				headers: requested.split(',').map(name => name.trim().toLowerCase()).filter(Boolean),
			});
			response.writeHead(204, config.cors ? {
				'access-control-allow-methods': 'GET, POST, OPTIONS',
				...(requested ? { 'access-control-allow-headers': requested } : {}),
				'access-control-max-age': '600',
			} : {});
			response.end();
			return;
		}
		const azure = /^\/openai\/deployments\/([^/]+)\/images\/(generations|edits)$/.exec(path);
		const handle = path.startsWith('/__control/')
			? handleControl(request, response, path)
			: request.method === 'POST' && (path === '/v1/images/generations' || path === '/v1/images/edits')
				? handleImages(request, response, path, path)
				: request.method === 'POST' && azure
					? handleImages(request, response, `/v1/images/${azure[2]}`, path, { deployment: decodeURIComponent(azure[1]), apiVersion: url.searchParams.get('api-version') })
					: request.method === 'GET' && path === '/v1/models'
						? Promise.resolve(sendJson(response, 200, { object: 'list', data: config.models.map(id => ({ id, object: 'model', created: 1_776_000_000, owned_by: 'openai' })) }))
						: Promise.resolve(sendJson(response, 404, { error: { message: `Invalid URL (${request.method} ${path})`, type: 'invalid_request_error', param: null, code: null } }));
		handle.catch(error => {
			if (!response.headersSent) {
				sendJson(response, 500, { error: { message: `Test server failure: ${String(error)}`, type: 'server_error', param: null, code: null } });
			} else {
				response.destroy();
			}
		});
	});
	http.on('connection', socket => {
		sockets.add(socket);
		socket.on('close', () => sockets.delete(socket));
	});
	await new Promise<void>(resolve => http.listen(options.port ?? 0, '127.0.0.1', resolve));
	const { port } = http.address() as AddressInfo;
	const origin = `http://127.0.0.1:${port}`;

	const server: ImageApiServer = {
		url: `${origin}/v1`,
		origin,
		requests,
		preflights,
		config,
		configure(change) {
			Object.assign(config, change);
		},
		fail(...added) {
			failures.push(...added.map(failure => ({ ...failure, remaining: failure.times ?? 1 })));
		},
		reset() {
			server.releaseFinals();
			requests.length = 0;
			preflights.length = 0;
			failures = [];
			sentBytes.clear();
			uploads.clear();
			Object.assign(config, DEFAULT_CONFIG, options.config);
		},
		imageBytes(requestId, index) {
			return sentBytes.get(requestId)?.[index];
		},
		uploadedBytes(requestId, index) {
			return uploads.get(requestId)?.[index];
		},
		releaseFinals() {
			config.holdFinals = false;
			release?.resolve();
			release = undefined;
		},
		close() {
			for (const socket of sockets) {
				socket.destroy();
			}
			return new Promise(resolve => http.close(() => resolve()));
		},
	};
	return server;
}
