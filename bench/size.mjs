// Prints the gzip -9 size of everything a page loads to signal (the package's JS bundled and minified, the wasm glue minified, the .wasm), each part and the total, against the 50 KB budget
// that tests/node/page-weight.test.mjs enforces with pageWeight() below.
//
//   node bench/size.mjs                       # dist/ as built
//   node bench/size.mjs --dist DIR            # another build's acw-core.{mjs,wasm} (or ACW_CORE_DIST=DIR)
//   node bench/size.mjs --names FILE.wasm     # also the .wasm's gzip size by part and the biggest
//                                             # functions, from a build linked with
//                                             # --profiling-funcs: the em++ line of `ninja -C
//                                             # build/wasm -t commands bindings/acw-core-linked.mjs`
//                                             # with `-o /tmp/p/acw-core.mjs --profiling-funcs`, then
//                                             # its core_names.mjs and wasm-opt steps (wasm-opt with
//                                             # --debuginfo) on /tmp/p/acw-core.wasm
//                                             # (ACW_SIZE_TOP=N: list N functions, default 25)
import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// The page weight may grow to this (bytes of gzip -9): room for what the open issues add, so that
// no code is bent out of shape to save a few bytes.
export const BUDGET = 50 * 1024;

const gz = (bytes) => gzipSync(bytes, { level: 9 }).length;
const kb = (n) => `${(n / 1024).toFixed(1)} KB`;

// What a page loads to signal, from the build in `dist`: each part's raw and gzip -9 bytes, and
// the total of the gzip sizes (each file is fetched and compressed on its own).
export async function pageWeight(dist = join(root, 'dist')) {
  // 1. The package's JS as a page bundler would ship it: one ESM bundle from the entry, minified,
  //    with the Emscripten glue left as its own file (it is fetched next to the .wasm), and the
  //    SDP module's glue too: imported with import(), a bundler makes it a chunk of its own that a
  //    page fetches only for a call with codecs or a bitrate cap (lazyModules() below). So is
  //    js/quality.js, which a page fetches only for a call whose quality it asks for.
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
        build.onResolve({ filter: /acw-(core|sdp|journal|quality)\.mjs$|^\.\/quality\.js$/ }, (a) => ({ path: a.path, external: true }));
        // The JS modules the package imports with import() only when used: chunks of their own.
        build.onResolve({ filter: LAZY_JS_FILTER }, (a) => ({ path: a.path, external: true }));
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
  ].map(([name, bytes]) => ({ name, raw: bytes.length, gzip: gz(bytes) }));
  return {
    parts,
    total: parts.reduce((sum, part) => sum + part.gzip, 0),
    glueSourceGzip: gz(Buffer.from(glueSource)),
  };
}

// The package's own JS modules that it imports with import() only when a page uses them.
export const LAZY_JS = [
  ['sounds.js', 'options.sounds (ringback, ringtone)'],
  ['devices.js', 'setMicrophone() or playRemoteStream()'],
  ['renegotiation.js', 'hold(), addStream(), removeStream() or reinvite()'],
  ['dtmf.js', 'sendDtmf()'],
];
const LAZY_JS_FILTER = /^\.\/(sounds|devices|renegotiation|dtmf)\.js$/;

/** Each lazily imported JS module, minified as a page bundler would make its chunk. */
export async function lazyJs() {
  return Promise.all(LAZY_JS.map(async ([name, when]) => {
    const out = await esbuild.build({
      entryPoints: [join(root, 'js', name)], bundle: true, minify: true, format: 'esm', platform: 'browser', target: 'es2022', write: false, logLevel: 'silent',
    });
    const bytes = out.outputFiles[0].contents;
    return { name, when, raw: bytes.length, gzip: gz(bytes) };
  }));
}

