// Shared set-up for the local cloud's node:test suites: a cloud on a free port, tokens, a scripted SIP client.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import WebSocket from 'ws';
import { loadConfig } from '../../cloud/config.mjs';
import { Cloud } from '../../cloud/cloud.mjs';
import { ROOT } from '../../cloud/config.mjs';

// The steering repo's shared/ (traces, the guide): beside this clone, as CI lays it, else the
// workplace's copy.
export const SHARED = process.env.ACW_SHARED_DIR ??
  [join(ROOT, '..', 'shared'), '/work/shared'].find((dir) => existsSync(dir)) ?? '/work/shared';

/**
 * The wasm modules under test. A suite never skips when they are missing: the cloud will not start
 * without dist/acw-sip, so a broken build fails every suite rather than passing as skipped tests.
 */
export const DIST = process.env.ACW_DIST ?? join(ROOT, 'dist');

export async function startTestCloud(overrides = {}) {
  const tmp = mkdtempSync(join(tmpdir(), 'acw-cloud-test-'));
  const config = loadConfig({
    overrides: {
      port: 0,
      dist: DIST,
      logLevel: process.env.ACW_TEST_LOG ?? 'silent',
      eventsLog: join(tmp, 'events.jsonl'),
      recordings: join(tmp, 'recordings'),
      stateDir: join(tmp, 'state'),
      ...overrides,
    },
  });
  const cloud = new Cloud(config);
  await cloud.start();
  cloud.tmp = tmp;
  const stop = cloud.stop.bind(cloud);
  cloud.stop = async () => {
    await stop();
    rmSync(tmp, { recursive: true, force: true });
  };
  return cloud;
}

export function basicAuth(cloud, user = `${cloud.config.cloudId}/${cloud.config.accountUser}`, password = cloud.config.apiKey) {
  return 'Basic ' + Buffer.from(`${user}:${password}`).toString('base64');
}

/** A token from the cloud's own web service. */
export async function fetchToken(cloud, params) {
  const url = new URL('webrtc_generate_token', cloud.url);
  for (const [k, v] of Object.entries(params)) {
    for (const item of Array.isArray(v) ? v : [v]) url.searchParams.append(k, String(item));
  }
  const res = await fetch(url, { headers: { Authorization: basicAuth(cloud) } });
  if (res.status !== 200) throw new Error(`token: ${res.status} ${await res.text()}`);
  return (await res.json()).token;
}

/** The messages of a recorded trace: [{dir: 'in'|'out'|'event', text}] with CRLF line ends. */
export function loadTrace(name) {
  const text = readFileSync(join(SHARED, 'traces', name), 'utf8');
  const out = [];
  for (const block of text.split(/^=== /m).slice(1)) {
    const nl = block.indexOf('\n');
    const dir = block.slice(0, nl).trim();
    let body = block.slice(nl + 1);
    if (dir === 'event') {
      out.push({ dir, text: body.trim() });
      continue;
    }
    // Head lines end CRLF on the wire; the body is exactly Content-Length bytes.
    const split = body.indexOf('\n\n');
    const head = body.slice(0, split).split('\n');
    const length = Number(/^Content-Length:\s*(\d+)/im.exec(body.slice(0, split))?.[1] ?? 0);
    let rest = body.slice(split + 2);
    // SDP lines in the trace end LF: on the wire they end CRLF.
    rest = rest.replace(/\n/g, '\r\n');
    out.push({ dir, text: head.join('\r\n') + '\r\n\r\n' + rest.slice(0, length) });
  }
  return out;
}

/**
 * A scripted SIP-over-WebSocket peer: send(text), and next(predicate) resolving with the next
 * received frame (text) that the predicate accepts, in arrival order.
 */
export class SipPeer {
  /** options: ws client options (localAddress: '127.0.0.2' is another address on loopback; autoPong). */
  static async connect(cloud, { protocol = 'sip', ...options } = {}) {
    const peer = new SipPeer();
    await peer.open(cloud.url.replace(/^http/, 'ws') + 'sipproxy', protocol, options);
    return peer;
  }

