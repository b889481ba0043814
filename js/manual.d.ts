// Types for aculab-webrtc-wasm/manual: load the wasm core from where the page put it.
import type * as Client from './index.js';

export interface LoadOptions {
  /**
   * Where the .wasm files are: given 'acw-core.wasm' (or, for a call with the codecs or
   * maxBitrateAudio/maxBitrateVideo options, 'acw-sdp.wasm', and for call quality 'acw-quality.wasm')
   * and the glue's directory, returns a URL (or a path in Node).
   */
  locateFile?: (path: string, scriptDirectory: string) => string;
  /** acw-core.wasm's bytes, already fetched. */
  wasmBinary?: ArrayBuffer | Uint8Array;
}

export function load(options?: LoadOptions): Promise<typeof Client>;
