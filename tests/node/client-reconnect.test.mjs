// The client's reconnect options through the shim: passed to the core as one JSON text, a mistake
// thrown as the documented string; calls have onReconnecting/onReconnected. (End to end against the
// local cloud's faults: client-network.test.mjs.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AculabCloudClient } from '../../js/index.js';

class FakeWebSocket {
  constructor() { this.readyState = 0; }
  send() {}
  close() {}
}
// No peer connection is made here; callService only asks that the browser could make one.
class FakeRTCPeerConnection {}
const environment = { WebSocket: FakeWebSocket, RTCPeerConnection: FakeRTCPeerConnection };

test('keepAlive and reconnect options are read by the core; a mistake throws', async () => {
  // The core checks them: a client made before it has loaded hears of a mistake in its log.
  await AculabCloudClient.ready;
  const ok = new AculabCloudClient('1-2-0', 'abc123', 'alice', 0, {
    environment,
    keepAlive: { interval: 1000, timeout: 500 },
    reconnect: { delays: [0, 250], limit: 10000 },
  });
  ok.close();
  assert.throws(
    () => new AculabCloudClient('1-2-0', 'abc123', 'alice', 0, { environment, keepAlive: { interval: -1 } }),
    (e) => typeof e === 'string' && e.startsWith('Invalid client options: keepAlive.interval'),
  );
  assert.throws(
    () => new AculabCloudClient('1-2-0', 'abc123', 'alice', 0, { environment, reconnect: { delays: [] } }),
    (e) => typeof e === 'string' && e.startsWith('Invalid client options: reconnect.delays'),
  );
});

test('calls have onReconnecting and onReconnected, null until the page sets them', () => {
  const client = new AculabCloudClient('1-2-0', 'abc123', 'alice', 0, { environment });
  const call = client.callService('echo');
  assert.equal(call.onReconnecting, null);
  assert.equal(call.onReconnected, null);
  call.disconnect();
  client.close();
});
