import { mkdir, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ImageRecipe } from '../core/generation/imageRecipe';
import { entryFileName, entryForImage, entryJson, type HistoryEntry } from '../core/history/historyEntries';
import type { OutputFormat } from '../core/models/capabilities';

/**
 * The MCP server's image history: every image is written here, outside the workspace, the
 * moment it arrives and before anything is written into the workspace, so a paid image is
 * never lost when saving it there fails. The same entries (`<id>.json` beside `<id>.png`)
 * as the extension's history (src/core/history/historyEntries.ts).
 */

/** The history folder when `--history` does not name one: the user's data folder of the platform. */
export function defaultHistoryFolder(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, home: string = homedir()): string {
	if (platform === 'win32') {
		return join(env.LOCALAPPDATA || join(home, 'AppData', 'Local'), 'Illustrate', 'mcp-history');
	}
	if (platform === 'darwin') {
		return join(home, 'Library', 'Application Support', 'Illustrate', 'mcp-history');
	}
	return join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'illustrate', 'mcp-history');
}

/** An image kept in the history folder. */
export interface KeptImage extends HistoryEntry {
	/** Its file, an operating system path. */
	readonly file: string;
	readonly data: Uint8Array;
}

export class HistoryFolder {
	constructor(readonly folder: string) { }

	/** Writes the image and its entry; the batch runner's sink. */
	readonly save = async (bytes: Uint8Array, recipe: ImageRecipe, fallbackFormat: OutputFormat): Promise<KeptImage> => {
		const entry = entryForImage(bytes, recipe, fallbackFormat);
		await mkdir(this.folder, { recursive: true });
		const file = join(this.folder, entry.file);
		await writeFile(file, bytes, { flag: 'wx' });
		await writeFile(join(this.folder, entryFileName(entry)), entryJson(entry), { flag: 'wx' });
		return { ...entry, file, data: bytes };
	};
}
