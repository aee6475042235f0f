import * as assert from 'node:assert/strict';
import { Parser } from 'htmlparser2';
import sharp from 'sharp';
import { animatesForbidden, hrefAllowed, safeCss, safeValue } from '../../src/core/images/svgAllowList';
import { MAX_SVG_BYTES, sanitizeSvg, SvgRejectedError, type SanitizedSvg } from '../../src/core/images/svgSanitizer';
import { svgPixelSize } from '../../src/core/images/svgSize';
import { drawing, HOSTILE_SVGS } from '../fixtures/svg/hostileSvgs';
import { renderImage } from '../server/imageFactory';

const RASTER = /^data:image\/(?:png|jpeg|jpg|webp|gif);base64,/i;
const ELEMENTS_THAT_RUN_OR_EMBED = /^(?:.*:)?(?:script|foreignObject|iframe|embed|object|audio|video|handler|listener|meta|link|tref|cursor|font-face.*|color-profile)$/i;

/**
 * What must hold of any sanitised SVG, checked apart from the sanitiser's own lists: no element
 * that runs or embeds, no event handler, no reference out of the file, no scriptable URL.
 */
function assertSafe(text: string, label: string): void {
	const problems: string[] = [];
	let inStyle = false;
	const parser = new Parser({
		onopentag(name, attributes) {
			inStyle = name === 'style';
			if (ELEMENTS_THAT_RUN_OR_EMBED.test(name)) {
				problems.push(`element <${name}>`);
			}
			for (const [attribute, value] of Object.entries(attributes)) {
				const url = value.replace(/[\u0000-\u0020]/g, '');
				if (/^on/i.test(attribute)) {
					problems.push(`handler ${attribute}`);
				}
				if (/(?:^|:)href$/.test(attribute) && !url.startsWith('#') && !RASTER.test(url)) {
					problems.push(`${attribute}="${value}"`);
				}
				if (!/(?:^|:)href$/.test(attribute) && /(?:java|vb)script:|data:/i.test(url)) {
					problems.push(`${attribute}="${value}"`);
				}
				if (/url\(\s*(?!['"]?#)/i.test(value) || value.includes('\\')) {
					problems.push(`${attribute}="${value}"`);
				}
				if (attribute === 'xml:base' || (attribute.includes(':') && !/^(?:xmlns:xlink|xlink:href|xml:space|xml:lang)$/.test(attribute))) {
					problems.push(`attribute ${attribute}`);
				}
			}
		},
		ontext(data) {
			if (inStyle && (/@import|url\(\s*(?!['"]?#)|\\|expression\(|javascript:/i.test(data))) {
				problems.push(`CSS ${data}`);
			}
		},
		onclosetag() {
			inStyle = false;
		},
		onprocessinginstruction(name) {
			if (name.toLowerCase() !== '?xml') {
				problems.push(`declaration ${name}`);
			}
		},
		oncomment(data) {
			problems.push(`comment ${data}`);
		},
	}, { xmlMode: true });
	parser.end(text);
	assert.deepEqual(problems, [], `${label}: ${text}`);
}

/** librsvg (through sharp) reads it as a strict XML parser would, and renders it. */
async function rendered(result: SanitizedSvg) {
	const image = sharp(Buffer.from(result.bytes));
	const meta = await image.metadata();
	const { data, info } = await image.raw().toBuffer({ resolveWithObject: true });
	const pixel = (x: number, y: number) => Array.from(data.subarray((y * info.width + x) * info.channels, (y * info.width + x) * info.channels + 3));
	return { format: meta.format, width: meta.width, height: meta.height, pixel };
}

suite('SVG sanitiser', () => {
	test('the hostile corpus has at least 50 cases, each with a name of its own', () => {
		assert.ok(HOSTILE_SVGS.length >= 50, `${HOSTILE_SVGS.length} cases`);
		assert.equal(new Set(HOSTILE_SVGS.map(entry => entry.name)).size, HOSTILE_SVGS.length);
	});

	for (const entry of HOSTILE_SVGS) {
		test(`hostile SVG: ${entry.name}`, async () => {
			const result = sanitizeSvg(new TextEncoder().encode(entry.svg));
			for (const pattern of entry.gone) {
				assert.doesNotMatch(result.text, pattern, 'the attack is gone');
			}
			if (entry.removed) {
				assert.ok(result.removed.some(line => entry.removed!.test(line)), `reported as removed: ${entry.removed} in ${JSON.stringify(result.removed)}`);
			}
			for (const pattern of entry.kept ?? []) {
				assert.match(result.text, pattern, 'the harmless part next to it stays');
			}
			assertSafe(result.text, entry.name);
			assert.match(result.text, /<rect id="keep" x="10" y="10" width="40" height="40" fill="#1e90ff"\/>/);
			assert.match(result.text, /<text x="10" y="70" font-size="12">harmless caption<\/text>/);
			assert.deepEqual([result.width, result.height], [120, 80]);
			const image = await rendered(result);
			assert.deepEqual([image.format, image.width, image.height], ['svg', 120, 80]);
			assert.deepEqual(image.pixel(30, 30), [0x1e, 0x90, 0xff], 'the drawing still draws');
			assert.equal(sanitizeSvg(result.text).text, result.text, 'sanitising again changes nothing');
		});
	}

	test('a clean generated diagram passes unchanged in what it draws', async () => {
		const source = await renderImage({ width: 1024, height: 768, format: 'svg', seed: 'clean', text: 'a flow diagram of a request & its "reply"' });
		const result = sanitizeSvg(source);
		assert.deepEqual(result.removed, []);
		assert.deepEqual([result.width, result.height], [1024, 768]);
		const before = await sharp(source).raw().toBuffer();
		const after = await sharp(Buffer.from(result.bytes)).raw().toBuffer();
		assert.ok(before.equals(after), 'the same pixels before and after');
		assert.match(result.text, /<text [^>]*>a flow diagram of a request &amp; its "reply"<\/text>/);
		assert.match(result.text, /fill="url\(#bg\)"/);
		assert.match(result.text, /marker-end="url\(#arrow\)"/);
	});

	test('refuses, with a clear message, what is not an SVG at all', () => {
		const cases: [string, Uint8Array | string, RegExp][] = [
			['PNG bytes', new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0xff, 0xfe]), /not an SVG: it is not UTF-8 text/],
			['empty', '', /no <svg> element/],
			['plain text', 'a fox in the snow', /no <svg> element/],
			['JSON', '{"svg": "<svg/>"}', /text before its <svg> element/],
			['HTML around an svg', '<html><body><svg xmlns="http://www.w3.org/2000/svg"/></body></html>', /first element is <html>, not <svg>/],
			['another XML root', '<?xml version="1.0"?><plist><svg/></plist>', /first element is <plist>/],
			['uppercase SVG root', '<SVG xmlns="http://www.w3.org/2000/svg"/>', /first element is <SVG>/],
			['svg in the XHTML namespace', '<svg xmlns="http://www.w3.org/1999/xhtml"><rect/></svg>', /root element is not in the SVG namespace/],
			['only a comment', '<!-- <svg/> -->', /no <svg> element/],
		];
		for (const [label, input, message] of cases) {
			assert.throws(() => sanitizeSvg(typeof input === 'string' ? new TextEncoder().encode(input) : input), (error: unknown) => error instanceof SvgRejectedError && message.test(error.message), label);
		}
	});

	test('bounded: too large, too deep or too many elements is refused; a BOM and no xmlns are fine', () => {
		const large = new Uint8Array(MAX_SVG_BYTES + 1).fill(0x20);
		assert.throws(() => sanitizeSvg(large), /larger than 4 MB/);
		assert.throws(() => sanitizeSvg(`<svg>${'<g>'.repeat(200)}${'</g>'.repeat(200)}</svg>`), /deeper than 128 levels/);
		assert.throws(() => sanitizeSvg(`<svg>${'<rect/>'.repeat(100_001)}</svg>`), /more than 100000 elements/);
		const withBom = sanitizeSvg(new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode('<svg width="10" height="20"><rect width="1" height="1"/></svg>')]));
		assert.equal(withBom.text, '<?xml version="1.0" encoding="UTF-8"?>\n<svg xmlns="http://www.w3.org/2000/svg" width="10" height="20"><rect width="1" height="1"/></svg>\n');
	});

	test('the output is well-formed whatever the input\'s tag soup', async () => {
		const result = sanitizeSvg(drawing('<g><rect width="1" height="1"><g></rect></g><circle r=3 cx=4 cy=5>'));
		assertSafe(result.text, 'tag soup');
		assert.equal((await rendered(result)).format, 'svg');
		assert.match(result.text, /<circle r="3" cx="4" cy="5">/);
	});

	test('fuzzed: splices of the corpus\'s pieces are refused or come out safe, well-formed and stable', async () => {
		// A seeded generator (xorshift32): the same 400 inputs every run, a failure repeatable.
		let state = 0x2545f491;
		const next = () => {
			state ^= state << 13;
			state ^= state >>> 17;
			state ^= state << 5;
			return (state >>> 0) / 0x1_0000_0000;
		};
		const pieces = HOSTILE_SVGS.flatMap(entry => entry.svg.split(/(?=<)|(?<=>)|(?=\s[\w:-]+=)/)).filter(piece => piece.length > 0);
		let accepted = 0;
		for (let round = 0; round < 400; round++) {
			const parts = ['<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">'];
			const count = 1 + Math.floor(next() * 24);
			for (let index = 0; index < count; index++) {
				parts.push(pieces[Math.floor(next() * pieces.length)]);
			}
			const input = parts.join('');
			let result: SanitizedSvg;
			try {
				result = sanitizeSvg(input);
			} catch (error) {
				assert.ok(error instanceof SvgRejectedError, `round ${round}: ${String(error)} for ${input}`);
				continue;
			}
			accepted++;
			assertSafe(result.text, `round ${round}, from ${input}`);
			assert.equal(sanitizeSvg(result.text).text, result.text, `round ${round}: stable`);
			if (round % 20 === 0) {
				assert.equal((await sharp(Buffer.from(result.bytes)).metadata()).format, 'svg', `round ${round}: well-formed: ${result.text}`);
			}
		}
		assert.ok(accepted > 300, `${accepted} of 400 accepted`);
	});

	test('pixel size from width, height and viewBox as an <img> has it', () => {
		assert.deepEqual(svgPixelSize('200', '100', undefined), { width: 200, height: 100 });
		assert.deepEqual(svgPixelSize('2in', '72pt', undefined), { width: 192, height: 96 });
		assert.deepEqual(svgPixelSize('100%', '100%', '0 0 640 480'), { width: 640, height: 480 });
		assert.deepEqual(svgPixelSize('320', undefined, '0,0,640,480'), { width: 320, height: 240 });
		assert.deepEqual(svgPixelSize(undefined, '48px', '0 0 24 12'), { width: 96, height: 48 });
		assert.deepEqual(svgPixelSize(undefined, undefined, 'nonsense'), { width: 300, height: 150 });
		assert.deepEqual(svgPixelSize('1e9', '-5', undefined), { width: 100_000, height: 150 });
	});
});

suite('SVG allow-list', () => {
	test('an href stays only as a #id on an element that references, or as an inline raster on an image', () => {
		assert.equal(hrefAllowed('use', '#shape'), true);
		assert.equal(hrefAllowed('rect', '#shape'), false);
		assert.equal(hrefAllowed('use', 'other.svg#shape'), false);
		assert.equal(hrefAllowed('image', 'data:image/png;base64,iVBORw0KGgo='), true);
		assert.equal(hrefAllowed('use', 'data:image/png;base64,iVBORw0KGgo='), false);
		assert.equal(hrefAllowed('image', 'data:image/svg+xml;base64,PHN2Zz4='), false);
		assert.equal(hrefAllowed('image', 'https://example.com/a.png'), false);
	});

	test('an animation of an href, a handler or a style is forbidden; other attributes and elements are not', () => {
		assert.equal(animatesForbidden('set', 'xlink:href'), true);
		assert.equal(animatesForbidden('animate', ' onclick '), true);
		assert.equal(animatesForbidden('animate', 'STYLE'), true);
		assert.equal(animatesForbidden('animate', 'opacity'), false);
		assert.equal(animatesForbidden('animate', undefined), false);
		assert.equal(animatesForbidden('rect', 'href'), false);
	});

	test('CSS and attribute values: local url()s only, no scriptable scheme, no escape, no import', () => {
		assert.equal(safeCss('rect { fill: url(#g) } /* note */'), 'rect { fill: url(#g) } ');
		assert.equal(safeCss('@import "x.css";'), undefined);
		assert.equal(safeCss('rect { fill: url(https://example.com/x) }'), undefined);
		assert.equal(safeValue('fill', 'url(#g)'), 'url(#g)');
		assert.equal(safeValue('fill', 'url(other.svg#g)'), undefined);
		assert.equal(safeValue('fill', 'java\\script:x'), undefined);
		assert.equal(safeValue('values', 'javascript:alert(1)'), undefined);
		assert.equal(safeValue('style', 'fill: red'), 'fill: red');
		assert.equal(safeValue('d', 'M0 0L10 10'), 'M0 0L10 10');
	});
});
