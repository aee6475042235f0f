/** A size as the API and the manifest write it: `1536x1024`. (`parseSize` in ../models/validation reads it back.) */
export function formatSize(width: number, height: number): string {
	return `${width}x${height}`;
}

/** The size an image really has when its header was read, else the size it was asked for. */
export function measuredSize(image: { readonly width?: number; readonly height?: number; readonly size: string }): string {
	return image.width && image.height ? formatSize(image.width, image.height) : image.size;
}
