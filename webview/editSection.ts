import type { ModelCapabilities } from '../src/core/models/capabilities';
import { extendedCanvasSizes } from '../src/core/edits/canvasSizes';
import { parseSize } from '../src/core/models/validation';
import type { EditView } from '../src/protocol/messages';
import * as l10n from '@vscode/l10n';
import { control, element, setOptions, vscode } from './dom';

type Tool = 'brush' | 'eraser';


function base64Of(canvas: HTMLCanvasElement): string {
	return canvas.toDataURL('image/png').replace(/^data:image\/png;base64,/, '');
}

/**
 * The edit part of the panel: the image being edited with a paint layer over it (a mask:
 * painted = may change; or a markup overlay for models that take one), brush, eraser,
 * undo, clear, invert, an extended canvas for outpainting, and the reference images.
 */
export class EditSection {
	readonly root = element('section', { class: 'edit', 'aria-label': l10n.t('Edit an image') });
	private readonly chain = element('nav', { class: 'chain', 'aria-label': l10n.t('Steps') });
	private readonly hint = element('div', { class: 'note' });
	private readonly stage = element('div', { class: 'stage' });
	private readonly base = element('canvas', { class: 'base', 'aria-hidden': 'true' });
	private readonly paint = element('canvas', { class: 'paint', role: 'img', 'aria-label': l10n.t('Paint layer: where the image may change') });
	private readonly brush = control('vscode-button', { appearance: 'secondary', 'aria-pressed': 'true' }, l10n.t('Brush'));
	private readonly eraser = control('vscode-button', { appearance: 'secondary', 'aria-pressed': 'false' }, l10n.t('Eraser'));
	private readonly size = element('input', { type: 'range', min: '4', max: '256', value: '64', 'aria-label': l10n.t('Brush size in pixels') });
	private readonly sizeValue = element('span', { class: 'size-value' }, l10n.t('{0} px', 64));
	private readonly undo = control('vscode-button', { appearance: 'secondary' }, l10n.t('Undo'));
	private readonly clear = control('vscode-button', { appearance: 'secondary' }, l10n.t('Clear'));
	private readonly invert = control('vscode-button', { appearance: 'secondary' }, l10n.t('Invert'));
	private readonly canvasSize = control('vscode-dropdown', { 'aria-label': l10n.t('Canvas size: extend the image to outpaint') });
	private readonly references = element('div', { class: 'references', role: 'list', 'aria-label': l10n.t('Reference images') });
	private readonly addReference = control('vscode-button', { appearance: 'secondary' }, l10n.t('Add image…'));
	private readonly done = control('vscode-button', { appearance: 'secondary' }, l10n.t('Back to generating'));

	private image: HTMLImageElement | undefined;
	private sourceSrc = '';
	private markup = false;
	private tool: Tool = 'brush';
	private painted = false;
	private readonly history: ImageData[] = [];
	/** Where the source sits on the canvas, and the canvas size; differs from the source when extended. */
	private layout = { width: 0, height: 0, x: 0, y: 0 };
	private stroke: { x: number; y: number } | undefined;

	constructor(private readonly onChange: () => void) {
		const tools = element('div', { class: 'tools', role: 'toolbar', 'aria-label': l10n.t('Paint tools') });
		const sizeLabel = element('label', { class: 'brush-size' }, `${l10n.t('Size')} `);
		sizeLabel.append(this.size, this.sizeValue);
		tools.append(this.brush, this.eraser, sizeLabel, this.undo, this.clear, this.invert);
		const canvasField = element('div', { class: 'field canvas-size' });
		canvasField.append(element('label', {}, l10n.t('Canvas')), this.canvasSize);
		tools.append(canvasField);
		this.stage.append(this.base, this.paint);
		const referencesRow = element('div', { class: 'references-row' });
		referencesRow.append(element('span', { class: 'note' }, l10n.t('Also send:')), this.references, this.addReference);
		const header = element('div', { class: 'edit-header' });
		header.append(this.chain, this.done);
		this.root.append(header, this.hint, this.stage, tools, referencesRow);

		this.setTool('brush');
		this.brush.addEventListener('click', () => this.setTool('brush'));
		this.eraser.addEventListener('click', () => this.setTool('eraser'));
		this.size.addEventListener('input', () => { this.sizeValue.textContent = l10n.t('{0} px', this.size.value); });
		this.undo.addEventListener('click', () => this.undoStroke());
		this.clear.addEventListener('click', () => this.change(context => context.clearRect(0, 0, this.layout.width, this.layout.height)));
		this.invert.addEventListener('click', () => this.invertPaint());
		this.canvasSize.addEventListener('change', () => this.layoutCanvas());
		this.addReference.addEventListener('click', () => vscode.postMessage({ type: 'reference', action: 'pick' }));
		this.done.addEventListener('click', () => vscode.postMessage({ type: 'endEdit' }));
		this.paint.addEventListener('pointerdown', event => this.startStroke(event));
		this.paint.addEventListener('pointermove', event => this.continueStroke(event));
		for (const end of ['pointerup', 'pointercancel', 'pointerleave'] as const) {
			this.paint.addEventListener(end, () => { this.stroke = undefined; });
		}
		// Images dragged from the Explorer (with Shift, as VS Code asks for webviews) become references.
		this.root.addEventListener('dragover', event => event.preventDefault());
		this.root.addEventListener('drop', event => {
			event.preventDefault();
			const list = event.dataTransfer?.getData('application/vnd.code.uri-list') || event.dataTransfer?.getData('text/uri-list') || '';
			const uris = list.split(/\r?\n/).map(line => line.trim()).filter(line => line && !line.startsWith('#'));
			if (uris.length > 0) {
				vscode.postMessage({ type: 'reference', action: 'uris', uris: uris.slice(0, 16) });
			}
		});
	}

