import * as assert from 'node:assert/strict';
import { describeApiError, type ApiFailure } from '../../src/core/generation/apiErrors';
import { runBatch, type ImageSender } from '../../src/core/generation/batchRunner';
import type { ImageRecipe } from '../../src/core/generation/imageRecipe';
import { editInputFormat, PARTIAL_IMAGES, toEditParams, toGenerateParams } from '../../src/core/generation/imageRequests';
import { ApiFailureError, replyItems, ResponseProblemError } from '../../src/core/generation/imageStream';
import { systemClock } from '../../src/core/generation/requestClock';
import { costFromSvgUsage, costFromUsage, estimateCost } from '../../src/core/cost/cost';
import { costEstimateText } from '../../src/core/cost/costEstimateText';
import { IllustrateError } from '../../src/core/errors';
import { findModel, GIF_RULES, modelForFormat, type OutputFormat } from '../../src/core/models/capabilities';
import { checkRequest, largestGifSquare, roundFrameDuration, sizeForFormat, type ImageRequestOptions } from '../../src/core/models/validation';
import { toRequestOptions } from '../../src/core/panel/requestOptions';
import { formatNote, formOptions, modelPickers } from '../../src/core/models/formChoices';
import { cardControls, waitingText } from '../../src/core/generation/variantCard';
import { checkEditRequest } from '../../src/core/edits/editRules';

const TODAY = '2026-12-03';
const SVG: ImageRequestOptions = { model: 'gpt-image-2.6-sunburst', prompt: 'a flow diagram of a request', size: '1024x1024', quality: 'medium', n: 1, outputFormat: 'svg' };
const GIF: ImageRequestOptions = { ...SVG, prompt: 'a loading spinner', size: '512x512', outputFormat: 'gif', frames: 4, frameDurationMs: 300 };
const problems = (options: ImageRequestOptions) => checkRequest(options, { today: TODAY });
const fields = (options: ImageRequestOptions) => problems(options).map(problem => problem.field);

/** The first bytes of a PNG: enough for the runner to read its format and size. */
function png(width = 1024, height = 1024): string {
	const bytes = new Uint8Array(33);
	bytes.set([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52]);
	new DataView(bytes.buffer).setUint32(16, width);
	new DataView(bytes.buffer).setUint32(20, height);
	return Buffer.from(bytes).toString('base64');
}

const json = (body: unknown, contentType = 'application/json') => new Response(typeof body === 'string' ? body : JSON.stringify(body), { headers: { 'content-type': contentType } });

async function collect<T>(items: AsyncGenerator<T>): Promise<T[]> {
	const all: T[] = [];
	for await (const item of items) {
		all.push(item);
	}
	return all;
}

async function rejection(promise: Promise<unknown>): Promise<unknown> {
	try {
		await promise;
	} catch (error) {
		return error;
	}
	throw new Error('it did not fail');
}

suite('SVG and GIF: the capability table', () => {
	test('the 2.6 models make SVG and GIF, GIF as a preview; gpt-image-2 and 2.5 do not', () => {
		for (const id of ['gpt-image-2.6-sunburst', 'gpt-image-2.6-flare']) {
			const model = findModel(id)!;
			assert.ok(model.outputFormats.includes('svg') && model.outputFormats.includes('gif'), id);
			assert.deepEqual(model.previewFormats, ['gif'], id);
			assert.equal(model.gif, GIF_RULES);
		}
		for (const id of ['gpt-image-2', 'gpt-image-2.5-flare', 'gpt-image-1.5']) {
			assert.deepEqual(findModel(id)!.outputFormats, ['png', 'jpeg', 'webp'], id);
		}
	});

	test('a default model that does not make the format gives way to one that does; a model that does, or an unknown one, stays', () => {
		assert.equal(modelForFormat('gpt-image-2', 'svg', TODAY), 'gpt-image-2.6-sunburst');
		assert.equal(modelForFormat('gpt-image-2', 'gif', TODAY), 'gpt-image-2.6-sunburst');
		assert.equal(modelForFormat('gpt-image-2', 'png', TODAY), 'gpt-image-2');
		assert.equal(modelForFormat('gpt-image-2.6-flare', 'svg', TODAY), 'gpt-image-2.6-flare');
		assert.equal(modelForFormat('my-own-model', 'svg', TODAY), 'my-own-model');
	});

	test('a default size that no GIF fits becomes the largest GIF preset that does', () => {
		assert.equal(sizeForFormat('gpt-image-2.6-sunburst', 'gif', '1024x1024'), '720x720');
		assert.equal(sizeForFormat('gpt-image-2.6-sunburst', 'gif', '512x512'), '512x512');
		assert.equal(sizeForFormat('gpt-image-2.6-sunburst', 'svg', '1024x1024'), '1024x1024');
		for (const preset of GIF_RULES.sizePresets) {
			assert.deepEqual(fields({ ...GIF, size: preset, frames: 16 }), [], preset);
		}
	});
});

