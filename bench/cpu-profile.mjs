// Reads a V8 .cpuprofile (node --cpu-prof) and prints where the time went: self time by package or
// area and by function, and the inclusive share of any functions named. Used on the local cloud
// under load (docs/PERFORMANCE.md, "Local cloud load"):
//
//   ACW_CLOUD_NODE_ARGS="--cpu-prof --cpu-prof-dir=/tmp/prof" node bench/load.mjs --clients 1000 --calls 300
//   node bench/cpu-profile.mjs /tmp/prof/CPU.*.cpuprofile [--top 25] [--inclusive decryptRtp,encryptRtp,...]
import { readFileSync } from 'node:fs';

import { parseArgs } from './common.mjs';

const args = parseArgs();
const file = process.argv.slice(2).find((a) => !a.startsWith('--') && a.endsWith('.cpuprofile'));
if (!file) {
  console.error('usage: node bench/cpu-profile.mjs FILE.cpuprofile [--top N] [--inclusive name,name]');
  process.exit(2);
}
const top = Number(args.top ?? 25);
const profile = JSON.parse(readFileSync(file, 'utf8'));
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n);
const self = new Map();
let total = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  total += dt;
  self.set(id, (self.get(id) ?? 0) + dt);
});

// A package (node_modules/NAME[/lib/AREA]), a file of this repo, node's internals, or V8's own.
function area(frame) {
  const url = frame.url;
  const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url);
  if (m) return m[1];
  if (url.startsWith('node:')) return 'node internals';
  if (!url) return frame.functionName; // (idle), (program), (garbage collector), native code
  return url.replace(/^file:\/\/.*?\/(cloud|bench|dist|js)\//, '$1/');
}
const name = (frame) => `${frame.functionName || '(anonymous)'} ${area(frame)}:${frame.lineNumber + 1}`;
const areas = new Map();
const functions = new Map();
let idle = 0;
for (const [id, t] of self) {
  const frame = byId.get(id).callFrame;
  if (frame.functionName === '(idle)') idle += t;
  areas.set(area(frame), (areas.get(area(frame)) ?? 0) + t);
  functions.set(name(frame), (functions.get(name(frame)) ?? 0) + t);
}
const busy = total - idle;
const pct = (t) => `${((100 * t) / busy).toFixed(1).padStart(5)}%`;
const show = (map) => [...map].filter(([k]) => !k.startsWith('(idle)')).sort((a, b) => b[1] - a[1]).slice(0, top)
  .forEach(([k, t]) => console.log(`${pct(t)}  ${k}`));
console.log(`${file}: ${(total / 1e6).toFixed(1)} s sampled, busy ${(busy / 1e6).toFixed(1)} s (${((100 * busy) / total).toFixed(0)}%); shares of busy time`);
console.log('\nself time by package or area');
show(areas);
console.log('\nself time by function');
show(functions);
if (typeof args.inclusive === 'string') {
  console.log('\ninclusive (the function and what it called)');
  const names = args.inclusive.split(',');
  const inclusive = new Map(names.map((n) => [n, 0]));
  for (const [id, t] of self) {
    const seen = new Set();
    for (let n = byId.get(id); n; n = parent.get(n.id)) {
      const f = n.callFrame.functionName;
      if (inclusive.has(f) && !seen.has(f) && f !== '(idle)') {
        inclusive.set(f, inclusive.get(f) + t);
        seen.add(f);
      }
    }
  }
  for (const [k, t] of inclusive) console.log(`${pct(t)}  ${k}`);
}