// What a page loads only when it uses a feature (not in the page weight): each lazily loaded
// module's glue and .wasm, each gzip -9, after the js/ file a bundler makes a chunk of its own
// for it, if any (minified, the loader it shares with the page left out).
export const LAZY = [
  ['acw-sdp', 'a call with codecs, maxBitrateAudio or maxBitrateVideo', 'the SDP module'],
  ['acw-journal', 'journal()', 'the journal module'],
  ['acw-quality', 'a call whose quality the page asks for', 'call quality', 'quality.js'],
];
export async function lazyModules(dist = join(root, 'dist'), module = 'acw-sdp') {
  const files = [`${module}.mjs`, `${module}.wasm`].map((name) => {
    const bytes = readFileSync(join(dist, name));
    return { name, raw: bytes.length, gzip: gz(bytes) };
  });
  const chunk = LAZY.find(([m]) => m === module)?.[3];
  if (!chunk) return files;
  const built = await esbuild.build({
    entryPoints: [join(root, 'js', chunk)],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    write: false,
    logLevel: 'silent',
    plugins: [{ name: 'shared', setup: (b) => b.onResolve({ filter: /loader\.js$|acw-\w+\.mjs$/ }, (a) => ({ path: a.path, external: true })) }],
  });
  const js = built.outputFiles[0].contents;
  return [{ name: `js/${chunk} (chunk, minified)`, raw: js.length, gzip: gz(js) }, ...files];
}

