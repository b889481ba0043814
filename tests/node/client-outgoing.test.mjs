// Outgoing calls through the package, against a scripted cloud over a real WebSocket, with a wrtc far peer for the media: ringing, answer with audio both ways, early media, every failure cause, CANCEL, callClient's token and X- headers, DEVICE_ERROR, mute and DTMF.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { AculabCloudClient } from 'aculab-webrtc-wasm';
import { AOR, CLOUD_ID, KEY, TOKEN, CallbackLog, ScriptedCloud, dialogOf, exitWhenDone, makeRequest, sleep, until } from './client-helpers.mjs';
import { SILENCE_DBFS, TONE_DBFS, TONE_SHARE, TonePeer, hearSilence, hearTone, makeEnvironment } from './wrtc-env.mjs';

const guard = exitWhenDone(after);
const CALLBACKS = ['onRinging', 'onMedia', 'onLocalMedia', 'onConnecting', 'onConnected', 'onDisconnect', 'onMediaRemove', 'onError'];
const STUB_CONTACT = 'Contact: <sip:stub@127.0.0.1;transport=ws>';
const LOG = Number(process.env.ACW_TEST_LOG_LEVEL ?? 0);

// One test's world: a cloud, a "browser" whose microphone plays 1000 Hz, a client pointed at the cloud.
async function setUp(t, envOptions = {}, clientOptions = {}) {
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
    ...clientOptions,
  });
  const fars = [];
  t.after(async () => {
    client.close();
    for (const far of fars) far.close();
    env.stop();
    await cloud.close();
  });
  return { cloud, env, client, logs, far: (opts) => { const f = new TonePeer(opts); fars.push(f); return f; } };
}

function watch(call) {
  const log = new CallbackLog();
  for (const name of CALLBACKS) call[name] = log.record(name);
  return log;
}

function assertTone(result, hz, who) {
  assert.ok(result.dbfs > TONE_DBFS, `${who}: level ${result.dbfs.toFixed(1)} dBFS, want > ${TONE_DBFS}`);
  assert.ok(result.toneRatio > TONE_SHARE, `${who}: ${hz} Hz share ${result.toneRatio.toFixed(2)}, want > ${TONE_SHARE}`);
}

