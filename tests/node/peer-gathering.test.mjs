// PeerSession.setLocal's wait for ICE gathering (js/peer.js), against a scripted peer connection
// on node:test's mock clock: the early end once every transport has what it needs (a UDP host
// candidate; with a TURN server a relay candidate too; with STUN only a server-reflexive one) and
// 10 ms passed quietly; the full wait (to 'complete', capped at 5 s) with the call option
// iceGathering: 'complete' or when the browser cannot say which transport a candidate is for.
import { test, mock } from 'node:test';
import assert from 'node:assert/strict';

import { PeerSession } from '../../js/peer.js';

class FakeCandidateEvent extends Event {
  constructor(candidate) {
    super('icecandidate');
    this.candidate = candidate;
  }
}

// A peer connection with the parts setLocal uses; transceivers: [[mid, transport]].
class FakePc extends EventTarget {
  constructor(transceivers) {
    super();
    this.iceGatheringState = 'new';
    this.localDescription = null;
    this.candidates = [];
    this.transceivers = transceivers.map(([mid, transport]) => ({ mid, stopped: false, sender: { transport } }));
    this.listening = 0; // listeners added and not removed
  }

  addEventListener(...args) {
    this.listening++;
    super.addEventListener(...args);
  }

  removeEventListener(...args) {
    this.listening--;
    super.removeEventListener(...args);
  }

  async setLocalDescription(d) {
    this.localDescription = { type: d.type, sdp: d.sdp };
    this.iceGatheringState = 'gathering';
  }

  getTransceivers() {
    return this.transceivers;
  }

  // What the browser does: the candidate goes into the local description, then the event.
  candidate(c) {
    this.candidates.push(c);
    this.localDescription = { ...this.localDescription, sdp: `${this.localDescription.sdp}+${c.sdpMid}/${c.protocol}/${c.type}` };
    this.dispatchEvent(new FakeCandidateEvent(c));
  }

  complete() {
    this.iceGatheringState = 'complete';
    this.dispatchEvent(new Event('icegatheringstatechange'));
    this.dispatchEvent(new FakeCandidateEvent(null));
  }
}

const hostUdp = (sdpMid) => ({ type: 'host', protocol: 'udp', sdpMid });
const hostTcp = (sdpMid) => ({ type: 'host', protocol: 'tcp', sdpMid });

function session(pc, config) {
  const events = { track() {}, localStream() {}, iceState() {}, heard() {}, log() {} };
  const s = new PeerSession({}, config, {}, events);
  s.pc = pc;
  return s;
}

// setLocal's promise, with a flag telling whether it has settled.
function watch(promise) {
  const w = { done: false, value: undefined, error: undefined };
  w.promise = promise.then((v) => {
    w.done = true;
    w.value = v;
  }, (e) => {
    w.done = true;
    w.error = e;
  });
  return w;
}

const flush = () => new Promise((resolve) => setImmediate(resolve));

async function withClock(fn) {
  mock.timers.enable({ apis: ['setTimeout'] });
  try {
    await fn();
  } finally {
    mock.timers.reset();
  }
}

test('no ICE server: the description goes 10 ms after the transport has its UDP host candidates', () => withClock(async () => {
  const transport = {};
  const pc = new FakePc([['0', transport], ['1', transport]]);
  const w = watch(session(pc, { iceServers: [], iceTransportPolicy: 'all' }).setLocal('offer', 'o'));
  await flush();
  pc.candidate(hostTcp('0')); // a TCP host candidate alone is not enough
  mock.timers.tick(50);
  await flush();
  assert.equal(w.done, false);
  pc.candidate(hostUdp('0'));
  mock.timers.tick(6);
  pc.candidate(hostUdp('0')); // another interface: the settle time starts again
  mock.timers.tick(9);
  await flush();
  assert.equal(w.done, false, 'still settling');
  mock.timers.tick(1);
  await flush();
  assert.equal(w.done, true);
  assert.equal(w.value, 'o+0/tcp/host+0/udp/host+0/udp/host', 'the description as it was then, with its candidates');
  assert.equal(pc.iceGatheringState, 'gathering', 'without waiting for complete');
  assert.equal(pc.listening, 0, 'the wait removed its listeners');
}));

