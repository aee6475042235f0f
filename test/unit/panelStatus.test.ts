import * as assert from 'node:assert/strict';
import { IllustrateError } from '../../src/core/errors';
import { batchOutcome, editingStatus, generatingStatus, progressMessage, retryStatus } from '../../src/core/panel/batchStatus';
import { ACTION_LINKS, actionLabel, panelErrorOf } from '../../src/core/panel/panelErrors';
import { panelEnvironmentOf, sameEnvironment } from '../../src/core/panel/panelEnvironment';

suite('Panel status and errors', () => {
	test('a retry says whether it is a rate limit or a server error', () => {
		assert.equal(retryStatus(5, 429), 'Rate limited by the API: trying again in 5 s…');
		assert.equal(retryStatus(2, 503), 'The API answered with a server error 503: trying again in 2 s…');
		assert.equal(retryStatus(2, undefined), 'The API answered with a server error : trying again in 2 s…');
	});

	test('a finished batch: Ready for one, Pick one for several, the failure count before the first error', () => {
		assert.deepEqual(batchOutcome(0, 1), { status: 'Ready.' });
		assert.deepEqual(batchOutcome(0, 3), { status: 'Pick one and Insert.' });
		assert.deepEqual(batchOutcome(1, 2), { errorPrefix: '1 of 2 failed:' });
		assert.equal(progressMessage(1, 4), '1 of 4 done');
		assert.equal(generatingStatus(1), 'Generating 1 variant…');
		assert.equal(generatingStatus(3), 'Generating 3 variants…');
		assert.equal(editingStatus(1), 'Editing…');
		assert.equal(editingStatus(2), 'Editing: 2 variants…');
	});

	test('an error the user can act on keeps its message and actions, with the prefix; nothing is logged', () => {
		const logged: unknown[] = [];
		const shown = panelErrorOf(new IllustrateError('Your organization must be verified.', ['openVerification', 'retry']), '1 of 2 failed:', error => logged.push(error));
		assert.deepEqual(shown, {
			message: '1 of 2 failed: Your organization must be verified.',
			actions: [{ id: 'openVerification', label: 'Verify Organization' }, { id: 'retry', label: 'Retry' }],
		});
		assert.deepEqual(logged, []);
	});

	test('an unexpected error is logged, and shown as "something went wrong" with Retry', () => {
		const logged: (Error | string)[] = [];
		const failure = new TypeError('x is undefined');
		assert.deepEqual(panelErrorOf(failure, undefined, error => logged.push(error)), {
			message: 'Something went wrong: x is undefined. Details are in the Illustrate output.',
			actions: [{ id: 'retry', label: 'Retry' }],
		});
		assert.equal(logged.length, 1);
		assert.equal(logged[0], failure);
		assert.equal(panelErrorOf('a string', undefined, error => logged.push(error)).message, 'Something went wrong: a string. Details are in the Illustrate output.');
		assert.equal(logged[1], 'a string');
	});

	test('each action has a label; the platform pages have links, the others none', () => {
		assert.deepEqual(['setApiKey', 'retry', 'openVerification', 'openBilling'].map(id => actionLabel(id as never)), ['Set API Key', 'Retry', 'Verify Organization', 'Open Billing']);
		assert.match(ACTION_LINKS.openBilling ?? '', /^https:\/\/platform\.openai\.com\/settings\/organization\/billing/);
		assert.match(ACTION_LINKS.openVerification ?? '', /^https:\/\/platform\.openai\.com\/settings\/organization\/general$/);
		assert.equal(ACTION_LINKS.retry, undefined);
		assert.equal(ACTION_LINKS.setApiKey, undefined);
	});

	test('the environment: the cost limit when set, any model name only for an OpenAI-compatible endpoint, the styles', () => {
		const environment = panelEnvironmentOf({ provider: 'openai', maxCostPerRequest: 0.25 }, ['Ink'], '2026-06-01');
		assert.equal(environment.maxCostPerRequest, 0.25);
		assert.equal(environment.allowUnknownModels, false);
		assert.deepEqual(environment.styles, ['Ink']);
		assert.equal(environment.today, '2026-06-01');
		assert.ok(!('maxCostPerRequest' in panelEnvironmentOf({ provider: 'openai', maxCostPerRequest: undefined }, [], '2026-06-01')));
		assert.equal(panelEnvironmentOf({ provider: 'openai-compatible', maxCostPerRequest: undefined }, [], '2026-06-01').allowUnknownModels, true);
		assert.equal(panelEnvironmentOf({ provider: 'azure', maxCostPerRequest: undefined }, [], '2026-06-01').allowUnknownModels, false);
	});

	test('a deprecated model is labelled with its shutdown date and a note naming its replacement; it goes after the date', () => {
		const before = panelEnvironmentOf({ provider: 'openai', maxCostPerRequest: undefined }, [], '2026-06-01').models;
		const deprecated = before.filter(model => model.note !== undefined);
		assert.ok(deprecated.length > 0, 'the table has a deprecated model');
		for (const model of deprecated) {
			assert.match(model.label, / \(until \d{4}-\d{2}-\d{2}\)$/);
			assert.match(model.note ?? '', new RegExp(`^${model.id.replace(/\./g, '\\.')} shuts down on \\d{4}-\\d{2}-\\d{2}; use [\\w.-]+\\.$`));
		}
		const after = panelEnvironmentOf({ provider: 'openai', maxCostPerRequest: undefined }, [], '2099-01-01').models;
		assert.ok(deprecated.every(model => !after.some(choice => choice.id === model.id)), 'shut down models are not offered');
	});

	test('environments compare by what the form shows', () => {
		const a = panelEnvironmentOf({ provider: 'openai', maxCostPerRequest: 0.25 }, ['Ink'], '2026-06-01');
		assert.ok(sameEnvironment(a, panelEnvironmentOf({ provider: 'openai', maxCostPerRequest: 0.25 }, ['Ink'], '2026-06-01')));
		assert.ok(!sameEnvironment(a, panelEnvironmentOf({ provider: 'openai', maxCostPerRequest: 0.5 }, ['Ink'], '2026-06-01')));
		assert.ok(!sameEnvironment(a, panelEnvironmentOf({ provider: 'openai', maxCostPerRequest: 0.25 }, [], '2026-06-01')));
		assert.ok(!sameEnvironment(a, panelEnvironmentOf({ provider: 'openai-compatible', maxCostPerRequest: 0.25 }, ['Ink'], '2026-06-01')));
	});
});
