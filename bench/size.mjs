// Prints the gzip -9 size of everything a page loads to signal (the package's JS bundled and minified, the wasm glue minified, the .wasm), each part and the total, against the 45 KB goal.
//
//   node bench/size.mjs                       # dist/ as built
//   node bench/size.mjs --dist DIR            # another build's acw-core.{mjs,wasm} (or ACW_CORE_DIST=DIR)
//   node bench/size.mjs --names FILE.wasm     # also the biggest functions of a build linked
//                                             # with --profiling-funcs (raw code bytes)
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const dist = resolve(opt('--dist') ?? process.env.ACW_CORE_DIST ?? join(root, 'dist'));
const GOAL = 45 * 1024;

const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

// 1. The package's JS as a page bundler would ship it: one ESM bundle from the entry, minified,
//    with the Emscripten glue left as its own file (it is fetched next to the .wasm).
const bundle = await esbuild.build({
  entryPoints: [join(root, 'js', 'index.js')],
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  write: false,
  logLevel: 'silent',
  plugins: [{
    name: 'glue-external',
    setup(build) {
      build.onResolve({ filter: /acw-core\.mjs$/ }, (a) => ({ path: a.path, external: true }));
    },
  }],
});
const js = bundle.outputFiles[0].contents;

// 2. The glue, minified (Debian's closure compiler is of no use: DESIGN.md).
const glueSource = readFileSync(join(dist, 'acw-core.mjs'), 'utf8');
const glue = Buffer.from((await esbuild.transform(glueSource, { minify: true, format: 'esm', target: 'es2022' })).code);

// 3. The core.
const wasm = readFileSync(join(dist, 'acw-core.wasm'));

const parts = [
  ['js/ (esbuild bundle, minified)', js],
  ['acw-core.mjs (glue, minified)', glue],
  ['acw-core.wasm', wasm],
];
let total = 0;
console.log(`${'part'.padEnd(34)} ${'raw'.padStart(10)} ${'gzip -9'.padStart(10)}`);
for (const [name, bytes] of parts) {
  const z = gz(bytes);
  total += z;
  console.log(`${name.padEnd(34)} ${kb(bytes.length).padStart(10)} ${kb(z).padStart(10)}`);
}
console.log(`${'total (what a page loads)'.padEnd(34)} ${''.padStart(10)} ${kb(total).padStart(10)}`);
console.log(`goal ${kb(GOAL)}: ${total <= GOAL ? 'met' : `over by ${kb(total - GOAL)}`}` +
  ` (glue before minifying: ${kb(gz(Buffer.from(glueSource)))} gzip)`);

// Optional: where the wasm's bytes go, from the name section of a --profiling-funcs build.
const names = opt('--names');
if (names) report(readFileSync(names));

function report(bytes) {
  const { funcs, imports, dataBytes } = functionSizes(bytes);
  const named = funcs.filter((f) => f.size > 0);
  const sum = named.reduce((a, f) => a + f.size, 0);
  console.log(`\n${names}: ${named.length} functions, ${kb(sum)} of code (${imports} imports)`);
  const groups = new Map();
  for (const f of named) {
    const g = groupOf(f.name);
    groups.set(g, (groups.get(g) ?? 0) + f.size);
  }
  console.log('\nby origin (raw code bytes):');
  for (const [g, size] of [...groups].sort((a, b) => b[1] - a[1]).slice(0, 20)) {
    console.log(`  ${kb(size).padStart(9)}  ${(100 * size / sum).toFixed(1).padStart(5)}%  ${g}`);
  }
  const others = named.filter((f) => groupOf(f.name) === 'other').sort((a, b) => b.size - a.size).slice(0, 8);
  console.log(`  (biggest of "other": ${others.map((f) => `${f.name.slice(0, 40)} ${f.size}`).join(', ')})`);
  console.log(`  data segments: ${kb(dataBytes)}`);
  console.log('\nbiggest functions:');
  for (const f of named.sort((a, b) => b.size - a.size).slice(0, 25)) {
    console.log(`  ${String(f.size).padStart(7)}  ${f.name.length > 110 ? f.name.slice(0, 107) + '...' : f.name}`);
  }
}

function groupOf(name) {
  if (/^acw::(\w+)/.test(name)) return `acw::${/^acw::(\w+)/.exec(name)[1]}`;
  if (/nlohmann/.test(name)) return 'nlohmann::json';
  if (/^(void |bool |int )?emscripten|^_embind|embind/.test(name)) return 'embind';
  if (/\(anonymous namespace\)::JsEngine|JsCallOptions|JsOutput/.test(name)) return 'bindings/core.cpp';
  if (/^std::/.test(name)) {
    const m = /^std::__2::(\w+)/.exec(name);
    return `libc++ ${m ? m[1] : ''}`.trim();
  }
  if (/^(printf_core|fmt_fp|fmt_[a-z]+|pop_arg|out|pad|vsnprintf|snprintf|vfprintf|frexp|sn_write|wctomb|wcrtomb)$/.test(name)) return 'libc printf (number formatting)';
  if (/^(dlmalloc|dlfree|malloc|free|dispose_chunk|memcpy|memset|memmove|memcmp|strlen|sbrk|emscripten_builtin_\w+|__)/.test(name)) return 'libc / malloc';
  if (/^acw::|^\(anonymous/.test(name)) return 'acw (anonymous)';
  return 'other';
}

// Minimal wasm reader: function bodies' sizes (code section) and their names (name section).
function functionSizes(buf) {
  let p = 8;
  const u32 = () => {
    let r = 0;
    let shift = 0;
    for (;;) {
      const b = buf[p++];
      r |= (b & 0x7f) << shift;
      if (!(b & 0x80)) return r >>> 0;
      shift += 7;
    }
  };
  let imports = 0;
  let dataBytes = 0;
  const sizes = [];
  const nameOf = new Map();
  while (p < buf.length) {
    const id = buf[p++];
    const len = u32();
    const end = p + len;
    if (id === 2) {
      const n = u32();
      for (let i = 0; i < n; i++) {
        // (not `p += u32()`: that would add to p's value from before the read)
        for (let k = 0; k < 2; k++) {
          const skip = u32(); // module, then field
          p += skip;
        }
        const kind = buf[p++];
        if (kind === 0) {
          u32();
          imports++;
        } else if (kind === 1) {
          p++;
          const flags = u32();
          u32();
          if (flags & 1) u32();
        } else if (kind === 2) {
          const flags = u32();
          u32();
          if (flags & 1) u32();
        } else if (kind === 3) {
          p += 2;
        }
      }
    } else if (id === 10) {
      const n = u32();
      for (let i = 0; i < n; i++) {
        const size = u32();
        sizes.push(size);
        p += size;
      }
    } else if (id === 11) {
      dataBytes += len;
    } else if (id === 0) {
      const nameLen = u32();
      const name = buf.subarray(p, p + nameLen).toString();
      p += nameLen;
      if (name === 'name') {
        while (p < end) {
          const sub = buf[p++];
          const subLen = u32();
          const subEnd = p + subLen;
          if (sub === 1) {
            const n = u32();
            for (let i = 0; i < n; i++) {
              const idx = u32();
              const l = u32();
              nameOf.set(idx, buf.subarray(p, p + l).toString());
              p += l;
            }
          }
          p = subEnd;
        }
      }
    }
    p = end;
  }
  const funcs = sizes.map((size, i) => ({ size, name: nameOf.get(imports + i) ?? `func${imports + i}` }));
  return { funcs, imports, dataBytes };
}
