import { measuredSize } from '../images/imageSize';

/** One JSON file per image folder records how each image in it was made. */
export const MANIFEST_NAME = 'illustrate-provenance.json';

export interface ProvenanceEntry {
	readonly prompt: string;
	readonly model: string;
	readonly size: string;
	readonly quality: string;
	readonly format: string;
	/** ISO date the image was generated. */
	readonly createdAt: string;
	readonly revisedPrompt?: string;
	readonly alt?: string;
}

type Json = Record<string, unknown>;

function isObject(value: unknown): value is Json {
	return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Reads a manifest's text leniently: undefined when it is not a JSON object (a hand edit
 * gone wrong), entries that lack a prompt are skipped.
 */
export function parseManifest(text: string | undefined): Map<string, ProvenanceEntry> | undefined {
	if (text === undefined || text.trim() === '') {
		return new Map();
	}
	let parsed: unknown;
	try {
		parsed = JSON.parse(text);
	} catch {
		return undefined;
	}
	if (!isObject(parsed)) {
		return undefined;
	}
	const entries = new Map<string, ProvenanceEntry>();
	const images = isObject(parsed.images) ? parsed.images : {};
	for (const [file, raw] of Object.entries(images)) {
		if (!isObject(raw) || typeof raw.prompt !== 'string') {
			continue;
		}
		const text = (key: string) => (typeof raw[key] === 'string' ? raw[key] as string : '');
		entries.set(file, {
			prompt: raw.prompt,
			model: text('model'),
			size: text('size'),
			quality: text('quality'),
			format: text('format'),
			createdAt: text('createdAt'),
			...(typeof raw.revisedPrompt === 'string' ? { revisedPrompt: raw.revisedPrompt } : {}),
			...(typeof raw.alt === 'string' ? { alt: raw.alt } : {}),
		});
	}
	return entries;
}

/**
 * The manifest's text with `entries` added or replaced, everything else kept as it was
 * (other files' entries, keys a person added). Undefined when the existing text is not a
 * JSON object: Illustrate never overwrites a manifest it cannot read.
 */
export function withEntries(text: string | undefined, entries: Readonly<Record<string, ProvenanceEntry>>): string | undefined {
	let manifest: Json = {};
	if (text !== undefined && text.trim() !== '') {
		try {
			const parsed: unknown = JSON.parse(text);
			if (!isObject(parsed)) {
				return undefined;
			}
			manifest = parsed;
		} catch {
			return undefined;
		}
	}
	const images = isObject(manifest.images) ? { ...manifest.images } : {};
	for (const [file, entry] of Object.entries(entries)) {
		images[file] = entry;
	}
	const sorted = Object.fromEntries(Object.keys(images).sort().map(key => [key, images[key]]));
	return JSON.stringify({ ...manifest, generator: 'Illustrate (VS Code)', images: sorted }, null, '\t') + '\n';
}

/** What the manifest needs to know of an image Illustrate made. */
export interface ProvenanceSource extends Omit<ProvenanceEntry, 'alt'> {
	readonly width?: number;
	readonly height?: number;
}

/** The manifest entry of one image: its recipe, the size it really has, and the alt text it was linked with. */
export function provenanceEntry(image: ProvenanceSource, alt: string): ProvenanceEntry {
	return {
		prompt: image.prompt,
		model: image.model,
		size: measuredSize(image),
		quality: image.quality,
		format: image.format,
		createdAt: image.createdAt,
		alt,
		...(image.revisedPrompt ? { revisedPrompt: image.revisedPrompt } : {}),
	};
}

/**
 * The entries to add for images saved at `paths` (the i-th image at the i-th path, linked with
 * `alt`, or with the i-th of `alt`), grouped by the folder whose manifest records them, keyed
 * by file name.
 */
export function provenanceByFolder(paths: readonly string[], images: readonly ProvenanceSource[], alt: string | readonly string[]): Map<string, Record<string, ProvenanceEntry>> {
	const byFolder = new Map<string, Record<string, ProvenanceEntry>>();
	for (const [index, path] of paths.entries()) {
		const slash = path.lastIndexOf('/');
		const folder = path.slice(0, slash) || '/';
		const entries = byFolder.get(folder) ?? {};
		entries[path.slice(slash + 1)] = provenanceEntry(images[index], typeof alt === 'string' ? alt : alt[index]);
		byFolder.set(folder, entries);
	}
	return byFolder;
}
