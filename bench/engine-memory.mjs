// Engine memory: the wasm heap (HEAPU8.length) of one signalling engine, driven in Node through
// the core's engine functions (bindings/core.cpp) with poll(), after 10,000 calls set up and torn down against a scripted
// cloud (SIP text below); goal: flat, under 1% growth between call 1,000 and call 10,000.
// Calls alternate: outgoing callService('echo') hung up by us (BYE), and incoming INVITEs from a
// service answered by us and hung up by the cloud. Time is virtual (the engine is sans-I/O).
//
//   node bench/engine-memory.mjs [--calls 10000] [--json FILE]
//
// Environment: ACW_CORE_DIST (built acw-core.{mjs,wasm}; default dist/).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

import { Input, NumberQuery, Output, Query, decodeOutput } from '../js/boundary.js';
import { ROOT, coreDist, cpuSeconds, fmtInt, handOff, loadCoreModule, parseArgs, printTable } from './common.mjs';

const CLOUD = '1-2-0';
const KEY = 'abc123';
const CLIENT = 'alice';
const AOR = `sip:${CLIENT}@${KEY}.webrtc-${CLOUD}.aculabcloud.net`;

// SDP bodies recorded from the public client (an offer, and the stub's answer).
export function recordedSdp() {
  const text = readFileSync(join(ROOT, 'tests', 'data', 'traces', 'official-client.txt'), 'utf8');
  const blocks = text.split(/^=== .*\n/m).slice(1);
  const body = (start) => {
    const block = blocks.find((b) => b.startsWith(start) && b.includes('application/sdp'));
    const wire = block.replace(/\n/g, '\r\n');
    const at = wire.indexOf('\r\n\r\n') + 4;
    return wire.slice(at, at + Number(/\r\nContent-Length: *(\d+)/i.exec(wire)[1]));
  };
  return { offer: body('INVITE '), answer: body('SIP/2.0 200 OK') };
}

const headerOf = (msg, name) => {
  const m = new RegExp(`^${name}:[ \\t]*(.*?)\\r?$`, 'mi').exec(msg);
  return m ? m[1] : '';
};
const headersOf = (msg, name) => [...msg.matchAll(new RegExp(`^${name}:[ \\t]*(.*?)\\r?$`, 'gmi'))].map((m) => m[1]);

function message(startLine, headers, body = '', type = '') {
  const lines = [startLine, ...headers];
  if (body) lines.push(`Content-Type: ${type}`);
  lines.push(`Content-Length: ${Buffer.byteLength(body)}`, '', '');
  return lines.join('\r\n') + body;
}

/** The cloud's side, scripted: answers what the engine sends and starts incoming calls. */
class ScriptedCloud {
  constructor(sdp) {
    this.sdp = sdp;
    this.contact = '';
    this.sequence = 0;
    this.dialogs = new Map(); // Call-ID -> {toTag or fromTag, ...} for calls the cloud started
    this.outbox = [];
  }

  response(request, status, reason, { toTag = '', headers = [], body = '', type = '' } = {}) {
    const to = headerOf(request, 'To');
    return message(`SIP/2.0 ${status} ${reason}`, [
      ...headersOf(request, 'Via').map((v) => `Via: ${v}`),
      `From: ${headerOf(request, 'From')}`,
      `To: ${toTag && !/;tag=/i.test(to) ? `${to};tag=${toTag}` : to}`,
      `Call-ID: ${headerOf(request, 'Call-ID')}`,
      `CSeq: ${headerOf(request, 'CSeq')}`,
      ...headers,
    ], body, type);
  }

