// The local cloud's TURN server (cloud/turn.mjs, coturn): credentials in the ICE-servers answer, a relay-only call heard through it, wrong credentials refused.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import wrtc from '@roamhq/wrtc';
import { bodyOf, headerOf, loadTrace, SipPeer, startTestCloud } from './cloud-helpers.mjs';
import { endProcess } from './cloud-audio-peer.mjs';
import { ROOT } from '../../cloud/config.mjs';

let cloud;
let pkg;
let wrtcEnv;
before(async () => {
  for (const file of [join(ROOT, 'dist', 'acw-core.wasm'), join(ROOT, 'js', 'index.js')]) assert.ok(existsSync(file), `${file} is not built`);
  cloud = await startTestCloud({ turn: true, iceServers: [{ urls: 'stun:127.0.0.1:3478' }] });
  pkg = await import('../../js/index.js');
  wrtcEnv = await import('./wrtc-env.mjs');
});
after(async () => {
  await cloud?.stop();
  endProcess();
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(predicate, ms, what) {
  const t0 = Date.now();
  while (!predicate()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

// The trace's OPTIONS (From alice) with X-AculabTurnRequest, as the client sends it.
async function askIceServers() {
  const options = loadTrace('official-client.txt').find((m) => m.dir === 'in' && m.text.startsWith('OPTIONS')).text;
  const peer = await SipPeer.connect(cloud);
  peer.send(options);
  const res = await peer.next('SIP/2.0');
  await peer.close();
  assert.equal(res.split('\r\n')[0], 'SIP/2.0 200 OK');
  assert.equal(headerOf(res, 'Content-Type'), 'application/json');
  return JSON.parse(bodyOf(res));
}

// The candidate types a plain wrtc peer gathers against an ICE server under the relay-only policy.
async function relayGathering(server) {
  const pc = new wrtc.RTCPeerConnection({ iceServers: [server], iceTransportPolicy: 'relay' });
  const types = [];
  pc.onicecandidate = (ev) => ev.candidate && types.push(/ typ ([a-z]+)/.exec(ev.candidate.candidate)?.[1]);
  pc.createDataChannel('x');
  await pc.setLocalDescription(await pc.createOffer());
  await until(() => pc.iceGatheringState === 'complete', 15000, 'gathering complete');
  pc.close();
  return types;
}

test('the ICE-servers answer: the configured servers, then the TURN server with REST-API credentials for the client', async () => {
  const servers = await askIceServers();
  assert.equal(servers.length, 2);
  assert.deepEqual(servers[0], { urls: 'stun:127.0.0.1:3478' });
  const turn = servers[1];
  assert.deepEqual(turn.urls, [`turn:127.0.0.1:${cloud.turn.port}?transport=udp`, `turn:127.0.0.1:${cloud.turn.port}?transport=tcp`]);
  const [expiry, clientId] = turn.username.split(':');
  assert.equal(clientId, 'alice');
  const now = Date.now() / 1000;
  assert.ok(Number(expiry) > now + 60 && Number(expiry) <= now + 3600, `expiry ${expiry} is short-lived, in the future`);
  assert.equal(turn.credential, createHmac('sha1', cloud.turn.secret).update(turn.username).digest('base64'));
});

test('coturn gives a relay candidate for the handed-out credentials and refuses wrong ones', async () => {
  const [, turn] = await askIceServers();
  const udpOnly = { ...turn, urls: turn.urls[0] };
  assert.ok((await relayGathering(udpOnly)).includes('relay'), 'a relay candidate with the right credentials');
  const wrong = [
    { ...udpOnly, credential: createHmac('sha1', 'not-the-secret').update(turn.username).digest('base64') },
    { ...udpOnly, username: `${Math.floor(Date.now() / 1000) + 600}:mallory` }, // the credential is alice's
    { ...udpOnly, ...(() => { const username = `${Math.floor(Date.now() / 1000) - 10}:alice`; return { username, credential: createHmac('sha1', cloud.turn.secret).update(username).digest('base64') }; })() }, // expired
  ];
  for (const server of wrong) assert.deepEqual(await relayGathering(server), [], `refused: ${server.username}`);
});

test('a relay-only call to echo through the cloud: connects over relay candidates, the caller hears its tone', async (t) => {
  const env = wrtcEnv.makeEnvironment({ toneHz: 1000 });
  const client = new pkg.AculabCloudClient(cloud.config.cloudId, cloud.config.accessKey, 'tess', 0, {
    url: cloud.url.replace(/^http/, 'ws') + 'sipproxy',
    environment: env,
  });
  t.after(() => {
    client.close();
    env.stop();
  });
  // The cloud's servers (iceServers null), relay candidates only.
  client.setPeerConnectionConfiguration({ iceServers: null, iceTransportPolicy: 'relay' });
  const call = client.callService('echo');
  const seen = [];
  for (const name of ['onMedia', 'onConnected', 'onDisconnect']) call[name] = (obj) => seen.push({ name, obj });
  await until(() => seen.some((e) => e.name === 'onConnected') && seen.some((e) => e.name === 'onMedia' && e.obj?.stream), 20000, 'onConnected and onMedia');
  const stream = seen.find((e) => e.name === 'onMedia' && e.obj.stream).obj.stream;
  const heard = await wrtcEnv.listen(stream.getAudioTracks()[0], 1500, 1000);
  assert.ok(heard.dbfs > wrtcEnv.TONE_DBFS && heard.toneRatio > wrtcEnv.TONE_SHARE, JSON.stringify(heard));
  const stats = [...(await call.getStats()).values()];
  const pair = stats.find((s) => s.type === 'candidate-pair' && s.nominated && s.state === 'succeeded');
  assert.ok(pair, 'a nominated, succeeded candidate pair');
  const local = stats.find((s) => s.id === pair.localCandidateId);
  assert.equal(local.candidateType, 'relay', JSON.stringify(local));
  const offered = stats.filter((s) => s.type === 'local-candidate').map((s) => s.candidateType);
  assert.ok(offered.length && offered.every((type) => type === 'relay'), `local candidates: ${offered}`);
  call.disconnect();
  await until(() => seen.some((e) => e.name === 'onDisconnect'), 5000, 'onDisconnect');
});

test('the cloud stops coturn with it', async () => {
  const { startTestCloud: start } = await import('./cloud-helpers.mjs');
  const other = await start({ turn: true });
  const { child, dir } = other.turn;
  assert.equal(child.exitCode, null);
  assert.ok(existsSync(dir));
  await other.stop();
  assert.ok(child.exitCode !== null || child.signalCode !== null, 'coturn ended');
  assert.equal(existsSync(dir), false, 'its state folder removed');
});
