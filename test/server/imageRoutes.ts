/**
 * `POST /v1/images/generations` and `/v1/images/edits` (and Azure OpenAI's deployment paths):
 * read and record the request, check the key, the schema and the model's rules as the API
 * does, then answer with images, an injected failure, or a fuzzed response.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, sendApiError, sendJson, sleep } from './httpReplies';
import { errorReply } from './apiFailures';
import type { ServerState } from './controlApi';
import { fuzzResponse } from './fuzzResponses';
import type { ImageFormat } from './imageFactory';
import { neverEnding, produceImages, type ImageReply } from './imageResponses';
import { checkSemantics } from './modelRules';
import { parseRequestBody, type ParsedBody } from './requestBody';
import type { RecordedRequest } from './requestLog';
import { validateAgainstSpec, type SchemaName } from './schemaValidator';

/** Answers one image request; `path` is the OpenAI endpoint, `rawPath` the path as requested. */
export async function handleImages(state: ServerState, request: IncomingMessage, response: ServerResponse, path: string, rawPath: string, azure?: RecordedRequest['azure']): Promise<void> {
	const config = state.config;
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
		parsed = await parseRequestBody(request, schema);
	} catch (error) {
		sendApiError(response, error instanceof ApiError ? error : new ApiError(400, 'invalid_request_error', null, String(error)), { 'x-request-id': id });
		return;
	}

	const apiKeyHeader = request.headers['api-key'];
	const authorization = request.headers.authorization ?? (typeof apiKeyHeader === 'string' ? `api-key ${apiKeyHeader}` : undefined);
	const record: RecordedRequest = {
		id,
		seq: state.nextSeq(),
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
	state.requests.push(record);
	response.on('finish', () => { record.lastByteAt = Date.now(); });
	/** The request's place since the last reset: what a fuzz run's responses follow, whatever ran before. */
	const position = state.requests.length;
	if (parsed.files.length > 0) {
		state.keepUploads(id, parsed.ordered);
	}
	abort.signal.addEventListener('abort', () => { record.aborted = true; });
	const baseHeaders = { 'x-request-id': id, 'openai-version': '2020-10-01', 'openai-organization': 'org-test' };
	const replyError = (error: ApiError) => {
		record.status = error.status;
		sendApiError(response, error, baseHeaders);
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
		checkSemantics(parsed.body, parsed.files, isEdit, config.anyModel, config);
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
	const failure = state.takeFailure(path, String(parsed.body.prompt ?? ''));
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
	const reply: ImageReply = { state, record, parsed, response, signal: abort.signal, baseHeaders, isEdit };
	if (failure?.kind === 'comment_flood' || failure?.kind === 'endless_line' || failure?.kind === 'stall_after_partial') {
		record.status = 200;
		await neverEnding(reply, failure.kind);
		return;
	}
	const injected = failure ? errorReply(failure, { model, size, key, requestId: id }) : undefined;
	if (injected) {
		await sleep(config.firstByteMs, abort.signal);
		record.status = injected.status;
		sendJson(response, injected.status, injected.body, { ...baseHeaders, ...injected.headers });
		return;
	}
	await produceImages(reply, failure);
}
