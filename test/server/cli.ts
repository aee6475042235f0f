// Runs the test image API server on its own: node out/test/server/cli.js [--port 8089] [--image-ms 4000] [--grain 24]
import { startImageApiServer } from './imageApiServer';

function option(name: string, fallback: number): number {
	const at = process.argv.indexOf(name);
	return at >= 0 ? Number(process.argv[at + 1]) : fallback;
}

void (async () => {
	const server = await startImageApiServer({
		port: option('--port', 8089),
		config: { imageMs: option('--image-ms', 3000), firstByteMs: option('--first-byte-ms', 500), grain: option('--grain', 8) },
	});
	console.log(`Test image API listening at ${server.url} (control: ${server.origin}/__control/requests)`);
	const stop = () => void server.close().then(() => process.exit(0));
	process.on('SIGINT', stop);
	process.on('SIGTERM', stop);
})();
