// Abuse suite, limits: call slots from one socket and from many, connections per address, idle and dead peers, call duration, binding floods; a bystander is served throughout.
import { test, before, beforeEach, after } from 'node:test';
import assert from 'node:assert/strict';
import WebSocket from 'ws';
import { bystanderCall, endProcess } from './cloud-audio-peer.mjs';
import { fetchToken, headerOf, isRequest, ScriptedClient, SipPeer, sipText, startTestCloud, statusOf } from './cloud-helpers.mjs';

// The attacker comes from another loopback address (Linux routes 127/8 to lo), so that the
// per-address limits it meets leave the bystander on 127.0.0.1 alone.
const ATTACKER = { localAddress: '127.0.0.2' };
const WAIT = 20000;
const LIMITS = { maxCallsPerConnection: 3, maxCallsPerAddress: 5, maxConnectionsPerAddress: 6, maxBindingsPerClient: 4, maxBindingsPerConnection: 6 };

let cloud;
before(async () => {
  cloud = await startTestCloud(LIMITS);
});
beforeEach(() => settle());
after(async () => {
  await cloud?.stop();
  endProcess();
});

/** Until the calls and the attacker's sockets of the last test are gone (so the next starts clean). */
async function settle() {
  const t0 = Date.now();
  const attacker = () => [...cloud.transport.connections.values()].filter((c) => /127\.0\.0\.2$/.test(c.address)).length;
  while ((cloud.router.calls.size > 0 || attacker() > 0) && Date.now() - t0 < WAIT) await sleep(50);
}

const service = (name) => `sip:${name}@${cloud.config.serviceDomain}`;
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** Sends `n` INVITEs to noanswer on `client`; resolves with the status each first got (100/180 ringing, or final). */
async function ringMany(client, n) {
  const invites = [];
  for (let i = 0; i < n; i++) {
    const inv = client.inviteText(service('noanswer'));
    client.peer.send(inv.text);
    invites.push(inv);
  }
  const statuses = [];
  for (const inv of invites) {
    const f = await client.peer.next((x) => x.startsWith('SIP/2.0') && headerOf(x, 'Call-ID') === inv.callId && statusOf(x) !== 100, WAIT);
    statuses.push(statusOf(f));
  }
  return { invites, statuses };
}

async function cancelAll(client, invites, statuses) {
  for (let i = 0; i < invites.length; i++) if (statuses[i] === 180) client.peer.send(client.cancelText(invites[i]));
  await sleep(300);
}

test('slot exhaustion from one socket: calls beyond the per-connection limit get 503; a bystander still gets an echo call', async () => {
  const mallory = await ScriptedClient.connect(cloud, 'mallory', ATTACKER);
  const { invites, statuses } = await ringMany(mallory, 12);
  assert.equal(statuses.filter((s) => s === 180).length, LIMITS.maxCallsPerConnection, statuses.join(' '));
  assert.equal(statuses.filter((s) => s === 503).length, 12 - LIMITS.maxCallsPerConnection);
  assert.ok(cloud.events.list({ type: 'call.refused' }).some((e) => e.reason === 'max calls per connection'));
  const bystander = await bystanderCall(cloud, 'bystander1');
  await bystander.audioIntact();
  await cancelAll(mallory, invites, statuses);
  await bystander.hangUp();
  await mallory.close();
});

test('slot exhaustion from many sockets: the per-address limits hold; a bystander from another address is served', async () => {
  const sockets = [];
  const statuses = [];
  let refusedUpgrades = 0;
  for (let i = 0; i < LIMITS.maxConnectionsPerAddress + 3; i++) {
    try {
      sockets.push(await ScriptedClient.connect(cloud, `m${i}`, ATTACKER));
    } catch (e) {
      assert.match(e.message, /HTTP 503/);
      refusedUpgrades++;
    }
  }
  assert.equal(sockets.length, LIMITS.maxConnectionsPerAddress);
  assert.equal(refusedUpgrades, 3);
  assert.ok(cloud.events.list({ type: 'connection.refused' }).some((e) => e.why === 'connections per address'));
  const rung = [];
  for (const s of sockets) {
    const r = await ringMany(s, 2);
    statuses.push(...r.statuses);
    rung.push([s, r]);
  }
  assert.equal(statuses.filter((s) => s === 180).length, LIMITS.maxCallsPerAddress, statuses.join(' '));
  assert.ok(cloud.events.list({ type: 'call.refused' }).some((e) => e.reason === 'max calls per address'));
  const bystander = await bystanderCall(cloud, 'bystander2');
  await bystander.audioIntact();
  for (const [s, r] of rung) await cancelAll(s, r.invites, r.statuses);
  await bystander.hangUp();
  for (const s of sockets) await s.close();
});

