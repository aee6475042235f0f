/**
 * `/v1/batches` as the API has it (create, retrieve, cancel, list) for image requests, with a
 * state machine the tests drive through `POST /__control/batches/<id>` (or `latest`):
 * validating → in_progress → finalizing → completed; failed; expired; cancelling → cancelled.
 * Reaching completed, expired or cancelled writes real output and error files into the file
 * store: each output line a real `/v1/images/generations` or `/v1/images/edits` response with
 * real image bytes of the requested size; the lines the test asked to fail, and those an
 * expired or cancelled batch never reached, in the error file.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listPage } from './listPage';
import { ApiError, sendApiError, sendJson } from './httpReplies';
import type { ServerConfig } from './serverConfig';
import { FileStore } from './fileRoutes';
import { renderImage, type ImageFormat } from './imageFactory';
import { checkSemantics, GIF_FRAMES, gifAutoSize, gifDelayMs, OUTPUT_TOKENS_1024 } from './modelRules';
import { svgUsage } from './imageResponses';
import { readBody } from './requestBody';
import type { RecordedFile } from './requestLog';
import { validateAgainstSpec } from './schemaValidator';

const ENDPOINTS = new Set(['/v1/images/generations', '/v1/images/edits']);
const MAX_LINES = 50_000;
const FINAL = new Set(['completed', 'failed', 'expired', 'cancelled']);
/** The transitions a test may ask for; cancelling comes from the API's cancel. */
const NEXT: Record<string, readonly string[]> = {
	validating: ['in_progress', 'failed', 'cancelling'],
	in_progress: ['finalizing', 'expired', 'cancelling'],
	finalizing: ['completed'],
	cancelling: ['cancelled'],
};

interface InputLine {
	readonly customId: string;
	readonly body: Record<string, unknown>;
	/** Why the API refuses this line, if it does. */
	readonly refusal?: ApiError;
}

interface ServerBatch {
	readonly object: Record<string, unknown>;
	readonly lines: InputLine[];
	/** Why the whole input was refused at validation. */
	readonly inputErrors: { code: string; message: string; line: number | null }[];
}

/** What a test asks of a batch through the control API. */
export interface BatchDrive {
	readonly status: string;
	/** Lines whose `custom_id` includes one of these fail with a content policy refusal. */
	readonly failLines?: readonly string[];
	/** For expired and cancelled: how many lines completed before (the rest go to the error file). */
	readonly completedLines?: number;
}

/** The batches the server has, and its files. */
export class BatchState {
	readonly files = new FileStore();
	readonly batches = new Map<string, ServerBatch>();
	/** Batch ids in creation order. */
	readonly order: string[] = [];

	reset(): void {
		this.files.clear();
		this.batches.clear();
		this.order.length = 0;
	}
}

const now = () => Math.floor(Date.now() / 1000);

function refusal(status: number, code: string, message: string, param: string | null = null): ApiError {
	return new ApiError(status, 'invalid_request_error', code, message, param);
}

/** Reads the input file as the API's validation does: JSONL lines of `{ custom_id, method, url, body }`. */
function readInput(state: BatchState, text: string, endpoint: string, config: ServerConfig): Pick<ServerBatch, 'lines' | 'inputErrors'> {
	const lines: InputLine[] = [];
	const inputErrors: ServerBatch['inputErrors'] = [];
	const seen = new Set<string>();
	const rows = text.split('\n').filter(row => row.trim().length > 0);
	if (rows.length > MAX_LINES) {
		inputErrors.push({ code: 'too_many_requests', message: `The input file has ${rows.length} requests; a batch takes at most ${MAX_LINES}.`, line: null });
	}
	rows.forEach((row, index) => {
		let parsed: unknown;
		try {
			parsed = JSON.parse(row);
		} catch {
			inputErrors.push({ code: 'invalid_json_line', message: 'This line is not parseable as valid JSON.', line: index + 1 });
			return;
		}
		const line = parsed as { custom_id?: unknown; method?: unknown; url?: unknown; body?: unknown };
		if (typeof line.custom_id !== 'string' || line.custom_id.length === 0 || line.custom_id.length > 512) {
			inputErrors.push({ code: 'missing_required_parameter', message: 'Each line needs a custom_id string.', line: index + 1 });
			return;
		}
		if (seen.has(line.custom_id)) {
			inputErrors.push({ code: 'duplicate_custom_id', message: `The custom_id ${line.custom_id} is used more than once; each must be unique.`, line: index + 1 });
			return;
		}
		seen.add(line.custom_id);
		if (line.method !== 'POST' || line.url !== endpoint || typeof line.body !== 'object' || line.body === null) {
			inputErrors.push({ code: 'mismatched_endpoint', message: `Each line must be a POST to ${endpoint} with a body.`, line: index + 1 });
			return;
		}
		const body = line.body as Record<string, unknown>;
		lines.push({ customId: line.custom_id, body, refusal: lineRefusal(state, body, endpoint, config) });
	});
	return { lines, inputErrors };
}

