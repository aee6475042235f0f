import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { TOOL_DEFINITIONS } from '../../src/core/agents/toolDefinitions';
import { asksFirst, fillToolQuote, generateTarget, overLimit, overLimitMessage, quoteLine, quoteOf, toolConfirmation, type ToolQuote } from '../../src/core/agents/toolConfirmation';
import { estimateCost } from '../../src/core/cost/cost';
import { findModel } from '../../src/core/models/capabilities';
import { AGENT_TOOL_NAMES } from '../../src/commands/agentToolNames';

const root = join(__dirname, '..', '..', '..');

interface ContributedTool {
	readonly name: string;
	readonly toolReferenceName?: string;
	readonly displayName?: string;
	readonly modelDescription?: string;
	readonly userDescription?: string;
	readonly icon?: string;
	readonly canBeReferencedInPrompt?: boolean;
	readonly inputSchema?: unknown;
}

const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { contributes: { languageModelTools?: ContributedTool[] } };
const nls = JSON.parse(readFileSync(join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;
const nlsDe = JSON.parse(readFileSync(join(root, 'package.nls.de.json'), 'utf8')) as Record<string, string>;

suite('Language model tools: package.json and the core agree', () => {
	const contributed = manifest.contributes.languageModelTools ?? [];

	test('package.json contributes the core\'s three tools, with their reference names, descriptions for a model and input schemas', () => {
		assert.deepEqual(contributed.map(tool => tool.name), TOOL_DEFINITIONS.map(tool => tool.name));
		for (const definition of TOOL_DEFINITIONS) {
			const tool = contributed.find(candidate => candidate.name === definition.name)!;
			assert.equal(tool.toolReferenceName, definition.toolReferenceName, definition.name);
			assert.equal(tool.modelDescription, definition.description, `${definition.name}: modelDescription is the core's description`);
			assert.deepEqual(tool.inputSchema, definition.inputSchema, `${definition.name}: inputSchema is the core's schema`);
			assert.equal(tool.canBeReferencedInPrompt, true, `${definition.name} can be referenced with #${definition.toolReferenceName}`);
			assert.match(tool.icon ?? '', /^\$\([a-z-]+\)$/, `${definition.name} has a codicon`);
		}
	});

	test('the names activation registers are the contributed ones', () => {
		assert.deepEqual([...AGENT_TOOL_NAMES], contributed.map(tool => tool.name));
	});

	test('every display name and user description is localized, in English and German', () => {
		for (const tool of contributed) {
			for (const value of [tool.displayName, tool.userDescription]) {
				const key = /^%(.+)%$/.exec(value ?? '')?.[1];
				assert.ok(key, `${tool.name}: ${value} is a package.nls key`);
				assert.ok(nls[key], `package.nls.json has ${key}`);
				assert.ok(nlsDe[key] && nlsDe[key] !== nls[key], `package.nls.de.json translates ${key}`);
			}
		}
	});
});

suite('Language model tools: what the user confirms', () => {
	const quote: ToolQuote = { model: 'gpt-image-2', size: '1536x1024', quality: 'medium', images: 1, estimateUsd: 0.063, limitUsd: undefined };

	test('a generate names model, size, quality, count, estimate, where it goes and the prompt', () => {
		const confirmation = toolConfirmation(quote, { kind: 'placeholder', document: 'docs/architecture.md', placeholder: 'request flow' }, 'A diagram of the request flow');
		assert.equal(confirmation.title, 'Generate an image with Illustrate?');
		assert.equal(confirmation.message, [
			'1 image(s) with gpt-image-2, 1536x1024, medium quality. Estimated cost $0.063.',
			'Fills the placeholder "request flow" in docs/architecture.md.',
			'Prompt: A diagram of the request flow',
		].join('\n\n'));
		assert.equal(confirmation.invocationMessage, 'Generating an image for docs/architecture.md');
	});

	test('a long prompt is shown in part, on one line', () => {
		const prompt = `first line\n\n${'x'.repeat(400)}`;
		const message = toolConfirmation(quote, { kind: 'path', path: 'docs/a.png' }, prompt).message;
		assert.match(message, /Saves the image as docs\/a\.png\./);
		assert.match(message, /Prompt: first line x{288}…$/);
	});

	test('an edit says where the result goes and that the original is kept', () => {
		const edit = toolConfirmation({ ...quote, size: 'auto' }, { kind: 'edit', source: 'docs/a.png', saveAs: undefined, references: 2 }, 'whiter background');
		assert.equal(edit.title, 'Edit docs/a.png with Illustrate?');
		assert.match(edit.message, /Saves the result beside docs\/a\.png under a new name; the original is kept\./);
		assert.match(edit.message, /With 2 reference image\(s\)\./);
		const saveAs = toolConfirmation(quote, { kind: 'edit', source: 'docs/a.png', saveAs: 'docs/a.png', references: 0 }, 'x');
		assert.match(saveAs.message, /an existing file is replaced only if you confirm/);
	});

	test('a fill says how many of the placeholders the limit covers', () => {
		const fill = toolConfirmation({ ...quote, images: 2, estimateUsd: 0.126 }, { kind: 'fill', document: 'docs/guide.md', placeholders: 5 }, undefined);
		assert.equal(fill.title, 'Fill 2 placeholder(s) in docs/guide.md with Illustrate?');
		assert.match(fill.message, /^2 image\(s\) with gpt-image-2, 1536x1024, medium quality\. Estimated cost \$0\.126\./);
		assert.match(fill.message, /Your limit covers 2 of the 5 placeholders: the others are left as they are\./);
	});

	test('no published price: said, and never over the limit', () => {
		const unpriced = { ...quote, model: 'my-model', estimateUsd: undefined, limitUsd: 0.01 };
		assert.equal(quoteLine(unpriced), '1 image(s) with my-model, 1536x1024, medium quality. my-model has no published price: the cost shows afterwards.');
		assert.equal(overLimit(unpriced), false);
	});

	test('above illustrate.maxCostPerRequest: refused with what to do', () => {
		const over = { ...quote, quality: 'high', estimateUsd: 0.25, limitUsd: 0.1 };
		assert.equal(overLimit(over), true);
		assert.equal(overLimit({ ...over, limitUsd: 0.25 }), false, 'an estimate at the limit is sent');
		assert.equal(overLimitMessage(over), 'Not sent: the estimated cost $0.250 is above the limit of $0.100 per request (illustrate.maxCostPerRequest). Ask for a lower quality or a smaller size, or ask the user to raise the limit.');
		assert.match(quoteLine(over), /Above your limit of \$0\.100 \(illustrate\.maxCostPerRequest\): it will not be sent\.$/);
	});
});

suite('Language model tools: the quote and where it goes', () => {
	test('a quote is the model\'s estimate for the count, against the limit; an unknown model has none', () => {
		const quote = quoteOf({ model: 'gpt-image-2', size: '1024x1024', quality: 'low', n: 2 }, 0.5);
		assert.deepEqual(quote, { model: 'gpt-image-2', size: '1024x1024', quality: 'low', images: 2, estimateUsd: estimateCost(findModel('gpt-image-2')!, 'low', '1024x1024', 2), limitUsd: 0.5 });
		assert.ok(quote.estimateUsd !== undefined && quote.estimateUsd > 0);
		assert.equal(quoteOf({ model: 'my-model', size: '1024x1024', quality: 'low', n: 1 }, undefined).estimateUsd, undefined);
	});

	test('a fill\'s quote prices each placeholder in its own format, with no limit left to refuse it', () => {
		const settings = { model: 'gpt-image-2', size: '1024x1024', quality: 'medium', today: '2026-12-03' };
		const one = estimateCost(findModel('gpt-image-2')!, 'medium', '1024x1024', 1)!;
		const fill = fillToolQuote(settings, ['png', 'png', 'png', 'png'], 3);
		assert.deepEqual([fill.images, fill.limitUsd, fill.wholeFile], [3, undefined, undefined]);
		assert.ok(Math.abs(fill.estimateUsd! - 3 * one) < 1e-12);
		// A link to a missing diagram.svg is no PNG: not in the estimate, priced from its usage.
		const mixed = fillToolQuote(settings, ['png', 'svg', 'png', 'gif'], 4);
		assert.deepEqual([mixed.images, mixed.wholeFile], [4, 2]);
		assert.ok(Math.abs(mixed.estimateUsd! - 2 * one) < 1e-12, String(mixed.estimateUsd));
		assert.match(quoteLine(mixed), /^4 image\(s\) with gpt-image-2, 1024x1024, medium quality\. Estimated cost \$0\.\d{3}\. 2 SVG or GIF image\(s\) not in the estimate: what they cost is known only after the request, from its usage\.$/);
		const vectors = fillToolQuote(settings, ['svg', 'svg'], 2);
		assert.equal(vectors.estimateUsd, undefined);
		assert.equal(quoteLine(vectors), '2 image(s) with gpt-image-2, 1024x1024, medium quality. 2 SVG or GIF image(s) not in the estimate: what they cost is known only after the request, from its usage.', 'no "no published price" for a model that has one');
		assert.match(quoteLine(fillToolQuote({ ...settings, model: 'my-model' }, ['png'], 1)), /my-model has no published price/);
	});

	test('a generate goes to a placeholder, a document, a path, beside the active document, or asks for one', () => {
		assert.deepEqual(generateTarget({ document: 'docs/a.md', placeholder: 'flow', path: 'x.png' }, 'docs/b.md'), { kind: 'placeholder', document: 'docs/a.md', placeholder: 'flow' });
		assert.deepEqual(generateTarget({ document: 'docs/a.md', path: 'x.png' }, 'docs/b.md'), { kind: 'document', document: 'docs/a.md' });
		assert.deepEqual(generateTarget({ path: 'x.png' }, 'docs/b.md'), { kind: 'path', path: 'x.png' });
		assert.deepEqual(generateTarget({}, 'docs/b.md'), { kind: 'beside', document: 'docs/b.md' });
		assert.deepEqual(generateTarget({ placeholder: 'flow' }, undefined), { kind: 'noDocument' });
	});

	test('a call asks first only in a trusted workspace and within the limit', () => {
		const quote: ToolQuote = { model: 'gpt-image-2', size: '1024x1024', quality: 'high', images: 1, estimateUsd: 0.2, limitUsd: 0.5 };
		assert.equal(asksFirst(quote, true), true);
		assert.equal(asksFirst(quote, false), false, 'untrusted: refused without asking');
		assert.equal(asksFirst({ ...quote, limitUsd: 0.1 }, true), false, 'above the limit: refused without asking');
	});
});
