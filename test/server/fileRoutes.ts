/**
 * `/v1/files` as the API has it, for the Batch API: a multipart upload (`purpose` and `file`),
 * retrieve, `/content` download and delete. Kept in memory, bounded: 200 MB a file (the Batch
 * API's input limit) and 1 GB in all.
 */
import busboy from 'busboy';
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ApiError, sendApiError, sendJson } from './httpReplies';
import { listPage } from './listPage';

export const MAX_FILE_BYTES = 200 * 1024 * 1024;
const MAX_TOTAL_BYTES = 1024 * 1024 * 1024;
const PURPOSES = new Set(['assistants', 'batch', 'fine-tune', 'vision', 'user_data', 'evals']);

export interface StoredFile {
	readonly id: string;
	readonly filename: string;
	readonly purpose: string;
	readonly bytes: Buffer;
	readonly createdAt: number;
}

/** The files uploaded to, or produced by, the server. */
export class FileStore {
	private readonly files = new Map<string, StoredFile>();
	private total = 0;

	add(filename: string, purpose: string, bytes: Buffer): StoredFile {
		if (this.total + bytes.length > MAX_TOTAL_BYTES) {
			throw new ApiError(400, 'invalid_request_error', 'quota_exceeded', 'The organization\'s file storage is full.');
		}
		const file = { id: `file-${randomBytes(12).toString('hex')}`, filename, purpose, bytes, createdAt: Math.floor(Date.now() / 1000) };
		this.files.set(file.id, file);
		this.total += bytes.length;
		return file;
	}

	get(id: string): StoredFile | undefined {
		return this.files.get(id);
	}

	delete(id: string): boolean {
		const file = this.files.get(id);
		if (file) {
			this.total -= file.bytes.length;
			this.files.delete(id);
		}
		return file !== undefined;
	}

	list(): StoredFile[] {
		return [...this.files.values()];
	}

	clear(): void {
		this.files.clear();
		this.total = 0;
	}
}

/** The API's file object. */
export function fileObject(file: StoredFile): Record<string, unknown> {
	return {
		id: file.id, object: 'file', bytes: file.bytes.length, created_at: file.createdAt,
		expires_at: file.createdAt + 30 * 86_400, filename: file.filename, purpose: file.purpose, status: 'processed',
	};
}

function notFound(id: string): ApiError {
	return new ApiError(404, 'invalid_request_error', null, `No such File object: ${id}`, 'id');
}

async function readUpload(request: IncomingMessage): Promise<{ purpose?: string; filename?: string; bytes?: Buffer }> {
	const contentType = request.headers['content-type'] ?? '';
	if (!contentType.startsWith('multipart/form-data')) {
		throw new ApiError(400, 'invalid_request_error', null, 'The files endpoint takes multipart/form-data with `purpose` and `file`.');
	}
	const result: { purpose?: string; filename?: string; bytes?: Buffer } = {};
	await new Promise<void>((resolve, reject) => {
		const parser = busboy({ headers: request.headers, limits: { fileSize: MAX_FILE_BYTES, files: 1, fields: 10 } });
		parser.on('field', (name, value) => {
			if (name === 'purpose') {
				result.purpose = value;
			}
		});
		parser.on('file', (_name, stream, info) => {
			const chunks: Buffer[] = [];
			stream.on('data', (chunk: Buffer) => chunks.push(chunk));
			stream.on('limit', () => reject(new ApiError(413, 'invalid_request_error', 'file_too_large', `File is larger than ${MAX_FILE_BYTES} bytes.`)));
			stream.on('close', () => {
				result.filename = info.filename ?? 'file';
				result.bytes = Buffer.concat(chunks);
			});
		});
		parser.on('error', reject);
		parser.on('close', () => resolve());
		request.pipe(parser);
	});
	return result;
}

/** A file download held part way (a test stops its reader there): after how many lines, and until what. */
export interface ContentHold {
	readonly afterLines: number;
	readonly released: (signal: AbortSignal) => Promise<void>;
}

/** The file's bytes, its first `hold.afterLines` lines at once and the rest once released (nothing more once the client left). */
async function sendContent(file: StoredFile, response: ServerResponse, hold?: ContentHold): Promise<void> {
	response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': file.bytes.length });
	let cut = 0;
	for (let line = 0; hold && line < hold.afterLines && cut >= 0; line++) {
		cut = file.bytes.indexOf(0x0a, cut) + 1 || -1;
	}
	if (!hold || hold.afterLines <= 0 || cut <= 0 || cut >= file.bytes.length) {
		response.end(file.bytes);
		return;
	}
	response.write(file.bytes.subarray(0, cut));
	const left = new AbortController();
	response.on('close', () => left.abort());
	await hold.released(left.signal);
	if (left.signal.aborted) {
		response.destroy();
		return;
	}
	response.end(file.bytes.subarray(cut));
}

/** `/v1/files*`; answers false for a path that is not one of them. */
export async function handleFiles(files: FileStore, request: IncomingMessage, response: ServerResponse, path: string, url: URL, hold?: ContentHold): Promise<boolean> {
	const match = /^\/v1\/files(?:\/([^/]+))?(\/content)?$/.exec(path);
	if (!match) {
		return false;
	}
	const [, id, content] = match;
	try {
		if (request.method === 'POST' && !id) {
			const upload = await readUpload(request);
			if (!upload.purpose || !PURPOSES.has(upload.purpose)) {
				throw new ApiError(400, 'invalid_request_error', null, `Invalid value for 'purpose': ${JSON.stringify(upload.purpose ?? null)}.`, 'purpose');
			}
			if (!upload.bytes) {
				throw new ApiError(400, 'invalid_request_error', null, 'Missing required parameter: \'file\'.', 'file');
			}
			sendJson(response, 200, fileObject(files.add(upload.filename ?? 'file', upload.purpose, upload.bytes)));
		} else if (request.method === 'GET' && !id) {
			// Newest first unless `order=asc`; `purpose` filters.
			const purpose = url.searchParams.get('purpose');
			const listed = files.list().filter(file => !purpose || file.purpose === purpose);
			const ordered = url.searchParams.get('order') === 'asc' ? listed : listed.reverse();
			sendJson(response, 200, listPage(ordered, url.searchParams, { fallback: 10_000, max: 10_000 }, fileObject));
		} else if (request.method === 'GET' && id && content) {
			const file = files.get(id);
			if (!file) {
				throw notFound(id);
			}
			await sendContent(file, response, file.purpose === 'batch_output' ? hold : undefined);
		} else if (request.method === 'GET' && id) {
			const file = files.get(id);
			if (!file) {
				throw notFound(id);
			}
			sendJson(response, 200, fileObject(file));
		} else if (request.method === 'DELETE' && id && !content) {
			if (!files.delete(id)) {
				throw notFound(id);
			}
			sendJson(response, 200, { id, object: 'file', deleted: true });
		} else {
			throw new ApiError(404, 'invalid_request_error', null, `Invalid URL (${request.method} ${path})`);
		}
	} catch (error) {
		if (!(error instanceof ApiError)) {
			throw error;
		}
		request.resume();
		sendApiError(response, error);
	}
	return true;
}