test('no ICE server, no bundle: every transport needs its own UDP host candidate', () => withClock(async () => {
  const pc = new FakePc([['0', { n: 0 }], ['1', { n: 1 }]]);
  const w = watch(session(pc, { iceServers: [] }).setLocal('answer', 'a'));
  await flush();
  pc.candidate(hostUdp('0'));
  pc.candidate({ type: 'srflx', protocol: 'udp', sdpMid: '1' });
  mock.timers.tick(1000);
  await flush();
  assert.equal(w.done, false, 'transport of mid 1 has no UDP host candidate yet');
  pc.candidate(hostUdp('1'));
  mock.timers.tick(10);
  await flush();
  assert.equal(w.done, true);
}));

test('a host candidate before setLocalDescription resolved counts too', () => withClock(async () => {
  const pc = new FakePc([['0', {}]]);
  const sld = pc.setLocalDescription.bind(pc);
  pc.setLocalDescription = async (d) => {
    await sld(d);
    pc.candidate(hostUdp('0'));
  };
  const w = watch(session(pc, {}).setLocal('offer', 'o'));
  await flush();
  mock.timers.tick(10);
  await flush();
  assert.equal(w.done, true);
  assert.equal(w.value, 'o+0/udp/host');
}));

const TURN = [{ urls: ['stun:turn.example.com', 'turn:turn.example.com?transport=udp', 'turn:turn.example.com?transport=tcp'], username: 'u', credential: 'c' }];
const relayUdp = (sdpMid) => ({ type: 'relay', protocol: 'udp', sdpMid });

test('a TURN server: the description goes 10 ms after every transport has UDP host and relay candidates', () => withClock(async () => {
  const pc = new FakePc([['0', { n: 0 }], ['1', { n: 1 }]]);
  const w = watch(session(pc, { iceServers: TURN, iceTransportPolicy: 'all' }).setLocal('offer', 'o'));
  await flush();
  pc.candidate(hostUdp('0'));
  pc.candidate(hostUdp('1'));
  pc.candidate({ type: 'srflx', protocol: 'udp', sdpMid: '0' });
  mock.timers.tick(4000);
  await flush();
  assert.equal(w.done, false, 'no relay candidate yet');
  pc.candidate(relayUdp('0'));
  mock.timers.tick(100);
  await flush();
  assert.equal(w.done, false, 'transport of mid 1 has no relay candidate yet');
  pc.candidate(relayUdp('1'));
  mock.timers.tick(9);
  await flush();
  assert.equal(w.done, false, 'still settling');
  mock.timers.tick(1);
  await flush();
  assert.equal(w.done, true);
  assert.equal(w.value, 'o+0/udp/host+1/udp/host+0/udp/srflx+0/udp/relay+1/udp/relay');
  assert.equal(pc.iceGatheringState, 'gathering', 'without waiting for complete');
  assert.equal(pc.listening, 0, 'the wait removed its listeners');
}));

test('a TURN server: a relay candidate without a UDP host candidate is not enough', () => withClock(async () => {
  const pc = new FakePc([['0', {}]]);
  const w = watch(session(pc, { iceServers: TURN }).setLocal('offer', 'o'));
  await flush();
  pc.candidate(relayUdp('0'));
  pc.candidate(hostTcp('0'));
  mock.timers.tick(1000);
  await flush();
  assert.equal(w.done, false);
  pc.candidate(hostUdp('0'));
  mock.timers.tick(10);
  await flush();
  assert.equal(w.done, true);
}));

test('iceTransportPolicy relay with a TURN server: a relay candidate is enough', () => withClock(async () => {
  const pc = new FakePc([['0', {}]]);
  const w = watch(session(pc, { iceServers: TURN, iceTransportPolicy: 'relay' }).setLocal('offer', 'o'));
  await flush();
  mock.timers.tick(1000);
  await flush();
  assert.equal(w.done, false);
  pc.candidate(relayUdp('0'));
  mock.timers.tick(10);
  await flush();
  assert.equal(w.done, true);
  assert.equal(w.value, 'o+0/udp/relay');
}));

