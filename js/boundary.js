// The names of every number that crosses between the shim and the wasm core (bindings/core.cpp):
// each module under js/boundary/ is one C++ table, one `export const name = value` per entry in the
// table's order. Hand-written, and checked against the C++ lists by tests/node/boundary.test.mjs (a
// renamed, added or moved entry on either side fails it). The shim imports each module as a
// namespace (`import * as Input from './boundary/input.js'`) and reads `Input.callService`: a
// bundler inlines those constants, so the page ships numbers and no name tables (0.4 KB gzip).

export * as Input from './boundary/input.js';
export * as Output from './boundary/output.js';
export * as Query from './boundary/query.js';
export * as NumberQuery from './boundary/number-query.js';

/**
 * The engine's next output, from query(handle, Query.poll): { kind, level, call, name, json, text }
 * (kind an Output value), or null when none is left. The fields come in bindings/core.cpp's
 * poll_text order, each after a NUL; text is last and may itself hold NULs.
 */
export function decodeOutput(polled) {
  if (!polled) return null;
  const [kind, level, call, name, json, ...text] = polled.split('\0');
  return { kind: Number(kind), level: Number(level), call: Number(call), name, json, text: text.join('\0') };
}
