// The documented interface itself: every exception string, the static functions, properties and aliases, the types file, and a client that is done leaving nothing behind.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { WebSocket } from 'ws';
import * as pkg from 'aculab-webrtc-wasm';
import { load } from 'aculab-webrtc-wasm/manual';
import { CLOUD_ID, KEY, TOKEN, CallbackLog, ScriptedCloud, exitWhenDone, until, sleep } from './client-helpers.mjs';

const guard = exitWhenDone(after, { audio: false });

const { AculabCloudClient, AculabCloudCall, AculabCloudIncomingCall, AculabCloudOutgoingCall } = pkg;

// Signalling only: a microphone that never answers keeps calls short of media (no wrtc here).
const env = { WebSocket, RTCPeerConnection: class {}, MediaStream: class {}, getUserMedia: () => new Promise(() => {}) };

async function setUp(t) {
  const cloud = await ScriptedCloud.start();
  const logs = [];
  const client = new AculabCloudClient(CLOUD_ID, KEY, 'alice', 1, {
    url: cloud.url, environment: env, logger: (level, text) => logs.push({ level, text }),
  });
  t.after(async () => {
    client.close();
    await cloud.close();
  });
  return { cloud, client, logs };
}

// Throws exactly this string (the public client throws strings, not Errors).
function throwsString(fn, text, label) {
  assert.throws(fn, (e) => {
    assert.equal(e, text, label);
    return true;
  }, label);
}

// Throws an Error with exactly this message (the public client's extraSipHeaders errors).
function throwsError(fn, text, label) {
  assert.throws(fn, (e) => {
    assert.ok(e instanceof Error, `${label}: an Error, not ${typeof e}`);
    assert.equal(e.message, text, label);
    return true;
  }, label);
}

const make = (cloudId, key, clientId, options = { url: 'ws://127.0.0.1:9/sipproxy', environment: env }) => () => {
  new AculabCloudClient(cloudId, key, clientId, 0, options).close();
};

test('constructor: "Invalid cloudId", "Invalid webRtcAccessKey", "Invalid clientId", checked in that order', guard(() => {
  for (const bad of ['', '1-2', '1-2-0-3', 'a-b-c', '1--2', ' 1-2-0', '1-2-0 ', '1-2-x', '-1-2', 120, undefined, null]) {
    throwsString(make(bad, KEY, 'alice'), 'Invalid cloudId', JSON.stringify(bad));
  }
  for (const bad of ['', 'ABC123', 'abc-123', 'a'.repeat(64), 'abc 123', 'abç']) {
    throwsString(make(CLOUD_ID, bad, 'alice'), 'Invalid webRtcAccessKey', JSON.stringify(bad));
  }
  for (const bad of ['', 'a b', 'a@b', 'x/y', 'sip:', 'webrtc:', 'sip:a:b', 'al%20ice', 'ali\u00e7e', 'a;b']) {
    throwsString(make(CLOUD_ID, KEY, bad), 'Invalid clientId', JSON.stringify(bad));
  }
  throwsString(make('bad', 'BAD', 'bad id'), 'Invalid cloudId');
  throwsString(make(CLOUD_ID, 'BAD', 'bad id'), 'Invalid webRtcAccessKey');
  for (const good of ['alice', 'a+b-c_d.e', 'sip:alice', 'webrtc:alice', 'sip%3Aalice', 'webrtc%3aalice', '4412345']) {
    assert.doesNotThrow(make(CLOUD_ID, KEY, good), good);
  }
  assert.doesNotThrow(make('1-2-0', 'a'.repeat(63), 'x'));
  assert.doesNotThrow(make('12-345-6789', '0', 'x'));
}));

test('constructor: the optional fifth argument points at another cloud; a bad URL throws "Invalid cloud URL"', guard(() => {
  for (const bad of ['http://127.0.0.1/sipproxy', 'ws://', 'ws:///x', 'ws://a b/', 'wss://x\n/']) {
    throwsString(make(CLOUD_ID, KEY, 'alice', { url: bad, environment: env }), 'Invalid cloud URL', JSON.stringify(bad));
  }
  // The public client's fifth argument was a boolean: not an options object, so ignored.
  assert.doesNotThrow(() => new AculabCloudClient(CLOUD_ID, KEY, 'alice', 0, false).close());
}));

