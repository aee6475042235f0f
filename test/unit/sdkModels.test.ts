import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ImageEditParams, ImageGenerateParams, ImageModel, ImagesResponse } from 'openai/resources/images';
import { findModel, MODELS, OUTPUT_FORMATS, permissiveCapabilities, type OutputFormat } from '../../src/core/models/capabilities';

/**
 * The capability table against the `openai` SDK it is built with: a new model in the SDK's
 * `ImageModel`, or a format the table offers that `output_format` does not take, fails here
 * (and the type checks below fail the build), so an SDK upgrade cannot silently leave the
 * table behind.
 */

type SdkFormat = NonNullable<ImageGenerateParams['output_format']>;
// Compile-time: every format the table offers is one the SDK's generate, edit and reply take.
const generateFormats: readonly SdkFormat[] = OUTPUT_FORMATS;
const editFormats: readonly NonNullable<ImageEditParams['output_format']>[] = OUTPUT_FORMATS;
const replyFormats: readonly NonNullable<ImagesResponse['output_format']>[] = OUTPUT_FORMATS;
// Compile-time: and every format the SDK takes is one the table knows.
const everySdkFormat: Record<SdkFormat, true> = { png: true, jpeg: true, webp: true, svg: true, gif: true };
const tableKnows: readonly OutputFormat[] = Object.keys(everySdkFormat) as SdkFormat[];

/** The text of the SDK's `resources/images.d.ts`, as installed. */
function sdkImagesTypes(): string {
	return fs.readFileSync(path.join(path.dirname(require.resolve('openai')), 'resources', 'images.d.ts'), 'utf8');
}

/** The string literals of a union type's declaration, such as `export type ImageModel = 'a' | 'b';`. */
function literals(union: string): string[] {
	return [...union.matchAll(/'([^']+)'/g)].map(match => match[1]);
}

suite('The capability table against the openai SDK', () => {
	test('every model the SDK\'s ImageModel names is in the table (by id or snapshot alias)', () => {
		const declaration = /export type ImageModel = ([^;]+);/.exec(sdkImagesTypes());
		assert.ok(declaration, 'the SDK declares ImageModel');
		const sdkModels = literals(declaration[1]);
		assert.ok(sdkModels.length >= 10, sdkModels.join(', '));
		const missing = sdkModels.filter(id => !findModel(id));
		assert.deepEqual(missing, [], `the SDK names image models the table lacks: ${missing.join(', ')}; add them to src/core/models/capabilities.ts`);
		// The type agrees with the text: a model id the table knows is an ImageModel.
		const typed: ImageModel[] = sdkModels as ImageModel[];
		assert.equal(typed.length, sdkModels.length);
	});

	test('every format the table offers is one the SDK\'s output_format takes, for generations and edits', () => {
		const text = sdkImagesTypes();
		const declared = [...text.matchAll(/output_format\?: ([^;]+);/g)].map(match => literals(match[1]));
		assert.ok(declared.length >= 2, 'the SDK declares output_format');
		const sdkFormats = new Set(declared.flat());
		const offered = new Set([...MODELS.flatMap(model => model.outputFormats), ...permissiveCapabilities('x').outputFormats, ...OUTPUT_FORMATS]);
		const extra = [...offered].filter(format => !sdkFormats.has(format));
		assert.deepEqual(extra, [], `the table offers formats the SDK's output_format lacks: ${extra.join(', ')}`);
		assert.deepEqual([...generateFormats].sort(), [...editFormats].sort());
		assert.deepEqual([...replyFormats].sort(), [...tableKnows].sort());
	});

	test('the check itself fails for a model or format the other side lacks', () => {
		assert.equal(findModel('gpt-image-9-unknown'), undefined);
		const sdkFormats = new Set(literals(`'png' | 'webp' | 'jpeg'`));
		assert.deepEqual(OUTPUT_FORMATS.filter(format => !sdkFormats.has(format)), ['svg', 'gif']);
	});
});
