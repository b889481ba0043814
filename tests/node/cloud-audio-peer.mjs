// A far peer with real audio for the cloud's media tests: @roamhq/wrtc sending a known tone and measuring what it hears.
// A process that used wrtc audio must end with process.exit() (DESIGN.md): call endProcess() last.
import wrtc from '@roamhq/wrtc';

const { RTCPeerConnection, nonstandard } = wrtc;
const { RTCAudioSource, RTCAudioSink } = nonstandard;

/** Power of `hz` in a block of samples relative to the block's total power (Goertzel), 0..1. */
export function toneShare(samples, rate, hz) {
  const k = (2 * Math.cos((2 * Math.PI * hz) / rate));
  let s1 = 0;
  let s2 = 0;
  let total = 0;
  for (const x of samples) {
    const s0 = x + k * s1 - s2;
    s2 = s1;
    s1 = s0;
    total += x * x;
  }
  const power = s1 * s1 + s2 * s2 - k * s1 * s2;
  return total > 0 ? (2 * power) / (samples.length * total) : 0;
}

/**
 * Share of the power of the loud 20 ms blocks that lies between lo and hi Hz (Goertzel at each
 * 50 Hz bin of the block): for cadenced tones, where a whole-window Goertzel smears.
 */
export function bandShare(samples, rate, lo, hi) {
  const n = Math.round(rate / 50);
  let band = 0;
  let total = 0;
  for (let start = 0; start + n <= samples.length; start += n) {
    const block = samples.subarray ? samples.subarray(start, start + n) : samples.slice(start, start + n);
    let power = 0;
    for (const x of block) power += x * x;
    if (Math.sqrt(power / n) < 100) continue;
    total += power;
    for (let hz = Math.ceil(lo / 50) * 50; hz <= hi; hz += 50) band += toneShare(block, rate, hz) * power;
  }
  return total > 0 ? band / total : 0;
}

const ROWS = [697, 770, 852, 941];
const COLS = [1209, 1336, 1477, 1633];
export const DTMF = Object.fromEntries(['123A', '456B', '789C', '*0#D'].flatMap((row, r) => [...row].map((d, c) => [d, [ROWS[r], COLS[c]]])));

export const rmsOf = (samples) => Math.sqrt(samples.reduce((a, x) => a + x * x, 0) / Math.max(1, samples.length));

export class AudioPeer {
  /** toneHz: what it sends (0: silence); amplitude 0..1. */
  constructor({ toneHz = 440, amplitude = 0.25 } = {}) {
    this.pc = new RTCPeerConnection({ iceServers: [] });
    this.source = new RTCAudioSource();
    this.track = this.source.createTrack();
    this.pc.addTrack(this.track);
    this.toneHz = toneHz;
    this.amplitude = amplitude;
    this.frames = []; // {t, rate, samples}
    this.phase = 0;
    this.timer = setInterval(() => this.sendFrame(), 10);
    this.pc.ontrack = (ev) => {
      this.sink = new RTCAudioSink(ev.track);
      this.sink.ondata = (d) => {
        if (d.channelCount !== 1) return;
        this.frames.push({ t: Date.now(), rate: d.sampleRate, samples: Int16Array.from(d.samples) });
        if (this.frames.length > 3000) this.frames.splice(0, 1000);
      };
    };
  }

  // wrtc takes exactly 10 ms frames. While digits are queued they replace the tone (in-band DTMF).
  sendFrame() {
    const rate = 48000;
    const n = rate / 100;
    const samples = new Int16Array(n);
    const pair = this.digitFrames?.shift();
    if (pair !== undefined) {
      for (let i = 0; i < n; i++) {
        const t = (this.sent + i) / rate;
        samples[i] = pair ? Math.round(0.2 * 32767 * (Math.sin(2 * Math.PI * pair[0] * t) + Math.sin(2 * Math.PI * pair[1] * t))) : 0;
      }
    } else {
      for (let i = 0; i < n; i++) {
        samples[i] = this.toneHz ? Math.round(Math.sin(this.phase) * this.amplitude * 32767) : 0;
        this.phase += (2 * Math.PI * (this.toneHz || 0)) / rate;
      }
    }
    this.sent = (this.sent ?? 0) + n;
    this.phase %= 2 * Math.PI;
    this.source.onData({ samples, sampleRate: rate, bitsPerSample: 16, channelCount: 1, numberOfFrames: n });
  }

  /** Sends digits as in-band DTMF (ITU-T Q.23 pairs): onMs each, offMs silence after. */
  sendDigits(digits, onMs = 150, offMs = 150) {
    this.digitFrames ??= [];
    for (const d of digits) {
      const pair = DTMF[d.toUpperCase()];
      if (!pair) throw new Error(`not a DTMF digit: ${d}`);
      for (let i = 0; i < onMs / 10; i++) this.digitFrames.push(pair);
      for (let i = 0; i < offMs / 10; i++) this.digitFrames.push(null);
    }
    return new Promise((r) => setTimeout(r, digits.length * (onMs + offMs) + 50));
  }