/** What the image endpoint would answer to one line's body, when it refuses it. */
function lineRefusal(state: BatchState, body: Record<string, unknown>, endpoint: string, config: ServerConfig): ApiError | undefined {
	if (endpoint === '/v1/images/generations') {
		const validation = validateAgainstSpec('CreateImageRequest', body);
		if (!validation.valid) {
			return refusal(400, 'invalid_value', validation.errors[0] ?? 'Invalid request.', validation.param);
		}
		if (body.stream === true) {
			return refusal(400, 'invalid_value', 'Streaming is not supported in a batch.', 'stream');
		}
	} else {
		// The JSON form of an edit (EditImageBodyJsonParam): images by uploaded file id.
		const allowed = new Set(['model', 'images', 'mask', 'prompt', 'n', 'quality', 'input_fidelity', 'size', 'output_format', 'output_compression', 'background', 'moderation', 'user']);
		const unknown = Object.keys(body).find(key => !allowed.has(key));
		if (unknown) {
			return refusal(400, 'unknown_parameter', `Unrecognized request argument supplied: ${unknown}`, unknown);
		}
		const images = body.images;
		if (!Array.isArray(images) || images.length < 1 || images.length > 16) {
			return refusal(400, 'invalid_value', 'images must hold 1 to 16 image references.', 'images');
		}
		for (const image of images as unknown[]) {
			const ref = image as { file_id?: unknown; image_url?: unknown };
			if (typeof ref !== 'object' || ref === null || (typeof ref.file_id === 'string') === (typeof ref.image_url === 'string')) {
				return refusal(400, 'invalid_value', 'Each image reference needs exactly one of file_id or image_url.', 'images');
			}
			if (typeof ref.file_id === 'string' && !state.files.get(ref.file_id)) {
				return refusal(400, 'invalid_value', `No such File object: ${ref.file_id}`, 'images');
			}
		}
	}
	// The uploaded images stand in for the multipart ones the endpoint's rules check.
	const files: RecordedFile[] = (Array.isArray(body.images) ? body.images as { file_id?: string }[] : []).map(ref => {
		const bytes = ref.file_id ? state.files.get(ref.file_id)?.bytes ?? Buffer.alloc(0) : Buffer.alloc(0);
		return { field: 'image[]', filename: 'image', contentType: sniffImageType(bytes), size: bytes.length, sha256: '' };
	});
	try {
		checkSemantics(body, files, endpoint === '/v1/images/edits', config.anyModel);
	} catch (error) {
		if (error instanceof ApiError) {
			return error;
		}
		throw error;
	}
	return undefined;
}

/** An uploaded image's media type from its first bytes (a URL reference is taken as PNG). */
function sniffImageType(bytes: Buffer): string {
	if (bytes.length === 0 || bytes.subarray(0, 4).equals(Buffer.from([0x89, 0x50, 0x4e, 0x47]))) {
		return 'image/png';
	}
	if (bytes[0] === 0xff && bytes[1] === 0xd8) {
		return 'image/jpeg';
	}
	return bytes.subarray(8, 12).toString('latin1') === 'WEBP' ? 'image/webp' : 'application/octet-stream';
}

