import * as l10n from '@vscode/l10n';
import { formatUsd } from '../cost/cost';

/** What the agent tools (src/core/agents/toolDefinitions.ts) return, as text for the model to read and quote. */

/** One image a tool saved. */
export interface SavedImage {
	/** Workspace-relative, `/`-separated. */
	readonly path: string;
	/** The reference in the document's syntax, relative to the document (to the workspace folder without one). */
	readonly link: string;
	/** Workspace-relative; set when the link was written into it. */
	readonly document?: string;
	/** Set when the link filled this placeholder. */
	readonly placeholder?: string;
}

/** The text a tool returns for an image it saved, for the model to read and quote. */
export function savedImageText(image: SavedImage): string {
	const where = image.document === undefined
		? l10n.t('No document was changed: put this link where the image belongs (it is relative to the workspace folder): {0}', image.link)
		: image.placeholder !== undefined
			? l10n.t('The placeholder "{0}" in {1} now links it: {2}', image.placeholder, image.document, image.link)
			: l10n.t('{0} now links it: {1}', image.document, image.link);
	return `${l10n.t('Saved {0}.', image.path)} ${where}`;
}

/** A placeholder that was not filled, and why. */
export interface FillFailure {
	readonly placeholder: string;
	readonly reason: string;
}

/** The text `illustrate_fill_missing_images` returns. */
export function fillResultText(document: string, saved: readonly SavedImage[], failures: readonly FillFailure[], costUsd?: number): string {
	const lines: string[] = [];
	if (saved.length === 0 && failures.length === 0) {
		lines.push(l10n.t('{0} has no empty image links to fill. Add one such as ![a diagram of the request flow]() first.', document));
	} else {
		lines.push(l10n.t('Filled {0} of {1} placeholders in {2}.', saved.length, saved.length + failures.length, document));
	}
	for (const image of saved) {
		lines.push(`- ${l10n.t('"{0}": saved {1}, linked as {2}', image.placeholder ?? '', image.path, image.link)}`);
	}
	for (const failure of failures) {
		lines.push(`- ${l10n.t('"{0}": not filled. {1}', failure.placeholder, failure.reason)}`);
	}
	if (costUsd !== undefined && costUsd > 0) {
		lines.push(l10n.t('Cost: about {0}.', formatUsd(costUsd)));
	}
	return lines.join('\n');
}