  async gathered() {
    if (this.pc.iceGatheringState === 'complete') return;
    await new Promise((resolvePromise) => {
      this.pc.onicegatheringstatechange = () => this.pc.iceGatheringState === 'complete' && resolvePromise();
      setTimeout(resolvePromise, 5000);
    });
  }

  async offer() {
    await this.pc.setLocalDescription(await this.pc.createOffer());
    await this.gathered();
    return this.pc.localDescription.sdp;
  }

  async accept(sdp, type = 'answer') {
    await this.pc.setRemoteDescription({ type, sdp });
  }

  async answer(offerSdp) {
    await this.pc.setRemoteDescription({ type: 'offer', sdp: offerSdp });
    await this.pc.setLocalDescription(await this.pc.createAnswer());
    await this.gathered();
    return this.pc.localDescription.sdp;
  }

  /** Samples heard in the last `ms` (or between two times), joined, with their rate. */
  heard({ lastMs, from, to } = {}) {
    const now = Date.now();
    const start = from ?? (lastMs ? now - lastMs : 0);
    const end = to ?? now;
    const frames = this.frames.filter((f) => f.t >= start && f.t <= end);
    const rate = frames.at(-1)?.rate ?? 48000;
    const same = frames.filter((f) => f.rate === rate);
    const out = new Int16Array(same.reduce((a, f) => a + f.samples.length, 0));
    let o = 0;
    for (const f of same) {
      out.set(f.samples, o);
      o += f.samples.length;
    }
    return { samples: out, rate };
  }

  /** RMS (0..32767) of what was heard in the last `ms`, and the share of it at `hz`. */
  level(lastMs, hz) {
    const { samples, rate } = this.heard({ lastMs });
    return { rms: rmsOf(samples), share: hz ? toneShare(samples, rate, hz) : 0, samples: samples.length, rate };
  }

  /**
   * Waits until the last `windowMs` heard hold the tone at `hz` (RMS above `minRms`, a share of it
   * above `minShare`) and returns that level; throws with the last level after `waitMs`. A loaded
   * machine delays or thins the first audio: the wait, not one sample after a sleep, is the test.
   */
  async hears(hz, { minRms = 2000, minShare = 0.8, windowMs = 800, waitMs = 20000 } = {}) {
    const t0 = Date.now();
    for (;;) {
      const heard = this.level(windowMs, hz);
      if (heard.rms > minRms && heard.share > minShare) return heard;
      if (Date.now() - t0 > waitMs) throw new Error(`${hz} Hz not heard: ${JSON.stringify(heard)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async waitForConnected(timeoutMs = 10000) {
    const t0 = Date.now();
    while (this.pc.connectionState !== 'connected') {
      if (Date.now() - t0 > timeoutMs) throw new Error(`media not connected: ${this.pc.connectionState}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  close() {
    clearInterval(this.timer);
    this.track.stop();
    this.sink?.stop();
    this.pc.close();
  }
}

/** Ends a test process that used wrtc audio (it would crash at natural exit), after the reporter is done. */
export function endProcess(code = 0) {
  setTimeout(() => process.exit(process.exitCode ?? code), 200);
}

/**
 * A well-behaved client in an answered echo call (the abuse suite's bystander): a scripted SIP
 * client on its own WebSocket and a wrtc peer sending `toneHz`. `audioIntact()` waits (generously)
 * until the echo it hears is loud and mostly that tone.
 */
export async function bystanderCall(cloud, user, { toneHz = 440, waitMs = 20000, token, ws, service = 'echo' } = {}) {
  const { ScriptedClient, bodyOf, isResponse } = await import('./cloud-helpers.mjs');
  const client = await ScriptedClient.connect(cloud, user, ws);
  const peer = new AudioPeer({ toneHz });
  const inv = client.inviteText(`sip:${service}@${cloud.config.serviceDomain}`, { sdp: await peer.offer(), token });
  client.peer.send(inv.text);
  const ok = await client.peer.next(isResponse(200, 'INVITE'), waitMs);
  client.peer.send(client.ackText(inv, ok));
  await peer.accept(bodyOf(ok));
  await peer.waitForConnected(waitMs);
  const loud = (l) => l.rms > 2000 && l.share > 0.5;
  return {
    client,
    peer,
    async audioIntact() {
      const t0 = Date.now();
      for (;;) {
        await new Promise((r) => setTimeout(r, 300));
        const level = peer.level(700, toneHz);
        if (loud(level)) return level;
        if (Date.now() - t0 > waitMs) throw new Error(`bystander's echo not heard: ${JSON.stringify(level)}`);
      }
    },
    async hangUp() {
      client.peer.send(client.byeText(inv, ok));
      await client.peer.next(isResponse(200, 'BYE'), waitMs);
      peer.close();
      await client.close();
    },
  };
}
