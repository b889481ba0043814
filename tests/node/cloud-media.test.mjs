// Services with real audio: a wrtc far peer calls echo and ring through the cloud's SIP and werift media.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { bodyOf, headerOf, isRequest, isResponse, ScriptedClient, startTestCloud, statusOf } from './cloud-helpers.mjs';
import { AudioPeer, endProcess } from './cloud-audio-peer.mjs';

let cloud;
before(async () => {
  cloud = await startTestCloud();
});
after(async () => {
  await cloud?.stop();
  endProcess();
});
const service = (name) => `sip:${name}@sip-1-2-0.aculab.com;transport=tcp`;
const endOf = (callId) => cloud.events.waitFor((e) => e.type === 'call.end' && e.sipCallId === callId, 5000);

/** INVITE with the peer's offer; resolves with the 200 (ACKed) and the peer's media connected. */
async function callWithAudio(client, peer, name, { timeoutMs = 8000 } = {}) {
  const inv = client.inviteText(service(name), { sdp: await peer.offer() });
  client.peer.send(inv.text);
  const ok = await client.peer.next(isResponse(200, 'INVITE'), timeoutMs);
  assert.equal(headerOf(ok, 'Content-Type'), 'application/sdp');
  client.peer.send(client.ackText(inv, ok));
  await peer.accept(bodyOf(ok));
  await peer.waitForConnected();
  return { inv, ok };
}

test('echo: 100, 180, 200 with an SDP answer; the caller hears its own tone back; BYE ends it with audio counted', async () => {
  const client = await ScriptedClient.connect(cloud, 'alice');
  const peer = new AudioPeer({ toneHz: 440 });
  const t0 = Date.now();
  const { inv, ok } = await callWithAudio(client, peer, 'echo');
  const answerSdp = bodyOf(ok);
  assert.match(answerSdp, /^m=audio \d+ UDP\/TLS\/RTP\/SAVPF 111/m);
  assert.match(answerSdp, /a=candidate:.* 127\.0\.0\.1 /);
  assert.match(answerSdp, /a=fingerprint:sha-256 /);
  assert.equal(statusOf(client.peer.frames.find((f) => headerOf(f, 'Call-ID') === inv.callId && statusOf(f) === 100)), 100);
  assert.ok(client.peer.frames.some((f) => headerOf(f, 'Call-ID') === inv.callId && statusOf(f) === 180));
  const connectMs = Date.now() - t0;
  const heard = await peer.hears(440, { windowMs: 1000 });
  await new Promise((r) => setTimeout(r, 1500)); // a call long enough to count its audio
  client.peer.send(client.byeText(inv, ok));
  assert.equal(statusOf(await client.peer.next(isResponse(200, 'BYE'))), 200);
  const end = await endOf(inv.callId);
  assert.equal(end.cause, 'NORMAL');
  assert.equal(end.by, 'caller');
  // At least part of the 1.5 s held after the tone came back (the whole of it on an idle machine).
  assert.ok(end.audioMs >= 500, `audioMs ${end.audioMs}`);
  assert.ok(end.packetsOut >= 25, `packetsOut ${end.packetsOut}`);
  peer.close();
  await client.close();
  console.log(`# echo: media connected ${connectMs} ms after INVITE, heard rms ${heard.rms.toFixed(0)}`);
});

test('ring: 180 for about 3 s, then answered with echo', async () => {
  const client = await ScriptedClient.connect(cloud, 'alice');
  const peer = new AudioPeer({ toneHz: 600 });
  const t0 = Date.now();
  const { inv, ok } = await callWithAudio(client, peer, 'ring', { timeoutMs: 6000 });
  const waited = Date.now() - t0;
  // It rings for 3 s first; the upper bound only catches a hang.
  assert.ok(waited >= 2900 && waited < 20000, `answered after ${waited} ms`);
  await peer.hears(600);
  // The cloud hangs up on shutdown-like events too; here the caller does.
  client.peer.send(client.byeText(inv, ok));
  await client.peer.next(isResponse(200, 'BYE'));
  peer.close();
  await client.close();
});

test('the caller closing its socket mid-call, not back within the reconnect limit (1 s here), ends the media session', async (t) => {
  cloud.config.reconnectLimit = 1;
  t.after(() => {
    cloud.config.reconnectLimit = 30;
  });
  const client = await ScriptedClient.connect(cloud, 'alice');
  const peer = new AudioPeer();
  const { inv } = await callWithAudio(client, peer, 'echo');
  const sessions = cloud.media.sessions.size;
  assert.ok(sessions >= 1);
  await client.close();
  const end = await endOf(inv.callId);
  assert.equal(end.by, 'caller');
  assert.equal(cloud.media.sessions.size, sessions - 1);
  peer.close();
});

