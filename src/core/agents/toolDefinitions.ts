import * as l10n from '@vscode/l10n';
import { IllustrateError } from '../errors';
import { extensionForFormat, formatOfFileName } from '../images/imageFormats';
import { OUTPUT_FORMATS, type Background, type OutputFormat } from '../models/capabilities';
import { checkRequest, type ImageRequestOptions, type ValidationContext } from '../models/validation';

export { fillResultText, savedImageText, type FillFailure, type SavedImage } from './toolResults';

/**
 * The three tools Illustrate offers agents, one definition for both doors: VS Code's language
 * model tools (`vscode.lm`) and the MCP server (src/mcp). Names, descriptions written for a
 * model, the JSON Schemas of their inputs, the checks of an input (which comes from a model,
 * so anything may arrive) and the text a tool returns.
 */

export const GENERATE_IMAGE_TOOL = 'illustrate_generate_image';
export const EDIT_IMAGE_TOOL = 'illustrate_edit_image';
export const FILL_MISSING_IMAGES_TOOL = 'illustrate_fill_missing_images';
export type ToolName = typeof GENERATE_IMAGE_TOOL | typeof EDIT_IMAGE_TOOL | typeof FILL_MISSING_IMAGES_TOOL;

/** A JSON Schema (draft 2020-12 subset) as both VS Code and MCP take it. */
export type JsonSchema = { readonly [key: string]: unknown };

export interface ToolDefinition {
	readonly name: ToolName;
	/** What a person types after `#` in chat. */
	readonly toolReferenceName: string;
	readonly displayName: string;
	/** For the model: what the tool does, when to use it, what it returns. */
	readonly description: string;
	readonly inputSchema: JsonSchema;
}

export interface GenerateImageInput {
	readonly prompt: string;
	readonly alt?: string;
	/** Workspace-relative, `/`-separated. */
	readonly document?: string;
	/** The alt text of an empty image link in `document` to fill. */
	readonly placeholder?: string;
	/** Workspace-relative file to save as. */
	readonly path?: string;
	readonly model?: string;
	readonly size?: string;
	readonly quality?: string;
	readonly outputFormat?: OutputFormat;
	readonly background?: Background;
}

export interface EditImageInput {
	readonly path: string;
	readonly instruction: string;
	readonly references?: readonly string[];
	readonly saveAs?: string;
}

export interface FillMissingImagesInput {
	readonly document: string;
}

/** Longest text field an agent may send but the prompt (whose limit is the model's). */
const MAX_TEXT = 2_000;
const MAX_PROMPT = 32_000;
/** The image to edit plus these fill the edits endpoint's 16 input images. */
export const MAX_REFERENCES = 15;
const QUALITIES = ['auto', 'low', 'medium', 'high', 'xhigh', 'max'];
const FORMATS: readonly OutputFormat[] = OUTPUT_FORMATS;
const BACKGROUNDS: readonly Background[] = ['auto', 'opaque', 'transparent'];

const workspacePath = (description: string): JsonSchema => ({ type: 'string', minLength: 1, maxLength: 1024, description });

const GENERATE_SCHEMA: JsonSchema = {
	type: 'object',
	properties: {
		prompt: { type: 'string', minLength: 1, maxLength: MAX_PROMPT, description: 'What the image shows: subject, composition, style, any text it must contain. Be specific; the model sees nothing but this.' },
		alt: { type: 'string', maxLength: MAX_TEXT, description: 'Alt text for the link: a short description for readers who cannot see the image. Defaults to the placeholder, else a shortened prompt. Also names the file.' },
		document: workspacePath('Workspace-relative path of the document (Markdown, MDX, HTML, reStructuredText or AsciiDoc) to link the image from, for example docs/architecture.md. Without `placeholder` the link goes after the cursor (in VS Code) or at the end of the document.'),
		placeholder: { type: 'string', maxLength: MAX_TEXT, description: 'The alt text of an empty image link already in `document` (for example `![request flow]()`), which receives the image. Needs `document`.' },
		path: workspacePath('Workspace-relative file to save the image as, for example docs/images/request-flow.png; its extension sets the format. Never overwrites: a free name (request-flow-1.png) is taken if it exists. Without it the workspace\'s destination settings decide.'),
		model: { type: 'string', minLength: 1, maxLength: 200, description: 'Image model; leave it out for the user\'s setting (illustrate.model, default gpt-image-2).' },
		size: { type: 'string', pattern: '^(auto|[1-9][0-9]*x[1-9][0-9]*)$', description: 'WIDTHxHEIGHT such as 1024x1024, 1536x1024 (landscape) or 1024x1536 (portrait), or auto. Leave it out for the user\'s setting.' },
		quality: { type: 'string', enum: QUALITIES, description: 'low is cheapest and fine for drafts; leave it out for the user\'s setting.' },
		outputFormat: { type: 'string', enum: FORMATS, description: 'File format; leave it out for the user\'s setting (or the extension of `path`). svg makes a vector drawing (best for diagrams), gif a short animation; both only with the models that make them.' },
		background: { type: 'string', enum: BACKGROUNDS, description: 'transparent for icons and logos (PNG or WebP only).' },
	},
	required: ['prompt'],
	additionalProperties: false,
};

