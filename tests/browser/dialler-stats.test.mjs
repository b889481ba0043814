// The live call panel's figures from a stats report (web/stats.js), checked on fixed reports.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { summariseStats } from '../../web/stats.js';

const report = (...stats) => new Map(stats.map((s) => [s.id, s]));

const chromeLike = report(
  { id: 'T1', type: 'transport', selectedCandidatePairId: 'CP2' },
  { id: 'CP1', type: 'candidate-pair', nominated: true, state: 'succeeded', currentRoundTripTime: 0.5 },
  { id: 'CP2', type: 'candidate-pair', nominated: true, state: 'succeeded', currentRoundTripTime: 0.012 },
  { id: 'C1', type: 'codec', mimeType: 'audio/opus', clockRate: 48000, channels: 2, sdpFmtpLine: 'minptime=10;useinbandfec=1' },
  { id: 'IT1', type: 'inbound-rtp', kind: 'audio', codecId: 'C1', jitter: 0.0035, packetsLost: 5, packetsReceived: 95, audioLevel: 0.25 },
  { id: 'OT1', type: 'outbound-rtp', kind: 'audio', codecId: 'C1' },
  { id: 'MS1', type: 'media-source', kind: 'audio', audioLevel: 0.5 },
  { id: 'V1', type: 'inbound-rtp', kind: 'video', jitter: 9, packetsLost: 50, packetsReceived: 50 },
);

test('codec, RTT from the selected pair, jitter, loss and levels', () => {
  const f = summariseStats(chromeLike);
  assert.deepEqual(f.codec, { text: 'opus/48k', detail: 'audio/opus 48000 2 minptime=10;useinbandfec=1' });
  assert.equal(f.rttMs, 12);
  assert.equal(f.jitterMs, 3.5);
  assert.equal(f.lossPct, 5);
  assert.equal(f.packetsIn, 95);
  assert.equal(f.levelIn, 0.25);
  assert.equal(f.levelOut, 0.5);
});

test('RTCP round-trip time wins over STUN once there is one', () => {
  const r = new Map(chromeLike);
  r.set('RI1', { id: 'RI1', type: 'remote-inbound-rtp', kind: 'audio', roundTripTime: 0.04 });
  assert.equal(summariseStats(r).rttMs, 40);
});

test('no audioLevel: the level comes from the energy since the last report', () => {
  const at = (energy, seconds) => report({ id: 'IT1', type: 'inbound-rtp', kind: 'audio', packetsReceived: 10, packetsLost: 0, totalAudioEnergy: energy, totalSamplesDuration: seconds });
  const first = summariseStats(at(0.1, 1));
  assert.ok(Number.isNaN(first.levelIn));
  // 0.04 energy over 1 s: RMS level 0.2.
  const second = summariseStats(at(0.14, 2), first);
  assert.ok(Math.abs(second.levelIn - 0.2) < 1e-12);
});

test('an empty report (before media) gives nothing, not zeros', () => {
  const f = summariseStats(new Map());
  assert.equal(f.codec, null);
  for (const k of ['rttMs', 'jitterMs', 'lossPct', 'levelIn', 'levelOut']) assert.ok(Number.isNaN(f[k]), k);
});
