import { FULL_ACCESS } from './modelRules';

/** How the test server behaves: its latency, its keys, held finals, fuzzing; changed by tests through `configure`. */
export interface ServerConfig {
	/** Milliseconds before the response starts (queueing, prompt processing). */
	firstByteMs: number;
	/** Milliseconds to render one image. */
	imageMs: number;
	/** Whether the images of one request render side by side (true) or one after another. */
	parallelVariants: boolean;
	/** Grain added to pictures, 0–64; higher makes PNGs as large as real photo-like images. */
	grain: number;
	/** Keys the server accepts; empty accepts any non-empty key. */
	acceptedKeys: string[];
	/** How long a `stall` failure holds a request before giving up. */
	stallMs: number;
	/** Streams hold back their final images (partials still flow) until `releaseFinals()`. */
	holdFinals: boolean;
	/**
	 * Non-zero: a download of a batch's output or error file (`/v1/files/{id}/content`) sends
	 * this many lines, then holds the rest until `releaseFinals()` (or the client leaves).
	 */
	holdContentAfterLines: number;
	/** Accept any model name, as an OpenAI-compatible server of other models does. */
	anyModel: boolean;
	/** What `GET /v1/models` lists. */
	models: string[];
	/**
	 * Draw pictures from this many seeds (by request number and image index) instead of one per
	 * request, so a benchmark's pictures are rendered once and the fixed latency is not
	 * stretched by encoding. The images of one request differ while `n` ≤ the pool.
	 */
	seedPool: number;
	/** Answer browsers' cross-origin requests as the API does; off, an endpoint a browser may not call. */
	cors: boolean;
	/** The project has SVG output; off, `output_format: "svg"` is refused as for a project without access. */
	svgAccess: boolean;
	/** The project has the GIF preview; off, `output_format: "gif"` is refused as for a project without it. */
	gifAccess: boolean;
	/** The project may name the SVG author (`svg.model`); off, a request with `svg` is refused. */
	svgModelSelection: boolean;
	/** The SVG author models the key may name; any other is "does not exist or you do not have access to it". */
	svgAuthorModels: string[];
	/** Non-empty: the SVG text every `output_format: "svg"` reply carries instead of a drawing (a hostile one from test/fixtures/svg, say). */
	svgOverride: string;
	/** Non-zero: every image request gets a damaged (or valid) response drawn from this seed and its request number (see fuzzResponses.ts). */
	fuzzSeed: number;
}

export const DEFAULT_CONFIG: ServerConfig = {
	firstByteMs: 0,
	imageMs: 0,
	parallelVariants: true,
	grain: 0,
	acceptedKeys: [],
	stallMs: 600_000,
	holdFinals: false,
	holdContentAfterLines: 0,
	anyModel: false,
	models: ['gpt-image-2', 'gpt-image-2-2026-04-21', 'gpt-image-1.5', 'gpt-4.1-mini', 'whisper-1'],
	seedPool: 0,
	cors: true,
	fuzzSeed: 0,
	svgAccess: FULL_ACCESS.svgAccess,
	gifAccess: FULL_ACCESS.gifAccess,
	svgModelSelection: FULL_ACCESS.svgModelSelection,
	svgAuthorModels: [...FULL_ACCESS.svgAuthorModels],
	svgOverride: '',
};
