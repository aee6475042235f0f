// Derives the JSON Schemas the test server validates against from OpenAI's OpenAPI spec.
// Only structure is kept (field names, types, enums, bounds, required fields): no
// descriptions or examples. The output is committed, so tests never read the spec.
//   node scripts/derive-openapi.mjs [path/to/openapi.yaml]
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const specPath = process.argv[2] ?? join(root, '..', 'shared', 'openai-openapi', 'openapi.yaml');
const outPath = join(root, 'test', 'server', 'openapi-images.json');

const ROOTS = [
	'CreateImageRequest',
	'CreateImageEditRequest',
	'ImagesResponse',
	'ImageGenStreamEvent',
	'ImageEditStreamEvent',
	'ErrorResponse',
];

/** Requests the API refuses when they carry a field it does not know ("Unrecognized request argument"). */
const CLOSED_REQUESTS = ['CreateImageRequest', 'CreateImageEditRequest'];

const KEPT = new Set([
	'type', 'properties', 'required', 'enum', 'items', 'anyOf', 'oneOf', 'allOf', '$ref', 'nullable',
	'minimum', 'maximum', 'minItems', 'maxItems', 'minLength', 'maxLength', 'format', 'const', 'additionalProperties', 'pattern',
]);

/** SVG and GIF output (SDK 7.57): the format, the GIF's frames and delay, the SVG author. */
const SVG_GIF_FIELDS = {
	frame_count: { type: ['integer', 'null'] },
	frame_duration_ms: { type: ['integer', 'null'] },
	svg: {
		anyOf: [
			{
				type: 'object',
				properties: {
					model: { type: 'string' },
					reasoning: {
						anyOf: [
							{
								type: 'object',
								properties: { effort: { type: ['string', 'null'], enum: ['none', 'minimal', 'low', 'medium', 'high', 'xhigh', 'max', null] } },
								additionalProperties: false,
							},
							{ type: 'null' },
						],
					},
				},
				additionalProperties: false,
			},
			{ type: 'null' },
		],
	},
};

/**
 * What the `openai` SDK 7.57 sends that the August 2026 spec does not list yet (the spec
 * lags the SDK on the newest models). Each entry is applied on top of the derived schema.
 */
const SDK_ADDITIONS = {
	CreateImageRequest: {
		quality: ['xhigh', 'max'],
		formats: ['svg', 'gif'],
		properties: { complexity: { type: ['string', 'null'], enum: ['low', 'medium', 'high', null] }, ...SVG_GIF_FIELDS },
	},
	CreateImageEditRequest: {
		quality: ['xhigh', 'max'],
		formats: ['svg', 'gif'],
		properties: {
			complexity: { type: ['string', 'null'], enum: ['low', 'medium', 'high', null] },
			markup: { type: 'string', format: 'binary' },
			...SVG_GIF_FIELDS,
		},
	},
};

/** `svg_usage` in a JSON reply: the SVG author's tokens, apart from the reference image's. */
const SVG_USAGE = {
	type: 'object',
	properties: {
		input_tokens: { type: 'integer' },
		output_tokens: { type: 'integer' },
		reasoning_tokens: { type: 'integer' },
		total_tokens: { type: 'integer' },
		model: { type: 'string' },
	},
	required: ['input_tokens', 'output_tokens', 'reasoning_tokens', 'total_tokens', 'model'],
};

/** Responses carry the custom sizes and new qualities the SDK types allow (`(string & {})` sizes). */
const SDK_RESPONSE_ADDITIONS = [
	'ImagesResponse',
	'ImageGenPartialImageEvent',
	'ImageGenCompletedEvent',
	'ImageEditPartialImageEvent',
	'ImageEditCompletedEvent',
];

const spec = parse(readFileSync(specPath, 'utf8'), { maxAliasCount: -1 });
const schemas = spec.components.schemas;

/** OpenAPI 3.0's `nullable` as plain JSON Schema, so any validator reads it the same way. */
function withoutNullable(schema) {
	if (schema.nullable !== true) {
		delete schema.nullable;
		return schema;
	}
	delete schema.nullable;
	if (schema.anyOf) {
		return { ...schema, anyOf: [...schema.anyOf, { type: 'null' }] };
	}
	if (typeof schema.type === 'string') {
		return { ...schema, type: [schema.type, 'null'], ...(schema.enum ? { enum: [...schema.enum, null] } : {}) };
	}
	return schema;
}

function strip(node) {
	if (Array.isArray(node)) {
		return node.map(strip);
	}
	if (node === null || typeof node !== 'object') {
		return node;
	}
	const out = {};
	for (const [key, value] of Object.entries(node)) {
		if (key === 'properties') {
			out.properties = Object.fromEntries(Object.entries(value).map(([name, schema]) => [name, strip(schema)]));
		} else if (KEPT.has(key)) {
			out[key] = key === '$ref' ? value.replace('#/components/schemas/', '#/definitions/') : strip(value);
		}
	}
	return withoutNullable(out);
}

function references(node, found = new Set()) {
	if (Array.isArray(node)) {
		node.forEach(child => references(child, found));
	} else if (node && typeof node === 'object') {
		for (const [key, value] of Object.entries(node)) {
			if (key === '$ref' && typeof value === 'string') {
				found.add(value.replace('#/components/schemas/', ''));
			} else {
				references(value, found);
			}
		}
	}
	return found;
}

const definitions = {};
const queue = [...ROOTS];
while (queue.length > 0) {
	const name = queue.shift();
	if (definitions[name]) {
		continue;
	}
	if (!schemas[name]) {
		throw new Error(`The spec has no schema ${name}`);
	}
	definitions[name] = strip(schemas[name]);
	queue.push(...references(schemas[name]));
}

for (const name of CLOSED_REQUESTS) {
	definitions[name].additionalProperties = false;
}
for (const [name, addition] of Object.entries(SDK_ADDITIONS)) {
	const schema = definitions[name];
	Object.assign(schema.properties, addition.properties);
	const quality = schema.properties.quality;
	quality.enum = [...new Set([...quality.enum, ...addition.quality])];
	const format = schema.properties.output_format;
	format.enum = [...new Set([...format.enum.filter(value => value !== null), ...addition.formats, ...(format.enum.includes(null) ? [null] : [])])];
}

for (const name of SDK_RESPONSE_ADDITIONS) {
	const properties = definitions[name].properties;
	properties.size = { type: 'string', pattern: '^(auto|[1-9][0-9]*x[1-9][0-9]*)$' };
	properties.quality.enum = [...new Set([...properties.quality.enum, 'xhigh', 'max'])];
}
// Only JSON replies carry SVG and GIF: those formats never stream.
definitions.ImagesResponse.properties.output_format.enum.push('svg', 'gif');
definitions.ImagesResponse.properties.svg_usage = SVG_USAGE;

const sorted = Object.fromEntries(Object.keys(definitions).sort().map(name => [name, definitions[name]]));
const output = {
	$comment: `Derived by scripts/derive-openapi.mjs from OpenAI's OpenAPI spec ${spec.info?.version ?? ''}; structure only, with the SDK additions listed in that script.`,
	definitions: sorted,
};
writeFileSync(outPath, JSON.stringify(output, null, '\t') + '\n');
console.log(`Wrote ${Object.keys(sorted).length} schemas to ${outPath}`);
