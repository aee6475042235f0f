import * as l10n from '@vscode/l10n';
import type { OutputFormat } from '../models/capabilities';
import { measuredSize } from './imageSize';

/** One stored image as the history view shows it (`HostToHistoryMessage` in src/protocol/messages.ts). */
export interface HistoryEntryView {
	readonly id: string;
	/** What the card shows: the card-size copy of a large image, else the file; absent while the copy is being made (a `cardImage` message follows). */
	readonly src?: string;
	readonly prompt: string;
	readonly model: string;
	readonly size: string;
	readonly quality: string;
	readonly createdAt: string;
	readonly bytes: number;
	readonly label?: string;
	/** `SVG` or `GIF`: what a card's picture alone does not tell (a still PNG, JPEG or WebP says nothing). */
	readonly kind?: string;
	/** For a file a Replace overwrote: where Restore puts these bytes back. */
	readonly restorable?: string;
}

/** What Show Generated Images needs to know of a stored image. */
export interface HistoryImage {
	readonly id: string;
	readonly prompt: string;
	readonly model: string;
	/** The size the request asked for; the image's own pixels win when known. */
	readonly size: string;
	readonly width?: number;
	readonly height?: number;
	readonly quality: string;
	readonly createdAt: string;
	readonly bytes: number;
	readonly operation?: 'generate' | 'makeFinal' | 'edit' | 'replaced';
	readonly originalUri?: string;
	readonly format?: OutputFormat;
}

function label(operation: HistoryImage['operation']): string | undefined {
	switch (operation) {
		case 'makeFinal':
			return l10n.t('Final re-render');
		case 'edit':
			return l10n.t('Edit');
		case 'replaced':
			return l10n.t('Replaced file');
		default:
			return undefined;
	}
}

/**
 * A card of Show Generated Images: what it shows (`src`, the card-size copy or the file; none
 * while the copy is being made), its caption, and for a file a Replace overwrote, where
 * Restore puts it back (`relativePath` names a URI as the workspace shows it).
 */
export function historyEntry(image: HistoryImage, src: string | undefined, relativePath: (uri: string) => string): HistoryEntryView {
	const operationLabel = label(image.operation);
	return {
		id: image.id,
		...(src !== undefined ? { src } : {}),
		prompt: image.prompt,
		model: image.model,
		size: measuredSize(image),
		quality: image.quality,
		createdAt: image.createdAt,
		bytes: image.bytes,
		...(operationLabel ? { label: operationLabel } : {}),
		...(image.format === 'svg' ? { kind: l10n.t('SVG') } : image.format === 'gif' ? { kind: l10n.t('GIF') } : {}),
		...(image.operation === 'replaced' && image.originalUri ? { restorable: relativePath(image.originalUri) } : {}),
	};
}
