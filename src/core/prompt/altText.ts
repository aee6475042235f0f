/** Longest alt text Illustrate writes; screen readers read longer ones poorly. */
export const MAX_ALT_LENGTH = 125;

/**
 * A short readable description for alt text from a prompt or selection: the first
 * sentence, without markdown decoration, at most `maxLength` characters, cut at a word.
 */
export function altTextFromPrompt(prompt: string, maxLength = MAX_ALT_LENGTH): string {
	const plain = prompt
		.replace(/!\[([^\]]*)\]\([^)]*\)/g, '$1')
		.replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
		.replace(/^\s{0,3}(#{1,6}\s+|[-*+]\s+|\d+[.)]\s+|>\s?)/gm, '')
		.replace(/[*_`~]+/g, '')
		.replace(/\s+/g, ' ')
		.trim();
	const sentenceEnd = /[.!?](\s|$)|[。！？]/u.exec(plain);
	const sentence = sentenceEnd ? plain.slice(0, sentenceEnd.index + 1) : plain;
	const chars = [...sentence];
	if (chars.length <= maxLength) {
		return sentence.replace(/[.。]$/u, '');
	}
	const cut = chars.slice(0, maxLength - 1).join('');
	const lastSpace = cut.lastIndexOf(' ');
	const atWord = lastSpace > maxLength / 2 ? cut.slice(0, lastSpace) : cut;
	return atWord.replace(/[\s,;:.-]+$/u, '') + '…';
}

/** The prompt sent for a selection: its text, trimmed; `undefined` when there is none. */
export function promptFromText(text: string): string | undefined {
	const trimmed = text.trim();
	return trimmed.length > 0 ? trimmed : undefined;
}