const EDIT_SCHEMA: JsonSchema = {
	type: 'object',
	properties: {
		path: workspacePath('Workspace-relative path of the PNG, JPEG or WebP image to edit.'),
		instruction: { type: 'string', minLength: 1, maxLength: MAX_PROMPT, description: 'What to change, for example "make the background white" or "add a database box labelled Cache".' },
		references: { type: 'array', items: workspacePath('A workspace-relative image path.'), maxItems: MAX_REFERENCES, description: 'Other workspace images the model should take style or content from.' },
		saveAs: workspacePath('Workspace-relative file for the result. Without it the result is saved beside the original under a new name (diagram-edited.png); an existing file is never replaced.'),
	},
	required: ['path', 'instruction'],
	additionalProperties: false,
};

const FILL_SCHEMA: JsonSchema = {
	type: 'object',
	properties: {
		document: workspacePath('Workspace-relative path of the document whose empty image links to fill, for example docs/guide.md.'),
	},
	required: ['document'],
	additionalProperties: false,
};

export const TOOL_DEFINITIONS: readonly ToolDefinition[] = [
	{
		name: GENERATE_IMAGE_TOOL,
		toolReferenceName: 'illustrate',
		displayName: 'Generate Image',
		description: 'Generates one image with the user\'s image model (OpenAI GPT Image) and saves it as a file in the workspace, where the project\'s image settings put images, with a provenance record. '
			+ 'Use it when a document needs a diagram, illustration, icon or screenshot-like picture that does not exist yet. Give `document` to link the image from a document: with `placeholder` it fills that empty image link, without it the link is added; give `path` to choose the file. '
			+ 'Returns the saved file\'s workspace-relative path, the link in the document\'s syntax (already written when `document` was given), and the image. Costs money: generate once, then check the result before generating again.',
		inputSchema: GENERATE_SCHEMA,
	},
	{
		name: EDIT_IMAGE_TOOL,
		toolReferenceName: 'illustrateEdit',
		displayName: 'Edit Image',
		description: 'Edits an existing image of the workspace by an instruction (the same image model), optionally guided by reference images, and saves the result as a new file: beside the original unless `saveAs` names another path. The original is never replaced. '
			+ 'Use it to change an image that is already in the project rather than generating a new one. Returns the new file\'s workspace-relative path, a Markdown link to it, and the image. Links to the original are left as they are: change them yourself if the new file should replace it.',
		inputSchema: EDIT_SCHEMA,
	},
	{
		name: FILL_MISSING_IMAGES_TOOL,
		toolReferenceName: 'illustrateFill',
		displayName: 'Fill Missing Images',
		description: 'Generates an image for every empty image link (placeholder) of a document, such as `![architecture overview]()` in Markdown or `image::[login screen]` in AsciiDoc, using each alt text as the prompt, within the user\'s cost limit per request, and writes the links. '
			+ 'Use it after writing placeholders into a document. Returns the files saved and the placeholders not filled, each with its reason.',
		inputSchema: FILL_SCHEMA,
	},
];

/** The definition of a tool by its name. */
export function toolDefinition(name: ToolName): ToolDefinition {
	return TOOL_DEFINITIONS.find(tool => tool.name === name)!;
}

function inputError(message: string): IllustrateError {
	return new IllustrateError(message);
}

function objectInput(value: unknown, tool: ToolName, known: readonly string[]): Record<string, unknown> {
	if (typeof value !== 'object' || value === null || Array.isArray(value)) {
		throw inputError(l10n.t('The input of {0} must be a JSON object with {1}.', tool, known.join(', ')));
	}
	const record = value as Record<string, unknown>;
	const unknown = Object.keys(record).filter(key => !known.includes(key));
	if (unknown.length > 0) {
		throw inputError(l10n.t('{0} does not take {1}; it takes {2}.', tool, unknown.map(key => `"${key}"`).join(', '), known.join(', ')));
	}
	return record;
}