test('a call to a service: INVITE as the trace, 180 -> onRinging, 200 -> ACK and onConnected, tones both ways, BYE from the cloud -> NORMAL', { timeout: 90000 }, guard(async (t) => {
  const { cloud, client, far } = await setUp(t);
  const call = client.callService('echo');
  const log = watch(call);

  const invite = await cloud.next('INVITE');
  assert.equal(cloud.protocols[0], 'sip');
  assert.equal(cloud.paths[0], '/sipproxy');
  assert.equal(invite.uri, `sip:echo@sip-${CLOUD_ID}.aculab.com;transport=tcp`);
  assert.equal(invite.get('To'), `<sip:echo@sip-${CLOUD_ID}.aculab.com;transport=tcp>`);
  assert.match(invite.get('From'), new RegExp(`^<${AOR}>;tag=\\S+$`));
  assert.match(invite.get('Contact'), /^<sip:[a-z0-9]+@[a-z0-9]+\.invalid;transport=ws;ob>$/);
  assert.match(invite.get('Via'), /^SIP\/2\.0\/WSS [a-z0-9]+\.invalid;branch=z9hG4bK\S+$/);
  assert.equal(invite.get('Content-Type'), 'application/sdp');
  assert.equal(invite.get('Authorization'), undefined);
  assert.equal(invite.get('CSeq'), '1 INVITE');
  assert.match(invite.body, /^m=audio /m);
  assert.match(invite.body, /^a=candidate:/m, 'ICE candidates gathered before the INVITE');
  assert.equal(call.callId(), invite.get('Call-ID'));
  assert.equal(call.theCallId, invite.get('Call-ID'));
  // The public client calls onLocalMedia when the page set it, else the older onConnecting.
  assert.deepEqual(log.names(), ['onLocalMedia'], 'only the local media was reported before the INVITE');
  const local = log.items[0].payload;
  assert.equal(local.call, call);
  assert.equal(local.stream.getAudioTracks().length, 1);

  cloud.reply(invite, 100);
  cloud.reply(invite, 180, { toTag: 'stubtag1', headers: [STUB_CONTACT] });
  const ringing = await log.next('onRinging');
  assert.equal(ringing.payload.call, call);

  const peer = far({ toneHz: 440 });
  const answer = await peer.answer(invite.body);
  cloud.reply(invite, 200, { toTag: 'stubtag1', headers: [STUB_CONTACT, 'X-Service: echo'], body: answer });
  const ack = await cloud.next('ACK');
  assert.equal(ack.uri, 'sip:stub@127.0.0.1;transport=ws');
  assert.equal(ack.get('CSeq'), '1 ACK');
  assert.equal(ack.get('Call-ID'), invite.get('Call-ID'));
  assert.equal(ack.tag('To'), 'stubtag1');
  await log.next('onConnected');
  assert.deepEqual(call.getSipHeaders('X-Service'), ['echo']);

  const media = await log.next('onMedia');
  assert.equal(media.payload.call, call);
  const track = media.payload.stream.getAudioTracks()[0];
  assertTone(await hearTone(track, 440), 440, 'client hears the service');
  assertTone(await hearTone(await peer.remoteTrack(), 1000), 1000, 'service hears the client');

  cloud.bye(dialogOf(invite, 'stubtag1'));
  const ok = await cloud.next(200);
  assert.equal(ok.cseq.method, 'BYE');
  const gone = await log.next('onDisconnect');
  assert.equal(gone.payload.cause, 'NORMAL');
  assert.equal(gone.payload.call, call);
  assert.equal(log.peek((e) => e.name === 'onDisconnect').length, 0, 'onDisconnect once');
  // The stream onMedia gave goes with the call: onMediaRemove, once, just before onDisconnect.
  const removed = log.items.filter((e) => e.name === 'onMediaRemove');
  assert.equal(removed.length, 1);
  assert.equal(removed[0].payload.stream, media.payload.stream);
  assert.equal(removed[0].payload.call, call);
  const names = log.names();
  assert.equal(names.indexOf('onMediaRemove'), names.indexOf('onDisconnect') - 1);
  assert.equal(log.items.filter((e) => e.name === 'onError').length, 0, 'no onError for a normal end');
}));

test('a call placed once the client is connected and knows its ICE servers goes out at once', { timeout: 60000 }, guard(async (t) => {
  const { cloud, client } = await setUp(t);
  const states = new CallbackLog();
  client.onIncomingState = states.record('onIncomingState');
  client.enableIncoming(TOKEN);
  await cloud.next('OPTIONS');
  assert.equal((await states.next('onIncomingState')).payload.ready, true);
  await sleep(200); // the OPTIONS answer has been read: the engine has all it needs
  const call = client.callService('echo');
  const log = watch(call);
  const invite = await cloud.next('INVITE');
  assert.equal(invite.get('Call-ID'), call.callId());
  cloud.reply(invite, 486, { toTag: 'now' });
  assert.equal((await log.next('onDisconnect')).payload.cause, 'BUSY');
}));

