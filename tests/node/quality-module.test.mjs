// The quality module (dist/acw-quality.{mjs,wasm}, bindings/quality_tools.cpp) as js/quality.js
// drives it: sample sequences through the built module raise and clear warnings with their figure
// and threshold, state() gives the window's figures and the call's summary as JSON, numbers that
// are not numbers are missing figures (never a crash); and summarise() reads an RTCStatsReport of
// Chromium's shape. The rules themselves are tested natively (tests/cpp/quality/monitor_test.cpp).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { loadQuality, summarise } from '../../js/quality.js';

const q = await loadQuality();

// Once-a-second samples of one call: 50 packets a second (20 ms frames) unless told otherwise, and
// a microphone whose level moves.
function call(codec = 'opus') {
  const handle = q.create(codec);
  let now = 0;
  let received = 0;
  let lost = 0;
  let level = 0.1;
  return {
    handle,
    step({ got = 50, dropped = 0, jitter = 5, rtt = 40, levelIn = 0.2, connected = 1 } = {}) {
      now += 1000;
      received += got;
      lost += dropped;
      level = level === 0.1 ? 0.2 : 0.1;
      return JSON.parse(q.add(handle, now, received, lost, jitter, rtt, levelIn, level, connected));
    },
    state: () => JSON.parse(q.state(handle)),
  };
}

test('a clean call: no warning; the window\'s figures and the summary (RTT 40 ms, jitter 5 ms: MOS 4.38)', () => {
  const c = call();
  for (let i = 0; i < 8; i++) assert.deepEqual(c.step(), [], `sample ${i}`);
  const s = c.state();
  assert.deepEqual(s.warnings, []);
  assert.equal(s.figures.rtt, 40);
  assert.equal(s.figures.jitter, 5);
  assert.equal(s.figures.loss, 0);
  assert.ok(Math.abs(s.figures.mos - 4.38) < 0.01, `MOS ${s.figures.mos}`);
  assert.equal(s.summary.samples, 8);
  assert.equal(s.summary.loss, 0);
  assert.equal(s.summary.rttMax, 40);
  assert.equal(s.summary.warningsRaised, 0);
  assert.ok(Math.abs(s.summary.mosMin - 4.38) < 0.01);
  q.destroy(c.handle);
});

test('40% loss raises high-packet-loss on the third bad second and low-mos; five good seconds clear them', () => {
  const c = call();
  for (let i = 0; i < 3; i++) c.step();
  const raised = [];
  for (let i = 0; i < 5; i++) raised.push(c.step({ got: 30, dropped: 20 }));
  assert.deepEqual(raised[0], []);
  assert.deepEqual(raised[1], []);
  const loss = raised[2].find((x) => x.name === 'high-packet-loss');
  assert.deepEqual(loss, { name: 'high-packet-loss', raised: true, value: 0.4, threshold: 0.03 });
  const mos = raised.flat().find((x) => x.name === 'low-mos');
  assert.ok(mos && mos.raised && mos.value < 3.5 && mos.threshold === 3.5, JSON.stringify(raised));
  assert.deepEqual(c.state().warnings, ['high-packet-loss', 'low-mos']);
  assert.ok(c.state().figures.loss > 0.3);

  const cleared = [];
  for (let i = 0; i < 5; i++) cleared.push(c.step());
  assert.deepEqual(cleared.slice(0, 4).flat().filter((x) => x.name === 'high-packet-loss'), [], 'not before five good seconds');
  assert.deepEqual(cleared[4].find((x) => x.name === 'high-packet-loss'), { name: 'high-packet-loss', raised: false, value: 0, threshold: 0.03 });
  assert.equal(c.state().summary.warningsRaised, 2);
  q.destroy(c.handle);
});

test('no packet in: no-inbound-audio on the third silent second, cleared after three with audio', () => {
  const c = call();
  c.step();
  assert.deepEqual(c.step({ got: 0, levelIn: -1 }), []);
  assert.deepEqual(c.step({ got: 0, levelIn: -1 }), []);
  assert.deepEqual(c.step({ got: 0, levelIn: -1 }), [{ name: 'no-inbound-audio', raised: true, value: 0, threshold: 0.001 }]);
  assert.deepEqual(c.step(), []);
  assert.deepEqual(c.step(), []);
  assert.deepEqual(c.step(), [{ name: 'no-inbound-audio', raised: false, value: 0.2, threshold: 0.001 }]);
  q.destroy(c.handle);
});

