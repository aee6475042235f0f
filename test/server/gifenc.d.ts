/** The part of gifenc (which ships no types) the test server uses. */
declare module 'gifenc' {
	export interface GifFrameOptions {
		/** RGB triples; the first frame's is the global colour table. */
		palette?: number[][];
		/** Milliseconds; stored as hundredths of a second. */
		delay?: number;
		/** -1 plays once, 0 loops forever, n > 0 loops n times. */
		repeat?: number;
		transparent?: boolean;
		transparentIndex?: number;
		dispose?: number;
	}
	export interface GifEncoderStream {
		writeFrame(index: Uint8Array, width: number, height: number, options?: GifFrameOptions): void;
		finish(): void;
		bytes(): Uint8Array;
	}
	export function GIFEncoder(options?: { auto?: boolean; initialCapacity?: number }): GifEncoderStream;
}
