// The signalling core's wasm build loads under Node (no fetch: wasmBinary) and runs C++ code.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

import { NumberQuery, Query } from '../../js/boundary.js';

const dist = process.env.ACW_DIST ?? new URL('../../dist', import.meta.url).pathname;

test('acw-core.wasm loads from Node and answers from C++', async () => {
  const { default: createCoreModule } = await import(join(dist, 'acw-core.mjs'));
  const core = await createCoreModule({ wasmBinary: readFileSync(join(dist, 'acw-core.wasm')) });
  // The constructor's checks are the core's: a valid configuration, then one without a client id.
  const engine = core.create('1-2-0', 'abc123', 'alice', '', 1, 2, 0, '');
  assert.equal(core.query(engine, Query.configError, 0, ''), '');
  const refused = core.create('1-2-0', 'abc123', '', '', 1, 2, 0, '');
  assert.notEqual(core.query(refused, Query.configError, 0, ''), '');
  core.number(refused, NumberQuery.destroy, 0, 0);
  // The page's build leaves the parse benchmark out (dist/acw-core-bench.wasm has it).
  assert.equal(core.number(engine, NumberQuery.benchParse, 0, 1), -1);
  core.number(engine, NumberQuery.destroy, 0, 0);
});

// The page's receive path (js/frames.js): frames encoded into the engine's buffer in the wasm
// heap, across memory growth (which detaches the old HEAPU8), up to the core's frame limit.
test('FrameWriter: UTF-8 into the wasm heap, through memory growth, up to the frame limit', async () => {
  // The benchmarks' build of the core (the page's answers benchParse with -1: checked below).
  const { default: createCoreModule } = await import(join(dist, 'acw-core-bench.mjs'));
  const { FrameWriter } = await import('../../js/frames.js');
  const core = await createCoreModule({ wasmBinary: readFileSync(join(dist, 'acw-core-bench.wasm')) });
  const engine = core.create('1-2-0', 'abc123', 'alice', '', 1, 2, 0, '');
  const frames = new FrameWriter(core, engine);
  const body = 'v=0\r\ns=Zoë ☕ 𝄞\r\n';
  const frame = (note) => [
    'MESSAGE sip:alice@example.com SIP/2.0', 'Via: SIP/2.0/WSS 127.0.0.1;branch=z9hG4bKx',
    'From: "José" <sip:bob@example.com>;tag=1', 'To: <sip:alice@example.com>', 'Call-ID: c1',
    'CSeq: 1 MESSAGE', `X-Note: ${note}`, `Content-Length: ${Buffer.byteLength(body)}`, '', body,
  ].join('\r\n');
  const bytesIn = (text) => {
    const n = frames.write(text);
    assert.equal(n, Buffer.byteLength(text));
    assert.deepEqual(Buffer.from(core.HEAPU8.subarray(frames._ptr, frames._ptr + n)), Buffer.from(text));
    return n;
  };
  // Content-Length counts bytes: the parse succeeds only on the exact UTF-8. benchParse counts
  // the fields parsed as peers parse them: this frame's Via, From, To and CSeq (0 if it fails).
  const parsed = 4;
  assert.equal(core.number(engine, NumberQuery.benchParse, bytesIn(frame('café')), 1), parsed);
  // The heap grows under the writer (a frame is at most the core's limit, so a big allocation
  // grows it here): the next frame lands in the new heap.
  const before = core.HEAPU8.buffer;
  const block = core._malloc(32 * 1024 * 1024);
  assert.notEqual(core.HEAPU8.buffer, before, 'the heap grew');
  assert.equal(core.number(engine, NumberQuery.benchParse, bytesIn(frame('naïve')), 1), parsed);
  core._free(block);
  // The longest frame the core reads passes; one character more is refused before the heap.
  const longest = frame('é'.repeat(20_000));
  assert.ok(Buffer.byteLength(longest) <= frames.max);
  assert.equal(core.number(engine, NumberQuery.benchParse, bytesIn(longest), 1), parsed);
  assert.equal(frames.write('x'.repeat(frames.max + 1)), -1);
  core.number(engine, NumberQuery.destroy, 0, 0);
});
