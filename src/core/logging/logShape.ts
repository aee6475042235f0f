/**
 * What the log may say about values that can hold a user's text (prompts, alt text, the
 * panel's messages): their kinds and lengths, never the text itself. The README promises
 * that prompt text is never logged.
 */

const IDENTIFIER = /^[A-Za-z_$][\w$-]{0,39}$/;

function kindOf(value: unknown): string {
	if (value === null) {
		return 'null';
	}
	if (Array.isArray(value)) {
		return `array of ${value.length}`;
	}
	if (typeof value === 'string') {
		return `string of ${value.length} characters`;
	}
	return typeof value;
}

function jsonLength(value: unknown): number | undefined {
	try {
		return JSON.stringify(value)?.length;
	} catch {
		return undefined;
	}
}

/**
 * The shape of a message that failed validation: its `type` when that is a plain
 * identifier, its fields' names (plain identifiers only) and kinds, and its size as JSON.
 */
export function messageShape(value: unknown): string {
	const length = jsonLength(value);
	const size = length === undefined ? '' : ` (${length} characters of JSON)`;
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		return `${kindOf(value)}${size}`;
	}
	const record = value as Record<string, unknown>;
	const keys = Object.keys(record);
	const type = typeof record.type === 'string' && IDENTIFIER.test(record.type) ? ` of type "${record.type}"` : ` of type ${kindOf(record.type)}`;
	const fields = keys.filter(key => key !== 'type').slice(0, 12).map(key => IDENTIFIER.test(key) ? `${key}: ${kindOf(record[key])}` : `(a field name of ${key.length} characters): ${kindOf(record[key])}`);
	const more = keys.length - 1 > 12 ? `, and ${keys.length - 13} more` : '';
	return `an object${type}${fields.length > 0 ? ` with ${fields.join(', ')}${more}` : ''}${size}`;
}

/**
 * The kind of an error, for the log: its class name and, where it has them, its HTTP status
 * and error code. Not its message, which can quote a prompt or a file name made from one.
 */
export function errorKind(error: unknown): string {
	if (!(error instanceof Error)) {
		return kindOf(error);
	}
	const details = error as Error & { status?: unknown; code?: unknown };
	const status = typeof details.status === 'number' ? ` ${details.status}` : '';
	const code = typeof details.code === 'string' && IDENTIFIER.test(details.code) ? ` (${details.code})` : '';
	const name = IDENTIFIER.test(error.name) ? error.name : 'Error';
	return `${name}${status}${code}, message of ${error.message.length} characters`;
}
