// `npm run bench`: every benchmark in one run, ours beside the libraries a page would otherwise use;
// prints each table, then a summary, and writes bench/results.json (figure -> value, unit, peers,
// goal) with the machine it ran on. Never part of `npm test`.
//
//   npm run bench [-- --only sip-parse,page-weight] [--quick] [--out FILE]
//
// Each benchmark runs in its own Node process (a fresh JIT and wasm heap for each) and hands its
// figures back through --json. See docs/PERFORMANCE.md for what each figure means.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { ROOT, machine, parseArgs, printTable } from './common.mjs';

const args = parseArgs();
const quick = Boolean(args.quick);
const BENCHES = [
  { name: 'sip-parse', script: 'sip-parse.mjs', args: quick ? ['--runs', '5', '--seconds', '0.1'] : ['--runs', '5'] },
  { name: 'page-weight', script: 'page-weight.mjs', args: [] },
  { name: 'opus', script: 'opus.mjs', args: quick ? ['--runs', '5', '--seconds', '2'] : ['--runs', '5', '--seconds', '10'] },
  { name: 'call-setup', script: 'call-setup.mjs', args: ['--calls', quick ? '10' : '50'] },
  { name: 'public-client', script: 'public-client.mjs', args: quick ? ['--quick'] : [] },
  { name: 'engine-memory', script: 'engine-memory.mjs', args: ['--calls', quick ? '2000' : '10000'] },
  { name: 'cloud-load', script: 'cloud-load.mjs', args: quick ? ['--quick'] : [] },
  { name: 'reconnect', script: 'reconnect.mjs', args: ['--rounds', quick ? '3' : '10'] },
  { name: 'ice-restart-gap', script: 'ice-restart-gap.mjs', args: ['--rounds', quick ? '2' : '5'] },
  { name: 'journal-size', script: 'journal-size.mjs', args: ['--seconds', quick ? '10' : '60'] },
];

const only = typeof args.only === 'string' ? args.only.split(',') : null;
const out = typeof args.out === 'string' ? args.out : join(ROOT, 'bench', 'results.json');
const tmp = mkdtempSync(join(tmpdir(), 'acw-bench-'));

function runOne(bench) {
  const json = join(tmp, `${bench.name}.json`);
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(process.execPath, [join(ROOT, 'bench', bench.script), ...bench.args, '--json', json], {
      cwd: ROOT, stdio: ['ignore', 'inherit', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (c) => {
      stderr += c;
      process.stderr.write(c);
    });
    child.on('close', (code, signal) => {
      const seconds = Math.round((Date.now() - t0) / 100) / 10;
      if (code === 0 && existsSync(json)) return resolve({ ...JSON.parse(readFileSync(json, 'utf8')), seconds });
      const reason = `${bench.script} failed (${code ?? signal}): ${stderr.trim().split('\n').filter(Boolean).slice(-1)[0] ?? ''}`;
      console.log(`\n${bench.name}: not available (${reason})`);
      resolve({ title: bench.name, figures: { [bench.name]: { value: null, unit: '', notAvailable: reason, peers: {} } }, seconds });
    });
  });
}

const before = machine();
console.log(`Benchmarks on ${before.cpu} (${before.cores} cores, ${before.memoryGiB} GiB), Node ${before.node}, Emscripten ${before.emscripten}; load average ${before.loadAverage.join(' ')}`);
const results = { machine: before, figures: {}, benches: {} };
// With --only, the other benches' figures are kept from the last results (each says when it ran).
if (only && existsSync(out)) {
  const last = JSON.parse(readFileSync(out, 'utf8'));
  for (const [name, b] of Object.entries(last.benches || {})) {
    if (only.includes(name)) continue;
    results.benches[name] = { ...b, date: b.date ?? last.machine?.date };
    for (const key of b.figures ?? []) if (last.figures?.[key]) results.figures[key] = last.figures[key];
  }
}
try {
  for (const bench of BENCHES) {
    if (only && !only.includes(bench.name)) continue;
    const r = await runOne(bench);
    results.benches[bench.name] = {
      title: r.title, date: new Date().toISOString(), seconds: r.seconds, figures: Object.keys(r.figures),
      ...(r.notes ? { notes: r.notes } : {}),
    };
    Object.assign(results.figures, r.figures);
  }
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
results.machine.loadAverageAfter = machine().loadAverage;
// Figures in the benches' order, whichever run measured them.
const ordered = {};
for (const bench of BENCHES) for (const key of results.benches[bench.name]?.figures ?? []) ordered[key] = results.figures[key];
results.figures = { ...ordered, ...results.figures };

const show = (v) => (v === null || v === undefined ? '' : typeof v === 'number' ? (Number.isInteger(v) ? v.toLocaleString('en-GB') : v.toFixed(1)) : String(v));
// Short names in the summary; results.json keeps the full ones.
const short = (text) => String(text).replace(/ \(.*\)$/, '');
const rows = [['figure', 'ours', 'unit', 'beside it', 'goal', 'met']];
for (const [name, f] of Object.entries(results.figures)) {
  const peers = Object.entries(f.peers || {}).map(([k, v]) => `${short(k)} ${show(v)}`).join(', ');
  rows.push([
    name,
    f.value === null ? 'n/a' : show(f.value),
    short(f.unit || ''),
    f.notAvailable ? `not available (${f.notAvailable})` : peers,
    f.goal || '',
    f.met === undefined || f.met === null ? '' : f.met ? 'yes' : 'NO',
  ]);
}
printTable(`Summary (${results.machine.date}; load average before ${before.loadAverage.join(' ')}, after ${results.machine.loadAverageAfter.join(' ')})`, rows);
writeFileSync(out, `${JSON.stringify(results, null, 2)}\n`);
console.log(`\nwrote ${out.replace(`${ROOT}/`, '')}`);
