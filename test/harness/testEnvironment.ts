import type { ImageApiServer } from '../server/imageApiServer';

/** The fake key every test run uses; tests check it never leaks. */
export const TEST_API_KEY = 'sk-test-illustrate-0123456789abcdef';

/** Environment for a VS Code under test: the SDK talks to the test server, tests can drive it. */
export function extensionHostEnvironment(api: ImageApiServer): Record<string, string> {
	return {
		OPENAI_BASE_URL: api.url,
		OPENAI_API_KEY: TEST_API_KEY,
		ILLUSTRATE_TEST_SERVER: api.origin,
		// The fuzz test's seed, to repeat a run it printed.
		...(process.env.ILLUSTRATE_FUZZ_SEED ? { ILLUSTRATE_FUZZ_SEED: process.env.ILLUSTRATE_FUZZ_SEED } : {}),
	};
}
