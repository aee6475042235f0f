import Ajv, { type ErrorObject, type ValidateFunction } from 'ajv';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The schemas derived from OpenAI's OpenAPI spec by scripts/derive-openapi.mjs. */
export type SchemaName =
	| 'CreateImageRequest'
	| 'CreateImageEditRequest'
	| 'ImagesResponse'
	| 'ImageGenStreamEvent'
	| 'ImageEditStreamEvent'
	| 'ErrorResponse';

interface DerivedSchemas {
	definitions: Record<string, { type?: string; properties?: Record<string, unknown>; [key: string]: unknown }>;
}

const SCHEMA_FILE = join(__dirname, '..', '..', '..', 'test', 'server', 'openapi-images.json');

let loaded: { ajv: Ajv; schemas: DerivedSchemas; compiled: Map<SchemaName, ValidateFunction> } | undefined;

function load() {
	if (!loaded) {
		const schemas = JSON.parse(readFileSync(SCHEMA_FILE, 'utf8')) as DerivedSchemas;
		const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
		ajv.addSchema({ $id: 'openai-images', definitions: schemas.definitions });
		loaded = { ajv, schemas, compiled: new Map() };
	}
	return loaded;
}

export interface ValidationResult {
	readonly valid: boolean;
	readonly errors: readonly string[];
	/** The first offending request field, as the API names it in `param`. */
	readonly param: string | null;
}

function describe(error: ErrorObject): string {
	const path = error.instancePath.replace(/^\//, '').replace(/\//g, '.') || '(body)';
	if (error.keyword === 'additionalProperties') {
		return `Unrecognized request argument supplied: ${String(error.params.additionalProperty)}`;
	}
	if (error.keyword === 'required') {
		return `Missing required parameter: '${String(error.params.missingProperty)}'.`;
	}
	return `Invalid value for '${path}': ${error.message ?? 'invalid'}.`;
}

/** Validates a value against one of the derived schemas. */
export function validateAgainstSpec(name: SchemaName, value: unknown): ValidationResult {
	const { ajv, compiled } = load();
	let validate = compiled.get(name);
	if (!validate) {
		validate = ajv.getSchema(`openai-images#/definitions/${name}`);
		if (!validate) {
			throw new Error(`No schema ${name}`);
		}
		compiled.set(name, validate);
	}
	if (validate(value)) {
		return { valid: true, errors: [], param: null };
	}
	const errors = (validate.errors ?? []).filter(error => error.keyword !== 'anyOf' && error.keyword !== 'if');
	const first = errors[0];
	const param = first?.keyword === 'additionalProperties'
		? String(first.params.additionalProperty)
		: first?.keyword === 'required' ? String(first.params.missingProperty) : first?.instancePath.split('/')[1] ?? null;
	return { valid: false, errors: [...new Set(errors.map(describe))], param };
}

/** The declared JSON type of a request field (`integer`, `boolean`, …), looking through `$ref` and `anyOf`. */
export function fieldType(schemaName: SchemaName, field: string): string | undefined {
	const { schemas } = load();
	const resolve = (node: unknown): string | undefined => {
		if (!node || typeof node !== 'object') {
			return undefined;
		}
		const schema = node as { type?: unknown; $ref?: string; anyOf?: unknown[] };
		if (schema.$ref) {
			return resolve(schemas.definitions[schema.$ref.replace('#/definitions/', '')]);
		}
		const types = (Array.isArray(schema.type) ? schema.type : [schema.type]).filter((type): type is string => typeof type === 'string' && type !== 'null');
		if (types.length > 0) {
			return types[0];
		}
		for (const option of schema.anyOf ?? []) {
			const type = resolve(option);
			if (type) {
				return type;
			}
		}
		return undefined;
	};
	return resolve(schemas.definitions[schemaName]?.properties?.[field]);
}