// The CommonJS and script-tag builds, built afresh in memory from js/ and the glue in dist/.
export async function otherFormats() {
  const { FORMATS, buildFormat } = await import('../toolchain/build-formats.mjs');
  return Promise.all(Object.keys(FORMATS).map(async (f) => [
    `${FORMATS[f].file} (${f}${FORMATS[f].minify ? ', minified' : ''})`, await buildFormat(f, { write: false }),
  ]));
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();

async function main() {
  const args = process.argv.slice(2);
  const opt = (name) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const dist = resolve(opt('--dist') ?? process.env.ACW_CORE_DIST ?? join(root, 'dist'));
  const { parts, total, glueSourceGzip } = await pageWeight(dist);
  console.log(`${'part'.padEnd(34)} ${'raw'.padStart(10)} ${'gzip -9'.padStart(10)}`);
  for (const { name, raw, gzip } of parts) {
    console.log(`${name.padEnd(34)} ${kb(raw).padStart(10)} ${kb(gzip).padStart(10)}`);
  }
  console.log(`${'total (what a page loads)'.padEnd(34)} ${''.padStart(10)} ${kb(total).padStart(10)} (${total} B)`);
  console.log(`budget ${kb(BUDGET)}: ${total <= BUDGET ? `${kb(BUDGET - total)} to spare` : `over by ${kb(total - BUDGET)}`}` +
    ` (glue before minifying: ${kb(glueSourceGzip)} gzip)`);

  // Loaded only when a page uses a feature: outside the budget.
  for (const [module, when, what] of LAZY) {
    const lazy = await lazyModules(dist, module);
    console.log(`\nloaded only for ${when} (not in the page weight):`);
    for (const { name, raw, gzip } of lazy) console.log(`${name.padEnd(34)} ${kb(raw).padStart(10)} ${kb(gzip).padStart(10)}`);
    const lazyTotal = lazy.reduce((sum, part) => sum + part.gzip, 0);
    console.log(`${`total (${what})`.padEnd(34)} ${''.padStart(10)} ${kb(lazyTotal).padStart(10)} (${lazyTotal} B)`);
  }

  for (const { name, when, raw, gzip } of await lazyJs()) {
    console.log(`\nloaded only for ${when} (not in the page weight):`);
    console.log(`${`js/${name} (minified)`.padEnd(34)} ${kb(raw).padStart(10)} ${kb(gzip).padStart(10)} (${gzip} B)`);
  }

  // The other formats (toolchain/build-formats.mjs), each with the glue inside and the same .wasm.
  const wasm = parts.find((p) => p.name === 'acw-core.wasm').gzip;
  console.log('\nother formats (each one file plus acw-core.wasm; no budget of their own):');
  for (const [name, bytes] of await otherFormats()) {
    console.log(`${name.padEnd(34)} ${kb(bytes.length).padStart(10)} ${kb(gz(bytes)).padStart(10)}  with the wasm: ${kb(gz(bytes) + wasm)} (${gz(bytes) + wasm} B)`);
  }

  // Optional: where the wasm's bytes go, from the name section of a --profiling-funcs build.
  const names = opt('--names');
  if (names) report(readFileSync(names), names);
}

// Where the .wasm's gzip size goes. Functions are grouped by what they belong to; a group's share is
// its marginal cost: gzip of every function body minus gzip of the bodies without that group (so
// the shares add up to about the code's gzip size; what the groups share, such as common byte
// patterns, is counted in none). Names come from a --profiling-funcs build, whose inlining is the
// shipped build's: code inlined into a caller counts for the caller's group.
function report(bytes, names) {
  const { funcs, imports, data } = functionSizes(bytes);
  const code = (fs) => Buffer.concat(fs.map((f) => f.body));
  const all = gz(code(funcs));
  const raw = funcs.reduce((a, f) => a + f.body.length, 0);
  console.log(`\n${names}: ${funcs.length} functions (${imports} imports), code ${kb(raw)} raw, ${kb(all)} gzip alone;` +
    ` data ${kb(data.length)} raw, ${kb(gz(Buffer.concat([code(funcs), data])) - all)} gzip on top of the code`);
  const groups = new Map();
  for (const f of funcs) {
    const g = groupOf(f.name);
    if (!groups.has(g)) groups.set(g, []);
    groups.get(g).push(f);
  }
  const rows = [...groups].map(([g, fs]) => ({
    g,
    raw: fs.reduce((a, f) => a + f.body.length, 0),
    zip: all - gz(code(funcs.filter((f) => groupOf(f.name) !== g))),
  }));
  console.log(`\nby part (gzip marginal, raw code bytes):`);
  for (const r of rows.sort((a, b) => b.zip - a.zip)) {
    console.log(`  ${kb(r.zip).padStart(9)} ${kb(r.raw).padStart(9)}  ${r.g}`);
  }
  console.log('\nbiggest functions (raw code bytes):');
  for (const f of funcs.sort((a, b) => b.body.length - a.body.length).slice(0, Number(process.env.ACW_SIZE_TOP ?? 25))) {
    console.log(`  ${String(f.body.length).padStart(7)}  ${f.name.length > 110 ? f.name.slice(0, 107) + '...' : f.name}`);
  }
}

function groupOf(name) {
  const rules = [
    [/^acw::call::(journal|replay|input_kind|output_kind|JsonObject)|^acw::call::\(anonymous namespace\)::(put_|tristate|write_)/, 'engine: journal, JSON writer'],
    [/^acw::call::(read_json|read_call_options|JsonValue)|^acw::call::\(anonymous namespace\)::(Reader|read_)/, 'engine: JSON reader (call options from the page)'],
    [/^acw::call::Engine::(handle|dispatch|drive|receive)/, 'engine: Engine::handle (dispatch, routing and the calls inlined into it)'],
    [/^acw::call::Engine::munge|^acw::call::.*codec_names/, 'engine: SDP munging (codecs, bitrate)'],
    [/^acw::call::/, 'engine: other (user agent, registration, validation, payloads)'],
    [/^acw::sip::(Parser|parse_|grammar|\(anonymous namespace\)::parse|validate|\(anonymous namespace\)::check)/, 'SIP: parser, grammar, validation'],
    [/^acw::sip::(Transaction|\(anonymous namespace\)::(server_key|client_key))/, 'SIP: transactions'],
    [/^acw::sip::/, 'SIP: message model, serializer, dialogs, reason phrases'],
    [/^acw::sdp::(parse|\(anonymous namespace\)::Parser)/, 'SDP: parser'],
    [/^acw::sdp::/, 'SDP: codecs, bitrate caps, serializer'],
    [/^(void |bool |int )?emscripten|^_embind|embind|__getTypeName|__wasm_call_ctors/, 'embind (registrations, invokers, wire types)'],
    [/^\(anonymous namespace\)::/, 'bindings/core.cpp (engine constructor inlined)'],
    [/^std::__2::(basic_string|char_traits|operator\+)|basic_string<char/, 'libc++ string'],
    [/^std::__2::.*(vector|__split_buffer)/, 'libc++ vector'],
    [/^std::__2::.*(__tree|map<)/, 'libc++ map'],
    [/to_chars|__itoa|to_string/, 'libc++ to_chars/to_string'],
    [/^std::|^void std::|^bool std::/, 'libc++ other'],
    [/malloc|free|claim_more_memory|attempt_allocate|sbrk|emmalloc|^operator (new|delete)/, 'libc: malloc (emmalloc)'],
  ];
  for (const [re, g] of rules) if (re.test(name)) return g;
  return 'other (libc, merged functions)';
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
  let data = Buffer.alloc(0);
  const bodies = [];
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
        bodies.push(buf.subarray(p, p + size));
        p += size;
      }
    } else if (id === 11) {
      data = buf.subarray(p, end);
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
  const funcs = bodies.map((body, i) => ({ body, name: nameOf.get(imports + i) ?? `func${imports + i}` }));
  return { funcs, imports, data };
}
