// Incoming calls through the package: the scripted cloud INVITEs the registered client with a wrtc far peer's offer; onIncoming's fields, ringing(), answer() with audio both ways, reject() codes, maxConcurrent, no/throwing onIncoming, CANCEL, DEVICE_ERROR.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { AculabCloudClient } from 'aculab-webrtc-wasm';
import { CLIENT_HOST, CLOUD_ID, KEY, SERVICE_HOST, TOKEN, CallbackLog, ScriptedCloud, exitWhenDone, sleep, until } from './client-helpers.mjs';
import { TONE_DBFS, TONE_SHARE, TonePeer, hearTone, makeEnvironment } from './wrtc-env.mjs';

const guard = exitWhenDone(after);
const CALLBACKS = ['onRinging', 'onMedia', 'onLocalMedia', 'onConnecting', 'onConnected', 'onDisconnect'];
const LOG = Number(process.env.ACW_TEST_LOG_LEVEL ?? 0);

// A registered client whose onIncoming hands each call to the test.
async function setUp(t, { envOptions = {}, onIncoming } = {}) {
  const cloud = await ScriptedCloud.start();
  const env = makeEnvironment({ toneHz: 1000, ...envOptions });
  const logs = [];
  const client = new AculabCloudClient(CLOUD_ID, KEY, 'alice', Math.max(LOG, 1), {
    url: cloud.url,
    environment: env,
    logger: (level, text) => {
      logs.push({ level, text });
      if (LOG) console.log(level, text);
    },
  });
  const incoming = new CallbackLog();
  const fars = [];
  client.onIncoming = onIncoming ?? ((obj) => {
    const log = new CallbackLog();
    for (const name of CALLBACKS) obj.call[name] = log.record(name);
    incoming.push({ name: 'onIncoming', payload: obj, log });
  });
  const states = new CallbackLog();
  client.onIncomingState = states.record('onIncomingState');
  client.enableIncoming(TOKEN);
  await cloud.next('REGISTER');
  assert.equal((await states.next('onIncomingState')).payload.ready, true);
  t.after(async () => {
    client.close();
    for (const far of fars) far.close();
    env.stop();
    await cloud.close();
  });
  const far = (opts) => {
    const f = new TonePeer(opts);
    fars.push(f);
    return f;
  };
  return { cloud, env, client, logs, incoming, far };
}

// A response of the client to the INVITE of `dialog`.
const answerTo = (cloud, dialog, status) =>
  cloud.next((m) => m.status === status && m.cseq?.method === 'INVITE' && m.get('Call-ID') === dialog.callId, { what: `${status} to INVITE` });
const finalTo = (cloud, dialog) =>
  cloud.next((m) => m.status >= 200 && m.cseq?.method === 'INVITE' && m.get('Call-ID') === dialog.callId, { what: 'final response to INVITE' });

function assertTone(result, hz, who) {
  assert.ok(result.dbfs > TONE_DBFS, `${who}: level ${result.dbfs.toFixed(1)} dBFS, want > ${TONE_DBFS}`);
  assert.ok(result.toneRatio > TONE_SHARE, `${who}: ${hz} Hz share ${result.toneRatio.toFixed(2)}, want > ${TONE_SHARE}`);
}

// An offer's SDP with its audio direction changed (only the test's text is edited).
const withDirection = (sdp, dir) => sdp.replace(/^a=(sendrecv|sendonly|recvonly|inactive)$/m, `a=${dir}`);