function text(record: Record<string, unknown>, key: string, max: number, required: boolean): string | undefined {
	const value = record[key];
	if (value === undefined || (value === null && !required)) {
		if (required) {
			throw inputError(l10n.t('"{0}" is missing.', key));
		}
		return undefined;
	}
	if (typeof value !== 'string') {
		throw inputError(l10n.t('"{0}" must be a string.', key));
	}
	if (required && value.trim() === '') {
		throw inputError(l10n.t('"{0}" is empty.', key));
	}
	if (value.length > max) {
		throw inputError(l10n.t('"{0}" has {1} characters; at most {2} are taken.', key, value.length, max));
	}
	return value;
}

/**
 * A workspace-relative path as an agent may write it (`./docs/a.md`, `docs\a.md`), checked by
 * its text: `/`-separated, never absolute, never a URI, never climbing out with `..`. Whether
 * links on disk lead out is the writer's check, right before it writes.
 */
export function workspaceRelativePath(value: string, key: string): string {
	const path = value.trim().replace(/\\/g, '/').replace(/^(\.\/)+/, '').replace(/\/{2,}/g, '/');
	if (path.includes('\0') || /[\u0000-\u001f]/.test(path)) {
		throw inputError(l10n.t('"{0}" holds control characters; give a workspace-relative path such as docs/guide.md.', key));
	}
	if (path === '' || path === '.' || path.endsWith('/')) {
		throw inputError(l10n.t('"{0}" must name a file, for example docs/guide.md.', key));
	}
	if (path.startsWith('/') || /^[A-Za-z]:/.test(path) || /^[A-Za-z][A-Za-z0-9+.-]*:/.test(path)) {
		throw inputError(l10n.t('"{0}" is {1}: give a path relative to the workspace folder, such as docs/guide.md, not an absolute path or a URI.', key, value));
	}
	if (path.split('/').some(segment => segment === '..')) {
		throw inputError(l10n.t('"{0}" is {1}: a path may not climb out of the workspace folder with "..".', key, value));
	}
	return path.split('/').filter(segment => segment !== '.').join('/');
}

function pathField(record: Record<string, unknown>, key: string, required: boolean): string | undefined {
	const value = text(record, key, 1024, required);
	return value === undefined ? undefined : workspaceRelativePath(value, key);
}

function imagePathField(record: Record<string, unknown>, key: string, required: boolean): string | undefined {
	const path = pathField(record, key, required);
	if (path !== undefined && !formatOfFileName(path)) {
		throw inputError(l10n.t('"{0}" is {1}: an image file must end in .png, .jpg, .jpeg, .webp, .svg or .gif.', key, path));
	}
	return path;
}

function oneOf<T extends string>(record: Record<string, unknown>, key: string, allowed: readonly T[]): T | undefined {
	const value = record[key];
	if (value === undefined || value === null) {
		return undefined;
	}
	if (typeof value !== 'string' || !allowed.includes(value as T)) {
		throw inputError(l10n.t('"{0}" must be one of {1}.', key, allowed.map(item => `"${item}"`).join(', ')));
	}
	return value as T;
}

const GENERATE_KEYS = Object.keys(GENERATE_SCHEMA.properties as object);
const EDIT_KEYS = Object.keys(EDIT_SCHEMA.properties as object);
const FILL_KEYS = Object.keys(FILL_SCHEMA.properties as object);

/** Checks the input of `illustrate_generate_image`; throws an `IllustrateError` that says what to change. */
export function parseGenerateImageInput(value: unknown): GenerateImageInput {
	const record = objectInput(value, GENERATE_IMAGE_TOOL, GENERATE_KEYS);
	const input: GenerateImageInput = {
		prompt: text(record, 'prompt', MAX_PROMPT, true)!,
		alt: text(record, 'alt', MAX_TEXT, false),
		document: pathField(record, 'document', false),
		placeholder: text(record, 'placeholder', MAX_TEXT, false),
		path: imagePathField(record, 'path', false),
		model: text(record, 'model', 200, false)?.trim() || undefined,
		size: text(record, 'size', 40, false)?.trim() || undefined,
		quality: oneOf(record, 'quality', QUALITIES),
		outputFormat: oneOf(record, 'outputFormat', FORMATS),
		background: oneOf(record, 'background', BACKGROUNDS),
	};
	if (input.placeholder !== undefined && input.document === undefined) {
		throw inputError(l10n.t('"placeholder" needs "document": the workspace-relative path of the document the placeholder is in.'));
	}
	const pathFormat = input.path ? formatOfFileName(input.path) : undefined;
	if (pathFormat && input.outputFormat && pathFormat !== input.outputFormat) {
		throw inputError(l10n.t('"path" ends in a {0} extension but "outputFormat" is "{1}": make them agree, or leave "outputFormat" out.', pathFormat, input.outputFormat));
	}
	return Object.fromEntries(Object.entries(input).filter(([, field]) => field !== undefined)) as unknown as GenerateImageInput;
}

