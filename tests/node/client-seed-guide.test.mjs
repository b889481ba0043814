// The sample code of the WebRTC Interface v2 developer guide (seeds/webrtc-interface-v2-developer-guide.txt), run unchanged as a page's classic script against the package, with a minimal page (an <audio id="player"> stand-in) around it.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import vm from 'node:vm';
import { AculabCloudClient } from 'aculab-webrtc-wasm';
import { CLOUD_ID, KEY, TOKEN, ScriptedCloud, exitWhenDone, until } from './client-helpers.mjs';
import { SHARED } from './cloud-helpers.mjs';
import { TONE_DBFS, TONE_SHARE, TonePeer, hearTone, makeEnvironment } from './wrtc-env.mjs';

const guard = exitWhenDone(after);
const GUIDE = join(SHARED, 'seeds', 'webrtc-interface-v2-developer-guide.txt');
const STUB_CONTACT = 'Contact: <sip:stub@127.0.0.1;transport=ws>';

// The guide's snippets, verbatim (its text lost the indentation; the code is as printed).
const SNIPPETS = {
  create: 'acc = new AculabCloudClient(cloudId, webRtcAccessKey, clientId, logLevel);',
  incoming: `acc.maxConcurrent = <number of concurrent WebRTC calls to handle>;
acc.onIncoming = newCall;
acc.onIncomingState = incomingState;`,
  enable: `// Use the token to enable incoming WebRTC calls
acc.enableIncoming(<webrtc_token>);`,
  outgoing: `call = acc.makeOutgoing(encodeURIComponent("incoming_service_name"));
call.onDisconnect = callDisconnected;
call.onRinging = ringing;
call.onMedia = gotMedia;
call.onConnecting = connecting;
call.onConnected = connected;
call.onError = handleError;`,
  incomingState: `function incomingState(state) {
if (state.ready) {
// We can receive incoming calls
} else {
// We cannot receive incoming calls
// Report state.cause to the user
}
}`,
  newCall: `// newCall has been assigned to the onIncoming callback above
function newCall(obj) {
call = obj.call;
inbound = true;
// Set up callbacks
call.onDisconnect = callDisconnected;
call.onRinging = ringing;
call.onMedia = gotMedia;
call.onConnecting = connecting;
call.onConnected = connected;
call.onError = handleError;
// Send ringing notification
call.ringing();
}`,
  callDisconnected: `function callDisconnected(obj) {
if (obj.call != null) {
obj.call.disconnect();
}
// Call the gotMedia callback to disable the player element
gotMedia(obj.call, null);
}`,
  onRinging: `function onRinging(obj) {
// get the <audio> element
var player = document.getElementById('player');
if (!playing_ringing) {
if (player.canPlayType('audio/wav')) {
// Play a ring tone if we have not got an audio stream
// from the remote end
// gotremotestream is initialised in gotMedia()
if (!gotremotestream) {
player.loop = 'loop';
player.src = 'audio/ringback.wav';
player.type = 'audio/wav';
player.load();
var p = player.play();
if (p !== undefined) {
// handle error
}
}
} else {
// Browser can't play audio/wav
}
playing_ringing = true;
}
}`,
  gotMedia: `function gotMedia(call, stream) {
// Get the <audio> element
var player = document.getElementById('player');
// Reset the player state
player.pause();
player.loop = '';
player.src = '';
player.srcObject = '';
player.type = '';
player.load();
playing_ringing = false;
gotremotestream = false;
// If there is a stream then connect it to the <audio> element
if (stream !== null) {
gotremotestream = true;
player.srcObject = stream;
player.load();
var p = player.play();
if (p !== undefined) {
// Handle error
}
}
}`,
  connecting: `function connecting(obj) {
// Update a web page element to notify the user that the
// call is connecting
}`,
  connected: `function connected(obj) {
// Update a web page element to notify the user that the
// call is connected
connected = true;
}`,
  handleError: `function handleError(obj) {
// Report the error to the user
// Call the callDisconnected callback to clean up the call
// and reset the audio player
callDisconnected(obj.call)
}`,
  stopCall: `function stopCall() {
if (call) {
// If inbound call has not been accepted, then reject the call
if (inbound && !connected) {
call.reject(486);
} else {
call.disconnect();
}
}
}`,
};

// What the harness adds, and only this: the page's own values for the guide's placeholders and
// the variables its functions share (the guide leaves their declarations to the page), and the
// name `ringing` that the guide's snippets assign but whose function it prints as onRinging.
const PAGE = `var cloudId = '${CLOUD_ID}', webRtcAccessKey = '${KEY}', clientId = 'alice', logLevel = 2;
var maxCalls = 1, webrtc_token = '${TOKEN}';
var acc, call = null, inbound = false, playing_ringing = false, gotremotestream = false;
var ringing = onRinging;`;
const fill = (code) => code.replace('<number of concurrent WebRTC calls to handle>', 'maxCalls').replace('<webrtc_token>', 'webrtc_token');

