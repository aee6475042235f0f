import * as vscode from 'vscode';
import { randomUUID } from 'crypto';
import { extensionForFormat } from '../core/naming/fileNames';
import { readImageInfo } from '../core/images/imageInfo';
import type { OutputFormat } from '../core/models/capabilities';

/** How an image was made: kept beside it, so it can be inserted or regenerated later. */
export interface ImageRecipe {
	readonly prompt: string;
	readonly model: string;
	readonly size: string;
	readonly quality: string;
	readonly revisedPrompt?: string;
}

export interface StoredImage extends ImageRecipe {
	readonly id: string;
	readonly uri: vscode.Uri;
	readonly format: OutputFormat;
	readonly width?: number;
	readonly height?: number;
	readonly createdAt: string;
}

/**
 * Every image received, kept in the extension's global storage the moment it arrives,
 * so nothing paid for is lost when a panel closes, a window reloads or an insert fails.
 */
export class ImageStore {
	readonly folder: vscode.Uri;

	constructor(storageRoot: vscode.Uri) {
		this.folder = vscode.Uri.joinPath(storageRoot, 'images');
	}

	/** Writes the bytes exactly as received, with the recipe in a JSON file beside them. */
	async save(bytes: Uint8Array, recipe: ImageRecipe, fallbackFormat: OutputFormat): Promise<StoredImage> {
		const info = readImageInfo(bytes);
		const format = info?.format ?? fallbackFormat;
		const createdAt = new Date().toISOString();
		const id = `${createdAt.replace(/[:.]/g, '-')}-${randomUUID().slice(0, 8)}`;
		const uri = vscode.Uri.joinPath(this.folder, `${id}.${extensionForFormat(format)}`);
		const image: StoredImage = { ...recipe, id, uri, format, width: info?.width, height: info?.height, createdAt };
		await vscode.workspace.fs.createDirectory(this.folder);
		await vscode.workspace.fs.writeFile(uri, bytes);
		const { uri: _uri, ...metadata } = image;
		await vscode.workspace.fs.writeFile(vscode.Uri.joinPath(this.folder, `${id}.json`), new TextEncoder().encode(JSON.stringify(metadata, null, '\t')));
		return image;
	}

	async read(image: StoredImage): Promise<Uint8Array> {
		return vscode.workspace.fs.readFile(image.uri);
	}
}
