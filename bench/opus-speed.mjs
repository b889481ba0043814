// Opus speed in one run: our wasm (through Node), our native build (bench_media), and npm
// opusscript, as multiples of real time (48 kHz mono, 20 ms frames, 32 kbit/s, complexity 10
// and 5, speech-like and tonal input), medians; then the media module's sizes (raw, gzip -9).
//
//   node bench/opus-speed.mjs [--runs N] [--seconds S]
//
// Environment: ACW_DIST (built acw-media.{mjs,wasm}; default dist/), ACW_BENCH_MEDIA (the native
// bench_media binary; default: the first found under build/), OPUSSCRIPT_PATH (a folder holding
// node_modules/opusscript, when the project's own is not installed), ACW_MEDIA_DECODER_DIST
// (where acw-media-decoder.wasm is, default ACW_DIST).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';

import { loadMedia } from '../js/media.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const args = process.argv.slice(2);
const argValue = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 && i + 1 < args.length ? Number(args[i + 1]) : fallback;
};
const runs = Math.max(5, argValue('--runs', 7));
const seconds = Math.max(1, argValue('--seconds', 10));
const dist = process.env.ACW_DIST ?? join(root, 'dist');
const RATE = 48000;
const FRAME = 960;

// ---- inputs (the same generators as tests/cpp/media/signal_util.hpp) ---------------------------

function xorshift(seed) {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 2147483648 - 1;
  };
}

function speechLike(count, seed = 7, basePitch = 155) {
  const uniform = xorshift(seed);
  const gaussian = () => {
    let sum = 0;
    for (let i = 0; i < 12; i++) sum += uniform();
    return sum / 2;
  };
  const out = new Int16Array(count);
  let phase = 0;
  const y = [[0, 0], [0, 0], [0, 0]];
  const r = Math.exp((-Math.PI * 100) / RATE);
  for (let i = 0; i < count; i++) {
    const t = i / RATE;
    const pitch = basePitch * (1 + 0.4 * Math.sin(2 * Math.PI * 0.7 * t)) + 10 * Math.sin(2 * Math.PI * 5.1 * t);
    phase += pitch / RATE;
    let excitation = 0;
    if (phase >= 1) {
      phase -= 1;
      excitation = 1;
    }
    excitation += 0.02 * gaussian();
    const formants = [500 + 300 * Math.sin(2 * Math.PI * 2.3 * t),
      1500 + 700 * Math.sin(2 * Math.PI * 1.7 * t + 1), 2500 + 300 * Math.sin(2 * Math.PI * 1.1 * t + 2)];
    let v = 0;
    for (let f = 0; f < 3; f++) {
      const c = 2 * r * Math.cos((2 * Math.PI * formants[f]) / RATE);
      const o = excitation + c * y[f][0] - r * r * y[f][1];
      y[f][1] = y[f][0];
      y[f][0] = o;
      v += o / (f + 1);
    }
    const envelope = 0.55 + 0.45 * Math.sin(2 * Math.PI * 4 * t);
    out[i] = Math.max(-32768, Math.min(32767, Math.round(v * envelope * 1200)));
  }
  return out;
}

// 440 + 480 Hz at -13 dBFS each (US ringback without its cadence).
function tonal(count) {
  const out = new Int16Array(count);
  const a = 32767 * 10 ** (-13 / 20);
  for (let i = 0; i < count; i++) {
    out[i] = Math.round(a * Math.sin((2 * Math.PI * 440 * i) / RATE)) + Math.round(a * Math.sin((2 * Math.PI * 480 * i) / RATE));
  }
  return out;
}

// ---- implementations ---------------------------------------------------------------------------

// CPU time of this process in seconds: the machine is shared, and wall time would count other
// people's builds. x real time is then seconds of audio per CPU second (the native bench too).
const cpu = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

const median = (values) => {
  const v = [...values].sort((x, y) => x - y);
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};