test('the snippets here are the guide\'s own text', (t) => {
  if (!existsSync(GUIDE)) {
    t.skip(`${GUIDE} not present`);
    return;
  }
  const flat = (s) => s.replace(/\s+/g, ' ').trim();
  const guide = flat(readFileSync(GUIDE, 'utf8'));
  for (const [name, code] of Object.entries(SNIPPETS)) assert.ok(guide.includes(flat(code)), `${name} is in the guide as printed`);
});

// A minimal page: <audio id="player"> that records what the script does to it.
function makePage(cloud, env, logs) {
  const player = {
    loop: '', src: '', srcObject: null, type: '', plays: 0, loads: 0, pauses: 0, history: [],
    canPlayType: (type) => (type === 'audio/wav' ? 'maybe' : ''),
    load() { this.loads++; },
    play() {
      this.plays++;
      this.history.push({ src: this.src, srcObject: this.srcObject, loop: this.loop });
      return Promise.resolve();
    },
    pause() { this.pauses++; },
  };
  const document = { getElementById: (id) => (id === 'player' ? player : null) };
  // The guide's four-argument constructor, pointed at the scripted cloud and the Node media.
  class PageAculabCloudClient extends AculabCloudClient {
    constructor(a, b, c, d) {
      super(a, b, c, d, { url: cloud.url, environment: env, logger: (level, text) => logs.push({ level, text }) });
    }
  }
  const context = vm.createContext({ AculabCloudClient: PageAculabCloudClient, document, console, encodeURIComponent });
  const run = (code) => vm.runInContext(code, context, { filename: 'page.js' });
  run(Object.entries(SNIPPETS).filter(([n]) => !['create', 'incoming', 'enable', 'outgoing'].includes(n)).map(([, c]) => c).join('\n'));
  run(PAGE);
  return { player, context, run };
}

test('the guide\'s code: register, take an incoming call (ringing, then stopCall), call a service (ringback, media into the player, stopCall)', { timeout: 120000 }, guard(async (t) => {
  const cloud = await ScriptedCloud.start();
  const env = makeEnvironment({ toneHz: 1000 });
  const logs = [];
  const fars = [];
  const { player, context, run } = makePage(cloud, env, logs);
  t.after(async () => {
    context.acc?.close();
    fars.forEach((f) => f.close());
    env.stop();
    await cloud.close();
  });

  run(SNIPPETS.create);
  run(fill(SNIPPETS.incoming));
  run(fill(SNIPPETS.enable));
  const reg = await cloud.next('REGISTER');
  assert.equal(reg.get('Authorization'), `Bearer ${TOKEN}`);
  assert.equal(context.acc.maxConcurrent, 1);

  // An incoming call: newCall sends ringing; the page's stopCall then refuses it.
  const caller = new TonePeer({ toneHz: 440 });
  fars.push(caller);
  const incoming = cloud.invite({ sdp: await caller.offer() });
  await cloud.next((m) => m.status === 180 && m.get('Call-ID') === incoming.callId);
  assert.equal(context.inbound, true);
  assert.equal(context.call.callId(), incoming.callId);
  run('stopCall()');
  const refused = await cloud.next((m) => m.status >= 400 && m.get('Call-ID') === incoming.callId);
  assert.equal(refused.status, 486);
  cloud.ackFailure(incoming, refused);
  await until(() => player.pauses >= 1, { what: 'callDisconnected to reset the player' });
  assert.equal(player.srcObject, '', 'gotMedia(obj.call, null) leaves no stream');

  // An outgoing call to a service: ringback while ringing, the far side's audio in the player.
  run('inbound = false;');
  run(SNIPPETS.outgoing);
  const invite = await cloud.next('INVITE');
  assert.equal(invite.uri, `sip:incoming_service_name@sip-${CLOUD_ID}.aculab.com;transport=tcp`);
  cloud.reply(invite, 180, { toTag: 'g1', headers: [STUB_CONTACT] });
  await until(() => player.plays >= 1, { what: 'the ring tone to play' });
  assert.deepEqual(player.history[0], { src: 'audio/ringback.wav', srcObject: '', loop: 'loop' });
  assert.equal(context.playing_ringing, true);

  const service = new TonePeer({ toneHz: 660 });
  fars.push(service);
  cloud.reply(invite, 200, { toTag: 'g1', headers: [STUB_CONTACT], body: await service.answer(invite.body) });
  await until(() => context.connected === true, { what: 'connected()' });
  await until(() => player.srcObject && typeof player.srcObject.getAudioTracks === 'function', { what: 'the stream in the player' });
  assert.equal(context.gotremotestream, true);
  const heard = await hearTone(player.srcObject.getAudioTracks()[0], 660);
  assert.ok(heard.dbfs > TONE_DBFS && heard.toneRatio > TONE_SHARE, `player: ${heard.dbfs.toFixed(1)} dBFS, 660 Hz share ${heard.toneRatio.toFixed(2)}`);

  run('stopCall()');
  const bye = await cloud.next('BYE');
  assert.equal(bye.get('Call-ID'), invite.get('Call-ID'));
  await until(() => player.srcObject === '', { what: 'the player reset by callDisconnected' });
  assert.equal(context.gotremotestream, false);

  // Nothing the guide's code did threw inside the client.
  assert.deepEqual(logs.filter((l) => l.level === 1 && /threw/.test(l.text)), []);
}));
