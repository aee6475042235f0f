/**
 * The bare SDK script of `npm run bench`, in a process of its own (the bench's process also
 * runs the test server, whose CPU time is not the script's): the simplest client, one request
 * with the SDK, each image decoded and written to disk. bench/panel.ts forks it and sends it
 * one message per run; it answers with the run's wall time and its own CPU time.
 */
import OpenAI from 'openai';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { BareRun } from './figures';

export interface BareRequest {
	readonly baseURL: string;
	readonly apiKey: string;
	readonly prompt: string;
	readonly size: string;
	readonly n: number;
	readonly folder: string;
}

async function run(request: BareRequest): Promise<BareRun> {
	const client = new OpenAI({ apiKey: request.apiKey, baseURL: request.baseURL, maxRetries: 0, timeout: 600_000 });
	const cpu = process.cpuUsage();
	const started = Date.now();
	const response = await client.images.generate({ model: 'gpt-image-2', prompt: request.prompt, n: request.n, size: request.size as '1024x1024', quality: 'low', output_format: 'png' });
	await Promise.all((response.data ?? []).map((image, index) => writeFile(join(request.folder, `bare-${index}.png`), Buffer.from(image.b64_json ?? '', 'base64'))));
	const ms = Date.now() - started;
	const used = process.cpuUsage(cpu);
	return { ms, cpuMs: Math.round((used.user + used.system) / 1000), images: response.data?.length ?? 0 };
}

process.on('message', (request: BareRequest) => {
	run(request).then(result => process.send?.({ result }), (error: unknown) => process.send?.({ error: String(error) }));
});
