import * as assert from 'node:assert/strict';
import OpenAI, { toFile } from 'openai';
import sharp from 'sharp';
import { ImageApiControl } from './controlClient';
import { startImageApiServer, type ImageApiServer } from './imageApiServer';

const KEY = 'sk-test-server-0123456789';

function jsonl(lines: unknown[]): Buffer {
	return Buffer.from(lines.map(line => JSON.stringify(line)).join('\n') + '\n');
}

const generation = (customId: string, prompt: string, size = '1024x1024') => ({ custom_id: customId, method: 'POST', url: '/v1/images/generations', body: { model: 'gpt-image-1.5', prompt, size, quality: 'low' } });

async function lines(client: OpenAI, fileId: string | null | undefined): Promise<Array<Record<string, any>>> {
	assert.ok(fileId, 'the batch has the file');
	const text = await (await client.files.content(fileId)).text();
	return text.split('\n').filter(Boolean).map(line => JSON.parse(line) as Record<string, any>);
}

suite('test API server: files and batches', function () {
	this.timeout(30_000);
	let server: ImageApiServer;
	let client: OpenAI;
	let control: ImageApiControl;

	suiteSetup(async () => {
		server = await startImageApiServer();
		client = new OpenAI({ apiKey: KEY, baseURL: server.url, maxRetries: 0, timeout: 10_000 });
		control = new ImageApiControl(server.origin);
	});
	setup(() => server.reset());
	suiteTeardown(() => server.close());

	test('a file uploads with purpose batch, is retrieved and downloaded byte for byte', async () => {
		const bytes = jsonl([generation('a', 'a fox')]);
		const file = await client.files.create({ file: await toFile(bytes, 'input.jsonl'), purpose: 'batch' });
		assert.equal(file.purpose, 'batch');
		assert.equal(file.bytes, bytes.length);
		assert.equal((await client.files.retrieve(file.id)).filename, 'input.jsonl');
		assert.deepEqual(Buffer.from(await (await client.files.content(file.id)).arrayBuffer()), bytes);
		await assert.rejects(client.files.retrieve('file-nope'), (error: unknown) => error instanceof OpenAI.NotFoundError);
	});

	test('files and batches list in pages the same way: newest first, limit, after, first_id, last_id, has_more; files by purpose', async () => {
		const uploaded = [];
		for (const name of ['a', 'b', 'c']) {
			uploaded.push(await client.files.create({ file: await toFile(jsonl([generation(name, `a ${name}`)]), `${name}.jsonl`), purpose: 'batch' }));
		}
		await client.files.create({ file: await toFile(Buffer.from('not a batch'), 'ref.png'), purpose: 'vision' });
		const firstPage = await client.files.list({ purpose: 'batch', limit: 2 });
		assert.deepEqual(firstPage.data.map(file => file.filename), ['c.jsonl', 'b.jsonl']);
		assert.equal(firstPage.has_more, true);
		const secondPage = await client.files.list({ purpose: 'batch', limit: 2, after: firstPage.data[1].id });
		assert.deepEqual(secondPage.data.map(file => file.filename), ['a.jsonl']);
		assert.equal(secondPage.has_more, false);
		assert.deepEqual((await client.files.list({ order: 'asc' })).data.map(file => file.filename), ['a.jsonl', 'b.jsonl', 'c.jsonl', 'ref.png']);

		const batches = [];
		for (const file of uploaded) {
			batches.push(await client.batches.create({ input_file_id: file.id, endpoint: '/v1/images/generations', completion_window: '24h' }));
		}
		const page = await fetch(`${server.url}/batches?limit=2&after=${batches[2].id}`, { headers: { authorization: `Bearer ${KEY}` } }).then(response => response.json()) as { data: { id: string }[]; first_id: string; last_id: string; has_more: boolean };
		assert.deepEqual(page.data.map(batch => batch.id), [batches[1].id, batches[0].id]);
		assert.deepEqual([page.first_id, page.last_id, page.has_more], [batches[1].id, batches[0].id, false]);
		const files = await fetch(`${server.url}/files?limit=1`, { headers: { authorization: `Bearer ${KEY}` } }).then(response => response.json()) as { data: { filename: string }[]; first_id: string; last_id: string; has_more: boolean };
		assert.deepEqual([files.data.length, files.has_more, typeof files.first_id, files.first_id === files.last_id], [1, true, 'string', true]);
	});

	test('a download of an output file can be held after some lines (holdContentAfterLines) until released; an input file never is', async () => {
		const input = await client.files.create({ file: await toFile(jsonl([generation('h-1', 'a fox'), generation('h-2', 'an owl'), generation('h-3', 'a hare')]), 'input.jsonl'), purpose: 'batch' });
		const created = await client.batches.create({ input_file_id: input.id, endpoint: '/v1/images/generations', completion_window: '24h' });
		await control.driveBatch(created.id, { status: 'in_progress' });
		await control.driveBatch(created.id, { status: 'finalizing' });
		const completed = await control.driveBatch(created.id, { status: 'completed' });
		await control.configure({ holdContentAfterLines: 2 });
		assert.equal((await (await client.files.content(input.id)).text()).split('\n').filter(Boolean).length, 3, 'an input file is sent whole');
		const reader = (await client.files.content(String(completed.output_file_id))).body!.getReader();
		let text = '';
		while (text.split('\n').length < 3) {
			const { value } = await reader.read();
			text += Buffer.from(value!).toString('utf8');
		}
		assert.deepEqual(text.split('\n').filter(Boolean).map(line => (JSON.parse(line) as { custom_id: string }).custom_id), ['h-1', 'h-2'], 'two lines, then the download waits');
		const rest = reader.read();
		await control.releaseFinals();
		for (let chunk = await rest; !chunk.done; chunk = await reader.read()) {
			text += Buffer.from(chunk.value).toString('utf8');
		}
		assert.deepEqual(text.split('\n').filter(Boolean).map(line => (JSON.parse(line) as { custom_id: string }).custom_id), ['h-1', 'h-2', 'h-3']);
	});

	test('SVG and GIF requests get SVG and GIF output lines, as the synchronous endpoint makes them; streaming is refused per line', async () => {
		const svg = { custom_id: 'svg-1', method: 'POST', url: '/v1/images/generations', body: { model: 'gpt-image-2.6-sunburst', prompt: 'a flow diagram', size: '1024x1024', quality: 'low', output_format: 'svg', stream: false } };
		const gif = { custom_id: 'gif-1', method: 'POST', url: '/v1/images/generations', body: { model: 'gpt-image-2.6-flare', prompt: 'a loop', size: 'auto', quality: 'low', output_format: 'gif', frame_count: 4, stream: false } };
		const streamed = { custom_id: 'svg-2', method: 'POST', url: '/v1/images/generations', body: { ...svg.body, stream: true } };
		const input = await client.files.create({ file: await toFile(jsonl([svg, gif, streamed]), 'input.jsonl'), purpose: 'batch' });
		const created = await client.batches.create({ input_file_id: input.id, endpoint: '/v1/images/generations', completion_window: '24h' });
		await control.driveBatch(created.id, { status: 'in_progress' });
		await control.driveBatch(created.id, { status: 'finalizing' });
		await control.driveBatch(created.id, { status: 'completed' });
		const done = await client.batches.retrieve(created.id);
		const output = await lines(client, done.output_file_id);
		assert.deepEqual(output.map(line => [line.custom_id, line.response.body.output_format]), [['svg-1', 'svg'], ['gif-1', 'gif']]);
		assert.match(Buffer.from(output[0].response.body.data[0].b64_json, 'base64').toString('utf8'), /^<\?xml[^]*<svg[\s>]/);
		assert.equal(output[0].response.body.svg_usage.model, 'gpt-5.5');
		const animation = Buffer.from(output[1].response.body.data[0].b64_json, 'base64');
		assert.equal(animation.subarray(0, 6).toString('latin1'), 'GIF89a');
		const errors = await lines(client, done.error_file_id);
		assert.deepEqual(errors.map(line => [line.custom_id, line.response.body.error.param]), [['svg-2', 'stream']]);
	});

	test('validating → in_progress → finalizing → completed: real images of the requested size, failed lines in the error file', async () => {
		const input = await client.files.create({ file: await toFile(jsonl([generation('doc-1', 'a fox', '1536x1024'), generation('doc-2', 'a bad one'), generation('doc-3', 'an owl')]), 'input.jsonl'), purpose: 'batch' });
		const created = await client.batches.create({ input_file_id: input.id, endpoint: '/v1/images/generations', completion_window: '24h' });
		assert.equal(created.status, 'validating');
		await control.driveBatch(created.id, { status: 'in_progress' });
		assert.deepEqual((await client.batches.retrieve(created.id)).request_counts, { total: 3, completed: 0, failed: 0 });
		await control.driveBatch('latest', { status: 'finalizing' });
		await control.driveBatch('latest', { status: 'completed', failLines: ['doc-2'] });
		const done = await client.batches.retrieve(created.id);
		assert.equal(done.status, 'completed');
		assert.deepEqual(done.request_counts, { total: 3, completed: 2, failed: 1 });
		const output = await lines(client, done.output_file_id);
		assert.deepEqual(output.map(line => line.custom_id), ['doc-1', 'doc-3']);
		const meta = await sharp(Buffer.from(output[0].response.body.data[0].b64_json, 'base64')).metadata();
		assert.deepEqual([meta.width, meta.height, meta.format], [1536, 1024, 'png']);
		const errors = await lines(client, done.error_file_id);
		assert.equal(errors[0].custom_id, 'doc-2');
		assert.equal(errors[0].response.body.error.code, 'moderation_blocked');
		assert.equal((await client.batches.list()).data[0].id, created.id);
	});

	test('cancel → cancelling → cancelled delivers the lines it reached; an invalid line and a bad file are refused', async () => {
		const input = await client.files.create({ file: await toFile(jsonl([generation('x-1', 'one'), generation('x-2', 'two'), { ...generation('x-3', 'three'), body: { model: 'gpt-image-1.5', prompt: 'three', size: '7x7' } }]), 'input.jsonl'), purpose: 'batch' });
		const batch = await client.batches.create({ input_file_id: input.id, endpoint: '/v1/images/generations', completion_window: '24h' });
		await control.driveBatch(batch.id, { status: 'in_progress' });
		assert.equal((await client.batches.cancel(batch.id)).status, 'cancelling');
		await control.driveBatch(batch.id, { status: 'cancelled', completedLines: 1 });
		const cancelled = await client.batches.retrieve(batch.id);
		assert.deepEqual(cancelled.request_counts, { total: 3, completed: 1, failed: 2 });
		const errors = await lines(client, cancelled.error_file_id);
		assert.deepEqual(errors.map(line => line.error?.code ?? null), ['batch_cancelled', 'batch_cancelled']);
		await assert.rejects(client.batches.cancel(batch.id), (error: unknown) => error instanceof OpenAI.APIError && error.status === 409);

		const image = await client.files.create({ file: await toFile(Buffer.from('not jsonl'), 'input.jsonl'), purpose: 'vision' });
		await assert.rejects(client.batches.create({ input_file_id: image.id, endpoint: '/v1/images/generations', completion_window: '24h' }), (error: unknown) => error instanceof OpenAI.BadRequestError);
		const broken = await client.files.create({ file: await toFile(Buffer.from('{not json\n'), 'input.jsonl'), purpose: 'batch' });
		const refused = await client.batches.create({ input_file_id: broken.id, endpoint: '/v1/images/generations', completion_window: '24h' });
		await assert.rejects(control.driveBatch(refused.id, { status: 'in_progress' }));
		await control.driveBatch(refused.id, { status: 'failed' });
		const failed = await client.batches.retrieve(refused.id);
		assert.equal(failed.errors?.data?.[0].code, 'invalid_json_line');
	});

	test('expired delivers what completed; JSON edits take uploaded file ids', async () => {
		const reference = await sharp({ create: { width: 64, height: 64, channels: 3, background: '#336699' } }).png().toBuffer();
		const uploaded = await client.files.create({ file: await toFile(reference, 'reference.png'), purpose: 'vision' });
		const edit = (customId: string, fileId: string) => ({ custom_id: customId, method: 'POST', url: '/v1/images/edits', body: { model: 'gpt-image-1.5', prompt: 'in this style', images: [{ file_id: fileId }], size: '1024x1536' } });
		const input = await client.files.create({ file: await toFile(jsonl([edit('e-1', uploaded.id), edit('e-2', 'file-missing'), edit('e-3', uploaded.id)]), 'input.jsonl'), purpose: 'batch' });
		const batch = await client.batches.create({ input_file_id: input.id, endpoint: '/v1/images/edits', completion_window: '24h' });
		await control.driveBatch(batch.id, { status: 'in_progress' });
		await control.driveBatch(batch.id, { status: 'expired', completedLines: 2 });
		const expired = await client.batches.retrieve(batch.id);
		assert.equal(expired.status, 'expired');
		const output = await lines(client, expired.output_file_id);
		assert.deepEqual(output.map(line => line.custom_id), ['e-1']);
		const meta = await sharp(Buffer.from(output[0].response.body.data[0].b64_json, 'base64')).metadata();
		assert.deepEqual([meta.width, meta.height], [1024, 1536]);
		const errors = await lines(client, expired.error_file_id);
		assert.deepEqual(errors.map(line => [line.custom_id, line.response?.status_code ?? line.error.code]), [['e-2', 400], ['e-3', 'batch_expired']]);
	});
});
