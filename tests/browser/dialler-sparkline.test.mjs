// The call card's sparkline (web/sparkline.js) on fixed getQuality() readings: one point per sample, a minute kept, scales, unknown figures, the words.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { addSparkPoint, lanePoints, SPARK_HEIGHT, SPARK_POINTS, SPARK_WIDTH, sparkLabel } from '../../web/sparkline.js';

const reading = (at, mos, rtt, loss) => ({ sample: { at }, figures: { mos, rtt, loss, jitter: 2 } });
const pairs = (points) => (points ? points.split(' ').map((p) => p.split(',').map(Number)) : []);

test('a point per new sample: the same sample read twice, or no sample yet, adds nothing', () => {
  const h = [];
  assert.equal(addSparkPoint(h, null), false);
  assert.equal(addSparkPoint(h, { sample: null, figures: null }), false);
  assert.equal(addSparkPoint(h, reading(1000, 4.4, 20, 0)), true);
  assert.equal(addSparkPoint(h, reading(1000, 4.4, 20, 0)), false);
  assert.equal(addSparkPoint(h, reading(2000, 4.3, 25, 0.01)), true);
  assert.deepEqual(h, [{ at: 1000, mos: 4.4, rtt: 20, loss: 0 }, { at: 2000, mos: 4.3, rtt: 25, loss: 0.01 }]);
});

test('the last minute is kept: the oldest points go, the newest is at the right edge', () => {
  const h = [];
  for (let s = 0; s < SPARK_POINTS + 15; s++) addSparkPoint(h, reading(s * 1000, 4, 30, 0));
  assert.equal(h.length, SPARK_POINTS);
  assert.equal(h[0].at, 15000);
  const xs = pairs(lanePoints(h, 'mos')).map(([x]) => x);
  assert.equal(xs.length, SPARK_POINTS);
  assert.equal(xs.at(-1), SPARK_WIDTH);
  assert.ok(xs.every((x, i) => i === 0 || x > xs[i - 1]), 'left to right in time');
});

test('each lane keeps to its band; MOS on a fixed scale, round trip and loss grow theirs to the worst figure', () => {
  const h = [];
  [[4.5, 0, 0], [1, 200, 0.05], [2.75, 800, 0.4]].forEach(([mos, rtt, loss], i) => addSparkPoint(h, reading(i * 1000, mos, rtt, loss)));
  const ys = (key) => pairs(lanePoints(h, key)).map(([, y]) => y);
  const [mosTop, mosBottom, mosMid] = ys('mos');
  assert.ok(mosTop < mosMid && mosMid < mosBottom, `${mosTop} ${mosMid} ${mosBottom}`);
  assert.ok(Math.abs(mosMid - (mosTop + mosBottom) / 2) < 0.2, 'linear');
  const rtt = ys('rtt');
  assert.ok(rtt[0] > rtt[1] && rtt[1] > rtt[2], 'the highest round trip highest');
  assert.ok(rtt[1] - rtt[2] > rtt[0] - rtt[1], '200 ms is a quarter of the way up to 800');
  const loss = ys('loss');
  assert.ok(loss[0] > loss[1] && loss[1] > loss[2]);
  // The lanes do not overlap, and all stay in the box.
  assert.ok(Math.max(...ys('mos')) <= Math.min(...rtt) && Math.max(...rtt) <= Math.min(...loss));
  assert.ok(Math.min(...ys('mos')) >= 0 && Math.max(...loss) <= SPARK_HEIGHT);
  // A clean call's round trip and loss sit low in their lanes, not stretched over them.
  const clean = [];
  addSparkPoint(clean, reading(0, 4.4, 10, 0.001));
  const [[, y]] = pairs(lanePoints(clean, 'rtt'));
  assert.ok(y > Math.max(...rtt) - 3, `10 ms near the bottom of its lane (${y})`);
});

test('an unknown figure is left out of its line only', () => {
  const h = [];
  addSparkPoint(h, reading(0, null, 20, null));
  addSparkPoint(h, reading(1000, 4.2, null, 0));
  addSparkPoint(h, reading(2000, 4.3, 22, Number.NaN));
  assert.equal(pairs(lanePoints(h, 'mos')).length, 2);
  assert.equal(pairs(lanePoints(h, 'rtt')).length, 2);
  assert.equal(pairs(lanePoints(h, 'loss')).length, 1);
  assert.equal(lanePoints([], 'mos'), '');
});

test('the words: the latest figures and the worst of the window', () => {
  assert.equal(sparkLabel([]), 'Call quality by second: no sample yet');
  const h = [];
  addSparkPoint(h, reading(10000, 3.9, 180, 0.08));
  addSparkPoint(h, reading(11000, 4.38, 12.4, 0));
  assert.equal(sparkLabel(h), 'Call quality over the last 2 s, now: MOS 4.38 (lowest 3.90), round trip 12 ms (highest 180 ms), loss 0.0 % (highest 8.0 %)');
  const unknown = [];
  addSparkPoint(unknown, reading(0, null, null, null));
  assert.match(sparkLabel(unknown), /MOS unknown \(lowest unknown\)/);
});