test('the default URL is the real cloud\'s, from cloudId (seen as the socket the client opens)', guard(async () => {
  const opened = [];
  class RecordingSocket {
    constructor(url, protocol) {
      opened.push([url, protocol]);
      this.readyState = 0;
    }

    close() {}
  }
  const client = new AculabCloudClient('7-8-9', KEY, 'alice', 0, { environment: { ...env, WebSocket: RecordingSocket } });
  client.enableIncoming(TOKEN);
  client.close();
  assert.deepEqual(opened, [['wss://webrtc-7-8-9.aculabcloud.net/sipproxy', 'sip']]);
}));

test('callService/makeOutgoing: "Invalid serviceName", "Too many calls", X- header strings', guard(async (t) => {
  const { client } = await setUp(t);
  for (const bad of ['', 'a b', 'a@b', 'a/b', '%zz', '%2', 'sip:', 'a;b', 'a?b', 42, undefined, null]) {
    throwsString(() => client.callService(bad), 'Invalid serviceName', JSON.stringify(bad));
  }
  throwsString(() => client.makeOutgoing('a b'), 'Invalid serviceName');
  throwsError(() => client.callService('echo', { extraSipHeaders: ['Foo: bar'] }), "extraSipHeader must start with 'X-'");
  for (const bad of ['X-Bad', 'X-A: b\r\nInjected: x', 'X-A B: c']) {
    throwsError(() => client.callService('echo', { extraSipHeaders: [bad] }), "extraSipHeader must be 'X-Name: value'", JSON.stringify(bad));
  }

  const call = client.makeOutgoing(encodeURIComponent('my service (test)'));
  assert.ok(call instanceof AculabCloudOutgoingCall);
  assert.ok(call instanceof AculabCloudCall);
  throwsString(() => client.callService('echo'), 'Too many calls');
  throwsString(() => client.callClient('bob', TOKEN), 'Too many calls');
  call.disconnect();
  const second = client.callService('sip:echo');
  assert.notEqual(second.callUuid, call.callUuid);
  second.disconnect();
}));

test('callClient: "clientId is not a string", "Invalid clientId", "Invalid token"', guard(async (t) => {
  const { client } = await setUp(t);
  for (const bad of [undefined, null, 42, {}]) throwsString(() => client.callClient(bad, TOKEN), 'clientId is not a string');
  for (const bad of ['', 'a b', 'a@b', 'sip:']) throwsString(() => client.callClient(bad, TOKEN), 'Invalid clientId', bad);
  for (const bad of ['', 'abc', 'a.b', 'a.b.c.d', 'a..b', 'a.b.c d', 'a.b.c=', 'a.b.c.d.e.f', '.a.b', undefined, 7]) {
    throwsString(() => client.callClient('bob', bad), 'Invalid token', JSON.stringify(bad));
  }
  throwsError(() => client.callClient('bob', TOKEN, { extraSipHeaders: ['Authorization: x'] }), "extraSipHeader must start with 'X-'");
  // The public client's own option name for them is extraHeaders.
  throwsError(() => client.callClient('bob', TOKEN, { extraHeaders: ['Via: x'] }), "extraSipHeader must start with 'X-'");
  assert.doesNotThrow(() => client.callClient('bob', 'a.b.c.d.e').disconnect(), 'a JWE has five parts');
}));

test('enableIncoming: "Invalid token"; maxConcurrent, iceServers, iceTransportPolicy strings', guard(async (t) => {
  const { client } = await setUp(t);
  for (const bad of ['', 'abc', 'a.b', 'a.b.c.d', 'a.b.c d', 'a+b.c.d', undefined, null, 3]) {
    throwsString(() => client.enableIncoming(bad), 'Invalid token', JSON.stringify(bad));
  }
  assert.equal(client.maxConcurrent, 1, 'default 1');
  for (const bad of [0, -1, 'x', null, NaN, 0.5]) {
    throwsString(() => { client.maxConcurrent = bad; }, 'maxConcurrent must be 1 or greater', JSON.stringify(bad));
  }
  assert.equal(client.maxConcurrent, 1, 'unchanged by a refused value');
  client.maxConcurrent = 3;
  assert.equal(client.maxConcurrent, 3);

  assert.equal(client.iceServers, null, 'default null: the cloud\'s');
  for (const bad of ['stun:x', {}, 5]) {
    throwsString(() => { client.iceServers = bad; }, 'iceServers must be null or an array', JSON.stringify(bad));
  }
  throwsString(() => client.setPeerConnectionConfiguration({ iceServers: 'x' }), 'iceServers must be null or an array');
  throwsString(() => client.setPeerConnectionConfiguration({ iceTransportPolicy: 'none' }), 'iceTransportPolicy must be "all" or "relay"');
  client.iceServers = [];
  assert.deepEqual(client.iceServers, []);
  client.setPeerConnectionConfiguration({ iceServers: null, iceTransportPolicy: 'relay' });
  assert.equal(client.iceServers, null);
}));

