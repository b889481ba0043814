// Shared set-up for the package's node:test suites: a scripted SIP cloud over a real ws WebSocketServer, SIP text in the traces' shape, and waiting helpers.
import { WebSocketServer } from 'ws';
import { AculabCloudClient } from 'aculab-webrtc-wasm';

// The suites expect a command's error to be thrown at once: they start once the core has loaded
// (the package loads it without a top-level await; a client made earlier queues its commands).
await AculabCloudClient.ready;

export const CRLF = '\r\n';
export const CLOUD_ID = '1-2-0';
export const KEY = 'abc123';
export const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.sig';
export const AOR = `sip:alice@${KEY}.webrtc-${CLOUD_ID}.aculabcloud.net`;
export const SERVICE_HOST = `sip-${CLOUD_ID}.aculab.com`;
export const CLIENT_HOST = `${KEY}.webrtc-${CLOUD_ID}.aculabcloud.net`;

// Waits are generous: a loaded 2-core machine runs several suites at once.
export const WAIT_MS = 20000;

const REASONS = {
  100: 'Trying', 180: 'Ringing', 183: 'Session Progress', 200: 'OK', 301: 'Moved Permanently',
  302: 'Moved Temporarily', 380: 'Alternative Service', 400: 'Bad Request', 401: 'Unauthorized',
  403: 'Forbidden', 404: 'Not Found', 408: 'Request Timeout', 410: 'Gone', 480: 'Temporarily Unavailable',
  486: 'Busy Here', 487: 'Request Terminated', 488: 'Not Acceptable Here', 500: 'Server Internal Error',
  503: 'Service Unavailable', 600: 'Busy Everywhere', 603: 'Decline', 604: 'Does Not Exist Anywhere',
  606: 'Not Acceptable',
};
export const reasonPhrase = (status) => REASONS[status] ?? 'Unknown';

const COMPACT = { v: 'Via', f: 'From', t: 'To', i: 'Call-ID', m: 'Contact', l: 'Content-Length', c: 'Content-Type' };

/** One SIP message as the test sees it: start line, headers in order, body. */
export function parseSip(text) {
  const split = text.indexOf(CRLF + CRLF);
  const head = split < 0 ? text : text.slice(0, split);
  const body = split < 0 ? '' : text.slice(split + 4);
  const lines = head.split(CRLF);
  const start = lines.shift();
  const headers = [];
  for (const line of lines) {
    if (/^[ \t]/.test(line) && headers.length) {
      headers.at(-1)[1] += ' ' + line.trim();
      continue;
    }
    const colon = line.indexOf(':');
    const name = line.slice(0, colon).trim();
    headers.push([COMPACT[name.toLowerCase()] ?? name, line.slice(colon + 1).trim()]);
  }
  const status = /^SIP\/2\.0 (\d{3}) (.*)$/.exec(start);
  const msg = { text, start, headers, body };
  if (status) {
    msg.status = Number(status[1]);
    msg.reason = status[2];
  } else {
    [msg.method, msg.uri] = start.split(' ');
  }
  msg.all = (name) => headers.filter(([n]) => n.toLowerCase() === name.toLowerCase()).map(([, v]) => v);
  msg.get = (name) => msg.all(name)[0];
  const cseq = /^(\d+)\s+(\S+)/.exec(msg.get('CSeq') ?? '');
  msg.cseq = cseq ? { number: Number(cseq[1]), method: cseq[2] } : null;
  msg.branch = /branch=([^;\s]+)/.exec(msg.get('Via') ?? '')?.[1];
  msg.tag = (name) => /;tag=([^;\s>]+)/.exec(msg.get(name) ?? '')?.[1];
  return msg;
}

