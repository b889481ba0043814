// Abuse suite, data: events log flooding (rotation, size cap, long fields cut), disk full for the log and the recordings, retention, a clean stop, a service's unhandled rejection.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { bystanderCall, endProcess } from './cloud-audio-peer.mjs';
import { SipPeer, startTestCloud } from './cloud-helpers.mjs';

const ATTACKER = { localAddress: '127.0.0.2' };
const WAIT = 30000;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const until = async (ok, ms = WAIT) => {
  const t0 = Date.now();
  while (!ok()) {
    if (Date.now() - t0 > ms) return false;
    await sleep(50);
  }
  return true;
};
const scratch = mkdtempSync(join(tmpdir(), 'acw-abuse-data-'));
after(() => {
  rmSync(scratch, { recursive: true, force: true });
  endProcess();
});

test('an events flood: the log rotates at its size cap, keeps N files, and long fields are cut', async () => {
  const cloud = await startTestCloud({ eventsLogMaxBytes: 8192, eventsLogFiles: 2, eventFieldMax: 200, rateLimit: 100000 });
  const bystander = await bystanderCall(cloud, 'bystander1');
  try {
    const mallory = await SipPeer.connect(cloud, ATTACKER);
    // Malformed requests whose method is a long token: each is an event.
    for (let i = 0; i < 300; i++) mallory.send(`${'A'.repeat(20000)} sip:x SIP/2.0\r\nVia: x\r\n\r\n`);
    assert.ok(await until(() => cloud.events.list({ type: 'sip.malformed' }).length >= 300), 'every frame an event');
    const log = cloud.config.eventsLog;
    await sleep(300);
    const files = readdirSync(join(log, '..')).filter((n) => n.startsWith('events.jsonl'));
    assert.deepEqual(files.sort(), ['events.jsonl', 'events.jsonl.1', 'events.jsonl.2']);
    for (const f of files) assert.ok(statSync(join(log, '..', f)).size < 8192 + 2048, `${f} ${statSync(join(log, '..', f)).size} bytes`);
    for (const e of cloud.events.list({ type: 'sip.malformed' })) {
      for (const [k, v] of Object.entries(e)) if (typeof v === 'string') assert.ok(v.length <= 200 + 20, `${k}: ${v.length} chars`);
    }
    for (const line of readFileSync(log, 'utf8').trim().split('\n')) assert.ok(line.length < 2048, 'no long line in the log');
    await mallory.close();
    await bystander.audioIntact();
  } finally {
    await bystander.hangUp();
    await cloud.stop();
  }
});

test('disk full for the events log (/dev/full): calls go on, and /events says the log failed', async () => {
  const cloud = await startTestCloud({ eventsLog: '/dev/full' });
  try {
    const bystander = await bystanderCall(cloud, 'bystander2');
    assert.ok(await until(() => cloud.events.list({ type: 'events.log-failed' }).length > 0), 'the failure is an event');
    assert.match(cloud.events.list({ type: 'events.log-failed' })[0].error, /ENOSPC|no space/i);
    await bystander.audioIntact();
    await bystander.hangUp();
  } finally {
    await cloud.stop();
  }
});

/** A record-service call (the caller's tone recorded for a second); resolves with its call.recording events. */
async function recordCall(cloud, user) {
  const call = await bystanderCall(cloud, user, { service: 'record' });
  const start = await cloud.events.waitFor((e) => e.type === 'call.start' && e.from === user, WAIT);
  const done = await cloud.events.waitFor((e) => e.type === 'call.recording' && e.call === start.call && e.state !== 'started', WAIT);
  call.peer.close();
  await call.client.close();
  return done;
}

test('a recording that cannot be written is reported as failed (in /events), never as saved; no partial file', async () => {
  const cloud = await startTestCloud({ recordSeconds: 1 });
  try {
    const bystander = await bystanderCall(cloud, 'bystander3');
    // The recordings folder is gone and a file has its name: every write fails.
    rmSync(cloud.config.recordings, { recursive: true, force: true });
    writeFileSync(cloud.config.recordings, 'not a folder');
    const result = await recordCall(cloud, 'mallory');
    assert.equal(result.state, 'failed', JSON.stringify(result));
    assert.ok(result.error);
    const end = await cloud.events.waitFor((e) => e.type === 'call.end' && e.call === result.call, WAIT);
    assert.ok(!end.recordingUrl && end.recordingError, JSON.stringify(end));
    await bystander.audioIntact();
    await bystander.hangUp();
  } finally {
    rmSync(cloud.config.recordings, { force: true });
    await cloud.stop();
  }
});