  // A frame the engine sent.
  receive(frame) {
    const method = /^(\S+) /.exec(frame)[1];
    const seq = ++this.sequence;
    switch (method) {
      case 'REGISTER':
        this.contact = /<([^>]+)>/.exec(headerOf(frame, 'Contact'))[1];
        this.outbox.push(this.response(frame, 200, 'OK', { toTag: `reg${seq}`, headers: [`Contact: ${headerOf(frame, 'Contact')}`] }));
        break;
      case 'OPTIONS':
        this.outbox.push(this.response(frame, 200, 'OK', { toTag: `opt${seq}`, body: '[]', type: 'application/json' }));
        break;
      case 'INVITE': {
        const tag = `svc${seq}`;
        this.outbox.push(this.response(frame, 100, 'Trying'));
        this.outbox.push(this.response(frame, 180, 'Ringing', { toTag: tag, headers: ['Contact: <sip:echo@127.0.0.1;transport=ws>'] }));
        this.outbox.push(this.response(frame, 200, 'OK', {
          toTag: tag, headers: ['Contact: <sip:echo@127.0.0.1;transport=ws>'], body: this.sdp.answer, type: 'application/sdp',
        }));
        break;
      }
      case 'BYE':
        this.outbox.push(this.response(frame, 200, 'OK'));
        break;
      case 'SIP/2.0': {
        // The engine's responses to the cloud's INVITE and BYE: ACK its 200 to the INVITE.
        const status = Number(frame.split(' ')[1]);
        const callId = headerOf(frame, 'Call-ID');
        const dialog = this.dialogs.get(callId);
        if (dialog && / INVITE$/.test(headerOf(frame, 'CSeq')) && status === 200) {
          dialog.to = headerOf(frame, 'To');
          this.outbox.push(message(`ACK ${this.contact} SIP/2.0`, [
            `Via: SIP/2.0/WSS 127.0.0.1;branch=z9hG4bKack${seq}`, 'Max-Forwards: 70', `From: ${dialog.from}`, `To: ${dialog.to}`,
            `Call-ID: ${callId}`, 'CSeq: 1 ACK',
          ]));
        }
        if (dialog && / BYE$/.test(headerOf(frame, 'CSeq'))) this.dialogs.delete(callId);
        break;
      }
      default:
        break; // ACK
    }
  }

  invite() {
    const seq = ++this.sequence;
    const callId = `bench-incoming-${seq}`;
    const from = `<sip:441234567890@sip-${CLOUD}.aculab.com>;tag=in${seq}`;
    this.dialogs.set(callId, { from, to: `<${AOR}>` });
    this.outbox.push(message(`INVITE ${this.contact} SIP/2.0`, [
      `Via: SIP/2.0/WSS 127.0.0.1;branch=z9hG4bKinv${seq}`, 'Max-Forwards: 70', `From: ${from}`, `To: <${AOR}>`,
      `Call-ID: ${callId}`, 'CSeq: 1 INVITE', 'Contact: <sip:svc@127.0.0.1;transport=ws>',
    ], this.sdp.offer, 'application/sdp'));
  }

  bye(callId) {
    const seq = ++this.sequence;
    const dialog = this.dialogs.get(callId);
    this.outbox.push(message(`BYE ${this.contact} SIP/2.0`, [
      `Via: SIP/2.0/WSS 127.0.0.1;branch=z9hG4bKbye${seq}`, 'Max-Forwards: 70', `From: ${dialog.from}`, `To: ${dialog.to}`,
      `Call-ID: ${callId}`, 'CSeq: 2 BYE',
    ]));
  }
}

/** One engine and the scripted cloud joined in memory, with a virtual clock. */
// The core's entry points over one engine handle (bindings/core.cpp, names from js/boundary.js), as
// methods named after the engine's inputs; poll() gives the whole output, callService/answer take
// the options as an object (sent as JSON text, as js/client.js sends them).
function engineOf(core, ...args) {
  const h = core.create(...args);
  // an engine input: the fields the kind does not use stay 0 or ''
  const input = (kind, now, call = 0, text = '', text2 = '', number = 0, options = '') =>
    core.input(h, kind, now, call, text, text2, number, options);
  const own = {
    poll: () => decodeOutput(core.query(h, Query.poll, 0, '')) ?? { kind: -1 },
    callService: (now, name, o) => {
      const error = input(Input.callService, now, 0, name, '', 0, JSON.stringify(o));
      return { call: error ? 0 : core.number(h, NumberQuery.lastCall, 0, 0), error };
    },
    answer: (now, call, o) => input(Input.answer, now, call, '', '', 0, JSON.stringify(o)),
    frameReceived: (now, text) => input(Input.frame, now, 0, text),
    enableIncoming: (now, token) => input(Input.enableIncoming, now, 0, token),
    setHasIncomingHandler: (now, has) => input(Input.incomingHandler, now, 0, '', '', has ? 1 : 0),
    nextDeadline: () => core.number(h, NumberQuery.nextDeadline, 0, 0),
    callId: (call) => core.query(h, Query.callId, call, ''),
    delete: () => core.number(h, NumberQuery.destroy, 0, 0),
  };
  return new Proxy(own, { get: (t, name) => t[name] ?? ((now, call, text) => input(Input[name], now, call, text)) });
}

