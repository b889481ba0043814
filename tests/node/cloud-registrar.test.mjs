// Registrar rules against a running cloud: the trace's REGISTER, token checks, expiry, latest wins, unregister, socket close.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  basicAuth, fetchToken, headerOf, isRequest, loadTrace, ScriptedClient, SipPeer, startTestCloud, statusOf,
} from './cloud-helpers.mjs';

let cloud;
before(async () => {
  cloud = await startTestCloud({ minExpires: 1 });
});
after(() => cloud?.stop());
const registered = async () => (await (await fetch(new URL('webrtc_registered_clients', cloud.url), { headers: { Authorization: basicAuth(cloud) } })).json()).clients;

test('the trace REGISTER with a real token: 200 shaped like the stub, then listed', async () => {
  const [reg, stubReply] = loadTrace('official-client.txt');
  const token = await fetchToken(cloud, { client_id: 'alice' });
  const peer = await SipPeer.connect(cloud);
  peer.send(reg.text.replace(/Bearer \S+/, `Bearer ${token}`));
  const res = await peer.next('SIP/2.0');
  assert.equal(res.split('\r\n')[0], 'SIP/2.0 200 OK');
  for (const name of ['Via', 'From', 'Call-ID', 'CSeq']) assert.equal(headerOf(res, name), headerOf(stubReply.text, name), name);
  assert.match(headerOf(res, 'To'), /^<sip:alice@abc123\.webrtc-1-2-0\.aculabcloud\.net>;tag=\w+$/);
  assert.equal(headerOf(res, 'Contact'), '<sip:bclp4nsl@iitrgatmgah1.invalid;transport=ws>;expires=600');
  assert.deepEqual(await registered(), ['alice']);
  const full = await (await fetch(new URL('webrtc_registered_clients', cloud.url), { headers: { Authorization: basicAuth(cloud) } })).json();
  assert.equal(full.registrations[0].contact, 'sip:bclp4nsl@iitrgatmgah1.invalid;transport=ws');
  assert.ok(full.registrations[0].expires_in > 590 && full.registrations[0].expires_in <= 600);
  // Closing the socket removes the binding.
  await peer.close();
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(await registered(), []);
});

test('token rules for REGISTER: none/forged/expired/not-yet-valid/other cloud -> 401, other client or incoming disabled -> 403', async () => {
  const c = await ScriptedClient.connect(cloud, 'alice');
  const t = Math.floor(Date.now() / 1000);
  const claims = (extra) => ({ aud: '1-2-0', sub: 'alice', scope: ['webrtcclient'], iat: t, nbf: t, exp: t + 600, ...extra });
  const { TokenService } = await import('../../cloud/tokens.mjs');
  const forger = new TokenService({ audience: '1-2-0' });
  const cases = [
    [undefined, 401],
    ['eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.sig', 401], // the trace's placeholder
    [forger.issue({ clientId: 'alice' }), 401],
    [cloud.tokens.sign(claims({ iat: t - 7200, nbf: t - 7200, exp: t - 3600 })), 401],
    [cloud.tokens.sign(claims({ nbf: t + 600 })), 401],
    [cloud.tokens.sign(claims({ aud: '9-9-9' })), 401],
    [await fetchToken(cloud, { client_id: 'bob' }), 403],
    [await fetchToken(cloud, { client_id: 'alice', enable_incoming: 'false' }), 403],
  ];
  for (const [token, status] of cases) {
    const res = await c.register(token);
    assert.equal(statusOf(res), status, `token ${token?.slice(0, 30)}`);
    if (status === 401) assert.match(headerOf(res, 'WWW-Authenticate'), /^Bearer /);
    // The public client reports INVALIDTOKEN only for WWW-Authenticate with error="invalid_token"
    // (FAILED otherwise): every refused token carries it, the 403s too.
    if (token) assert.match(headerOf(res, 'WWW-Authenticate'), /^Bearer realm="[^"]+", error="invalid_token"/, `token ${token.slice(0, 30)}`);
    assert.match(headerOf(res, 'To'), /;tag=/);
  }
  assert.deepEqual(await registered(), []);
  const refusals = cloud.events.list({ type: 'register.refused' }).map((e) => e.status);
  assert.deepEqual(refusals.slice(-8), [401, 401, 401, 401, 401, 401, 403, 403]);
  await c.close();
});