test('ICE not connected raises ice-disconnected at once; G.711 (less codec delay) scores a little above Opus', () => {
  const c = call('PCMU');
  c.step();
  assert.deepEqual(c.step({ connected: 0 }), [{ name: 'ice-disconnected', raised: true, value: 1, threshold: 0.5 }]);
  assert.deepEqual(c.step(), [{ name: 'ice-disconnected', raised: false, value: 0, threshold: 0.5 }]);
  // G.711's codec delay is 20 ms to Opus's 26.5: a slightly higher MOS on the same network.
  const opus = call('opus');
  for (let i = 0; i < 3; i++) opus.step();
  assert.ok(c.state().figures.mos > opus.state().figures.mos, `${c.state().figures.mos} > ${opus.state().figures.mos}`);
  q.destroy(c.handle);
  q.destroy(opus.handle);
});

test('figures that are not numbers are missing: no crash, no warning, null in the state', () => {
  const handle = q.create('');
  for (const v of [NaN, -1, Infinity, -Infinity, 1e300]) {
    assert.deepEqual(JSON.parse(q.add(handle, 1000, v, v, NaN, NaN, NaN, NaN, 1)), []);
  }
  const s = JSON.parse(q.state(handle));
  assert.deepEqual(s.figures, { jitter: null, loss: s.figures.loss, mos: null, rtt: null });
  assert.equal(s.summary.mosMean, null);
  assert.equal(s.summary.samples, 5);
  // A sample from before the last one is ignored.
  assert.deepEqual(JSON.parse(q.add(handle, 0, 1, 0, 5, 40, 0.2, 0.2, 1)), []);
  assert.equal(JSON.parse(q.state(handle)).summary.samples, 5);
  assert.throws(() => q.add(handle, 1), /expects 9 arguments/);
  assert.throws(() => q.create(5), /non-string/);
  q.destroy(handle);
});

test('summarise reads Chromium\'s report: the selected pair\'s round trip and candidate types, audio streams, the codec', () => {
  const report = new Map(Object.entries({
    T01: { type: 'transport', selectedCandidatePairId: 'CP2' },
    CP1: { type: 'candidate-pair', state: 'succeeded', nominated: true, currentRoundTripTime: 0.9, localCandidateId: 'L1', remoteCandidateId: 'R1' },
    CP2: { type: 'candidate-pair', state: 'succeeded', nominated: true, currentRoundTripTime: 0.012, localCandidateId: 'L2', remoteCandidateId: 'R2' },
    L1: { type: 'local-candidate', candidateType: 'relay' },
    L2: { type: 'local-candidate', candidateType: 'host' },
    R2: { type: 'remote-candidate', candidateType: 'srflx' },
    IV: { type: 'inbound-rtp', kind: 'video', packetsReceived: 999, packetsLost: 99 },
    IA: { type: 'inbound-rtp', kind: 'audio', packetsReceived: 500, packetsLost: 7, jitter: 0.004, audioLevel: 0.25, codecId: 'C1' },
    OA: { type: 'outbound-rtp', kind: 'audio', packetsSent: 510 },
    MS: { type: 'media-source', kind: 'audio', audioLevel: 0.125 },
    C1: { type: 'codec', mimeType: 'audio/opus' },
  }).map(([id, s]) => [id, { id, ...s }]));
  assert.deepEqual(summarise(report), {
    packetsSent: 510,
    packetsReceived: 500,
    packetsLost: 7,
    jitter: 4,
    rtt: 12,
    levelIn: 0.25,
    levelOut: 0.125,
    codec: 'opus',
    localCandidateType: 'host',
    remoteCandidateType: 'srflx',
  });
  // Before media: nothing known, and no round trip but RTCP's.
  assert.deepEqual(summarise(new Map([['RI', { type: 'remote-inbound-rtp', kind: 'audio', roundTripTime: 0.05 }]])), {
    packetsSent: null, packetsReceived: null, packetsLost: null, jitter: null, rtt: 50, levelIn: null, levelOut: null,
    codec: null, localCandidateType: null, remoteCandidateType: null,
  });
});
