// Received WebSocket text frames go into the core as UTF-8 bytes written straight into the wasm
// heap: TextEncoder.encodeInto into a buffer the engine owns (number's frameBuffer), then one call
// with the byte length (frame(), bindings/core.cpp). Passing the JS string through embind
// instead costs ~18 µs for a 2.8 KB INVITE (its std::string conversion measures and encodes the
// UTF-8 in two JS loops), three times the parse itself; encodeInto takes ~0.2 µs.
import * as NumberQuery from './boundary/number-query.js';

const encoder = new TextEncoder();

// A frame needs at most 3 UTF-8 bytes per UTF-16 code unit (a surrogate pair: 4 bytes for 2).
const BYTES_PER_UNIT = 3;
// The buffer's least size. It grows to fit a bigger frame and stays: a frame is at most the core's
// limit (64 KiB), so the buffer is at most three times that.
const SMALL = 16 * 1024;

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
    // The core's own limit (sip::kMaxFrameSize, in bytes), asked once: a UTF-16 unit is at least
    // one UTF-8 byte, so a longer string is refused without a byte of it reaching the wasm heap.
    this.max = module.number(engine, NumberQuery.maxFrameSize, 0, 0);
  }

  /**
   * Writes `text` as UTF-8 into the engine's frame buffer; returns the number of bytes, or -1 for
   * a frame over the core's limit (nothing written; the caller logs it).
   */
  write(text) {
    if (text.length > this.max) return -1;
    const need = text.length * BYTES_PER_UNIT;
    if (need > this._size) {
      this._size = Math.max(need, SMALL);
      this._ptr = this._module.number(this._engine, NumberQuery.frameBuffer, this._size, 0);
      if (!this._ptr) return (this._size = -1); // the core refused the size (bindings/core.cpp)
    }
    // HEAPU8 is read again on every frame: when the wasm memory grows (in frameBuffer or in any
    // earlier call) the old view is detached and Module.HEAPU8 is replaced.
    const heap = this._module.HEAPU8;
    return encoder.encodeInto(text, heap.subarray(this._ptr, this._ptr + need)).written;
  }
}