	/** What painting makes for the chosen model: a markup overlay where the model takes one, else a mask. */
	get overlayKind(): 'mask' | 'markup' {
		return this.markup ? 'markup' : 'mask';
	}

	/** The size the request asks for: the extended canvas, else undefined (the panel's size picker). */
	get extendedSize(): string | undefined {
		return this.canvasSize.value && this.canvasSize.value !== 'original' ? this.canvasSize.value : undefined;
	}

	render(view: EditView, model: ModelCapabilities | undefined): void {
		this.markup = model?.markupEdits === true;
		this.chain.replaceChildren(...view.chain.flatMap((step, index) => {
			const item = element('span', { class: index === view.chain.length - 1 ? 'step current' : 'step' }, step);
			return index === 0 ? [item] : [element('span', { class: 'arrow', 'aria-hidden': 'true' }, '→'), item];
		}));
		this.hint.textContent = this.markup
			? l10n.t('Draw over the image to guide the change (a markup overlay); leave it blank to change the whole image.')
			: l10n.t('Paint where the image may change (a mask); leave it blank to change the whole image.');
		this.paint.setAttribute('aria-label', this.markup ? l10n.t('Markup layer: drawn guidance') : l10n.t('Mask layer: painted areas may change'));
		this.renderReferences(view);
		this.renderCanvasSizes(view, model);
		if (view.source.src !== this.sourceSrc) {
			this.sourceSrc = view.source.src;
			const image = new Image();
			image.onload = () => {
				this.image = image;
				this.history.length = 0;
				this.layoutCanvas();
			};
			image.src = view.source.src;
		}
	}

	private renderReferences(view: EditView): void {
		this.references.replaceChildren(...view.references.map(reference => {
			const item = element('div', { class: 'reference', role: 'listitem' });
			item.append(element('img', { src: reference.src, alt: reference.label, title: reference.label }));
			const removeLabel = l10n.t('Remove {0}', reference.label);
			const remove = control('vscode-button', { appearance: 'icon', 'aria-label': removeLabel, title: removeLabel }, '×');
			remove.addEventListener('click', () => vscode.postMessage({ type: 'reference', action: 'remove', id: reference.id }));
			item.append(remove);
			return item;
		}));
		this.addReference.disabled = view.references.length >= 15;
	}

	/** Sizes that contain the source, for extending the canvas (outpainting). */
	private renderCanvasSizes(view: EditView, model: ModelCapabilities | undefined): void {
		const width = view.source.width ?? 0;
		const height = view.source.height ?? 0;
		const candidates = model ? extendedCanvasSizes(model, width, height) : [];
		const current = this.canvasSize.value || 'original';
		setOptions(this.canvasSize, [
			{ value: 'original', label: width ? l10n.t('Original ({0} × {1})', width, height) : l10n.t('Original') },
			...candidates.map(size => ({ value: size, label: l10n.t('Extend to {0}', size.replace('x', ' × ')) })),
		], current);
	}

	private layoutCanvas(): void {
		const image = this.image;
		if (!image) {
			return;
		}
		const extended = this.extendedSize ? parseSize(this.extendedSize) : undefined;
		const width = extended?.width ?? image.naturalWidth;
		const height = extended?.height ?? image.naturalHeight;
		this.layout = { width, height, x: Math.round((width - image.naturalWidth) / 2), y: Math.round((height - image.naturalHeight) / 2) };
		for (const canvas of [this.base, this.paint]) {
			canvas.width = width;
			canvas.height = height;
		}
		this.stage.style.aspectRatio = `${width} / ${height}`;
		const context = this.base.getContext('2d') as CanvasRenderingContext2D;
		context.clearRect(0, 0, width, height);
		context.drawImage(image, this.layout.x, this.layout.y);
		this.history.length = 0;
		const paint = this.context();
		paint.clearRect(0, 0, width, height);
		if (extended) {
			// The new area is what the model paints: masked from the start.
			paint.fillStyle = this.paintColour();
			paint.fillRect(0, 0, width, height);
			paint.clearRect(this.layout.x, this.layout.y, image.naturalWidth, image.naturalHeight);
		}
		this.painted = extended !== undefined;
		this.onChange();
	}

