/**
 * Text from a file (a provenance manifest, a document, a file name) made safe to put into
 * markdown that VS Code renders, such as a hover: every ASCII punctuation character is
 * backslash-escaped, so no link, image, autolink (`https\://…`, `www\.…`), HTML, emphasis,
 * code span or theme icon (`$(…)`) can come out of it; line breaks become spaces, so it
 * cannot start a block of its own.
 */
export function escapeMarkdown(text: string): string {
	return text
		.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ')
		.replace(/[!-/:-@[-`{-~]/g, '\\$&');
}

/**
 * Text as a markdown code span: fenced with more backticks than any run inside it, so
 * nothing in it ends the span early; line breaks become spaces.
 */
export function codeSpan(text: string): string {
	const flat = text.replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ');
	const longestRun = Math.max(0, ...(flat.match(/`+/g) ?? []).map(run => run.length));
	const fence = '`'.repeat(longestRun + 1);
	const padding = flat.startsWith('`') || flat.endsWith('`') || longestRun > 0 ? ' ' : '';
	return `${fence}${padding}${flat}${padding}${fence}`;
}

/** A URI as a markdown link destination: parentheses and spaces percent-encoded, so it cannot end the link early. */
export function markdownLinkTarget(uri: string): string {
	return uri.replace(/[()<> \\]/g, character => `%${character.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}
