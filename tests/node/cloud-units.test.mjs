// Small parts of the cloud on their own: the per-connection rate limit, the 20 ms pacer, the event log, causes, no default STUN server.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RateLimit } from '../../cloud/transport.mjs';
import { Pacer, withoutDefaultStun } from '../../cloud/media.mjs';
import { MediaStreamTrack, RTCPeerConnection } from 'werift';
import { EventLog } from '../../cloud/events.mjs';
import { loadSip } from '../../cloud/sip.mjs';
import { DIST } from './cloud-helpers.mjs';

test('rate limit: a burst of 2x the rate passes, then drops, then closes at the same again in debt; it refills with time', () => {
  const limit = new RateLimit(10, 20, 0);
  const verdicts = [];
  for (let i = 0; i < 45; i++) verdicts.push(limit.take(0));
  assert.deepEqual(verdicts.slice(0, 20), Array(20).fill('ok'));
  assert.deepEqual(verdicts.slice(20, 40), Array(20).fill('drop'));
  assert.equal(verdicts[40], 'close');
  const calm = new RateLimit(10, 20, 0);
  for (let i = 0; i < 20; i++) calm.take(0);
  assert.equal(calm.take(0), 'drop');
  // 1 s later: 10 more tokens, minus the debt of 1.
  const later = [];
  for (let i = 0; i < 10; i++) later.push(calm.take(1000));
  assert.deepEqual(later, [...Array(9).fill('ok'), 'drop']);
  // A steady 10/s never drops.
  const steady = new RateLimit(10, 20, 0);
  for (let i = 0; i < 1000; i++) assert.equal(steady.take(i * 100), 'ok');
});

test('pacer: one tick per 20 ms of elapsed time, for every subscriber, until removed', async () => {
  const pacer = new Pacer(20);
  let a = 0;
  let b = 0;
  const stopA = pacer.add(() => a++);
  const stopB = pacer.add(() => b++);
  await new Promise((r) => setTimeout(r, 1000));
  stopA();
  const atStop = a;
  await new Promise((r) => setTimeout(r, 200));
  stopB();
  assert.ok(atStop >= 44 && atStop <= 56, `ticks in 1 s: ${atStop}`);
  assert.equal(a, atStop);
  assert.ok(b >= atStop + 8, `b ${b}`);
  assert.equal(pacer.timer, null);
});

test('event log: seq order, filters, bounded memory, JSON lines file, waitFor', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'acw-events-'));
  let now = 1000;
  const log = new EventLog({ file: join(dir, 'e.jsonl'), keep: 5, clock: () => now });
  for (let i = 0; i < 8; i++) {
    now += 10;
    log.add(i % 2 ? 'call.end' : 'register', { call: `c${i % 3}`, i });
  }
  assert.equal(log.events.length, 5);
  assert.deepEqual(log.list().map((e) => e.seq), [4, 5, 6, 7, 8]);
  assert.deepEqual(log.list({ since: 6 }).map((e) => e.i), [6, 7]);
  assert.deepEqual(log.list({ type: 'call' }).map((e) => e.i), [3, 5, 7]);
  assert.deepEqual(log.list({ call: 'c1' }).map((e) => e.i), [4, 7]);
  assert.equal(log.list()[0].time, new Date(1040).toISOString());
  const waiting = log.waitFor((e) => e.type === 'later');
  log.add('later', { x: 1 });
  assert.equal((await waiting).x, 1);
  await assert.rejects(log.waitFor(() => false, 50), /timed out/);
  await log.close();
  const lines = readFileSync(join(dir, 'e.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.length, 9);
  assert.deepEqual(lines.map((e) => e.seq), [1, 2, 3, 4, 5, 6, 7, 8, 9]);
});

test('causes as the client reports them (PROTOCOL.md), from the core\'s table', async () => {
  const sip = await loadSip(DIST);
  const table = { 200: 'NORMAL', 487: 'NOANSWER', 486: 'BUSY', 600: 'BUSY', 603: 'BUSY', 404: 'UNOBTAINABLE', 410: 'UNOBTAINABLE',
    480: 'UNOBTAINABLE', 604: 'UNOBTAINABLE', 301: 'MOVED', 302: 'MOVED', 380: 'MOVED', 606: 'REJECTED', 699: 'REJECTED', 400: 'FAILED',
    401: 'FAILED', 403: 'FAILED', 408: 'FAILED', 500: 'FAILED', 503: 'FAILED' };
  for (const [status, cause] of Object.entries(table)) assert.equal(sip.causeOf(Number(status)), cause, status);
});

test('werift peer connections of the cloud do not ask werift\'s default STUN server (stun.l.google.com); a configured one stays', async () => {
  const agents = (pc) => pc.getTransceivers().map((t) => t.dtlsTransport.iceTransport.connection);
  const bare = new RTCPeerConnection({ iceServers: [] });
  bare.addTransceiver(new MediaStreamTrack({ kind: 'audio' }), { direction: 'sendrecv' });
  // What werift does by itself (if this changes, the work-around may no longer be needed).
  assert.deepEqual(agents(bare)[0].stunServer, ['stun.l.google.com', 19302]);
  withoutDefaultStun(bare);
  assert.equal(agents(bare).length, 1);
  for (const agent of agents(bare)) assert.equal(agent.stunServer, undefined);
  await bare.close();

  const servers = [{ urls: 'stun:127.0.0.1:3478' }];
  const configured = new RTCPeerConnection({ iceServers: servers });
  configured.addTransceiver(new MediaStreamTrack({ kind: 'audio' }), { direction: 'sendrecv' });
  withoutDefaultStun(configured, servers);
  assert.deepEqual(agents(configured)[0].stunServer, ['127.0.0.1', 3478]);
  await configured.close();
});