  open(url, protocol, options = {}) {
    this.frames = [];
    this.waiters = [];
    this.closed = null;
    this.ws = new WebSocket(url, protocol, options);
    this.ws.on('message', (data) => {
      const text = data.toString('utf8');
      this.frames.push(text);
      this.pump();
    });
    this.closePromise = new Promise((resolvePromise) => {
      this.ws.on('close', (code, reason) => {
        this.closed = { code, reason: reason.toString() };
        resolvePromise(this.closed);
        this.pump();
      });
    });
    return new Promise((resolvePromise, reject) => {
      this.ws.once('open', resolvePromise);
      this.ws.once('error', reject);
      this.ws.once('unexpected-response', (req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
  }

  pump() {
    for (const w of [...this.waiters]) {
      const i = this.frames.findIndex(w.predicate);
      if (i >= 0) {
        const [frame] = this.frames.splice(i, 1);
        this.waiters.splice(this.waiters.indexOf(w), 1);
        clearTimeout(w.timer);
        w.resolve(frame);
      } else if (this.closed) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        clearTimeout(w.timer);
        w.reject(new Error(`connection closed (${this.closed.code}) while waiting`));
      }
    }
  }

  send(text) {
    this.ws.send(text);
  }

  /** The next frame matching `predicate` (a function, a RegExp, or a string the first line starts with). */
  next(predicate = () => true, timeoutMs = 5000) {
    const test = typeof predicate === 'function' ? predicate
      : predicate instanceof RegExp ? (f) => predicate.test(f)
        : (f) => f.startsWith(predicate);
    return new Promise((resolvePromise, reject) => {
      const w = { predicate: test, resolve: resolvePromise, reject };
      w.timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        reject(new Error(`timed out waiting for a frame matching ${predicate}; have ${this.frames.map((f) => f.split('\r\n')[0]).join(' | ')}`));
      }, timeoutMs);
      this.waiters.push(w);
      this.pump();
    });
  }

  /** Whether no frame arrives within `ms`. */
  async silentFor(ms) {
    await new Promise((r) => setTimeout(r, ms));
    return this.frames.length === 0;
  }

  close() {
    this.ws.close();
    return this.closePromise;
  }
}

/** A header's value in wire text (for assertions only; the cloud itself never does this). */
export function headerOf(text, name) {
  const head = text.split('\r\n\r\n')[0].split('\r\n');
  const line = head.find((l) => l.toLowerCase().startsWith(name.toLowerCase() + ':'));
  return line?.slice(name.length + 1).trim();
}

export function bodyOf(text) {
  return text.slice(text.indexOf('\r\n\r\n') + 4);
}

let counter = 0;
const unique = (prefix) => `${prefix}${Date.now().toString(36)}${(++counter).toString(36)}`;

/** SIP text for tests (CRLF, Content-Length): what a client would send. */
export function sipText(startLine, headers, body = '') {
  const lines = [startLine, ...headers.map(([k, v]) => `${k}: ${v}`), `Content-Length: ${Buffer.byteLength(body)}`];
  return lines.join('\r\n') + '\r\n\r\n' + body;
}

/**
 * A scripted client like the public one: a host name, a Contact, its requests. Responses to
 * requests the cloud sends it are made with respondTo().
 */
export class ScriptedClient {
  constructor(peer, cloud, user) {
    this.peer = peer;
    this.cloud = cloud;
    this.user = user;
    this.host = unique('h') + '.invalid';
    this.contactUser = unique('c');
    this.contact = `<sip:${this.contactUser}@${this.host};transport=ws>`;
    this.aor = `sip:${user}@${cloud.config.clientDomain}`;
    this.regCallId = unique('reg');
    this.regCSeq = 1;
  }

  static async connect(cloud, user, options) {
    return new ScriptedClient(await SipPeer.connect(cloud, options), cloud, user);
  }

