// The media wasm module under Node, loaded through js/media.js: the native tests' round trips
// (Opus, Ogg Opus, RTP, RFC 4733, tones and the DTMF detector, WAV, resampling) and errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

import { loadMedia } from '../../js/media.js';

const dist = process.env.ACW_DIST ?? fileURLToPath(new URL('../../dist', import.meta.url));
// The glue is imported from ACW_DIST (the build under test), the .wasm read from beside it. A
// missing build fails this file (never skips its tests).
const media = await loadMedia({
  createModule: (await import(pathToFileURL(join(dist, 'acw-media.mjs')).href)).default,
  locateFile: (name) => join(dist, name),
});

test('the media module is built and loads', () => {
  assert.equal(typeof media.OpusEncoder, 'function');
});

function sine(hz, dbfs, rate, count, channels = 1) {
  const out = new Int16Array(count * channels);
  const amplitude = 32767 * 10 ** (dbfs / 20);
  for (let i = 0; i < count; i++) {
    const v = Math.round(amplitude * Math.sin((2 * Math.PI * hz * i) / rate));
    for (let c = 0; c < channels; c++) out[i * channels + c] = v;
  }
  return out;
}

// Amplitude of the component at hz (Goertzel).
function toneAmplitude(pcm, hz, rate) {
  const c = 2 * Math.cos((2 * Math.PI * hz) / rate);
  let s1 = 0;
  let s2 = 0;
  for (const x of pcm) {
    const s0 = x + c * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  return (2 * Math.sqrt(Math.max(0, s1 * s1 + s2 * s2 - c * s1 * s2))) / pcm.length;
}

function snrDb(ref, out, delay, from, count) {
  let signal = 0;
  let error = 0;
  for (let i = from; i < from + count; i++) {
    const d = out[i + delay] - ref[i];
    signal += ref[i] * ref[i];
    error += d * d;
  }
  return 10 * Math.log10(signal / Math.max(error, 1e-9));
}

// Runs fn with objects that are deleted afterwards (they live in wasm memory).
function using(objects, fn) {
  try {
    return fn(...objects);
  } finally {
    for (const o of objects) o.delete();
  }
}

test('Opus round trip of a tone at 48 kHz keeps level and waveform', () => {
  using([new media.OpusEncoder({ bitrate: 32000, complexity: 10 }), new media.OpusDecoder({})],
    (encoder, decoder) => {
      assert.equal(encoder.lookahead(), 312);
      const pcm = sine(1000, -12, 48000, 48000);
      const out = new Int16Array(pcm.length);
      let bytes = 0;
      for (let i = 0; i < pcm.length; i += 960) {
        const packet = encoder.encode(pcm.subarray(i, i + 960));
        assert.ok(packet instanceof Uint8Array);
        bytes += packet.length;
        const frame = decoder.decode(packet);
        assert.equal(frame.length, 960);
        out.set(frame, i);
      }
      // The same bounds as the native test (opus_encoder_test.cpp).
      assert.ok(snrDb(pcm, out, 312, 9600, 36000) > 10, 'waveform SNR');
      const level = toneAmplitude(out.subarray(9600, 9600 + 28800), 1000, 48000);
      assert.ok(Math.abs(20 * Math.log10(level / (32767 * 10 ** (-12 / 20)))) < 0.5, 'level');
      assert.ok(Math.abs(bytes - 4000) < 1000, `bytes ${bytes}`);
    });
});

test('Opus stereo, narrowband, float paths and concealment', () => {
  using([new media.OpusEncoder({ sampleRate: 8000, bitrate: 16000 }),
    new media.OpusDecoder({ sampleRate: 8000 })], (encoder, decoder) => {
    const pcm = sine(700, -12, 8000, 8000);
    const out = new Int16Array(pcm.length);
    for (let i = 0; i < pcm.length; i += 160) out.set(decoder.decode(encoder.encode(pcm.subarray(i, i + 160))), i);
    assert.ok(snrDb(pcm, out, 52, 1600, 6000) > 16);
    const concealed = decoder.conceal(160);
    assert.equal(concealed.length, 160);
    assert.equal(decoder.lastPacketDuration(), 160);
  });
  using([new media.OpusEncoder({ channels: 2, bitrate: 64000 }), new media.OpusDecoder({ channels: 2 })],
    (encoder, decoder) => {
      const frame = new Float32Array(1920).map((_, i) => 0.25 * Math.sin((2 * Math.PI * 440 * (i >> 1)) / 48000));
      const packet = encoder.encodeFloat(frame);
      assert.equal(media.opusPacketInfo(packet).stereo, true);
      assert.equal(media.opusPacketSamples(packet, 48000), 960);
      const decoded = decoder.decodeFloat(packet);
      assert.ok(decoded instanceof Float32Array);
      assert.equal(decoded.length, 1920);
    });
});

test('typed arrays take the fast path and give what other arrays give', () => {
  using([new media.OpusEncoder({}), new media.OpusEncoder({}), new media.OpusDecoder({}), new media.OpusDecoder({})],
    (fast, general, fastDecoder, generalDecoder) => {
      const pcm = sine(300, -10, 48000, 960 * 4);
      for (let i = 0; i < pcm.length; i += 960) {
        const frame = pcm.subarray(i, i + 960);
        const a = fast.encode(frame);
        const b = general.encode(Array.from(frame));
        assert.deepEqual(a, b);
        const pa = fastDecoder.decode(a);
        const pb = generalDecoder.decode(Array.from(b));
        assert.ok(pa instanceof Int16Array);
        assert.deepEqual(pa, pb);
      }
      // A frame longer than the fast buffer still goes through (and is refused by the codec).
      assert.throws(() => fast.encode(new Int16Array(5761)), /2.5, 5, 10, 20, 40 or 60 ms/);
    });
});

test('bad input throws through the loader and leaves objects usable', () => {
  assert.throws(() => new media.OpusEncoder({ sampleRate: 44100 }), /OpusEncoder: Opus sample rate/);
  assert.throws(() => new media.OpusEncoder({ application: 'music' }), /voip, audio or lowdelay/);
  assert.throws(() => new media.Resampler(48000, 47999, 1), /ratio too complex/);
  using([new media.OpusEncoder({}), new media.OpusDecoder({})], (encoder, decoder) => {
    assert.throws(() => encoder.encode(new Int16Array(100)), /2.5, 5, 10, 20, 40 or 60 ms/);
    assert.throws(() => encoder.setBitrate(1), /bitrate out of range/);
    assert.equal(encoder.setBitrate(24000), undefined);
    assert.throws(() => decoder.decode(new Uint8Array([])), /empty Opus packet/);
    assert.throws(() => decoder.decode(new Uint8Array([0xfb, 0x00])), Error);
    assert.equal(decoder.decode(encoder.encode(new Int16Array(960))).length, 960);
  });
  assert.throws(() => media.parseRtp(new Uint8Array([0x80, 0, 0])), /shorter than its header/);
  assert.throws(() => media.readOggOpus(new Uint8Array(10)), /Ogg/);
  assert.throws(() => media.readWav(new Uint8Array(10)), /RIFF/);
  assert.throws(() => media.encodeDtmfDigits('12x', {}), /not a DTMF digit/);
});

test('Ogg Opus written and read back', () => {
  using([new media.OpusEncoder({}), new media.OggOpusWriter({ serial: 0x5eed, preSkip: 312, comments: ['TITLE=tone'] })],
    (encoder, writer) => {
      const pcm = sine(1000, -12, 48000, 48000 * 3);
      const chunks = [writer.headers()];
      const packets = [];
      for (let i = 0; i < pcm.length; i += 960) {
        const packet = encoder.encode(pcm.subarray(i, i + 960));
        packets.push(packet);
        chunks.push(writer.writePacket(packet));
      }
      chunks.push(writer.finish(500));
      assert.equal(writer.granulePosition(), 144000);
      const file = new Uint8Array(chunks.reduce((n, c) => n + c.length, 0));
      let at = 0;
      for (const c of chunks) {
        file.set(c, at);
        at += c.length;
      }
      const read = media.readOggOpus(file);
      assert.equal(read.complete, true);
      assert.equal(read.damage, '');
      assert.equal(read.channels, 1);
      assert.equal(read.preSkip, 312);
      assert.equal(read.serial, 0x5eed);
      assert.equal(read.vendor, 'aculab-webrtc-wasm');
      assert.deepEqual(read.comments, ['TITLE=tone']);
      assert.equal(read.granulePosition, 143500);
      assert.equal(read.playableSamples, 143500 - 312);
      assert.equal(read.packets.length, packets.length);
      assert.deepEqual(read.packets[77], packets[77]);
      // Damage after the headers is reported, not thrown.
      file[file.length - 300] ^= 0x55;
      const damaged = media.readOggOpus(file);
      assert.equal(damaged.complete, false);
      assert.equal(damaged.damage, 'Ogg page CRC mismatch');
    });
});

test('RTP packetize, reorder through the receiver, wrap-around', () => {
  using([new media.RtpPacketizer({ ssrc: 0xcafebabe, payloadType: 111, firstSequenceNumber: 65534, firstTimestamp: 0xfffffc40 }),
    new media.RtpReceiver({ targetPackets: 2 })], (packetizer, receiver) => {
    const datagrams = [];
    for (let i = 0; i < 5; i++) datagrams.push(packetizer.packetize(new Uint8Array([i]), 960, i === 0));
    const first = media.parseRtp(datagrams[0]);
    assert.equal(first.ssrc, 0xcafebabe);
    assert.equal(first.sequenceNumber, 65534);
    assert.equal(first.timestamp, 0xfffffc40);
    assert.equal(first.marker, true);
    assert.equal(media.parseRtp(datagrams[2]).sequenceNumber, 0);
    assert.equal(media.parseRtp(datagrams[2]).timestamp, 960);
    assert.equal(packetizer.nextSequenceNumber(), 3);
    // Arrive as 0, 2, 1, 1 (duplicate), 4 (3 lost).
    assert.equal(receiver.push(datagrams[0]), 'accepted');
    assert.equal(receiver.push(datagrams[2]), 'accepted');
    assert.equal(receiver.push(datagrams[1]), 'accepted');
    assert.equal(receiver.push(datagrams[1]), 'duplicate');
    assert.equal(receiver.push(datagrams[4]), 'accepted');
    const out = [];
    for (let i = 0; i < 6; i++) {
      const frame = receiver.pop();
      out.push(frame === null ? '-' : frame.kind === 'lost' ? `l${frame.extendedSequence}` : `p${frame.payload[0]}`);
    }
    assert.deepEqual(out, ['p0', 'p1', 'p2', 'l65537', 'p4', '-']);
    const stats = receiver.stats();
    assert.equal(stats.duplicates, 1);
    assert.equal(stats.lost, 1);
    assert.equal(stats.reordered, 1);
    assert.throws(() => receiver.push(new Uint8Array([1, 2, 3])), /shorter than its header/);
    assert.deepEqual(media.parseRtp(media.serializeRtp({ payloadType: 0, sequenceNumber: 7, timestamp: 8, ssrc: 9, csrcs: [1, 2], payload: new Uint8Array([5]) })).csrcs, [1, 2]);
  });
});

test('RFC 4733 digits encoded, sent as RTP and decoded', () => {
  const packets = media.encodeDtmfDigits('1#', { clockRate: 48000, toneMs: 100, gapMs: 60 });
  assert.equal(packets.length, 14);
  assert.equal(packets[0].marker, true);
  assert.deepEqual(media.parseTelephoneEvent(packets[0].payload), { event: 1, digit: '1', end: false, volume: 10, duration: 960 });
  assert.deepEqual(media.parseTelephoneEvent(packets[6].payload), { event: 1, digit: '1', end: true, volume: 10, duration: 4800 });
  assert.equal(packets[7].timestampOffset, (100 + 40 + 60) * 48);
  using([new media.RtpPacketizer({ ssrc: 1, firstTimestamp: 1000 }), new media.TelephoneEventReceiver()],
    (packetizer, receiver) => {
      let digits = '';
      for (const p of packets) {
        const rtp = media.parseRtp(packetizer.packetizeOther(p.payload, 101, p.timestampOffset, p.marker));
        assert.equal(rtp.payloadType, 101);
        digits += receiver.receive(rtp.timestamp, rtp.payload);
      }
      assert.equal(digits, '1#');
    });
  assert.throws(() => media.parseTelephoneEvent(new Uint8Array(3)), /not 4 bytes/);
});

test('tones: cadence, level and the DTMF detector', () => {
  using([new media.ToneGenerator({ tone: 'ringback', country: 'uk', sampleRate: 8000 })], (ringback) => {
    assert.equal(ringback.cycleSamples(), 24000);
    const pcm = ringback.generate(24000);
    // 0.4 s on, 0.2 s off, 0.4 s on, 2 s off.
    assert.ok(toneAmplitude(pcm.subarray(400, 3000), 400, 8000) > 0.95 * 32767 * 10 ** (-13 / 20));
    assert.equal(pcm.subarray(3300, 4700).every((x) => x === 0), true);
    assert.equal(pcm.subarray(8100, 24000).every((x) => x === 0), true);
  });
  assert.throws(() => new media.ToneGenerator({ tone: 'ringback', country: 'fr' }), /country/);
  using([new media.ToneGenerator({ tone: 'dtmf', digits: '123A456B789C*0#D', onMs: 70, offMs: 70, sampleRate: 16000, levelDbfs: -20 }),
    new media.DtmfDetector({ sampleRate: 16000 })], (tones, detector) => {
    const pcm = tones.generate(tones.cycleSamples() + 1600);
    let seed = 1;
    for (let i = 0; i < pcm.length; i++) {
      seed = (seed * 1103515245 + 12345) >>> 0;
      pcm[i] += Math.round(((seed / 2 ** 32) - 0.5) * 2 * 328 * Math.sqrt(3));  // -40 dBFS noise
    }
    let found = '';
    for (let i = 0; i < pcm.length; i += 320) found += detector.process(pcm.subarray(i, i + 320));
    assert.equal(found, '123A456B789C*0#D');
    assert.equal(tones.finished(), true);
  });
  using([new media.ToneGenerator({ tone: 'busy', country: 'us', sampleRate: 8000, levelDbfs: -10 }),
    new media.DtmfDetector({ sampleRate: 8000 })], (busy, detector) => {
    assert.equal(detector.process(busy.generate(8000 * 3)), '');
  });
});

test('WAV and resampling', () => {
  const pcm = sine(1000, -6, 48000, 48000);
  const wav = media.writeWav(pcm, 48000, 1);
  assert.equal(wav.length, 44 + 96000);
  assert.deepEqual(Array.from(wav.subarray(0, 4)), [0x52, 0x49, 0x46, 0x46]);
  const back = media.readWav(wav);
  assert.equal(back.sampleRate, 48000);
  assert.equal(back.channels, 1);
  assert.deepEqual(back.samples, pcm);
  using([new media.Resampler(48000, 8000, 1), new media.Resampler(8000, 48000, 1)], (down, up) => {
    const narrow = down.process(pcm);
    assert.equal(narrow.length, 8000);
    const level = toneAmplitude(narrow.subarray(2000, 6000), 1000, 8000);
    assert.ok(Math.abs(20 * Math.log10(level / (32767 * 10 ** (-6 / 20)))) < 0.2);
    const wide = up.process(narrow);
    assert.equal(wide.length, 48000);
    assert.ok(up.delay() > 0);
    assert.equal(down.processFloat(new Float32Array(6)).length, 1);
  });
});
