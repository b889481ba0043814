// Types for aculab-webrtc-wasm/manual: load the wasm core from where the page put it.
import type * as Client from './index.js';

export interface LoadOptions {
  /** Where acw-core.wasm is: given 'acw-core.wasm' and the glue's directory, returns a URL (or a path in Node). */
  locateFile?: (path: string, scriptDirectory: string) => string;
  /** The .wasm bytes, already fetched. */
  wasmBinary?: ArrayBuffer | Uint8Array;
}

export function load(options?: LoadOptions): Promise<typeof Client>;
