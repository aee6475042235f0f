/**
 * The card-size copies (`panelCopy`, `historyCopy` in ./cardCopy.ts) made where there is no
 * image worker: the web extension host, and the Node host's main thread when a batch runs
 * there (a proxy, a history folder that is not local). The same copies as the worker's (card
 * size, a JPEG when opaque), made without holding a thread others share: the scaling gives the
 * thread back every 20 ms already (./pngThumbnail.ts), and the JPEG is encoded in slices
 * (`encodeJpegInSlices`) instead of at once.
 */

import { historyCopy, panelCopy, type HistoryCopy, type JpegEncoder } from './cardCopy';
import { encodeJpegInSlices } from './jpegEncoder';
import type { DeflateCodec, ScaledPixels } from './pngFormat';

/**
 * Runs `make` with a JPEG encoder that only notes the pixels and the quality it was asked
 * for, then encodes them in slices: `make` decides, as it does in the worker, whether the copy
 * is a JPEG and at which quality.
 */
async function withJpegInSlices(make: (encodeJpeg: JpegEncoder) => Promise<HistoryCopy | undefined>): Promise<HistoryCopy | undefined> {
	let asked: { readonly pixels: ScaledPixels; readonly quality: number } | undefined;
	const copy = await make((pixels, quality) => {
		asked = { pixels, quality };
		return new Uint8Array(0);
	});
	if (copy?.format !== 'jpeg' || !asked) {
		return copy;
	}
	return { ...copy, bytes: await encodeJpegInSlices(asked.pixels, asked.quality) };
}

/** The Generate panel's copy of a PNG as it streams in (see `panelCopy`), made in slices. */
export function slicedPanelCopy(bytes: Uint8Array, codec: DeflateCodec, options: { readonly draft?: boolean; readonly abandoned?: () => boolean } = {}): Promise<HistoryCopy | undefined> {
	return withJpegInSlices(encodeJpeg => panelCopy(bytes, codec, encodeJpeg, options));
}

/** The history's copy of a PNG (see `historyCopy`), made in slices. */
export function slicedHistoryCopy(bytes: Uint8Array, codec: DeflateCodec): Promise<HistoryCopy | undefined> {
	return withJpegInSlices(encodeJpeg => historyCopy(bytes, codec, encodeJpeg));
}
