// Helpers shared by the benchmark scripts: statistics, CPU clocks, tables, the machine description,
// finding built files, loading the signalling core, and the --json hand-off to bench/run.mjs.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const ROOT = fileURLToPath(new URL('..', import.meta.url));

export const median = (values) => {
  const v = [...values].sort((x, y) => x - y);
  if (!v.length) return NaN;
  return v.length % 2 ? v[(v.length - 1) / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
};

// Nearest-rank percentile (p in 0..100).
export const percentile = (values, p) => {
  const v = [...values].sort((x, y) => x - y);
  if (!v.length) return NaN;
  return v[Math.min(v.length - 1, Math.max(0, Math.ceil((p / 100) * v.length) - 1))];
};

// CPU seconds of this process (every thread: JIT and GC helpers count against the code that
// caused them). The machine is shared with other people's builds: CPU time is what they skew least.
export const cpuSeconds = () => {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
};

export const wallSeconds = () => performance.now() / 1000;

// Command-line flags: --name value or --name=value; bare --name is true.
export function parseArgs(argv = process.argv.slice(2)) {
  const out = {};
  for (let i = 0; i < argv.length; i++) {
    const m = /^--([a-z0-9-]+)(?:=(.*))?$/s.exec(argv[i]);
    if (!m) continue;
    if (m[2] !== undefined) out[m[1]] = m[2];
    else if (i + 1 < argv.length && !argv[i + 1].startsWith('--')) out[m[1]] = argv[++i];
    else out[m[1]] = true;
  }
  return out;
}

/** Prints rows (arrays of cells) as a table whose first row is the heading. */
export function printTable(title, rows, out = console.log) {
  const widths = [];
  for (const row of rows) row.forEach((c, i) => (widths[i] = Math.max(widths[i] ?? 0, String(c).length)));
  if (title) out(`\n${title}`);
  rows.forEach((row, r) => {
    out(row.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  '));
    if (r === 0) out(widths.map((w) => '-'.repeat(w)).join('  '));
  });
}

export const fmtInt = (v) => (Number.isFinite(v) ? Math.round(v).toLocaleString('en-GB') : 'n/a');
export const fmt = (v, digits = 1) => (Number.isFinite(v) ? v.toFixed(digits) : 'n/a');

export function emscriptenVersion() {
  try {
    const text = execFileSync('em++', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    return (/(\d+\.\d+\.\d+)/.exec(text) || [])[1] ?? 'unknown';
  } catch {
    return 'not installed';
  }
}

export function machine() {
  const cpus = os.cpus();
  return {
    cpu: cpus[0]?.model?.trim() ?? 'unknown',
    cores: cpus.length,
    memoryGiB: Math.round((os.totalmem() / 2 ** 30) * 10) / 10,
    os: `${os.type()} ${os.release()} ${os.arch()}`,
    node: process.version,
    emscripten: emscriptenVersion(),
    loadAverage: os.loadavg().map((x) => Math.round(x * 100) / 100),
    date: new Date().toISOString(),
  };
}

/** The native bench binary `name`: $envVar, else the first of build/h-bench, build/native, build/*. */
export function findNativeBinary(name, envVar) {
  if (envVar && process.env[envVar]) return process.env[envVar];
  const build = join(ROOT, 'build');
  if (!existsSync(build)) return null;
  const dirs = ['h-bench', 'native', ...readdirSync(build).sort()];
  for (const dir of dirs) {
    const candidate = join(build, dir, 'bench', name);
    if (existsSync(candidate)) return candidate;
  }
  return null;
}

/** CMAKE_BUILD_TYPE of the build folder that holds `binary` (…/build/X/bench/name). */
export function buildTypeOf(binary) {
  try {
    const cache = readFileSync(join(binary, '..', '..', 'CMakeCache.txt'), 'utf8');
    return (/^CMAKE_BUILD_TYPE:STRING=(.*)$/m.exec(cache) || [])[1] || 'unknown';
  } catch {
    return 'unknown';
  }
}

/** Folder holding the built acw-core.{mjs,wasm}: $ACW_CORE_DIST, else dist/. */
export function coreDist() {
  return process.env.ACW_CORE_DIST || join(ROOT, 'dist');
}

/**
 * Instantiates the signalling core from `dist` in Node (wasmBinary: see DESIGN.md on 3.1.6);
 * name 'acw-core-bench' for the benchmarks' build (bindings/CMakeLists.txt).
 */
export async function loadCoreModule(dist = coreDist(), name = 'acw-core') {
  const glue = join(dist, `${name}.mjs`);
  const wasm = join(dist, `${name}.wasm`);
  if (!existsSync(glue) || !existsSync(wasm)) throw new Error(`not built: ${glue}`);
  const create = (await import(pathToFileURL(glue).href)).default;
  return create({ wasmBinary: readFileSync(wasm) });
}

/**
 * The messages the SIP benches parse, from the recorded trace, as sent on the wire: CRLF line
 * ends, body cut at Content-Length (the trace file pads blocks with blank lines).
 */
export function traceMessages() {
  const text = readFileSync(join(ROOT, 'tests', 'data', 'traces', 'official-client.txt'), 'utf8');
  const blocks = text.split(/^=== .*\n/m).slice(1);
  const pick = (start, marker) => {
    const block = blocks.find((b) => b.startsWith(start) && b.includes(marker));
    if (!block) throw new Error(`no ${start} block with ${marker} in the trace`);
    const wire = block.replace(/\n/g, '\r\n');
    const blank = wire.indexOf('\r\n\r\n');
    const length = Number(/\r\nContent-Length: *(\d+)/i.exec(wire)[1]);
    return wire.slice(0, blank + 4 + length);
  };
  return [
    { key: 'invite', name: 'INVITE with SDP', wire: pick('INVITE ', 'application/sdp') },
    { key: 'register200', name: '200 OK to REGISTER', wire: pick('SIP/2.0 200 OK', 'CSeq: 2 REGISTER') },
  ];
}

/**
 * Ends a bench script run directly: with --json FILE, writes {title, figures, notes} there for
 * bench/run.mjs; figures are name -> {value, unit, peers, goal?, met?}.
 */
export function handOff(args, result) {
  if (typeof args.json === 'string') writeFileSync(args.json, JSON.stringify(result, null, 2));
}

/** A figure that could not be measured: value null and the reason. */
export const notAvailable = (unit, reason) => ({ value: null, unit, notAvailable: reason, peers: {} });