/** A response to `req` (RFC 3261 §8.2.6: Via, From, To, Call-ID, CSeq copied; To tag added). */
export function makeResponse(req, status, { reason = reasonPhrase(status), toTag, headers = [], body = '', contentType = 'application/sdp' } = {}) {
  const lines = [`SIP/2.0 ${status} ${reason}`];
  for (const via of req.all('Via')) lines.push(`Via: ${via}`);
  lines.push(`From: ${req.get('From')}`);
  let to = req.get('To');
  if (toTag && !/;tag=/i.test(to)) to += `;tag=${toTag}`;
  lines.push(`To: ${to}`, `Call-ID: ${req.get('Call-ID')}`, `CSeq: ${req.get('CSeq')}`, ...headers);
  if (body) lines.push(`Content-Type: ${contentType}`);
  lines.push(`Content-Length: ${Buffer.byteLength(body)}`, '', body);
  return lines.join(CRLF);
}

/** A request from the cloud (the trace's INVITE/ACK/BYE/CANCEL shape). */
export function makeRequest(method, uri, { branch, from, to, callId, cseq, contact, headers = [], body = '', contentType = 'application/sdp' }) {
  const lines = [
    `${method} ${uri} SIP/2.0`,
    `Via: SIP/2.0/WSS 127.0.0.1;branch=${branch}`,
    'Max-Forwards: 70',
    `From: ${from}`,
    `To: ${to}`,
    `Call-ID: ${callId}`,
    `CSeq: ${cseq} ${method}`,
  ];
  if (contact) lines.push(`Contact: ${contact}`);
  lines.push(...headers);
  if (body) lines.push(`Content-Type: ${contentType}`);
  lines.push(`Content-Length: ${Buffer.byteLength(body)}`, '', body);
  return lines.join(CRLF);
}

/** Items that arrive over time, taken in arrival order by whoever waits for a matching one. */
export class Inbox {
  constructor(label) {
    this.label = label;
    this.items = [];
    this.waiters = [];
  }

  push(item) {
    this.items.push(item);
    for (const waiter of [...this.waiters]) {
      if (item.taken || !waiter.pred(item)) continue;
      item.taken = true;
      this.waiters.splice(this.waiters.indexOf(waiter), 1);
      clearTimeout(waiter.timer);
      waiter.resolve(item);
    }
  }

  /** The first untaken item accepted by `pred`; waits up to `timeout` ms for one. */
  take(pred, { timeout = WAIT_MS, what = 'item' } = {}) {
    const found = this.items.find((item) => !item.taken && pred(item));
    if (found) {
      found.taken = true;
      return Promise.resolve(found);
    }
    return new Promise((resolve, reject) => {
      const waiter = {
        pred,
        resolve,
        timer: setTimeout(() => {
          this.waiters.splice(this.waiters.indexOf(waiter), 1);
          reject(new Error(`${this.label}: no ${what} within ${timeout} ms; have: ${this.summary()}`));
        }, timeout),
      };
      this.waiters.push(waiter);
    });
  }

  /** Untaken items accepted by `pred`, without waiting. */
  peek(pred = () => true) {
    return this.items.filter((item) => !item.taken && pred(item));
  }

  summary() {
    return this.items.map((i) => (i.taken ? '~' : '') + (i.start ?? i.name ?? '?')).join(', ') || '(nothing)';
  }
}

/** What a page's callbacks saw: log.push(name, payload); await log.next('onConnected'). */
export class CallbackLog extends Inbox {
  constructor() {
    super('callbacks');
  }

  record(name) {
    return (payload) => this.push({ name, payload });
  }

  next(name, opts = {}) {
    return this.take((e) => e.name === name, { what: name, ...opts });
  }

  names() {
    return this.items.map((e) => e.name);
  }
}

