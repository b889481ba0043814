// Runs every suite (linters, native and sanitized GoogleTest, libFuzzer for a bounded time, node:test,
// browser) and ends with one count line: "N passed, N failed".
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, cpSync, rmSync, mkdtempSync } from 'node:fs';
import { join, dirname } from 'node:path';
import os, { tmpdir } from 'node:os';
import { fileURLToPath } from 'node:url';
import { fuzzTargets, fuzzFigures } from './fuzz-targets.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const reports = join(root, 'build', 'reports');
mkdirSync(reports, { recursive: true });
// Fuzzing in `npm test` shares a fixed budget (ACW_FUZZ_TOTAL_SECONDS, default 300) among the
// targets, so adding a target does not lengthen the suite; ACW_FUZZ_SECONDS sets a per-target
// time instead. Long runs belong in `npm run fuzz`.
const fuzzTotal = Number(process.env.ACW_FUZZ_TOTAL_SECONDS ?? 300);
const fuzzPerTarget = process.env.ACW_FUZZ_SECONDS === undefined ? null : Number(process.env.ACW_FUZZ_SECONDS);
const only = process.argv.slice(2); // optional suite names: lint native sanitize fuzz node browser

const totals = { passed: 0, failed: 0, skipped: 0 };
const lines = [];
function record(suite, passed, failed, skipped = 0, note = '') {
  totals.passed += passed;
  totals.failed += failed;
  totals.skipped += skipped;
  const line = `${suite.padEnd(28)} ${String(passed).padStart(5)} passed ${String(failed).padStart(3)} failed` +
    (skipped ? ` ${skipped} skipped` : '') + (note ? `  ${note}` : '');
  lines.push(line);
  console.log(`[test] ${line}`);
}
const want = (suite) => only.length === 0 || only.includes(suite);

// Every suite has a generous bound so that one hang cannot eat the whole CI budget.
function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024, timeout: 20 * 60 * 1000, killSignal: 'SIGKILL', ...opts });
  const out = (r.stdout ?? '') + (r.stderr ?? '') + (r.error ? `\n[test] ${cmd}: ${r.error.message}\n` : '');
  return { code: r.status ?? 1, out, signal: r.signal };
}

function gtestSuites(buildDir, label) {
  const dir = join(root, buildDir, 'tests', 'cpp');
  if (!existsSync(dir)) { record(label, 0, 1, 0, `${buildDir} missing: run toolchain/setup.sh`); return; }
  for (const exe of readdirSync(dir).filter((f) => f.endsWith('_tests')).sort()) {
    const json = join(reports, `${label}-${exe}.json`);
    rmSync(json, { force: true });
    const r = run(join(dir, exe), [`--gtest_output=json:${json}`],
      { env: { ...process.env, ASAN_OPTIONS: 'detect_leaks=1:abort_on_error=0', UBSAN_OPTIONS: 'print_stacktrace=1:halt_on_error=1' } });
    if (!existsSync(json)) {
      process.stdout.write(r.out.slice(-8000));
      record(`${label} ${exe}`, 0, 1, 0, `crashed (exit ${r.code}${r.signal ? ' ' + r.signal : ''})`);
      continue;
    }
    const rep = JSON.parse(readFileSync(json, 'utf8'));
    let skipped = 0;
    for (const s of rep.testsuites) for (const t of s.testsuite) if (t.result === 'SKIPPED') skipped++;
    const failed = rep.failures + (r.code !== 0 && rep.failures === 0 ? 1 : 0);
    if (failed) process.stdout.write(r.out.split('\n').filter((l) => /FAILED|Failure|error|ERROR|Sanitizer/.test(l)).slice(0, 80).join('\n') + '\n');
    record(`${label} ${exe}`, rep.tests - rep.failures - skipped - (rep.disabled ?? 0), failed, skipped);
  }
}

if (want('lint')) lintSuites();
if (want('native')) gtestSuites('build/native', 'native');
if (want('sanitize')) gtestSuites('build/sanitize', 'asan+ubsan');

if (want('fuzz') && (fuzzPerTarget ?? fuzzTotal) > 0) {
  const targets = fuzzTargets();
  if (targets.length === 0) record('fuzz', 0, 1, 0, 'no fuzz targets built: run toolchain/setup.sh');
  const fuzzSeconds = fuzzPerTarget ?? Math.max(10, Math.floor(fuzzTotal / Math.max(1, targets.length)));
  for (const t of targets) {
    // Work on a copy so new inputs never land in the repository (`npm run fuzz` grows it).
    const work = mkdtempSync(join(tmpdir(), `acw-fuzz_${t.name}-`));
    if (existsSync(t.corpus)) cpSync(t.corpus, work, { recursive: true });
    const r = run(t.binary, [`-max_total_time=${fuzzSeconds}`, `-max_len=${t.maxLen}`, '-print_final_stats=1',
      '-timeout=10', '-rss_limit_mb=2048', `-artifact_prefix=${reports}/`, work]);
    const { execs, cov, ft } = fuzzFigures(r.out);
    rmSync(work, { recursive: true, force: true });
    if (r.code !== 0) process.stdout.write(r.out.slice(-6000));
    record(`fuzz ${t.name}`, r.code === 0 ? 1 : 0, r.code === 0 ? 0 : 1, 0,
      `${execs} execs in ${fuzzSeconds}s, cov ${cov} ft ${ft}`);
  }
}