test('STUN servers only: a server-reflexive candidate too, else the full wait', () => withClock(async () => {
  const stun = [{ urls: 'stun:stun.example.com' }];
  let pc = new FakePc([['0', {}]]);
  let w = watch(session(pc, { iceServers: stun }).setLocal('offer', 'o'));
  await flush();
  pc.candidate(hostUdp('0'));
  pc.candidate({ type: 'srflx', protocol: 'udp', sdpMid: '0' });
  mock.timers.tick(10);
  await flush();
  assert.equal(w.done, true);
  pc = new FakePc([['0', {}]]);
  w = watch(session(pc, { iceServers: stun }).setLocal('offer', 'o'));
  await flush();
  pc.candidate(hostUdp('0'));
  mock.timers.tick(1000);
  await flush();
  assert.equal(w.done, false, 'no server-reflexive candidate (no NAT): wait for complete');
  pc.complete();
  await flush();
  assert.equal(w.done, true);
}));

test("the call option iceGathering: 'complete' keeps the full wait, with or without servers", () => withClock(async () => {
  for (const config of [{ iceServers: TURN }, { iceServers: [] }]) {
    const pc = new FakePc([['0', {}]]);
    const events = { track() {}, localStream() {}, iceState() {}, heard() {}, log() {} };
    const s = new PeerSession({}, config, { iceGathering: 'complete' }, events);
    s.pc = pc;
    const w = watch(s.setLocal('offer', 'o'));
    await flush();
    pc.candidate(hostUdp('0'));
    pc.candidate(relayUdp('0'));
    mock.timers.tick(4000);
    await flush();
    assert.equal(w.done, false);
    pc.complete();
    await flush();
    assert.equal(w.done, true);
    assert.equal(pc.listening, 0);
  }
}));

test('iceTransportPolicy relay without a TURN server: the full wait', () => withClock(async () => {
  const pc = new FakePc([['0', {}]]);
  const w = watch(session(pc, { iceServers: [], iceTransportPolicy: 'relay' }).setLocal('offer', 'o'));
  await flush();
  pc.candidate(hostUdp('0'));
  mock.timers.tick(1000);
  await flush();
  assert.equal(w.done, false);
  pc.complete();
  await flush();
  assert.equal(w.done, true);
}));

test('no RTCRtpSender.transport (or no candidate type): the full wait, capped at 5 s', () => withClock(async () => {
  for (const [transport, cand] of [[undefined, hostUdp('0')], [{}, { candidate: 'candidate:1 1 udp 1 127.0.0.1 9 typ host', sdpMid: '0' }]]) {
    const pc = new FakePc([['0', transport]]);
    const w = watch(session(pc, { iceServers: [] }).setLocal('offer', 'o'));
    await flush();
    pc.candidate(cand);
    mock.timers.tick(4999);
    await flush();
    assert.equal(w.done, false);
    mock.timers.tick(1);
    await flush();
    assert.equal(w.done, true, 'the 5 s cap');
    assert.equal(pc.listening, 0);
  }
}));

test('closed while settling: rejects, and nothing is left listening', () => withClock(async () => {
  const pc = new FakePc([['0', {}]]);
  const s = session(pc, { iceServers: [] });
  const w = watch(s.setLocal('offer', 'o'));
  await flush();
  pc.candidate(hostUdp('0'));
  s.close = () => {
    s.closed = true;
    if (s.gathered) s.gathered();
  };
  s.close();
  await flush();
  assert.equal(w.done, true);
  assert.equal(w.error, 'ERROR');
  assert.equal(pc.listening, 0, 'the wait removed its listeners');
  assert.equal(s.gathered, null);
  mock.timers.tick(10000); // no timer of the wait fires after it
}));
