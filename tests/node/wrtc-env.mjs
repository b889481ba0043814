// A Node "browser" for the package's tests: ws for WebSocket, @roamhq/wrtc for RTCPeerConnection,
// a getUserMedia that gives a track playing a known tone (10 ms frames, as wrtc requires), a far
// peer that sends its own tone, and level/tone checks of received tracks.
import wrtc from '@roamhq/wrtc';
import { WebSocket } from 'ws';
import { toneShare } from './cloud-audio-peer.mjs';

const { RTCPeerConnection, MediaStream, RTCRtpSender, nonstandard } = wrtc;
const { RTCAudioSource, RTCAudioSink } = nonstandard;

/**
 * The environment AculabCloudClient takes in Node (options.environment or setEnvironment).
 * toneHz/amplitude: what the "microphone" plays; failMic: getUserMedia refuses (DEVICE_ERROR);
 * dtmf: give audio senders an RTCDTMFSender stand-in that records insertDTMF() calls in
 * env.dtmfCalls (wrtc has no RTCDTMFSender).
 */
export function makeEnvironment({ toneHz = 1000, amplitude = 0.3, failMic = false, dtmf = false } = {}) {
  const timers = new Set();
  const streams = [];
  const peers = [];
  const env = {
    WebSocket, MediaStream, RTCRtpSender,
    RTCPeerConnection: class extends RTCPeerConnection {
      constructor(config) {
        super(config);
        peers.push(this);
        env.configs.push(config);
      }

      addTrack(track, ...streams) {
        const sender = super.addTrack(track, ...streams);
        if (env.dtmf && track.kind === 'audio') {
          Object.defineProperty(sender, 'dtmf', {
            value: {
              toneBuffer: '',
              insertDTMF(tones, duration, interToneGap) {
                env.dtmfCalls.push({ tones, duration, interToneGap, track: sender.track });
              },
            },
          });
        }
        return sender;
      }
    },
    getUserMedia: async (constraints) => {
      env.constraints.push(constraints);
      if (env.failMic) throw Object.assign(new Error('Permission denied'), { name: 'NotAllowedError' });
      const stream = toneStream(env.toneHz, amplitude, timers);
      streams.push(stream);
      return stream;
    },
    toneHz,
    failMic,
    dtmf,
    dtmfCalls: [],
    constraints: [],
    configs: [],
    peers,
    streams,
    stop() {
      for (const t of timers) clearInterval(t);
      timers.clear();
      for (const s of streams) for (const t of s.getTracks()) t.stop();
    },
  };
  return env;
}

/** A MediaStream whose one audio track plays `hz` at `amplitude` (0..1), 10 ms frames. */
export function toneStream(hz, amplitude, timers) {
  const source = new RTCAudioSource();
  const track = source.createTrack();
  const rate = 48000;
  const n = rate / 100;
  let phase = 0;
  let last = Date.now();
  const frame = () => {
    const samples = new Int16Array(n);
    for (let i = 0; i < n; i++) {
      samples[i] = Math.round(Math.sin(phase) * amplitude * 32767);
      phase += (2 * Math.PI * hz) / rate;
    }
    phase %= 2 * Math.PI;
    source.onData({ samples, sampleRate: rate, bitsPerSample: 16, channelCount: 1, numberOfFrames: n });
  };
  const timer = setInterval(() => {
    if (track.readyState === 'ended') {
      clearInterval(timer);
      timers?.delete(timer);
      return;
    }
    // Catch up on frames a busy event loop delayed, so the track runs at real time.
    const now = Date.now();
    let due = Math.min(10, Math.floor((now - last) / 10));
    if (due <= 0) return;
    last += due * 10;
    if (now - last > 100) last = now;
    while (due-- > 0) frame();
  }, 10);
  timers?.add(timer);
  return new MediaStream([track]);
}

/**
 * Listens to a received audio track for `ms` and reports its RMS level (dBFS) and the share of
 * the power at `hz` (Goertzel; a tone check that does not depend on the codec's exact output).
 */
