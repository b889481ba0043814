// The signalling core's JS glue, shipped as dist/acw-core.mjs (minified) in place of the one em++
// generates: it loads acw-core.wasm and implements exactly what the wasm imports (the embind
// registrations of bindings/core.cpp and embind_builtin.cpp, abort, heap growth). The build makes
// dist/acw-sdp.mjs from this file too, with "acw-core" replaced by "acw-sdp" (bindings/CMakeLists.txt):
// the SDP module's bindings (sdp_tools.cpp) use the same types. Import and export
// names are the short ones bindings/core_names.mjs gives the wasm at build time.
//
// createCoreModule({ locateFile, wasmBinary }) resolves to the module object: one function per
// EMSCRIPTEN_BINDINGS function() under its name, HEAPU8 (replaced when memory grows), _malloc, _free.
// Wire format (Emscripten 3.1.6's embind): a std::string crosses as a malloc'd [u32 length][bytes],
// freed by JS after the call for arguments and after reading for results; numbers as
// themselves (bindings/core.cpp uses no other type than double and std::string).
const encoder = new TextEncoder();
const decoder = new TextDecoder();
const same = (v) => v;

export default async function createCoreModule(module = {}) {
  let heap, words, exports;
  const types = {};
  const functions = [];
  const views = () => {
    module.HEAPU8 = heap = new Uint8Array(exports.m.buffer);
    words = new Uint32Array(heap.buffer);
  };
  // UTF-8 at `ptr`: `length` bytes, or up to a NUL.
  const text = (ptr, length) => decoder.decode(heap.subarray(ptr, length < 0 ? heap.indexOf(0, ptr) : ptr + length));
  const string = [
    (value, frees) => {
      if (typeof value != 'string') throw new TypeError('Cannot pass non-string to std::string');
      const bytes = encoder.encode(value);
      const ptr = exports.a(4 + bytes.length);
      words[ptr >> 2] = bytes.length;
      heap.set(bytes, ptr + 4);
      frees.push(ptr);
      return ptr;
    },
    (ptr) => {
      const value = text(ptr + 4, words[ptr >> 2]);
      exports.r(ptr);
      return value;
    },
  ];
  // emscripten_resize_heap: to `size` bytes and, as Emscripten's, up to 20% (at most 96 MiB) more.
  const grow = (size) => {
    const old = heap.length;
    for (const want of [Math.min(Math.max(size >>>= 0, old * 1.2), size + 0x6000000), size]) {
      try {
        exports.m.grow(Math.ceil((want - old) / 65536));
        views();
        return 1;
      } catch {
        // past the maximum (2 GiB): try the exact size, then fail (malloc returns null)
      }
    }
    return 0;
  };
  // Each registration gives a type's [to wasm, from wasm] conversions.
  const imports = {
    a: {
      d: (type) => (types[type] = [same, same]),
      s: (type) => (types[type] = string),
      // Types may be registered after the functions that use them (constructor order): functions
      // are made once every constructor has run.
      f: (name, count, argTypes, signature, invoker, fn) =>
        functions.push([text(name, -1), [...words.subarray(argTypes >> 2, (argTypes >> 2) + count)], invoker, fn]),
      g: grow,
      x: () => {
        throw new WebAssembly.RuntimeError('Aborted()');
      },
    },
  };

  const { wasmBinary, locateFile } = module;
  let result;
  if (wasmBinary) {
    result = await WebAssembly.instantiate(wasmBinary, imports);
  } else {
    const url = locateFile
      ? locateFile('acw-core.wasm', import.meta.url.replace(/[?#].*/, '').replace(/[^/]*$/, ''))
      : new URL('acw-core.wasm', import.meta.url).href;
    const get = async () => {
      const response = await fetch(url, { credentials: 'same-origin' });
      if (!response.ok) throw new Error(`failed to load wasm binary file at '${url}'`);
      return response;
    };
    try {
      result = await WebAssembly.instantiateStreaming(get(), imports);
    } catch {
      // no streaming compile (a server that does not say application/wasm): from the bytes
      result = await WebAssembly.instantiate(await (await get()).arrayBuffer(), imports);
    }
  }
  exports = result.instance.exports;
  views();
  exports.c();
  for (const [name, argTypes, invoker, fn] of functions) {
    const [ret, ...args] = argTypes.map((t) => {
      if (!types[t]) throw new TypeError(`acw-core: ${name} uses an unregistered type`);
      return types[t];
    });
    const call = exports.t.get(invoker);
    module[name] = (...values) => {
      if (values.length != args.length) throw new TypeError(`${name} expects ${args.length} arguments`);
      const frees = [];
      const wire = call(fn, ...values.map((v, i) => args[i][0](v, frees)));
      frees.map((ptr) => exports.r(ptr));
      return ret[1](wire);
    };
  }
  module._malloc = exports.a;
  module._free = exports.r;
  return module;
}