test('a call from a service: onIncoming fields, 100, ringing() -> 180, answer() -> 200 with SDP, ACK -> onConnected, audio both ways, BYE -> NORMAL', { timeout: 90000 }, guard(async (t) => {
  const { cloud, incoming, far } = await setUp(t);
  const peer = far({ toneHz: 440 });
  const dialog = cloud.invite({ sdp: await peer.offer(), headers: ['X-Custom: hello'] });
  const trying = await answerTo(cloud, dialog, 100);
  assert.equal(trying.tag('To'), undefined);
  const { payload, log } = await incoming.next('onIncoming');
  const { call, ...fields } = payload;
  assert.deepEqual(fields, {
    from: '441234567890', type: 'service',
    offeringAudio: true, canReceiveAudio: true, offeringVideo: false, canReceiveVideo: false,
  });
  assert.equal(call.constructor.name, 'AculabCloudIncomingCall');
  assert.equal(call.callId(), dialog.callId);
  assert.deepEqual(call.getSipHeaders('X-Custom'), ['hello']);
  assert.match(call.callUuid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);

  call.ringing();
  const ringing = await answerTo(cloud, dialog, 180);
  assert.ok(ringing.tag('To'), '180 carries our To tag');
  assert.match(ringing.get('Contact'), /^<sip:[a-z0-9]+@[a-z0-9]+\.invalid;transport=ws>$/);

  call.answer();
  const ok = await answerTo(cloud, dialog, 200);
  assert.equal(ok.tag('To'), ringing.tag('To'), 'one dialog');
  assert.equal(ok.get('Content-Type'), 'application/sdp');
  assert.match(ok.body, /^a=candidate:/m);
  assert.match(ok.get('Contact'), /^<sip:[a-z0-9]+@[a-z0-9]+\.invalid;transport=ws>$/);
  const local = await log.next('onLocalMedia');
  assert.equal(local.payload.stream.getAudioTracks().length, 1);
  await peer.accept(ok.body);
  cloud.ack(dialog, ok);
  await log.next('onConnected');

  const media = await log.next('onMedia');
  assertTone(await hearTone(media.payload.stream.getAudioTracks()[0], 440), 440, 'client hears the caller');
  assertTone(await hearTone(await peer.remoteTrack(), 1000), 1000, 'caller hears the client');

  cloud.bye(dialog);
  const byeOk = await cloud.next((m) => m.status === 200 && m.cseq?.method === 'BYE');
  assert.equal(byeOk.get('Call-ID'), dialog.callId);
  const gone = await log.next('onDisconnect');
  assert.equal(gone.payload.cause, 'NORMAL');
  assert.equal(gone.payload.call, call);
}));

test('onIncoming type and media fields: "client", "other", and the offer\'s directions', { timeout: 60000 }, guard(async (t) => {
  const { cloud, incoming, far } = await setUp(t);
  const offer = await far().offer();
  const cases = [
    { fromHost: CLIENT_HOST, fromUser: 'bob', sdp: offer, want: { from: 'bob', type: 'client', offeringAudio: true, canReceiveAudio: true } },
    { fromHost: 'pbx.example.com', fromUser: '4420', sdp: withDirection(offer, 'sendonly'), want: { from: '4420', type: 'other', offeringAudio: true, canReceiveAudio: false } },
    { fromHost: SERVICE_HOST, fromUser: 'svc', sdp: withDirection(offer, 'recvonly'), want: { from: 'svc', type: 'service', offeringAudio: false, canReceiveAudio: true } },
    { fromHost: `other.webrtc-${CLOUD_ID}.aculabcloud.net`, fromUser: 'eve', sdp: offer, want: { from: 'eve', type: 'other', offeringAudio: true, canReceiveAudio: true } },
  ];
  for (const c of cases) {
    const dialog = cloud.invite({ sdp: c.sdp, fromHost: c.fromHost, fromUser: c.fromUser });
    const { payload } = await incoming.next('onIncoming');
    const { call, ...fields } = payload;
    assert.deepEqual(fields, { ...c.want, offeringVideo: false, canReceiveVideo: false }, c.fromHost);
    call.reject(486);
    cloud.ackFailure(dialog, await answerTo(cloud, dialog, 486));
  }
}));

