// `npm run fuzz -- --seconds N [--only name,...] [--jobs J]`: runs each libFuzzer target for N
// seconds on its corpus in tests/fuzz/corpus/<name>, then merges into that folder (-merge=1) only the
// inputs that reach new coverage, so the corpus kept in the repository grows with coverage and
// stays small. Prints the
// executions and coverage per target. Outside `npm test` (which only reads the corpus).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { fuzzTargets, fuzzFigures, root } from './fuzz-targets.mjs';

const args = process.argv.slice(2);
const option = (name, fallback) => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && i + 1 < args.length ? args[i + 1] : fallback;
};
const seconds = Number(option('seconds', '60'));
const only = option('only', '').split(',').filter(Boolean);
if (!(seconds > 0)) {
  console.error('usage: npm run fuzz -- --seconds N [--only name,...]');
  process.exit(2);
}
const targets = fuzzTargets().filter((t) => only.length === 0 || only.includes(t.name));
if (targets.length === 0) {
  console.error('no fuzz targets built: run `bash toolchain/setup.sh` (without ACW_SKIP_SANITIZE)');
  process.exit(1);
}

const corpusSize = (dir) => existsSync(dir)
  ? readdirSync(dir).reduce((sum, f) => sum + statSync(join(dir, f)).size, 0) : 0;
const reports = join(root, 'build', 'reports');
mkdirSync(reports, { recursive: true });
const count = (dir) => existsSync(dir) ? readdirSync(dir).length : 0;

let failed = 0;
const rows = [];
for (const t of targets) {
  const grown = mkdtempSync(join(tmpdir(), `acw-fuzz_${t.name}-grown-`));
  mkdirSync(t.corpus, { recursive: true });
  const before = { files: count(t.corpus), bytes: corpusSize(t.corpus) };
  console.log(`[fuzz] ${t.name}: ${seconds}s, -max_len=${t.maxLen}`);
  // New inputs go to `grown` (the first folder); the repository's corpus is only read.
  const r = spawnSync(t.binary, [`-max_total_time=${seconds}`, `-max_len=${t.maxLen}`, '-print_final_stats=1',
    '-timeout=10', '-rss_limit_mb=2048', `-artifact_prefix=${reports}/`, grown, t.corpus],
  { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  const out = (r.stdout ?? '') + (r.stderr ?? '');
  const figures = fuzzFigures(out);
  if (r.status !== 0) {
    failed++;
    process.stdout.write(out.slice(-6000));
    console.log(`[fuzz] ${t.name} FAILED: the crash input is in build/reports/ (add it to the corpus once fixed)`);
  } else {
    // -merge=1 into the corpus keeps every input already there (the named seeds) and adds only
    // those found inputs that reach new coverage, smallest first; -use_counters=0 counts new
    // edges only, not new hit counts of known ones (that would keep ten times the files).
    const m = spawnSync(t.binary, ['-merge=1', '-use_counters=0', `-max_len=${t.maxLen}`, t.corpus, grown],
      { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
    if (m.status !== 0) {
      failed++;
      process.stdout.write(((m.stdout ?? '') + (m.stderr ?? '')).slice(-4000));
    }
  }
  rmSync(grown, { recursive: true, force: true });
  const after = { files: count(t.corpus), bytes: corpusSize(t.corpus) };
  rows.push(`${t.name.padEnd(16)} ${String(figures.execs).padStart(10)} execs  cov ${String(figures.cov).padStart(5)}` +
    `  ft ${String(figures.ft).padStart(6)}  corpus ${before.files} -> ${after.files} files, ` +
    `${before.bytes} -> ${after.bytes} bytes`);
}
console.log(`[fuzz] ${seconds}s per target\n${rows.join('\n')}`);
process.exit(failed ? 1 : 0);
