// The audio round trip through an echo service: tone bursts made with Web Audio, sent as the call's audio, timed as they come back (preflight only).
//
// The call sends what a MediaStreamAudioDestinationNode makes: an oscillator whose gain is opened
// for each burst, mixed with the microphone, whose gain is 0 while the bursts are timed so that
// the person's voice is never part of the measurement (and 1 after, for the rest of the test).
// The remote stream goes into an AnalyserNode; every few milliseconds its latest samples are cut
// into 5 ms blocks at fixed places on the context's clock, and each block's amplitude at the
// burst's frequency is found with the Goertzel algorithm. A burst is heard at the first of two
// blocks in a row over the threshold (four times the amplitude of the quiet before the first
// burst, and at least 0.03 of full scale) and twice the other frequency's; its round trip is that block's time less the burst's
// start, both on the context's clock. Bursts take turns at two frequencies, so that an echo later
// than its listening window is never taken for the next burst's.

const g = globalThis;

/** The bursts' frequencies (Hz), in turn: whole numbers of cycles in a 5 ms block at 48 kHz. */
export const BURST_HZ = [1000, 1600];
const BURST_S = 0.12;
const BURST_LEVEL = 0.3; // of full scale: -10 dBFS, well above Opus's noise and below clipping
const RAMP_S = 0.003; // on and off without a click (a click has energy at every frequency)
const BLOCK_S = 0.005;
const LISTEN_MS = 2000; // a burst not back by then is not heard
const QUIET_MS = 300; // the noise is measured over this before the first burst
const TAIL_MS = 250; // after a burst is heard, its echo's end is let pass before the next
const POLL_MS = 15;
const FLOOR = 0.03; // the lowest threshold, of full scale
const NOISE_FACTOR = 4;

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** The amplitude (of full scale) of the `freq` component of samples[start, start + length) (Goertzel). */
export function toneAmplitude(samples, start, length, freq, rate) {
  const coeff = 2 * Math.cos((2 * Math.PI * freq) / rate);
  let s1 = 0;
  let s2 = 0;
  for (let i = start; i < start + length; i++) {
    const s0 = samples[i] + coeff * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const power = s1 * s1 + s2 * s2 - coeff * s1 * s2;
  return (2 * Math.sqrt(Math.max(0, power))) / length;
}

/**
 * Blocks of what was heard, each with its amplitude at each frequency, on the context's clock:
 * block b holds frames [b * size, (b + 1) * size). feed() takes the analyser's latest samples and
 * the frame just after the last of them; blocks already measured are kept as they were.
 */
export class ToneBlocks {
  constructor(rate, freqs = BURST_HZ) {
    this.rate = rate;
    this.freqs = freqs;
    this.size = Math.round(rate * BLOCK_S);
    this.amplitudes = new Map(); // block -> [amplitude at each frequency]
  }

  feed(samples, end) {
    const first = Math.ceil((end - samples.length) / this.size);
    const last = Math.floor(end / this.size) - 1;
    for (let b = Math.max(first, last - 2000); b <= last; b++) {
      if (this.amplitudes.has(b)) continue;
      const at = b * this.size - (end - samples.length);
      this.amplitudes.set(b, this.freqs.map((f) => toneAmplitude(samples, at, this.size, f, this.rate)));
    }
  }

  /** The highest amplitude at frequency index `k` over the blocks wholly in [from, to) (frames), or null if none. */
  highest(k, from, to) {
    let max = null;
    for (const [b, a] of this.amplitudes) {
      if (b * this.size >= from && (b + 1) * this.size <= to) max = Math.max(max ?? 0, a[k]);
    }
    return max;
  }

  /**
   * The first frame of the first of two blocks in a row at or after frame `from` whose amplitude at
   * `k` is at least `threshold` and twice that at every other frequency (a click or noise has
   * energy at all of them), or null.
   */
  onset(k, from, threshold) {
    const over = (b) => {
      const a = this.amplitudes.get(b);
      return !!a && a[k] >= threshold && a.every((x, j) => j === k || a[k] >= 2 * x);
    };
    const blocks = [...this.amplitudes.keys()].filter((b) => b * this.size >= from).sort((x, y) => x - y);
    for (const b of blocks) if (over(b) && over(b + 1)) return b * this.size;
    return null;
  }

  /** Forgets blocks before frame `frame`. */
  forget(frame) {
    for (const b of this.amplitudes.keys()) if ((b + 1) * this.size <= frame) this.amplitudes.delete(b);
  }
}

/** The median of numbers (the mean of the middle two for an even count), or null. */
export function median(values) {
  if (!values.length) return null;
  const v = [...values].sort((a, b) => a - b);
  const mid = v.length >> 1;
  return v.length % 2 ? v[mid] : (v[mid - 1] + v[mid]) / 2;
}

/**
 * The mix the test call sends: the bursts' oscillators and, once send(mic) is called, the
 * microphone through a gain that stays 0 until micOn(true). Resolves with { rate, send(mic),
 * micOn(on), measure(remote, options), close() }, or { reason } where this browser cannot (no Web
 * Audio, or an audio context that does not start: the autoplay policy).
 */
export async function openToneMix() {
  const Context = g.AudioContext || g.webkitAudioContext;
  if (!Context) return { reason: 'this browser has no Web Audio (AudioContext)' };
  let ctx;
  try {
    ctx = new Context();
    if (ctx.state !== 'running') await Promise.race([ctx.resume(), sleep(1000)]);
    if (ctx.state !== 'running') {
      ctx.close().catch(() => {});
      return { reason: `the page may not start audio yet (its AudioContext is ${ctx.state}; a click on the page allows it)` };
    }
  } catch (e) {
    ctx?.close().catch(() => {});
    return { reason: `Web Audio failed: ${e && (e.message || e)}` };
  }
  const out = ctx.createMediaStreamDestination();
  const micGain = ctx.createGain();
  micGain.gain.value = 0;
  micGain.connect(out);
  let micSource = null;
  const gates = BURST_HZ.map((hz) => {
    const o = ctx.createOscillator();
    o.frequency.value = hz;
    const gate = ctx.createGain();
    gate.gain.value = 0;
    o.connect(gate).connect(out);
    o.start();
    return gate;
  });
  return {
    rate: ctx.sampleRate,
    /** The stream to send: the mix's audio, and the video tracks of `mic` (a MediaStream or null). */
    send(mic, MediaStream = g.MediaStream) {
      if (mic && mic.getAudioTracks().length) {
        micSource = ctx.createMediaStreamSource(mic);
        micSource.connect(micGain);
      }
      const video = mic ? mic.getVideoTracks() : [];
      return video.length ? new MediaStream([...out.stream.getAudioTracks(), ...video]) : out.stream;
    },
    micOn(on) {
      micGain.gain.setValueAtTime(on ? 1 : 0, ctx.currentTime);
    },
    measure: (remote, options) => measure(ctx, gates, remote, options),
    close() {
      micSource?.disconnect();
      ctx.close().catch(() => {});
    },
  };
}

/**
 * Sends `bursts` tone bursts and times their return on `remote` (the echo's MediaStream, with
 * audio flowing), after measuring the quiet; `stop()` returning true ends it early; onBurst({
 * burst, of, ms }) after each. Resolves with { ms (the median round trip, or null), sent, heard,
 * burstsMs (each burst's round trip, null when not heard), reason (null, or why no round trip was
 * measured) }.
 */
async function measure(ctx, gates, remote, { bursts = 6, stop = () => false, onBurst = () => {} } = {}) {
  const result = { ms: null, sent: 0, heard: 0, burstsMs: [], reason: null };
  const rate = ctx.sampleRate;
  const source = ctx.createMediaStreamSource(remote);
  const analyser = ctx.createAnalyser();
  analyser.fftSize = 16384; // 0.34 s at 48 kHz: polls late by less than that lose nothing
  source.connect(analyser);
  const samples = new Float32Array(analyser.fftSize);
  const blocks = new ToneBlocks(rate);
  const frame = () => Math.round(ctx.currentTime * rate);
  const poll = () => {
    analyser.getFloatTimeDomainData(samples);
    blocks.feed(samples, frame());
  };
  try {
    const quietFrom = frame();
    while (frame() - quietFrom < (QUIET_MS / 1000) * rate) {
      await sleep(POLL_MS);
      poll();
    }
    const thresholds = BURST_HZ.map((_, k) => Math.max(FLOOR, NOISE_FACTOR * (blocks.highest(k, quietFrom, frame()) ?? 0)));
    if (thresholds.some((t) => t >= BURST_LEVEL / 2)) {
      result.reason = `too much sound came back before the first burst (${thresholds.map((t) => (t / NOISE_FACTOR).toFixed(3)).join(', ')} of full scale at ${BURST_HZ.join(' and ')} Hz)`;
      return result;
    }
    for (let i = 0; i < bursts && !stop(); i++) {
      const k = i % BURST_HZ.length;
      const gate = gates[k].gain;
      const t0 = ctx.currentTime + 0.05;
      gate.setValueAtTime(0, t0);
      gate.linearRampToValueAtTime(BURST_LEVEL, t0 + RAMP_S);
      gate.setValueAtTime(BURST_LEVEL, t0 + BURST_S - RAMP_S);
      gate.linearRampToValueAtTime(0, t0 + BURST_S);
      result.sent++;
      const start = Math.round(t0 * rate);
      let heardAt = null;
      while (heardAt === null && !stop() && frame() < start + (LISTEN_MS / 1000) * rate) {
        await sleep(POLL_MS);
        poll();
        heardAt = blocks.onset(k, start, thresholds[k]);
      }
      const ms = heardAt === null ? null : Math.round(((heardAt - start) / rate) * 1000);
      result.burstsMs.push(ms);
      if (ms !== null) result.heard++;
      onBurst({ burst: i + 1, of: bursts, ms });
      // Let this burst's echo end before the next goes out.
      const next = heardAt === null ? 0 : heardAt + ((BURST_S * 1000 + TAIL_MS) / 1000) * rate;
      while (frame() < next && !stop()) await sleep(POLL_MS);
      blocks.forget(frame());
    }
  } finally {
    source.disconnect();
  }
  const heard = result.burstsMs.filter((v) => v !== null);
  result.ms = heard.length ? Math.round(median(heard)) : null;
  if (!heard.length) result.reason = result.sent ? `none of the ${result.sent} tone bursts came back within ${LISTEN_MS / 1000} s` : 'the call ended before a tone burst was sent';
  return result;
}
