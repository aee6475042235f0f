/**
 * The failures the real Images API produces, with its status codes, headers and error
 * bodies, so the extension meets them in tests exactly as it would in use.
 */

export type FailureKind =
	| 'moderation_blocked'
	| 'invalid_size'
	| 'invalid_api_key'
	| 'organization_verification'
	| 'model_not_found'
	| 'rate_limit'
	| 'insufficient_quota'
	| 'server_error'
	| 'service_unavailable'
	| 'drop_connection'
	| 'stall'
	| 'stream_error'
	/** A 200 event stream that sends a comment line every 50 ms and nothing else, until the client gives up. */
	| 'comment_flood'
	/** A 200 event stream with one `data:` line that never ends (64 KB every few ms), until the client gives up. */
	| 'endless_line'
	/** A 200 event stream that sends one partial image, then nothing, until the client gives up. */
	| 'stall_after_partial';

export interface FailureSpec {
	readonly kind: FailureKind;
	/** How many requests it applies to (default 1). */
	readonly times?: number;
	/** Only requests to this path (`/v1/images/generations` or `/v1/images/edits`). */
	readonly path?: string;
	/** Only requests whose prompt contains this text. */
	readonly promptIncludes?: string;
	/** For `rate_limit`: the `retry-after` header in seconds (default 2). */
	readonly retryAfterSeconds?: number;
	/** For `stream_error`: how many images complete before the error event (default 1). */
	readonly afterImages?: number;
}

export interface ErrorReply {
	readonly status: number;
	readonly headers?: Record<string, string>;
	readonly body: { error: { message: string; type: string; param: string | null; code: string | null } };
}

function error(status: number, type: string, code: string | null, message: string, param: string | null = null, headers?: Record<string, string>): ErrorReply {
	return { status, headers, body: { error: { message, type, param, code } } };
}

/** The reply for a failure that answers with an HTTP error (not the connection-level ones). */
export function errorReply(spec: FailureSpec, context: { model: string; size?: string; key?: string; requestId: string }): ErrorReply | undefined {
	const maskedKey = context.key && context.key.length > 8 ? `${context.key.slice(0, 7)}${'*'.repeat(8)}${context.key.slice(-4)}` : '<empty>';
	switch (spec.kind) {
		case 'moderation_blocked':
			return error(400, 'image_generation_user_error', 'moderation_blocked', `Your request was rejected by the safety system. If you believe this is an error, contact us at help.openai.com and include the request ID ${context.requestId}.`);
		case 'invalid_size':
			return error(400, 'invalid_request_error', 'invalid_value', `Invalid size '${context.size ?? 'unknown'}'. Requested resolution must have both width and height divisible by 16, an aspect ratio between 1:3 and 3:1, and at most 8294400 pixels.`, 'size');
		case 'invalid_api_key':
			return error(401, 'invalid_request_error', 'invalid_api_key', `Incorrect API key provided: ${maskedKey}. You can find your API key at https://platform.openai.com/account/api-keys.`);
		case 'organization_verification':
			return error(403, 'invalid_request_error', null, `Your organization must be verified to use the model \`${context.model}\`. Please go to: https://platform.openai.com/settings/organization/general and click on Verify Organization. If you just verified, it can take up to 15 minutes for access to propagate.`);
		case 'model_not_found':
			return error(404, 'invalid_request_error', 'model_not_found', `The model \`${context.model}\` does not exist or you do not have access to it.`);
		case 'rate_limit': {
			const wait = spec.retryAfterSeconds ?? 2;
			return error(429, 'requests', 'rate_limit_exceeded', `Rate limit reached for ${context.model} in organization org-test on images per minute (IPM): Limit 5, Used 5, Requested 1. Please try again in ${wait}s. Visit https://platform.openai.com/account/rate-limits to learn more.`, null, {
				'retry-after': String(wait),
				'x-ratelimit-limit-requests': '5',
				'x-ratelimit-remaining-requests': '0',
				'x-ratelimit-reset-requests': `${wait}s`,
			});
		}
		case 'insufficient_quota':
			return error(429, 'insufficient_quota', 'insufficient_quota', 'You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.');
		case 'server_error':
			return error(500, 'server_error', null, `The server had an error while processing your request. Sorry about that! You can retry your request, or contact us through our help center at help.openai.com if the error persists. (Please include the request ID ${context.requestId} in your message.)`);
		case 'service_unavailable':
			return error(503, 'server_error', null, 'The server is overloaded or not ready yet.');
		default:
			return undefined;
	}
}

/** The `error` event the API sends when a streaming request fails part-way. */
export function streamErrorEvent(requestId: string): { type: 'error'; error: ErrorReply['body']['error'] } {
	return {
		type: 'error',
		error: {
			type: 'server_error',
			code: 'image_generation_failed',
			message: `Image generation failed part-way. You can retry your request. (Request ID ${requestId})`,
			param: null,
		},
	};
}
