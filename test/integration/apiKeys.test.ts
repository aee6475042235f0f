import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { ApiKeys } from '../../src/providers/apiKeys';

/** A SecretStorage that counts its reads and fires onDidChange as VS Code's does. */
class CountingSecrets implements vscode.SecretStorage {
	readonly values = new Map<string, string>();
	reads = 0;
	private readonly changed = new vscode.EventEmitter<vscode.SecretStorageChangeEvent>();
	readonly onDidChange = this.changed.event;

	async get(key: string): Promise<string | undefined> {
		this.reads += 1;
		return this.values.get(key);
	}
	async keys(): Promise<string[]> {
		return [...this.values.keys()];
	}
	async store(key: string, value: string): Promise<void> {
		this.values.set(key, value);
		this.changed.fire({ key });
	}
	async delete(key: string): Promise<void> {
		this.values.delete(key);
		this.changed.fire({ key });
	}
	/** Another window (or the Set API Key command there) changes the secret. */
	changeElsewhere(key: string, value: string): void {
		this.values.set(key, value);
		this.changed.fire({ key });
	}
}

suite('API keys in memory', () => {
	test('a key is read from secret storage once, then served from memory', async () => {
		const secrets = new CountingSecrets();
		const keys = new ApiKeys(secrets, {});
		await keys.set('openai', 'sk-first');
		const before = secrets.reads;
		const [a, b, c] = await Promise.all([keys.get('openai'), keys.get('openai'), keys.get('openai')]);
		assert.deepEqual([a?.value, b?.value, c?.value], ['sk-first', 'sk-first', 'sk-first']);
		assert.equal((await keys.get('openai'))?.source, 'secretStorage');
		assert.equal(secrets.reads - before, 1, 'four requests, one read');
		keys.dispose();
	});

	test('a change from another window (secrets.onDidChange) is seen by the next request', async () => {
		const secrets = new CountingSecrets();
		const keys = new ApiKeys(secrets, {});
		await keys.set('openai', 'sk-first');
		assert.equal((await keys.get('openai'))?.value, 'sk-first');
		secrets.changeElsewhere('illustrate.apiKey.openai', 'sk-second');
		assert.equal((await keys.get('openai'))?.value, 'sk-second');
		// Another provider's change leaves this one's cached key alone.
		const reads = secrets.reads;
		secrets.changeElsewhere('illustrate.apiKey.azure', 'azure-key');
		assert.equal((await keys.get('openai'))?.value, 'sk-second');
		assert.equal(secrets.reads, reads);
		keys.dispose();
	});

	test('Clear falls back to the environment at once; Set takes over at once', async () => {
		const secrets = new CountingSecrets();
		const keys = new ApiKeys(secrets, { OPENAI_API_KEY: 'sk-from-env' });
		await keys.set('openai', 'sk-stored');
		assert.equal((await keys.get('openai'))?.value, 'sk-stored');
		await keys.clear('openai');
		assert.deepEqual(await keys.get('openai'), { value: 'sk-from-env', source: 'environment' });
		await keys.set('openai', 'sk-new');
		assert.deepEqual(await keys.get('openai'), { value: 'sk-new', source: 'secretStorage' });
		keys.dispose();
	});

	test('a failed read is not remembered', async () => {
		const secrets = new CountingSecrets();
		let fail = true;
		const get = secrets.get.bind(secrets);
		secrets.get = async (key: string) => {
			if (fail) {
				secrets.reads += 1;
				throw new Error('keychain locked');
			}
			return get(key);
		};
		const keys = new ApiKeys(secrets, {});
		secrets.values.set('illustrate.apiKey.openai', 'sk-after-unlock');
		await assert.rejects(keys.get('openai'), /keychain locked/);
		fail = false;
		assert.equal((await keys.get('openai'))?.value, 'sk-after-unlock');
		keys.dispose();
	});
});