test('an offer without Opus gets 488', async () => {
  const client = await ScriptedClient.connect(cloud, 'alice');
  const sdp = 'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 0\r\nc=IN IP4 0.0.0.0\r\na=rtpmap:0 PCMU/8000\r\na=ice-ufrag:abcd\r\na=ice-pwd:abcdefghijklmnopqrstuvwx\r\na=fingerprint:sha-256 01:D7:FA:F3:D7:E5:44:4E:57:91:05:5B:14:C3:35:0B:6D:02:CC:97:9C:2F:2C:88:3A:ED:AD:E3:DA:9C:A4:D6\r\na=setup:actpass\r\na=mid:0\r\na=sendrecv\r\na=rtcp-mux\r\n';
  const inv = client.inviteText(service('echo'), { sdp });
  client.peer.send(inv.text);
  const final = await client.peer.next((f) => statusOf(f) >= 200 && headerOf(f, 'Call-ID') === inv.callId, 5000);
  assert.ok([488, 400].includes(statusOf(final)), final.split('\r\n')[0]);
  client.peer.send(client.ackText(inv, final, { sameBranch: true }));
  await client.close();
});

test('shutting the cloud down sends BYE to a call in progress', async () => {
  const own = await startTestCloud();
  const client = await ScriptedClient.connect(own, 'alice');
  const peer = new AudioPeer();
  const inv = client.inviteText(service('echo'), { sdp: await peer.offer() });
  client.peer.send(inv.text);
  const ok = await client.peer.next(isResponse(200, 'INVITE'), 8000);
  client.peer.send(client.ackText(inv, ok));
  await new Promise((r) => setTimeout(r, 100));
  const stopping = own.stop();
  const bye = await client.peer.next(isRequest('BYE'));
  assert.equal(headerOf(bye, 'Call-ID'), inv.callId);
  await stopping;
  const closed = await client.peer.closePromise;
  assert.equal(closed.code, 1001);
  peer.close();
});

async function outbound(params, auth = true) {
  const { basicAuth } = await import('./cloud-helpers.mjs');
  const res = await fetch(new URL('outbound_call', cloud.url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', ...(auth ? { Authorization: basicAuth(cloud) } : {}) },
    body: JSON.stringify(params),
  });
  return { status: res.status, body: await res.json() };
}

test('outbound-call API: the cloud calls webrtc:CLIENT as a service, echo on answer, BYE from the client', async () => {
  const { fetchToken } = await import('./cloud-helpers.mjs');
  const client = await ScriptedClient.connect(cloud, 'olga');
  assert.equal(statusOf(await client.register(await fetchToken(cloud, { client_id: 'olga' }))), 200);
  const r = await outbound({ destination: 'webrtc:olga', call_from: '441234567890', action: 'echo' });
  assert.equal(r.status, 200);
  assert.equal(r.body.state, 'calling');
  const invite = await client.peer.next(isRequest('INVITE'), 5000);
  assert.equal(invite.split('\r\n')[0], `INVITE sip:${client.contactUser}@${client.host};transport=ws SIP/2.0`);
  assert.match(headerOf(invite, 'From'), /^<sip:441234567890@sip-1-2-0\.aculab\.com>;tag=\w+$/);
  assert.equal(headerOf(invite, 'To'), '<sip:olga@abc123.webrtc-1-2-0.aculabcloud.net>');
  assert.match(bodyOf(invite), /a=candidate:.* 127\.0\.0\.1 /);
  client.peer.send(client.respondTo(invite, 180, 'Ringing'));
  const peer = new AudioPeer({ toneHz: 500 });
  client.peer.send(client.respondTo(invite, 200, 'OK', { body: await peer.answer(bodyOf(invite)) }));
  const ack = await client.peer.next(isRequest('ACK'));
  assert.equal(headerOf(ack, 'Call-ID'), headerOf(invite, 'Call-ID'));
  await peer.waitForConnected();
  await peer.hears(500);
  client.peer.send(client.byeForIncoming(invite));
  assert.equal(statusOf(await client.peer.next(isResponse(200, 'BYE'))), 200);
  const end = await cloud.events.waitFor((e) => e.type === 'call.end' && e.call === r.body.call);
  assert.equal(end.kind, 'outbound');
  assert.equal(end.by, 'callee');
  assert.equal(end.cause, 'NORMAL');
  assert.ok(cloud.events.list({ call: r.body.call }).some((e) => e.type === 'call.ringing'));
  peer.close();
  await client.close();
});