// The side-by-side suite found it: the clone of a page's localStream was reported inside
// callService, before the page could set the call's callbacks, so onLocalMedia never came.
test('options.localStream on a client that is ready: the callbacks the page sets after callService returns hear onLocalMedia (or onConnecting)', { timeout: 60000 }, guard(async (t) => {
  const { cloud, client, env } = await setUp(t);
  const states = new CallbackLog();
  client.onIncomingState = states.record('onIncomingState');
  client.enableIncoming(TOKEN);
  await cloud.next('OPTIONS');
  assert.equal((await states.next('onIncomingState')).payload.ready, true);
  await sleep(200); // the OPTIONS answer has been read: the engine makes the peer inside callService
  const mine = await env.getUserMedia({ audio: true });
  const call = client.callService('echo', { localStream: mine });
  const log = watch(call);
  const invite = await cloud.next('INVITE');
  assert.deepEqual(log.names(), ['onLocalMedia']);
  assert.notEqual(log.items[0].payload.stream, mine, 'the clone');
  cloud.reply(invite, 486, { toTag: 'mine' });
  assert.equal((await log.next('onDisconnect')).payload.cause, 'BUSY');

  const older = client.callClient('carol', TOKEN, { localStream: mine });
  const log2 = watch(older);
  older.onLocalMedia = null;
  const invite2 = await cloud.next('INVITE');
  assert.deepEqual(log2.names(), ['onConnecting']);
  cloud.reply(invite2, 486, { toTag: 'mine2' });
  assert.equal((await log2.next('onDisconnect')).payload.cause, 'BUSY');
}));

test('early media: 183 with SDP plays the far side before the answer; disconnect() after the 200 sends BYE -> NORMAL', { timeout: 90000 }, guard(async (t) => {
  const { cloud, client, far } = await setUp(t);
  const call = client.callService('announcement');
  const log = watch(call);
  const invite = await cloud.next('INVITE');
  const peer = far({ toneHz: 660 });
  const answer = await peer.answer(invite.body);
  cloud.reply(invite, 183, { toTag: 'early1', headers: [STUB_CONTACT], body: answer });
  const media = await log.next('onMedia');
  assertTone(await hearTone(media.payload.stream.getAudioTracks()[0], 660), 660, 'early media');
  assert.equal(log.peek((e) => e.name === 'onConnected').length, 0, 'not connected before the 200');

  cloud.reply(invite, 200, { toTag: 'early1', headers: [STUB_CONTACT], body: answer });
  await cloud.next('ACK');
  await log.next('onConnected');
  call.disconnect();
  const bye = await cloud.next('BYE');
  assert.equal(bye.uri, 'sip:stub@127.0.0.1;transport=ws');
  assert.equal(bye.tag('To'), 'early1');
  assert.equal((await log.next('onDisconnect')).payload.cause, 'NORMAL');
  call.disconnect(); // "can be called at any time"
}));

test('disconnect() while ringing sends CANCEL; the 487 ends the call as NOANSWER', { timeout: 60000 }, guard(async (t) => {
  const { cloud, client } = await setUp(t);
  const call = client.callService('slow');
  const log = watch(call);
  const invite = await cloud.next('INVITE');
  cloud.reply(invite, 180, { toTag: 'ring1', headers: [STUB_CONTACT] });
  await log.next('onRinging');
  call.disconnect();
  const cancel = await cloud.next('CANCEL');
  assert.equal(cancel.uri, invite.uri);
  assert.equal(cancel.branch, invite.branch);
  assert.equal(cancel.get('CSeq'), '1 CANCEL');
  const ack = await cloud.next('ACK'); // §17.1.1.3: the transaction ACKs the 487
  assert.equal(ack.branch, invite.branch);
  assert.equal((await log.next('onDisconnect')).payload.cause, 'NOANSWER');
}));

// PROTOCOL.md "Calls": SIP code -> onDisconnect cause, as the public client means it.
const CAUSES = [
  [404, 'UNOBTAINABLE'], [410, 'UNOBTAINABLE'], [480, 'UNOBTAINABLE'], [604, 'UNOBTAINABLE'],
  [486, 'BUSY'], [600, 'BUSY'], [603, 'BUSY'],
  [487, 'NOANSWER'],
  [300, 'MOVED'], [301, 'MOVED'], [302, 'MOVED'], [380, 'MOVED'],
  [606, 'REJECTED'], [699, 'REJECTED'],
  [400, 'FAILED'], [403, 'FAILED'], [408, 'FAILED'], [488, 'FAILED'], [500, 'FAILED'], [503, 'FAILED'], [599, 'FAILED'],
];

