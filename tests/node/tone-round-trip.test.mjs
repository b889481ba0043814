// The preflight's tone detector (js/tone-round-trip.js) on made-up audio: the Goertzel amplitude, blocks on the context's clock from overlapping analyser reads, a burst's onset, what is not a burst, the median.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BURST_HZ, median, toneAmplitude, ToneBlocks } from '../../js/tone-round-trip.js';

const RATE = 48000;

/** `seconds` of audio: silence, with a tone of `hz` at `level` from `on` to `off` (seconds), and `noise` of full scale throughout. */
function audio(seconds, { hz = 1000, level = 0.3, on = Infinity, off = Infinity, noise = 0, seed = 1 } = {}) {
  const out = new Float32Array(Math.round(seconds * RATE));
  let x = seed;
  for (let i = 0; i < out.length; i++) {
    const t = i / RATE;
    x = (x * 1103515245 + 12345) % 2147483648;
    out[i] = (t >= on && t < off ? level * Math.sin(2 * Math.PI * hz * t) : 0) + noise * (x / 1073741824 - 1);
  }
  return out;
}

/** Feeds `samples` to `blocks` as an analyser of `size` read every `every` frames would give them. */
function feedAsAnalyser(blocks, samples, size = 16384, every = 720) {
  for (let end = every; end <= samples.length; end += every) blocks.feed(samples.subarray(Math.max(0, end - size), end), end);
}

test('toneAmplitude: a tone\'s amplitude at its frequency, almost none at the other burst frequency or in silence', () => {
  const tone = audio(0.01, { hz: 1000, level: 0.3, on: 0 });
  assert.ok(Math.abs(toneAmplitude(tone, 0, 240, 1000, RATE) - 0.3) < 0.005);
  assert.ok(toneAmplitude(tone, 0, 240, 1600, RATE) < 0.005);
  assert.equal(toneAmplitude(new Float32Array(240), 0, 240, 1000, RATE), 0);
  // 44.1 kHz: 5 ms is not a whole number of cycles, and the amplitude is still close.
  const at44 = Float32Array.from({ length: 221 }, (_, i) => 0.3 * Math.sin((2 * Math.PI * 1600 * i) / 44100));
  assert.ok(Math.abs(toneAmplitude(at44, 0, 221, 1600, 44100) - 0.3) < 0.02);
});

test('a burst heard 0.2 s after it was sent is found within a block, from reads that overlap', () => {
  const blocks = new ToneBlocks(RATE);
  assert.equal(blocks.size, 240);
  const sent = 0.5;
  const back = sent + 0.2;
  feedAsAnalyser(blocks, audio(1.5, { hz: BURST_HZ[0], on: back, off: back + 0.12, noise: 0.002 }));
  const onset = blocks.onset(0, Math.round(sent * RATE), 0.03);
  assert.ok(onset !== null);
  const ms = ((onset - sent * RATE) / RATE) * 1000;
  assert.ok(ms >= 195 && ms <= 205, `${ms} ms`);
  // The other frequency's bursts hear nothing of it.
  assert.equal(blocks.onset(1, Math.round(sent * RATE), 0.03), null);
  // Nothing after the tone has ended.
  assert.equal(blocks.onset(0, Math.round((back + 0.2) * RATE), 0.03), null);
});

test('what is not a burst: a single loud block, sound as loud at the other frequency, noise under the threshold the quiet set', () => {
  const click = new ToneBlocks(RATE);
  feedAsAnalyser(click, audio(0.5, { on: 0.2, off: 0.205 }));
  assert.equal(click.onset(0, 0, 0.03), null, 'one block is not two in a row');
  // Both frequencies at once (as in a chord or broadband sound): neither is a burst.
  const both = new ToneBlocks(RATE);
  const a = audio(0.5, { hz: BURST_HZ[0], on: 0.1, off: 0.3 });
  const b = audio(0.5, { hz: BURST_HZ[1], level: 0.2, on: 0.1, off: 0.3 });
  feedAsAnalyser(both, a.map((x, i) => x + b[i]));
  assert.equal(both.onset(0, 0, 0.03), null);
  assert.equal(both.onset(1, 0, 0.03), null);
  // Noise: the threshold is four times the loudest block of the quiet (as measure() sets it).
  const noisy = new ToneBlocks(RATE);
  feedAsAnalyser(noisy, audio(1, { noise: 0.1 }));
  const threshold = Math.max(0.03, 4 * noisy.highest(0, 0, RATE * 0.3));
  assert.ok(threshold > 0.03);
  assert.equal(noisy.onset(0, RATE * 0.3, threshold), null);
  const quiet = new ToneBlocks(RATE);
  feedAsAnalyser(quiet, audio(0.5, { level: 0.02, on: 0.1, off: 0.3 }));
  assert.equal(quiet.onset(0, 0, 0.03), null);
  assert.ok(quiet.onset(0, 0, 0.01) !== null);
});

test('the quiet before the bursts: the highest amplitude in a stretch; forgotten blocks are gone', () => {
  const blocks = new ToneBlocks(RATE);
  feedAsAnalyser(blocks, audio(1, { hz: 1600, level: 0.01, on: 0.5, off: 0.6 }));
  assert.ok(blocks.highest(0, 0, RATE * 0.5) < 0.001);
  assert.ok(Math.abs(blocks.highest(1, 0, RATE) - 0.01) < 0.002);
  blocks.forget(RATE * 0.7);
  assert.equal(blocks.highest(1, 0, RATE * 0.7), null);
  assert.ok(blocks.highest(1, 0, RATE) < 0.001);
});

test('median: the middle, the mean of the middle two, null for none', () => {
  assert.equal(median([300, 80, 90]), 90);
  assert.equal(median([80, 100, 90, 400]), 95);
  assert.equal(median([]), null);
});
