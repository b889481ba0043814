// The package's own client (js/) against the local cloud, in Node with wrtc: registration and token rules; calls to every service.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { basicAuth, fetchToken, startTestCloud } from './cloud-helpers.mjs';
import { endProcess } from './cloud-audio-peer.mjs';
import { ROOT } from '../../cloud/config.mjs';

let cloud;
let pkg;
let wrtcEnv;
before(async () => {
  // A missing build fails every test here (never skips them).
  for (const file of [join(ROOT, 'dist', 'acw-core.wasm'), join(ROOT, 'js', 'index.js')]) assert.ok(existsSync(file), `${file} is not built`);
  cloud = await startTestCloud({ recordSeconds: 2 });
  pkg = await import('../../js/index.js');
  await pkg.AculabCloudClient.ready;
  wrtcEnv = await import('./wrtc-env.mjs');
});
after(async () => {
  await cloud?.stop();
  endProcess();
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(predicate, ms = 10000, what = 'condition') {
  const t0 = Date.now();
  while (!predicate()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

function newClient(t, clientId, { toneHz = 1000 } = {}) {
  const env = wrtcEnv.makeEnvironment({ toneHz });
  const client = new pkg.AculabCloudClient(cloud.config.cloudId, cloud.config.accessKey, clientId, 0, {
    url: cloud.url.replace(/^http/, 'ws') + 'sipproxy',
    environment: env,
  });
  const states = [];
  client.onIncomingState = (s) => states.push(s);
  t.after(() => {
    client.close();
    env.stop();
  });
  return { client, env, states };
}

const registered = async () => (await (await fetch(new URL('webrtc_registered_clients', cloud.url), { headers: { Authorization: basicAuth(cloud) } })).json()).clients;

test('enableIncoming with a cloud token: ready (NORMAL), listed; disableIncoming: not ready, unlisted', async (t) => {
  const { client, states } = newClient(t, 'alice');
  client.maxConcurrent = 1;
  client.onIncoming = () => {};
  client.enableIncoming(await fetchToken(cloud, { client_id: 'alice' }));
  await until(() => states.length > 0, 10000, 'onIncomingState');
  assert.equal(states[0].ready, true);
  assert.equal(states[0].cause, 'NORMAL');
  assert.deepEqual(await registered(), ['alice']);
  client.disableIncoming();
  await until(() => states.length > 1, 10000, 'second onIncomingState');
  assert.equal(states[1].ready, false);
  await until(() => cloud.registrar.lookup('alice') === undefined, 5000, 'unregistration');
  assert.deepEqual(await registered(), []);
});

test('enableIncoming with a refused token reports INVALIDTOKEN: forged, expired, for another client, incoming disabled', async (t) => {
  const { TokenService } = await import('../../cloud/tokens.mjs');
  const s = Math.floor(Date.now() / 1000);
  const tokens = [
    new TokenService({ audience: '1-2-0' }).issue({ clientId: 'bob' }),
    cloud.tokens.sign({ aud: '1-2-0', sub: 'bob', scope: ['webrtcclient'], iat: s - 7200, nbf: s - 7200, exp: s - 60 }),
    await fetchToken(cloud, { client_id: 'carol' }),
    await fetchToken(cloud, { client_id: 'bob', enable_incoming: false }),
  ];
  for (const token of tokens) {
    const { client, states } = newClient(t, 'bob');
    client.onIncoming = () => {};
    client.enableIncoming(token);
    await until(() => states.length > 0, 10000, 'onIncomingState');
    assert.equal(states[0].ready, false);
    assert.equal(states[0].cause, 'INVALIDTOKEN');
    client.close();
  }
  assert.deepEqual(await registered(), []);
});

function watch(call) {
  const seen = [];
  for (const name of ['onRinging', 'onMedia', 'onConnecting', 'onConnected', 'onDisconnect']) {
    call[name] = (obj) => seen.push({ name, obj });
  }
  return seen;
}

test('callService echo: connected, the caller hears its tone back, disconnect gives NORMAL', async (t) => {
  const { client } = newClient(t, 'dora', { toneHz: 1000 });
  const call = client.callService('echo');
  const seen = watch(call);
  await until(() => seen.some((e) => e.name === 'onConnected') && seen.some((e) => e.name === 'onMedia' && e.obj?.stream), 15000, 'onConnected and onMedia');
  const media = seen.find((e) => e.name === 'onMedia' && e.obj.stream);
  assert.ok(media, `onMedia with a stream: ${seen.map((e) => e.name + ':' + Object.keys(e.obj ?? {}).join('+')).join(' ')}`);
  const heard = await wrtcEnv.listen(media.obj.stream.getAudioTracks()[0], 1500, 1000);
  assert.ok(heard.dbfs > -30 && heard.toneRatio > 0.5, JSON.stringify(heard));
  call.disconnect();
  await until(() => seen.some((e) => e.name === 'onDisconnect'), 5000, 'onDisconnect');
  assert.equal(seen.find((e) => e.name === 'onDisconnect').obj.cause, 'NORMAL');
});

test('callService failures give each cause: busy, fail-404, fail-302, fail-606, fail-500, unknown service', async (t) => {
  const { client } = newClient(t, 'erik');
  const expected = { busy: 'BUSY', 'fail-404': 'UNOBTAINABLE', 'fail-302': 'MOVED', 'fail-606': 'REJECTED', 'fail-500': 'FAILED', 'no-such-service': 'UNOBTAINABLE' };
  for (const [name, cause] of Object.entries(expected)) {
    const call = client.callService(name);
    const seen = watch(call);
    await until(() => seen.some((e) => e.name === 'onDisconnect'), 10000, `onDisconnect for ${name}`);
    assert.equal(seen.find((e) => e.name === 'onDisconnect').obj.cause, cause, name);
  }
});

test('the outbound-call API rings the client as a "service" call from the caller id; answered, it hears the playback', async (t) => {
  const { client, states } = newClient(t, 'fay');
  client.maxConcurrent = 1;
  const incoming = [];
  let heard = null;
  client.onIncoming = (obj) => {
    incoming.push(obj);
    obj.call.onMedia = (o) => {
      if (o.stream && !heard) heard = wrtcEnv.listen(o.stream.getAudioTracks()[0], 1500, 0);
    };
    obj.call.answer();
  };
  client.enableIncoming(await fetchToken(cloud, { client_id: 'fay' }));
  await until(() => states.some((s) => s.ready), 10000, 'registration');
  const res = await fetch(new URL('outbound_call', cloud.url), {
    method: 'POST',
    headers: { Authorization: basicAuth(cloud), 'Content-Type': 'application/json' },
    body: JSON.stringify({ destination: 'webrtc:fay', call_from: '441234567890', action: 'playback' }),
  });
  const { call } = await res.json();
  await until(() => incoming.length > 0, 10000, 'onIncoming');
  assert.equal(incoming[0].from, '441234567890');
  assert.equal(incoming[0].type, 'service');
  const end = await cloud.events.waitFor((e) => e.type === 'call.end' && e.call === call, 15000);
  assert.equal(end.cause, 'NORMAL');
  assert.equal(end.by, 'cloud');
  assert.ok(heard, 'onMedia with a stream');
  const level = await heard;
  assert.ok(level.dbfs > -35, `the prompt's level at the client: ${level.dbfs} dBFS`);
});

test('callService ring, early-media and playback: ringing first, early media before the answer, the cloud hanging up', async (t) => {
  // One client, three calls in a row.
  const { client } = newClient(t, 'ines', { toneHz: 500 });
  const ring = client.callService('ring');
  let seen = watch(ring);
  const t0 = Date.now();
  await until(() => seen.some((e) => e.name === 'onConnected'), 15000, 'ring answered');
  assert.ok(seen.findIndex((e) => e.name === 'onRinging') >= 0 && seen.findIndex((e) => e.name === 'onRinging') < seen.findIndex((e) => e.name === 'onConnected'));
  assert.ok(Date.now() - t0 >= 2900, `answered after ${Date.now() - t0} ms`);
  ring.disconnect();
  await until(() => seen.some((e) => e.name === 'onDisconnect'), 5000, 'ring ended');

  const early = client.callService('early-media');
  seen = watch(early);
  await until(() => seen.some((e) => e.name === 'onConnected'), 15000, 'early-media answered');
  const firstMedia = seen.findIndex((e) => e.name === 'onMedia' && e.obj?.stream);
  assert.ok(firstMedia >= 0 && firstMedia < seen.findIndex((e) => e.name === 'onConnected'), seen.map((e) => e.name).join(' '));
  early.disconnect();
  await until(() => seen.some((e) => e.name === 'onDisconnect'), 5000, 'early-media ended');

  const playback = client.callService('playback');
  seen = watch(playback);
  await until(() => seen.some((e) => e.name === 'onDisconnect'), 15000, 'playback hung up by the cloud');
  assert.ok(seen.some((e) => e.name === 'onConnected'));
  assert.equal(seen.find((e) => e.name === 'onDisconnect').obj.cause, 'NORMAL');
});

test('two package clients call each other through the cloud and hear each other', async (t) => {
  const a = newClient(t, 'gail', { toneHz: 440 });
  const b = newClient(t, 'hugo', { toneHz: 880 });
  b.client.maxConcurrent = 1;
  let bStream = null;
  b.client.onIncoming = (obj) => {
    obj.call.onMedia = (o) => {
      bStream = o.stream;
    };
    obj.call.answer();
  };
  b.client.enableIncoming(await fetchToken(cloud, { client_id: 'hugo' }));
  await until(() => b.states.some((s) => s.ready), 10000, 'registration');
  const call = a.client.callClient('hugo', await fetchToken(cloud, { client_id: 'gail', call_client: 'hugo' }));
  const seen = watch(call);
  await until(() => seen.some((e) => e.name === 'onConnected') && seen.some((e) => e.name === 'onMedia' && e.obj?.stream) && bStream, 15000, 'both connected');
  const aStream = seen.find((e) => e.name === 'onMedia' && e.obj.stream).obj.stream;
  const [atA, atB] = await Promise.all([
    wrtcEnv.listen(aStream.getAudioTracks()[0], 1500, 880),
    wrtcEnv.listen(bStream.getAudioTracks()[0], 1500, 440),
  ]);
  assert.ok(atA.toneRatio > 0.5, `caller hears ${JSON.stringify(atA)}`);
  assert.ok(atB.toneRatio > 0.5, `callee hears ${JSON.stringify(atB)}`);
  call.disconnect();
});

test('callService record: the caller\'s tone ends up in a valid Ogg Opus file, played back, then the cloud hangs up', async (t) => {
  const { loadAudio } = await import('../../cloud/audio.mjs');
  const audio = await loadAudio(cloud.config.dist);
  const { toneShare } = await import('./cloud-audio-peer.mjs');
  const { readFileSync } = await import('node:fs');
  const { client } = newClient(t, 'jack', { toneHz: 800 });
  const call = client.callService('record');
  const seen = watch(call);
  const saved = await cloud.events.waitFor((e) => e.type === 'call.recording' && e.state === 'saved', 20000);
  await until(() => seen.some((e) => e.name === 'onDisconnect'), 10000, 'the cloud hanging up');
  assert.equal(seen.find((e) => e.name === 'onDisconnect').obj.cause, 'NORMAL');
  const file = audio.readOgg(readFileSync(saved.file));
  assert.equal(file.complete, true);
  assert.ok(file.packets.length >= 75, `${file.packets.length} packets`);
  const decoder = audio.decoder(48000);
  const pcm = [];
  for (const p of file.packets.slice(10)) pcm.push(...decoder.decode(p));
  decoder.delete();
  assert.ok(toneShare(pcm, 48000, 800) > 0.8, `800 Hz share in the recording: ${toneShare(pcm, 48000, 800)}`);
});