export class Pair {
  constructor(core, sdp) {
    this.core = core;
    this.sdp = sdp;
    this.now = 1000;
    this.engine = engineOf(core, CLOUD, KEY, CLIENT, 'ws://127.0.0.1:1/sipproxy', 0x12345678, 0x9abcdef0, 0, '');
    this.cloud = new ScriptedCloud(sdp);
    this.callbacks = []; // {call, name, json}
    this.frames = 0;
  }

  withOptions(use) {
    return use({});
  }

  // Carries out every output, feeds the cloud's answers back, fires due timers; until quiet.
  drive() {
    for (let rounds = 0; rounds < 10000; rounds++) {
      let busy = false;
      for (let o = this.engine.poll(); o.kind >= 0; o = this.engine.poll()) {
        busy = true;
        switch (o.kind) {
          case Output.OpenSocket: this.engine.socketOpened(this.now); break;
          case Output.SendFrame: this.frames++; this.cloud.receive(o.text); break;
          case Output.CreateOffer: this.engine.sdpCreated(this.now, o.call, this.sdp.offer); break;
          case Output.CreateAnswer: this.engine.sdpCreated(this.now, o.call, this.sdp.answer); break;
          case Output.SetLocalDescription: this.engine.localDescriptionReady(this.now, o.call, o.text); break;
          case Output.Callback: this.callbacks.push({ call: o.call, name: o.name, json: o.json }); break;
          default: break; // peer creation, remote description, close: nothing to do here
        }
      }
      this.now += 1;
      if (this.cloud.outbox.length) {
        busy = true;
        for (const frame of this.cloud.outbox.splice(0)) this.engine.frameReceived(this.now, frame);
      }
      const deadline = this.engine.nextDeadline();
      if (!busy) {
        if (deadline >= 0 && deadline <= this.now) {
          this.engine.timeout(this.now);
          continue;
        }
        return;
      }
    }
    throw new Error('the engine and the scripted cloud did not settle');
  }

  // Advances the clock, firing every deadline on the way (registration refresh, ICE servers).
  advance(ms) {
    const end = this.now + ms;
    for (;;) {
      const deadline = this.engine.nextDeadline();
      if (deadline < 0 || deadline > end) break;
      this.now = Math.max(this.now, deadline);
      this.engine.timeout(this.now);
      this.drive();
    }
    this.now = end;
  }

  take(name, call) {
    const i = this.callbacks.findIndex((c) => c.name === name && (call === undefined || c.call === call));
    if (i < 0) {
      throw new Error(`no ${name}${call === undefined ? '' : ` on call ${call}`}; got ${this.callbacks.map((c) => `${c.name}(${c.call}) ${c.json}`).join(', ')}`);
    }
    return this.callbacks.splice(i, 1)[0];
  }

  outgoing() {
    const r = this.withOptions((o) => this.engine.callService(this.now, 'echo', o));
    if (r.error) throw new Error(`callService: ${r.error}`);
    this.drive();
    this.take('onConnected', r.call);
    this.advance(1000);
    const err = this.engine.disconnect(this.now, r.call);
    if (err) throw new Error(`disconnect: ${err}`);
    this.drive();
    this.take('onDisconnect', r.call);
  }

  incoming() {
    this.cloud.invite();
    this.drive();
    const offered = this.take('onIncoming');
    const err = this.withOptions((o) => this.engine.answer(this.now, offered.call, o));
    if (err) throw new Error(`answer: ${err}`);
    this.drive();
    this.take('onConnected', offered.call);
    this.advance(1000);
    const callId = this.engine.callId(offered.call);
    this.cloud.bye(callId);
    this.drive();
    this.take('onDisconnect', offered.call);
  }
}

