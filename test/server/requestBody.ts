/** Reading an image request's body: JSON, or multipart form data with its files (whose fields get their schema types back). */
import busboy from 'busboy';
import { createHash } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { ApiError } from './httpReplies';
import { imageMetadata } from './imageFactory';
import type { RecordedFile } from './requestLog';
import { fieldType, type SchemaName } from './schemaValidator';

const MAX_BODY_BYTES = 16 * 50 * 1024 * 1024 + 4 * 1024 * 1024;

export interface ParsedBody {
	readonly body: Record<string, unknown>;
	readonly files: RecordedFile[];
	readonly fileBytes: Map<string, Buffer[]>;
	/** Every uploaded file's bytes, in the order of `files`. */
	readonly ordered: Buffer[];
}

/** Reads a whole body, refusing one larger than the API takes (16 images of 50 MB and a mask). */
export async function readBody(request: IncomingMessage): Promise<Buffer> {
	const chunks: Buffer[] = [];
	let total = 0;
	for await (const chunk of request) {
		total += (chunk as Buffer).length;
		if (total > MAX_BODY_BYTES) {
			throw new ApiError(413, 'invalid_request_error', null, 'Request body too large.');
		}
		chunks.push(chunk as Buffer);
	}
	return Buffer.concat(chunks);
}

/** Multipart fields arrive as text: give numbers and booleans their declared types again. */
function coerceField(schema: SchemaName, name: string, value: string): unknown {
	const type = fieldType(schema, name.replace(/\[\]$/, ''));
	if (type === 'integer' || type === 'number') {
		const number = Number(value);
		return value.trim() !== '' && Number.isFinite(number) ? number : value;
	}
	if (type === 'boolean') {
		return value === 'true' ? true : value === 'false' ? false : value;
	}
	return value;
}

/** `svg[reasoning][effort]` → `['svg', 'reasoning', 'effort']`; undefined for a plain or `[]` field. */
function nestedPath(name: string): string[] | undefined {
	const match = /^([A-Za-z_][\w]*)((?:\[[A-Za-z_][\w]*\])+)$/.exec(name);
	const path = match ? [match[1], ...[...match[2].matchAll(/\[([^\]]+)\]/g)].map(part => part[1])] : undefined;
	// A form's field names are the client's: none may reach an object's prototype.
	return path?.some(key => key === '__proto__' || key === 'constructor' || key === 'prototype') ? undefined : path;
}

/** Sets a nested multipart field (`svg[model]`, as the SDK sends objects in forms) into `body`. */
function setNested(body: Record<string, unknown>, path: string[], value: unknown): void {
	let node = body;
	for (const key of path.slice(0, -1)) {
		const next = node[key];
		if (!next || typeof next !== 'object' || Array.isArray(next)) {
			node[key] = {};
		}
		node = node[key] as Record<string, unknown>;
	}
	node[path[path.length - 1]] = value;
}

async function parseMultipart(request: IncomingMessage, schema: SchemaName): Promise<ParsedBody> {
	const body: Record<string, unknown> = {};
	const files: RecordedFile[] = [];
	const fileBytes = new Map<string, Buffer[]>();
	const slotBytes: { key: string; bytes: Buffer }[] = [];
	const pending: Promise<void>[] = [];
	await new Promise<void>((resolve, reject) => {
		const parser = busboy({ headers: request.headers, limits: { fileSize: 60 * 1024 * 1024, files: 40 } });
		parser.on('field', (name, value) => {
			const nested = nestedPath(name);
			if (nested) {
				setNested(body, nested, value);
				return;
			}
			const key = name.replace(/\[\]$/, '');
			const coerced = coerceField(schema, name, value);
			if (name.endsWith('[]')) {
				body[key] = [...(Array.isArray(body[key]) ? body[key] as unknown[] : []), coerced];
			} else {
				body[key] = coerced;
			}
		});
		parser.on('file', (name, stream, info) => {
			const chunks: Buffer[] = [];
			// Files keep the order they arrived in, whatever order their metadata is read in.
			const slot = files.length;
			files.length++;
			stream.on('data', (chunk: Buffer) => chunks.push(chunk));
			pending.push(new Promise<void>(done => stream.on('close', async () => {
				const bytes = Buffer.concat(chunks);
				const key = name.replace(/\[\]$/, '');
				const meta = await imageMetadata(bytes).catch(() => undefined);
				files[slot] = {
					field: name,
					filename: info.filename ?? '',
					contentType: info.mimeType,
					size: bytes.length,
					sha256: createHash('sha256').update(bytes).digest('hex'),
					width: meta?.width,
					height: meta?.height,
					hasAlpha: meta?.hasAlpha,
				};
				slotBytes[slot] = { key, bytes };
				body[key] = name.endsWith('[]') ? [...(Array.isArray(body[key]) ? body[key] as unknown[] : []), '<binary>'] : '<binary>';
				done();
			})));
		});
		parser.on('error', reject);
		parser.on('close', () => resolve());
		request.pipe(parser);
	});
	await Promise.all(pending);
	for (const { key, bytes } of slotBytes) {
		fileBytes.set(key, [...(fileBytes.get(key) ?? []), bytes]);
	}
	return { body, files, fileBytes, ordered: slotBytes.map(slot => slot.bytes) };
}

/** Parses an image request's body by its content type; throws the API's error for a body it cannot read. */
export async function parseRequestBody(request: IncomingMessage, schema: SchemaName): Promise<ParsedBody> {
	const contentType = request.headers['content-type'] ?? '';
	if (contentType.startsWith('multipart/form-data')) {
		return parseMultipart(request, schema);
	}
	const text = (await readBody(request)).toString('utf8');
	let body: unknown;
	try {
		body = JSON.parse(text);
	} catch {
		throw new ApiError(400, 'invalid_request_error', null, 'We could not parse the JSON body of your request.');
	}
	return { body: body as Record<string, unknown>, files: [], fileBytes: new Map(), ordered: [] };
}