test('the core\'s transaction layer as the cloud drives it (virtual clock): retransmission, CANCEL matching, ACK for a failure, Timer B', async () => {
  const sip = await loadSip(DIST);
  const invite = (branch) => sip.build({
    request: true, method: 'INVITE', uri: 'sip:bob@example.com',
    headers: [['Via', `SIP/2.0/WSS client.invalid;branch=${branch}`], ['Max-Forwards', '70'], ['From', '<sip:alice@example.com>;tag=a1'],
      ['To', '<sip:bob@example.com>'], ['Call-ID', `call-${branch}`], ['CSeq', '1 INVITE']],
  });
  const outbox = (layer) => JSON.parse(layer.takeOutbox());
  const layer = sip.transactions();
  try {
    // Server side (§17.2): a repeated INVITE gets the last response again; the CANCEL names its INVITE.
    const first = invite('z9hG4bKserver1');
    const d = JSON.parse(layer.receiveRequest(first, 0));
    assert.equal(d.match, 'new');
    assert.equal(layer.respond(d.id, sip.response(first, 180, { toTag: 't1' }), 1), true);
    assert.match(outbox(layer)[0], /^SIP\/2\.0 180 /);
    assert.equal(JSON.parse(layer.receiveRequest(first, 2)).match, 'retransmission');
    assert.match(outbox(layer)[0], /^SIP\/2\.0 180 /);
    const cancel = JSON.parse(layer.receiveRequest(sip.cancelFor(first), 3));
    assert.deepEqual([cancel.match, cancel.cancels], ['new', d.id]);
    const other = JSON.parse(layer.receiveRequest(sip.cancelFor(invite('z9hG4bKserver2')), 3));
    assert.equal(other.cancels, 0);

    // Client side (§17.1): a 486 is ACKed on the INVITE's branch by the layer and ends the transaction.
    const sent = invite('z9hG4bKclient1');
    const id = layer.sendRequest(sent, 100);
    assert.ok(id > 0);
    assert.match(outbox(layer)[0], /^INVITE /);
    const busy = JSON.parse(layer.receiveResponse(sip.response(sent, 486, { toTag: 'b1' }), 200));
    assert.deepEqual([busy.id, busy.method, busy.toTu], [id, 'INVITE', true]);
    const [ack] = outbox(layer);
    assert.match(ack, /^ACK sip:bob@example\.com SIP\/2\.0\r\n/);
    assert.equal(sip.parse(ack).via[0].branch, 'z9hG4bKclient1');
    assert.equal(layer.exists(id), false);

    // Timer B: no response at all in 64*T1 (and not a moment before) is a failure for the TU.
    const silent = layer.sendRequest(invite('z9hG4bKclient2'), 1000);
    outbox(layer);
    assert.equal(sip.timers.B, 64 * sip.timers.T1);
    assert.equal(layer.nextDeadline(), 1000 + sip.timers.B);
    assert.deepEqual(JSON.parse(layer.handleTimeout(1000 + sip.timers.B - 1)), []);
    assert.deepEqual(JSON.parse(layer.handleTimeout(1000 + sip.timers.B)), [{ id: silent, client: true, method: 'INVITE' }]);
  } finally {
    layer.delete();
  }
});

test('the core\'s client-id rule through sip_tools: sip:/webrtc: dropped, only A-Z a-z 0-9 + - _ .', async () => {
  const sip = await loadSip(DIST);
  assert.equal(sip.clientId('alice.B-1_+'), 'alice.B-1_+');
  assert.equal(sip.clientId('webrtc:bob'), 'bob');
  assert.equal(sip.clientId('sip%3Abob'), 'bob');
  for (const bad of ['', 'a b', 'a@b', 'a/b', 'sip:', 'é']) assert.equal(sip.clientId(bad), undefined, bad);
});

// Found by tests/fuzz/fuzz_sip_tools.cpp: buildMessage wrote a method that is not a token, which
// its own parser (and a client's) refuses; the cloud now never builds what cannot be read back.
test('the SIP tools build nothing their own parser refuses: a method or header name that is not a token', async () => {
  const sip = await loadSip(DIST);
  const spec = { request: true, method: 'OPTIONS', uri: 'sip:a@b', headers: [['Via', 'SIP/2.0/WSS h;branch=z9hG4bK2'], ['Call-ID', 'x']] };
  assert.equal(sip.parse(sip.build(spec)).method, 'OPTIONS');
  assert.throws(() => sip.build({ ...spec, method: 'OPT&IONS' }), /buildMessage refused/);
  assert.throws(() => sip.build({ ...spec, uri: 'sip:a b@c' }), /buildMessage refused/);
  assert.throws(() => sip.build({ ...spec, headers: [...spec.headers, ['Bad Name', 'v']] }), /buildMessage refused/);
});
