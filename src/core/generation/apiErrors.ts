import * as l10n from '@vscode/l10n';
import { describeNetworkProblem, type NetworkProblem } from '../network/networkErrors';

/** What the user can do about a failure; the VS Code layer turns these into buttons. */
export type ErrorAction = 'setApiKey' | 'retry' | 'openVerification' | 'openBilling';

export interface UserFacingError {
	readonly message: string;
	readonly actions: readonly ErrorAction[];
}

/**
 * A failed request as the VS Code layer classifies it from the `openai` SDK's error
 * classes: no response (`connection`, `timeout`), or an HTTP error from the API.
 */
export interface ApiFailure {
	/** `unreachable`: the request never left (refused, no such host); `connection`: it broke after it was sent. */
	readonly kind: 'unreachable' | 'connection' | 'timeout' | 'http' | 'other' | 'network';
	/** For `network`: a certificate or proxy problem, before anything was sent. */
	readonly network?: NetworkProblem;
	readonly status?: number;
	readonly code?: string | null;
	readonly type?: string;
	/** The request field the API blames, such as `svg.model` or `output_format`. */
	readonly param?: string | null;
	readonly message: string;
	readonly headers?: unknown;
}

/** Words of a refusal that is about access (a preview not granted, a model not enabled), not about a value. */
const NO_ACCESS = /\b(access|not enabled|not available|not allowed|permission|preview|does not exist|not found|unsupported|not supported|organization)\b/i;

/**
 * The message for a refused SVG or GIF request that is about access: to GIF output (a preview
 * per model), SVG output, or the named SVG author model; undefined for any other refusal.
 */
export function formatAccessRefusal(failure: ApiFailure, context: { readonly model: string; readonly outputFormat?: string; readonly svgModel?: string }): UserFacingError | undefined {
	const status = failure.status;
	if (status !== 400 && status !== 403 && status !== 404) {
		return undefined;
	}
	const text = failure.message;
	const param = failure.param ?? '';
	if (context.outputFormat === 'svg') {
		if (failure.code === 'svg_model_selection_disabled' || (/model selection/i.test(text) && NO_ACCESS.test(text))) {
			return { message: l10n.t('Your OpenAI project cannot choose the SVG author. Leave the SVG author empty to use your account\'s default, or ask OpenAI to enable SVG model selection.'), actions: [] };
		}
		if (/svg\.model/i.test(`${param} ${text}`) && /requir|missing/i.test(text) && !context.svgModel) {
			return { message: l10n.t('Your OpenAI project chooses SVG authors per request: name one in the panel\'s SVG author field (for example gpt-5.6-terra), then try again.'), actions: [] };
		}
		if (context.svgModel && (param.startsWith('svg') || text.includes(context.svgModel)) && NO_ACCESS.test(text)) {
			return { message: l10n.t('Your API key cannot use {0} to author SVGs. Leave the SVG author empty for your account\'s default or pick another model; or ask OpenAI for access to {0}.', context.svgModel), actions: [] };
		}
		if (failure.code === 'svg_access_required' || (/\bsvg\b/i.test(`${param} ${text}`) && NO_ACCESS.test(text))) {
			return { message: l10n.t('Your API key has no access to SVG output with {0}. Pick PNG, JPEG or WebP, or ask OpenAI to enable SVG output for your project.', context.model), actions: [] };
		}
	}
	if (context.outputFormat === 'gif' && (failure.code === 'gif_access_required' || (/\bgif\b/i.test(`${param} ${text}`) && NO_ACCESS.test(text)))) {
		return { message: l10n.t('Your API key has no access to the GIF preview of {0}. Pick PNG, JPEG or WebP, or ask OpenAI for access to the GIF preview.', context.model), actions: [] };
	}
	return undefined;
}

/** Removes anything that looks like an API key, and the given key, from a text. */
export function redactSecrets(text: string, key?: string): string {
	let redacted = text.replace(/\b(sk-[A-Za-z0-9_-]{4})[A-Za-z0-9_*-]{8,}/g, '$1…');
	if (key && key.length >= 8) {
		redacted = redacted.split(key).join('[redacted]');
	}
	return redacted;
}

