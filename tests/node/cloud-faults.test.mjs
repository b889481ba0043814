// Fault injection in the local cloud: /faults and --fault; closed, refused and half-dead sockets; media blackhole and loss heard by a wrtc peer.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { basicAuth, bodyOf, headerOf, isResponse, ScriptedClient, SipPeer, sipText, startTestCloud } from './cloud-helpers.mjs';
import { AudioPeer, endProcess } from './cloud-audio-peer.mjs';
import { loadConfig } from '../../cloud/config.mjs';
import { FaultError, faultRequest, parseFaultSpec } from '../../cloud/faults.mjs';

let cloud;
before(async () => {
  cloud = await startTestCloud();
});
after(async () => {
  await cloud?.stop();
  endProcess();
});
// A suite never skips for a missing build (cloud-helpers.mjs): the cloud does not start without it.
const opts = {};
const service = (name) => `sip:${name}@sip-1-2-0.aculab.com;transport=tcp`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
// Generous: these only bound a wait for something that normally takes milliseconds.
const WAIT = 20000;

async function faults(method, params = {}, { auth = basicAuth(cloud) } = {}) {
  const url = new URL('faults', cloud.url);
  const init = { method, headers: auth ? { Authorization: auth } : {} };
  if (method === 'POST') {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(params);
  } else {
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, String(v));
  }
  const res = await fetch(url, init);
  return { status: res.status, body: await res.json() };
}

async function apply(params) {
  const { status, body } = await faults('POST', params);
  assert.equal(status, 200, JSON.stringify(body));
  return body.fault;
}