test('reject(code): 400-699 as given; nothing, a non-number or a code out of range gives 486', { timeout: 90000 }, guard(async (t) => {
  const { cloud, incoming, far } = await setUp(t);
  const offer = await far().offer();
  const cases = [[603, 603], ['480', 480], [400, 400], [699, 699], [undefined, 486], ['busy', 486], [700, 486], [399, 486], [200, 486], [2 ** 32 + 603, 486], [-(2 ** 32) + 603, 486], [1e300, 486]];
  for (const [code, want] of cases) {
    const dialog = cloud.invite({ sdp: offer });
    const { payload, log } = await incoming.next('onIncoming');
    payload.call.ringing();
    await answerTo(cloud, dialog, 180);
    if (code === undefined) payload.call.reject();
    else payload.call.reject(code);
    const final = await finalTo(cloud, dialog);
    assert.equal(final.status, want, `reject(${JSON.stringify(code)})`);
    cloud.ackFailure(dialog, final);
    assert.equal((await log.next('onDisconnect')).payload.cause, 'NORMAL');
  }
}));

test('maxConcurrent: a call beyond it gets 486 without onIncoming; raising it lets the next one in', { timeout: 60000 }, guard(async (t) => {
  const { cloud, client, incoming, far } = await setUp(t);
  const offer = await far().offer();
  const first = cloud.invite({ sdp: offer });
  const one = await incoming.next('onIncoming');
  const second = cloud.invite({ sdp: offer });
  const busy = await finalTo(cloud, second);
  assert.equal(busy.status, 486);
  cloud.ackFailure(second, busy);
  await sleep(300);
  assert.equal(incoming.peek().length, 0, 'onIncoming not called for the refused call');

  client.maxConcurrent = 2;
  assert.equal(client.maxConcurrent, 2);
  const third = cloud.invite({ sdp: offer });
  const three = await incoming.next('onIncoming');
  assert.equal(three.payload.call.callId(), third.callId);
  // An outgoing call counts too: with two calls up a third is refused.
  assert.throws(() => client.callService('echo'), (e) => e === 'Too many calls');
  one.payload.call.reject();
  three.payload.call.reject();
  cloud.ackFailure(first, await finalTo(cloud, first));
  cloud.ackFailure(third, await finalTo(cloud, third));
}));

test('with no onIncoming the call gets 480; an onIncoming that throws is logged and the call rejected', { timeout: 60000 }, guard(async (t) => {
  let throwIt = false;
  const { cloud, client, logs, far, incoming } = await setUp(t, {
    onIncoming: (obj) => {
      if (throwIt) throw new Error('page bug');
      incoming.push({ name: 'onIncoming', payload: obj });
    },
  });
  const offer = await far().offer();
  const saved = client.onIncoming;
  client.onIncoming = null;
  const first = cloud.invite({ sdp: offer });
  const unavailable = await finalTo(cloud, first);
  assert.equal(unavailable.status, 480);
  cloud.ackFailure(first, unavailable);

  client.onIncoming = saved;
  throwIt = true;
  const second = cloud.invite({ sdp: offer });
  const refused = await finalTo(cloud, second);
  assert.equal(refused.status, 500);
  cloud.ackFailure(second, refused);
  assert.ok(logs.some((l) => l.level === 1 && /onIncoming threw: Error: page bug/.test(l.text)), 'logged');

  // The client goes on: the next call is offered normally.
  throwIt = false;
  const third = cloud.invite({ sdp: offer });
  const { payload } = await incoming.next('onIncoming');
  assert.equal(payload.call.callId(), third.callId);
  payload.call.reject(486);
  cloud.ackFailure(third, await finalTo(cloud, third));
}));

test('non-ASCII text in a received frame arrives as UTF-8: display name, header values, a frame that outgrows the buffer', { timeout: 60000 }, guard(async (t) => {
  const { cloud, incoming, far } = await setUp(t);
  const offer = await far().offer();
  // 2-, 3- and 4-byte UTF-8 (é, €, a surrogate pair); the second INVITE is over 16 KB of UTF-8,
  // more than the client's first frame buffer (js/frames.js), most of it 2-byte characters.
  const name = 'José Müller €5 𝄞';
  const long = 'é'.repeat(9000) + '𝄞';
  for (const [i, note] of [[1, 'café ☕ naïve'], [2, long]]) {
    const dialog = cloud.invite({ sdp: offer, fromName: name, headers: [`X-Note: ${note}`] });
    const trying = await answerTo(cloud, dialog, 100);
    assert.equal(trying.get('From'), dialog.from, `INVITE ${i}: From copied into the 100 byte for byte`);
    const { payload } = await incoming.next('onIncoming');
    assert.equal(payload.from, '441234567890');
    assert.deepEqual(payload.call.getSipHeaders('X-Note'), [note], `INVITE ${i}: X-Note`);
    assert.deepEqual(payload.call.getSipHeaders('From'), [dialog.from], `INVITE ${i}: From`);
    payload.call.reject(486);
    const final = await finalTo(cloud, dialog);
    assert.equal(final.status, 486);
    cloud.ackFailure(dialog, final);
  }
}));

