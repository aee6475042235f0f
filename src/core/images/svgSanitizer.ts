import * as l10n from '@vscode/l10n';
import type { Handler } from 'htmlparser2';
import { IllustrateError } from '../errors';
import { animatesForbidden, ATTRIBUTES, ELEMENTS, hrefAllowed, normalizeUrl, safeCss, safeValue, SVG_NAMESPACE, XLINK_NAMESPACE } from './svgAllowList';
import { svgPixelSize } from './svgSize';

/**
 * Sanitising an SVG before Illustrate stores, shows or saves it: an allow-list (the lists and
 * the URL and CSS rules are in svgAllowList.ts) over the XML parser Illustrate already bundles
 * (htmlparser2 in XML mode), so it runs alike in the Node and the web extension host, neither
 * of which has a DOM. The parser only tokenises: the output is rebuilt from the allowed
 * elements and attributes alone, escaped anew, so it is well-formed whatever came in. Kept:
 * the drawing (shapes, text, gradients, patterns, markers, clips, masks, filters, SMIL
 * animation, CSS without external references). Removed: scripts, event handlers,
 * foreignObject and every other element not on the list with all it contains, every reference
 * out of the file (href and url() only to the file's own `#id`s; raster images only as
 * data:image/png|jpeg|webp|gif), scriptable URLs, CSS @import and escapes, comments,
 * processing instructions, DOCTYPE (entities are never expanded: a reference stays text).
 */

type Htmlparser = typeof import('htmlparser2');
let htmlparser: Htmlparser | undefined;
/** htmlparser2, loaded at the first SVG rather than when the extension starts. */
function htmlParser(): Htmlparser {
	// eslint-disable-next-line @typescript-eslint/no-require-imports
	return htmlparser ??= require('htmlparser2') as Htmlparser;
}

/** The largest SVG Illustrate takes: far above a generated diagram (tens of KB), far below a problem. */
export const MAX_SVG_BYTES = 4 * 1024 * 1024;
const MAX_DEPTH = 128;
const MAX_ELEMENTS = 100_000;

/** What sanitising kept, and what it removed (one line each, for the log and for tests). */
export interface SanitizedSvg {
	/** The SVG as it is stored, shown and saved: UTF-8 XML, `<svg>` root in the SVG namespace. */
	readonly text: string;
	readonly bytes: Uint8Array;
	readonly width: number;
	readonly height: number;
	readonly removed: readonly string[];
}

/** Bytes that are not an SVG Illustrate takes: not one at all, too large, or too deep. */
export class SvgRejectedError extends IllustrateError {
	constructor(message: string) {
		super(message);
		this.name = 'SvgRejectedError';
	}
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', '\t': '&#9;', '\n': '&#10;', '\r': '&#13;' };
const escapeText = (text: string) => /[&<>]/.test(text) ? text.replace(/[&<>]/g, char => ESCAPES[char]) : text;
const escapeAttribute = (text: string) => /[&<>"\t\n\r]/.test(text) ? text.replace(/[&<>"\t\n\r]/g, char => ESCAPES[char]) : text;

function notAnSvg(reason: string): SvgRejectedError {
	return new SvgRejectedError(l10n.t('The image is not an SVG: {0}', reason));
}

/** The bytes as text: UTF-8 (a BOM is dropped), refused when they are not. */
function decodeText(input: Uint8Array | string): string {
	if (typeof input === 'string') {
		return input.replace(/^\uFEFF/, '');
	}
	if (input.length > MAX_SVG_BYTES) {
		throw new SvgRejectedError(l10n.t('The SVG is larger than {0} MB, more than Illustrate keeps.', MAX_SVG_BYTES / 1024 / 1024));
	}
	try {
		return new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(input);
	} catch {
		throw notAnSvg(l10n.t('it is not UTF-8 text.'));
	}
}

/**
 * The SVG made safe to store, show and save (see the file's comment); throws
 * SvgRejectedError for bytes that are not an SVG, or that are too large or deep to take.
 */
