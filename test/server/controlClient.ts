import type { FailureSpec } from './apiFailures';
import type { BatchDrive } from './batchRoutes';
import type { RecordedRequest } from './requestLog';
import type { ServerConfig } from './serverConfig';

/**
 * Drives the test image API server from another process (the extension host, a
 * benchmark) through its `/__control` routes.
 */
export class ImageApiControl {
	constructor(readonly origin: string) { }

	/** From `ILLUSTRATE_TEST_SERVER`, which the test harness sets for the extension host. */
	static fromEnvironment(): ImageApiControl {
		const origin = process.env.ILLUSTRATE_TEST_SERVER;
		if (!origin) {
			throw new Error('ILLUSTRATE_TEST_SERVER is not set: run the tests through the harness (npm test).');
		}
		return new ImageApiControl(origin);
	}

	private async call(method: string, path: string, body?: unknown): Promise<Response> {
		const response = await fetch(this.origin + path, {
			method,
			headers: body === undefined ? undefined : { 'content-type': 'application/json' },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		if (!response.ok) {
			throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
		}
		return response;
	}

	async reset(): Promise<void> {
		await this.call('POST', '/__control/reset');
	}

	async configure(config: Partial<ServerConfig>): Promise<void> {
		await this.call('POST', '/__control/config', config);
	}

	async fail(...failures: FailureSpec[]): Promise<void> {
		await this.call('POST', '/__control/failures', { failures });
	}

	async releaseFinals(): Promise<void> {
		await this.call('POST', '/__control/release');
	}

	async requests(): Promise<RecordedRequest[]> {
		return (await this.call('GET', '/__control/requests')).json() as Promise<RecordedRequest[]>;
	}

	async uploadedBytes(requestId: string, index: number): Promise<Uint8Array> {
		return new Uint8Array(await (await this.call('GET', `/__control/requests/${requestId}/files/${index}`)).arrayBuffer());
	}

	async imageBytes(requestId: string, index: number): Promise<Uint8Array> {
		return new Uint8Array(await (await this.call('GET', `/__control/requests/${requestId}/images/${index}`)).arrayBuffer());
	}

	/** The server's batches, oldest first, each with its input lines. */
	async batches(): Promise<Array<Record<string, unknown> & { id: string; status: string; lines: { custom_id: string; body: Record<string, unknown>; refused: string | null }[] }>> {
		return (await this.call('GET', '/__control/batches')).json() as Promise<Array<Record<string, unknown> & { id: string; status: string; lines: { custom_id: string; body: Record<string, unknown>; refused: string | null }[] }>>;
	}

	/** Moves a batch (`latest`: the newest) to the next state; see batchRoutes.ts. */
	async driveBatch(id: string, drive: BatchDrive): Promise<Record<string, unknown>> {
		return (await this.call('POST', `/__control/batches/${id}`, drive)).json() as Promise<Record<string, unknown>>;
	}
}
