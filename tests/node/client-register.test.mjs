// enableIncoming/disableIncoming through the package against a scripted cloud over a real WebSocket: REGISTER and OPTIONS as the traces, onIncomingState for ready, bad tokens, failures, disable, and a dropped socket with its reconnect.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { AculabCloudClient } from 'aculab-webrtc-wasm';
import { AOR, CLOUD_ID, KEY, TOKEN, CallbackLog, ScriptedCloud, exitWhenDone, sleep, until } from './client-helpers.mjs';

const guard = exitWhenDone(after, { audio: false });

const OTHER_TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZTIifQ.sig2';
// Signalling only: no media APIs are needed (and none are touched).
const env = { WebSocket };

async function setUp(t, cloudOptions) {
  const cloud = await ScriptedCloud.start(cloudOptions);
  const logs = [];
  const client = new AculabCloudClient(CLOUD_ID, KEY, 'alice', 6, {
    url: cloud.url, environment: env, logger: (level, text) => logs.push({ level, text }),
  });
  const states = new CallbackLog();
  client.onIncomingState = states.record('onIncomingState');
  t.after(async () => {
    client.close();
    await cloud.close();
  });
  return { cloud, client, states, logs };
}

const state = async (states) => (await states.next('onIncomingState')).payload;

test('enableIncoming: REGISTER with the Bearer token, OPTIONS for ICE servers, then ready', { timeout: 60000 }, guard(async (t) => {
  const { cloud, client, states, logs } = await setUp(t, { iceServers: '[{"urls":"stun:stun.example.net"}]' });
  client.enableIncoming(TOKEN);
  const reg = await cloud.next('REGISTER');
  assert.equal(reg.uri, `sip:${KEY}.webrtc-${CLOUD_ID}.aculabcloud.net`);
  assert.equal(reg.get('To'), `<${AOR}>`);
  assert.match(reg.get('From'), new RegExp(`^<${AOR}>;tag=\\S+$`));
  assert.equal(reg.get('Authorization'), `Bearer ${TOKEN}`);
  assert.match(reg.get('Contact'), /^<sip:[a-z0-9]+@[a-z0-9]+\.invalid;transport=ws>;expires=600$/);
  assert.equal(reg.get('CSeq').split(' ')[1], 'REGISTER');
  assert.equal(reg.get('User-Agent'), 'AculabCloudClient');
  const opt = await cloud.next('OPTIONS');
  assert.equal(opt.uri, `sip:webrtc-${CLOUD_ID}.aculabcloud.net`);
  assert.equal(opt.get('X-AculabTurnRequest'), '1');
  assert.deepEqual(await state(states), { ready: true, cause: 'NORMAL', retry: true });
  assert.equal(cloud.protocols[0], 'sip');
  assert.ok(logs.some((l) => l.level === 6 && l.text.includes('REGISTER sip:')), 'log level 6 carries SIP traces');

  // A new token re-registers with it (same Call-ID, next CSeq).
  client.enableIncoming(OTHER_TOKEN);
  const again = await cloud.next('REGISTER');
  assert.equal(again.get('Authorization'), `Bearer ${OTHER_TOKEN}`);
  assert.equal(again.get('Call-ID'), reg.get('Call-ID'));
  assert.equal(again.cseq.number, reg.cseq.number + 1);
  assert.deepEqual(await state(states), { ready: true, cause: 'NORMAL', retry: true });
}));

for (const status of [401, 403]) {
  test(`a ${status} to REGISTER: onIncomingState INVALIDTOKEN without retry; a new token registers`, { timeout: 60000 }, guard(async (t) => {
    let answer = status;
    const { cloud, client, states } = await setUp(t, { registerStatus: () => answer });
    client.enableIncoming(TOKEN);
    await cloud.next('REGISTER');
    assert.deepEqual(await state(states), { ready: false, cause: 'INVALIDTOKEN', retry: false });
    await sleep(1500);
    assert.equal(cloud.seen('REGISTER').length, 1, 'no retry with a refused token');
    answer = 200;
    client.enableIncoming(OTHER_TOKEN);
    assert.equal((await cloud.next('REGISTER')).get('Authorization'), `Bearer ${OTHER_TOKEN}`);
    assert.deepEqual(await state(states), { ready: true, cause: 'NORMAL', retry: true });
  }));
}