suite('SVG and GIF: refused before sending', () => {
	test('an SVG or GIF with a model that does not make it names the models that do', () => {
		const [problem] = problems({ ...SVG, model: 'gpt-image-2' });
		assert.equal(problem.field, 'outputFormat');
		assert.match(problem.message, /gpt-image-2 cannot make SVG; gpt-image-2\.6-sunburst, gpt-image-2\.6-flare can/);
		assert.deepEqual(fields({ ...GIF, model: 'gpt-image-2.5-flare', size: '1024x1024' }), ['outputFormat']);
	});

	test('SVG and GIF take no compression; several SVG variants are fine (they go as parallel requests)', () => {
		assert.deepEqual(fields({ ...SVG, outputCompression: 80 }), ['outputCompression']);
		assert.deepEqual(fields({ ...GIF, outputCompression: 80 }), ['outputCompression']);
		assert.deepEqual(fields({ ...SVG, n: 4 }), []);
	});

	test('an SVG author only for SVG, and named; frames only for GIF, 2 to 16, a delay from 10 ms to 655,350 ms', () => {
		assert.deepEqual(fields({ ...SVG, svg: { model: 'gpt-5.6-terra', effort: 'high' } }), []);
		assert.deepEqual(fields({ ...SVG, outputFormat: 'png', svg: { model: 'gpt-5.6-terra' } }), ['svgModel']);
		assert.deepEqual(fields({ ...SVG, svg: { model: ' ' } }), ['svgModel']);
		assert.deepEqual(fields({ ...SVG, svg: { model: 'gpt 5' } }), ['svgModel']);
		assert.deepEqual(fields({ ...GIF, outputFormat: 'png', size: '1024x1024' }), ['frames']);
		assert.deepEqual(fields({ ...GIF, frames: 1 }), ['frames']);
		assert.deepEqual(fields({ ...GIF, frames: 17 }), ['frames']);
		assert.deepEqual(fields({ ...GIF, frames: 2.5 }), ['frames']);
		assert.deepEqual(fields({ ...GIF, frameDurationMs: 0 }), ['frameDurationMs']);
		assert.deepEqual(fields({ ...GIF, frameDurationMs: 700_000 }), ['frameDurationMs']);
		assert.deepEqual(fields({ ...GIF, frames: 2, frameDurationMs: 655_350 }), []);
	});

	test('a GIF\'s size: multiples of 16, its frames within the budget of their tier (960² up to 9 frames, 816² up to 12, 720² up to 16)', () => {
		assert.equal(largestGifSquare(GIF_RULES, 9), 960);
		assert.equal(largestGifSquare(GIF_RULES, 12), 816);
		assert.equal(largestGifSquare(GIF_RULES, 16), 720);
		assert.equal(largestGifSquare(GIF_RULES, undefined), 960, 'the API\'s default of 9 frames');
		assert.deepEqual(fields({ ...GIF, size: '960x960', frames: 9 }), []);
		assert.deepEqual(fields({ ...GIF, size: '960x960', frames: 10 }), ['size']);
		assert.deepEqual(fields({ ...GIF, size: '816x816', frames: 12 }), []);
		assert.deepEqual(fields({ ...GIF, size: '720x720', frames: 16 }), []);
		assert.deepEqual(fields({ ...GIF, size: '736x736', frames: 16 }), ['size']);
		assert.deepEqual(fields({ ...GIF, size: '1024x1024' }), ['size'], 'the still images\' default is over every GIF budget');
		assert.deepEqual(fields({ ...GIF, size: '500x500' }), ['size'], 'not a multiple of 16');
		assert.deepEqual(fields({ ...GIF, size: '960x256' }), ['size'], 'wider than 3:1');
		assert.deepEqual(fields({ ...GIF, size: '128x128' }), ['size'], 'too small');
		assert.deepEqual(fields({ ...GIF, size: 'auto' }), []);
		const [tooLarge] = problems({ ...GIF, size: '960x960', frames: 16 });
		assert.match(tooLarge.message, /960x960 is too large for a GIF of 16 frames on gpt-image-2\.6-sunburst: at most 518,400 pixels a frame \(for example 720x720\)/);
	});

	test('moderation is auto or low', () => {
		assert.deepEqual(fields({ ...SVG, outputFormat: 'png', moderation: 'low' }), []);
		assert.deepEqual(fields({ ...SVG, outputFormat: 'png', moderation: 'strict' as never }), ['moderation']);
	});

	test('an SVG or GIF is never an edit\'s input: Make final, Refine and a reference say why', () => {
		assert.equal(editInputFormat('webp', 'edit'), 'webp');
		assert.throws(() => editInputFormat('svg', 'makeFinal'), (error: unknown) => error instanceof IllustrateError && /Make final .* not SVG\. Generate again at high quality instead/.test(error.message));
		assert.throws(() => editInputFormat('gif', 'edit'), /not GIF: this image cannot be refined or edited/);
		assert.throws(() => editInputFormat('svg', 'reference'), /A reference image must be PNG, JPEG or WebP; the edits endpoint does not take SVG/);
	});
});

