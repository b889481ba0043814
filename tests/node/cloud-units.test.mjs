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
import { causeOf } from '../../cloud/ua.mjs';

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

test('causes as the client reports them (PROTOCOL.md)', () => {
  const table = { 200: 'NORMAL', 487: 'NOANSWER', 486: 'BUSY', 600: 'BUSY', 603: 'BUSY', 404: 'UNOBTAINABLE', 410: 'UNOBTAINABLE',
    480: 'UNOBTAINABLE', 604: 'UNOBTAINABLE', 301: 'MOVED', 302: 'MOVED', 380: 'MOVED', 606: 'REJECTED', 699: 'REJECTED', 400: 'FAILED',
    401: 'FAILED', 403: 'FAILED', 408: 'FAILED', 500: 'FAILED', 503: 'FAILED' };
  for (const [status, cause] of Object.entries(table)) assert.equal(causeOf(Number(status)), cause, status);
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