function tryMountTmpfs(dir, size) {
  mkdirSync(dir, { recursive: true });
  return spawnSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir]).status === 0;
}

test('disk full (a small tmpfs) for the recordings and the events log: failures reported, calls served', async (t) => {
  const dir = join(scratch, 'tmpfs');
  if (!tryMountTmpfs(dir, '64k')) return t.skip('mounting a tmpfs needs root');
  const cloud = await startTestCloud({ recordSeconds: 1, recordings: join(dir, 'recordings'), eventsLog: join(dir, 'events.jsonl') });
  try {
    const bystander = await bystanderCall(cloud, 'bystander4');
    // Fill the disk.
    try {
      writeFileSync(join(dir, 'filler'), Buffer.alloc(1024 * 1024));
    } catch (e) {
      assert.equal(e.code, 'ENOSPC');
    }
    const result = await recordCall(cloud, 'mallory');
    assert.equal(result.state, 'failed', JSON.stringify(result));
    assert.match(result.error, /ENOSPC|no space/i);
    assert.deepEqual(readdirSync(join(dir, 'recordings')), [], 'no partial or temporary file left');
    cloud.events.add('test.padding', { text: 'x'.repeat(800) });
    for (let i = 0; i < 200; i++) cloud.events.add('test.padding', { text: 'x'.repeat(800) });
    assert.ok(await until(() => cloud.events.list({ type: 'events.log-failed' }).length > 0), 'the log failure is an event');
    await bystander.audioIntact();
    await bystander.hangUp();
  } finally {
    await cloud.stop();
    spawnSync('umount', [dir]);
  }
});

test('retention: recordings older than the age limit, then the oldest over the size cap, are removed', async () => {
  const recordings = join(scratch, 'retention');
  mkdirSync(recordings, { recursive: true });
  const now = Date.now() / 1000;
  const put = (name, bytes, ageS) => {
    writeFileSync(join(recordings, name), Buffer.alloc(bytes));
    utimesSync(join(recordings, name), now - ageS, now - ageS);
  };
  put('ancient.ogg', 10, 8 * 86400);
  put('old.ogg', 4000, 3000);
  put('mid.ogg', 4000, 2000);
  put('new.ogg', 4000, 1000);
  put('notes.txt', 10, 9 * 86400);
  const cloud = await startTestCloud({ recordings, recordingsMaxAge: 7 * 86400, recordingsMaxBytes: 9000 });
  try {
    assert.ok(await until(() => !existsSync(join(recordings, 'old.ogg'))));
    assert.deepEqual(readdirSync(recordings).sort(), ['mid.ogg', 'new.ogg', 'notes.txt']);
    assert.ok(cloud.events.list({ type: 'recordings.pruned' }).length >= 1);
  } finally {
    await cloud.stop();
  }
});

test('a clean stop writes every buffered event and finishes a recording being written', async () => {
  const log = join(scratch, 'stop', 'events.jsonl');
  const recordings = join(scratch, 'stop', 'recordings');
  const cloud = await startTestCloud({ eventsLog: log, recordings });
  for (let i = 0; i < 5000; i++) cloud.events.add('test.burst', { i, text: 'y'.repeat(200) });
  const writing = cloud.recordings.save('finished.ogg', Buffer.alloc(4 * 1024 * 1024, 7));
  await cloud.stop();
  assert.equal(statSync(join(recordings, 'finished.ogg')).size, 4 * 1024 * 1024, 'the recording is whole');
  assert.equal(await writing, join(recordings, 'finished.ogg'));
  assert.deepEqual(readdirSync(recordings), ['finished.ogg'], 'no temporary file left');
  const lines = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
  assert.equal(lines.filter((e) => e.type === 'test.burst').length, 5000);
  assert.equal(lines.at(-1).type, 'cloud.stop');
});

test("an unhandled rejection in a service ends only that call, and the cloud runs on", () => {
  // Its own process: node:test counts any unhandled rejection in this one as a failure.
  const child = fileURLToPath(new URL('./cloud-rejection-child.mjs', import.meta.url));
  const r = spawnSync(process.execPath, [child], { encoding: 'utf8', timeout: 120000 });
  assert.equal(r.status, 0, r.stdout + r.stderr);
  const out = JSON.parse(r.stdout.trim().split('\n').at(-1));
  assert.equal(out.faultyEnd.reason, 'service fault: a bug in the service');
  assert.equal(out.bystanderOk, true, 'the other call goes on with its audio');
  assert.equal(out.bystanderEnded, false);
  assert.equal(out.cloudFault, true, 'a rejection with no call is an event');
  assert.equal(out.healthOk, true);
});
