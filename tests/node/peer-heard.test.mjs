// PeerSession's once-a-second question "is the far side still heard?" (js/peer.js #listen), against
// a peer connection whose getStats the test scripts, on node:test's mock clock: a silent second
// that cuts off incoming RTP is reported once, and the far side heard again once; a far side that
// only stops sending RTP (its prompt over), whose RTCP and ICE checks come seconds apart, is not
// reported at all.
import { test, mock } from 'node:test';
import assert from 'node:assert/strict';

import { PeerSession } from '../../js/peer.js';

// What getStats gives: the candidate pair's counters and the inbound RTP packets, as set by the test.
class FakePc {
  constructor() {
    this.pair = { type: 'candidate-pair', bytesReceived: 0, requestsReceived: 0, responsesReceived: 0 };
    this.inbound = { type: 'inbound-rtp', packetsReceived: 0 };
  }

  async getStats() {
    return new Map([['pair', { ...this.pair }], ['in', { ...this.inbound }]]);
  }

  close() {}
}

async function opened() {
  const pc = new FakePc();
  const reports = [];
  const env = {
    RTCPeerConnection: function RTCPeerConnection() {
      return pc;
    },
    getUserMedia: async () => ({ getTracks: () => [] }),
  };
  const events = { track() {}, localStream() {}, iceState() {}, heard: (n) => reports.push(n), log() {} };
  const peer = new PeerSession(env, {}, {}, events);
  await peer.open();
  return { pc, peer, reports };
}

// One sample: a second on the mock clock, then the getStats promise's turn.
async function second() {
  mock.timers.tick(1000);
  for (let i = 0; i < 5; i++) await Promise.resolve();
}

// A second of audio: RTP packets and their bytes.
function audio(pc) {
  pc.inbound.packetsReceived += 50;
  pc.pair.bytesReceived += 5000;
}

test('a path that goes silent is reported once, and once again when the far side is heard', async (t) => {
  mock.timers.enable({ apis: ['setInterval'] });
  t.after(() => mock.timers.reset());
  const { pc, peer, reports } = await opened();
  for (let i = 0; i < 3; i++) {
    audio(pc);
    await second();
  }
  assert.deepEqual(reports, [], 'audio coming: nothing to report');
  await second(); // nothing at all: not RTP, RTCP nor an ICE check
  await second();
  assert.deepEqual(reports, [0], 'the silence, once');
  audio(pc);
  await second();
  assert.deepEqual(reports, [0, 1], 'heard again');
  peer.close();
  await second(); // silent, but the call is over
  await second();
  assert.deepEqual(reports, [0, 1], 'no sample after close');
});

test('a far side that stops sending RTP (its prompt over) is not silence: its RTCP and ICE checks come seconds apart', async (t) => {
  mock.timers.enable({ apis: ['setInterval'] });
  t.after(() => mock.timers.reset());
  const { pc, peer, reports } = await opened();
  audio(pc);
  await second();
  // The prompt is over: RTCP in the next second, then an ICE check's answer every third second.
  pc.pair.bytesReceived += 80;
  await second();
  for (let i = 0; i < 3; i++) {
    await second();
    await second();
    pc.pair.responsesReceived += 1;
    await second();
  }
  assert.deepEqual(reports, [], 'nothing reported while no RTP was coming');
  // Audio again, then the path is lost: that silence is reported.
  audio(pc);
  await second();
  await second();
  assert.deepEqual(reports, [0]);
  peer.close();
});
