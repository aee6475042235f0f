import * as assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = join(__dirname, '..', '..', '..');
interface Step { id: string; title: string; description: string; media: { image?: string; markdown?: string; altText?: string }; completionEvents?: string[] }
const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
	contributes: { walkthroughs: { id: string; title: string; description: string; steps: Step[] }[]; commands: { command: string }[] };
};
const nls = JSON.parse(readFileSync(join(root, 'package.nls.json'), 'utf8')) as Record<string, string>;
const commands = new Set(manifest.contributes.commands.map(entry => entry.command));
const shipped = readFileSync(join(root, '.vscodeignore'), 'utf8').split('\n');

function localized(value: string): string {
	const key = /^%(.+)%$/.exec(value)?.[1];
	assert.ok(key, `"${value}" goes through package.nls.json`);
	assert.ok(nls[key], `package.nls.json has ${key}`);
	return nls[key];
}

suite('The walkthrough', () => {
	const [walkthrough] = manifest.contributes.walkthroughs;

	test('sets the key, fills a placeholder, fills a whole document', () => {
		assert.deepEqual(walkthrough.steps.map(step => step.id), ['setApiKey', 'fillPlaceholder', 'fillDocument']);
		localized(walkthrough.title);
		localized(walkthrough.description);
	});

	for (const step of manifest.contributes.walkthroughs[0].steps) {
		test(`step ${step.id}: its text is localisable, its buttons and completion run real commands, its media ships`, () => {
			localized(step.title);
			const description = localized(step.description);
			const links = [...description.matchAll(/\(command:([\w.]+)\)/g)].map(match => match[1]);
			assert.ok(links.length > 0, 'the step has a button');
			for (const command of [...links, ...(step.completionEvents ?? []).map(event => event.replace(/^onCommand:/, ''))]) {
				assert.ok(commands.has(command), `${command} is a declared command`);
			}
			const media = step.media.image ?? step.media.markdown;
			assert.ok(media && existsSync(join(root, media)), `${media} exists`);
			assert.ok(media.startsWith('media/walkthrough/') && shipped.includes('!media/walkthrough/**'), `${media} is in the .vsix`);
			if (step.media.image) {
				localized(step.media.altText ?? '');
			}
		});
	}
});