	private context(): CanvasRenderingContext2D {
		return this.paint.getContext('2d', { willReadFrequently: true }) as CanvasRenderingContext2D;
	}

	private paintColour(): string {
		return this.overlayKind === 'markup' ? '#ff3b30' : '#ff5a5a';
	}

	private setTool(tool: Tool): void {
		this.tool = tool;
		this.brush.setAttribute('aria-pressed', String(tool === 'brush'));
		this.eraser.setAttribute('aria-pressed', String(tool === 'eraser'));
		this.brush.setAttribute('appearance', tool === 'brush' ? 'primary' : 'secondary');
		this.eraser.setAttribute('appearance', tool === 'eraser' ? 'primary' : 'secondary');
	}

	private snapshot(): void {
		this.history.push(this.context().getImageData(0, 0, this.layout.width, this.layout.height));
		if (this.history.length > 30) {
			this.history.shift();
		}
	}

	private change(draw: (context: CanvasRenderingContext2D) => void): void {
		if (!this.layout.width) {
			return;
		}
		this.snapshot();
		draw(this.context());
		this.painted = this.hasPaint();
		this.onChange();
	}

	private undoStroke(): void {
		const previous = this.history.pop();
		if (previous) {
			this.context().putImageData(previous, 0, 0);
			this.painted = this.hasPaint();
			this.onChange();
		}
	}

	private invertPaint(): void {
		this.change(context => {
			const pixels = context.getImageData(0, 0, this.layout.width, this.layout.height);
			const colour = this.overlayKind === 'markup' ? [255, 59, 48] : [255, 90, 90];
			for (let at = 0; at < pixels.data.length; at += 4) {
				pixels.data[at] = colour[0];
				pixels.data[at + 1] = colour[1];
				pixels.data[at + 2] = colour[2];
				pixels.data[at + 3] = 255 - pixels.data[at + 3];
			}
			context.putImageData(pixels, 0, 0);
		});
	}

	private point(event: PointerEvent): { x: number; y: number } {
		const rect = this.paint.getBoundingClientRect();
		return { x: (event.clientX - rect.left) * this.layout.width / rect.width, y: (event.clientY - rect.top) * this.layout.height / rect.height };
	}

	private startStroke(event: PointerEvent): void {
		if (!this.layout.width || event.button !== 0) {
			return;
		}
		this.paint.setPointerCapture(event.pointerId);
		this.snapshot();
		this.stroke = this.point(event);
		this.drawSegment(this.stroke, this.stroke);
	}

	private continueStroke(event: PointerEvent): void {
		if (!this.stroke) {
			return;
		}
		const next = this.point(event);
		this.drawSegment(this.stroke, next);
		this.stroke = next;
	}

	private drawSegment(from: { x: number; y: number }, to: { x: number; y: number }): void {
		const context = this.context();
		context.save();
		context.globalCompositeOperation = this.tool === 'eraser' ? 'destination-out' : 'source-over';
		context.strokeStyle = this.paintColour();
		context.lineWidth = Number(this.size.value);
		context.lineCap = 'round';
		context.lineJoin = 'round';
		context.beginPath();
		context.moveTo(from.x, from.y);
		context.lineTo(to.x, to.y);
		context.stroke();
		context.restore();
		this.painted = this.tool === 'brush' ? true : this.hasPaint();
		this.onChange();
	}

	private hasPaint(): boolean {
		const data = this.context().getImageData(0, 0, this.layout.width, this.layout.height).data;
		for (let at = 3; at < data.length; at += 4) {
			if (data[at] !== 0) {
				return true;
			}
		}
		return false;
	}

	/**
	 * What the edit sends besides the instruction: the overlay (a mask with alpha 0 where
	 * painted, or the markup drawing on transparency), and the padded image when extended.
	 */
	exports(): { overlay?: { kind: 'mask' | 'markup'; png: string }; image?: string } {
		if (!this.layout.width) {
			return {};
		}
		let overlay: { kind: 'mask' | 'markup'; png: string } | undefined;
		if (this.painted) {
			const out = element('canvas');
			out.width = this.layout.width;
			out.height = this.layout.height;
			const context = out.getContext('2d') as CanvasRenderingContext2D;
			if (this.overlayKind === 'mask') {
				context.fillStyle = '#000000';
				context.fillRect(0, 0, out.width, out.height);
				context.globalCompositeOperation = 'destination-out';
			}
			context.drawImage(this.paint, 0, 0);
			overlay = { kind: this.overlayKind, png: base64Of(out) };
		}
		return { ...(overlay ? { overlay } : {}), ...(this.extendedSize ? { image: base64Of(this.base) } : {}) };
	}
}