suite('SVG and GIF: the request bodies', () => {
	test('an SVG: no stream, no partial images, no compression; its author and effort as svg.model and svg.reasoning.effort', () => {
		const body = toGenerateParams({ ...SVG, outputCompression: 50, svg: { model: ' gpt-5.6-terra ', effort: 'high' } }, 1);
		assert.deepEqual(body, { model: 'gpt-image-2.6-sunburst', prompt: 'a flow diagram of a request', n: 1, size: '1024x1024', quality: 'medium', output_format: 'svg', svg: { model: 'gpt-5.6-terra', reasoning: { effort: 'high' } }, stream: false });
		assert.deepEqual(toGenerateParams(SVG, 1).svg, undefined, 'no author: the account\'s default, the object omitted');
		assert.deepEqual(toGenerateParams({ ...SVG, svg: { model: 'gpt-5.6-terra' } }, 1).svg, { model: 'gpt-5.6-terra' });
	});

	test('a GIF: frame_count and frame_duration_ms rounded to 10 ms, no stream; an edit to GIF too, without moderation', () => {
		const body = toGenerateParams({ ...GIF, frameDurationMs: 304, moderation: 'low' }, 1);
		assert.equal(body.frame_count, 4);
		assert.equal(body.frame_duration_ms, 300);
		assert.equal(body.stream, false);
		assert.equal('partial_images' in body, false);
		assert.equal(body.moderation, 'low');
		const edit = toEditParams({ ...GIF, moderation: 'low', images: [] }, 2);
		assert.equal(edit.frame_count, 4);
		assert.equal(edit.stream, false);
		assert.equal('moderation' in edit, false, 'the edits endpoint takes no moderation');
		assert.equal(roundFrameDuration(305), 310);
		assert.equal(roundFrameDuration(4), 10);
	});

	test('PNG streams as before; frames and an SVG author are not sent with it; moderation auto is the default, not sent', () => {
		const body = toGenerateParams({ ...SVG, outputFormat: 'png', frames: 4, svg: { model: 'gpt-5.6-terra' }, moderation: 'auto' }, 1);
		assert.equal(body.stream, true);
		assert.equal(body.partial_images, PARTIAL_IMAGES);
		assert.equal('frame_count' in body || 'svg' in body || 'moderation' in body, false);
	});

	test('the panel\'s choices: an author and effort only for SVG, frames only for GIF, compression only for JPEG and WebP', () => {
		const choices = { prompt: 'x', model: 'gpt-image-2.6-flare', quality: 'low', size: '512x512', n: 1, outputCompression: 70, svgModel: 'gpt-5.6-terra', svgEffort: 'low' as const, frames: 4, frameDurationMs: 300 };
		assert.deepEqual(toRequestOptions({ ...choices, outputFormat: 'svg' }), { model: 'gpt-image-2.6-flare', prompt: 'x', size: '512x512', quality: 'low', n: 1, outputFormat: 'svg', svg: { model: 'gpt-5.6-terra', effort: 'low' } });
		assert.deepEqual(toRequestOptions({ ...choices, outputFormat: 'gif' }), { model: 'gpt-image-2.6-flare', prompt: 'x', size: '512x512', quality: 'low', n: 1, outputFormat: 'gif', frames: 4, frameDurationMs: 300 });
		assert.deepEqual(toRequestOptions({ ...choices, outputFormat: 'svg', svgModel: '' }).svg, undefined);
	});
});