function errorBody(error: ApiError) {
	return { error: { message: error.message, type: error.type, param: error.param, code: error.code } };
}

/** A line's output: an image response with real bytes (an SVG, an animated GIF as asked), as the endpoint would send it. */
async function outputLine(line: InputLine, position: number, seedPool: number): Promise<string> {
	const body = line.body;
	const format = (typeof body.output_format === 'string' ? body.output_format : 'png') as ImageFormat;
	const frames = format === 'gif' ? (typeof body.frame_count === 'number' ? body.frame_count : GIF_FRAMES.default) : undefined;
	const size = typeof body.size === 'string' && body.size !== 'auto' ? body.size : format === 'gif' ? gifAutoSize(frames!) : '1024x1024';
	const [width, height] = size.split('x').map(Number);
	const requestedQuality = typeof body.quality === 'string' ? body.quality : 'auto';
	const quality = requestedQuality === 'auto' ? 'high' : requestedQuality;
	const n = typeof body.n === 'number' ? body.n : 1;
	const data: { b64_json: string }[] = [];
	for (let index = 0; index < n; index++) {
		// With a seed pool (a bench), pictures repeat and each is rendered once.
		const bytes = await renderImage({
			width, height, format, seed: seedPool > 0 ? `pool|${(position + index) % seedPool}` : `batch|${line.customId}|${index}`,
			...(format === 'svg' ? { text: String(body.prompt ?? '') } : {}),
			...(format === 'gif' ? { frames, frameDelayMs: gifDelayMs(typeof body.frame_duration_ms === 'number' ? body.frame_duration_ms : undefined) } : {}),
		});
		data.push({ b64_json: bytes.toString('base64') });
	}
	const textTokens = Math.max(1, Math.ceil(String(body.prompt ?? '').length / 4));
	const imageTokens = Array.isArray(body.images) ? body.images.length * 323 : 0;
	const outputTokens = Math.round((OUTPUT_TOKENS_1024[quality] ?? 1767) * (width * height) / (1024 * 1024)) * n;
	const usage = { input_tokens: textTokens + imageTokens, input_tokens_details: { text_tokens: textTokens, image_tokens: imageTokens }, output_tokens: outputTokens, total_tokens: textTokens + imageTokens + outputTokens };
	const response = {
		created: now(), background: body.background === 'transparent' ? 'transparent' : 'opaque', data, output_format: format, quality, size: `${width}x${height}`, usage,
		...(format === 'svg' ? { svg_usage: svgUsage(body, textTokens, imageTokens, data[0]?.b64_json ?? '') } : {}),
	};
	return JSON.stringify({ id: `batch_req_${randomBytes(12).toString('hex')}`, custom_id: line.customId, response: { status_code: 200, request_id: `req_${randomBytes(12).toString('hex')}`, body: response }, error: null });
}

function errorLine(customId: string, error: ApiError): string {
	return JSON.stringify({ id: `batch_req_${randomBytes(12).toString('hex')}`, custom_id: customId, response: { status_code: error.status, request_id: `req_${randomBytes(12).toString('hex')}`, body: errorBody(error) }, error: null });
}

function batchErrorLine(customId: string, code: string, message: string): string {
	return JSON.stringify({ id: `batch_req_${randomBytes(12).toString('hex')}`, custom_id: customId, response: null, error: { code, message } });
}

