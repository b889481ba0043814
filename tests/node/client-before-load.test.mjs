// A client made before the wasm core has loaded (js/client.js's queue): bad constructor arguments
// still throw at once; commands and calls given meanwhile are carried out in order when the core
// arrives; what the engine then refuses is logged, and a refused call ends with onError and
// onDisconnect 'ERROR'. Each test uses its own instance of client.js, whose core is not yet set.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { loadCore } from '../../js/loader.js';

const dist = new URL('../../dist', import.meta.url).pathname;
const built = existsSync(join(dist, 'acw-core.wasm')) ? false : 'dist/acw-core.wasm not built';
let fresh = 0;
const freshClientModule = () => import(`../../js/client.js?before-load-${++fresh}`);

// A socket that records where it was opened and never connects.
const opened = [];
class RecordingSocket {
  constructor(url) {
    opened.push(url);
    this.readyState = 0;
  }
  close() {}
  send() {}
}
const env = { WebSocket: RecordingSocket, RTCPeerConnection: class {}, MediaStream: class {}, getUserMedia: () => new Promise(() => {}) };

test('before the core: bad arguments throw at once; commands queue and run in order when it arrives', { skip: built }, async () => {
  const { AculabCloudClient, setCore } = await freshClientModule();
  assert.throws(() => new AculabCloudClient('1-2-0', 'abc123', 'a b', 0, { environment: env }), (e) => e === 'Invalid clientId');
  assert.throws(() => new AculabCloudClient('1-2-0', 'abc123', 'alice', 0, { url: 'http://x', environment: env }), (e) => e === 'Invalid cloud URL');
  const logs = [];
  const url = 'ws://127.0.0.1:9/before-load';
  const client = new AculabCloudClient('1-2-0', 'abc123', 'alice', 1, { url, environment: env, logger: (level, text) => logs.push([level, text]) });
  const events = [];
  client.maxConcurrent = 0; // refused by the engine once it exists: logged, not thrown
  client.maxConcurrent = 2;
  const bad = client.callService('a b');
  bad.onError = ({ cause, error }) => events.push(`bad onError ${cause} ${error}`);
  bad.onDisconnect = ({ cause }) => events.push(`bad onDisconnect ${cause}`);
  const good = client.callService('echo');
  good.onDisconnect = ({ cause }) => events.push(`good onDisconnect ${cause}`);
  good.disconnect(); // queued behind its creation: reaches the engine's call
  assert.equal(good.callId(), undefined);
  assert.deepEqual(events, []);
  assert.equal(opened.filter((u) => u === url).length, 0, 'nothing happens before the core');

  setCore(await loadCore());
  assert.ok(logs.some(([level, text]) => level === 1 && text.includes('maxConcurrent must be 1 or greater')), JSON.stringify(logs));
  assert.deepEqual(events.slice(0, 2), ['bad onError ERROR Invalid serviceName', 'bad onDisconnect ERROR']);
  // The same cause as a call made and hung up once loaded.
  const later = client.callService('echo');
  later.onDisconnect = ({ cause }) => events.push(`later onDisconnect ${cause}`);
  later.disconnect();
  const causes = (who) => events.filter((e) => e.startsWith(`${who} onDisconnect`)).map((e) => e.split(' ')[2]);
  assert.equal(causes('good').length, 1, events.join(', '));
  assert.deepEqual(causes('good'), causes('later'));
  assert.ok(opened.includes(url), 'the good call opened the socket');
  assert.equal(client.maxConcurrent, 2);
  // Once loaded, commands throw at once again.
  assert.throws(() => client.callService('a b'), (e) => e === 'Invalid serviceName');
  client.close();
});

test('before the core: close() is queued too, and commands after it throw "Client closed" once it has run', { skip: built }, async () => {
  const { AculabCloudClient, setCore } = await freshClientModule();
  const client = new AculabCloudClient('1-2-0', 'abc123', 'bob', 0, { url: 'ws://127.0.0.1:9/closed', environment: env });
  client.close();
  setCore(await loadCore());
  assert.throws(() => client.callService('echo'), (e) => e === 'Client closed');
});