suite('SVG and GIF: the whole JSON reply', () => {
	test('each image of the reply, the price of its usage and of svg_usage on the first', async () => {
		const usage = { input_tokens: 50, output_tokens: 1000, input_tokens_details: { text_tokens: 50, image_tokens: 0 } };
		const svgUsage = { model: 'gpt-5.6-terra', input_tokens: 2000, output_tokens: 3000, reasoning_tokens: 1000, total_tokens: 6000 };
		const items = await collect(replyItems(json({ created: 1, data: [{ b64_json: png() }, { b64_json: png() }], size: '1024x1024', quality: 'medium', output_format: 'svg', usage, svg_usage: svgUsage }), { maxBytes: 10_000 }));
		assert.equal(items.length, 2);
		assert.ok(items.every(item => item.final && item.size === '1024x1024' && item.quality === 'medium'));
		const expected = costFromUsage(usage) + (2000 * 2.5 + 4000 * 15) / 1_000_000;
		assert.ok(Math.abs(items[0].costUsd! - expected) < 1e-12, `${items[0].costUsd} ≠ ${expected}`);
		assert.equal(items[1].costUsd, undefined);
	});

	test('svg_usage: reasoning counted once, whether output_tokens has it or total_tokens; an author with no listed price is not priced', () => {
		assert.equal(costFromSvgUsage({ model: 'gpt-5.6-terra', input_tokens: 0, output_tokens: 1_000_000, reasoning_tokens: 400_000, total_tokens: 1_000_000 }), 15);
		assert.equal(costFromSvgUsage({ model: 'gpt-5.6-terra', input_tokens: 0, output_tokens: 600_000, reasoning_tokens: 400_000, total_tokens: 1_000_000 }), 15);
		assert.equal(costFromSvgUsage({ model: 'gpt-5.6-terra-2026-07-09', input_tokens: 1_000_000, output_tokens: 0, reasoning_tokens: 0, total_tokens: 1_000_000 }), 2.5);
		assert.equal(costFromSvgUsage({ model: 'someone-elses-model', input_tokens: 10, output_tokens: 10, reasoning_tokens: 0, total_tokens: 20 }), undefined);
	});

	test('a reply that is not JSON, too long, an error, or an image without data is refused', async () => {
		const problem = async (response: Response, maxBytes = 10_000) => {
			const error = await rejection(collect(replyItems(response, { maxBytes })));
			return error instanceof ResponseProblemError ? error.problem.kind : error instanceof ApiFailureError ? `failure: ${error.failure.message}` : String(error);
		};
		assert.equal(await problem(json('data: {}', 'text/event-stream')), 'contentType');
		assert.equal(await problem(json('{"data": [')), 'malformedJson');
		assert.equal(await problem(json({ data: [{ b64_json: png() }] }), 20), 'eventTooLarge');
		assert.equal(await problem(json({ data: [{ url: 'https://example.com/x.svg' }] })), 'malformedEvent');
		assert.equal(await problem(json({ error: { message: 'GIF output requires access to the GIF preview.', type: 'invalid_request_error', param: 'output_format' } })), 'failure: GIF output requires access to the GIF preview.');
		assert.deepEqual(await collect(replyItems(json({ created: 1, data: [] }), { maxBytes: 10_000 })), []);
	});

	test('the batch runner sends an SVG\'s variants as parallel requests of one image, without streaming, and stores each', async () => {
		const sent: number[] = [];
		const sender: ImageSender = {
			send: async count => {
				sent.push(count);
				return json({ created: 1, data: [{ b64_json: png() }], usage: { input_tokens: 10, output_tokens: 100 } });
			},
			classify: error => ({ kind: 'other', message: String(error) }),
		};
		const stored: { format: OutputFormat; recipe: ImageRecipe }[] = [];
		const log: string[] = [];
		const result = await runBatch({
			operation: 'images.edit', strategy: 'single', options: { ...SVG, n: 3, svg: { model: 'gpt-5.6-terra' } },
			recipe: { prompt: SVG.prompt, model: SVG.model, size: SVG.size, quality: SVG.quality }, endpoint: 'https://api.test/v1', key: 'sk-test', requestTimeoutMs: 60_000,
		}, {
			sender,
			store: async (_bytes, recipe, format) => {
				stored.push({ format, recipe });
				return stored.length;
			},
			clock: systemClock,
			log: { info: line => log.push(line), warn: line => log.push(line), error: line => log.push(line) },
		}, new AbortController().signal, { onImage: () => undefined });
		assert.deepEqual(sent, [1, 1, 1]);
		assert.equal(result.images.length, 3);
		assert.ok(stored.every(image => image.format === 'svg'));
		assert.ok(result.costUsd! > 0);
		assert.ok(log.some(line => /images\.edit ×3 \(parallel, whole reply\) .*format=svg svgModel=gpt-5\.6-terra svgEffort=default/.test(line)), log.join('\n'));
	});
});