export async function run({ calls = 10000 } = {}) {
  const core = await loadCoreModule(coreDist());
  const pair = new Pair(core, recordedSdp());
  pair.engine.setHasIncomingHandler(pair.now, true);
  const err = pair.engine.enableIncoming(pair.now, 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.sig');
  if (err) throw new Error(`enableIncoming: ${err}`);
  pair.drive();
  pair.take('onIncomingState');
  const heap = () => core.HEAPU8.length;
  // The top of the malloc heap, without exporting anything: a fresh 1 MiB block comes from the
  // first free region that large, which is the top unless the engine once freed 1 MiB in one piece.
  const top = () => {
    const p = core._malloc(1 << 20);
    core._free(p);
    return p;
  };
  const start = { heap: heap(), top: top() };
  const samples = [];
  const c0 = cpuSeconds();
  for (let i = 1; i <= calls; i++) {
    if (i % 2) pair.outgoing();
    else pair.incoming();
    pair.callbacks.length = 0; // onRinging, onMedia... are not checked here
    if (i % 1000 === 0 || i === 100 || i === calls) samples.push({ calls: i, heap: heap(), top: top() });
  }
  const cpu = cpuSeconds() - c0;
  pair.engine.close(pair.now);
  pair.drive();
  pair.engine.delete();

  const at = (n) => samples.find((s) => s.calls === n)?.heap;
  const base = at(Math.min(1000, calls));
  const last = samples[samples.length - 1];
  const end = last.heap;
  const growth = base ? (end - base) / base : NaN;
  const baseTop = samples.find((s) => s.calls === Math.min(1000, calls)).top;
  const topMoved = last.top - baseTop;
  const rows = [['calls set up and torn down', 'wasm memory bytes (HEAPU8.length)', 'top of malloc heap (probe)']];
  rows.push(['0 (registered)', fmtInt(start.heap), fmtInt(start.top)]);
  for (const s of samples) rows.push([fmtInt(s.calls), fmtInt(s.heap), fmtInt(s.top)]);
  const title = `Engine memory: one Engine, ${fmtInt(calls)} calls against a scripted cloud (${fmtInt(pair.frames)} SIP frames sent, ${(cpu * 1e6 / calls).toFixed(0)} µs CPU per call incl. the JS script)`;
  printTable(title, rows);
  const from = fmtInt(Math.min(1000, calls));
  console.log(`growth from call ${from} to ${fmtInt(calls)}: wasm memory ${(growth * 100).toFixed(2)}% (goal < 1%); top of the malloc heap ${topMoved >= 0 ? '+' : ''}${fmtInt(topMoved)} bytes (${(topMoved / baseTop * 100).toFixed(2)}%, ${(topMoved / Math.max(1, calls - Math.min(1000, calls))).toFixed(1)} bytes per call)`);
  console.log('HEAPU8.length is the wasm memory size: it only grows (16 MiB at start), so it is a high-water mark; the malloc top shows smaller growth.');
  return {
    title,
    rows,
    figures: {
      'engine_memory.heap_after_calls': {
        label: `wasm heap after ${fmtInt(calls)} calls`,
        value: end,
        unit: 'bytes (HEAPU8.length)',
        peers: {},
        at1000: base,
        growthFrom1000: growth,
        mallocTopAt1000: baseTop,
        mallocTopEnd: last.top,
        mallocTopGrowthBytes: topMoved,
        samples,
        goal: '< 1% growth between 1,000 and 10,000 calls',
        met: Number.isFinite(growth) ? growth < 0.01 && topMoved / baseTop < 0.01 : null,
        cpuMicrosecondsPerCall: Math.round((cpu * 1e6) / calls),
      },
    },
  };
}

if (import.meta.url === pathToFileURL(process.argv[1]).href) {
  const args = parseArgs();
  handOff(args, await run({ calls: Number(args.calls ?? 10000) }));
}
