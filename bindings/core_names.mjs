// Build step for the signalling core (bindings/CMakeLists.txt): gives acw-core.wasm's imports and
// exports the short names our own glue (bindings/core_glue.mjs) uses, and drops every other export
// (the wasm-opt pass that follows then removes what only they reached).
//
//   node bindings/core_names.mjs IN.wasm OUT.wasm
//
// em++ links the core with its import and export names intact (-O2: at -Oz it would minify them
// with a mapping only its own glue knows). An import the glue does not provide, or an export it
// needs that is missing, fails the build here, naming it, rather than at load time in a page.
import { readFileSync, writeFileSync } from 'node:fs';

// name in the wasm -> name in the glue. Imports are all from module "env" and become module "a".
const IMPORTS = {
  _embind_register_function: 'f',
  _embind_register_float: 'd',
  _embind_register_std_string: 's',
  emscripten_resize_heap: 'g',
  abort: 'x',
};
const EXPORTS = {
  memory: 'm',
  __indirect_function_table: 't',
  __wasm_call_ctors: 'c',
  malloc: 'a',
  free: 'r',
};

const [input, output] = process.argv.slice(2);
if (!input || !output) {
  console.error('usage: node core_names.mjs IN.wasm OUT.wasm');
  process.exit(2);
}
const wasm = readFileSync(input);
if (wasm.readUInt32LE(0) !== 0x6d736100) fail(`${input} is not a wasm module`);

let p = 8;
const u32 = () => {
  let r = 0;
  for (let shift = 0; ; shift += 7) {
    const b = wasm[p++];
    r += (b & 0x7f) * 2 ** shift;
    if (!(b & 0x80)) return r;
  }
};
const leb = (n) => {
  const out = [];
  do {
    let b = n & 0x7f;
    n = Math.floor(n / 128);
    if (n) b |= 0x80;
    out.push(b);
  } while (n);
  return Buffer.from(out);
};
const name = () => {
  const n = u32();
  p += n;
  return wasm.toString('utf8', p - n, p);
};
const str = (s) => Buffer.concat([leb(Buffer.byteLength(s)), Buffer.from(s)]);
function fail(message) {
  console.error(`core_names.mjs: ${message}`);
  process.exit(1);
}

const parts = [wasm.subarray(0, 8)];
const exported = new Set();
while (p < wasm.length) {
  const start = p;
  const id = wasm[p++];
  const size = u32();
  const end = p + size;
  if (id === 2) {
    const out = [];
    const count = u32();
    for (let i = 0; i < count; i++) {
      const module = name();
      const field = name();
      const descStart = p;
      const kind = wasm[p++];
      if (kind === 0) u32();
      else fail(`import ${module}.${field} is not a function`);
      const short = IMPORTS[field];
      if (module !== 'env' || !short) fail(`the core imports ${module}.${field}, which bindings/core_glue.mjs does not provide`);
      out.push(str('a'), str(short), wasm.subarray(descStart, p));
    }
    parts.push(section(2, [leb(count), ...out]));
  } else if (id === 7) {
    const out = [];
    let kept = 0;
    const count = u32();
    for (let i = 0; i < count; i++) {
      const field = name();
      const descStart = p;
      p++;
      u32();
      const short = EXPORTS[field];
      if (!short) continue;
      exported.add(field);
      kept++;
      out.push(str(short), wasm.subarray(descStart, p));
    }
    parts.push(section(7, [leb(kept), ...out]));
  } else {
    parts.push(wasm.subarray(start, end));
  }
  p = end;
}
for (const field of Object.keys(EXPORTS)) {
  if (!exported.has(field)) fail(`the core does not export ${field}, which bindings/core_glue.mjs needs`);
}
writeFileSync(output, Buffer.concat(parts));

function section(id, body) {
  const b = Buffer.concat(body);
  return Buffer.concat([Buffer.from([id]), leb(b.length), b]);
}
