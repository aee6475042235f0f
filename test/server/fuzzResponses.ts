/**
 * Damaged answers for the fuzz test: in fuzz mode every image request gets a response drawn
 * from a seeded generator (the seed and the request number decide it, so a run can be
 * repeated): truncated, bit-flipped, wrong lengths and framing, huge declared sizes, absurd
 * JSON, wrong content types, events out of order, HTTP errors with odd bodies, or a valid
 * stream. Each response says which final images arrived whole before any damage: those
 * must end up in the extension's history.
 */
import { fuzzContext, type FuzzOutcome, type FuzzRequest } from './fuzzContext';
import { STREAM_CASES } from './fuzzStreams';
import { TRANSPORT_CASES } from './fuzzTransport';

/** mulberry32: small, fast, and the same numbers for the same seed everywhere. */
export function prng(seed: number): () => number {
	let state = seed >>> 0;
	return () => {
		state = (state + 0x6d2b79f5) >>> 0;
		let t = state;
		t = Math.imul(t ^ (t >>> 15), t | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

const CASES: readonly [string, number][] = [
	['valid', 14],
	['valid_noise', 5],
	['truncated', 11],
	['bitflip', 11],
	['garbage', 7],
	['absurd_json', 11],
	['out_of_order', 8],
	['content_type', 6],
	['http_error', 6],
	['framing', 8],
	['huge_image', 6],
	['huge_event', 2],
	['empty', 3],
	['slow_drip', 2],
];
const TOTAL_WEIGHT = CASES.reduce((sum, [, weight]) => sum + weight, 0);

/** Writes one response for a request in fuzz mode and says what the client must keep. */
export async function fuzzResponse(request: FuzzRequest): Promise<FuzzOutcome> {
	const random = prng((request.seed ^ Math.imul(request.seq, 0x9e3779b1)) >>> 0);
	const context = fuzzContext(request, random);
	let roll = random() * TOTAL_WEIGHT;
	let kind = CASES[0][0];
	for (const [name, weight] of CASES) {
		roll -= weight;
		if (roll < 0) {
			kind = name;
			break;
		}
	}

	const write = STREAM_CASES[kind] ?? TRANSPORT_CASES[kind] ?? STREAM_CASES.slow_drip;
	return write(context, kind);
}