function ours(media) {
  return {
    name: 'wasm (ours)',
    run(pcm, complexity) {
      const encoder = new media.OpusEncoder({ bitrate: 32000, complexity });
      const decoder = new media.OpusDecoder({});
      try {
        const packets = [];
        const t0 = cpu();
        for (let i = 0; i + FRAME <= pcm.length; i += FRAME) packets.push(encoder.encode(pcm.subarray(i, i + FRAME)));
        const t1 = cpu();
        for (const p of packets) decoder.decode(p);
        const t2 = cpu();
        return { encode: t1 - t0, decode: t2 - t1, bytes: packets.reduce((n, p) => n + p.length, 0) };
      } finally {
        encoder.delete();
        decoder.delete();
      }
    },
  };
}

function opusscript(OpusScript) {
  return {
    name: 'opusscript',
    run(pcm, complexity) {
      const codec = new OpusScript(RATE, 1, OpusScript.Application.VOIP);
      try {
        codec.setBitrate(32000);
        codec.encoderCTL(4010, complexity);  // OPUS_SET_COMPLEXITY_REQUEST
        const packets = [];
        const t0 = cpu();
        for (let i = 0; i + FRAME <= pcm.length; i += FRAME) packets.push(codec.encode(pcm.subarray(i, i + FRAME), FRAME));
        const t1 = cpu();
        for (const p of packets) codec.decode(p);
        const t2 = cpu();
        return { encode: t1 - t0, decode: t2 - t1, bytes: packets.reduce((n, p) => n + p.length, 0) };
      } finally {
        codec.delete();
      }
    },
  };
}

function loadOpusscript() {
  const places = [process.env.OPUSSCRIPT_PATH, root, '/tmp/opusscript'].filter(Boolean);
  for (const place of places) {
    try {
      return createRequire(join(place, 'package.json'))('opusscript');
    } catch {
      // next place
    }
  }
  return null;
}