// Linters: ESLint over the JS folders, clang-format and clang-tidy over the C++ (.clang-tidy says
// which checks and why). Each counts files: a file with a finding fails.
function lintSuites() {
  const eslint = join(root, 'node_modules', 'eslint', 'bin', 'eslint.js');
  if (!existsSync(eslint)) {
    record('lint eslint', 0, 1, 0, 'eslint missing: run toolchain/setup.sh');
  } else {
    const r = run(process.execPath, [eslint, '--format', 'json', '.']);
    let files = null;
    try {
      files = JSON.parse(r.out.slice(r.out.indexOf('[')));
    } catch {
      process.stdout.write(r.out.slice(-4000));
    }
    if (!files) {
      record('lint eslint', 0, 1, 0, 'no report');
    } else {
      const bad = files.filter((f) => f.errorCount + f.warningCount > 0);
      for (const f of bad) {
        for (const m of f.messages) console.log(`[lint] ${f.filePath.slice(root.length + 1)}:${m.line}:${m.column} ${m.message} (${m.ruleId})`);
      }
      record('lint eslint', files.length - bad.length, bad.length);
    }
  }

  const sources = (dirs, re) => dirs.flatMap((d) => {
    const dir = join(root, d);
    return existsSync(dir) ? readdirSync(dir, { recursive: true }).filter((f) => re.test(f)).sort().map((f) => join(d, f)) : [];
  });
  const cxx = sources(['cpp', 'bindings', 'tests/cpp', 'tests/fuzz', 'bench'], /\.(cpp|hpp)$/);
  const format = run('clang-format', ['--dry-run', '--Werror', ...cxx]);
  const unformatted = new Set([...format.out.matchAll(/^(\S+?):\d+:\d+: (?:error|warning)/gm)].map((m) => m[1]));
  for (const f of unformatted) console.log(`[lint] clang-format: ${f} is not formatted (clang-format -i ${f})`);
  record('lint clang-format', cxx.length - unformatted.size, unformatted.size + (format.code !== 0 && unformatted.size === 0 ? 1 : 0));

  // clang-tidy reads the native build's compile commands: the core and its tests (bindings/ are
  // compiled by em++ only and carry Emscripten headers; they are formatted, not tidied).
  const db = join(root, 'build', 'native', 'compile_commands.json');
  const tidy = sources(['cpp'], /\.cpp$/);
  if (!existsSync(db)) {
    record('lint clang-tidy', 0, 1, 0, 'build/native missing: run toolchain/setup.sh');
  } else {
    const r = run('run-clang-tidy', ['-quiet', '-p', join(root, 'build', 'native'),
      // the native build is g++'s: its -Wno-* options for GCC bugs are unknown to clang
      '-extra-arg=-Wno-unknown-warning-option', '-j', String(Math.max(1, os.cpus().length)),
      ...tidy.map((f) => join(root, f))]);
    // run-clang-tidy colours its output: the escape sequences go before the lines are read.
    // eslint-disable-next-line no-control-regex
    const text = r.out.replace(/\x1b\[[0-9;]*m/g, '');
    const findings = [...text.matchAll(/^(\/\S+?):(\d+):\d+: (?:warning|error): .*$/gm)];
    const files = new Set(findings.map((m) => m[1]));
    for (const line of new Set(findings.map((m) => m[0]))) console.log(`[lint] ${line.slice(root.length + 1)}`);
    record('lint clang-tidy', tidy.length - files.size, files.size + (r.code !== 0 && files.size === 0 ? 1 : 0));
  }
}
// Each file runs in its own node:test process with its own bound: a file whose process cannot
// exit (a wrtc quirk, a leaked handle) fails alone instead of stalling the run.
function nodeSuite(label, dirName, extraEnv = {}) {
  const dir = join(root, 'tests', dirName);
  const files = existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.test.mjs')).sort() : [];
  for (const f of files) {
    const r = run(process.execPath, ['--test', '--test-reporter=tap', join(dir, f)],
      { env: { ...process.env, ACW_DIST: join(root, 'dist'), ...extraEnv }, timeout: 10 * 60 * 1000 });
    const num = (k) => Number(new RegExp(`^# ${k} (\\d+)`, 'm').exec(r.out)?.[1] ?? 0);
    const passed = num('pass'), failed = num('fail') + num('cancelled'), skipped = num('skipped') + num('todo');
    const bad = failed || r.code !== 0;
    if (bad) process.stdout.write(r.out.split('\n').filter((l) => /^\s*not ok|error|Error|expected|actual|failureType|\[test\]/.test(l)).slice(0, 120).join('\n') + '\n');
    record(`${label} ${f.replace(/\.test\.mjs$/, '')}`, passed, failed + (r.code !== 0 && failed === 0 ? 1 : 0), skipped,
      r.signal ? `killed (${r.signal})` : '');
  }
}
if (want('node')) nodeSuite('node', 'node');
if (want('browser')) nodeSuite('browser', 'browser');

console.log('\n' + lines.join('\n'));
console.log(`\n${totals.passed} passed, ${totals.failed} failed` + (totals.skipped ? `, ${totals.skipped} skipped` : ''));
process.exit(totals.failed === 0 && totals.passed > 0 ? 0 : 1);
