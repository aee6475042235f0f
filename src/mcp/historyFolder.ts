import { mkdir, readdir, readFile, stat, unlink, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { ImageRecipe } from '../core/generation/imageRecipe';
import { entriesToPrune, entryFileName, entryForImage, entryJson, isHistoryEntry, type HistoryEntry } from '../core/history/historyEntries';
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

/** The history's size cap when `--history-max-mb` does not set one, as illustrate.history.maxSizeMB's default. */
export const DEFAULT_HISTORY_MB = 500;
/** An entry's JSON is a few hundred bytes; a larger file in the folder is no entry. */
const MAX_ENTRY_BYTES = 64 * 1024;

export class HistoryFolder {
	/** Images this server process kept: never pruned while it runs. */
	private readonly session = new Set<string>();
	private pruning: Promise<number> = Promise.resolve(0);

	constructor(readonly folder: string, private readonly maxBytes: number = DEFAULT_HISTORY_MB * 1024 * 1024, private readonly log?: (line: string) => void) { }

	/** Writes the image and its entry; the batch runner's sink. Then prunes the oldest entries beyond the cap. */
	readonly save = async (bytes: Uint8Array, recipe: ImageRecipe, fallbackFormat: OutputFormat): Promise<KeptImage> => {
		const entry = entryForImage(bytes, recipe, fallbackFormat);
		await mkdir(this.folder, { recursive: true });
		const file = join(this.folder, entry.file);
		await writeFile(file, bytes, { flag: 'wx' });
		await writeFile(join(this.folder, entryFileName(entry)), entryJson(entry), { flag: 'wx' });
		this.session.add(entry.id);
		void this.prune().catch((error: unknown) => this.log?.(`Pruning the image history failed: ${error instanceof Error ? error.message : String(error)}`));
		return { ...entry, file, data: bytes };
	};

	/** Deletes the oldest entries (image and JSON) until the history fits its cap; returns how many went. One prune at a time. */
	prune(): Promise<number> {
		const run = this.pruning.then(() => this.pruneNow());
		this.pruning = run.catch(() => 0);
		return run;
	}

	private async pruneNow(): Promise<number> {
		const entries: HistoryEntry[] = [];
		for (const name of (await readdir(this.folder)).filter(candidate => candidate.endsWith('.json'))) {
			const path = join(this.folder, name);
			try {
				// Another process (a second server) may prune the same folder: a file gone meanwhile is skipped.
				if ((await stat(path)).size > MAX_ENTRY_BYTES) {
					continue;
				}
				const parsed: unknown = JSON.parse(await readFile(path, 'utf8'));
				if (isHistoryEntry(parsed) && !parsed.file.includes('\\') && entryFileName(parsed as HistoryEntry) === name) {
					entries.push(parsed as HistoryEntry);
				}
			} catch {
				// Gone, or not an entry: left alone.
			}
		}
		entries.sort((a, b) => b.createdAt.localeCompare(a.createdAt));
		const pruned = entriesToPrune(entries, this.maxBytes, id => this.session.has(id));
		const byId = new Map(entries.map(entry => [entry.id, entry]));
		for (const id of pruned) {
			const entry = byId.get(id)!;
			for (const name of [entry.file, entryFileName(entry)]) {
				await unlink(join(this.folder, name)).catch((error: NodeJS.ErrnoException) => {
					if (error.code !== 'ENOENT') {
						throw error;
					}
				});
			}
		}
		if (pruned.length > 0) {
			this.log?.(`Pruned ${pruned.length} old image(s) from ${this.folder} to stay under ${Math.round(this.maxBytes / 1024 / 1024)} MB (--history-max-mb).`);
		}
		return pruned.length;
	}
}
