// Loads the signalling core (acw-core.wasm) once per page: found next to this package's files with
// new URL(..., import.meta.url), or where options.locateFile / options.wasmBinary say.
import createCoreModule from '../dist/acw-core.mjs';

let loading = null;

const isNode = typeof process === 'object' && !!(process.versions && process.versions.node);

export function loadCore(options = {}) {
  if (loading) return loading;
  const args = {};
  if (options.locateFile) args.locateFile = options.locateFile;
  if (options.wasmBinary) args.wasmBinary = options.wasmBinary;
  loading = (async () => {
    if (!args.wasmBinary && !args.locateFile && isNode) {
      // Emscripten 3.1.6 would fetch() a file path under Node: read the file ourselves.
      const { readFile } = await import('node:fs/promises');
      args.wasmBinary = await readFile(new URL('../dist/acw-core.wasm', import.meta.url));
    }
    return createCoreModule(args);
  })();
  loading.catch(() => { loading = null; });
  return loading;
}