function headerValue(headers: unknown, name: string): string | undefined {
	if (headers && typeof (headers as { get?: unknown }).get === 'function') {
		return (headers as { get(name: string): string | null }).get(name) ?? undefined;
	}
	if (headers && typeof headers === 'object') {
		const value = (headers as Record<string, unknown>)[name];
		return typeof value === 'string' ? value : undefined;
	}
	return undefined;
}

/** Seconds to wait before retrying, from `retry-after` / `retry-after-ms` headers. */
export function retryAfterSeconds(headers: unknown): number | undefined {
	const ms = Number(headerValue(headers, 'retry-after-ms'));
	if (Number.isFinite(ms) && ms > 0) {
		return Math.ceil(ms / 1000);
	}
	const seconds = Number(headerValue(headers, 'retry-after'));
	return Number.isFinite(seconds) && seconds >= 0 ? Math.ceil(seconds) : undefined;
}

/** The longest part of an endpoint's own error text a message quotes: an endpoint can send anything. */
const MAX_QUOTED_LENGTH = 300;

function shorten(text: string): string {
	const flat = text.replace(/\s+/g, ' ').trim();
	return flat.length > MAX_QUOTED_LENGTH ? `${flat.slice(0, MAX_QUOTED_LENGTH)}…` : flat;
}

/**
 * A response Illustrate refuses to read on: no bytes for too long, not an event stream, an
 * event that is not what the API sends, an event longer than the largest image, or image
 * data that is not an image the model could have made.
 */
export type ResponseProblem =
	| { readonly kind: 'idle'; readonly seconds: number }
	| { readonly kind: 'contentType'; readonly contentType: string }
	| { readonly kind: 'malformedJson' }
	| { readonly kind: 'malformedEvent' }
	| { readonly kind: 'eventTooLarge'; readonly limitBytes: number }
	| { readonly kind: 'notAnImage' }
	| { readonly kind: 'imageTooLarge'; readonly width: number; readonly height: number };

/** The message for a response Illustrate gave up on; images that arrived before it are kept. */
export function describeResponseProblem(problem: ResponseProblem, context: { endpoint: string; model: string; imagesKept: number }): UserFacingError {
	const endpoint = context.endpoint;
	let what: string;
	switch (problem.kind) {
		case 'idle':
			what = l10n.t('The endpoint {0} sent nothing for {1} s, so Illustrate gave up on the request. The image may still have been made and charged, so Illustrate did not retry on its own.', endpoint, problem.seconds);
			break;
		case 'contentType':
			what = l10n.t('The endpoint {0} answered with "{1}" instead of an event stream (text/event-stream): it does not stream images, or is not an image API. Check illustrate.baseUrl.', endpoint, shorten(problem.contentType).slice(0, 80) || l10n.t('no content type'));
			break;
		case 'malformedJson':
			what = l10n.t('The endpoint {0} sent an event that is not valid JSON, so Illustrate stopped reading the response.', endpoint);
			break;
		case 'malformedEvent':
			what = l10n.t('The endpoint {0} sent an image event without a readable image, so Illustrate stopped reading the response.', endpoint);
			break;
		case 'eventTooLarge':
			what = l10n.t('The endpoint {0} sent an event of more than {1} MB, larger than any image {2} makes, so Illustrate stopped reading the response.', endpoint, Math.round(problem.limitBytes / 100_000) / 10, context.model);
			break;
		case 'notAnImage':
			what = l10n.t('The endpoint {0} sent image data that is not a PNG, JPEG, WebP, SVG or GIF image.', endpoint);
			break;
		case 'imageTooLarge':
			what = l10n.t('The endpoint {0} sent an image of {1}×{2} pixels, larger than any image {3} makes; it was not kept.', endpoint, problem.width, problem.height, context.model);
			break;
	}
	const kept = context.imagesKept > 0 ? ` ${l10n.t('The images that arrived before it ({0}) are kept in the history.', context.imagesKept)}` : '';
	return { message: `${what}${kept} ${l10n.t('Try again.')}`, actions: ['retry'] };
}

/**
 * Turns an error from the `openai` SDK (or the network under it) into a message that
 * says what happened and what to do next. Never includes the API key.
 */
