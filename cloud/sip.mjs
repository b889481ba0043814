// Loader and thin wrapper of the SIP wasm module (bindings/sip_tools.cpp): all SIP text the cloud reads or writes goes through it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { ROOT } from './config.mjs';

/** Folders searched for acw-sip.{mjs,wasm}: the given one, ACW_DIST, the repo's dist/, ACW_SIP_FALLBACK. */
export function sipModuleDirs(dist) {
  const dirs = [dist, process.env.ACW_DIST, join(ROOT, 'dist'), process.env.ACW_SIP_FALLBACK].filter(Boolean);
  return [...new Set(dirs)];
}

export function findSipModule(dist) {
  return sipModuleDirs(dist).find((d) => existsSync(join(d, 'acw-sip.mjs')) && existsSync(join(d, 'acw-sip.wasm')));
}

const loaded = new Map();

/** Loads (once per folder) and wraps the module. Throws when no build is found. */
export async function loadSip(dist) {
  const dir = findSipModule(dist);
  if (!dir) throw new Error(`acw-sip.mjs/.wasm not found in ${sipModuleDirs(dist).join(', ')}: build the wasm target acw_sip_wasm`);
  if (!loaded.has(dir)) {
    loaded.set(dir, (async () => {
      const { default: createSipModule } = await import(pathToFileURL(join(dir, 'acw-sip.mjs')).href);
      // Emscripten 3.1.6's loader would fetch() a file path under Node: hand it the bytes.
      const module = await createSipModule({ wasmBinary: readFileSync(join(dir, 'acw-sip.wasm')) });
      return new SipTools(module, dir);
    })());
  }
  return loaded.get(dir);
}

const asJson = (value) => (typeof value === 'string' ? value : JSON.stringify(value));

/**
 * A parsed message (from parse()) looks like
 *   {ok, request, method, uri, ruri, status, reason, headers: [[name, value]], h: {lowercase-long-name: [values]},
 *    body, callId, cseq: {number, method}, from, to (name-addr objects with tag), via: [...], contact: [...],
 *    maxForwards, expires, bearer, contentType}
 * or {ok: false, error, isRequest, method, answerable, ...whatever parsed}.
 */
export class SipTools {
  constructor(module, dir) {
    this.m = module;
    this.dir = dir;
  }

  parse(text) {
    const message = JSON.parse(this.m.parseMessage(text));
    message.raw = text;
    return message;
  }

  /** Wire text of {request, method, uri | status, reason, headers, body}; throws when refused. */
  build(spec) {
    const text = this.m.buildMessage(asJson(spec));
    if (!text) throw new Error(`buildMessage refused ${JSON.stringify(spec).slice(0, 200)}`);
    return text;
  }

  /** A response to the request text (RFC 3261 §8.2.6): Via/From/To/Call-ID/CSeq copied, To tag added. */
  response(requestText, status, { reason = '', toTag = '', headers = [], body = '', contentType = '' } = {}) {
    const extra = headers.length || body || contentType ? JSON.stringify({ headers, body, contentType }) : '';
    const text = this.m.makeResponse(requestText, status, reason, toTag, extra);
    if (!text) throw new Error(`makeResponse refused ${status}`);
    return text;
  }

  parseUri(text) {
    const v = JSON.parse(this.m.parseUri(text));
    return v.ok ? v : undefined;
  }

  formatUri(spec) {
    return this.m.formatUri(asJson(spec)) || undefined;
  }

  parseNameAddr(text) {
    const v = JSON.parse(this.m.parseNameAddr(text));
    return v.ok ? v : undefined;
  }

  /** {displayName, uri: {...} | uriText: 'sip:...', params: [[name, value|null]]} -> text. */
  formatNameAddr(spec) {
    return this.m.formatNameAddr(asJson(spec)) || undefined;
  }

  parseVia(text) {
    const v = JSON.parse(this.m.parseVia(text));
    return v.ok ? v : undefined;
  }

  /** {transport, host, port, params} -> a Via value. */
  formatVia(spec) {
    return this.m.formatVia(asJson(spec)) || undefined;
  }

  parseCSeq(text) {
    const v = JSON.parse(this.m.parseCSeq(text));
    return v.ok ? v : undefined;
  }

  headerValues(text, name) {
    return JSON.parse(this.m.headerValues(text, name));
  }

  reasonPhrase(status) {
    return this.m.reasonPhrase(status);
  }

  escapeUser(text) {
    return this.m.escapeUser(text);
  }

  unescape(text) {
    return JSON.parse(this.m.unescape(text)) ?? undefined;
  }
}

/** The first value of a header in a parsed message (name in long form, any case). */
export function header(message, name) {
  return message.h?.[name.toLowerCase()]?.[0];
}

/** The value of a parameter from a parsed [[name, value]] list (case-insensitive); null for a flag. */
export function param(params, name) {
  const n = name.toLowerCase();
  const found = params?.find(([k]) => k.toLowerCase() === n);
  return found ? found[1] : undefined;
}
