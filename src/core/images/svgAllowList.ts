/**
 * What an SVG may keep (src/core/images/svgSanitizer.ts walks the file against it): the
 * elements, the attributes, which `href`s and `url()`s stay (the file's own `#id`s, raster
 * images only as data:image/png|jpeg|webp|gif), and the CSS and attribute values that cannot
 * load or run anything.
 */

export const SVG_NAMESPACE = 'http://www.w3.org/2000/svg';
export const XLINK_NAMESPACE = 'http://www.w3.org/1999/xlink';

/** SVG 1.1/2 elements that draw, structure or describe, and nothing that runs, embeds or loads. */
export const ELEMENTS: ReadonlySet<string> = new Set([
	'svg', 'g', 'defs', 'symbol', 'use', 'switch', 'a', 'title', 'desc', 'style', 'view',
	'path', 'rect', 'circle', 'ellipse', 'line', 'polyline', 'polygon', 'image',
	'text', 'tspan', 'textPath',
	'linearGradient', 'radialGradient', 'stop', 'pattern', 'clipPath', 'mask', 'marker',
	'animate', 'animateMotion', 'animateTransform', 'set', 'mpath',
	'filter', 'feBlend', 'feColorMatrix', 'feComponentTransfer', 'feComposite', 'feConvolveMatrix',
	'feDiffuseLighting', 'feDisplacementMap', 'feDistantLight', 'feDropShadow', 'feFlood',
	'feFuncA', 'feFuncB', 'feFuncG', 'feFuncR', 'feGaussianBlur', 'feImage', 'feMerge', 'feMergeNode',
	'feMorphology', 'feOffset', 'fePointLight', 'feSpecularLighting', 'feSpotLight', 'feTile', 'feTurbulence',
]);

/** Elements whose `href` may point at the file's own `#id`. */
const LOCAL_REFERENCE_ELEMENTS = new Set(['use', 'textPath', 'linearGradient', 'radialGradient', 'pattern', 'filter', 'mpath', 'a', 'feImage', 'set', 'animate', 'animateMotion', 'animateTransform']);
/** Elements whose `href` may carry a raster image inline. */
const RASTER_ELEMENTS = new Set(['image', 'feImage']);
const ANIMATION_ELEMENTS: ReadonlySet<string> = new Set(['animate', 'animateMotion', 'animateTransform', 'set']);

/** Presentation, geometry, animation and accessibility attributes: nothing that runs or loads. */
export const ATTRIBUTES: ReadonlySet<string> = new Set([
	'accumulate', 'additive', 'alignment-baseline', 'amplitude', 'aria-describedby', 'aria-hidden', 'aria-label', 'aria-labelledby',
	'attributeName', 'attributeType', 'azimuth', 'baseFrequency', 'baseline-shift', 'begin', 'bias', 'by', 'calcMode', 'class',
	'clip', 'clip-path', 'clip-rule', 'clipPathUnits', 'color', 'color-interpolation', 'color-interpolation-filters', 'color-rendering',
	'cx', 'cy', 'd', 'diffuseConstant', 'direction', 'display', 'divisor', 'dominant-baseline', 'dur', 'dx', 'dy', 'edgeMode', 'elevation',
	'end', 'exponent', 'fill', 'fill-opacity', 'fill-rule', 'filter', 'filterUnits', 'flood-color', 'flood-opacity', 'font-family',
	'font-size', 'font-size-adjust', 'font-stretch', 'font-style', 'font-variant', 'font-weight', 'fr', 'from', 'fx', 'fy',
	'gradientTransform', 'gradientUnits', 'height', 'id', 'image-rendering', 'in', 'in2', 'intercept', 'isolation', 'k', 'k1', 'k2', 'k3', 'k4',
	'kernelMatrix', 'kernelUnitLength', 'keyPoints', 'keySplines', 'keyTimes', 'lang', 'lengthAdjust', 'letter-spacing', 'lighting-color',
	'limitingConeAngle', 'marker-end', 'marker-mid', 'marker-start', 'markerHeight', 'markerUnits', 'markerWidth', 'mask', 'maskContentUnits',
	'maskUnits', 'max', 'media', 'method', 'min', 'mix-blend-mode', 'mode', 'numOctaves', 'offset', 'opacity', 'operator', 'order', 'orient',
	'overflow', 'paint-order', 'path', 'pathLength', 'patternContentUnits', 'patternTransform', 'patternUnits', 'pointer-events', 'points',
	'pointsAtX', 'pointsAtY', 'pointsAtZ', 'preserveAlpha', 'preserveAspectRatio', 'primitiveUnits', 'r', 'radius', 'refX', 'refY',
	'repeatCount', 'repeatDur', 'restart', 'result', 'role', 'rotate', 'rx', 'ry', 'scale', 'seed', 'shape-rendering', 'side', 'slope', 'spacing',
	'specularConstant', 'specularExponent', 'spreadMethod', 'startOffset', 'stdDeviation', 'stitchTiles', 'stop-color', 'stop-opacity',
	'stroke', 'stroke-dasharray', 'stroke-dashoffset', 'stroke-linecap', 'stroke-linejoin', 'stroke-miterlimit', 'stroke-opacity',
	'stroke-width', 'style', 'surfaceScale', 'systemLanguage', 'tableValues', 'targetX', 'targetY', 'text-anchor', 'text-decoration',
	'text-rendering', 'textLength', 'to', 'transform', 'transform-box', 'transform-origin', 'type', 'unicode-bidi', 'values', 'vector-effect',
	'version', 'viewBox', 'visibility', 'width', 'word-spacing', 'writing-mode', 'x', 'x1', 'x2', 'xChannelSelector', 'y', 'y1', 'y2',
	'yChannelSelector', 'z', 'zoomAndPan', 'xml:space', 'xml:lang',
]);

