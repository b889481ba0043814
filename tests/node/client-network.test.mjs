// The package's client (js/ with wrtc in Node) riding through network faults the local cloud injects (cloud/faults.mjs):
// a cut socket, a half-dead socket, a caller's cut in a client-to-client call, and the limits that end a call.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { basicAuth, fetchToken, startTestCloud } from './cloud-helpers.mjs';
import { endProcess } from './cloud-audio-peer.mjs';
import { ROOT } from '../../cloud/config.mjs';

const LOG = Number(process.env.ACW_TEST_LOG_LEVEL ?? 0);
// Generous: these bound waits for what normally takes well under a second.
const WAIT = 30000;
const opts = { timeout: 120000 };

let cloud;
let pkg;
let wrtcEnv;
before(async () => {
  // A missing build fails every test here (never skips them).
  for (const file of [join(ROOT, 'dist', 'acw-core.wasm'), join(ROOT, 'js', 'index.js')]) assert.ok(existsSync(file), `${file} is not built`);
  cloud = await startTestCloud({ refuseTargetRefresh: 'refused' });
  pkg = await import('../../js/index.js');
  await pkg.AculabCloudClient.ready;
  wrtcEnv = await import('./wrtc-env.mjs');
});
after(async () => {
  await cloud?.stop();
  endProcess();
});

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function until(predicate, what, ms = WAIT) {
  const t0 = Date.now();
  while (!predicate()) {
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

async function fault(params) {
  const res = await fetch(new URL('faults', cloud.url), {
    method: 'POST',
    headers: { Authorization: basicAuth(cloud), 'Content-Type': 'application/json' },
    body: JSON.stringify(params),
  });
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  return body.fault;
}

function newClient(t, clientId, { toneHz = 1000, ...options } = {}) {
  const env = wrtcEnv.makeEnvironment({ toneHz });
  const logs = [];
  const client = new pkg.AculabCloudClient(cloud.config.cloudId, cloud.config.accessKey, clientId, Math.max(LOG, 2), {
    url: cloud.url.replace(/^http/, 'ws') + 'sipproxy',
    environment: env,
    logger: (level, text) => {
      logs.push(`${level} ${text}`);
      if (LOG) console.log(clientId, level, text);
    },
    ...options,
  });
  const states = [];
  client.onIncomingState = (s) => states.push(s);
  t.after(() => {
    client.close();
    env.stop();
  });
  return { client, env, states, logs };
}

const CALLBACKS = ['onMedia', 'onConnected', 'onDisconnect', 'onReconnecting', 'onReconnected'];
function watch(call) {
  const seen = [];
  for (const name of CALLBACKS) call[name] = (obj) => seen.push({ name, obj });
  seen.names = () => seen.map((e) => e.name);
  seen.has = (name) => seen.some((e) => e.name === name);
  seen.get = (name) => seen.find((e) => e.name === name)?.obj;
  return seen;
}

/** An echo call up with its audio back: the call, its callbacks and the track it hears. */
async function echoCall(client) {
  const call = client.callService('echo');
  const seen = watch(call);
  await until(() => seen.has('onConnected') && seen.get('onMedia')?.stream, 'onConnected and onMedia');
  const track = seen.get('onMedia').stream.getAudioTracks()[0];
  const heard = await wrtcEnv.listen(track, 1000, 1000);
  assert.ok(heard.dbfs > wrtcEnv.TONE_DBFS && heard.toneRatio > wrtcEnv.TONE_SHARE, `echo heard before the fault: ${JSON.stringify(heard)}`);
  return { call, seen, track };
}

const callEnd = (callId) => cloud.events.waitFor((e) => e.type === 'call.end' && e.sipCallId === callId, WAIT);

test('echo: the cloud cuts the socket and refuses reconnects for 3 s; the call stays up with its audio, onReconnecting then onReconnected (signalling), registration comes back, and a later hang-up ends the call NORMAL on the cloud', opts, async (t) => {
  const { client, states } = newClient(t, 'rita');
  client.enableIncoming(await fetchToken(cloud, { client_id: 'rita' }));
  await until(() => states.some((s) => s.ready), 'registration');
  const { call, seen, track } = await echoCall(client);
  const callId = call.callId();
  assert.ok(callId, 'the call has its Call-ID');

  states.length = 0;
  await fault({ fault: 'close', client: 'rita', ms: 3000 });
  await until(() => seen.has('onReconnecting'), 'onReconnecting');
  assert.deepEqual(seen.get('onReconnecting'), { call, reason: 'signalling' });
  // The media does not use the socket: the echo keeps coming back while signalling is away.
  const during = await wrtcEnv.listen(track, 1000, 1000);
  assert.ok(!seen.has('onReconnected'), `still reconnecting after the 1 s listen (reconnects are refused for 3 s): ${seen.names()}`);
  assert.ok(during.dbfs > wrtcEnv.TONE_DBFS && during.toneRatio > wrtcEnv.TONE_SHARE, `echo heard during the outage: ${JSON.stringify(during)}`);

  await until(() => seen.has('onReconnected'), 'onReconnected');
  assert.deepEqual(seen.get('onReconnected'), { call, reason: 'signalling' });
  assert.ok(!seen.has('onDisconnect'), `no onDisconnect: ${seen.names()}`);
  assert.ok(states.some((s) => !s.ready), `the registration was reported lost: ${JSON.stringify(states)}`);
  await until(() => states.length && states.at(-1).ready, 'registration back');
  const after = await wrtcEnv.listen(track, 1000, 1000);
  assert.ok(after.toneRatio > wrtcEnv.TONE_SHARE, `echo heard after the reconnect: ${JSON.stringify(after)}`);

  const ended = callEnd(callId);
  call.disconnect();
  await until(() => seen.has('onDisconnect'), 'onDisconnect');
  assert.equal(seen.get('onDisconnect').cause, 'NORMAL');
  const end = await ended;
  assert.equal(end.cause, 'NORMAL', JSON.stringify(end));
  assert.match(end.reason, /BYE/, `the client's BYE (on its new socket) ended it: ${JSON.stringify(end)}`);
});

test('half-dead socket: the cloud stops answering; the keep-alive (interval 2 s, timeout 1 s here) notices, the client reconnects and the call survives', opts, async (t) => {
  const { client, logs } = newClient(t, 'hank', { keepAlive: { interval: 2000, timeout: 1000 } });
  const { call, seen, track } = await echoCall(client);
  await fault({ fault: 'half-dead', client: 'hank' });
  const t0 = Date.now();
  await until(() => seen.has('onReconnecting'), 'the keep-alive noticing the dead socket');
  const noticed = Date.now() - t0;
  assert.ok(logs.some((l) => l.includes('no answer to the keep-alive')), `the log says why: ${logs.slice(-5).join(' | ')}`);
  await until(() => seen.has('onReconnected'), 'onReconnected on a new socket');
  assert.ok(!seen.has('onDisconnect'), `no onDisconnect: ${seen.names()}`);
  const after = await wrtcEnv.listen(track, 1000, 1000);
  assert.ok(after.toneRatio > wrtcEnv.TONE_SHARE, `echo heard after the reconnect: ${JSON.stringify(after)}`);
  t.diagnostic(`dead socket noticed after ${noticed} ms (bound: interval + timeout = 3000 ms after the last traffic)`);
  call.disconnect();
  await until(() => seen.has('onDisconnect'), 'onDisconnect');
  assert.equal(seen.get('onDisconnect').cause, 'NORMAL');
});

test('client to client: the caller\'s socket is cut; the callee sees no disconnect, audio goes on both ways, and the caller\'s hang-up after the reconnect reaches the callee', opts, async (t) => {
  const a = newClient(t, 'carl', { toneHz: 440 });
  const b = newClient(t, 'bess', { toneHz: 880 });
  let bCall = null;
  let bSeen = null;
  b.client.onIncoming = (obj) => {
    bCall = obj.call;
    bSeen = watch(bCall);
    bCall.answer();
  };
  b.client.enableIncoming(await fetchToken(cloud, { client_id: 'bess' }));
  await until(() => b.states.some((s) => s.ready), 'registration');
  const call = a.client.callClient('bess', await fetchToken(cloud, { client_id: 'carl', call_client: 'bess' }));
  const seen = watch(call);
  await until(() => seen.has('onConnected') && seen.get('onMedia')?.stream && bSeen?.get('onMedia')?.stream, 'both connected');
  const atA = seen.get('onMedia').stream.getAudioTracks()[0];
  const atB = bSeen.get('onMedia').stream.getAudioTracks()[0];

  await fault({ fault: 'close', client: 'carl', ms: 2000 });
  await until(() => seen.has('onReconnecting'), 'the caller reconnecting');
  const [duringA, duringB] = await Promise.all([wrtcEnv.listen(atA, 1000, 880), wrtcEnv.listen(atB, 1000, 440)]);
  assert.ok(duringA.toneRatio > wrtcEnv.TONE_SHARE, `the caller hears the callee during the outage: ${JSON.stringify(duringA)}`);
  assert.ok(duringB.toneRatio > wrtcEnv.TONE_SHARE, `the callee hears the caller during the outage: ${JSON.stringify(duringB)}`);
  await until(() => seen.has('onReconnected'), 'the caller reconnected');
  assert.ok(!bSeen.has('onDisconnect') && !seen.has('onDisconnect'), `nobody disconnected: caller ${seen.names()}, callee ${bSeen.names()}`);

  call.disconnect();
  await until(() => bSeen.has('onDisconnect'), 'the callee hearing the BYE');
  assert.equal(bSeen.get('onDisconnect').cause, 'NORMAL');
});

test('the limits: signalling away longer than reconnect.limit ends the call FAILED; a target refresh the cloud refuses (481) ends it FAILED at once', opts, async (t) => {
  const { client } = newClient(t, 'lena', { reconnect: { limit: 3000 } });
  const { seen } = await echoCall(client);
  const t0 = Date.now();
  await fault({ fault: 'close', client: 'lena', ms: 15000 });
  await until(() => seen.has('onDisconnect'), 'the call ending at the limit');
  assert.equal(seen.get('onDisconnect').cause, 'FAILED');
  assert.ok(seen.has('onReconnecting') && !seen.has('onReconnected'), `reconnecting, never reconnected: ${seen.names()}`);
  t.diagnostic(`ended ${Date.now() - t0} ms after the cut (limit 3000 ms)`);

  // The cloud's test switch refuses client "refused"'s target refreshes with 481.
  const r = newClient(t, 'refused');
  const refused = await echoCall(r.client);
  await fault({ fault: 'close', client: 'refused' });
  await until(() => refused.seen.has('onDisconnect'), 'the refused target refresh ending the call');
  assert.equal(refused.seen.get('onDisconnect').cause, 'FAILED');
  assert.ok(r.logs.some((l) => l.includes('re-INVITE refused: 481')), `the log says why: ${r.logs.slice(-5).join(' | ')}`);
});