/** Polls `cond` until it is true (or throws after `timeout`). */
export async function until(cond, { timeout = WAIT_MS, what = 'condition', every = 10 } = {}) {
  const end = Date.now() + timeout;
  for (;;) {
    const v = await cond();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(every);
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/**
 * A cloud that speaks SIP over a real WebSocket, scripted by the test: REGISTER and OPTIONS are
 * answered as the stub of the traces answered them unless the test says otherwise; every frame
 * received is parsed and kept for the test to take (`next`).
 */
export class ScriptedCloud {
  static async start(options) {
    const cloud = new ScriptedCloud(options);
    await new Promise((resolve, reject) => {
      cloud.wss.once('listening', resolve);
      cloud.wss.once('error', reject);
    });
    return cloud;
  }

  /** A cloud on a given port (one that came back where a client expects it). */
  static startOn(port, options = {}) {
    return ScriptedCloud.start({ ...options, port });
  }

  constructor({ registerStatus = 200, iceServers = '[]', port = 0 } = {}) {
    // registerStatus: a status, or (req) => status | null (null: leave it unanswered).
    this.registerStatus = registerStatus;
    this.iceServers = iceServers;
    this.handlers = {};
    this.sockets = new Set();
    this.opened = 0;
    this.closed = 0;
    this.protocols = [];
    this.paths = [];
    this.inbox = new Inbox('cloud');
    this.seq = 0;
    this.wss = new WebSocketServer({
      host: '127.0.0.1',
      port,
      handleProtocols: (protocols) => (protocols.has('sip') ? 'sip' : false),
    });
    this.wss.on('connection', (ws, req) => {
      this.sockets.add(ws);
      this.opened++;
      this.protocols.push(ws.protocol);
      this.paths.push(req.url);
      this.last = ws;
      ws.on('message', (data, binary) => {
        if (!binary) this.receive(ws, data.toString());
      });
      ws.on('close', () => {
        this.sockets.delete(ws);
        this.closed++;
      });
    });
  }

  get url() {
    return `ws://127.0.0.1:${this.wss.address().port}/sipproxy`;
  }

  receive(ws, text) {
    const msg = parseSip(text);
    msg.ws = ws;
    if (!msg.status) this.autoRespond(msg);
    this.inbox.push(msg);
  }

  autoRespond(req) {
    const handler = this.handlers[req.method];
    if (handler && handler(req) !== false) return;
    switch (req.method) {
      case 'REGISTER': {
        const status = typeof this.registerStatus === 'function' ? this.registerStatus(req) : this.registerStatus;
        if (status == null) return;
        const headers = status >= 200 && status < 300 ? [`Contact: ${req.get('Contact')}`] : [];
        this.reply(req, status, { toTag: 'stubreg', headers });
        return;
      }
      case 'OPTIONS':
        this.reply(req, 200, { toTag: 'stubopt', body: this.iceServers, contentType: 'application/json' });
        return;
      case 'BYE':
        this.reply(req, 200);
        return;
      case 'CANCEL': {
        // §9.2: 200 to the CANCEL, then 487 to the INVITE it cancels.
        this.reply(req, 200, { toTag: 'stubinv' });
        const invite = this.inbox.items.find((m) => m.method === 'INVITE' && m.branch === req.branch);
        if (invite) this.reply(invite, 487, { toTag: 'stubinv' });
        return;
      }
      default:
    }
  }

  /** Sends text to the client (on its latest socket). */
  send(text, ws = this.last) {
    ws.send(text);
  }

  reply(req, status, opts = {}) {
    const text = makeResponse(req, status, opts);
    (req.ws ?? this.last).send(text);
    return text;
  }

  /** The next request with this method, or response with this status (or matching a function). */
  next(what, opts = {}) {
    const pred = typeof what === 'function' ? what
      : typeof what === 'number' ? (m) => m.status === what
        : (m) => m.method === what;
    return this.inbox.take(pred, { what: String(what), ...opts });
  }

  /** Every message received so far that matches (taken or not). */
  seen(method) {
    return this.inbox.items.filter((m) => m.method === method);
  }

  /** Drops every client socket as a network failure would (no close handshake). */
  drop() {
    for (const ws of this.sockets) ws.terminate();
  }

  /** An INVITE to the registered client, in the trace's shape. */
  invite({ sdp, fromUser = '441234567890', fromHost = SERVICE_HOST, fromName, contact, callId, headers = [] }) {
    const reg = this.seen('REGISTER').at(-1);
    const target = (contact ?? reg.get('Contact')).replace(/^.*<([^>]+)>.*$/, '$1');
    const n = ++this.seq;
    const dialog = {
      target,
      branch: `z9hG4bKstubinv${n}`,
      callId: callId ?? `stub-incoming-${n}-${Date.now()}`,
      from: `${fromName ? `"${fromName}" ` : ''}<sip:${fromUser}@${fromHost}>;tag=svc${n}`,
      to: `<${AOR}>`,
      cseq: 1,
    };
    const text = makeRequest('INVITE', target, {
      branch: dialog.branch, from: dialog.from, to: dialog.to, callId: dialog.callId, cseq: 1,
      contact: '<sip:svc@127.0.0.1;transport=ws>', headers, body: sdp,
    });
    this.send(text);
    return dialog;
  }

  /** ACK for the client's 2xx (§13.2.2.4), in the dialog the 2xx made. */
  ack(dialog, ok) {
    dialog.to = ok.get('To');
    dialog.remoteTarget = ok.get('Contact').replace(/^.*<([^>]+)>.*$/, '$1');
    this.send(makeRequest('ACK', dialog.remoteTarget, {
      branch: `z9hG4bKstuback${++this.seq}`, from: dialog.from, to: dialog.to, callId: dialog.callId, cseq: dialog.cseq,
    }));
  }

  /** ACK for the client's non-2xx final response: part of the INVITE transaction (§17.1.1.3). */
  ackFailure(dialog, response) {
    this.send(makeRequest('ACK', dialog.target, {
      branch: dialog.branch, from: dialog.from, to: response.get('To'), callId: dialog.callId, cseq: dialog.cseq,
    }));
  }

  /** A BYE from the cloud in a dialog (an incoming call's, or an outgoing call's from its INVITE). */
  bye(dialog, headers = []) {
    dialog.cseq += 1;
    this.send(makeRequest('BYE', dialog.remoteTarget ?? dialog.target, {
      branch: `z9hG4bKstubbye${++this.seq}`, from: dialog.from, to: dialog.to, callId: dialog.callId,
      cseq: dialog.cseq, headers,
    }));
  }

  /** CANCEL of the INVITE `invite()` sent (same branch, §9.1). */
  cancel(dialog) {
    this.send(makeRequest('CANCEL', dialog.target, {
      branch: dialog.branch, from: dialog.from, to: `<${AOR}>`, callId: dialog.callId, cseq: 1,
    }));
  }

  async close() {
    for (const ws of this.sockets) ws.terminate();
    await new Promise((resolve) => this.wss.close(resolve));
  }
}

/** The far side of an outgoing call, as a dialog the cloud can BYE in (from the client's INVITE). */
export function dialogOf(invite, toTag) {
  return {
    target: invite.get('Contact').replace(/^.*<([^>]+)>.*$/, '$1'),
    callId: invite.get('Call-ID'),
    // Our side of the dialog is the INVITE's To (with our tag); theirs is its From.
    from: `${invite.get('To')};tag=${toTag}`,
    to: invite.get('From'),
    cseq: 0,
  };
}

/**
 * node:test file ending. A process that used wrtc audio crashes at natural exit (DESIGN.md), so
 * with `audio` it ends with process.exit() once the tests are done; without, it must end by itself
 * soon after (a handle left open by the client is a failure, reported with what is still open).
 * Either way a failed test keeps the exit status a failure: wrap each test function with the
 * returned guard.
 */
export function exitWhenDone(after, { audio = true } = {}) {
  let failures = 0;
  const guard = (fn) => async (...args) => {
    try {
      return await fn(...args);
    } catch (e) {
      failures++;
      throw e;
    }
  };
  after(() => {
    if (audio) {
      setTimeout(() => process.exit(failures > 0 ? 1 : (process.exitCode ?? 0)), 50);
      return;
    }
    setTimeout(() => {
      console.error(`# still running 5 s after the tests; open: ${JSON.stringify(process.getActiveResourcesInfo())}`);
      process.exit(1);
    }, 5000).unref();
  });
  return guard;
}