  via(branch = unique('z9hG4bK')) {
    return `SIP/2.0/WSS ${this.host};branch=${branch}`;
  }

  registerText(token, expires = 600, { contact = this.contact } = {}) {
    const headers = [
      ['Via', this.via()],
      ['To', `<${this.aor}>`],
      ['From', `<${this.aor}>;tag=${unique('t')}`],
      ['CSeq', `${++this.regCSeq} REGISTER`],
      ['Call-ID', this.regCallId],
      ['Max-Forwards', '70'],
    ];
    if (token) headers.push(['Authorization', `Bearer ${token}`]);
    headers.push(['Contact', `${contact};expires=${expires}`], ['Supported', 'outbound, path, gruu'], ['User-Agent', 'AculabCloudClient']);
    return sipText(`REGISTER sip:${this.cloud.config.clientDomain} SIP/2.0`, headers);
  }

  /** Sends REGISTER and resolves with the response text. */
  async register(token, expires = 600, options) {
    this.peer.send(this.registerText(token, expires, options));
    return this.peer.next((f) => f.startsWith('SIP/2.0') && headerOf(f, 'Call-ID') === this.regCallId && headerOf(f, 'CSeq') === `${this.regCSeq} REGISTER`);
  }

  /** An INVITE (returns {text, callId, fromTag, branch, uri, to}). */
  inviteText(uri, { token, headers = [], sdp = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=rtpmap:111 opus/48000/2\r\na=sendrecv\r\n', callId = unique('call'), fromTag = unique('f') } = {}) {
    const branch = unique('z9hG4bK');
    const to = `<${uri}>`;
    const list = [
      ['Via', this.via(branch)],
      ['To', to],
      ['From', `<${this.aor}>;tag=${fromTag}`],
      ['CSeq', '1 INVITE'],
      ['Call-ID', callId],
      ['Max-Forwards', '70'],
    ];
    if (token) list.push(['Authorization', `Bearer ${token}`]);
    list.push(...headers, ['Contact', `<sip:${this.contactUser}@${this.host};transport=ws;ob>`], ['Content-Type', 'application/sdp']);
    return { text: sipText(`INVITE ${uri} SIP/2.0`, list, sdp), callId, fromTag, branch, uri, to, from: `<${this.aor}>;tag=${fromTag}` };
  }

  /** ACK for a 2xx (new branch) or for a non-2xx (the INVITE's branch), with the response's To. */
  ackText(invite, response, { sameBranch = false } = {}) {
    return sipText(`ACK ${sameBranch ? invite.uri : contactUri(response) ?? invite.uri} SIP/2.0`, [
      ['Via', this.via(sameBranch ? invite.branch : undefined)],
      ['To', headerOf(response, 'To')],
      ['From', invite.from],
      ['CSeq', '1 ACK'],
      ['Call-ID', invite.callId],
      ['Max-Forwards', '70'],
    ]);
  }

  cancelText(invite) {
    return sipText(`CANCEL ${invite.uri} SIP/2.0`, [
      ['Via', this.via(invite.branch)],
      ['To', invite.to],
      ['From', invite.from],
      ['CSeq', '1 CANCEL'],
      ['Call-ID', invite.callId],
      ['Max-Forwards', '70'],
    ]);
  }

  /** BYE in the dialog of an INVITE we sent and its 2xx. */
  byeText(invite, response) {
    return sipText(`BYE ${contactUri(response)} SIP/2.0`, [
      ['Via', this.via()],
      ['To', headerOf(response, 'To')],
      ['From', invite.from],
      ['CSeq', '2 BYE'],
      ['Call-ID', invite.callId],
      ['Max-Forwards', '70'],
    ]);
  }

  /** Back on a new WebSocket (the old one dropped), as the same instance with the same Contact (RFC 5626). */
  async reconnect() {
    this.peer = await SipPeer.connect(this.cloud);
    return this;
  }

  /** A re-INVITE in the dialog of an INVITE we sent and its 2xx: a target refresh (same Contact) with an offer. */
  reinviteText(invite, response, { sdp = bodyOf(invite.text), cseq = 3, contact = `<sip:${this.contactUser}@${this.host};transport=ws;ob>` } = {}) {
    const branch = unique('z9hG4bK');
    return sipText(`INVITE ${contactUri(response)} SIP/2.0`, [
      ['Via', this.via(branch)],
      ['To', headerOf(response, 'To')],
      ['From', invite.from],
      ['CSeq', `${cseq} INVITE`],
      ['Call-ID', invite.callId],
      ['Max-Forwards', '70'],
      ['Contact', contact],
      ['Content-Type', 'application/sdp'],
    ], sdp);
  }

  /** The ACK for the 2xx to a re-INVITE (its CSeq number). */
  reAckText(invite, response, cseq = 3) {
    return sipText(`ACK ${contactUri(response)} SIP/2.0`, [
      ['Via', this.via()],
      ['To', headerOf(response, 'To')],
      ['From', invite.from],
      ['CSeq', `${cseq} ACK`],
      ['Call-ID', invite.callId],
      ['Max-Forwards', '70'],
    ]);
  }

  /** A re-INVITE in a dialog the cloud started with `invite` (we are the callee). */
  reinviteForIncoming(invite, { sdp, cseq = 2 }) {
    return sipText(`INVITE ${contactUri(invite)} SIP/2.0`, [
      ['Via', this.via()],
      ['From', `${headerOf(invite, 'To')};tag=${this.dialogTag}`],
      ['To', headerOf(invite, 'From')],
      ['CSeq', `${cseq} INVITE`],
      ['Call-ID', headerOf(invite, 'Call-ID')],
      ['Max-Forwards', '70'],
      ['Contact', `<sip:${this.contactUser}@${this.host};transport=ws>`],
      ['Content-Type', 'application/sdp'],
    ], sdp);
  }

  /** A response to a request the cloud sent us (copies Via/From/To/Call-ID/CSeq, adds our tag). */
  respondTo(request, status, reason, { tag = this.dialogTag ??= unique('r'), body = '', contact = true, headers: extra = [] } = {}) {
    const to = headerOf(request, 'To');
    const headers = [
      ['Via', headerOf(request, 'Via')],
      ['From', headerOf(request, 'From')],
      ['To', status > 100 && !/;tag=/.test(to) ? `${to};tag=${tag}` : to],
      ['CSeq', headerOf(request, 'CSeq')],
      ['Call-ID', headerOf(request, 'Call-ID')],
    ];
    if (contact && status > 100 && status < 300) headers.push(['Contact', `<sip:${this.contactUser}@${this.host};transport=ws>`]);
    headers.push(...extra);
    if (body) headers.push(['Content-Type', 'application/sdp']);
    return sipText(`SIP/2.0 ${status} ${reason}`, headers, body);
  }

  /** A BYE in a dialog the cloud started with `invite` (we are the callee). */
  byeForIncoming(invite) {
    return sipText(`BYE ${contactUri(invite)} SIP/2.0`, [
      ['Via', this.via()],
      ['From', `${headerOf(invite, 'To')};tag=${this.dialogTag}`],
      ['To', headerOf(invite, 'From')],
      ['CSeq', '1 BYE'],
      ['Call-ID', headerOf(invite, 'Call-ID')],
      ['Max-Forwards', '70'],
    ]);
  }

  close() {
    return this.peer.close();
  }
}

export function contactUri(text) {
  const contact = headerOf(text, 'Contact');
  return contact && /<([^>]+)>/.exec(contact)?.[1];
}

export const statusOf = (text) => (text.startsWith('SIP/2.0 ') ? Number(text.slice(8, 11)) : 0);
export const isResponse = (status, method) => (f) => statusOf(f) === status && (!method || headerOf(f, 'CSeq')?.endsWith(` ${method}`));
export const isRequest = (method) => (f) => f.startsWith(`${method} `);
