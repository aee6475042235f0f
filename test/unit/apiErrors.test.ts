import * as assert from 'node:assert/strict';
import { describeApiError, redactSecrets, retryAfterSeconds, type ApiFailure } from '../../src/core/generation/apiErrors';
import { retryWait } from '../../src/core/generation/retryPolicy';

const context = { model: 'gpt-image-2', endpoint: 'https://api.openai.com/v1', key: 'sk-test-secret-key-1234567890' };

function apiError(status: number, code: string | null, type: string, message: string, headers: Record<string, string> = {}): ApiFailure {
	return { kind: 'http', status, code, type, message: `${status} ${message}`, headers: new Headers(headers) };
}

suite('describeApiError', () => {
	test('401 asks for a valid key and offers to set one', () => {
		const described = describeApiError(apiError(401, 'invalid_api_key', 'invalid_request_error', 'Incorrect API key provided: sk-test-s********7890.'), context);
		assert.match(described.message, /rejected the API key/);
		assert.deepEqual(described.actions, ['setApiKey']);
	});

	test('moderation_blocked says the safety system rejected the prompt, no retry', () => {
		const described = describeApiError(apiError(400, 'moderation_blocked', 'image_generation_user_error', 'Your request was rejected by the safety system.'), context);
		assert.match(described.message, /safety system rejected this prompt/);
		assert.deepEqual(described.actions, []);
	});

	test('403 organisation verification points at verification', () => {
		const described = describeApiError(apiError(403, null, 'invalid_request_error', 'Your organization must be verified to use the model `gpt-image-2`.'), context);
		assert.match(described.message, /must be verified to use gpt-image-2/);
		assert.ok(described.actions.includes('openVerification'));
	});

	test('429 rate limit gives the wait from retry-after; insufficient_quota is not retried', () => {
		const limited = describeApiError(apiError(429, 'rate_limit_exceeded', 'requests', 'Rate limit reached', { 'retry-after': '12' }), context);
		assert.match(limited.message, /in 12 s/);
		assert.deepEqual(limited.actions, ['retry']);
		const quota = describeApiError(apiError(429, 'insufficient_quota', 'insufficient_quota', 'You exceeded your current quota'), context);
		assert.match(quota.message, /no credit left/);
		assert.ok(!quota.actions.includes('retry'));
	});

	test('404 names the model', () => {
		assert.match(describeApiError(apiError(404, 'model_not_found', 'invalid_request_error', 'The model does not exist'), context).message, /"gpt-image-2" is not available to your API key/);
	});

	test('5xx and connection failures', () => {
		assert.match(describeApiError(apiError(503, null, 'server_error', 'overloaded'), context).message, /server error \(503\)/);
		assert.match(describeApiError({ kind: 'unreachable', message: 'Connection error.' }, context).message, /Could not reach https:\/\/api\.openai\.com\/v1/);
		assert.match(describeApiError({ kind: 'connection', message: 'Connection error.' }, context).message, /dropped before the image arrived\. The image may still have been made and charged, so Illustrate did not retry/);
		assert.match(describeApiError({ kind: 'timeout', message: 'Request timed out.' }, context).message, /illustrate\.requestTimeoutSeconds.*may still have been made and charged/);
	});

	test('a fetch that failed in the browser (the web extension) names CORS: the browser does not say which', () => {
		const { message, actions } = describeApiError({ kind: 'connection', message: 'Connection error.' }, { ...context, failedInBrowser: true });
		assert.match(message, /^The request to https:\/\/api\.openai\.com\/v1 failed in the browser: the network is down, or the endpoint does not allow requests from VS Code for the Web \(CORS\)\./);
		assert.match(message, /may have been made and charged, so Illustrate did not retry/);
		assert.deepEqual(actions, ['retry']);
	});

	test('never repeats the key, even when the API echoes it', () => {
		const described = describeApiError(apiError(400, null, 'invalid_request_error', `bad thing with ${context.key}`), context);
		assert.ok(!described.message.includes(context.key), described.message);
	});
});

suite('redactSecrets and retryAfterSeconds', () => {
	test('redacts sk- keys and the given key', () => {
		assert.equal(redactSecrets('key sk-proj-abcdefghijklmnop here'), 'key sk-proj… here');
		assert.equal(redactSecrets('mine: hunter2hunter2', 'hunter2hunter2'), 'mine: [redacted]');
	});

	test('reads retry-after-ms and retry-after', () => {
		assert.equal(retryAfterSeconds(new Headers({ 'retry-after-ms': '1500' })), 2);
		assert.equal(retryAfterSeconds(new Headers({ 'retry-after': '7' })), 7);
		assert.equal(retryAfterSeconds(new Headers({})), undefined);
	});
});

suite('retryWait: retry only where nothing can have been charged', () => {
	const http = (status: number, code: string | null = null, headers: Record<string, string> = {}): ApiFailure => ({ kind: 'http', status, code, type: code ?? 'x', message: '', headers: new Headers(headers) });

	test('a rate limit waits as retry-after says, three times at most, never past a minute', () => {
		assert.equal(retryWait(http(429, 'rate_limit_exceeded', { 'retry-after': '7' }), 0, false), 7);
		assert.equal(retryWait(http(429, 'rate_limit_exceeded', { 'retry-after': '7' }), 2, false), 7);
		assert.equal(retryWait(http(429, 'rate_limit_exceeded', { 'retry-after': '7' }), 3, false), undefined);
		assert.equal(retryWait(http(429, 'rate_limit_exceeded', { 'retry-after': '600' }), 0, false), undefined);
		assert.equal(retryWait(http(429, 'rate_limit_exceeded'), 1, false), 4, 'without retry-after: 2, 4, 8 s');
	});

	test('an exhausted quota, a refused prompt, a bad key: never', () => {
		assert.equal(retryWait(http(429, 'insufficient_quota'), 0, false), undefined);
		assert.equal(retryWait(http(400, 'moderation_blocked'), 0, false), undefined);
		assert.equal(retryWait(http(401, 'invalid_api_key'), 0, false), undefined);
	});

	test('a server error before any image: twice; after an image started arriving: never', () => {
		assert.equal(retryWait(http(500), 0, false), 1);
		assert.equal(retryWait(http(503), 1, false), 2);
		assert.equal(retryWait(http(503), 2, false), undefined);
		assert.equal(retryWait(http(500), 0, true), undefined);
	});

	test('a dropped connection, a timeout: never, the image may have been made', () => {
		assert.equal(retryWait({ kind: 'connection', message: '' }, 0, false), undefined);
		assert.equal(retryWait({ kind: 'timeout', message: '' }, 0, false), undefined);
	});
});