test('calls: callUuid is a v4 UUID, callId is the SIP Call-ID, DTMF strings, getSipHeaders before an answer', guard(async (t) => {
  const { client } = await setUp(t);
  const call = client.callService('echo');
  assert.match(call.callUuid, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
  assert.equal(call.callUuid, call.callUuid, 'stable');
  assert.equal(typeof call.callId(), 'string');
  assert.equal(call.theCallId, call.callId());
  assert.deepEqual(call.getSipHeaders('X-Anything'), []);
  throwsString(() => call.sendDtmf('1'), 'DTMF send error');
  throwsString(() => call.sendDtmf('1x'), 'Invalid DTMF string');
  throwsString(() => call.sendDtmf(''), 'Invalid DTMF string');
  throwsString(() => call.sendDtmf(null), 'Invalid DTMF string');
  const log = new CallbackLog();
  call.onDisconnect = log.record('onDisconnect');
  call.disconnect();
  const gone = await log.next('onDisconnect');
  assert.equal(gone.payload.cause, 'NOANSWER', 'hung up before any INVITE');
  assert.equal(gone.payload.call, call);
  assert.doesNotThrow(() => call.disconnect());
  assert.doesNotThrow(() => call.mute(true, true));
}));

test('a call while the cloud cannot be reached ends FAILED, and the client does not keep trying for it', { timeout: 60000 }, guard(async () => {
  const gone = await ScriptedCloud.start();
  const url = gone.url;
  await gone.close();
  let sockets = 0;
  class CountingSocket extends WebSocket {
    constructor(...args) {
      super(...args);
      sockets++;
    }
  }
  const client = new AculabCloudClient(CLOUD_ID, KEY, 'alice', 0, { url, environment: { ...env, WebSocket: CountingSocket } });
  try {
    const call = client.callService('echo');
    const log = new CallbackLog();
    call.onDisconnect = log.record('onDisconnect');
    assert.equal((await log.next('onDisconnect')).payload.cause, 'FAILED');
    await sleep(2500); // longer than the first reconnect wait (0.5-1 s)
    assert.equal(sockets, 1, 'no reconnect once nothing needs the cloud');
  } finally {
    client.close();
  }
}));

test('isSupported and getCodecList follow the environment', guard(() => {
  AculabCloudClient.setEnvironment(null);
  assert.equal(AculabCloudClient.isSupported(), false, 'Node has no RTCPeerConnection of its own');
  assert.deepEqual(AculabCloudClient.getCodecList('audio'), []);
  const codecs = [{ mimeType: 'audio/opus', clockRate: 48000, channels: 2 }];
  AculabCloudClient.setEnvironment({ ...env, RTCRtpSender: { getCapabilities: (kind) => (kind === 'audio' ? { codecs } : null) } });
  try {
    assert.equal(AculabCloudClient.isSupported(), true);
    assert.deepEqual(AculabCloudClient.getCodecList('audio'), codecs);
    assert.notEqual(AculabCloudClient.getCodecList('audio'), codecs, 'a copy the page may reorder');
    assert.deepEqual(AculabCloudClient.getCodecList('video'), []);
    assert.deepEqual(AculabCloudClient.getCodecList('data'), []);
  } finally {
    AculabCloudClient.setEnvironment(null);
  }
}));

test('a closed client: commands throw "Client closed"; close() and a call\'s disconnect() stay harmless', guard(async (t) => {
  const { client } = await setUp(t);
  const call = client.callService('echo');
  client.close();
  throwsString(() => client.enableIncoming(TOKEN), 'Client closed');
  throwsString(() => client.disableIncoming(), 'Client closed');
  throwsString(() => client.callService('echo'), 'Client closed');
  throwsString(() => client.callClient('bob', TOKEN), 'Client closed');
  assert.doesNotThrow(() => client.close());
  assert.doesNotThrow(() => call.disconnect());
}));

test('close(): the registration is removed, calls end, the socket is closed, and no timer or socket is left behind', { timeout: 60000 }, guard(async (t) => {
  // Earlier tests' sockets and servers may still be closing: start from a quiet process.
  const quiet = () => process.getActiveResourcesInfo().filter((r) => /TCP|Connect|Pipe(?!Wrap)|Shutdown|Write/.test(r) && r !== 'PipeWrap');
  await until(() => quiet().length === 0, { what: 'earlier tests\' sockets to close', timeout: 10000 });
  await sleep(50);
  const before = process.getActiveResourcesInfo().sort();
  const cloud = await ScriptedCloud.start();
  const client = new AculabCloudClient(CLOUD_ID, KEY, 'alice', 0, { url: cloud.url, environment: env });
  t.after(async () => {
    client.close();
    await cloud.close();
  });
  const states = new CallbackLog();
  client.onIncomingState = states.record('onIncomingState');
  client.enableIncoming(TOKEN);
  await cloud.next('REGISTER');
  assert.equal((await states.next('onIncomingState')).payload.ready, true);
  const call = client.callService('echo'); // waiting for its microphone
  const calls = new CallbackLog();
  call.onDisconnect = calls.record('onDisconnect');
  assert.ok(process.getActiveResourcesInfo().includes('Timeout'), 'the engine\'s timer is armed while registered');

  client.close();
  const unregister = await cloud.next('REGISTER');
  assert.match(unregister.get('Contact'), /;expires=0$/);
  assert.equal((await calls.next('onDisconnect')).payload.cause, 'NORMAL');
  await until(() => cloud.closed === 1, { what: 'the server to see the socket close' });
  await cloud.close();
  await until(() => JSON.stringify(process.getActiveResourcesInfo().sort()) === JSON.stringify(before), {
    what: `resources back to ${JSON.stringify(before)}; now ${JSON.stringify(process.getActiveResourcesInfo())}`,
    timeout: 5000,
  });
}));

test('the manual entry loads the same classes with a locateFile', guard(async () => {
  const seen = [];
  const mod = await load({ locateFile: (path, dir) => { seen.push(path); return new URL(path, dir).href; } });
  assert.equal(mod.AculabCloudClient, AculabCloudClient, 'one core per page: the package entry loaded it already');
  assert.ok(typeof mod.AculabCloudClient === 'function');
  void seen;
}));

// interface.md (and issue 3) members: present at run time and declared in index.d.ts.
const MEMBERS = {
  AculabCloudClient: {
    statics: ['isSupported', 'getCodecList'],
    methods: ['enableIncoming', 'disableIncoming', 'makeOutgoing', 'callService', 'callClient', 'setPeerConnectionConfiguration', 'close'],
    properties: ['maxConcurrent', 'onIncoming', 'onIncomingState', 'iceServers'],
  },
  AculabCloudCall: {
    methods: ['callId', 'mute', 'sendDtmf', 'disconnect', 'getSipHeaders'],
    properties: ['theCallId', 'callUuid', 'onDisconnect', 'onRinging', 'onMedia', 'onMediaRemove', 'onLocalMedia', 'onConnecting',
      'onConnected', 'onError', 'onLocalVideoMute', 'onLocalVideoUnmute', 'onRemoteVideoMute', 'onRemoteVideoUnmute'],
  },
  AculabCloudIncomingCall: { methods: ['answer', 'ringing', 'reject'] },
};

test('every documented member exists and index.d.ts declares it', guard(async (t) => {
  const dts = readFileSync(new URL('../../js/index.d.ts', import.meta.url), 'utf8');
  const { client } = await setUp(t);
  const call = client.callService('echo');
  const objects = { AculabCloudClient: client, AculabCloudCall: call };
  for (const [cls, m] of Object.entries(MEMBERS)) {
    const body = new RegExp(`class ${cls}\\b[^{]*\\{([\\s\\S]*?)\\n\\}`).exec(dts)?.[1];
    assert.ok(body, `index.d.ts declares ${cls}`);
    for (const name of [...(m.statics ?? []), ...(m.methods ?? []), ...(m.properties ?? [])]) {
      assert.match(body, new RegExp(`^\\s*(static |readonly )?${name}\\b`, 'm'), `index.d.ts: ${cls}.${name}`);
    }
    const Class = pkg[cls];
    for (const name of m.statics ?? []) assert.equal(typeof Class[name], 'function', `${cls}.${name}`);
    for (const name of m.methods ?? []) assert.equal(typeof Class.prototype[name], 'function', `${cls}.prototype.${name}`);
    const obj = objects[cls];
    for (const name of m.properties ?? []) assert.ok(name in obj, `${cls}: ${name}`);
  }
  assert.ok(AculabCloudIncomingCall.prototype instanceof AculabCloudCall);
  call.disconnect();
}));
