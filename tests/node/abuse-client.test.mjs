// A hostile server against the client's receive path: a frame far over the core's limit is refused
// before it is copied into wasm memory, logged, and the client goes on working on the same socket.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { AculabCloudClient } from 'aculab-webrtc-wasm';
import { loadCore } from '../../js/loader.js';
import { NumberQuery } from '../../js/boundary.js';
import { CLOUD_ID, KEY, TOKEN, CallbackLog, ScriptedCloud, exitWhenDone, until } from './client-helpers.mjs';

const guard = exitWhenDone(after, { audio: false });

test('a huge frame from the server is refused before it reaches the wasm heap, logged, and the client still works', { timeout: 120000 }, guard(async (t) => {
  const cloud = await ScriptedCloud.start();
  const logs = [];
  const client = new AculabCloudClient(CLOUD_ID, KEY, 'alice', 2, {
    url: cloud.url, environment: { WebSocket }, logger: (level, text) => logs.push({ level, text }),
  });
  const states = new CallbackLog();
  client.onIncomingState = states.record('onIncomingState');
  t.after(async () => {
    client.close();
    await cloud.close();
  });
  client.enableIncoming(TOKEN);
  await cloud.next('REGISTER');
  assert.deepEqual((await states.next('onIncomingState')).payload, { ready: true, cause: 'NORMAL', retry: true });

  const core = await loadCore();
  const limit = core.number(0, NumberQuery.maxFrameSize, 0, 0);
  assert.equal(limit, 64 * 1024);
  const heapBefore = core.HEAPU8.length;
  // 32 MiB of text: copied into wasm memory it would take 96 MiB (3 bytes per UTF-16 unit).
  const huge = 'OPTIONS sip:x SIP/2.0\r\n' + 'X'.repeat(32 * 1024 * 1024);
  cloud.send(huge);
  // Just over the limit: refused the same way; exactly at it, read (and dropped by SIP rules).
  cloud.send('x'.repeat(limit + 1));
  cloud.send('x'.repeat(limit));
  await until(() => logs.filter((l) => /frame of \d+ characters refused/.test(l.text)).length === 2, { what: 'two refusals logged' });
  const refused = logs.filter((l) => /frame of \d+ characters refused/.test(l.text));
  assert.equal(refused[0].level, 1);
  assert.match(refused[0].text, new RegExp(`frame of ${huge.length} characters refused \\(over ${limit} bytes\\)`));
  assert.match(refused[1].text, new RegExp(`frame of ${limit + 1} characters refused`));
  assert.ok(core.HEAPU8.length - heapBefore < 1024 * 1024,
    `the wasm heap grew by ${core.HEAPU8.length - heapBefore} bytes`);

  // The same socket still carries SIP: a new token re-registers and the client is ready again.
  const other = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZTIifQ.sig2';
  client.enableIncoming(other);
  const again = await cloud.next((m) => m.method === 'REGISTER' && m.get('Authorization') === `Bearer ${other}`);
  assert.ok(again);
  assert.deepEqual((await states.next('onIncomingState')).payload, { ready: true, cause: 'NORMAL', retry: true });
  assert.equal(cloud.opened, 1, 'the client kept its socket');
}));
