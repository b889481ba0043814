// A call's identity inside onDisconnect and after: callId(), callUuid and getSipHeaders() still answer once the engine has ended the call (outgoing, incoming, and calls ended by close()).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { AculabCloudClient } from 'aculab-webrtc-wasm';
import { CLOUD_ID, KEY, TOKEN, CallbackLog, ScriptedCloud, dialogOf, exitWhenDone } from './client-helpers.mjs';
import { TonePeer, makeEnvironment } from './wrtc-env.mjs';

const guard = exitWhenDone(after);

async function setUp(t) {
  const cloud = await ScriptedCloud.start();
  const env = makeEnvironment({ toneHz: 1000 });
  const client = new AculabCloudClient(CLOUD_ID, KEY, 'alice', 0, { url: cloud.url, environment: env });
  const fars = [];
  t.after(async () => {
    client.close();
    for (const far of fars) far.close();
    env.stop();
    await cloud.close();
  });
  return { cloud, client, far: () => { const f = new TonePeer({ toneHz: 440 }); fars.push(f); return f; } };
}

// What the page sees of the call inside its onDisconnect, asked before and after another input.
function askInOnDisconnect(call, header, log, client) {
  call.onDisconnect = (obj) => {
    const first = { callId: call.callId(), theCallId: call.theCallId, uuid: call.callUuid, headers: call.getSipHeaders(header) };
    client.maxConcurrent = 2; // an input from inside the callback: the engine runs again
    const second = { callId: call.callId(), headers: call.getSipHeaders(header) };
    log.push({ name: 'onDisconnect', payload: { cause: obj.cause, first, second } });
  };
}

test('outgoing: inside onDisconnect callId(), theCallId, callUuid and the answer\'s headers still answer', { timeout: 60000 }, guard(async (t) => {
  const { cloud, client, far } = await setUp(t);
  const call = client.callService('echo');
  const log = new CallbackLog();
  call.onConnected = log.record('onConnected');
  askInOnDisconnect(call, 'X-Service', log, client);
  const invite = await cloud.next('INVITE');
  const uuid = call.callUuid;
  cloud.reply(invite, 200, {
    toTag: 'stubtag1',
    headers: ['Contact: <sip:stub@127.0.0.1;transport=ws>', 'X-Service: echo'],
    body: await far().answer(invite.body),
  });
  await cloud.next('ACK');
  await log.next('onConnected');
  cloud.bye(dialogOf(invite, 'stubtag1'));
  const { payload } = await log.next('onDisconnect');
  assert.equal(payload.cause, 'NORMAL');
  const callId = invite.get('Call-ID');
  assert.deepEqual(payload.first, { callId, theCallId: callId, uuid, headers: ['echo'] });
  assert.deepEqual(payload.second, { callId, headers: ['echo'] });
  assert.equal(call.callId(), callId, 'and after onDisconnect');
}));

test('incoming: inside onDisconnect (CANCEL) callId() and the INVITE\'s headers still answer', { timeout: 60000 }, guard(async (t) => {
  const { cloud, client, far } = await setUp(t);
  const incoming = new CallbackLog();
  const log = new CallbackLog();
  client.onIncoming = (obj) => {
    askInOnDisconnect(obj.call, 'X-Custom', log, client);
    incoming.push({ name: 'onIncoming', payload: obj });
  };
  client.enableIncoming(TOKEN);
  await cloud.next('REGISTER');
  const dialog = cloud.invite({ sdp: await far().offer(), headers: ['X-Custom: hello'] });
  const { payload: { call } } = await incoming.next('onIncoming');
  const uuid = call.callUuid;
  cloud.cancel(dialog);
  const { payload } = await log.next('onDisconnect');
  assert.deepEqual(payload.first, { callId: dialog.callId, theCallId: dialog.callId, uuid, headers: ['hello'] });
  assert.deepEqual(payload.second, { callId: dialog.callId, headers: ['hello'] });
}));

test('close() ending several calls: each one\'s onDisconnect still sees its Call-ID, and callId() answers after close', { timeout: 60000 }, guard(async (t) => {
  const { cloud, client } = await setUp(t);
  client.maxConcurrent = 3;
  const calls = ['a', 'b', 'c'].map((name) => client.callService(name));
  const invites = [await cloud.next('INVITE'), await cloud.next('INVITE'), await cloud.next('INVITE')];
  const seen = [];
  for (const call of calls) call.onDisconnect = () => seen.push(call.callId());
  client.close();
  const want = invites.map((m) => m.get('Call-ID')).sort();
  assert.deepEqual([...seen].sort(), want);
  assert.deepEqual(calls.map((c) => c.callId()).sort(), want);
}));