test('every failure response gives its documented cause (and is ACKed)', { timeout: 240000 }, guard(async (t) => {
  const { cloud, client } = await setUp(t);
  const seen = [];
  for (const [status] of CAUSES) {
    const call = client.callService(`svc${status}`);
    const log = watch(call);
    const invite = await cloud.next('INVITE');
    cloud.reply(invite, 100);
    cloud.reply(invite, status, { toTag: `f${status}`, headers: status < 400 ? ['Contact: <sip:elsewhere@192.0.2.9>'] : [] });
    const ack = await cloud.next('ACK');
    assert.equal(ack.branch, invite.branch, `${status}: ACK in the INVITE transaction`);
    const gone = await log.next('onDisconnect');
    seen.push([status, gone.payload.cause]);
  }
  assert.deepEqual(seen, CAUSES);
}));

test('a BYE from the far side with a Reason header gives that cause', { timeout: 60000 }, guard(async (t) => {
  const { cloud, client, far } = await setUp(t);
  const call = client.callService('busyafter');
  const log = watch(call);
  const invite = await cloud.next('INVITE');
  const answer = await far().answer(invite.body);
  cloud.reply(invite, 200, { toTag: 'r1', headers: [STUB_CONTACT], body: answer });
  await log.next('onConnected');
  cloud.bye(dialogOf(invite, 'r1'), ['Reason: SIP;cause=486;text="Busy Here"']);
  assert.equal((await log.next('onDisconnect')).payload.cause, 'BUSY');
}));

test('callClient: INVITE to the other client with Authorization: Bearer and the X- headers', { timeout: 60000 }, guard(async (t) => {
  const { cloud, client } = await setUp(t);
  const call = client.callClient('bob', TOKEN, { extraSipHeaders: ['X-Account: 42', 'x-colour:  blue '] });
  const log = watch(call);
  const invite = await cloud.next('INVITE');
  assert.equal(invite.uri, `sip:bob@${KEY}.webrtc-${CLOUD_ID}.aculabcloud.net;transport=tcp`);
  assert.equal(invite.get('To'), `<sip:bob@${KEY}.webrtc-${CLOUD_ID}.aculabcloud.net;transport=tcp>`);
  assert.equal(invite.get('Authorization'), `Bearer ${TOKEN}`);
  assert.deepEqual(invite.all('X-Account'), ['42']);
  assert.deepEqual(invite.all('x-colour'), ['blue']);
  cloud.reply(invite, 603, { toTag: 'c1' });
  assert.equal((await log.next('onDisconnect')).payload.cause, 'BUSY');

  // "webrtc:" and "sip:" prefixes are stripped, as from the constructor's clientId.
  const second = client.callClient('webrtc:carol', TOKEN);
  const log2 = watch(second);
  second.onLocalMedia = null; // then the older onConnecting gets the local stream
  const invite2 = await cloud.next('INVITE');
  assert.deepEqual(log2.names(), ['onConnecting']);
  assert.equal(log2.items[0].payload.stream.getAudioTracks().length, 1);
  assert.equal(invite2.uri, `sip:carol@${KEY}.webrtc-${CLOUD_ID}.aculabcloud.net;transport=tcp`);
  assert.equal(invite2.all('X-Account').length, 0);
  cloud.reply(invite2, 404, { toTag: 'c2' });
  assert.equal((await log2.next('onDisconnect')).payload.cause, 'UNOBTAINABLE');
}));

