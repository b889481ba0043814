// The media wasm module (dist/acw-media.{mjs,wasm}: Opus, Ogg Opus, RTP, RFC 4733, tones, DTMF) for the cloud's services.
//
// Every object made here wraps an embind instance that owns wasm memory: each has a delete()
// that the call's end must run (AudioCall.close does it for everything a call made). The RTP
// packetizer is the exception (JS, below; its delete() does nothing).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { randomInt } from 'node:crypto';
import { ROOT } from './config.mjs';
import { loadWasm, wasmBuilt } from './wasm.mjs';

export const RATE = 48000;
export const FRAME = 960; // 20 ms at 48 kHz
export const METER_RATE = 8000; // levels and in-band DTMF need no more

export const findMediaModule = (dist) => wasmBuilt(dist, 'acw-media');

/** The media module of `dist`, or null when it is not built (services that need it then answer 503). */
export async function loadAudio(dist) {
  if (!findMediaModule(dist)) return null;
  // The package's loader (js/media.js) turns the module's Error values into throws; without it,
  // check() below does.
  const loader = join(ROOT, 'js', 'media.js');
  const instantiate = existsSync(loader)
    ? async (createModule, wasmBinary) => (await import(pathToFileURL(loader).href)).loadMedia({ createModule, wasmBinary })
    : undefined;
  return new AudioTools(await loadWasm(dist, 'acw-media', instantiate), dist);
}

// The echo's per-packet steps in JS. The echo forwards every packet it hears: each one's duration
// is checked (what is not Opus is refused), then it goes out in the call's RTP stream. Done by the
// media module, each is a call through embind with the packet as a typed array (a vector made from
// it, another made back): together 10% of the local cloud's time under load (docs/PERFORMANCE.md,
// "Local cloud load"), for a few lines of arithmetic. These mirror the module's code;
// tests/node/cloud-audio-packets.test.mjs compares them with it (every TOC byte and frame count;
// packet streams across sequence and timestamp wraps).

/**
 * Samples at 48 kHz in an Opus packet (RFC 6716 3.1: the TOC byte's configuration gives the frame
 * duration, its code the frame count, code 3 from the second byte), as libopus's
 * opus_packet_get_nb_samples with the module's checks: throws for an empty packet, a code 3
 * packet without its count byte, and a duration of 0 or over 120 ms (3.2.5).
 */
export function opusPacketSamples48k(packet) {
  if (!packet.length) throw new Error('empty Opus packet');
  const toc = packet[0];
  const code = toc & 3;
  let frames = code === 0 ? 1 : code === 3 ? -1 : 2;
  if (code === 3) {
    if (packet.length < 2) throw new Error('opus_packet_get_nb_samples: corrupted stream');
    frames = packet[1] & 0x3f;
  }
  let perFrame;
  if (toc & 0x80) perFrame = (RATE << ((toc >> 3) & 3)) / 400; // CELT: 2.5, 5, 10, 20 ms
  else if ((toc & 0x60) === 0x60) perFrame = toc & 0x08 ? RATE / 50 : RATE / 100; // hybrid: 10, 20 ms
  else perFrame = ((toc >> 3) & 3) === 3 ? (RATE * 60) / 1000 : (RATE << ((toc >> 3) & 3)) / 100; // SILK: 10, 20, 40, 60 ms
  const samples = frames * perFrame;
  if (samples * 25 > RATE * 3) throw new Error('opus_packet_get_nb_samples: corrupted stream');
  if (samples === 0) throw new Error('Opus packet duration out of range');
  return samples;
}

/**
 * RTP sender state as cpp/media/rtp_packetizer.cpp: packetize(payload, duration, marker) gives
 * the packet's bytes (version 2, no CSRCs or extensions) with the next sequence number (then
 * +1, wrapping at 2^16) and timestamp (then +duration, wrapping at 2^32). A Buffer, so werift
 * takes it as is. delete() as the module's objects have (AudioCall.close calls it).
 */
export class RtpPacketizer {
  constructor({ ssrc = 0, payloadType = 111, firstSequenceNumber = 0, firstTimestamp = 0 } = {}) {
    this.ssrcValue = ssrc >>> 0;
    this.payloadType = payloadType & 0x7f;
    this.sequence = firstSequenceNumber & 0xffff;
    this.timestamp = firstTimestamp >>> 0;
  }

  packetize(payload, duration, marker) {
    const out = Buffer.allocUnsafe(12 + payload.length);
    out[0] = 0x80;
    out[1] = (marker ? 0x80 : 0) | this.payloadType;
    out.writeUInt16BE(this.sequence, 2);
    out.writeUInt32BE(this.timestamp, 4);
    out.writeUInt32BE(this.ssrcValue, 8);
    out.set(payload, 12);
    this.sequence = (this.sequence + 1) & 0xffff;
    this.timestamp = (this.timestamp + duration) >>> 0;
    return out;
  }

  ssrc() {
    return this.ssrcValue;
  }

  nextSequenceNumber() {
    return this.sequence;
  }

  nextTimestamp() {
    return this.timestamp;
  }

  delete() {}
}