function findNativeBench() {
  if (process.env.ACW_BENCH_MEDIA) return process.env.ACW_BENCH_MEDIA;
  const build = join(root, 'build');
  if (!existsSync(build)) return null;
  for (const dir of readdirSync(build)) {
    const candidate = join(build, dir, 'bench', 'bench_media');
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

// ---- run ---------------------------------------------------------------------------------------

const count = Math.floor((seconds * RATE) / FRAME) * FRAME;
const inputs = { speech: speechLike(count), tonal: tonal(count) };
const media = await loadMedia({
  createModule: (await import(pathToFileURL(join(dist, 'acw-media.mjs')).href)).default,
  locateFile: (name) => join(dist, name),
});
const OpusScript = loadOpusscript();
const impls = [ours(media)];
if (OpusScript) impls.push(opusscript(OpusScript));
else console.log('(opusscript not installed: npm install, or set OPUSSCRIPT_PATH)');

// Each round runs every case once for each implementation, the native bench as a child process
// (--runs 1) between our own runs, so that whatever else loads the machine hits all three alike;
// the figures are medians over the rounds.
const nativeBin = findNativeBench();
if (!nativeBin) console.log('(no native bench_media found: set ACW_BENCH_MEDIA or build the bench target)');
const samples = new Map();  // "impl input complexity" -> { encodeX: [], decodeX: [], kbps }
function record(impl, input, complexity, encodeX, decodeX, kbps) {
  const key = `${impl} ${input} ${complexity}`;
  if (!samples.has(key)) samples.set(key, { impl, input, complexity, encodeX: [], decodeX: [], kbps });
  const entry = samples.get(key);
  entry.encodeX.push(encodeX);
  entry.decodeX.push(decodeX);
  entry.kbps = kbps;
}
const wavDir = mkdtempSync(join(tmpdir(), 'acw-opus-speed-'));
try {
  for (const [name, pcm] of Object.entries(inputs)) writeFileSync(join(wavDir, `${name}.wav`), media.writeWav(pcm, RATE, 1));
  for (const pcm of Object.values(inputs)) {
    for (const impl of impls) impl.run(pcm.subarray(0, RATE), 10);  // warm the JIT
  }
  for (let round = 0; round < runs; round++) {
    if (nativeBin) {
      const native = spawnSync(nativeBin, ['--json', '--runs', '1', '--speech', join(wavDir, 'speech.wav'),
        '--tonal', join(wavDir, 'tonal.wav')], { encoding: 'utf8' });
      if (native.status !== 0) throw new Error(`${nativeBin} failed: ${native.stderr}`);
      for (const line of native.stdout.split('\n')) {
        if (!line.trim()) continue;
        const r = JSON.parse(line);
        record('native', r.input, r.complexity, r.encodeX, r.decodeX, r.kbps);
      }
    }
    for (const [input, pcm] of Object.entries(inputs)) {
      for (const complexity of [10, 5]) {
        for (const impl of impls) {
          const t = impl.run(pcm, complexity);
          record(impl.name === 'opusscript' ? 'opusscript' : 'wasm', input, complexity,
            seconds / t.encode, seconds / t.decode, (t.bytes * 8) / seconds / 1000);
        }
      }
    }
  }
} finally {
  rmSync(wavDir, { recursive: true, force: true });
}
const results = [...samples.values()].map((e) => ({ ...e, encodeX: median(e.encodeX), decodeX: median(e.decodeX) }));

const find = (impl, input, complexity) => results.find((r) => r.impl === impl && r.input === input && r.complexity === complexity);
const fmt = (v, w = 9) => (v === undefined ? '-' : v.toFixed(1)).padStart(w);
const ratio = (a, b) => (a === undefined || b === undefined ? undefined : a / b);

console.log(`\nOpus 1.3.1 speed, x real time per CPU second (median of ${runs} runs of ${seconds} s; 48 kHz mono, 20 ms, 32 kbit/s)`);
console.log(`${'input'.padEnd(7)} ${'cx'.padStart(2)} | ${'native'.padStart(9)} ${'wasm'.padStart(9)} ${'opusscr'.padStart(9)} | ${'wasm/nat'.padStart(9)} ${'oscr/nat'.padStart(9)} ${'wasm/oscr'.padStart(9)}`);
for (const op of ['encode', 'decode']) {
  console.log(op);
  for (const input of Object.keys(inputs)) {
    for (const complexity of [10, 5]) {
      const key = `${op}X`;
      const n = find('native', input, complexity)?.[key];
      const w = find('wasm', input, complexity)?.[key];
      const o = find('opusscript', input, complexity)?.[key];
      const r = (v) => (v === undefined ? '-' : v.toFixed(2)).padStart(9);
      console.log(`${input.padEnd(7)} ${String(complexity).padStart(2)} | ${fmt(n)} ${fmt(w)} ${fmt(o)} | ${r(ratio(w, n))} ${r(ratio(o, n))} ${r(ratio(w, o))}`);
    }
  }
}

// ---- sizes -------------------------------------------------------------------------------------

function sizes(label, file) {
  if (!existsSync(file)) return console.log(`${label.padEnd(34)} (not built: ${file})`);
  const bytes = readFileSync(file);
  console.log(`${label.padEnd(34)} ${String(bytes.length).padStart(8)} B raw ${String(gzipSync(bytes, { level: 9 }).length).padStart(8)} B gzip -9`);
}
console.log('\nsizes');
sizes('acw-media.wasm (encoder+decoder)', join(dist, 'acw-media.wasm'));
sizes('acw-media.mjs (glue)', join(dist, 'acw-media.mjs'));
const decoderDist = process.env.ACW_MEDIA_DECODER_DIST ?? dist;
sizes('acw-media-decoder.wasm (decoder)', join(decoderDist, 'acw-media-decoder.wasm'));
sizes('acw-media-decoder.mjs (glue)', join(decoderDist, 'acw-media-decoder.mjs'));
for (const place of [process.env.OPUSSCRIPT_PATH, root, '/tmp/opusscript'].filter(Boolean)) {
  try {
    const main = createRequire(join(place, 'package.json')).resolve('opusscript');
    sizes('opusscript_native_wasm.wasm', join(main, '..', 'build', 'opusscript_native_wasm.wasm'));
    break;
  } catch {
    // not here: try the next place
  }
}