/** Checks the input of `illustrate_edit_image`; throws an `IllustrateError` that says what to change. */
export function parseEditImageInput(value: unknown): EditImageInput {
	const record = objectInput(value, EDIT_IMAGE_TOOL, EDIT_KEYS);
	const path = imagePathField(record, 'path', true)!;
	const instruction = text(record, 'instruction', MAX_PROMPT, true)!;
	const saveAs = imagePathField(record, 'saveAs', false);
	let references: string[] | undefined;
	if (record.references !== undefined && record.references !== null) {
		if (!Array.isArray(record.references) || record.references.some(item => typeof item !== 'string')) {
			throw inputError(l10n.t('"references" must be a list of workspace-relative image paths.'));
		}
		if (record.references.length > MAX_REFERENCES) {
			throw inputError(l10n.t('"references" has {0} images; at most {1} are taken besides the image to edit.', record.references.length, MAX_REFERENCES));
		}
		references = record.references.map((item: string) => {
			const reference = workspaceRelativePath(item, 'references');
			if (!formatOfFileName(reference)) {
				throw inputError(l10n.t('"{0}" is {1}: an image file must end in .png, .jpg, .jpeg, .webp, .svg or .gif.', 'references', reference));
			}
			return reference;
		});
	}
	return { path, instruction, ...(references && references.length > 0 ? { references } : {}), ...(saveAs ? { saveAs } : {}) };
}

/** Checks the input of `illustrate_fill_missing_images`; throws an `IllustrateError` that says what to change. */
export function parseFillMissingImagesInput(value: unknown): FillMissingImagesInput {
	const record = objectInput(value, FILL_MISSING_IMAGES_TOOL, FILL_KEYS);
	return { document: pathField(record, 'document', true)! };
}

/**
 * Where an edit's result goes when `saveAs` is not given: beside the original, `name-edited.ext`
 * (the writer then takes the first free name from it, `name-edited-1.ext`, …).
 */
export function editedImagePath(original: string, format: OutputFormat): string {
	const slash = original.lastIndexOf('/');
	const name = original.slice(slash + 1);
	const dot = name.lastIndexOf('.');
	const stem = dot > 0 ? name.slice(0, dot) : name;
	return `${original.slice(0, slash + 1)}${stem}-edited.${extensionForFormat(format)}`;
}

/** The user's settings a tool's request starts from. */
export interface RequestDefaults {
	readonly model: string;
	readonly size: string;
	readonly quality: string;
	readonly outputFormat: OutputFormat;
}

/**
 * The request an input asks for, over the user's defaults: one image, its format from `path`
 * when it has none of its own, checked against the model table. Throws an `IllustrateError`
 * listing every problem (nothing is sent, nothing is charged).
 */
export function generateRequestOptions(input: GenerateImageInput, defaults: RequestDefaults, context: ValidationContext): ImageRequestOptions {
	const options: ImageRequestOptions = {
		model: input.model ?? defaults.model,
		prompt: input.prompt,
		size: input.size ?? defaults.size,
		quality: input.quality ?? defaults.quality,
		n: 1,
		outputFormat: input.outputFormat ?? (input.path ? formatOfFileName(input.path) : undefined) ?? defaults.outputFormat,
		...(input.background ? { background: input.background } : {}),
	};
	assertRequestValid(checkRequest(options, context).map(problem => problem.message));
	return options;
}

/**
 * The options of an edit an input asks for: the instruction as the prompt, one image, the
 * model's `auto` size (the original's shape) where it has one, the format of `saveAs`, else
 * the original's. The edit rules (src/core/edits/editRules.ts) check it with the images.
 */
export function editRequestOptions(input: EditImageInput, originalFormat: OutputFormat, defaults: RequestDefaults): ImageRequestOptions {
	return {
		model: defaults.model,
		prompt: input.instruction,
		size: 'auto',
		quality: defaults.quality,
		n: 1,
		outputFormat: (input.saveAs ? formatOfFileName(input.saveAs) : undefined) ?? originalFormat,
	};
}

/** Throws the problems of a request as one message an agent can act on; nothing when there are none. */
export function assertRequestValid(problems: readonly string[]): void {
	if (problems.length > 0) {
		throw inputError(`${l10n.t('Nothing was generated or charged:')} ${problems.join(' ')}`);
	}
}