const LOCAL_FRAGMENT = /^#[A-Za-z_][\w.:-]*$/;
const RASTER_DATA_URL = /^data:image\/(?:png|jpeg|jpg|webp|gif);base64,[A-Za-z0-9+/]+={0,2}$/i;
/** Schemes that run code wherever a URL is followed, whatever the attribute. */
const SCRIPTABLE_SCHEME = /(?:java|vb|live)script:|data:/i;
/** CSS that loads, runs or hides what it does: imports, image functions, legacy bindings, escapes. */
const UNSAFE_CSS = /@import|image-set\s*\(|\bimage\s*\(|cross-fade\s*\(|element\s*\(|\bsrc\s*\(|expression\s*\(|behavior\s*:|-moz-binding|\\/i;

/** Whitespace and controls a browser drops from a URL before reading its scheme. */
export const normalizeUrl = (value: string) => value.replace(/[\u0000-\u0020\u007f]/g, '');

/** Every `url(…)` in a CSS value or attribute refers to the file itself (`#id`). */
function urlsAreLocal(value: string): boolean {
	if (!value.includes('(')) {
		return true;
	}
	const calls = value.match(/url\s*\(/gi)?.length ?? 0;
	let local = 0;
	for (const match of value.matchAll(/url\s*\(\s*(?:"([^"]*)"|'([^']*)'|([^)'"]*))\s*\)/gi)) {
		const target = normalizeUrl(match[1] ?? match[2] ?? match[3] ?? '');
		if (!LOCAL_FRAGMENT.test(target)) {
			return false;
		}
		local++;
	}
	return local === calls;
}

/** CSS text that cannot load or run anything, or undefined when it cannot be made so. */
export function safeCss(css: string): string | undefined {
	const withoutComments = css.replace(/\/\*[\s\S]*?(?:\*\/|$)/g, '');
	if (UNSAFE_CSS.test(withoutComments) || SCRIPTABLE_SCHEME.test(normalizeUrl(withoutComments)) || !urlsAreLocal(withoutComments)) {
		return undefined;
	}
	return withoutComments;
}

/** An attribute's value when it is safe as it is, or undefined. */
export function safeValue(name: string, value: string): string | undefined {
	if (name === 'style') {
		return safeCss(value);
	}
	// Presentation attributes are CSS: an escape could spell `url(` or a scheme unseen.
	// A scheme needs a colon, and a url() a bracket: most values (numbers, paths, colours) have neither.
	if (value.includes('\\') || (value.includes(':') && SCRIPTABLE_SCHEME.test(normalizeUrl(value))) || !urlsAreLocal(value)) {
		return undefined;
	}
	return value;
}

/** An `href` (or `xlink:href`, already normalised) that `element` may keep: a `#id` of the file, or an inline raster image. */
export function hrefAllowed(element: string, url: string): boolean {
	return (LOCAL_FRAGMENT.test(url) && LOCAL_REFERENCE_ELEMENTS.has(element)) || (RASTER_DATA_URL.test(url) && RASTER_ELEMENTS.has(element));
}

/** An animation element whose target (`attributeName`) would change an `href`, an event handler or a style: dropped whole. */
export function animatesForbidden(element: string, attributeName: string | undefined): boolean {
	if (!ANIMATION_ELEMENTS.has(element)) {
		return false;
	}
	const target = (attributeName ?? '').trim().replace(/^.*:/, '').toLowerCase();
	return target === 'href' || target.startsWith('on') || target === 'style';
}