suite('SVG and GIF: costs and refusals', () => {
	test('no estimate for SVG or GIF: the panel says the cost is known only afterwards', () => {
		const model = findModel('gpt-image-2')!;
		assert.ok(estimateCost(model, 'low', '1024x1024', 1, 'png')! > 0);
		assert.equal(estimateCost(model, 'low', '1024x1024', 1, 'svg'), undefined);
		const sunburst = findModel('gpt-image-2.6-sunburst')!;
		assert.match(costEstimateText({ model: sunburst, quality: 'low', size: '1024x1024', n: 1, outputFormat: 'svg', invalid: false }).text, /An SVG costs its reference image plus its author's tokens: known only after the request/);
		assert.match(costEstimateText({ model: sunburst, quality: 'low', size: '512x512', n: 1, outputFormat: 'gif', invalid: false, lastCostUsd: 0.2 }).text, /^A GIF costs its frames: known only after the request, from its usage\. Last request: \$0\.200/);
		assert.match(costEstimateText({ model: sunburst, quality: 'low', size: '1024x1024', n: 1, outputFormat: 'png', invalid: false }).text, /No published price for gpt-image-2\.6-sunburst: the cost shows after the request/);
	});

	const refusal = (message: string, more: Partial<ApiFailure> = {}): ApiFailure => ({ kind: 'http', status: 400, type: 'invalid_request_error', message: `400 ${message}`, ...more });
	const describe = (failure: ApiFailure, outputFormat: string, svgModel?: string) => describeApiError(failure, { model: 'gpt-image-2.6-flare', endpoint: 'https://api.openai.com/v1', outputFormat, svgModel }).message;

	test('no access to GIF, to SVG, or to the named SVG author: a clear message with the next step', () => {
		assert.match(describe(refusal('GIF output requires access to the GIF preview for the selected model.', { param: 'output_format' }), 'gif'), /no access to the GIF preview of gpt-image-2\.6-flare\. Pick PNG, JPEG or WebP, or ask OpenAI for access/);
		assert.match(describe(refusal('SVG output is not enabled for this project.', { status: 403, param: 'output_format' }), 'svg'), /no access to SVG output with gpt-image-2\.6-flare\. Pick PNG, JPEG or WebP, or ask OpenAI to enable SVG output/);
		assert.match(describe(refusal('The model `gpt-6-luna` does not exist or you do not have access to it.', { param: 'svg.model' }), 'svg', 'gpt-6-luna'), /cannot use gpt-6-luna to author SVGs\. Leave the SVG author empty .* or ask OpenAI for access to gpt-6-luna/);
		assert.match(describe(refusal('SVG generation requires \'svg.model\'.', { param: 'svg.model' }), 'svg'), /name one in the panel's SVG author field/);
		assert.match(describe(refusal('Missing required parameter: \'svg.model\'.', { param: 'svg.model' }), 'svg'), /name one in the panel's SVG author field/);
		assert.match(describe(refusal('SVG model selection is not enabled for your project. Omit svg to use the default SVG author.', { code: 'svg_model_selection_disabled', param: 'svg' }), 'svg', 'gpt-5.6-terra'), /cannot choose the SVG author\. Leave the SVG author empty/);
		assert.match(describe(refusal('Your project does not have access to SVG output. SVG output requires a supported image model and project access.', { status: 403, code: 'svg_access_required', param: 'output_format' }), 'svg'), /no access to SVG output with gpt-image-2\.6-flare/);
	});

	test('other refusals of an SVG or GIF request keep the API\'s words; a PNG request\'s never becomes an access message', () => {
		assert.match(describe(refusal('Invalid size \'960x960\' for 16 GIF frames.', { param: 'size' }), 'gif'), /^OpenAI refused the request: Invalid size '960x960' for 16 GIF frames\.$/);
		assert.match(describe(refusal('SVG output is not enabled for this project.'), 'png'), /^OpenAI refused the request: SVG output is not enabled/);
	});
});

suite('SVG and GIF: the panel\'s form and cards', () => {
	const values = { prompt: 'a spinner', model: 'gpt-image-2.6-flare', quality: 'low', size: '512x512', customSize: '', count: '2', format: 'gif', compression: '80', background: 'auto', complexity: 'default', style: '', svgModel: 'gpt-5.6-terra', svgEffort: 'high', frames: '4', frameDurationMs: '300' };
	const flare = findModel('gpt-image-2.6-flare')!;

	test('the form reads a GIF\'s frames and duration, an SVG\'s author and effort, and never compression for either', () => {
		assert.deepEqual(formOptions(values, flare), { prompt: 'a spinner', model: 'gpt-image-2.6-flare', quality: 'low', size: '512x512', n: 2, outputFormat: 'gif', frames: 4, frameDurationMs: 300 });
		assert.deepEqual(formOptions({ ...values, format: 'svg' }, flare), { prompt: 'a spinner', model: 'gpt-image-2.6-flare', quality: 'low', size: '512x512', n: 2, outputFormat: 'svg', svgModel: 'gpt-5.6-terra', svg: { model: 'gpt-5.6-terra', effort: 'high' }, svgEffort: 'high' });
		assert.deepEqual(formOptions({ ...values, format: 'svg', svgModel: ' ' }, flare).svg, undefined, 'no author: no effort either');
		assert.equal(formOptions({ ...values, frames: 'default', frameDurationMs: '' }, flare).frames, undefined);
	});

	test('the pickers: SVG and GIF named as such, GIF a preview; a GIF\'s sizes are its own', () => {
		const pickers = modelPickers(flare, 'gif');
		assert.deepEqual(pickers.formats.map(format => format.label), ['PNG', 'JPEG', 'WEBP', 'SVG (vector)', 'GIF (animated, preview)']);
		assert.deepEqual(pickers.sizes.map(size => size.value), [...GIF_RULES.sizePresets, 'auto', 'custom']);
		assert.equal(pickers.frameCounts.length, 15);
		assert.equal(pickers.frameCounts.find(count => count.value === '9')?.label, '9 (default)');
		assert.deepEqual(modelPickers(flare, 'png').sizes.map(size => size.value), ['1024x1024', '1536x1024', '1024x1536', 'auto']);
	});

	test('what a format implies is said: one SVG per request, a GIF\'s length', () => {
		assert.match(formatNote({ outputFormat: 'svg', n: 3 })!, /one drawing per request, so 3 variants are 3 requests\. No previews/);
		assert.match(formatNote({ outputFormat: 'gif', n: 1, frames: 4, frameDurationMs: 300 })!, /^GIF: 4 frames × 300 ms = 1\.2 s, looping\. No previews and no mask/);
		assert.match(formatNote({ outputFormat: 'gif', n: 1 })!, /9 frames × 200 ms = 1\.8 s/);
		assert.equal(formatNote({ outputFormat: 'png', n: 1 }), undefined);
	});

	test('a waiting SVG or GIF card says what is drawn and for how long; an SVG or GIF card cannot be refined', () => {
		assert.equal(waitingText({ format: 'svg', prompt: 'a flow diagram\nof a request', startedAt: 1_000 }, 13_400), 'Drawing an SVG of “a flow diagram of a request”… 12 s. SVGs come whole, without previews.');
		assert.match(waitingText({ format: 'gif', prompt: 'x'.repeat(100), frames: 4, startedAt: 0 }, 2_000), /^Animating a GIF of “x{59}…” \(4 frames\)… 2 s/);
		assert.equal(waitingText({ format: 'png', prompt: 'a fox' }, 0), 'Waiting for the first preview…');
		const svgCard = cardControls({ index: 0, state: 'ready', format: 'svg' }, undefined, { running: false, editing: false });
		assert.equal(svgCard.editable, false);
		assert.match(svgCard.notEditableTitle, /not SVG/);
		assert.equal(cardControls({ index: 0, state: 'ready', format: 'png' }, undefined, { running: false, editing: false }).editable, true);
	});

	test('a transparent background only with PNG or WebP; a GIF edit takes no mask', () => {
		assert.deepEqual(fields({ ...SVG, background: 'transparent' }), ['background']);
		const mask = { name: 'mask.png', bytes: Buffer.from(png(512, 512), 'base64') };
		const edit = checkEditRequest({ ...GIF, images: [{ name: 'a.png', bytes: Buffer.from(png(512, 512), 'base64') }], mask }, { today: TODAY });
		assert.ok(edit.some(problem => problem.field === 'mask' && /A GIF is made without a mask/.test(problem.message)), JSON.stringify(edit));
	});
});

suite('SVG and GIF: an SVG is sanitised before it is stored', () => {
	const hostile = '<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" width="512" height="256" onload="alert(1)"><script>alert(2)</script><rect width="10" height="10" fill="url(https://evil.example/x)"/><foreignObject><div>x</div></foreignObject><text x="4" y="20">a flow</text></svg>';

	test('the batch runner stores, shows and reports the sanitised bytes of an SVG reply, and logs what went', async () => {
		const sender: ImageSender = {
			send: async () => json({ created: 1, data: [{ b64_json: Buffer.from(hostile).toString('base64') }] }),
			classify: error => ({ kind: 'other', message: String(error) }),
		};
		const stored: string[] = [];
		const shown: string[] = [];
		const log: string[] = [];
		await runBatch({
			operation: 'images.generate', strategy: 'parallel', options: SVG, recipe: { prompt: SVG.prompt, model: SVG.model, size: SVG.size, quality: SVG.quality },
			endpoint: 'https://api.test/v1', key: 'sk-test', requestTimeoutMs: 60_000,
		}, {
			sender,
			store: async bytes => {
				stored.push(Buffer.from(bytes).toString('utf8'));
				return stored.length;
			},
			clock: systemClock,
			log: { info: line => log.push(line), warn: line => log.push(line), error: line => log.push(line) },
		}, new AbortController().signal, { onImage: () => undefined, onPixels: (_slot, pixels) => shown.push(`${pixels.format} ${Buffer.from(pixels.bytes).toString('utf8')}`) });
		assert.equal(stored.length, 1);
		for (const text of [stored[0], shown[0]]) {
			assert.doesNotMatch(text, /onload|<script|alert|evil\.example|foreignObject/i);
			assert.match(text, /<text[^>]*>a flow<\/text>/);
		}
		assert.match(shown[0], /^svg </);
		assert.ok(log.some(line => /the SVG was sanitised, \d+ part\(s\) removed/.test(line)), log.join('\n'));
	});

	test('markup that is not an SVG is not an image', async () => {
		const sender: ImageSender = {
			send: async () => json({ created: 1, data: [{ b64_json: Buffer.from('<html><script>alert(1)</script></html>').toString('base64') }] }),
			classify: error => ({ kind: 'other', message: String(error) }),
		};
		const error = await rejection(runBatch({
			operation: 'images.generate', strategy: 'parallel', options: SVG, recipe: { prompt: SVG.prompt, model: SVG.model, size: SVG.size, quality: SVG.quality },
			endpoint: 'https://api.test/v1', key: 'sk-test', requestTimeoutMs: 60_000,
		}, { sender, store: async () => 1, clock: systemClock, log: { info: () => undefined, warn: () => undefined, error: () => undefined } }, new AbortController().signal, { onImage: () => undefined }));
		assert.match(String(error), /not a PNG, JPEG, WebP, SVG or GIF image/);
	});
});
