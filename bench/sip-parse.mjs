// SIP parsing speed, messages per second: our wasm through the bindings (one call per message, as
// a page receives frames; and a loop inside wasm), our native build, JsSIP and SIP.js, on the
// INVITE with SDP and the 200 OK to REGISTER from the recorded trace. Median of 5 runs after a
// warm-up, runs interleaved so that load from other processes hits every parser alike.
//
// "1 call per message" is the page's receive path (js/client.js, ws.onmessage): js/frames.js
// encodes the frame into the engine's buffer in the wasm heap (TextEncoder.encodeInto), then one
// embind call with the byte length; here that call is number(benchParse) (the same crossing as
// frame(), and no engine handling). Like for like: ours parses as JsSIP and SIP.js do on receipt,
// the framing and then the grammar of every Via, From, To, CSeq and Contact (sip::parse_like_peers;
// the page's own path parses those fields later, when the engine reads them).
//
//   node bench/sip-parse.mjs [--runs 5] [--seconds 0.3] [--json FILE]
//
// Environment: ACW_CORE_DIST (built acw-core-bench.{mjs,wasm}; default dist/),
// ACW_BENCH_SIP_PARSE (the native bench_sip_parse; default build/h-bench, build/native, build/*).
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';

import { NumberQuery } from '../js/boundary.js';
import { FrameWriter } from '../js/frames.js';

import {
  ROOT, buildTypeOf, coreDist, cpuSeconds, findNativeBinary, fmt, fmtInt, handOff, loadCoreModule, median,
  parseArgs, printTable, traceMessages, wallSeconds,
} from './common.mjs';

const require = createRequire(join(ROOT, 'package.json'));

// ---- the parsers -------------------------------------------------------------------------------

async function ourWasm() {
  const dist = coreDist();
  // The benchmarks' build of the core: the page's own leaves benchParse's parsers out.
  const core = await loadCoreModule(dist, 'acw-core-bench');
  const engine = core.create('1-2-0', 'abc123', 'alice', '', 1, 2, 0, '');
  const frames = new FrameWriter(core, engine);
  return [
    // The page's path: encodeInto into the wasm heap, one call with the length, one parse.
    { key: 'wasm', name: 'ours, wasm, 1 call per message', parse: (frame) => core.number(engine, NumberQuery.benchParse, frames.write(frame), 1) },
    {
      key: 'wasmLoop',
      name: 'ours, wasm, loop inside wasm',
      batch: (frame, n) => core.number(engine, NumberQuery.benchParse, frames.write(frame), n),
    },
  ];
}

function jssip() {
  const version = require('jssip/package.json').version;
  const Parser = require('jssip/lib/Parser');
  // parseMessage(data, ua) only stores ua on an IncomingRequest (lib/Parser.js, SIPMessage.js).
  const ua = {};
  return { key: 'jssip', name: `JsSIP ${version}`, parse: (frame) => Parser.parseMessage(frame, ua) };
}

async function sipjs() {
  const version = require('sip.js/package.json').version;
  const { Parser } = await import(pathToFileURL(require.resolve('sip.js/lib/core/messages/parser.js')).href);
  const quiet = () => {};
  const logger = { error: quiet, warn: quiet, log: quiet, debug: quiet };
  return { key: 'sipjs', name: `SIP.js ${version}`, parse: (frame) => Parser.parseMessage(frame, logger) };
}

// Each parser must accept both messages before it is timed.
// (Ours answers how many of Via, From, To, CSeq and Contact parsed: at least one of each here but
// Contact, which the 200 OK may lack.)
function check(impl, message) {
  if (impl.batch) return impl.batch(message.wire, 1) >= 4;
  const m = impl.parse(message.wire);
  if (!m) return false;
  if (typeof m === 'number') return m >= 4;
  return message.key === 'invite' ? m.method === 'INVITE' && m.body.length === 2289 : m.status_code === 200 || m.statusCode === 200;
}

// ---- timing ------------------------------------------------------------------------------------

let sink = 0;

function timeOnce(impl, frame, iterations) {
  const c0 = cpuSeconds();
  const w0 = wallSeconds();
  if (impl.batch) {
    sink += impl.batch(frame, iterations);
  } else {
    for (let i = 0; i < iterations; i++) if (impl.parse(frame)) sink++;
  }
  return { cpu: cpuSeconds() - c0, wall: wallSeconds() - w0 };
}

// Iterations for about `seconds` of CPU per run (at least 1000).
function calibrate(impl, frame, seconds) {
  let n = 200;
  for (;;) {
    const t = timeOnce(impl, frame, n);
    if (t.cpu >= 0.05) return Math.max(1000, Math.round((n * seconds) / t.cpu));
    n *= 4;
  }
}

function measureJs(impls, message, runs, seconds) {
  const plan = impls.map((impl) => {
    timeOnce(impl, message.wire, calibrate(impl, message.wire, seconds)); // warm-up: JIT tiers up
    return { impl, iterations: calibrate(impl, message.wire, seconds), cpu: [], wall: [] };
  });
  for (let r = 0; r < runs; r++) {
    for (const p of plan) {
      const t = timeOnce(p.impl, message.wire, p.iterations);
      p.cpu.push(p.iterations / t.cpu);
      p.wall.push(p.iterations / t.wall);
    }
  }
  return Object.fromEntries(plan.map((p) => [p.impl.key, { cpu: median(p.cpu), wall: median(p.wall), iterations: p.iterations }]));
}

