// The constructor's argument checks in JS (js/arguments.js, used before the wasm has loaded) give
// the engine's answer (cpp/call/validation.cpp) for every argument of a table of good and bad ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NumberQuery, Query } from '../../js/boundary.js';
import { constructorError } from '../../js/arguments.js';

const dist = process.env.ACW_DIST ?? new URL('../../dist', import.meta.url).pathname;
const built = existsSync(join(dist, 'acw-core.wasm')) ? false : 'dist/acw-core.wasm not built';

const CLOUD_IDS = ['1-2-3', '10-20-300', '', '1-2', '1-2-3-4', '-1-2', '1--2', '1-2-', 'a-2-3', ' 1-2-3', '1-2-3\0', '１-2-3'];
const KEYS = ['abc123', 'a', 'a'.repeat(63), 'a'.repeat(64), '', 'ABC', 'ab c', 'ab-c', 'é'];
const CLIENT_IDS = ['alice', 'sip:alice', 'webrtc:alice', 'sip:webrtc:alice', 'SIP:alice', 'sip%3Aalice', 'sip%3aalice',
  'webrtc%3Aalice', 'sip:', 'sip', 'webrtc:', 'a+b-c_d.e', 'a b', 'a@b', '', 'sip%3', 'webrtc:sip:alice', 'é'];
const URLS = ['', 'ws://h', 'wss://h:1/p', 'ws://', 'ws:///p', 'http://h', 'WS://h', 'ws://h p', 'ws://h\x7f', 'ws://h\t', 'wss://é'];

test('the JS checks and the engine agree on every constructor argument', { skip: built }, async () => {
  const { default: createCoreModule } = await import(join(dist, 'acw-core.mjs'));
  const core = await createCoreModule({ wasmBinary: readFileSync(join(dist, 'acw-core.wasm')) });
  const engine = (args) => {
    const h = core.create(...args, 1, 2, 0, '');
    const err = core.query(h, Query.configError, 0, '');
    core.number(h, NumberQuery.destroy, 0, 0);
    return err;
  };
  const cases = [
    ...CLOUD_IDS.map((x) => [x, 'abc123', 'alice', '']),
    ...KEYS.map((x) => ['1-2-3', x, 'alice', '']),
    ...CLIENT_IDS.map((x) => ['1-2-3', 'abc123', x, '']),
    ...URLS.map((x) => ['1-2-3', 'abc123', 'alice', x]),
    ['bad', 'BAD', 'a b', 'http://x'],
  ];
  let refused = 0;
  for (const args of cases) {
    const want = engine(args);
    if (want) refused++;
    assert.equal(constructorError(...args), want, JSON.stringify(args));
  }
  assert.ok(refused > 20 && refused < cases.length - 10, `${refused} of ${cases.length} refused`);
});
