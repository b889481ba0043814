// The signalling core's wasm build loads under Node (no fetch: wasmBinary) and runs C++ code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const dist = process.env.ACW_DIST ?? new URL('../../dist', import.meta.url).pathname;

test('acw-core.wasm loads from Node and answers from C++', async () => {
  const { default: createCoreModule } = await import(join(dist, 'acw-core.mjs'));
  const core = await createCoreModule({ wasmBinary: readFileSync(join(dist, 'acw-core.wasm')) });
  assert.equal(core.reasonPhrase(180), 'Ringing');
  assert.equal(core.reasonPhrase(486), 'Busy Here');
});
