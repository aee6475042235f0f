/** What the cache needs of a configuration change (VS Code's `ConfigurationChangeEvent`). */
export interface ConfigurationChange<Scope> {
	/** Whether the change affects `section`; with a scope, whether its value there changed. */
	affectsConfiguration(section: string, scope?: Scope): boolean;
}

/** How the cache reads settings, and which of them it reads how. */
export interface SettingsSource<Resource, Scope, Value> {
	/**
	 * The scope whose settings apply to `resource`: its workspace folder, or undefined (the
	 * window's settings) for no resource or one outside every folder. Settings read for a
	 * resource are those of its folder: VS Code resolves a resource's settings by its folder.
	 */
	scopeOf(resource: Resource | undefined): Scope | undefined;
	/** A key naming a scope; the same scope always gives the same key. */
	keyOf(scope: Scope): string;
	/** Reads the settings for a scope (undefined: the window's). */
	read(scope: Scope | undefined): Value;
	/**
	 * Sections read as their resolved value in a scope (`get`): a change drops the scopes where
	 * it changed that value, and only those.
	 */
	readonly resolvedSections: readonly string[];
	/**
	 * Settings read layer by layer (`inspect`: the user's own value, a workspace that may only
	 * lower a limit): a change of their user value may leave the resolved value of every folder
	 * as it was, so any change of one drops every scope.
	 */
	readonly layeredSettings: readonly string[];
}

/** The key of the window's settings; a scope's key never is empty. */
const WINDOW = '';

/**
 * Settings read once per scope (a workspace folder, or the window) and kept until a change
 * that affects them: reading VS Code's configuration allocates about half a megabyte each
 * time, and the extension host's main thread reads them per image and per message. Exact:
 * what `get` returns is what `read` returns now for that scope, as long as every
 * configuration change, every change of the workspace's folders and every grant of workspace
 * trust (which makes restricted settings count) reaches `changed` or `clear` before the
 * next `get`.
 */
export class SettingsCache<Resource, Scope, Value> {
	private readonly entries = new Map<string, { readonly scope: Scope | undefined; readonly value: Value }>();

	constructor(private readonly source: SettingsSource<Resource, Scope, Value>) { }

	/** The settings that apply to `resource` (the window's when undefined). */
	get(resource?: Resource): Value {
		const scope = this.source.scopeOf(resource);
		const key = scope === undefined ? WINDOW : this.source.keyOf(scope);
		const known = this.entries.get(key);
		if (known) {
			return known.value;
		}
		const value = this.source.read(scope);
		this.entries.set(key, { scope, value });
		return value;
	}

	/** Drops what a configuration change makes out of date. */
	changed(change: ConfigurationChange<Scope>): void {
		if (this.source.layeredSettings.some(setting => change.affectsConfiguration(setting))) {
			this.clear();
			return;
		}
		for (const [key, { scope }] of this.entries) {
			// The window's entry: a change anywhere may be the workspace's own.
			const affected = scope === undefined
				? this.source.resolvedSections.some(section => change.affectsConfiguration(section))
				: this.source.resolvedSections.some(section => change.affectsConfiguration(section, scope));
			if (affected) {
				this.entries.delete(key);
			}
		}
	}

	/** Drops everything: the folders changed, or the workspace was trusted. */
	clear(): void {
		this.entries.clear();
	}

	/** How many scopes are kept, for tests. */
	get size(): number {
		return this.entries.size;
	}
}