test('CANCEL from the caller while ringing: 200 to the CANCEL, 487 to the INVITE, onDisconnect NOANSWER', { timeout: 60000 }, guard(async (t) => {
  const { cloud, incoming, far } = await setUp(t);
  const dialog = cloud.invite({ sdp: await far().offer() });
  const { payload, log } = await incoming.next('onIncoming');
  payload.call.ringing();
  await answerTo(cloud, dialog, 180);
  cloud.cancel(dialog);
  const cancelOk = await cloud.next((m) => m.status === 200 && m.cseq?.method === 'CANCEL');
  assert.equal(cancelOk.get('Call-ID'), dialog.callId);
  const terminated = await answerTo(cloud, dialog, 487);
  cloud.ackFailure(dialog, terminated);
  assert.equal((await log.next('onDisconnect')).payload.cause, 'NOANSWER');
  payload.call.disconnect(); // a finished call: nothing happens
}));

test('disconnect() on an unanswered incoming call rejects it with 486', { timeout: 60000 }, guard(async (t) => {
  const { cloud, incoming, far } = await setUp(t);
  const dialog = cloud.invite({ sdp: await far().offer() });
  const { payload, log } = await incoming.next('onIncoming');
  payload.call.disconnect();
  const final = await finalTo(cloud, dialog);
  assert.equal(final.status, 486);
  cloud.ackFailure(dialog, final);
  assert.equal((await log.next('onDisconnect')).payload.cause, 'NORMAL');
}));

test('answer() with no microphone: the call is refused and ends with DEVICE_ERROR', { timeout: 60000 }, guard(async (t) => {
  const { cloud, incoming, far } = await setUp(t, { envOptions: { failMic: true } });
  const dialog = cloud.invite({ sdp: await far().offer() });
  const { payload, log } = await incoming.next('onIncoming');
  payload.call.answer();
  const final = await finalTo(cloud, dialog);
  assert.ok(final.status >= 400, `final ${final.status}`);
  cloud.ackFailure(dialog, final);
  assert.equal((await log.next('onDisconnect')).payload.cause, 'DEVICE_ERROR');
}));

test('answer() with a localStream and receiveAudio: the page\'s stream is sent', { timeout: 90000 }, guard(async (t) => {
  const { cloud, incoming, far, env } = await setUp(t, { envOptions: { failMic: true } });
  const { toneStream } = await import('./wrtc-env.mjs');
  const timers = new Set();
  t.after(() => timers.forEach(clearInterval));
  const stream = toneStream(1500, 0.3, timers);
  const peer = far({ toneHz: 440 });
  const dialog = cloud.invite({ sdp: await peer.offer() });
  const { payload, log } = await incoming.next('onIncoming');
  payload.call.answer({ localStream: stream, receiveAudio: true });
  const ok = await answerTo(cloud, dialog, 200);
  await peer.accept(ok.body);
  cloud.ack(dialog, ok);
  await log.next('onConnected');
  assert.equal(env.constraints.length, 0, 'no getUserMedia with a localStream');
  assertTone(await hearTone(await peer.remoteTrack(), 1500), 1500, 'caller hears the page\'s stream');
  payload.call.disconnect();
  await cloud.next('BYE');
  assert.equal((await log.next('onDisconnect')).payload.cause, 'NORMAL');
  assert.equal(stream.getAudioTracks()[0].readyState, 'live', 'the page\'s own stream is not stopped');
  await until(() => true);
}));
