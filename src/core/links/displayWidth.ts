/**
 * The width an HTML `<img>` gets for an image of `pixelWidth`: half, rounded, because
 * generated images are large enough for a HiDPI screen at half their pixel size.
 * Undefined when the width is not known (the link then has no width).
 */
export function displayWidth(pixelWidth: number | undefined): number | undefined {
	return pixelWidth ? Math.round(pixelWidth / 2) : undefined;
}