test('no microphone: getUserMedia refused -> onDisconnect DEVICE_ERROR, no INVITE', { timeout: 60000 }, guard(async (t) => {
  const { cloud, client } = await setUp(t, { failMic: true });
  const call = client.callService('echo');
  const log = watch(call);
  assert.equal((await log.next('onDisconnect')).payload.cause, 'DEVICE_ERROR');
  assert.equal(cloud.seen('INVITE').length, 0);
  // onError (the guide's clean-up hook) comes first, once, with the cause and what failed.
  const errors = log.items.filter((e) => e.name === 'onError');
  assert.equal(errors.length, 1);
  assert.equal(errors[0].payload.call, call);
  assert.equal(errors[0].payload.cause, 'DEVICE_ERROR');
  assert.equal(typeof errors[0].payload.error, 'string');
  assert.ok(log.names().indexOf('onError') < log.names().indexOf('onDisconnect'));
  assert.equal(log.items.filter((e) => e.name === 'onMediaRemove').length, 0, 'no stream was given');
  assert.equal(log.peek((e) => e.name === 'onConnecting' || e.name === 'onLocalMedia').length, 0);
}));

test('mute(true, false) stops the sent audio and mute(false, false) brings it back; mute(false, true) disables the received track', { timeout: 120000 }, guard(async (t) => {
  const { cloud, client, far } = await setUp(t);
  const call = client.callService('echo');
  const log = watch(call);
  const invite = await cloud.next('INVITE');
  const peer = far({ toneHz: 440 });
  const answer = await peer.answer(invite.body);
  cloud.reply(invite, 200, { toTag: 'm1', headers: [STUB_CONTACT], body: answer });
  await log.next('onConnected');
  const heard = (await log.next('onMedia')).payload.stream.getAudioTracks()[0];
  const farHears = await peer.remoteTrack();
  assertTone(await hearTone(farHears, 1000), 1000, 'before mute');

  call.mute(true, false);
  const muted = await hearSilence(farHears);
  assert.ok(muted.dbfs < SILENCE_DBFS, `muted mic: far side level ${muted.dbfs.toFixed(1)} dBFS, want < ${SILENCE_DBFS}`);
  assertTone(await hearTone(heard, 440), 440, 'the page still hears the far side with only the mic muted');

  call.mute(false, false);
  assertTone(await hearTone(farHears, 1000), 1000, 'after unmute');

  // A browser plays a disabled track as silence; wrtc's sink reads below the track's enabled
  // flag, so here the flag itself is what can be checked.
  assert.equal(heard.enabled, true);
  call.mute(false, true);
  assert.equal(heard.enabled, false, 'received audio track disabled');
  assertTone(await hearTone(farHears, 1000), 1000, 'mic still open with only the output muted');
  call.mute(false, false);
  assert.equal(heard.enabled, true);
  call.disconnect();
  await log.next('onDisconnect');
}));

test('sendDtmf: digits go to the audio sender\'s RTCDTMFSender, upper-cased; bad digits and no media throw the documented strings', { timeout: 60000 }, guard(async (t) => {
  const { cloud, client, env, far } = await setUp(t, { dtmf: true });
  const call = client.callService('ivr');
  const log = watch(call);
  assert.throws(() => call.sendDtmf('1'), (e) => e === 'DTMF send error', 'no media yet');
  const invite = await cloud.next('INVITE');
  const answer = await far().answer(invite.body);
  cloud.reply(invite, 200, { toTag: 'd1', headers: [STUB_CONTACT], body: answer });
  await log.next('onConnected');

  call.sendDtmf('0123456789*#ABCDabcd');
  for (const bad of ['', '12x', 'E', '1 2', '#-', 'p']) {
    assert.throws(() => call.sendDtmf(bad), (e) => e === 'Invalid DTMF string', JSON.stringify(bad));
  }
  assert.throws(() => call.sendDtmf(5), (e) => e === 'Invalid DTMF string');
  await until(() => env.dtmfCalls.length >= 1, { what: 'insertDTMF' });
  assert.equal(env.dtmfCalls.length, 1, 'invalid strings send nothing');
  const [sent] = env.dtmfCalls;
  assert.equal(sent.tones, '0123456789*#ABCDABCD');
  assert.equal(sent.duration, 100);
  assert.equal(sent.interToneGap, 70);
  assert.equal(sent.track.kind, 'audio');
  call.disconnect();
  await log.next('onDisconnect');
  assert.throws(() => call.sendDtmf('1'), (e) => e === 'DTMF send error', 'after the call');
}));