export function describeApiError(failure: ApiFailure, context: {
	model: string;
	endpoint: string;
	key?: string;
	imageMayHaveBeenCharged?: boolean;
	/** The web extension's request failed before any answer: a browser does not say whether the network or CORS refused it. */
	failedInBrowser?: boolean;
	/** The format asked for, and the SVG author named: a refusal of SVG or GIF access says so. */
	outputFormat?: string;
	svgModel?: string;
}): UserFacingError {
	const { status, code, type } = failure;
	const rawMessage = failure.message;
	const apiMessage = shorten(redactSecrets(rawMessage.replace(/^\d{3}\s+/, ''), context.key));

	if (failure.kind === 'timeout') {
		return { message: l10n.t('The request to {0} took longer than illustrate.requestTimeoutSeconds and was given up. The image may still have been made and charged, so Illustrate did not retry on its own. Try again, or pick a lower quality or smaller size.', context.endpoint), actions: ['retry'] };
	}
	if (failure.kind === 'network' && failure.network) {
		return describeNetworkProblem(failure.network, context.endpoint);
	}
	if (failure.kind === 'unreachable') {
		return { message: l10n.t('Could not reach {0}. Check your network connection (or illustrate.baseUrl), then try again.', context.endpoint), actions: ['retry'] };
	}
	if (failure.kind === 'connection' && context.failedInBrowser) {
		return { message: `The request to ${context.endpoint} failed in the browser: the network is down, or the endpoint does not allow requests from VS Code for the Web (CORS). If it got through, the image may have been made and charged, so Illustrate did not retry on its own. Check the endpoint (illustrate.baseUrl), then try again.`, actions: ['retry'] };
	}
	if (failure.kind === 'connection') {
		return { message: context.imageMayHaveBeenCharged === false
				? l10n.t('The connection to {0} dropped before the image arrived. Try again if you want another one.', context.endpoint)
				: l10n.t('The connection to {0} dropped before the image arrived. The image may still have been made and charged, so Illustrate did not retry on its own. Try again if you want another one.', context.endpoint), actions: ['retry'] };
	}
	const access = formatAccessRefusal(failure, context);
	if (access) {
		return access;
	}
	switch (status) {
		case 400:
			if (code === 'moderation_blocked' || type === 'image_generation_user_error') {
				return { message: l10n.t('OpenAI\'s safety system rejected this prompt. Rephrase it and try again.'), actions: [] };
			}
			return { message: l10n.t('OpenAI refused the request: {0}', apiMessage), actions: [] };
		case 401:
			return { message: l10n.t('OpenAI rejected the API key (401). Set a valid key with "Illustrate: Set API Key".'), actions: ['setApiKey'] };
		case 403:
			if (/verif/i.test(rawMessage)) {
				return { message: l10n.t('Your OpenAI organization must be verified to use {0}. Verify it, wait a few minutes, then try again.', context.model), actions: ['openVerification', 'retry'] };
			}
			return { message: l10n.t('OpenAI denied access to {0} (403): {1}', context.model, apiMessage), actions: ['setApiKey'] };
		case 404:
			return { message: l10n.t('The model "{0}" is not available to your API key. Pick another model.', context.model), actions: [] };
		case 429: {
			if (code === 'insufficient_quota' || type === 'insufficient_quota') {
				return { message: l10n.t('Your OpenAI account has no credit left (insufficient_quota). Add credit to your account, then try again.'), actions: ['openBilling'] };
			}
			const wait = retryAfterSeconds(failure.headers);
			return { message: wait !== undefined
				? l10n.t('OpenAI\'s rate limit was reached, and still was after Illustrate waited and tried again. Try again in {0} s.', wait)
				: l10n.t('OpenAI\'s rate limit was reached, and still was after Illustrate waited and tried again. Try again in a moment.'), actions: ['retry'] };
		}
		default:
			if (status !== undefined && status >= 500) {
				return { message: l10n.t('OpenAI had a server error ({0}) and no image was made. Illustrate tried again and gave up; try again in a moment.', status), actions: ['retry'] };
			}
			return { message: l10n.t('The image request failed: {0}', apiMessage), actions: ['retry'] };
	}
}