test('outbound-call API: rejected (486) and unanswered (CANCEL after the timeout) outcomes appear in events', async () => {
  const { fetchToken } = await import('./cloud-helpers.mjs');
  const client = await ScriptedClient.connect(cloud, 'pavel');
  assert.equal(statusOf(await client.register(await fetchToken(cloud, { client_id: 'pavel' }))), 200);
  const r1 = await outbound({ destination: 'webrtc:pavel', call_from: '4410', action: 'echo' });
  const inv1 = await client.peer.next(isRequest('INVITE'), 5000);
  client.peer.send(client.respondTo(inv1, 486, 'Busy Here'));
  await client.peer.next(isRequest('ACK'));
  const end1 = await cloud.events.waitFor((e) => e.type === 'call.end' && e.call === r1.body.call);
  assert.equal(end1.status, 486);
  assert.equal(end1.cause, 'BUSY');

  const r2 = await outbound({ destination: 'webrtc:pavel', action: 'echo', timeout: 1 });
  const inv2 = await client.peer.next(isRequest('INVITE'), 5000);
  client.dialogTag = undefined;
  client.peer.send(client.respondTo(inv2, 180, 'Ringing'));
  const cancel = await client.peer.next(isRequest('CANCEL'), 3000);
  client.peer.send(client.respondTo(cancel, 200, 'OK', { contact: false }));
  client.peer.send(client.respondTo(inv2, 487, 'Request Terminated'));
  await client.peer.next(isRequest('ACK'));
  const end2 = await cloud.events.waitFor((e) => e.type === 'call.end' && e.call === r2.body.call);
  assert.equal(end2.status, 487);
  assert.equal(end2.cause, 'NOANSWER');
  await client.close();
});

test('outbound-call API: unregistered 480, bad parameters 400, bad credentials 401', async () => {
  const r = await outbound({ destination: 'webrtc:nobody' });
  assert.equal(r.status, 200);
  assert.equal(r.body.status, 480);
  assert.equal(r.body.cause, 'UNOBTAINABLE');
  for (const params of [{}, { destination: 'sip:x@y' }, { destination: 'webrtc:a b' }, { destination: 'webrtc:a', action: 'dance' },
    { destination: 'webrtc:a', timeout: 0 }, { destination: 'webrtc:a', call_from: 'x y' }]) {
    const bad = await outbound(params);
    assert.equal(bad.status, 400, JSON.stringify(params));
    assert.equal(typeof bad.body.error, 'string');
  }
  assert.equal((await outbound({ destination: 'webrtc:a' }, false)).status, 401);
});

test('two clients call each other through the cloud: media flows both ways, directly between the peers', async () => {
  const { fetchToken } = await import('./cloud-helpers.mjs');
  const callee = await ScriptedClient.connect(cloud, 'quinn');
  assert.equal(statusOf(await callee.register(await fetchToken(cloud, { client_id: 'quinn' }))), 200);
  const caller = await ScriptedClient.connect(cloud, 'rita');
  const token = await fetchToken(cloud, { client_id: 'rita', call_client: 'quinn' });
  const a = new AudioPeer({ toneHz: 440 });
  const b = new AudioPeer({ toneHz: 880 });
  const inv = caller.inviteText(`sip:quinn@${cloud.config.clientDomain};transport=tcp`, { token, sdp: await a.offer() });
  caller.peer.send(inv.text);
  const incoming = await callee.peer.next(isRequest('INVITE'));
  callee.peer.send(callee.respondTo(incoming, 200, 'OK', { body: await b.answer(bodyOf(incoming)) }));
  await callee.peer.next(isRequest('ACK'));
  const ok = await caller.peer.next(isResponse(200, 'INVITE'));
  caller.peer.send(caller.ackText(inv, ok));
  await a.accept(bodyOf(ok));
  await Promise.all([a.waitForConnected(), b.waitForConnected()]);
  await Promise.all([a.hears(880), b.hears(440)]); // each hears the other's tone
  assert.equal(cloud.media.sessions.size, 0); // no media through the cloud
  caller.peer.send(caller.byeText(inv, ok));
  await callee.peer.next(isRequest('BYE'));
  a.close();
  b.close();
  await caller.close();
  await callee.close();
});