test('a REGISTER for another access key or cloud domain gets 404; too short an expiry 423', async () => {
  const c = await ScriptedClient.connect(cloud, 'alice');
  const token = await fetchToken(cloud, { client_id: 'alice' });
  c.aor = 'sip:alice@zzz.webrtc-1-2-0.aculabcloud.net';
  assert.equal(statusOf(await c.register(token)), 404);
  await c.close();
  const strict = await startTestCloud({ minExpires: 60 });
  const d = await ScriptedClient.connect(strict, 'alice');
  const res = await d.register(await fetchToken(strict, { client_id: 'alice' }), 30);
  assert.equal(statusOf(res), 423);
  assert.equal(headerOf(res, 'Min-Expires'), '60');
  const capped = await d.register(await fetchToken(strict, { client_id: 'alice' }), 999999);
  assert.match(headerOf(capped, 'Contact'), /;expires=3600$/);
  await d.close();
  await strict.stop();
});

test('expires=0 without Authorization (trace 2) unregisters from the same connection, not from another', async () => {
  const trace = loadTrace('official-client-incoming-cancel-unregister.txt');
  const reg = trace[0].text;
  const unreg = trace.filter((m) => m.dir === 'in' && m.text.startsWith('REGISTER'))[1].text;
  const expectedReply = trace[trace.length - 1].text;
  const token = await fetchToken(cloud, { client_id: 'alice' });
  const peer = await SipPeer.connect(cloud);
  peer.send(reg.replace(/Bearer \S+/, `Bearer ${token}`));
  assert.equal(statusOf(await peer.next('SIP/2.0')), 200);
  // Another connection sending the same unregister removes nothing.
  const intruder = await SipPeer.connect(cloud);
  intruder.send(unreg);
  assert.equal(statusOf(await intruder.next('SIP/2.0')), 200);
  assert.deepEqual(await registered(), ['alice']);
  await intruder.close();
  peer.send(unreg);
  const res = await peer.next('SIP/2.0');
  assert.equal(statusOf(res), 200);
  for (const name of ['Via', 'From', 'Call-ID', 'CSeq', 'Contact']) assert.equal(headerOf(res, name), headerOf(expectedReply, name), name);
  assert.deepEqual(await registered(), []);
  assert.ok(cloud.events.list({ type: 'unregister' }).some((e) => e.client === 'alice' && e.reason === 'expires=0'));
  await peer.close();
});

test('bindings expire', async () => {
  const c = await ScriptedClient.connect(cloud, 'carol');
  const res = await c.register(await fetchToken(cloud, { client_id: 'carol' }), 1);
  assert.match(headerOf(res, 'Contact'), /;expires=1$/);
  assert.ok(cloud.registrar.lookup('carol'));
  await new Promise((r) => setTimeout(r, 1100));
  assert.equal(cloud.registrar.lookup('carol'), undefined);
  assert.deepEqual(await registered(), []);
  await c.close();
});

test('the most recent registration of a client id receives its calls; a refresh makes it the most recent again', async () => {
  const first = await ScriptedClient.connect(cloud, 'dave');
  const second = await ScriptedClient.connect(cloud, 'dave');
  const caller = await ScriptedClient.connect(cloud, 'erin');
  const daveToken = await fetchToken(cloud, { client_id: 'dave' });
  const callToken = await fetchToken(cloud, { client_id: 'erin', call_client: 'dave' });
  assert.equal(statusOf(await first.register(daveToken)), 200);
  assert.equal(statusOf(await second.register(daveToken)), 200);
  const res = await second.register(undefined, 600).catch(() => null); // a query without token is refused...
  assert.equal(statusOf(res), 401); // ...and changes nothing
  const callDave = async (expected) => {
    const inv = caller.inviteText(`sip:dave@${cloud.config.clientDomain}`, { token: callToken });
    caller.peer.send(inv.text);
    const incoming = await expected.peer.next(isRequest('INVITE'));
    expected.peer.send(expected.respondTo(incoming, 486, 'Busy Here'));
    await expected.peer.next(isRequest('ACK'));
    const busy = await caller.peer.next((f) => statusOf(f) === 486);
    assert.equal(headerOf(busy, 'Call-ID'), inv.callId);
    caller.peer.send(caller.ackText(inv, busy, { sameBranch: true }));
  };
  await callDave(second);
  assert.equal(await first.peer.silentFor(50), true);
  assert.equal(statusOf(await first.register(daveToken)), 200);
  await callDave(first);
  // When the most recent one goes away, the other one gets the calls.
  await first.close();
  await new Promise((r) => setTimeout(r, 50));
  await callDave(second);
  await second.close();
  await caller.close();
});
