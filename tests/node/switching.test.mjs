// Switching from the public client 4.0.8: its default export, and every exception it throws to page code against ours: the same page code runs on both (4.0.8 from node_modules, its signalling stubbed), and each row asserts each client's type (string or Error) and text. README.md "Exceptions" is this table; the test checks every row is there.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import * as ours from 'aculab-webrtc-wasm';
import { exitWhenDone } from './client-helpers.mjs';

// 4.0.8's user agents are left trying their stub sockets (stopping one rejects its start() into
// nowhere): the file ends with process.exit() once the tests are done.
const guard = exitWhenDone(after);
const require = createRequire(import.meta.url);
const official = require('@aculab-com/aculab-webrtc');
const officialLib = join(dirname(require.resolve('@aculab-com/aculab-webrtc')));

// A socket that never opens: no row gets as far as the network on either client.
class Closed {
  constructor() {
    this.readyState = 0;
  }

  close() {}

  send() {}

  addEventListener() {}

  removeEventListener() {}
}
globalThis.WebSocket ??= Closed;
const env = { WebSocket: Closed, RTCPeerConnection: class {}, MediaStream: class {}, getUserMedia: () => new Promise(() => {}) };
const TOKEN = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.sig';

const made = [];
const oursClient = (id = 'alice', e = env) => {
  const c = new ours.AculabCloudClient('1-2-3', 'abc123', id, 0, { url: 'ws://127.0.0.1:9/sipproxy', environment: e });
  made.push(() => c.close());
  return c;
};
const officialClient = (id = 'alice') => {
  return new official.AculabCloudClient('1-2-3', 'abc123', id, 0);
};
after(() => made.forEach((stop) => stop()));

// What a function throws, as [type, text]: 'string', 'Error' or 'none'.
function thrown(fn) {
  try {
    fn();
  } catch (e) {
    if (typeof e === 'string') return ['string', e];
    if (e instanceof Error) return [e.constructor.name === 'Error' ? 'Error' : e.constructor.name, e.message];
    return [typeof e, String(e)];
  }
  return ['none', ''];
}
async function rejected(fn) {
  try {
    await fn();
  } catch (e) {
    return typeof e === 'string' ? ['string', e] : ['Error', e.message];
  }
  return ['none', ''];
}

// 4.0.8's incoming call without its SIP session: answer() checks the headers before using it.
function officialIncoming() {
  const { AculabCloudIncomingCall } = require(join(officialLib, 'aculab-cloud-incoming-call.js'));
  return Object.create(AculabCloudIncomingCall.prototype);
}

const BAD_X = { extraSipHeaders: ['Subject: hi'] };
const NOT_X = ["Error", "extraSipHeader must start with 'X-'"];
const SAME = null;
// README.multistream: a stand-in stream (no row gets as far as its tracks) and 4.0.8's answer while
// a call's first INVITE is under way.
const STREAM = { id: 'page-stream', getTracks: () => [], clone() { return this; } };
const IN_PROGRESS = ['string', 'Re-invite in progress'];

