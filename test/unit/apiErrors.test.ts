import * as assert from 'node:assert/strict';
import { describeApiError, redactSecrets, retryAfterSeconds, type ApiFailure } from '../../src/core/generation/apiErrors';

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
		assert.match(describeApiError({ kind: 'connection', message: 'Connection error.' }, context).message, /Could not reach https:\/\/api\.openai\.com\/v1/);
		assert.match(describeApiError({ kind: 'timeout', message: 'Request timed out.' }, context).message, /timed out/);
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