// The native bench prints, per message: name, bytes, parse msg/s (CPU), (wall), serialize...
function measureNative(messages) {
  const binary = findNativeBinary('bench_sip_parse', 'ACW_BENCH_SIP_PARSE');
  if (!binary) return { error: 'bench_sip_parse not built (npm run build, or see docs/PERFORMANCE.md)' };
  const run = spawnSync(binary, [], { encoding: 'utf8' });
  if (run.status !== 0) return { error: `${binary} failed: ${run.stderr.trim()}` };
  const out = { binary, buildType: buildTypeOf(binary) };
  for (const m of messages) {
    const line = run.stdout.split('\n').find((l) => l.startsWith(m.name));
    const cells = line ? line.slice(m.name.length).trim().split(/\s+/).map(Number) : [];
    if (cells.length < 3) return { error: `unexpected output from ${binary}` };
    if (cells[0] !== m.wire.length) return { error: `${binary} parsed ${cells[0]} bytes for ${m.name}, we have ${m.wire.length}` };
    out[m.key] = { cpu: cells[1], wall: cells[2] };
  }
  return out;
}

// ---- run ---------------------------------------------------------------------------------------

export async function run({ runs = 5, seconds = 0.3 } = {}) {
  const messages = traceMessages();
  const impls = [];
  const missing = {};
  for (const [key, load] of [['wasm', ourWasm], ['jssip', jssip], ['sipjs', sipjs]]) {
    try {
      const got = await load();
      impls.push(...(Array.isArray(got) ? got : [got]));
    } catch (e) {
      missing[key] = e.message;
      if (key === 'wasm') missing.wasmLoop = e.message;
    }
  }
  for (const impl of impls) {
    for (const m of messages) if (!check(impl, m)) throw new Error(`${impl.name} does not parse the ${m.name}`);
  }
  const native = measureNative(messages);
  if (native.error) missing.native = native.error;

  const names = {
    wasm: 'ours, wasm, 1 call per message', wasmLoop: 'ours, wasm, loop inside wasm', native: 'ours, native',
    jssip: 'JsSIP', sipjs: 'SIP.js',
  };
  for (const impl of impls) names[impl.key] = impl.name;
  if (!native.error) names.native = `ours, native, ${native.buildType} build`;

  const figures = {};
  const rows = [['parser', ...messages.map((m) => `${m.name} (${m.wire.length} B) msg/s`), '(wall clock)', '', 'vs JsSIP']];
  const measured = {};
  for (const m of messages) {
    measured[m.key] = measureJs(impls, m, runs, seconds);
    if (!native.error) measured[m.key].native = native[m.key];
  }
  for (const key of ['wasm', 'wasmLoop', 'native', 'jssip', 'sipjs']) {
    const cells = messages.map((m) => measured[m.key][key]);
    if (cells.some((c) => !c)) {
      rows.push([names[key], `not available (${missing[key] ?? 'not measured'})`]);
      continue;
    }
    rows.push([
      names[key],
      ...cells.map((c) => fmtInt(c.cpu)),
      cells.map((c) => fmtInt(c.wall)).join(' / '),
      '',
      messages.map((m) => (measured[m.key].jssip ? `${fmt(measured[m.key][key].cpu / measured[m.key].jssip.cpu)}x` : '-')).join(' / '),
    ]);
  }
  for (const m of messages) {
    const r = measured[m.key];
    const peers = {};
    for (const key of ['wasmLoop', 'native', 'jssip', 'sipjs']) if (r[key]) peers[names[key]] = Math.round(r[key].cpu);
    const value = r.wasm ? Math.round(r.wasm.cpu) : null;
    const vsJssip = r.wasm && r.jssip ? r.wasm.cpu / r.jssip.cpu : null;
    const nativeOverWasm = r.wasm && r.native ? r.native.cpu / r.wasm.cpu : null;
    figures[`sip_parse.${m.key}`] = {
      label: `SIP parse, ${m.name} (${m.wire.length} B), ours wasm (1 call per message)`,
      value,
      unit: 'msg/s (per CPU second)',
      peers,
      wall: Object.fromEntries(Object.entries(r).map(([k, v]) => [names[k], Math.round(v.wall)])),
      // (The aim "within 2x of native" is retired: it would cost page weight and no user feels it.)
      goal: 'wasm >= 30x JsSIP',
      ratios: {
        wasmOverJssip: vsJssip,
        nativeOverWasm,
        // Per message: one call from JS minus a parse inside wasm = encodeInto and the call.
        crossingMicroseconds: r.wasm && r.wasmLoop ? 1e6 / r.wasm.cpu - 1e6 / r.wasmLoop.cpu : null,
      },
      met: vsJssip !== null ? vsJssip >= 30 : null,
      ...(value === null ? { notAvailable: missing.wasm } : {}),
    };
  }
  const title = `SIP parse, messages per CPU second (median of ${runs} runs of ~${seconds} s after a warm-up; native: its own 5 runs of 200,000)`;
  printTable(title, rows);
  for (const m of messages) {
    const f = figures[`sip_parse.${m.key}`];
    const crossing = f.ratios.crossingMicroseconds;
    const times = (v, digits = 1) => (v === null ? 'n/a' : `${fmt(v, digits)}x`);
    console.log(`${m.name}: wasm/JsSIP ${times(f.ratios.wasmOverJssip)} (goal >= 30), native/wasm ${times(f.ratios.nativeOverWasm, 2)} (no aim)` +
      (crossing === null ? '' : `; encodeInto and the call from JS cost ${fmt(crossing)} µs of the ${fmt(1e6 / f.value)} µs per message`));
  }
  if (!native.error) console.log(`native: ${native.binary}`);
  return {
    title, rows, figures,
    notes: { native: native.error ? native.error : `${native.binary.replace(`${ROOT}/`, '')} (${native.buildType})`, core: coreDist(), sink },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = parseArgs();
  const result = await run({ runs: Number(args.runs ?? 5), seconds: Number(args.seconds ?? 0.3) });
  handOff(args, result);
}
