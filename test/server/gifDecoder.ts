/**
 * Decodes a GIF for tests with omggif (a maintained decoder, independent of the encoder the
 * test server uses): its logical size, each frame's delay and its pixels as shown (frames
 * composited onto the canvas in order), and the loop count.
 */
import { GifReader } from 'omggif';

export interface DecodedGif {
	readonly width: number;
	readonly height: number;
	/** Each frame's delay in milliseconds (the file stores hundredths of a second). */
	readonly delaysMs: number[];
	/** Each frame as it is shown: RGBA, `width × height × 4` bytes. */
	readonly frames: Uint8Array[];
	/** 0 loops forever; undefined when the file has no loop extension (plays once). */
	readonly loopCount: number | undefined;
}

/** Decodes every frame; throws when the bytes are not a GIF omggif can read. */
export function decodeGif(bytes: Uint8Array): DecodedGif {
	const reader = new GifReader(bytes);
	const canvas = new Uint8Array(reader.width * reader.height * 4);
	const frames: Uint8Array[] = [];
	const delaysMs: number[] = [];
	for (let index = 0; index < reader.numFrames(); index++) {
		reader.decodeAndBlitFrameRGBA(index, canvas);
		frames.push(canvas.slice());
		delaysMs.push(reader.frameInfo(index).delay * 10);
	}
	const loop = reader.loopCount();
	return { width: reader.width, height: reader.height, delaysMs, frames, loopCount: loop === null || loop === undefined ? undefined : loop };
}