test('another failure (503) gives FAILED with retry', { timeout: 60000 }, guard(async (t) => {
  const { cloud, client, states } = await setUp(t, { registerStatus: 503 });
  client.enableIncoming(TOKEN);
  await cloud.next('REGISTER');
  assert.deepEqual(await state(states), { ready: false, cause: 'FAILED', retry: true });
}));

test('disableIncoming: REGISTER expires=0 without Authorization, then not ready, cause NORMAL, no retry; the socket closes', { timeout: 60000 }, guard(async (t) => {
  const { cloud, client, states } = await setUp(t);
  client.enableIncoming(TOKEN);
  const reg = await cloud.next('REGISTER');
  assert.equal((await state(states)).ready, true);
  client.disableIncoming();
  const unreg = await cloud.next('REGISTER');
  assert.match(unreg.get('Contact'), /;expires=0$/);
  assert.equal(unreg.get('Authorization'), undefined);
  assert.equal(unreg.get('Call-ID'), reg.get('Call-ID'));
  assert.deepEqual(await state(states), { ready: false, cause: 'NORMAL', retry: false });
  // Nothing needs the cloud now: the client lets the socket go.
  await until(() => cloud.closed === 1, { what: 'the socket to close' });
  await sleep(1500);
  assert.equal(cloud.opened, 1, 'and does not open another');
}));

test('the socket drops while registered: DISCONNECTED with retry, then the client reconnects, registers again and is ready', { timeout: 60000 }, guard(async (t) => {
  const { cloud, client, states } = await setUp(t);
  client.enableIncoming(TOKEN);
  const first = await cloud.next('REGISTER');
  assert.equal((await state(states)).ready, true);
  cloud.drop();
  assert.deepEqual(await state(states), { ready: false, cause: 'DISCONNECTED', retry: true });
  const again = await cloud.next('REGISTER');
  assert.equal(cloud.opened, 2, 'a new WebSocket');
  assert.equal(again.get('Authorization'), `Bearer ${TOKEN}`);
  assert.equal(again.get('Call-ID'), first.get('Call-ID'));
  await cloud.next('OPTIONS'); // ICE servers refreshed on reconnect
  assert.deepEqual(await state(states), { ready: true, cause: 'NORMAL', retry: true });
}));

test('a cloud that refuses connections: DISCONNECTED with retry, and the client keeps trying', { timeout: 60000 }, guard(async (t) => {
  const { cloud, client, states } = await setUp(t);
  client.enableIncoming(TOKEN);
  await cloud.next('REGISTER');
  await state(states);
  // The cloud goes away: its port stops listening.
  const { port } = cloud.wss.address();
  await cloud.close();
  assert.deepEqual(await state(states), { ready: false, cause: 'DISCONNECTED', retry: true });
  const back = await ScriptedCloud.startOn(port);
  t.after(() => back.close());
  await back.next('REGISTER');
  assert.deepEqual(await state(states), { ready: true, cause: 'NORMAL', retry: true });
}));

test('onIncomingState that throws is caught and logged; registration goes on', { timeout: 60000 }, guard(async (t) => {
  const { cloud, client, logs } = await setUp(t);
  let calls = 0;
  client.onIncomingState = () => {
    calls++;
    throw new Error('page bug');
  };
  client.enableIncoming(TOKEN);
  await cloud.next('REGISTER');
  await until(() => calls === 1, { what: 'onIncomingState' });
  assert.ok(logs.some((l) => l.level === 1 && /onIncomingState callback threw: Error: page bug/.test(l.text)));
  client.disableIncoming();
  const unreg = await cloud.next('REGISTER');
  assert.match(unreg.get('Contact'), /;expires=0$/);
}));

test('close() from inside onIncomingState still removes the registration', { timeout: 60000 }, guard(async (t) => {
  const { cloud, client } = await setUp(t);
  client.onIncomingState = (state) => {
    if (state.ready) client.close();
  };
  client.enableIncoming(TOKEN);
  await cloud.next('REGISTER');
  const unreg = await cloud.next('REGISTER');
  assert.match(unreg.get('Contact'), /;expires=0$/);
  await until(() => cloud.closed === 1, { what: 'the socket to close' });
  assert.throws(() => client.enableIncoming(TOKEN), (e) => e === 'Client closed');
}));
