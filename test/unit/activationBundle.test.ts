import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import { buildSync } from 'esbuild';

const root = join(__dirname, '..', '..', '..');

/** The activation bundle's limit (issue #16): no larger than before the image worker round. */
const ACTIVATION_BUNDLE_LIMIT_KB = 17.6;

/** dist/extension.js as the package builds it (minified), with what went into it. */
function activationBundle(): { bytes: number; sources: string[] } {
	const result = buildSync({
		absWorkingDir: root,
		entryPoints: ['src/extension.ts'],
		bundle: true,
		minify: true,
		platform: 'node',
		format: 'cjs',
		target: 'node22',
		// What esbuild.mjs loads later from files of their own.
		external: ['vscode', './features', 'openai', 'mdast-util-from-markdown', 'htmlparser2', 'picomatch', 'undici'],
		define: { ILLUSTRATE_WEB: 'false' },
		write: false,
		metafile: true,
		outdir: 'unused',
		logLevel: 'silent',
	});
	const output = Object.values(result.metafile.outputs).find(candidate => candidate.entryPoint !== undefined);
	assert.ok(output, 'the build has an output for src/extension.ts');
	return { bytes: output.bytes, sources: Object.keys(output.inputs) };
}

suite('Activation loads little (issue #16)', () => {
	test(`the activation bundle is at most ${ACTIVATION_BUNDLE_LIMIT_KB} KB minified, without the settings reader or the model list`, () => {
		const { bytes, sources } = activationBundle();
		// The code lenses read one setting; the settings reader brings the model capabilities and the cost rules with it.
		for (const lateOnly of ['src/settings/settings.ts', 'src/core/models/capabilities.ts', 'src/core/settings/costCeiling.ts']) {
			assert.ok(!sources.includes(lateOnly), `${lateOnly} is loaded at activation`);
		}
		assert.ok(bytes <= ACTIVATION_BUNDLE_LIMIT_KB * 1000, `the activation bundle is ${(bytes / 1000).toFixed(1)} KB`);
	});
});