export function sanitizeSvg(input: Uint8Array | string): SanitizedSvg {
	const source = decodeText(input);
	if (source.length > MAX_SVG_BYTES) {
		throw new SvgRejectedError(l10n.t('The SVG is larger than {0} MB, more than Illustrate keeps.', MAX_SVG_BYTES / 1024 / 1024));
	}
	const removed: string[] = [];
	const out: string[] = [];
	/** Open elements: kept ones with the index of their start tag in `out`; dropped ones cover their content. */
	const stack: { name: string; kept: boolean; start: number }[] = [];
	let dropping = 0;
	let rootSeen = false;
	let rootClosed = false;
	let rootStart = -1;
	let rootSize = { width: 0, height: 0 };
	let usesXlink = false;
	let elements = 0;
	let styleText: string[] | undefined;
	/** A DOCTYPE's internal subset, which the parser does not read: its rest comes as text before the root. */
	let internalSubset = false;
	let textBeforeRoot = false;
	let failure: SvgRejectedError | undefined;

	const remove = (what: string) => {
		if (removed.length < 1000) {
			removed.push(what);
		}
	};

	const attributesOf = (name: string, attribs: Record<string, string>, isRoot: boolean): string | undefined => {
		const kept: string[] = [];
		if (isRoot) {
			kept.push(`xmlns="${SVG_NAMESPACE}"`);
		}
		if (animatesForbidden(name, attribs.attributeName)) {
			return undefined;
		}
		for (const [attribute, value] of Object.entries(attribs)) {
			if (attribute === 'xmlns') {
				if (value !== SVG_NAMESPACE) {
					if (isRoot) {
						throw notAnSvg(l10n.t('its root element is not in the SVG namespace.'));
					}
					remove(`xmlns="${value}" on <${name}>`);
				}
				continue;
			}
			if (attribute.startsWith('xmlns:')) {
				if (attribute !== 'xmlns:xlink' || value !== XLINK_NAMESPACE) {
					remove(`${attribute} on <${name}>`);
				}
				continue;
			}
			if (attribute === 'href' || attribute === 'xlink:href') {
				const url = normalizeUrl(value);
				if (hrefAllowed(name, url)) {
					kept.push(`${attribute}="${escapeAttribute(url)}"`);
					usesXlink ||= attribute === 'xlink:href';
				} else {
					remove(`${attribute}="${value.slice(0, 80)}" on <${name}>`);
				}
				continue;
			}
			if (!ATTRIBUTES.has(attribute)) {
				remove(`${attribute} on <${name}>`);
				continue;
			}
			const safe = safeValue(attribute, value);
			if (safe === undefined) {
				remove(`${attribute}="${value.slice(0, 80)}" on <${name}>`);
				continue;
			}
			kept.push(`${attribute}="${escapeAttribute(safe)}"`);
		}
		return kept.length > 0 ? ' ' + kept.join(' ') : '';
	};

	const handler: Partial<Handler> = {
		onopentag(name, attribs) {
			if (failure) {
				return;
			}
			try {
				if (++elements > MAX_ELEMENTS) {
					throw new SvgRejectedError(l10n.t('The SVG has more than {0} elements, more than Illustrate takes.', MAX_ELEMENTS));
				}
				if (stack.length >= MAX_DEPTH) {
					throw new SvgRejectedError(l10n.t('The SVG nests elements deeper than {0} levels, more than Illustrate takes.', MAX_DEPTH));
				}
				if (!rootSeen) {
					if (name !== 'svg') {
						throw notAnSvg(l10n.t('its first element is <{0}>, not <svg>.', name.slice(0, 40)));
					}
					if (textBeforeRoot) {
						throw notAnSvg(l10n.t('it has text before its <svg> element.'));
					}
					rootSeen = true;
				}
				const isRoot = stack.length === 0;
				if (isRoot && rootClosed) {
					remove(`<${name}> after the root element`);
				}
				// <style> holds CSS text only: an element inside it is no part of the picture.
				const keep = dropping === 0 && !(isRoot && rootClosed) && ELEMENTS.has(name) && stack[stack.length - 1]?.name !== 'style';
				const attributes = keep ? attributesOf(name, attribs, isRoot) : undefined;
				if (!keep || attributes === undefined) {
					if (dropping === 0 && !(isRoot && rootClosed)) {
						remove(`<${name}>`);
					}
					dropping++;
					stack.push({ name, kept: false, start: -1 });
					return;
				}
				if (isRoot) {
					rootStart = out.length;
					rootSize = svgPixelSize(attribs.width, attribs.height, attribs.viewBox);
				}
				stack.push({ name, kept: true, start: out.length });
				out.push(`<${name}${attributes}>`);
				if (name === 'style') {
					styleText = [];
				}
			} catch (error) {
				failure = error instanceof SvgRejectedError ? error : notAnSvg(String(error));
			}
		},
		ontext(text) {
			if (!rootSeen && !internalSubset && text.trim() !== '') {
				textBeforeRoot = true;
			}
			if (failure || dropping > 0 || stack.length === 0) {
				return;
			}
			if (styleText) {
				styleText.push(text);
			} else {
				out.push(escapeText(text));
			}
		},
		onclosetag() {
			if (failure) {
				return;
			}
			const top = stack.pop();
			if (!top) {
				return;
			}
			if (!top.kept) {
				dropping--;
			} else {
				if (top.name === 'style' && styleText) {
					const css = safeCss(styleText.join(''));
					styleText = undefined;
					if (css === undefined) {
						remove('<style> with external references or escapes');
						out.length = top.start;
						if (stack.length === 0) {
							rootClosed = true;
						}
						return;
					}
					out.push(escapeText(css));
				}
				// An element with nothing inside closes itself.
				if (out.length === top.start + 1) {
					out[top.start] = out[top.start].replace(/>$/, '/>');
				} else {
					out.push(`</${top.name}>`);
				}
			}
			if (stack.length === 0) {
				rootClosed = true;
			}
		},
		oncomment() {
			// Comments go: they are nothing the picture needs, and a place to hide things.
		},
		onprocessinginstruction(name, data) {
			if (failure) {
				return;
			}
			const lower = name.toLowerCase();
			if (lower === '!doctype') {
				remove('DOCTYPE');
				internalSubset ||= data.includes('[');
			} else if (lower !== '?xml') {
				remove(`processing instruction ${name.slice(0, 40)}`);
			}
		},
	};

	const { Parser } = htmlParser();
	const parser = new Parser(handler, { xmlMode: true, decodeEntities: true, recognizeCDATA: true, recognizeSelfClosing: true });
	parser.write(source);
	parser.end();
	if (failure) {
		throw failure;
	}
	if (!rootSeen || rootStart < 0) {
		throw notAnSvg(l10n.t('it has no <svg> element.'));
	}
	if (usesXlink) {
		out[rootStart] = out[rootStart].replace(/^<svg /, `<svg xmlns:xlink="${XLINK_NAMESPACE}" `);
	}
	const text = `<?xml version="1.0" encoding="UTF-8"?>\n${out.join('')}\n`;
	return { text, bytes: new TextEncoder().encode(text), width: rootSize.width, height: rootSize.height, removed };
}
