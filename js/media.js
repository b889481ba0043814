// Loader for the media wasm module (Opus, Ogg Opus, RTP, RFC 4733, tones, DTMF detection, WAV,
// resampling): fetched only when a page or the local cloud first needs audio work.
//
//   import { loadMedia } from './media.js';
//   const media = await loadMedia();
//   const encoder = new media.OpusEncoder({ bitrate: 32000 });
//   const packet = encoder.encode(int16Frame);   // Uint8Array
//   encoder.delete();                            // embind objects live in wasm memory
//
// The C++ side reports failures as Error values (it cannot throw: it is built without
// exceptions); this loader turns them into throws (a malformed datagram given to
// RtpReceiver.push() included), and a constructor given bad options throws after freeing what
// it made.

const WASM = 'acw-media.wasm';

// Classes whose constructor can fail (they have an error() method) and whose methods can return
// an Error; functions that can return an Error.
const CHECKED_CLASSES = [
  'OpusEncoder', 'OpusDecoder', 'OggOpusWriter', 'ToneGenerator', 'DtmfDetector', 'Resampler',
];
const PLAIN_CLASSES = ['RtpPacketizer', 'RtpReceiver', 'TelephoneEventReceiver'];
const FUNCTIONS = [
  'opusPacketInfo', 'opusPacketSamples', 'readOggOpus', 'parseRtp', 'serializeRtp',
  'parseTelephoneEvent', 'encodeDtmfDigits', 'readWav', 'writeWav',
];

const { process } = globalThis; // Node's; browsers have none
const isNode = typeof process === 'object' && !!(process.versions && process.versions.node);

function rethrow(result) {
  if (result instanceof Error) throw result;
  return result;
}

// Methods that never return an Error (numbers for the fast frame path below).
const UNCHECKED = new Set(['constructor', 'error', 'delete', 'inputPointer', 'inputCapacity',
  'outputPointer', 'encodeInput', 'decodeInput', 'lastError']);

function checkMethods(Class) {
  for (const name of Object.getOwnPropertyNames(Class.prototype)) {
    if (UNCHECKED.has(name)) continue;
    const method = Class.prototype[name];
    if (typeof method !== 'function') continue;
    Class.prototype[name] = function checked(...args) {
      return rethrow(method.apply(this, args));
    };
  }
}

function checkConstructor(Class, name) {
  // A constructor function that returns the embind object, so `new media.X()` and
  // `instanceof media.X` behave as before.
  function Checked(...args) {
    const object = new Class(...args);
    const error = object.error();
    if (error) {
      object.delete();
      throw new Error(`${name}: ${error}`);
    }
    return object;
  }
  Checked.prototype = Class.prototype;
  Object.defineProperty(Checked, 'name', { value: name });
  return Checked;
}

// encode()/decode() run once per 20 ms frame: instead of passing typed arrays through embind's
// val (several JS<->wasm crossings per call), copy straight into the object's buffers in wasm
// memory and make one call with a number. The buffers' addresses never change, so they are asked
// for once per object; HEAP views are read at each use (memory growth replaces them).
function buffers(object) {
  if (!object.acwBuffers) {
    object.acwBuffers = {
      input: object.inputPointer(), capacity: object.inputCapacity(), output: object.outputPointer(),
    };
  }
  return object.acwBuffers;
}

function fastFrames(module) {
  const { OpusEncoder, OpusDecoder } = module;
  if (OpusEncoder && OpusEncoder.prototype.encodeInput) {
    const general = OpusEncoder.prototype.encode;  // any array-like, through val
    OpusEncoder.prototype.encode = function encode(pcm) {
      const b = buffers(this);
      if (!(pcm instanceof Int16Array) || pcm.length > b.capacity) return general.call(this, pcm);
      module.HEAP16.set(pcm, b.input >> 1);
      const n = this.encodeInput(pcm.length);
      if (n < 0) throw new Error(this.lastError());
      return module.HEAPU8.slice(b.output, b.output + n);
    };
  }
  if (OpusDecoder && OpusDecoder.prototype.decodeInput) {
    const general = OpusDecoder.prototype.decode;
    OpusDecoder.prototype.decode = function decode(packet) {
      const b = buffers(this);
      if (!(packet instanceof Uint8Array) || packet.length > b.capacity) return general.call(this, packet);
      module.HEAPU8.set(packet, b.input);
      const n = this.decodeInput(packet.length);
      if (n < 0) throw new Error(this.lastError());
      return module.HEAP16.slice(b.output >> 1, (b.output >> 1) + n);
    };
  }
}

function wrapErrors(module) {
  for (const name of CHECKED_CLASSES) {
    if (!module[name]) continue;  // the decoder-only build has fewer
    checkMethods(module[name]);
    module[name] = checkConstructor(module[name], name);
  }
  for (const name of PLAIN_CLASSES) {
    if (module[name]) checkMethods(module[name]);
  }
  for (const name of FUNCTIONS) {
    const fn = module[name];
    if (typeof fn === 'function') module[name] = (...args) => rethrow(fn(...args));
  }
  fastFrames(module);
  return module;
}

// Emscripten 3.1.6 would fetch() a file path under Node, which fails: read the file ourselves.
// node:fs is reached without a static import so that page bundlers never see it.
async function readWasmFile(where) {
  let fs = process.getBuiltinModule ? process.getBuiltinModule('fs') : null;
  if (!fs) {
    const name = 'node:fs';
    fs = await import(/* webpackIgnore: true */ /* @vite-ignore */ name);
  }
  return fs.promises.readFile(/^file:/i.test(where) ? new URL(where) : where);
}

let loading = null;

/**
 * Loads the media module once (later calls get the same one). The glue is imported only now, so
 * a page that never calls this never downloads the codec.
 * @param {object} [options]
 * @param {(path: string, scriptDirectory: string) => string} [options.locateFile] where the .wasm
 *   is (URL, or under Node a path); default: dist/acw-media.wasm beside this package's js/.
 * @param {ArrayBuffer|Uint8Array} [options.wasmBinary] the .wasm's bytes, already fetched.
 * @param {Function} [options.createModule] the glue's factory (createMediaModule), when the
 *   caller imported acw-media.mjs itself (tests of another build, bundlers).
 * @returns {Promise<object>} the module: the classes and functions of bindings/media.cpp.
 */
export function loadMedia(options = {}) {
  if (loading) return loading;
  loading = (async () => {
    const factory = options.createModule ??
      (await import('../dist/acw-media.mjs')).default;
    const args = {};
    if (options.locateFile) args.locateFile = options.locateFile;
    if (options.wasmBinary) args.wasmBinary = options.wasmBinary;
    if (!args.wasmBinary && isNode) {
      const base = new URL('../dist/', import.meta.url);
      const where = args.locateFile ? args.locateFile(WASM, base.href) : new URL(WASM, base).href;
      // An http(s) location is fetched by the glue as in a page; anything else is a file.
      if (!/^https?:/i.test(where)) args.wasmBinary = await readWasmFile(where);
    }
    return wrapErrors(await factory(args));
  })();
  loading.catch(() => {
    loading = null;
  });
  return loading;
}

export default loadMedia;
