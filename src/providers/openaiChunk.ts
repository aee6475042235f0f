// The openai SDK as a file of its own (dist/openai.js), which the extension bundle loads at
// the first request rather than at activation (see sdkChunkPlugin in esbuild.mjs).
export * from 'openai';
export { default } from 'openai';
