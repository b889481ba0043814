// A client's life with real media: page callbacks that throw never break it or other calls, and close() during a call ends everything it started (BYE, unREGISTER, socket, peer connection, microphone, timers).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { AculabCloudClient } from 'aculab-webrtc-wasm';
import { CLOUD_ID, KEY, TOKEN, CallbackLog, ScriptedCloud, dialogOf, exitWhenDone, sleep, until } from './client-helpers.mjs';
import { TONE_DBFS, TONE_SHARE, TonePeer, hearTone, makeEnvironment } from './wrtc-env.mjs';

const guard = exitWhenDone(after);
const STUB_CONTACT = 'Contact: <sip:stub@127.0.0.1;transport=ws>';
const CALLBACKS = ['onRinging', 'onMedia', 'onLocalMedia', 'onConnected', 'onDisconnect'];

function assertTone(result, hz, who) {
  assert.ok(result.dbfs > TONE_DBFS, `${who}: level ${result.dbfs.toFixed(1)} dBFS, want > ${TONE_DBFS}`);
  assert.ok(result.toneRatio > TONE_SHARE, `${who}: ${hz} Hz share ${result.toneRatio.toFixed(2)}, want > ${TONE_SHARE}`);
}

test('a page callback that throws is caught and logged; that call and the others go on', { timeout: 90000 }, guard(async (t) => {
  const cloud = await ScriptedCloud.start();
  const env = makeEnvironment({ toneHz: 1000 });
  const logs = [];
  const client = new AculabCloudClient(CLOUD_ID, KEY, 'alice', 1, { url: cloud.url, environment: env, logger: (level, text) => logs.push({ level, text }) });
  const fars = [new TonePeer({ toneHz: 440 }), new TonePeer({ toneHz: 770 })];
  t.after(async () => {
    client.close();
    fars.forEach((f) => f.close());
    env.stop();
    await cloud.close();
  });
  client.maxConcurrent = 2;

  // Call A: every callback records, then throws.
  const a = client.callService('first');
  const aLog = new CallbackLog();
  for (const name of CALLBACKS) {
    a[name] = (obj) => {
      aLog.push({ name, payload: obj });
      throw new Error(`page bug in ${name}`);
    };
  }
  const b = client.callService('second');
  const bLog = new CallbackLog();
  for (const name of CALLBACKS) b[name] = bLog.record(name);

  const inviteA = await cloud.next((m) => m.method === 'INVITE' && m.uri.startsWith('sip:first@'));
  const inviteB = await cloud.next((m) => m.method === 'INVITE' && m.uri.startsWith('sip:second@'));
  for (const [invite, tag] of [[inviteA, 'a1'], [inviteB, 'b1']]) cloud.reply(invite, 180, { toTag: tag, headers: [STUB_CONTACT] });
  await aLog.next('onRinging');
  await bLog.next('onRinging');
  cloud.reply(inviteA, 200, { toTag: 'a1', headers: [STUB_CONTACT], body: await fars[0].answer(inviteA.body) });
  cloud.reply(inviteB, 200, { toTag: 'b1', headers: [STUB_CONTACT], body: await fars[1].answer(inviteB.body) });
  await aLog.next('onConnected');
  await bLog.next('onConnected');
  const aMedia = await aLog.next('onMedia');
  const bMedia = await bLog.next('onMedia');
  assertTone(await hearTone(aMedia.payload.stream.getAudioTracks()[0], 440), 440, 'call A (whose callbacks throw) has audio');
  assertTone(await hearTone(bMedia.payload.stream.getAudioTracks()[0], 770), 770, 'call B has audio');

  cloud.bye(dialogOf(inviteA, 'a1'));
  assert.equal((await aLog.next('onDisconnect')).payload.cause, 'NORMAL');
  for (const name of ['onLocalMedia', 'onRinging', 'onMedia', 'onConnected', 'onDisconnect']) {
    assert.ok(logs.some((l) => l.level === 1 && l.text.includes(`${name} callback threw: Error: page bug in ${name}`)), `${name} logged`);
  }
  // B is untouched and still carries audio; the client still takes commands.
  assertTone(await hearTone(bMedia.payload.stream.getAudioTracks()[0], 770), 770, 'call B after A ended');
  assert.equal(bLog.peek((e) => e.name === 'onDisconnect').length, 0);
  b.disconnect();
  await cloud.next('BYE');
  assert.equal((await bLog.next('onDisconnect')).payload.cause, 'NORMAL');
}));

test('close() during a call while registered: BYE and unREGISTER go out, the call ends NORMAL, the peer connection and microphone stop, the socket closes, the page is told incoming is off, no timer stays', { timeout: 90000 }, guard(async (t) => {
  const cloud = await ScriptedCloud.start();
  const env = makeEnvironment({ toneHz: 1000 });
  const client = new AculabCloudClient(CLOUD_ID, KEY, 'alice', 0, { url: cloud.url, environment: env });
  const far = new TonePeer({ toneHz: 440 });
  t.after(async () => {
    client.close();
    far.close();
    env.stop();
    await cloud.close();
  });
  const states = new CallbackLog();
  client.onIncomingState = states.record('onIncomingState');
  client.enableIncoming(TOKEN);
  await cloud.next('REGISTER');
  assert.equal((await states.next('onIncomingState')).payload.ready, true);
  const call = client.callService('echo');
  const log = new CallbackLog();
  for (const name of CALLBACKS) call[name] = log.record(name);
  const invite = await cloud.next('INVITE');
  cloud.reply(invite, 200, { toTag: 'z1', headers: [STUB_CONTACT], body: await far.answer(invite.body) });
  await log.next('onConnected');
  assertTone(await hearTone(await far.remoteTrack(), 1000), 1000, 'far side hears the client');

  client.close();
  const bye = await cloud.next('BYE');
  assert.equal(bye.get('Call-ID'), invite.get('Call-ID'));
  const unregister = await cloud.next('REGISTER');
  assert.match(unregister.get('Contact'), /;expires=0$/);
  assert.equal((await log.next('onDisconnect')).payload.cause, 'NORMAL');
  // The page hears that incoming calls are off, as disableIncoming() would have told it.
  assert.deepEqual(states.items.filter((e) => !e.taken).map((e) => e.payload), [{ ready: false, cause: 'NORMAL', retry: false }]);
  await until(() => cloud.closed === 1, { what: 'the socket to close' });
  assert.equal(env.peers[0].connectionState, 'closed', 'peer connection closed');
  assert.equal(env.streams[0].getAudioTracks()[0].readyState, 'ended', 'microphone track stopped');

  // What is left running is the test's own (tone timers, far peer, server): stop them and no
  // timer or socket of the client's remains.
  far.close();
  env.stop();
  await cloud.close();
  await sleep(100);
  await until(() => !process.getActiveResourcesInfo().some((r) => /Timeout|TCP|Connect/.test(r)), {
    what: `no timers or sockets; open: ${JSON.stringify(process.getActiveResourcesInfo())}`,
    timeout: 10000,
  });
}));