/** `promise`, or a failure naming `what` after `ms`. */
function within(promise, what, ms = WAIT) {
  let timer;
  const late = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out: ${what}`)), ms);
  });
  return Promise.race([promise, late]).finally(() => clearTimeout(timer));
}

const faultEvent = (type, id) => cloud.events.waitFor((e) => e.type === type && e.fault === id, WAIT);

/** The events of one fault as GET /events shows them. */
async function eventsOf(id) {
  const res = await fetch(new URL('events?type=fault', cloud.url), { headers: { Authorization: basicAuth(cloud) } });
  return (await res.json()).events.filter((e) => e.fault === id).map((e) => e.type);
}

/** An OPTIONS as the client sends it for its ICE servers (From: its AOR, which names it to the cloud). */
function options(client) {
  const callId = `opt${Date.now()}${Math.random().toString(36).slice(2)}`;
  const text = sipText(`OPTIONS sip:${cloud.config.proxyDomain} SIP/2.0`, [
    ['Via', client.via()],
    ['To', `<sip:${cloud.config.proxyDomain}>`],
    ['From', `<${client.aor}>;tag=t${callId}`],
    ['CSeq', '1 OPTIONS'],
    ['Call-ID', callId],
    ['Max-Forwards', '70'],
    ['X-AculabTurnRequest', '1'],
  ]);
  return { text, answer: (f) => f.startsWith('SIP/2.0 200') && headerOf(f, 'Call-ID') === callId };
}

async function optionsAnswered(client, timeoutMs = WAIT) {
  const o = options(client);
  client.peer.send(o.text);
  return client.peer.next(o.answer, timeoutMs);
}

test('parameters and --fault specs: kinds, one target, bounds', () => {
  assert.deepEqual(parseFaultSpec('loss:client=alice,percent=10'), { kind: 'loss', client: 'alice', percent: 10 });
  assert.deepEqual(parseFaultSpec('close:client=*,ms=5000,code=1001'), { kind: 'close', client: '*', ms: 5000, code: 1001 });
  assert.deepEqual(faultRequest({ fault: ['delay'], call: ['c1-ab'], delay: ['200'], direction: ['out'] }), { kind: 'delay', call: 'c1-ab', delay: 200, direction: 'out' });
  const bad = ['loss:client=a', 'loss:client=a,percent=101', 'drop:client=a', 'blackhole', 'blackhole:client=a,connection=3',
    'half-dead:call=x', 'close:client=a,code=1006', 'delay:client=a', 'blackhole:client=a,ms=-1', 'blackhole:client=a b', 'blackhole:client=a,colour=red'];
  for (const spec of bad) assert.throws(() => parseFaultSpec(spec), FaultError, spec);
  const config = loadConfig({ argv: ['--fault', 'blackhole:client=bob,ms=100'], env: { ACW_FAULTS: 'loss:client=a,percent=5;delay:client=b,delay=50' } });
  assert.deepEqual(config.faults.map((f) => f.kind), ['loss', 'delay', 'blackhole']);
  assert.throws(() => loadConfig({ argv: ['--fault', 'loss:client=a'] }), /--fault: loss needs percent/);
});

test('/faults refuses bad credentials and applies nothing; bad parameters are 400', opts, async () => {
  const before = cloud.events.seq;
  const params = { fault: 'blackhole', client: '*' };
  assert.equal((await faults('POST', params, { auth: null })).status, 401);
  assert.equal((await faults('POST', params, { auth: basicAuth(cloud, undefined, 'wrong-key') })).status, 401);
  assert.equal((await faults('POST', params, { auth: basicAuth(cloud, '1-2-0/someone') })).status, 401);
  assert.equal((await faults('GET', {}, { auth: null })).status, 401);
  assert.equal((await faults('DELETE', {}, { auth: null })).status, 401);
  assert.equal(cloud.events.list({ since: before, type: 'fault' }).length, 0);
  assert.deepEqual((await faults('GET')).body, { faults: [], scheduled: [] });
  const bad = await faults('POST', { fault: 'loss', client: 'x' });
  assert.equal(bad.status, 400);
  assert.match(bad.body.error, /percent/);
  assert.equal((await faults('DELETE', { id: 'f999' })).status, 404);
});

test('close: the client sees its socket end; its reconnects are refused for the window, then accepted', opts, async () => {
  const carol = await ScriptedClient.connect(cloud, 'carol');
  await optionsAnswered(carol); // names carol to the cloud
  const bystander = await ScriptedClient.connect(cloud, 'dan');
  await optionsAnswered(bystander);
  const fault = await apply({ fault: 'close', client: 'carol', ms: 8000 });
  assert.equal(fault.connections.length, 1);
  const closed = await within(carol.peer.closePromise, 'carol\'s socket closed');
  assert.equal(closed.code, 1006); // no closing handshake: the TCP connection just ended
  // Inside the window: the upgrade works but the first request that names carol cuts the socket, unanswered.
  const retry = await ScriptedClient.connect(cloud, 'carol');
  const o = options(retry);
  retry.peer.send(o.text);
  await within(retry.peer.closePromise, 'the refused socket cut');
  assert.ok(retry.peer.frames.length === 0, 'a refused reconnect gets no answer');
  const refused = await cloud.events.waitFor((e) => e.type === 'fault.refused' && e.fault === fault.id, WAIT);
  assert.equal(refused.client, 'carol');
  assert.equal(cloud.events.list({ type: 'fault.cleared' }).filter((e) => e.fault === fault.id).length, 0, 'refused inside the window');
  await optionsAnswered(bystander); // other clients are untouched
  assert.equal(bystander.peer.closed, null);
  // After the window: accepted again.
  await faultEvent('fault.cleared', fault.id);
  const back = await ScriptedClient.connect(cloud, 'carol');
  await optionsAnswered(back);
  assert.deepEqual(await eventsOf(fault.id), ['fault.applied', 'fault.refused', 'fault.cleared']);
  await back.close();
  await bystander.close();
});

test('close with client=*: every socket ends and upgrades get 503 (a proxy outage) until cleared', opts, async () => {
  const one = await ScriptedClient.connect(cloud, 'erin');
  const fault = await apply({ fault: 'close', client: '*', ms: 600000, code: 1001 });
  assert.equal((await within(one.peer.closePromise, 'erin\'s socket closed')).code, 1001);
  await assert.rejects(SipPeer.connect(cloud), /HTTP 503/);
  assert.deepEqual((await faults('GET')).body.faults.map((f) => f.id), [fault.id]);
  assert.deepEqual((await faults('DELETE', { id: fault.id })).body, { cleared: [fault.id] });
  const again = await ScriptedClient.connect(cloud, 'erin');
  await optionsAnswered(again);
  assert.deepEqual(await eventsOf(fault.id), ['fault.applied', 'fault.cleared']);
  await again.close();
});

test('half-dead: the socket stays open but nothing is answered for the window; answers again after', opts, async () => {
  const frank = await ScriptedClient.connect(cloud, 'frank');
  await optionsAnswered(frank);
  const fault = await apply({ fault: 'half-dead', client: 'frank', ms: 6000 });
  assert.equal(fault.connections.length, 1);
  const o = options(frank);
  frank.peer.send(o.text);
  await faultEvent('fault.cleared', fault.id);
  assert.equal(frank.peer.frames.length, 0, 'nothing came while half-dead');
  assert.equal(frank.peer.closed, null, 'the socket stayed open');
  await optionsAnswered(frank); // the same socket works again
  assert.equal(frank.peer.frames.filter(o.answer).length, 0, 'the OPTIONS sent while half-dead is never answered');
  assert.deepEqual(await eventsOf(fault.id), ['fault.applied', 'fault.cleared']);
  await frank.close();
});

/** An answered echo call from `user` with a wrtc peer sending a 440 Hz tone. */
async function echoCall(user) {
  const client = await ScriptedClient.connect(cloud, user);
  const peer = new AudioPeer({ toneHz: 440 });
  const inv = client.inviteText(service('echo'), { sdp: await peer.offer() });
  client.peer.send(inv.text);
  const ok = await client.peer.next(isResponse(200, 'INVITE'), WAIT);
  client.peer.send(client.ackText(inv, ok));
  await peer.accept(bodyOf(ok));
  await peer.waitForConnected(WAIT);
  const call = (await cloud.events.waitFor((e) => e.type === 'call.start' && e.sipCallId === inv.callId)).call;
  return { client, peer, inv, ok, call };
}

/** Waits (generously) until what the peer hears in 700 ms satisfies `good`; returns the last level. */
async function levelUntil(peer, good, timeoutMs = WAIT) {
  const t0 = Date.now();
  for (;;) {
    await sleep(300);
    const level = peer.level(700, 440);
    if (good(level) || Date.now() - t0 > timeoutMs) return level;
  }
}

async function hangUp({ client, peer, inv, ok }) {
  client.peer.send(client.byeText(inv, ok));
  await client.peer.next(isResponse(200, 'BYE'), WAIT);
  peer.close();
  await client.close();
}

const loud = (l) => l.rms > 2000 && l.share > 0.5;

test('blackhole: the echo goes silent at the peer, and comes back once cleared', opts, async () => {
  const call = await echoCall('gina');
  assert.ok(loud(await levelUntil(call.peer, loud)), 'echo heard before the fault');
  const fault = await apply({ fault: 'blackhole', client: 'gina' });
  assert.equal(fault.sessions, 1);
  const silent = await levelUntil(call.peer, (l) => l.rms < 100);
  assert.ok(silent.rms < 100, `level during the blackhole ${JSON.stringify(silent)}`);
  assert.equal(call.peer.pc.connectionState, 'connected', 'ICE checks pass: the pair stays up');
  await faults('DELETE', { client: 'gina' });
  await faultEvent('fault.cleared', fault.id);
  const back = await levelUntil(call.peer, loud);
  assert.ok(loud(back), `level after the blackhole ${JSON.stringify(back)}`);
  assert.deepEqual(await eventsOf(fault.id), ['fault.applied', 'fault.cleared']);
  await hangUp(call);
});

async function inboundRtp(peer) {
  const report = await peer.pc.getStats();
  for (const s of report.values()) if (s.type === 'inbound-rtp' && (s.kind ?? s.mediaType) === 'audio') return s;
  return undefined;
}

test('loss: a percentage of the call\'s packets is lost, as the receiver\'s getStats counts it', opts, async () => {
  const call = await echoCall('hugo');
  await levelUntil(call.peer, loud);
  const before = await inboundRtp(call.peer);
  assert.ok(before && before.packetsReceived > 0, JSON.stringify(before));
  const fault = await apply({ fault: 'loss', call: call.call, percent: 30, direction: 'out' });
  assert.equal(fault.sessions, 1);
  // 30% of 50 packets/s: expect ~15 lost per second; wait for 20 however slow the machine is.
  let stats = before;
  const t0 = Date.now();
  while (stats.packetsLost - before.packetsLost < 20 && Date.now() - t0 < WAIT) {
    await sleep(500);
    stats = await inboundRtp(call.peer);
  }
  const lost = stats.packetsLost - before.packetsLost;
  const received = stats.packetsReceived - before.packetsReceived;
  assert.ok(lost >= 20, `lost ${lost} of ${lost + received}`);
  assert.ok(lost < (lost + received) * 0.6, `lost ${lost} of ${lost + received}: about 30% expected`);
  await faults('DELETE', { id: fault.id });
  assert.deepEqual(await eventsOf(fault.id), ['fault.applied', 'fault.cleared']);
  const applied = cloud.events.list({ type: 'fault.applied' }).find((e) => e.fault === fault.id);
  assert.equal(applied.percent, 30);
  await hangUp(call);
});

test('blackhole at layer udp: ICE checks die too, the peer sees the path go; it comes back once cleared', opts, async () => {
  const call = await echoCall('ines');
  await levelUntil(call.peer, loud);
  const fault = await apply({ fault: 'blackhole', client: 'ines', layer: 'udp' });
  const t0 = Date.now();
  while (!['disconnected', 'failed'].includes(call.peer.pc.iceConnectionState) && Date.now() - t0 < WAIT) await sleep(200);
  assert.ok(['disconnected', 'failed'].includes(call.peer.pc.iceConnectionState), `peer ICE ${call.peer.pc.iceConnectionState}`);
  await faults('DELETE', { id: fault.id });
  const t1 = Date.now();
  while (call.peer.pc.iceConnectionState !== 'connected' && Date.now() - t1 < WAIT) await sleep(200);
  assert.equal(call.peer.pc.iceConnectionState, 'connected');
  assert.ok(loud(await levelUntil(call.peer, loud)), 'echo heard again');
  await hangUp(call);
});
