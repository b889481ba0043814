// The one loader of the cloud's wasm modules (dist/acw-sip, dist/acw-media): glue imported, bytes handed over.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const loaded = new Map();

/** Whether dir holds NAME.mjs and NAME.wasm. */
export function wasmBuilt(dir, name) {
  return Boolean(dir) && existsSync(join(dir, `${name}.mjs`)) && existsSync(join(dir, `${name}.wasm`));
}

/**
 * The module dir/NAME.{mjs,wasm}, instantiated once per file. Only that folder is looked in: a
 * fallback elsewhere would let a broken build pass unnoticed. Throws when the files are missing.
 * instantiate(factory, wasmBinary) makes the module (default: the factory itself).
 */
export function loadWasm(dir, name, instantiate = (factory, wasmBinary) => factory({ wasmBinary })) {
  const path = join(dir ?? '', name);
  if (!loaded.has(path)) {
    const loading = (async () => {
      if (!wasmBuilt(dir, name)) throw new Error(`${name}.mjs/.wasm not found in ${dir}: build the wasm modules (toolchain/setup.sh)`);
      const { default: factory } = await import(pathToFileURL(`${path}.mjs`).href);
      // Emscripten 3.1.6's glue would fetch() a file path under Node: hand it the bytes instead.
      return instantiate(factory, readFileSync(`${path}.wasm`));
    })();
    loading.catch(() => loaded.delete(path));
    loaded.set(path, loading);
  }
  return loaded.get(path);
}