/** Writes the output and error files of a batch that ended with lines done. */
async function finish(state: BatchState, batch: ServerBatch, drive: BatchDrive, seedPool: number): Promise<void> {
	const ended = drive.status;
	const reached = ended === 'completed' ? batch.lines.length : Math.min(batch.lines.length, drive.completedLines ?? Math.floor(batch.lines.length / 2));
	const output: string[] = [];
	const errors: string[] = [];
	for (const [index, line] of batch.lines.entries()) {
		if (index >= reached) {
			errors.push(ended === 'expired'
				? batchErrorLine(line.customId, 'batch_expired', 'This request could not be executed before the completion window expired.')
				: batchErrorLine(line.customId, 'batch_cancelled', 'This request was not executed because the batch was cancelled.'));
		} else if (line.refusal) {
			errors.push(errorLine(line.customId, line.refusal));
		} else if (drive.failLines?.some(part => line.customId.includes(part))) {
			errors.push(errorLine(line.customId, new ApiError(400, 'image_generation_user_error', 'moderation_blocked', 'Your request was rejected as a result of our safety system. Your request may contain content that is not allowed by our safety system.')));
		} else {
			output.push(await outputLine(line, index, seedPool));
		}
	}
	const object = batch.object;
	if (output.length > 0) {
		object.output_file_id = state.files.add('batch_output.jsonl', 'batch_output', Buffer.from(output.join('\n') + '\n')).id;
	}
	if (errors.length > 0) {
		object.error_file_id = state.files.add('batch_errors.jsonl', 'batch_output', Buffer.from(errors.join('\n') + '\n')).id;
	}
	object.request_counts = { total: batch.lines.length, completed: output.length, failed: errors.length };
}

/** Moves a batch to the state a test asks for, as the API would get there. */
export async function driveBatch(state: BatchState, id: string, drive: BatchDrive, seedPool = 0): Promise<Record<string, unknown>> {
	const batchId = id === 'latest' ? state.order[state.order.length - 1] : id;
	const batch = batchId ? state.batches.get(batchId) : undefined;
	if (!batch) {
		throw new ApiError(404, 'invalid_request_error', null, `No such batch: ${id}`);
	}
	const object = batch.object;
	const from = String(object.status);
	if (!(NEXT[from] ?? []).includes(drive.status)) {
		throw new ApiError(409, 'invalid_request_error', null, `A batch cannot go from ${from} to ${drive.status}.`);
	}
	if (drive.status === 'in_progress' && batch.inputErrors.length > 0) {
		throw new ApiError(409, 'invalid_request_error', null, `The batch's input was refused (${batch.inputErrors[0].message}): it can only fail.`);
	}
	// The files are written before the status says they are there, as the API does.
	if (drive.status === 'completed' || drive.status === 'expired' || drive.status === 'cancelled') {
		await finish(state, batch, drive, seedPool);
	}
	object.status = drive.status;
	object[`${drive.status}_at`] = now();
	if (drive.status === 'failed') {
		object.errors = { object: 'list', data: batch.inputErrors.length > 0 ? batch.inputErrors.map(error => ({ ...error, param: null })) : [{ code: 'server_error', message: 'The batch failed.', param: null, line: null }] };
		object.request_counts = { total: 0, completed: 0, failed: 0 };
	}
	if (drive.status === 'in_progress') {
		object.request_counts = { total: batch.lines.length, completed: 0, failed: 0 };
	}
	return object;
}

function notFound(id: string): ApiError {
	return new ApiError(404, 'invalid_request_error', null, `No batch found with id '${id}'.`, 'batch_id');
}