test('binding floods: per client and per connection caps, expiry capped by the token, no token lists nothing', async () => {
  const bystander = await bystanderCall(cloud, 'bystander3');
  const bob = await ScriptedClient.connect(cloud, 'bob');
  assert.equal(statusOf(await bob.register(await fetchToken(cloud, { client_id: 'bob' }))), 200);

  const mallory = await ScriptedClient.connect(cloud, 'mallory', ATTACKER);
  const token = await fetchToken(cloud, { client_id: 'mallory', ttl: 600 });
  // 16 Contacts in one REGISTER: over the per-client cap, refused whole.
  const many = Array.from({ length: 16 }, (_, i) => `<sip:x${i}@h.invalid;transport=ws>`).join(', ');
  const flood = await mallory.register(token, 600, { contact: many });
  assert.equal(statusOf(flood), 403, flood.split('\r\n')[0]);
  // One at a time: the cap holds.
  let ok = 0;
  for (let i = 0; i < 8; i++) if (statusOf(await mallory.register(token, 600, { contact: `<sip:y${i}@h.invalid;transport=ws>` })) === 200) ok++;
  assert.equal(ok, LIMITS.maxBindingsPerClient);
  // Other client ids on the same socket: the per-connection cap.
  const other = new ScriptedClient(mallory.peer, cloud, 'mallory2');
  const token2 = await fetchToken(cloud, { client_id: 'mallory2' });
  let ok2 = 0;
  for (let i = 0; i < 4; i++) if (statusOf(await other.register(token2, 600, { contact: `<sip:z${i}@h.invalid;transport=ws>` })) === 200) ok2++;
  assert.equal(ok + ok2, LIMITS.maxBindingsPerConnection);
  assert.ok(cloud.events.list({ type: 'register.refused' }).some((e) => /bindings on a connection/.test(e.reason)));
  // A token with 600 s left: a binding asked for 3600 s gets no more than that.
  const fresh = await ScriptedClient.connect(cloud, 'carol', ATTACKER);
  const short = await fresh.register(await fetchToken(cloud, { client_id: 'carol', ttl: 600 }), 3600);
  assert.equal(statusOf(short), 200);
  const expires = Number(/expires=(\d+)/.exec(headerOf(short, 'Contact'))[1]);
  assert.ok(expires <= 600 && expires > 500, `granted ${expires}`);
  // A REGISTER without a token for bob (a query): bob's Contact is not shown.
  const spy = new ScriptedClient(fresh.peer, cloud, 'bob');
  fresh.peer.send(sipText(`REGISTER sip:${cloud.config.clientDomain} SIP/2.0`, [['Via', spy.via()], ['To', `<${spy.aor}>`],
    ['From', `<${spy.aor}>;tag=q1`], ['CSeq', '1 REGISTER'], ['Call-ID', 'query-bob'], ['Max-Forwards', '70']]));
  const peek = await fresh.peer.next((f) => headerOf(f, 'Call-ID') === 'query-bob', WAIT);
  assert.equal(statusOf(peek), 200);
  assert.ok(!peek.includes(bob.contactUser), `no Contact of bob listed: ${peek}`);
  // bob is still registered and reachable.
  assert.equal(statusOf(await bob.register(await fetchToken(cloud, { client_id: 'bob' }))), 200);
  await bystander.audioIntact();
  await bystander.hangUp();
  for (const c of [bob, mallory, fresh]) await c.close();
});

test('a dead peer is closed after the idle timeout; a silent live one (answering pings) and the bystander stay', async () => {
  const bystander = await bystanderCall(cloud, 'bystander4');
  cloud.config.idleTimeout = 2;
  try {
    const dead = await SipPeer.connect(cloud, { ...ATTACKER, autoPong: false });
    const alive = await SipPeer.connect(cloud, ATTACKER);
    const closed = await Promise.race([dead.closePromise, sleep(WAIT).then(() => null)]);
    assert.ok(closed, 'the dead peer was closed');
    assert.ok(cloud.events.list({ type: 'connection.idle' }).length >= 1);
    assert.equal(alive.closed, null, 'the live one answered pings and stayed');
    assert.equal(alive.ws.readyState, WebSocket.OPEN);
    await alive.close();
  } finally {
    cloud.config.idleTimeout = 90;
  }
  await bystander.audioIntact();
  await bystander.hangUp();
});

test('every call has a maximum duration: an echo call and a ringing call are ended by the cloud', async () => {
  const bystander = await bystanderCall(cloud, 'bystander5');
  cloud.config.maxCallSeconds = 2;
  try {
    const long = await bystanderCall(cloud, 'mallory', { ws: ATTACKER });
    const mallory = long.client;
    const ring = mallory.inviteText(service('noanswer'));
    mallory.peer.send(ring.text);
    const bye = await mallory.peer.next(isRequest('BYE'), WAIT);
    mallory.peer.send(mallory.respondTo(bye, 200, 'OK'));
    const final = await mallory.peer.next((f) => headerOf(f, 'Call-ID') === ring.callId && statusOf(f) >= 300, WAIT);
    assert.equal(statusOf(final), 408);
    const inv = { callId: headerOf(bye, 'Call-ID') };
    const ends = cloud.events.list({ type: 'call.end' }).filter((e) => e.reason === 'max call duration');
    assert.ok(ends.some((e) => e.sipCallId === inv.callId) && ends.some((e) => e.sipCallId === ring.callId), JSON.stringify(ends));
    long.peer.close();
    await mallory.close();
  } finally {
    cloud.config.maxCallSeconds = 3600;
  }
  await bystander.audioIntact();
  await bystander.hangUp();
});

test('oversize and malformed frames at the limits: 64 KiB passes, one byte more closes only that socket', async () => {
  const bystander = await bystanderCall(cloud, 'bystander6');
  const fat = await SipPeer.connect(cloud, ATTACKER);
  // A frame of exactly 64 KiB of garbage: within the size limit, dropped as malformed, socket open.
  fat.send('X'.repeat(64 * 1024));
  fat.send('INVITE sip:echo@x SIP/2.0\r\nVia: nonsense\r\n\r\n');
  fat.send(Buffer.from([0xff, 0xfe, 0x00, 0x80]));
  await sleep(500);
  assert.equal(fat.closed, null, 'still open after malformed frames within the limit');
  const over = await SipPeer.connect(cloud, ATTACKER);
  over.send('X'.repeat(64 * 1024 + 1));
  const closed = await Promise.race([over.closePromise, sleep(WAIT).then(() => null)]);
  assert.equal(closed?.code, 1009, 'closed as too big');
  assert.equal(fat.closed, null, 'the other socket is untouched');
  await fat.close();
  await bystander.audioIntact();
  await bystander.hangUp();
});
