// Local cloud load figures for the side-by-side table: runs the cloud's own load script
// (bench/load*.mjs, from the local cloud work: N registered clients, M concurrent echo calls) and
// keeps what it prints. It reads a JSON object from the script's last line that is one, or
// from the file given with --json when the script takes that flag.
//
//   node bench/cloud-load.mjs [--quick] [--json FILE]
//
// The figure is 1,000 registered and 300 concurrent echo calls for 20 s; --quick (the smoke path)
// 50 and 10 for 3 s. Environment: ACW_BENCH_LOAD_ARGS (the load script's arguments instead,
// split on spaces).
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { ROOT, handOff, notAvailable, parseArgs } from './common.mjs';

function unavailable(reason) {
  console.log(`\nLocal cloud load: not available (${reason})`);
  return { title: 'Local cloud load', rows: [['Local cloud load', `not available (${reason})`]], figures: { cloud_load: notAvailable('', reason) } };
}

function findScript() {
  const names = readdirSync(join(ROOT, 'bench')).filter((f) => /^load.*\.mjs$/.test(f)).sort();
  return names.length ? join(ROOT, 'bench', names[0]) : null;
}

function lastJson(text) {
  for (const line of text.trim().split('\n').reverse()) {
    const t = line.trim();
    if (!t.startsWith('{')) continue;
    try {
      return JSON.parse(t);
    } catch {
      // not this line
    }
  }
  return null;
}

export async function run({ quick = false } = {}) {
  const script = findScript();
  if (!script || !existsSync(script)) return unavailable('no bench/load*.mjs yet (the local cloud load script)');
  const source = readFileSync(script, 'utf8');
  const tmp = mkdtempSync(join(tmpdir(), 'acw-bench-load-'));
  try {
    const jsonFile = join(tmp, 'load.json');
    // The issue's figure: 1,000 registered clients and 300 concurrent echo calls.
    const defaults = quick ? '--clients 50 --calls 10 --seconds 3' : '--clients 1000 --calls 300 --seconds 20';
    const extra = (process.env.ACW_BENCH_LOAD_ARGS || defaults).split(' ').filter(Boolean);
    const args = [script, ...extra, ...(source.includes('--json') ? ['--json', jsonFile] : [])];
    console.log(`\nLocal cloud load: node ${args.map((a) => a.replace(`${ROOT}/`, '')).join(' ')}`);
    const child = spawnSync(process.execPath, args, { cwd: ROOT, encoding: 'utf8', timeout: 30 * 60 * 1000, maxBuffer: 64 << 20 });
    process.stdout.write(child.stdout || '');
    if (child.status !== 0) {
      return unavailable(`${script.replace(`${ROOT}/`, '')} failed (${child.status ?? child.signal}): ${(child.stderr || '').trim().split('\n').slice(-1)[0]}`);
    }
    let figures = existsSync(jsonFile) ? JSON.parse(readFileSync(jsonFile, 'utf8')) : lastJson(child.stdout);
    const printed = child.stdout.trim().split('\n').slice(-25);
    if (!figures) figures = { printed };
    const f = figures;
    const known = typeof f.completed === 'number';
    // What one core of the cloud carries: seconds of echoed call (50 packets each way) per CPU
    // second of the cloud over the calls phase, set-ups included. A run whose calls queue (a busy
    // machine) spreads its CPU over a longer phase: this counts the media, not the wall clock.
    const callsPerCore = known && f.cloudCpuMs > 0 ? Math.round(f.packetsEchoed / 50 / (f.cloudCpuMs / 1000)) : null;
    const rows = known
      ? [
          ['figure', 'value'],
          ['Registered clients', `${f.registered}/${f.clients}`],
          ['Echo calls completed', `${f.completed}/${f.calls} (media up: median ${f.setupMedianMs} ms, max ${f.setupMaxMs} ms)`],
          ['Packets echoed back', `${f.packetsEchoed}/${f.packetsSent} (loss ${f.lossPct}%)`],
          ['Cloud CPU during the calls', `${f.cloudCpuPctOfCore}% of one core (far peers in the bench: ${f.farPeersCpuPctOfCore}%)`],
          ['Echo calls per core (call-seconds echoed per cloud CPU second)', `${callsPerCore ?? 'n/a'}`],
          ['Cloud peak RSS', `${f.cloudPeakRssMiB} MiB`],
          ...(f.failures.length ? [['Failures', f.failures.join('; ')]] : []),
        ]
      : [['figure', 'value'], ['Local cloud load', 'see the load script output above']];
    return {
      title: 'Local cloud load',
      rows,
      figures: {
        cloud_calls_completed: known
          ? { label: `echo calls completed of ${f.calls} with ${f.clients} registered`, value: f.completed, unit: 'calls', peers: {}, goal: `${f.calls} of ${f.calls}`, met: f.completed === f.calls }
          : notAvailable('calls', 'the load script printed no summary'),
        cloud_packet_loss: known
          ? { label: 'echo packet loss under that load', value: f.lossPct, unit: '%', peers: {}, goal: '< 1%', met: f.lossPct !== null && f.lossPct < 1 }
          : notAvailable('%', 'the load script printed no summary'),
        cloud_calls_per_core: known
          ? { label: 'echo calls one core of the cloud carries (call-seconds echoed per cloud CPU second, set-ups included)', value: callsPerCore, unit: 'calls per core', peers: {} }
          : notAvailable('calls per core', 'the load script printed no summary'),
        cloud_load: {
          label: `local cloud load (${script.replace(`${ROOT}/`, '')})`,
          value: null,
          unit: 'as printed by the load script',
          reported: figures,
          peers: {},
          goal: '1,000 registered and 300 concurrent echo calls with < 1% loss',
        },
      },
      notes: { printed },
    };
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = parseArgs();
  handOff(args, await run({ quick: Boolean(args.quick) }));
}
