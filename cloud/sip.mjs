// Thin wrapper of the SIP wasm module (bindings/sip_tools.cpp): all SIP text the cloud reads or writes goes through it.
import { loadWasm } from './wasm.mjs';

const tools = new Map();

/** The SIP module of `dist` (config.dist), loaded and wrapped once. Throws when it is not built. */
export async function loadSip(dist) {
  const module = await loadWasm(dist, 'acw-sip');
  if (!tools.has(module)) tools.set(module, new SipTools(module, dist));
  return tools.get(module);
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
    /** RFC 3261 timers in ms as the core runs them: T1, T2, T4, B, F, H, L, M, C, ackWait, cancelWait. */
    this.timers = JSON.parse(module.sipTimers());
  }

  /** The cause a client reports for a final status (PROTOCOL.md "Calls"); '' for 1xx. */
  causeOf(status) {
    return this.m.causeForStatus(status);
  }

  /** A client id as the client accepts it, a leading sip:/webrtc: dropped; undefined when it is not one. */
  clientId(text) {
    const v = JSON.parse(this.m.checkClientId(String(text)));
    return v.ok ? v.clientId : undefined;
  }

  /** The CANCEL for an INVITE we sent (RFC 3261 §9.1). */
  cancelFor(inviteText) {
    const text = this.m.makeCancel(inviteText);
    if (!text) throw new Error('makeCancel refused the INVITE');
    return text;
  }

  /** A transaction layer (cpp/sip/transaction.*) for one connection; delete() it when done. */
  transactions(max = 256) {
    return new this.m.SipTransactions(max);
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
