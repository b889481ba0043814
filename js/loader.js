// Loads the package's wasm modules once per page: the signalling core (acw-core.wasm) at once, and
// the SDP module (acw-sdp.wasm: the call options codecs, maxBitrateAudio and maxBitrateVideo) and
// the quality module (acw-quality.wasm, through ./quality.js) only when a call needs them, the
// journal module (acw-journal.wasm) only when the page reads its journal. Each is found next to its
// glue with new URL(..., import.meta.url), or where options.locateFile / options.wasmBinary say.
import createCoreModule from '../dist/acw-core.mjs';

const { process } = globalThis; // Node's; browsers have none
const isNode = typeof process === 'object' && !!(process.versions && process.versions.node);

// Emscripten 3.1.6 would fetch() a file path under Node, which fails: read the file ourselves.
// node:fs is reached without a static import so that page bundlers never see it.
async function readWasmFile(url) {
  let fs = process.getBuiltinModule ? process.getBuiltinModule('fs') : null;
  if (!fs) {
    const name = 'node:fs';
    fs = await import(/* webpackIgnore: true */ /* @vite-ignore */ name);
  }
  return fs.promises.readFile(url);
}

// One module from its glue's factory (awaited: the SDP module's is imported only when needed).
async function instantiate(factory, wasm, options) {
  const args = {};
  if (options.locateFile) args.locateFile = options.locateFile;
  if (options.wasmBinary) args.wasmBinary = options.wasmBinary;
  if (!args.wasmBinary && isNode) {
    // Through a variable: bundlers would take new URL('…', import.meta.url) for an asset to emit.
    const here = import.meta.url;
    const base = new URL('../dist/', here);
    const where = args.locateFile ? args.locateFile(wasm, base.href) : new URL(wasm, base).href;
    // An http(s) location is fetched by the glue as in a page; anything else is a file.
    if (!/^https?:/i.test(where)) {
      args.wasmBinary = await readWasmFile(/^file:/i.test(where) ? new URL(where) : where);
    }
  }
  return (await factory)(args);
}

// Loads once; a failure lets the next call try again.
export function once(load) {
  let loading = null;
  return (...args) => {
    if (loading) return loading;
    loading = load(...args);
    loading.catch(() => {
      loading = null;
    });
    return loading;
  };
}

// The page's locateFile, which places the SDP module's .wasm too.
let locateFile = null;

/**
 * @param {object} [options]
 * @param {(path: string, scriptDirectory: string) => string} [options.locateFile] where the .wasm
 *   files are (given 'acw-core.wasm', and later perhaps 'acw-sdp.wasm', 'acw-journal.wasm' or
 *   'acw-quality.wasm')
 * @param {ArrayBuffer|Uint8Array} [options.wasmBinary] acw-core.wasm's bytes, already fetched
 */
export const loadCore = once((options = {}) => {
  locateFile = options.locateFile || null;
  return instantiate(createCoreModule, 'acw-core.wasm', options);
});

// A module loaded on first use, from its glue's import(), its .wasm placed by the page's locateFile.
export const lazyModule = (glue, wasm) => instantiate(glue.then((m) => m.default), wasm, { locateFile });

/**
 * The SDP module (bindings/sdp_tools.cpp), imported and instantiated on first use: resolves to
 * munge(sdp, optionsJson) -> { sdp, error }, where error is '' or why the SDP was left as it is.
 */
export const loadSdpTools = once(async () => {
  const module = await lazyModule(import('../dist/acw-sdp.mjs'), 'acw-sdp.wasm');
  return (sdp, optionsJson) => JSON.parse(module.mungeSdp(sdp, optionsJson));
});

/**
 * The journal module (bindings/journal_tools.cpp), imported and instantiated on first use:
 * resolves to text(records) -> { text, error }, the journal's JSON lines of the core's records.
 */
export const loadJournalTools = once(async () => {
  const factory = import('../dist/acw-journal.mjs').then((m) => m.default);
  const module = await instantiate(factory, 'acw-journal.wasm', { locateFile });
  return (records) => JSON.parse(module.journalText(records));
});