/** The module's functions return Error objects rather than throw (bindings/media.cpp): throw them here. */
function check(value) {
  if (value instanceof Error) throw value;
  return value;
}

export class AudioTools {
  constructor(m, dir) {
    this.m = m;
    this.dir = dir;
  }

  made(instance) {
    const error = instance.error?.();
    if (error) {
      instance.delete();
      throw new Error(error);
    }
    return instance;
  }

  encoder(options = {}) {
    return this.made(new this.m.OpusEncoder({ sampleRate: RATE, channels: 1, application: 'voip', bitrate: 32000, complexity: 5, ...options }));
  }

  decoder(sampleRate = METER_RATE) {
    return this.made(new this.m.OpusDecoder({ sampleRate, channels: 1 }));
  }

  /** RTP for one outgoing stream; SSRC, sequence and timestamp start at random (RFC 3550 §5.1). */
  packetizer(payloadType) {
    return new RtpPacketizer({
      ssrc: randomInt(1, 0xffffffff),
      payloadType,
      firstSequenceNumber: randomInt(0, 0x10000),
      firstTimestamp: randomInt(0, 0xffffffff),
    });
  }

  /** The module's own packetizer (cpp/media/rtp_packetizer.cpp), which RtpPacketizer mirrors. */
  wasmPacketizer(options) {
    return new this.m.RtpPacketizer(options);
  }

  telephoneEvents() {
    return new this.m.TelephoneEventReceiver();
  }

  dtmfDetector() {
    return this.made(new this.m.DtmfDetector({ sampleRate: METER_RATE }));
  }

  oggWriter(options) {
    return this.made(new this.m.OggOpusWriter({ channels: 1, serial: randomInt(0, 0xffffffff), vendor: 'aculab-webrtc-wasm local cloud', ...options }));
  }

  readOgg(bytes) {
    return check(this.m.readOggOpus(bytes));
  }

  readWav(bytes) {
    return check(this.m.readWav(bytes));
  }

  packetSamples(packet) {
    return opusPacketSamples48k(packet);
  }

  /** The module's own (cpp/media/opus_decoder.cpp), which opusPacketSamples48k mirrors. */
  wasmPacketSamples(packet) {
    return check(this.m.opusPacketSamples(packet, RATE));
  }

  /** `ms` of a tone plan ({tone: 'dtmf', digits, onMs, offMs} | {tone: 'ringback', country}...) at 48 kHz. */
  tone(plan, ms) {
    const generator = this.made(new this.m.ToneGenerator({ sampleRate: RATE, ...plan }));
    try {
      return check(generator.generate(Math.round((RATE * ms) / 1000)));
    } finally {
      generator.delete();
    }
  }

  /**
   * PCM at 48 kHz mono as 20 ms Opus packets (the last frame padded with silence). Tones need no
   * speech analysis: 'lowdelay' (CELT only) encodes them several times faster than 'voip'.
   */
  encodePcm(pcm, application = 'audio') {
    const encoder = this.encoder({ application });
    try {
      const packets = [];
      for (let i = 0; i < pcm.length; i += FRAME) {
        let frame = pcm.subarray(i, i + FRAME);
        if (frame.length < FRAME) {
          const padded = new Int16Array(FRAME);
          padded.set(frame);
          frame = padded;
        }
        packets.push(check(encoder.encode(frame)));
      }
      return packets;
    } finally {
      encoder.delete();
    }
  }

  /** Resampled 16-bit PCM (a WAV prompt at another rate), mono. */
  resample(samples, from, channels) {
    let mono = samples;
    if (channels === 2) {
      mono = new Int16Array(samples.length / 2);
      for (let i = 0; i < mono.length; i++) mono[i] = (samples[2 * i] + samples[2 * i + 1]) >> 1;
    }
    if (from === RATE) return mono;
    const resampler = this.made(new this.m.Resampler(from, RATE, 1));
    try {
      return check(resampler.process(mono));
    } finally {
      resampler.delete();
    }
  }
}

/**
 * A call's audio: what it sends (a packetizer, paced prompts, echo) and what it hears (a
 * level meter, RFC 4733 and in-band digits, an optional Ogg recording).
 */
export class AudioCall {
  constructor(tools, session, { meter = 'all' } = {}) {
    this.tools = tools;
    this.session = session;
    this.owned = [];
    this.packetizer = this.own(tools.packetizer(session.payloadTypes.opus));
    this.decoder = this.own(tools.decoder());
    this.meterMode = meter; // 'all' packets, or 'sample' (a few in every 50: echo keeps its CPU for forwarding)
    this.heard = { samples: 0, sumSquares: 0, peak: 0, packets: 0, audioSamples48k: 0 };
    this.digitHandlers = new Set();
    this.recording = null;
    this.playing = null;
    this.echoing = false;
    this.talkspurt = true;
    session.onRtp((rtp) => this.receive(rtp));
  }

  own(instance) {
    this.owned.push(instance);
    return instance;
  }

