/**
 * True in the web extension bundle (dist/web/extension.js), false in every other build: set
 * by esbuild.mjs (`define`), so each bundle keeps only the code of its own host.
 */
declare const ILLUSTRATE_WEB: boolean;