/** `/v1/batches*`; answers false for a path that is not one of them. */
export async function handleBatches(state: BatchState, config: ServerConfig, request: IncomingMessage, response: ServerResponse, path: string, url: URL): Promise<boolean> {
	const match = /^\/v1\/batches(?:\/([^/]+))?(\/cancel)?$/.exec(path);
	if (!match) {
		return false;
	}
	const [, id, cancel] = match;
	try {
		if (request.method === 'POST' && !id) {
			let body: Record<string, unknown>;
			try {
				body = JSON.parse((await readBody(request)).toString('utf8')) as Record<string, unknown>;
			} catch {
				throw new ApiError(400, 'invalid_request_error', null, 'We could not parse the JSON body of your request.');
			}
			const endpoint = String(body.endpoint);
			if (!ENDPOINTS.has(endpoint)) {
				throw new ApiError(400, 'invalid_request_error', 'invalid_value', `Invalid value for 'endpoint': ${JSON.stringify(body.endpoint)}.`, 'endpoint');
			}
			if (body.completion_window !== '24h') {
				throw new ApiError(400, 'invalid_request_error', 'invalid_value', 'Invalid value for \'completion_window\': only 24h is supported.', 'completion_window');
			}
			const input = typeof body.input_file_id === 'string' ? state.files.get(body.input_file_id) : undefined;
			if (!input) {
				throw new ApiError(400, 'invalid_request_error', 'invalid_value', `No such File object: ${String(body.input_file_id)}`, 'input_file_id');
			}
			if (input.purpose !== 'batch') {
				throw new ApiError(400, 'invalid_request_error', 'invalid_value', 'The input file must be uploaded with purpose batch.', 'input_file_id');
			}
			const created = now();
			const object: Record<string, unknown> = {
				id: `batch_${randomBytes(12).toString('hex')}`, object: 'batch', endpoint, errors: null, input_file_id: input.id,
				completion_window: '24h', status: 'validating', output_file_id: null, error_file_id: null, created_at: created,
				in_progress_at: null, expires_at: created + 86_400, finalizing_at: null, completed_at: null, failed_at: null,
				expired_at: null, cancelling_at: null, cancelled_at: null, request_counts: { total: 0, completed: 0, failed: 0 },
				metadata: typeof body.metadata === 'object' && body.metadata !== null ? body.metadata : null,
			};
			const batch: ServerBatch = { object, ...readInput(state, input.bytes.toString('utf8'), endpoint, config) };
			state.batches.set(String(object.id), batch);
			state.order.push(String(object.id));
			sendJson(response, 200, object);
		} else if (request.method === 'GET' && !id) {
			const newestFirst = [...state.order].reverse().map(batchId => ({ id: batchId }));
			sendJson(response, 200, listPage(newestFirst, url.searchParams, { fallback: 20, max: 100 }, ({ id: batchId }) => state.batches.get(batchId)!.object));
		} else if (request.method === 'GET' && id && !cancel) {
			const batch = state.batches.get(id);
			if (!batch) {
				throw notFound(id);
			}
			sendJson(response, 200, batch.object);
		} else if (request.method === 'POST' && id && cancel) {
			const batch = state.batches.get(id);
			if (!batch) {
				throw notFound(id);
			}
			const status = String(batch.object.status);
			if (FINAL.has(status) || status === 'finalizing') {
				throw new ApiError(409, 'invalid_request_error', null, `Cannot cancel a batch with status '${status}'.`);
			}
			if (status !== 'cancelling') {
				batch.object.status = 'cancelling';
				batch.object.cancelling_at = now();
			}
			sendJson(response, 200, batch.object);
		} else {
			throw new ApiError(404, 'invalid_request_error', null, `Invalid URL (${request.method} ${path})`);
		}
	} catch (error) {
		if (!(error instanceof ApiError)) {
			throw error;
		}
		request.resume();
		sendApiError(response, error);
	}
	return true;
}

/** `/__control/batches` (the batches, newest last) and `POST /__control/batches/<id|latest>` with a `BatchDrive`. */
export async function handleBatchControl(state: BatchState, config: ServerConfig, request: IncomingMessage, response: ServerResponse, path: string): Promise<boolean> {
	const match = /^\/__control\/batches(?:\/([^/]+))?$/.exec(path);
	if (!match) {
		return false;
	}
	try {
		if (request.method === 'GET' && !match[1]) {
			sendJson(response, 200, state.order.map(batchId => {
				const batch = state.batches.get(batchId)!;
				return { ...batch.object, lines: batch.lines.map(line => ({ custom_id: line.customId, body: line.body, refused: line.refusal?.message ?? null })) };
			}));
		} else if (request.method === 'POST' && match[1]) {
			const drive = JSON.parse((await readBody(request)).toString('utf8')) as BatchDrive;
			sendJson(response, 200, await driveBatch(state, match[1], drive, config.seedPool));
		} else {
			return false;
		}
	} catch (error) {
		if (!(error instanceof ApiError)) {
			throw error;
		}
		sendApiError(response, error);
	}
	return true;
}
