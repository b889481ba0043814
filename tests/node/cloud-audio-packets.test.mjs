// cloud/audio.mjs: the echo's per-packet steps in JS give what the media module (the C++ they
// mirror) gives: an Opus packet's duration, or its refusal, for every TOC byte and frame count;
// and the same RTP bytes as the module's packetizer, packet after packet, across the sequence
// number's and the timestamp's wraps.
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes, randomInt } from 'node:crypto';
import { findMediaModule, loadAudio, opusPacketSamples48k, RtpPacketizer } from '../../cloud/audio.mjs';
import { DIST } from './cloud-helpers.mjs';

let audio;
before(async () => {
  // A missing media module fails every test here (never skips them).
  assert.ok(findMediaModule(DIST), `${DIST}/acw-media.{mjs,wasm} not built`);
  audio = await loadAudio(DIST);
});
const outcome = (fn) => {
  try {
    return { samples: fn() };
  } catch {
    return { threw: true };
  }
};

test('Opus packet duration: as the media module for every first two bytes and short lengths', () => {
  let refused = 0;
  assert.deepEqual(outcome(() => opusPacketSamples48k(new Uint8Array(0))), outcome(() => audio.wasmPacketSamples(new Uint8Array(0))));
  for (let toc = 0; toc < 256; toc++) {
    // Codes 0-2 do not read the second byte; code 3 reads its frame count there.
    const seconds = (toc & 3) === 3 ? 256 : 1;
    for (let second = 0; second < seconds; second++) {
      for (const length of [1, 2, 3, 40]) {
        const packet = new Uint8Array(length);
        packet[0] = toc;
        if (length > 1) packet[1] = second;
        const mine = outcome(() => opusPacketSamples48k(packet));
        assert.deepEqual(mine, outcome(() => audio.wasmPacketSamples(packet)), `TOC ${toc}, second byte ${second}, ${length} bytes`);
        if (mine.threw) refused++;
      }
    }
  }
  assert.ok(refused > 1000, `refusals compared (${refused})`);
});

test('RTP packetizer: the media module\'s bytes, sequence and timestamp, across wraps', () => {
  for (let run = 0; run < 50; run++) {
    const options = {
      ssrc: randomInt(1, 0xffffffff), payloadType: randomInt(128),
      firstSequenceNumber: run % 2 ? 65535 - randomInt(5) : randomInt(0, 0x10000),
      firstTimestamp: run % 3 ? 0xffffffff - randomInt(3000) : randomInt(0, 0xffffffff),
    };
    const mine = new RtpPacketizer(options);
    const theirs = audio.wasmPacketizer(options);
    try {
      for (let i = 0; i < 40; i++) {
        const payload = randomBytes(randomInt(0, 300));
        const duration = [960, 480, 1920, 2880, randomInt(0, 6000)][randomInt(5)];
        const marker = randomInt(3) === 0;
        const expected = theirs.packetize(payload, duration, marker);
        const got = mine.packetize(payload, duration, marker);
        assert.ok(Buffer.isBuffer(got));
        assert.deepEqual([...got], [...expected], `run ${run}, packet ${i}`);
        assert.deepEqual([mine.nextSequenceNumber(), mine.nextTimestamp(), mine.ssrc()], [theirs.nextSequenceNumber(), theirs.nextTimestamp(), theirs.ssrc()]);
      }
    } finally {
      theirs.delete();
      mine.delete();
    }
  }
  // What AudioCall uses is this one.
  assert.ok(audio.packetizer(111) instanceof RtpPacketizer);
});
