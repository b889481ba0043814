// Builds the package's other formats from js/ and the wasm glue into dist/ (run by setup.sh after
// the wasm build): the CommonJS entry (dist/aculab-webrtc-wasm.cjs, for require() in Node) and the
// script-tag build (dist/aculab-webrtc-wasm.min.js, one minified IIFE defining the page globals).
// Both sit in dist/ beside acw-core.wasm, which each finds from its own location: import.meta.url,
// which neither format has, is replaced by the file's own URL (__filename, document.currentScript).
//
//   node toolchain/build-formats.mjs [--out DIR]
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const outArg = process.argv.indexOf('--out');
const out = outArg > 0 ? process.argv[outArg + 1] : join(root, 'dist');

// The replacement for import.meta.url, as an injected module (esbuild's `inject`): evaluated when
// the built file runs, so that currentScript is still this script.
const SELF_URL = {
  cjs: "export const selfUrl = require('node:url').pathToFileURL(__filename).href;\n",
  iife: "export const selfUrl = typeof document !== 'undefined' && document.currentScript ? document.currentScript.src : globalThis.location ? globalThis.location.href : '';\n",
};

export const FORMATS = {
  cjs: { entry: 'js/index.js', file: 'aculab-webrtc-wasm.cjs', platform: 'node', minify: false },
  iife: { entry: 'js/script.js', file: 'aculab-webrtc-wasm.min.js', platform: 'browser', minify: true },
};

/** Builds one format; with `write: false`, returns its bytes instead of writing dist/. */
export async function buildFormat(format, { write = true, outDir = out } = {}) {
  const f = FORMATS[format];
  const shim = join(root, 'build', `self-url-${format}.mjs`);
  mkdirSync(dirname(shim), { recursive: true });
  writeFileSync(shim, SELF_URL[format]);
  const result = await esbuild.build({
    entryPoints: [join(root, f.entry)],
    outfile: join(outDir, f.file),
    bundle: true,
    format,
    platform: f.platform,
    target: 'es2022',
    minify: f.minify,
    inject: [shim],
    define: { 'import.meta.url': 'selfUrl' },
    legalComments: 'none',
    logLevel: 'warning',
    write,
  });
  return write ? null : result.outputFiles[0].contents;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  for (const format of Object.keys(FORMATS)) await buildFormat(format);
  console.log(`build-formats: ${Object.values(FORMATS).map((f) => join(out, f.file)).join(' ')}`);
}