export function listen(track, ms, hz) {
  return new Promise((resolve) => {
    const sink = new RTCAudioSink(track);
    let rate = 0;
    let chunks = [];
    sink.ondata = (d) => {
      // The first frames can come at another rate (16 kHz): keep one rate only.
      if (d.sampleRate !== rate) {
        rate = d.sampleRate;
        chunks = [];
      }
      const mono = new Float64Array(d.samples.length / d.channelCount);
      for (let i = 0; i < mono.length; i++) mono[i] = d.samples[i * d.channelCount] / 32768;
      chunks.push(mono);
    };
    setTimeout(() => {
      sink.stop();
      const all = new Float64Array(chunks.reduce((a, c) => a + c.length, 0));
      let k = 0;
      for (const c of chunks) {
        all.set(c, k);
        k += c.length;
      }
      let sumSq = 0;
      for (const v of all) sumSq += v * v;
      const rms = all.length ? Math.sqrt(sumSq / all.length) : 0;
      resolve({
        dbfs: rms > 0 ? 20 * Math.log10(rms) : -Infinity,
        toneRatio: hz && all.length ? toneShare(all, rate, hz) : 0,
        samples: all.length,
        rate,
      });
    }, ms);
  });
}

export const TONE_DBFS = -30; // a 0.3 tone is about -13.5 dBFS; Opus keeps it well above this
export const SILENCE_DBFS = -50;
export const TONE_SHARE = 0.5;

/** Listens in 500 ms slices until `hz` is heard at a tone's level (audio takes a moment to flow). */
export async function hearTone(track, hz, { timeout = 20000 } = {}) {
  const end = Date.now() + timeout;
  let last;
  do {
    last = await listen(track, 500, hz);
    if (last.dbfs > TONE_DBFS && last.toneRatio > TONE_SHARE) return last;
  } while (Date.now() < end);
  return last;
}

/** Listens in 500 ms slices until the track is silent. */
export async function hearSilence(track, { timeout = 20000 } = {}) {
  const end = Date.now() + timeout;
  let last;
  do {
    last = await listen(track, 500, 0);
    if (last.dbfs < SILENCE_DBFS) return last;
  } while (Date.now() < end);
  return last;
}

/** The far side's media: a wrtc peer that sends a tone of its own and receives the client's audio. */
export class TonePeer {
  constructor({ toneHz = 440, amplitude = 0.3 } = {}) {
    this.timers = new Set();
    this.pc = new RTCPeerConnection({ iceServers: [] });
    this.stream = toneStream(toneHz, amplitude, this.timers);
    this.track = this.stream.getAudioTracks()[0];
    this.pc.addTrack(this.track, this.stream);
    this.trackPromise = new Promise((resolve) => {
      this.pc.ontrack = (ev) => resolve(ev.track);
    });
  }

  /** The track the client sends, once it arrives (a failure, not a hang, when it never does). */
  remoteTrack(timeout = 20000) {
    let timer;
    return Promise.race([
      this.trackPromise,
      new Promise((resolve, reject) => {
        timer = setTimeout(() => reject(new Error(`the far peer received no track in ${timeout} ms`)), timeout);
      }),
    ]).finally(() => clearTimeout(timer));
  }

  async gathered() {
    if (this.pc.iceGatheringState === 'complete') return;
    await new Promise((resolve) => {
      const timer = setTimeout(resolve, 5000);
      this.pc.onicegatheringstatechange = () => {
        if (this.pc.iceGatheringState === 'complete') {
          clearTimeout(timer);
          resolve();
        }
      };
    });
  }

  async answer(offerSdp) {
    await this.pc.setRemoteDescription({ type: 'offer', sdp: offerSdp });
    await this.pc.setLocalDescription(await this.pc.createAnswer());
    await this.gathered();
    return this.pc.localDescription.sdp;
  }

  async offer() {
    await this.pc.setLocalDescription(await this.pc.createOffer());
    await this.gathered();
    return this.pc.localDescription.sdp;
  }

  async accept(answerSdp) {
    await this.pc.setRemoteDescription({ type: 'answer', sdp: answerSdp });
  }

  close() {
    for (const t of this.timers) clearInterval(t);
    this.timers.clear();
    this.track.stop();
    this.pc.close();
  }
}