  receive(rtp) {
    if (this.session.isEvent(rtp)) {
      this.receiveEvent(rtp);
      return;
    }
    if (!this.session.isOpus(rtp)) return;
    // Whatever a peer sends, a fault here must not reach werift's receive path.
    try {
      this.receiveOpus(rtp.payload);
    } catch {
      this.heard.refused = (this.heard.refused ?? 0) + 1;
    }
  }

  receiveOpus(payload) {
    const samples48k = check(this.tools.packetSamples(payload)); // throws for what is not Opus
    this.heard.packets++;
    this.heard.audioSamples48k += samples48k;
    if (this.recording) this.record(payload);
    if (this.echoing) this.send(payload, samples48k);
    const n = this.heard.packets % 50;
    if (this.meterMode === 'all' || n < 5) {
      if (this.meterMode !== 'all' && n === 0) this.decoder.reset();
      const pcm = check(this.decoder.decode(payload));
      if (this.meterMode === 'all' || n >= 2) this.measure(pcm);
      if (this.detector) {
        const digits = check(this.detector.process(pcm));
        for (const d of digits) this.digit(d, 'inband');
      }
    }
  }

  measure(pcm) {
    let sum = 0;
    let peak = this.heard.peak;
    for (const x of pcm) {
      sum += x * x;
      const a = x < 0 ? -x : x;
      if (a > peak) peak = a;
    }
    this.heard.samples += pcm.length;
    this.heard.sumSquares += sum;
    this.heard.peak = peak;
  }

  receiveEvent(rtp) {
    this.events ??= this.own(this.tools.telephoneEvents());
    let digit;
    try {
      digit = this.events.receive(rtp.header.timestamp, rtp.payload);
    } catch {
      return;
    }
    if (digit) this.digit(digit, 'rfc4733');
  }

  // The same key pressed in-band and as RFC 4733 (some clients send both) counts once.
  digit(d, how) {
    const now = Date.now();
    if (this.lastDigit && this.lastDigit.d === d && this.lastDigit.how !== how && now - this.lastDigit.at < 300) return;
    this.lastDigit = { d, how, at: now };
    for (const fn of this.digitHandlers) fn(d, how);
  }

  /** fn(digit, 'rfc4733' | 'inband') for each key pressed. In-band detection starts with the first handler. */
  onDigit(fn, { inband = true } = {}) {
    if (inband && !this.detector) this.detector = this.own(this.tools.dtmfDetector());
    this.digitHandlers.add(fn);
  }

  /** Sends one Opus packet in our RTP stream (sequence and timestamp continuous across prompts and echo). */
  send(payload, samples48k = FRAME) {
    // The JS packetizer (RtpPacketizer above) refuses nothing and gives a Buffer werift takes as is.
    const bytes = this.packetizer.packetize(payload, samples48k, this.talkspurt);
    this.talkspurt = false;
    this.session.sendRtp(bytes);
  }

  /** Returns received Opus to the caller (repacketized into our stream). */
  echo(on = true) {
    this.echoing = on;
    if (on) this.stopPlaying();
  }

  /** Plays Opus packets (20 ms each) paced at 20 ms; resolves when done or stopped (false then). */
  play(packets) {
    this.stopPlaying();
    this.echoing = false;
    return new Promise((resolvePromise) => {
      let i = 0;
      const done = (finished) => {
        stop();
        if (this.playing?.done === done) this.playing = null;
        resolvePromise(finished);
      };
      const stop = this.session.every20ms(() => {
        if (this.session.held) return; // a prompt waits where it is while the caller holds
        if (i >= packets.length) return done(true);
        this.send(packets[i++]);
      });
      this.playing = { done };
    });
  }

  stopPlaying() {
    this.playing?.done(false);
  }

  /** Starts writing what the caller says to an Ogg Opus file's bytes (in memory). */
  startRecording() {
    const writer = this.own(this.tools.oggWriter({ preSkip: 312 }));
    this.recording = { writer, chunks: [check(writer.headers())], packets: [] };
  }

  record(payload) {
    const r = this.recording;
    const pages = check(r.writer.writePacket(payload));
    r.packets.push(payload);
    if (pages.length) r.chunks.push(pages);
  }

  /** Ends the recording: {bytes (the whole Ogg file), packets (to play back), ms}. */
  stopRecording() {
    const r = this.recording;
    if (!r) return null;
    this.recording = null;
    r.chunks.push(check(r.writer.finish(0)));
    const bytes = Buffer.concat(r.chunks.map((c) => Buffer.from(c.buffer, c.byteOffset, c.byteLength)));
    return { bytes, packets: r.packets, ms: r.packets.length * 20 };
  }

  /** What the call heard: ms of audio, RMS and peak level in dBFS (of the packets decoded). */
  summary() {
    const h = this.heard;
    const dbfs = (v) => (v > 0 ? Math.round(20 * Math.log10(v / 32768) * 10) / 10 : null);
    return {
      audioMs: Math.round(h.audioSamples48k / 48),
      levelDbfs: h.samples ? dbfs(Math.sqrt(h.sumSquares / h.samples)) : null,
      peakDbfs: dbfs(h.peak),
    };
  }

  close() {
    this.stopPlaying();
    this.echoing = false;
    this.recording = null;
    for (const o of this.owned.splice(0)) o.delete();
  }
}