// [page code, its run on a client (o: ours or official), 4.0.8's answer, ours (SAME: as 4.0.8)].
const ROWS = [
  ['new AculabCloudClient with a bad cloudId', (C) => () => new C('1-2', 'abc123', 'a', 0), ['string', 'Invalid cloudId'], SAME],
  ['new AculabCloudClient with a bad webRtcAccessKey', (C) => () => new C('1-2-3', 'ABC', 'a', 0), ['string', 'Invalid webRtcAccessKey'], SAME],
  ['new AculabCloudClient with a bad clientId', (C) => () => new C('1-2-3', 'abc123', 'a b', 0), ['string', 'Invalid clientId'], SAME],
  ['new AculabCloudClient with clientId undefined', (C) => () => new C('1-2-3', 'abc123', undefined, 0), ['TypeError', "Cannot read properties of undefined (reading 'startsWith')"], ['string', 'Invalid clientId']],
  ["callService('a b')", (c) => () => c.callService('a b'), ['string', 'Invalid serviceName'], SAME],
  ['callService(undefined)', (c) => () => c.callService(undefined), ['TypeError', "Cannot read properties of undefined (reading 'startsWith')"], ['string', 'Invalid serviceName']],
  ['callService with maxConcurrent calls up', (c) => () => { c.callService('one'); c.callService('two'); }, ['string', 'Too many calls'], SAME],
  ["callService with extraSipHeaders ['Subject: hi']", (c) => () => c.callService('echo', BAD_X), NOT_X, SAME],
  ['callService with bad extraSipHeaders and maxConcurrent calls up', (c) => () => { c.callService('one'); c.callService('two', BAD_X); }, ['string', 'Too many calls'], SAME],
  ["callService with extraSipHeaders ['x-lower: 1']", (c) => () => c.callService('echo', { extraSipHeaders: ['x-lower: 1'] }), NOT_X, ['none', '']],
  ["callService with extraSipHeaders ['X-NoColon']", (c) => () => c.callService('echo', { extraSipHeaders: ['X-NoColon'] }), ['none', ''], ['Error', "extraSipHeader must be 'X-Name: value'"]],
  ['callClient(42, token)', (c) => () => c.callClient(42, TOKEN), ['string', 'clientId is not a string'], SAME],
  ["callClient('a b', token)", (c) => () => c.callClient('a b', TOKEN), ['string', 'Invalid clientId'], SAME],
  ["callClient('bob', 'abc')", (c) => () => c.callClient('bob', 'abc', {}), ['string', 'Invalid token'], SAME],
  ['callClient with maxConcurrent calls up', (c) => () => { c.callService('one'); c.callClient('bob', 'abc', {}); }, ['string', 'Too many calls'], SAME],
  ["callClient with extraSipHeaders ['Subject: hi']", (c) => () => c.callClient('bob', TOKEN, BAD_X), NOT_X, SAME],
  ["enableIncoming('abc')", (c) => () => c.enableIncoming('abc'), ['string', 'Invalid token'], SAME],
  ['enableIncoming(undefined)', (c) => () => c.enableIncoming(undefined), ['TypeError', "Cannot read properties of undefined (reading 'split')"], ['string', 'Invalid token']],
  ["answer with extraSipHeaders ['Subject: hi']", (c, side) => () => (side === 'ours' ? new ours.AculabCloudIncomingCall(c, 99, {}) : officialIncoming()).answer(BAD_X), NOT_X, SAME],
  ["sendDtmf('x') before media", (c) => () => c.callService('echo').sendDtmf('x'), ['string', 'Invalid DTMF string'], SAME],
  ["sendDtmf('1') before media", (c) => () => c.callService('echo').sendDtmf('1'), ['string', 'DTMF send error'], SAME],
  ["sendDtmf('1x') before media", (c) => () => c.callService('echo').sendDtmf('1x'), ['string', 'DTMF send error'], ['string', 'Invalid DTMF string']],
  ["sendDtmf('') before media", (c) => () => c.callService('echo').sendDtmf(''), ['string', 'DTMF send error'], ['string', 'Invalid DTMF string']],
  ['maxConcurrent = 0', (c) => () => { c.maxConcurrent = 0; }, ['none', ''], ['string', 'maxConcurrent must be 1 or greater']],
  ["setPeerConnectionConfiguration({ iceServers: 'x' })", (c) => () => c.setPeerConnectionConfiguration({ iceServers: 'x' }), ['none', ''], ['string', 'iceServers must be null or an array']],
  ["setPeerConnectionConfiguration({ iceTransportPolicy: 'x' })", (c) => () => c.setPeerConnectionConfiguration({ iceServers: null, iceTransportPolicy: 'x' }), ['none', ''], ['string', 'iceTransportPolicy must be "all" or "relay"']],
  ['addStream on a service call', (c) => () => c.callService('echo').addStream(STREAM), ['string', 'addStream not available'], SAME],
  ['removeStream on a service call', (c) => () => c.callService('echo').removeStream(STREAM), ['string', 'removeStream not available'], SAME],
  ['reinvite on a service call', (c) => () => c.callService('echo').reinvite({ localStreams: [STREAM] }), ['string', 'Reinvite not available'], SAME],
  ['addStream while the client call is being set up', (c) => () => c.callClient('bob', TOKEN, {}).addStream(STREAM), IN_PROGRESS, SAME],
  ['removeStream while the client call is being set up', (c) => () => c.callClient('bob', TOKEN, {}).removeStream(STREAM), IN_PROGRESS, SAME],
  ['reinvite while the client call is being set up', (c) => () => c.callClient('bob', TOKEN, {}).reinvite({ localStreams: [STREAM] }), IN_PROGRESS, SAME],
  ['reinvite({}) while the client call is being set up', (c) => () => c.callClient('bob', TOKEN, {}).reinvite({}), IN_PROGRESS, SAME],
];

