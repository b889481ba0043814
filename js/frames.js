// Received WebSocket text frames go into the core as UTF-8 bytes written straight into the wasm
// heap: TextEncoder.encodeInto into a buffer the engine owns (number's frameBuffer), then one call
// with the byte length (frame(), bindings/core.cpp). Passing the JS string through embind
// instead costs ~18 µs for a 2.8 KB INVITE (its std::string conversion measures and encodes the
// UTF-8 in two JS loops), three times the parse itself; encodeInto takes ~0.2 µs.
import * as NumberQuery from './boundary/number-query.js';

const encoder = new TextEncoder();

// A frame needs at most 3 UTF-8 bytes per UTF-16 code unit (a surrogate pair: 4 bytes for 2).
const BYTES_PER_UNIT = 3;
// The buffer's least size, and the size past which it is given back after a big frame.
const SMALL = 16 * 1024;
const LARGE = 256 * 1024;

export class FrameWriter {
  /**
   * @param {object} module the core's Emscripten module (HEAPU8, number)
   * @param {number} engine the engine's handle (the engine owns the buffer)
   */
  constructor(module, engine) {
    this._module = module;
    this._engine = engine;
    this._ptr = 0;
    this._size = 0;
  }

  /** Writes `text` as UTF-8 into the engine's frame buffer; returns the number of bytes. */
  write(text) {
    const need = text.length * BYTES_PER_UNIT;
    if (need > this._size || (this._size > LARGE && need <= SMALL)) {
      this._size = Math.max(need, SMALL);
      this._ptr = this._module.number(this._engine, NumberQuery.frameBuffer, this._size, 0);
    }
    // HEAPU8 is read again on every frame: when the wasm memory grows (in frameBuffer or in any
    // earlier call) the old view is detached and Module.HEAPU8 is replaced.
    const heap = this._module.HEAPU8;
    return encoder.encodeInto(text, heap.subarray(this._ptr, this._ptr + need)).written;
  }
}
