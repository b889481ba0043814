// A Node "browser" for the package's tests: ws for WebSocket, @roamhq/wrtc for RTCPeerConnection,
// and a getUserMedia that gives a track playing a known tone (10 ms frames, as wrtc requires).
import wrtc from '@roamhq/wrtc';
import { WebSocket } from 'ws';

const { RTCPeerConnection, MediaStream, RTCRtpSender, nonstandard } = wrtc;
const { RTCAudioSource, RTCAudioSink } = nonstandard;

export function makeEnvironment({ toneHz = 1000, amplitude = 0.3, failMic = false } = {}) {
  const timers = new Set();
  const env = {
    WebSocket, RTCPeerConnection, MediaStream, RTCRtpSender,
    getUserMedia: async () => {
      if (env.failMic) throw Object.assign(new Error('Permission denied'), { name: 'NotAllowedError' });
      return toneStream(env.toneHz, amplitude, timers);
    },
    toneHz,
    failMic,
    stop() { for (const t of timers) clearInterval(t); timers.clear(); },
  };
  return env;
}

export function toneStream(hz, amplitude, timers) {
  const source = new RTCAudioSource();
  const track = source.createTrack();
  const rate = 48000, n = rate / 100;
  let phase = 0;
  const timer = setInterval(() => {
    const samples = new Int16Array(n);
    for (let i = 0; i < n; i++) {
      samples[i] = Math.round(Math.sin(phase) * amplitude * 32767);
      phase += (2 * Math.PI * hz) / rate;
    }
    phase %= 2 * Math.PI;
    if (track.readyState === 'ended') { clearInterval(timer); timers.delete(timer); return; }
    source.onData({ samples, sampleRate: rate, bitsPerSample: 16, channelCount: 1, numberOfFrames: n });
  }, 10);
  timers.add(timer);
  const stream = new MediaStream([track]);
  return stream;
}

// Listens to a received audio track for `ms` and reports its RMS level (dBFS) and the power at
// `hz` relative to the whole (a tone check that does not depend on the codec's exact output).
export function listen(track, ms, hz) {
  return new Promise((resolve) => {
    const sink = new RTCAudioSink(track);
    let sumSq = 0, count = 0, rate = 48000;
    const chunks = [];
    sink.ondata = (d) => {
      rate = d.sampleRate;
      const s = d.samples;
      for (let i = 0; i < s.length; i += d.channelCount) { const v = s[i] / 32768; sumSq += v * v; count++; }
      if (chunks.length < 200) chunks.push(Int16Array.from(s.filter((_, i) => i % d.channelCount === 0)));
    };
    setTimeout(() => {
      sink.stop();
      const rms = count ? Math.sqrt(sumSq / count) : 0;
      const all = new Float64Array(chunks.reduce((a, c) => a + c.length, 0));
      let k = 0;
      for (const c of chunks) for (const v of c) all[k++] = v / 32768;
      resolve({ dbfs: rms > 0 ? 20 * Math.log10(rms) : -Infinity, toneRatio: hz ? goertzelRatio(all, rate, hz) : 0, samples: count });
    }, ms);
  });
}

function goertzelRatio(x, rate, hz) {
  if (x.length === 0) return 0;
  const w = (2 * Math.PI * hz) / rate, c = 2 * Math.cos(w);
  let s1 = 0, s2 = 0, energy = 0;
  for (const v of x) { const s = v + c * s1 - s2; s2 = s1; s1 = s; energy += v * v; }
  const power = s1 * s1 + s2 * s2 - c * s1 * s2;
  return energy > 0 ? (2 * power) / (x.length * energy) : 0;
}