test('sendDtmf on a call whose audio sender has no RTCDTMFSender: nothing sent, and the log says why', { timeout: 60000 }, guard(async (t) => {
  const { cloud, client, env, far, logs } = await setUp(t); // wrtc's senders have no dtmf
  const call = client.callService('ivr');
  const log = watch(call);
  const invite = await cloud.next('INVITE');
  cloud.reply(invite, 200, { toTag: 'd2', headers: [STUB_CONTACT], body: await far().answer(invite.body) });
  await log.next('onConnected');
  call.sendDtmf('1');
  await until(() => logs.some((l) => l.level === 1 && l.text === 'AculabCloudClient: DTMF not sent: no RTCDTMFSender'), { what: 'the log line' });
  assert.equal(env.dtmfCalls.length, 0);
  call.disconnect();
  await log.next('onDisconnect');
}));

// By default a connected call rides through a socket drop (client-network.test.mjs); with
// reconnect.limit 0 it ends as the public client's does.
test('reconnect.limit 0: the socket dropping during a call ends it as FAILED', { timeout: 60000 }, guard(async (t) => {
  const { cloud, client, far } = await setUp(t, {}, { reconnect: { limit: 0 } });
  const call = client.callService('echo');
  const log = watch(call);
  const invite = await cloud.next('INVITE');
  const answer = await far().answer(invite.body);
  cloud.reply(invite, 200, { toTag: 'x1', headers: [STUB_CONTACT], body: answer });
  await log.next('onConnected');
  cloud.drop();
  assert.equal((await log.next('onDisconnect')).payload.cause, 'FAILED');
  // Nothing needs the socket any more: no reconnect.
  await sleep(2500);
  assert.equal(cloud.opened, 1);
}));

test('ICE servers: the cloud\'s (OPTIONS) reach RTCPeerConnection; the page\'s iceServers and setPeerConnectionConfiguration override them', { timeout: 120000 }, guard(async (t) => {
  const cloudServers = [{ urls: 'stun:127.0.0.1:3478' }];
  const { cloud, client, env } = await setUp(t);
  cloud.iceServers = JSON.stringify(cloudServers);
  const calls = [];
  const place = async (name, options) => {
    const call = client.callService(name, options);
    const log = watch(call);
    const invite = await cloud.next('INVITE');
    cloud.reply(invite, 486, { toTag: name });
    assert.equal((await log.next('onDisconnect')).payload.cause, 'BUSY');
    calls.push(invite);
    return invite;
  };
  await place('one');
  assert.deepEqual(env.configs[0].iceServers, cloudServers);
  assert.equal(env.configs[0].iceTransportPolicy, 'all');

  const mine = [{ urls: 'turn:127.0.0.1:3478', username: 'u', credential: 'p' }];
  client.iceServers = mine;
  assert.deepEqual(client.iceServers, mine);
  await place('two');
  assert.deepEqual(env.configs[1].iceServers, mine);

  client.setPeerConnectionConfiguration({ iceServers: [], iceTransportPolicy: 'relay' });
  const relayOnly = await place('three', { receiveAudio: false });
  assert.deepEqual(env.configs[2].iceServers, []);
  assert.equal(env.configs[2].iceTransportPolicy, 'relay');
  assert.doesNotMatch(relayOnly.body, /^a=candidate:/m, 'relay only, no servers: no candidates');
  assert.match(relayOnly.body, /^a=sendonly$/m, 'receiveAudio: false');

  client.iceServers = null; // back to the cloud's servers; the policy stays
  await place('four');
  assert.deepEqual(env.configs[3].iceServers, cloudServers);
  assert.equal(env.configs[3].iceTransportPolicy, 'relay');
  client.setPeerConnectionConfiguration({ iceServers: null });
  await place('five');
  assert.deepEqual(env.configs[4].iceServers, cloudServers);
  assert.equal(env.configs[4].iceTransportPolicy, 'all');
}));

