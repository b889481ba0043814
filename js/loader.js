// Loads the signalling core (acw-core.wasm) once per page: found next to the glue with
// new URL(..., import.meta.url), or where options.locateFile / options.wasmBinary say.
import createCoreModule from '../dist/acw-core.mjs';

const WASM = 'acw-core.wasm';
let loading = null;

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

/**
 * @param {object} [options]
 * @param {(path: string, scriptDirectory: string) => string} [options.locateFile] where the .wasm is
 * @param {ArrayBuffer|Uint8Array} [options.wasmBinary] the .wasm's bytes, already fetched
 */
export function loadCore(options = {}) {
  if (loading) return loading;
  const args = {};
  if (options.locateFile) args.locateFile = options.locateFile;
  if (options.wasmBinary) args.wasmBinary = options.wasmBinary;
  loading = (async () => {
    if (!args.wasmBinary && isNode) {
      // Through a variable: bundlers would take new URL('…', import.meta.url) for an asset to emit.
      const here = import.meta.url;
      const base = new URL('../dist/', here);
      const where = args.locateFile ? args.locateFile(WASM, base.href) : new URL(WASM, base).href;
      // An http(s) location is fetched by the glue as in a page; anything else is a file.
      if (!/^https?:/i.test(where)) {
        args.wasmBinary = await readWasmFile(/^file:/i.test(where) ? new URL(where) : where);
      }
    }
    return createCoreModule(args);
  })();
  loading.catch(() => {
    loading = null;
  });
  return loading;
}
