import * as assert from 'node:assert/strict';
import Ajv2020 from 'ajv/dist/2020';
import {
	EDIT_IMAGE_TOOL, editedImagePath, editRequestOptions, FILL_MISSING_IMAGES_TOOL, fillResultText, GENERATE_IMAGE_TOOL, generateRequestOptions,
	parseEditImageInput, parseFillMissingImagesInput, parseGenerateImageInput, savedImageText, TOOL_DEFINITIONS, toolDefinition, workspaceRelativePath,
} from '../../src/core/agents/toolDefinitions';

const defaults = { model: 'gpt-image-2', size: '1024x1024', quality: 'auto', outputFormat: 'png' as const };
const context = { today: '2026-12-03' };

suite('agent tool definitions', () => {
	test('three tools with distinct names, reference names, descriptions for a model and valid JSON Schemas', () => {
		assert.deepEqual(TOOL_DEFINITIONS.map(tool => tool.name), [GENERATE_IMAGE_TOOL, EDIT_IMAGE_TOOL, FILL_MISSING_IMAGES_TOOL]);
		assert.equal(new Set(TOOL_DEFINITIONS.map(tool => tool.toolReferenceName)).size, 3);
		const ajv = new Ajv2020({ strict: true });
		for (const tool of TOOL_DEFINITIONS) {
			assert.match(tool.name, /^[a-z0-9_]{1,64}$/, 'a name both VS Code and MCP clients accept');
			assert.ok(tool.description.length > 200 && /Returns/.test(tool.description) && /Use it/.test(tool.description), `${tool.name} says what it does, when to use it, what it returns`);
			assert.equal(tool.inputSchema.type, 'object');
			assert.doesNotThrow(() => ajv.compile(tool.inputSchema), tool.name);
		}
		assert.deepEqual(toolDefinition(FILL_MISSING_IMAGES_TOOL).inputSchema.required, ['document']);
	});

	test('the schemas and the parsers agree on what they take and refuse', () => {
		const ajv = new Ajv2020();
		const cases: Array<[typeof GENERATE_IMAGE_TOOL | typeof EDIT_IMAGE_TOOL | typeof FILL_MISSING_IMAGES_TOOL, unknown, boolean]> = [
			[GENERATE_IMAGE_TOOL, { prompt: 'a fox' }, true],
			[GENERATE_IMAGE_TOOL, { prompt: 'a fox', alt: 'Fox', document: 'docs/a.md', placeholder: 'fox', path: 'docs/fox.webp', model: 'gpt-image-2', size: '1536x1024', quality: 'low', outputFormat: 'webp', background: 'opaque' }, true],
			[GENERATE_IMAGE_TOOL, {}, false],
			[GENERATE_IMAGE_TOOL, { prompt: 'a fox', colour: 'red' }, false],
			[GENERATE_IMAGE_TOOL, { prompt: 'a fox', quality: 'ultra' }, false],
			[GENERATE_IMAGE_TOOL, { prompt: 'a fox', outputFormat: 'bmp' }, false],
			[GENERATE_IMAGE_TOOL, { prompt: 'a flow diagram', outputFormat: 'svg' }, true],
			[GENERATE_IMAGE_TOOL, { prompt: 7 }, false],
			[EDIT_IMAGE_TOOL, { path: 'a.png', instruction: 'whiter', references: ['b.jpg'], saveAs: 'c.png' }, true],
			[EDIT_IMAGE_TOOL, { path: 'a.png' }, false],
			[EDIT_IMAGE_TOOL, { path: 'a.png', instruction: 'x', references: 'b.png' }, false],
			[EDIT_IMAGE_TOOL, { path: 'a.png', instruction: 'x', references: Array.from({ length: 16 }, (_, i) => `r${i}.png`) }, false],
			[FILL_MISSING_IMAGES_TOOL, { document: 'README.md' }, true],
			[FILL_MISSING_IMAGES_TOOL, { document: 'README.md', confirm: false }, false],
			[FILL_MISSING_IMAGES_TOOL, [], false],
		];
		const parsers = { [GENERATE_IMAGE_TOOL]: parseGenerateImageInput, [EDIT_IMAGE_TOOL]: parseEditImageInput, [FILL_MISSING_IMAGES_TOOL]: parseFillMissingImagesInput };
		for (const [tool, input, ok] of cases) {
			assert.equal(ajv.validate(toolDefinition(tool).inputSchema, input), ok, `schema of ${tool} on ${JSON.stringify(input)}`);
			if (ok) {
				assert.doesNotThrow(() => parsers[tool](input), `parser of ${tool} on ${JSON.stringify(input)}`);
			} else {
				assert.throws(() => parsers[tool](input), { name: 'IllustrateError' }, `parser of ${tool} on ${JSON.stringify(input)}`);
			}
		}
	});

	test('errors name the field and what to send instead', () => {
		assert.throws(() => parseGenerateImageInput('a fox'), /must be a JSON object with prompt, alt, document/);
		assert.throws(() => parseGenerateImageInput({ prompt: 'x', colour: 'red' }), /illustrate_generate_image does not take "colour"; it takes prompt, alt/);
		assert.throws(() => parseGenerateImageInput({ prompt: '  ' }), /"prompt" is empty/);
		assert.throws(() => parseGenerateImageInput({}), /"prompt" is missing/);
		assert.throws(() => parseGenerateImageInput({ prompt: 'x', placeholder: 'fox' }), /"placeholder" needs "document"/);
		assert.throws(() => parseGenerateImageInput({ prompt: 'x', path: 'images/fox.bmp' }), /must end in \.png, \.jpg, \.jpeg, \.webp, \.svg or \.gif/);
		assert.throws(() => parseGenerateImageInput({ prompt: 'x', path: 'fox.png', outputFormat: 'jpeg' }), /"path" ends in a png extension but "outputFormat" is "jpeg"/);
		assert.throws(() => parseGenerateImageInput({ prompt: 'x', background: 'clear' }), /"background" must be one of "auto", "opaque", "transparent"/);
		assert.throws(() => parseEditImageInput({ path: 'a.png', instruction: 'x', references: [3] }), /"references" must be a list of workspace-relative image paths/);
		assert.throws(() => parseGenerateImageInput({ prompt: 'x'.repeat(32_001) }), /"prompt" has 32001 characters; at most 32000/);
	});

	test('paths are workspace-relative: absolute paths, URIs and ".." are refused, spellings agents use are taken', () => {
		assert.equal(workspaceRelativePath('./docs/guide.md', 'document'), 'docs/guide.md');
		assert.equal(workspaceRelativePath('docs\\images\\a.png', 'path'), 'docs/images/a.png');
		assert.equal(workspaceRelativePath('docs//./a.md', 'document'), 'docs/a.md');
		for (const bad of ['/etc/passwd', 'C:\\Users\\a.png', 'c:a.png', 'file:///etc/x.md', 'vscode-remote://x/a.md', '../outside.md', 'docs/../../x.md', 'docs\\..\\..\\x.md', 'docs/', '.', '', 'a\u0000.md']) {
			assert.throws(() => workspaceRelativePath(bad, 'document'), { name: 'IllustrateError' }, JSON.stringify(bad));
		}
		assert.throws(() => parseFillMissingImagesInput({ document: '../README.md' }), /may not climb out of the workspace folder/);
		assert.throws(() => parseEditImageInput({ path: '/tmp/a.png', instruction: 'x' }), /relative to the workspace folder/);
		assert.throws(() => parseEditImageInput({ path: 'a.png', instruction: 'x', saveAs: '../b.png' }), /climb out/);
		assert.deepEqual(parseEditImageInput({ path: './a.png', instruction: 'x', references: ['.\\b.webp'] }), { path: 'a.png', instruction: 'x', references: ['b.webp'] });
	});

	test('the request: the input over the user\'s defaults, one image, the format from the path, checked against the model table', () => {
		assert.deepEqual(generateRequestOptions(parseGenerateImageInput({ prompt: 'a fox' }), defaults, context),
			{ model: 'gpt-image-2', prompt: 'a fox', size: '1024x1024', quality: 'auto', n: 1, outputFormat: 'png' });
		assert.deepEqual(generateRequestOptions(parseGenerateImageInput({ prompt: 'a fox', path: 'a/fox.jpg', quality: 'low', size: '1536x1024', background: 'opaque' }), defaults, context),
			{ model: 'gpt-image-2', prompt: 'a fox', size: '1536x1024', quality: 'low', n: 1, outputFormat: 'jpeg', background: 'opaque' });
		assert.throws(() => generateRequestOptions(parseGenerateImageInput({ prompt: 'a fox', model: 'dall-e-3' }), defaults, context), /Nothing was generated or charged: dall-e-3 was retired on 2026-05-12\. Use gpt-image-2 instead\./);
		assert.throws(() => generateRequestOptions(parseGenerateImageInput({ prompt: 'a fox', size: '1000x1000', quality: 'max' }), defaults, context),
			/does not support quality "max".*multiples of 16.*try 1008x1008/);
		assert.throws(() => generateRequestOptions(parseGenerateImageInput({ prompt: 'a logo', background: 'transparent', outputFormat: 'jpeg' }), defaults, context), /JPEG has no transparency/);
		assert.throws(() => generateRequestOptions(parseGenerateImageInput({ prompt: 'a fox', model: 'my-model' }), defaults, context), /not a known image model/);
		assert.equal(generateRequestOptions(parseGenerateImageInput({ prompt: 'a fox', model: 'my-model' }), defaults, { ...context, allowUnknownModels: true }).model, 'my-model');
	});

	test('an edit: the instruction as prompt, auto size, the format of saveAs else of the original, saved beside it as name-edited', () => {
		assert.deepEqual(editRequestOptions(parseEditImageInput({ path: 'img/flow.jpg', instruction: 'whiter' }), 'jpeg', defaults),
			{ model: 'gpt-image-2', prompt: 'whiter', size: 'auto', quality: 'auto', n: 1, outputFormat: 'jpeg' });
		assert.equal(editRequestOptions(parseEditImageInput({ path: 'img/flow.jpg', instruction: 'whiter', saveAs: 'img/flow.webp' }), 'jpeg', defaults).outputFormat, 'webp');
		assert.equal(editedImagePath('img/flow.jpg', 'jpeg'), 'img/flow-edited.jpg');
		assert.equal(editedImagePath('flow.v2.png', 'webp'), 'flow.v2-edited.webp');
	});

	test('the result text gives the workspace-relative path and the link, and says where the link went', () => {
		assert.equal(savedImageText({ path: 'docs/images/flow.png', link: '![flow](images/flow.png)', document: 'docs/a.md', placeholder: 'flow' }),
			'Saved docs/images/flow.png. The placeholder "flow" in docs/a.md now links it: ![flow](images/flow.png)');
		assert.equal(savedImageText({ path: 'docs/images/flow.png', link: '![flow](images/flow.png)', document: 'docs/a.md' }), 'Saved docs/images/flow.png. docs/a.md now links it: ![flow](images/flow.png)');
		assert.match(savedImageText({ path: 'images/flow.png', link: '![flow](images/flow.png)' }), /^Saved images\/flow\.png\. No document was changed: .*relative to the workspace folder.*!\[flow\]\(images\/flow\.png\)$/);
		assert.equal(fillResultText('a.md', [{ path: 'images/fox.png', link: '![fox](images/fox.png)', placeholder: 'fox' }], [{ placeholder: 'owl', reason: 'Over the cost limit.' }], 0.053),
			'Filled 1 of 2 placeholders in a.md.\n- "fox": saved images/fox.png, linked as ![fox](images/fox.png)\n- "owl": not filled. Over the cost limit.\nCost: about $0.053.');
		assert.match(fillResultText('a.md', [], []), /a\.md has no empty image links to fill/);
	});
});
