import type { DocumentImage } from './documentImages';

/** What an image of a document links, as the lenses, hovers and Fill Missing Images see it. */
export type ImageStatus =
	/** `![alt]()`: waiting for a picture. */
	| 'placeholder'
	/** Links a local file that does not exist. */
	| 'missing'
	/** Links a file that exists. */
	| 'existing'
	/** Links a URL, a reference Illustrate cannot resolve, or a file whose existence could not be checked. */
	| 'other';

/** What the file system says of the local file an image links: none (a URL, an unresolved reference), or whether it exists (undefined: could not tell). */
export type LinkedFile = { readonly kind: 'none' } | { readonly kind: 'file'; readonly exists: boolean | undefined };

/** Whether an image still needs its picture: only an image with a target Illustrate can write into is a placeholder or missing. */
export function isPlaceholder(image: Pick<DocumentImage, 'url' | 'target'>): boolean {
	return image.target !== undefined && (image.url === '' || image.url === undefined);
}

/** The status of an image that is not a placeholder, from what its link leads to. */
export function linkedImageStatus(image: Pick<DocumentImage, 'target'>, linked: LinkedFile): ImageStatus {
	if (linked.kind === 'none' || linked.exists === undefined) {
		return 'other';
	}
	return linked.exists ? 'existing' : image.target ? 'missing' : 'other';
}

/** Placeholders and links to missing files: what Fill Missing Images fills. */
export function isFillableStatus(status: ImageStatus): boolean {
	return status === 'placeholder' || status === 'missing';
}
