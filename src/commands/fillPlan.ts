import * as vscode from 'vscode';
import { IllustrateError } from '../core/errors';
import { IMAGE_FILE_EXTENSIONS } from '../core/images/imageFormats';
import { readImageInfo } from '../core/images/imageInfo';
import { editInputFormat } from '../core/generation/imageRequests';
import type { StylePreset } from '../core/prompt/stylePresets';
import type { ReferenceImage } from '../providers/imageService';
import { loadStylePresets } from '../workspace/stylePresets';

/** Where the look of every image comes from: nothing, the first image generated, or an image of the workspace. */
export type ReferenceMode = { readonly kind: 'none' } | { readonly kind: 'first' } | { readonly kind: 'file'; readonly image: ReferenceImage; readonly uri: vscode.Uri };

/** What a fill asks before it starts: a style preset and a reference. */
export interface FillPlan {
	readonly style?: StylePreset;
	readonly reference: ReferenceMode;
}

/** An image of the workspace as a reference, checked to be one. */
export async function referenceFromFile(uri: vscode.Uri): Promise<ReferenceImage> {
	const bytes = await vscode.workspace.fs.readFile(uri);
	const format = readImageInfo(bytes)?.format;
	if (!format) {
		throw new IllustrateError(vscode.l10n.t('{0} is not a PNG, JPEG or WebP image, so it cannot be a reference.', vscode.workspace.asRelativePath(uri)));
	}
	return { bytes, name: uri.path.slice(uri.path.lastIndexOf('/') + 1), format: editInputFormat(format, 'reference') };
}

/** The plan of a scripted fill: `style` names a preset, `reference` is `none` or `first`. */
export async function fillPlanFromArgs(resource: vscode.Uri, args: { readonly style?: string; readonly reference?: 'none' | 'first' }, log: Pick<vscode.LogOutputChannel, 'warn'>): Promise<FillPlan> {
	const presets = await loadStylePresets(resource, log);
	const style = args.style ? presets.find(preset => preset.name === args.style) : undefined;
	if (args.style && !style) {
		throw new Error(vscode.l10n.t('Illustrate: no style preset "{0}" in .vscode/illustrate-styles.json.', args.style));
	}
	return { style, reference: { kind: args.reference ?? 'none' } };
}

/** Style preset and reference image: asked only when there is a choice to make. */
export async function askFillPlan(resource: vscode.Uri, count: number, log: Pick<vscode.LogOutputChannel, 'warn'>): Promise<FillPlan | undefined> {
	const presets = await loadStylePresets(resource, log);
	let style: StylePreset | undefined;
	if (presets.length > 0) {
		const none: vscode.QuickPickItem & { preset?: StylePreset } = { label: vscode.l10n.t('No style'), description: vscode.l10n.t('the alt text alone') };
		const picked = await vscode.window.showQuickPick([none, ...presets.map(preset => ({ label: preset.name, description: preset.instruction, preset }))], {
			title: vscode.l10n.t('Illustrate: a style for every image'),
			placeHolder: vscode.l10n.t('Style presets from .vscode/illustrate-styles.json'),
		});
		if (!picked) {
			return undefined;
		}
		style = picked.preset;
	}
	if (count < 2) {
		return { style, reference: { kind: 'none' } };
	}
	const options = [
		{ label: vscode.l10n.t('Each image on its own'), mode: 'none' as const },
		{ label: vscode.l10n.t('Match the first image'), description: vscode.l10n.t('send the first image as a reference with every later request, so they look like a set'), mode: 'first' as const },
		{ label: vscode.l10n.t('Match an image from the workspace…'), description: vscode.l10n.t('send an image you pick as the reference with every request'), mode: 'file' as const },
	];
	const picked = await vscode.window.showQuickPick(options, { title: vscode.l10n.t('Illustrate: one look across the document?') });
	if (!picked) {
		return undefined;
	}
	if (picked.mode !== 'file') {
		return { style, reference: { kind: picked.mode } };
	}
	const uris = await vscode.window.showOpenDialog({
		canSelectMany: false,
		defaultUri: vscode.workspace.getWorkspaceFolder(resource)?.uri,
		filters: { [vscode.l10n.t('Images')]: [...IMAGE_FILE_EXTENSIONS] },
		openLabel: vscode.l10n.t('Use as Reference'),
	});
	if (!uris?.[0]) {
		return undefined;
	}
	return { style, reference: { kind: 'file', image: await referenceFromFile(uris[0]), uri: uris[0] } };
}