test('codecs and maxBitrateAudio options shape the offer', { timeout: 60000 }, guard(async (t) => {
  const { cloud, client, env } = await setUp(t);
  assert.deepEqual(AculabCloudClient.getCodecList('audio'), [], 'no RTCRtpSender in Node without an environment');
  AculabCloudClient.setEnvironment(env);
  t.after(() => AculabCloudClient.setEnvironment(null));
  assert.deepEqual(AculabCloudClient.getCodecList('text'), []);
  const pcmu = AculabCloudClient.getCodecList('audio').find((c) => c.mimeType === 'audio/PCMU');
  assert.ok(pcmu, 'getCodecList lists PCMU');
  const call = client.callService('codecs', { codecs: { audio: [pcmu] }, maxBitrateAudio: 24000 });
  const log = watch(call);
  const invite = await cloud.next('INVITE');
  const formats = /^m=audio \d+ \S+ (.*)$/m.exec(invite.body)[1].split(' ');
  assert.equal(formats[0], '0', 'PCMU first');
  assert.match(invite.body, /^b=(AS:24|TIAS:24000)\r?$/m);
  cloud.reply(invite, 486, { toTag: 'c' });
  await log.next('onDisconnect');
}));

test('a re-INVITE in which the far side stops sending: the client answers it, onMediaRemove gives the emptied stream, the call goes on', { timeout: 90000 }, guard(async (t) => {
  const { cloud, client, far } = await setUp(t);
  const call = client.callService('hold');
  const log = watch(call);
  const invite = await cloud.next('INVITE');
  const peer = far({ toneHz: 440 });
  const answer = await peer.answer(invite.body);
  cloud.reply(invite, 200, { toTag: 'h1', headers: [STUB_CONTACT], body: answer });
  await log.next('onConnected');
  const media = await log.next('onMedia');
  assertTone(await hearTone(media.payload.stream.getAudioTracks()[0], 440), 440, 'before the re-INVITE');

  // The far side's description again, newer version, no longer sending (RFC 3264 §8.4 hold).
  const held = answer
    .replace(/^(o=\S+ \S+ )(\d+)/m, (_, head, v) => `${head}${BigInt(v) + 1n}`)
    .replace(/^a=(sendrecv|sendonly)\r?$/gm, 'a=inactive');
  assert.notEqual(held, answer);
  const dialog = dialogOf(invite, 'h1');
  dialog.cseq += 1;
  cloud.send(makeRequest('INVITE', dialog.target, {
    branch: 'z9hG4bKstubreinv1', from: dialog.from, to: dialog.to, callId: dialog.callId, cseq: dialog.cseq,
    contact: '<sip:stub@127.0.0.1;transport=ws>', body: held,
  }));
  const ok = await cloud.next((m) => m.status === 200 && m.cseq.method === 'INVITE' && m.cseq.number === dialog.cseq);
  assert.match(ok.body, /^a=(inactive|recvonly)\r?$/m, 'our answer no longer expects to receive');
  cloud.send(makeRequest('ACK', ok.get('Contact').replace(/^.*<([^>]+)>.*$/, '$1'), {
    branch: 'z9hG4bKstubreack1', from: dialog.from, to: dialog.to, callId: dialog.callId, cseq: dialog.cseq, body: '',
  }));
  const removed = await log.next('onMediaRemove');
  assert.equal(removed.payload.stream, media.payload.stream);
  assert.equal(removed.payload.call, call);
  assert.equal(log.peek((e) => e.name === 'onDisconnect').length, 0, 'the call goes on');
  call.disconnect();
  await cloud.next('BYE');
  assert.equal((await log.next('onDisconnect')).payload.cause, 'NORMAL');
  assert.equal(log.items.filter((e) => e.name === 'onMediaRemove').length, 1, 'a stream is removed once');
}));