test('both export the client as the default too (import AculabCloudClient from ...)', guard(() => {
  assert.equal(official.default, official.AculabCloudClient);
  assert.equal(ours.default, ours.AculabCloudClient);
}));

test('every row: 4.0.8 and ours throw what the table says, in type and text', guard(async () => {
  for (const [what, run, want408, wantOurs] of ROWS) {
    const isCtor = what.startsWith('new ');
    const got408 = thrown(run(isCtor ? official.AculabCloudClient : officialClient(), 'official'));
    assert.deepEqual(got408, want408, `4.0.8: ${what}`);
    const gotOurs = thrown(run(isCtor ? ours.AculabCloudClient : oursClient(), 'ours'));
    assert.deepEqual(gotOurs, wantOurs ?? want408, `ours: ${what}`);
  }
}));

test('getStats() before media rejects with 4.0.8\'s string', guard(async () => {
  const want = ['string', 'No Session Description Handler or Peer Connection'];
  assert.deepEqual(await rejected(() => officialClient().callService('echo').getStats()), want);
  assert.deepEqual(await rejected(() => oursClient().callService('echo').getStats()), want);
}));

test('interface.md: callService and callClient throw a string when the browser cannot call the cloud (4.0.8 does not)', guard(() => {
  assert.deepEqual(thrown(() => officialClient().callService('echo')), ['none', ''], '4.0.8 in Node, which has no RTCPeerConnection');
  const noPeer = oursClient('alice', { ...env, RTCPeerConnection: undefined });
  const noSocket = oursClient('alice', { ...env, WebSocket: undefined });
  for (const c of [noPeer, noSocket]) {
    assert.deepEqual(thrown(() => c.callService('echo')), ['string', 'WebRTC not supported']);
    assert.deepEqual(thrown(() => c.callClient('bob', TOKEN)), ['string', 'WebRTC not supported']);
  }
}));

test('ours only: a bad cloud URL, and any command after close()', guard(() => {
  const bad = () => new ours.AculabCloudClient('1-2-3', 'abc123', 'a', 0, { url: 'http://x', environment: env });
  assert.deepEqual(thrown(bad), ['string', 'Invalid cloud URL']);
  const c = oursClient();
  c.close();
  assert.deepEqual(thrown(() => c.callService('echo')), ['string', 'Client closed']);
  assert.deepEqual(thrown(() => c.enableIncoming(TOKEN)), ['string', 'Client closed']);
}));

test('README.md lists every row', guard(() => {
  const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
  const section = readme.slice(readme.indexOf('### Exceptions'));
  const texts = new Set(ROWS.flatMap(([, , a, b]) => [a, b ?? a]).filter(([type]) => type === 'string' || type === 'Error').map(([, text]) => text));
  for (const t of [...texts, 'WebRTC not supported', 'Invalid cloud URL', 'Client closed', 'No Session Description Handler or Peer Connection']) {
    assert.ok(section.includes(`\`${t}\``), `README "Exceptions" has ${t}`);
  }
  for (const [what] of ROWS) assert.ok(section.includes(what), `README "Exceptions" has the row ${what}`);
}));
