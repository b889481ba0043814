// Opus encode/decode speed (x real time) for the side-by-side table: runs the media benchmark
// (bench/opus-speed.mjs: our wasm, our native, opusscript in one run) and reads its table.
//
//   node bench/opus.mjs [--runs 5] [--seconds 10] [--json FILE]
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { ROOT, buildTypeOf, findNativeBinary, fmt, handOff, notAvailable, parseArgs, printTable } from './common.mjs';

const SCRIPT = join(ROOT, 'bench', 'opus-speed.mjs');
const UNIT = 'x real time (per CPU second)';

function unavailable(reason) {
  console.log(`\nOpus speed: not available (${reason})`);
  return {
    title: 'Opus speed',
    rows: [['Opus speed', `not available (${reason})`]],
    figures: { opus: notAvailable(UNIT, reason) },
  };
}

/** The rows of opus-speed.mjs's table: {op, input, complexity, native, wasm, opusscript}. */
export function parseOpusTable(text) {
  const out = [];
  let op = null;
  const num = (s) => (s === '-' || s === undefined ? null : Number(s));
  for (const line of text.split('\n')) {
    if (/^(encode|decode)\s*$/.test(line)) op = line.trim();
    const m = /^(\w+)\s+(\d+)\s+\|\s+(\S+)\s+(\S+)\s+(\S+)\s+\|/.exec(line);
    if (m && op) out.push({ op, input: m[1], complexity: Number(m[2]), native: num(m[3]), wasm: num(m[4]), opusscript: num(m[5]) });
  }
  return out;
}

export async function run({ runs = 5, seconds = 10 } = {}) {
  if (!existsSync(SCRIPT)) return unavailable('bench/opus-speed.mjs not present');
  // The same native build folder preference as the SIP bench (build/h-bench, build/native, ...).
  const native = findNativeBinary('bench_media', 'ACW_BENCH_MEDIA');
  const child = spawnSync(process.execPath, [SCRIPT, '--runs', String(runs), '--seconds', String(seconds)], {
    cwd: ROOT, encoding: 'utf8', timeout: 30 * 60 * 1000, env: { ...process.env, ...(native ? { ACW_BENCH_MEDIA: native } : {}) },
  });
  if (child.status !== 0) return unavailable(`opus-speed.mjs failed: ${(child.stderr || child.error?.message || '').trim().split('\n').slice(-1)[0]}`);
  process.stdout.write(child.stdout);
  const table = parseOpusTable(child.stdout);
  if (!table.length) return unavailable('could not read the table printed by opus-speed.mjs');

  const figures = {};
  const rows = [['Opus (48 kHz mono, 20 ms, 32 kbit/s)', 'ours wasm', 'ours native', 'opusscript', 'wasm/native', 'wasm/opusscript']];
  for (const r of table) {
    const name = `${r.op} ${r.input} complexity ${r.complexity}`;
    rows.push([name, fmt(r.wasm), fmt(r.native), fmt(r.opusscript),
      r.wasm && r.native ? fmt(r.wasm / r.native, 2) : 'n/a', r.wasm && r.opusscript ? fmt(r.wasm / r.opusscript, 2) : 'n/a']);
    const peers = {};
    if (r.native !== null) peers['ours, native'] = r.native;
    if (r.opusscript !== null) peers.opusscript = r.opusscript;
    figures[`opus.${r.op}.${r.input}.c${r.complexity}`] = {
      label: `Opus ${name}, ours wasm`,
      value: r.wasm,
      unit: UNIT,
      peers,
      goal: 'wasm >= 0.8x native and faster than opusscript',
      met: r.wasm !== null && r.native !== null && r.opusscript !== null ? r.wasm >= 0.8 * r.native && r.wasm > r.opusscript : null,
    };
  }
  const sizes = {};
  for (const line of child.stdout.split('\n')) {
    const m = /^(\S+\.(?:wasm|mjs))\s.*?(\d+) B raw\s+(\d+) B gzip/.exec(line);
    if (m) sizes[m[1]] = { raw: Number(m[2]), gzip: Number(m[3]) };
  }
  const title = `Opus speed, x real time per CPU second (from bench/opus-speed.mjs, median of ${runs} runs of ${seconds} s)`;
  printTable(title, rows);
  if (native) console.log(`native: ${native} (${buildTypeOf(native)})`);
  return { title, rows, figures, notes: { sizes, native: native ? `${native.replace(`${ROOT}/`, '')} (${buildTypeOf(native)})` : null } };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = parseArgs();
  handOff(args, await run({ runs: Number(args.runs ?? 5), seconds: Number(args.seconds ?? 10) }));
}
