// Calls that survive a client's reconnect (RFC 5626 flows, RFC 3261 §12.2 target refresh) and ICE restarts answered by the media services.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { basicAuth, bodyOf, fetchToken, headerOf, isRequest, isResponse, ScriptedClient, sipText, startTestCloud, statusOf } from './cloud-helpers.mjs';
import { AudioPeer, endProcess } from './cloud-audio-peer.mjs';
import { loadConfig } from '../../cloud/config.mjs';
import { loadAudio } from '../../cloud/audio.mjs';

let cloud;
before(async () => {
  cloud = await startTestCloud({ ringTimeout: 20 });
});
after(async () => {
  await cloud?.stop();
  endProcess();
});
const service = (name) => `sip:${name}@sip-1-2-0.aculab.com;transport=tcp`;
const event = (predicate, timeoutMs = 15000) => cloud.events.waitFor(predicate, timeoutMs);
const endOf = (callId, timeoutMs) => event((e) => e.type === 'call.end' && e.sipCallId === callId, timeoutMs);
const detached = (callId) => event((e) => e.type === 'dialog.detached' && e.sipCallId === callId);
const ended = (callId) => cloud.events.list({}).some((e) => e.type === 'call.end' && e.sipCallId === callId);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const bye = (client, inv, ok, cseq = 4) => client.byeText(inv, ok).replace('CSeq: 2 BYE', `CSeq: ${cseq} BYE`);

/** An OPTIONS answered: everything the client sent before it has been handled (one connection keeps order). */
async function roundTrip(client) {
  const callId = `rt${Date.now()}${Math.random().toString(36).slice(2)}`;
  client.peer.send(sipText(`OPTIONS sip:${cloud.config.proxyDomain} SIP/2.0`, [
    ['Via', client.via()], ['To', `<sip:${cloud.config.proxyDomain}>`], ['From', `<${client.aor}>;tag=rt`],
    ['CSeq', '1 OPTIONS'], ['Call-ID', callId], ['Max-Forwards', '70'],
  ]));
  await client.peer.next((f) => statusOf(f) === 200 && headerOf(f, 'Call-ID') === callId);
}

/** The network drops under the client: the cloud sees its WebSocket close. */
async function drop(client) {
  client.peer.ws.terminate();
  await client.peer.closePromise;
}

/** A call to echo with a wrtc far peer, media connected; the peer is closed when the test ends. */
async function echoCall(t, client, { toneHz = 0, to = 'echo' } = {}) {
  const peer = new AudioPeer({ toneHz });
  t.after(() => peer.close());
  const inv = client.inviteText(service(to), { sdp: await peer.offer() });
  client.peer.send(inv.text);
  const ok = await client.peer.next(isResponse(200, 'INVITE'), 10000);
  client.peer.send(client.ackText(inv, ok));
  await roundTrip(client);
  await peer.accept(bodyOf(ok));
  await peer.waitForConnected();
  return { inv, ok, peer };
}

/** Two scripted clients with a relayed call between them, answered (SDP passed through). */
async function relayedCall(callerName, calleeName) {
  const callee = await ScriptedClient.connect(cloud, calleeName);
  assert.equal(statusOf(await callee.register(await fetchToken(cloud, { client_id: calleeName }))), 200);
  const caller = await ScriptedClient.connect(cloud, callerName);
  const token = await fetchToken(cloud, { client_id: callerName, call_client: calleeName });
  const inv = caller.inviteText(`sip:${calleeName}@${cloud.config.clientDomain};transport=tcp`, { token });
  caller.peer.send(inv.text);
  const incoming = await callee.peer.next(isRequest('INVITE'));
  const answerSdp = 'v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=rtpmap:111 opus/48000/2\r\na=sendrecv\r\n';
  callee.peer.send(callee.respondTo(incoming, 200, 'OK', { body: answerSdp }));
  await callee.peer.next(isRequest('ACK'));
  const ok = await caller.peer.next(isResponse(200, 'INVITE'));
  caller.peer.send(caller.ackText(inv, ok));
  await roundTrip(caller);
  return { caller, callee, inv, ok, incoming, answerSdp };
}


// The reconnect limit (seconds) for one test, restored after it.
function shortenReconnectLimit(t, seconds) {
  const before = cloud.config.reconnectLimit;
  cloud.config.reconnectLimit = seconds;
  t.after(() => {
    cloud.config.reconnectLimit = before;
  });
}
test('echo: the socket drops, a new socket sends a re-INVITE in the dialog (same Contact): 200, and a BYE over it ends the call NORMAL', async (t) => {
  const client = await ScriptedClient.connect(cloud, 'alice');
  const { inv, ok, peer } = await echoCall(t, client, { toneHz: 440 });
  await drop(client);
  const gone = await detached(inv.callId);
  assert.equal(gone.limitS, 30);
  // Media does not use the socket: the echo goes on while the client is away.
  await sleep(1500);
  const away = peer.level(1000, 440);
  assert.ok(away.rms > 2000 && away.share > 0.8, `echo while away: ${JSON.stringify(away)}`);
  assert.ok(!ended(inv.callId), 'the call ended when its socket dropped');

  await client.reconnect();
  client.peer.send(client.reinviteText(inv, ok));
  const reOk = await client.peer.next(isResponse(200, 'INVITE'), 10000);
  assert.equal(headerOf(reOk, 'CSeq'), '3 INVITE');
  assert.equal(headerOf(reOk, 'To'), headerOf(ok, 'To'));
  assert.equal(bodyOf(reOk), bodyOf(ok)); // the same offer: the same answer (RFC 3264 §8)
  client.peer.send(client.reAckText(inv, reOk));
  const moved = await event((e) => e.type === 'dialog.moved' && e.sipCallId === inv.callId);
  assert.equal(moved.method, 'INVITE');
  assert.notEqual(moved.from, moved.to);

  client.peer.send(bye(client, inv, ok));
  assert.equal(statusOf(await client.peer.next(isResponse(200, 'BYE'))), 200);
  await endOf(inv.callId);
  // What an application sees: /events.
  const url = new URL('events', cloud.url);
  url.searchParams.set('type', 'call.end');
  const { events } = await (await fetch(url, { headers: { Authorization: basicAuth(cloud) } })).json();
  const end = events.find((e) => e.sipCallId === inv.callId);
  assert.equal(end.cause, 'NORMAL');
  assert.equal(end.by, 'caller');
  assert.equal(end.reason, 'remote BYE');
  await client.close();
});

test('a re-INVITE in a dialog the cloud does not know gets 481; one from a new socket with another Contact gets 403', async (t) => {
  const client = await ScriptedClient.connect(cloud, 'alice');
  const { inv, ok } = await echoCall(t, client);
  const stranger = await ScriptedClient.connect(cloud, 'alice');
  stranger.peer.send(stranger.reinviteText({ ...inv, callId: 'unknown@x' }, ok));
  assert.equal(statusOf(await stranger.peer.next(isResponse(481, 'INVITE'))), 481);
  // The same dialog ids from another client instance (another Contact) do not take the call.
  stranger.peer.send(stranger.reinviteText(inv, ok));
  assert.equal(statusOf(await stranger.peer.next(isResponse(403, 'INVITE'))), 403);
  client.peer.send(bye(client, inv, ok));
  assert.equal(statusOf(await client.peer.next(isResponse(200, 'BYE'))), 200);
  assert.equal((await endOf(inv.callId)).cause, 'NORMAL');
  await stranger.close();
  await client.close();
});

test('client to client: the caller drops and comes back with a re-INVITE; the callee sees no BYE; the callee\'s BYE reaches the caller on its new socket', async () => {
  const { caller, callee, inv, ok, incoming, answerSdp } = await relayedCall('carol', 'dave');
  await drop(caller);
  await detached(inv.callId);
  await caller.reconnect();
  caller.peer.send(caller.reinviteText(inv, ok));
  const reOk = await caller.peer.next(isResponse(200, 'INVITE'), 10000);
  assert.equal(bodyOf(reOk), answerSdp); // an unchanged offer is answered by the cloud with the callee's last SDP
  caller.peer.send(caller.reAckText(inv, reOk));
  assert.ok(await callee.peer.silentFor(500), `the callee got ${callee.peer.frames.map((f) => f.split('\r\n')[0]).join(' | ')}`);

  callee.peer.send(callee.byeForIncoming(incoming));
  assert.equal(statusOf(await callee.peer.next(isResponse(200, 'BYE'))), 200);
  const byeToCaller = await caller.peer.next(isRequest('BYE'));
  assert.equal(headerOf(byeToCaller, 'Call-ID'), inv.callId);
  caller.peer.send(caller.respondTo(byeToCaller, 200, 'OK'));
  const end = await endOf(inv.callId);
  assert.equal(end.cause, 'NORMAL');
  assert.equal(end.by, 'callee');
  await caller.close();
  await callee.close();
});

test('client to client: a changed offer in a re-INVITE (an ICE restart) is relayed to the other side, and its answer back', async () => {
  const { caller, callee, inv, ok, incoming } = await relayedCall('erin', 'fred');
  // The callee's network changed: it comes back on a new socket with a new offer.
  await drop(callee);
  await detached(headerOf(incoming, 'Call-ID'));
  await callee.reconnect();
  const offer = 'v=0\r\no=- 2 3 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=ice-ufrag:new1\r\na=ice-pwd:newpasswordnewpassword\r\na=rtpmap:111 opus/48000/2\r\na=sendrecv\r\n';
  callee.peer.send(callee.reinviteForIncoming(incoming, { sdp: offer }));
  const relayed = await caller.peer.next(isRequest('INVITE'));
  assert.equal(headerOf(relayed, 'Call-ID'), inv.callId);
  assert.equal(bodyOf(relayed), offer);
  const answer = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=ice-ufrag:new2\r\na=ice-pwd:otherpasswordotherpass\r\na=rtpmap:111 opus/48000/2\r\na=sendrecv\r\n';
  caller.peer.send(caller.respondTo(relayed, 200, 'OK', { body: answer }));
  assert.equal(headerOf(await caller.peer.next(isRequest('ACK')), 'CSeq'), `${headerOf(relayed, 'CSeq').split(' ')[0]} ACK`);
  const reOk = await callee.peer.next(isResponse(200, 'INVITE'));
  assert.equal(bodyOf(reOk), answer);
  // The caller's BYE reaches the callee on its new socket.
  caller.peer.send(bye(caller, inv, ok));
  assert.equal(statusOf(await caller.peer.next(isResponse(200, 'BYE'))), 200);
  const byeToCallee = await callee.peer.next(isRequest('BYE'));
  callee.peer.send(callee.respondTo(byeToCallee, 200, 'OK'));
  assert.equal((await endOf(inv.callId)).by, 'caller');
  await caller.close();
  await callee.close();
});

test('a request the cloud sends while the client is away waits for its return: the callee\'s BYE reaches the reconnected caller, whose re-INVITE then gets 481', async () => {
  const { caller, callee, inv, ok, incoming } = await relayedCall('gina', 'hal');
  await drop(caller);
  await detached(inv.callId);
  callee.peer.send(callee.byeForIncoming(incoming));
  assert.equal(statusOf(await callee.peer.next(isResponse(200, 'BYE'))), 200);
  assert.equal((await endOf(inv.callId)).by, 'callee');
  await caller.reconnect();
  caller.peer.send(caller.reinviteText(inv, ok));
  const waitingBye = await caller.peer.next(isRequest('BYE'));
  assert.equal(headerOf(waitingBye, 'Call-ID'), inv.callId);
  caller.peer.send(caller.respondTo(waitingBye, 200, 'OK'));
  assert.equal(statusOf(await caller.peer.next(isResponse(481, 'INVITE'))), 481);
  await caller.close();
  await callee.close();
});

test('no reconnect within the limit (shortened to 2 s): the call ends, and the other side of a relayed call gets BYE', async (t) => {
  shortenReconnectLimit(t, 2);
  const client = await ScriptedClient.connect(cloud, 'alice');
  const { inv } = await echoCall(t, client);
  await drop(client);
  const gone = await detached(inv.callId);
  assert.equal(gone.limitS, 2);
  const end = await endOf(inv.callId, 20000);
  assert.ok(end.t - gone.t >= 1900, `ended ${end.t - gone.t} ms after the drop`);
  assert.equal(end.cause, 'NORMAL');
  assert.equal(end.by, 'caller');
  assert.match(end.reason, /no reconnect/);

  const { caller, callee, inv: inv2, incoming } = await relayedCall('ivan', 'judy');
  await drop(caller);
  await detached(inv2.callId);
  const byeToCallee = await callee.peer.next(isRequest('BYE'), 20000);
  assert.equal(headerOf(byeToCallee, 'Call-ID'), headerOf(incoming, 'Call-ID'));
  callee.peer.send(callee.respondTo(byeToCallee, 200, 'OK'));
  assert.match((await endOf(inv2.callId)).reason, /no reconnect/);
  await callee.close();
});

test('test switch: with refuseTargetRefresh naming the client (or *), its re-INVITE on a new socket gets 481 and the call ends; others are not affected', async (t) => {
  assert.equal(loadConfig({ argv: ['--refuse-target-refresh', '*'] }).refuseTargetRefresh, '*');
  assert.equal(loadConfig({ env: { ACW_REFUSE_TARGET_REFRESH: 'a,b' } }).refuseTargetRefresh, 'a,b');
  assert.equal(loadConfig({}).refuseTargetRefresh, '');
  cloud.config.refuseTargetRefresh = 'kate';
  t.after(() => {
    cloud.config.refuseTargetRefresh = '';
  });
  const kate = await ScriptedClient.connect(cloud, 'kate');
  const liam = await ScriptedClient.connect(cloud, 'liam');
  const k = await echoCall(t, kate);
  const l = await echoCall(t, liam);
  await drop(kate);
  await drop(liam);
  await detached(k.inv.callId);
  await detached(l.inv.callId);
  await kate.reconnect();
  await liam.reconnect();
  kate.peer.send(kate.reinviteText(k.inv, k.ok));
  assert.equal(statusOf(await kate.peer.next(isResponse(481, 'INVITE'))), 481);
  const end = await endOf(k.inv.callId);
  assert.equal(end.reason, 'target refresh refused');
  liam.peer.send(liam.reinviteText(l.inv, l.ok));
  assert.equal(statusOf(await liam.peer.next(isResponse(200, 'INVITE'))), 200);
  cloud.config.refuseTargetRefresh = '*';
  await drop(liam);
  await liam.reconnect();
  liam.peer.send(liam.reinviteText(l.inv, l.ok, { cseq: 4 }));
  assert.equal(statusOf(await liam.peer.next(isResponse(481, 'INVITE'))), 481);
  await endOf(l.inv.callId);
  await kate.close();
  await liam.close();
});

/** The selected ICE candidate pair of a wrtc peer (its id changes with a new ICE generation). */
async function selectedPair(peer) {
  const stats = await peer.pc.getStats();
  let id;
  stats.forEach((r) => {
    if (r.type === 'transport') id = r.selectedCandidatePairId;
  });
  return id;
}

test('ICE restart: an echo call whose wrtc peer restarts ICE (over a new socket) gets an answer with new credentials, and its audio comes back on the new pair', async (t) => {
  const client = await ScriptedClient.connect(cloud, 'mona');
  const { inv, ok, peer } = await echoCall(t, client, { toneHz: 440 });
  await sleep(1500);
  const before = peer.level(1000, 440);
  assert.ok(before.rms > 2000 && before.share > 0.8, `echo before: ${JSON.stringify(before)}`);
  const pairBefore = await selectedPair(peer);

  await drop(client);
  await detached(inv.callId);
  await client.reconnect();
  await peer.pc.setLocalDescription(await peer.pc.createOffer({ iceRestart: true }));
  await peer.gathered();
  const offer = peer.pc.localDescription.sdp;
  const ufrag = (sdp) => /a=ice-ufrag:(\S+)/.exec(sdp)?.[1];
  assert.notEqual(ufrag(offer), ufrag(inv.text));
  client.peer.send(client.reinviteText(inv, ok, { sdp: offer }));
  const reOk = await client.peer.next(isResponse(200, 'INVITE'), 10000);
  client.peer.send(client.reAckText(inv, reOk));
  assert.notEqual(ufrag(bodyOf(reOk)), ufrag(bodyOf(ok)), 'the answer keeps the old ICE credentials');
  assert.match(bodyOf(reOk), /a=candidate:.* 127\.0\.0\.1 /);
  await peer.accept(bodyOf(reOk));
  await event((e) => e.type === 'call.ice-restart');

  // The new generation's pair is selected, and the echo is heard over it.
  const t0 = Date.now();
  while ((await selectedPair(peer)) === pairBefore && Date.now() - t0 < 15000) await sleep(200);
  assert.notEqual(await selectedPair(peer), pairBefore, 'no new candidate pair after the ICE restart');
  await weriftOnNewGeneration(offer, inv.text);
  const since = Date.now();
  await sleep(1500);
  const after = peer.level(1000, 440);
  assert.ok(after.rms > 2000 && after.share > 0.8, `echo after the restart: ${JSON.stringify(after)}`);
  assert.ok(peer.heard({ from: since }).samples.length > 0);

  client.peer.send(bye(client, inv, ok));
  assert.equal(statusOf(await client.peer.next(isResponse(200, 'BYE'))), 200);
  const end = await endOf(inv.callId);
  assert.equal(end.cause, 'NORMAL');
  peer.close();
  await client.close();
});

/** The wrtc peer's ICE-restart offer (new ice-ufrag/ice-pwd), sent by `send` in a re-INVITE; its answer applied. */
async function restartIce(peer, send) {
  await peer.pc.setLocalDescription(await peer.pc.createOffer({ iceRestart: true }));
  await peer.gathered();
  const offer = peer.pc.localDescription.sdp;
  const answer = await send(offer);
  await peer.accept(answer);
  return { offer, answer };
}

async function newPairAfter(peer, before) {
  const t0 = Date.now();
  while ((await selectedPair(peer)) === before && Date.now() - t0 < 15000) await sleep(200);
  assert.notEqual(await selectedPair(peer), before, 'no new candidate pair after the ICE restart');
}

/**
 * The cloud's werift now sends to a candidate that only the restart offer has (the new ICE
 * generation: libwebrtc gathers on new ports). The wrtc side's selected pair is no sure sign
 * when the cloud offered first: with both generations alive, libwebrtc may keep sending on the old one.
 */
async function weriftOnNewGeneration(offer, oldSdp) {
  const session = [...cloud.media.sessions].find((s) => s.remoteSdp === offer);
  assert.ok(session, 'no media session took the restart offer');
  const ice = session.transceiver.dtlsTransport.iceTransport.connection;
  const fresh = candidatePorts(offer).filter((p) => !candidatePorts(oldSdp).includes(p));
  assert.ok(fresh.length > 0, 'the restart offer has no new candidates');
  const t0 = Date.now();
  while (!fresh.includes(ice.nominated?.remoteAddr?.[1]) && Date.now() - t0 < 15000) await sleep(200);
  assert.ok(fresh.includes(ice.nominated?.remoteAddr?.[1]), `werift sends to ${ice.nominated?.remoteAddr}, not to a new candidate (${fresh})`);
}

const candidatePorts = (sdp) => [...sdp.matchAll(/^a=candidate:\S+ \d \S+ \d+ \S+ (\d+) typ/gm)].map((m) => Number(m[1]));

test('ICE restart in a call from the cloud (outbound-call API, the cloud offered first): the client\'s restart offer is answered, audio comes back', async () => {
  const client = await ScriptedClient.connect(cloud, 'nina');
  assert.equal(statusOf(await client.register(await fetchToken(cloud, { client_id: 'nina' }))), 200);
  const res = await fetch(new URL('outbound_call', cloud.url), {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: basicAuth(cloud) },
    body: JSON.stringify({ destination: 'webrtc:nina', action: 'echo' }),
  });
  const { call } = await res.json();
  const invite = await client.peer.next(isRequest('INVITE'), 10000);
  const peer = new AudioPeer({ toneHz: 500 });
  client.peer.send(client.respondTo(invite, 200, 'OK', { body: await peer.answer(bodyOf(invite)) }));
  await client.peer.next(isRequest('ACK'));
  await peer.waitForConnected();
  await sleep(1500);
  assert.ok(peer.level(1000, 500).rms > 2000, 'echo before');
  const firstSdp = peer.pc.localDescription.sdp;

  await drop(client);
  await detached(headerOf(invite, 'Call-ID'));
  await client.reconnect();
  const { offer } = await restartIce(peer, async (sdp) => {
    client.peer.send(client.reinviteForIncoming(invite, { sdp }));
    const ok = await client.peer.next(isResponse(200, 'INVITE'), 10000);
    return bodyOf(ok);
  });
  await weriftOnNewGeneration(offer, firstSdp);
  await sleep(1500);
  const after = peer.level(1000, 500);
  assert.ok(after.rms > 2000 && after.share > 0.8, `echo after the restart: ${JSON.stringify(after)}`);
  client.peer.send(client.byeForIncoming(invite).replace('CSeq: 1 BYE', 'CSeq: 3 BYE'));
  assert.equal(statusOf(await client.peer.next(isResponse(200, 'BYE'))), 200);
  const end = await event((e) => e.type === 'call.end' && e.call === call);
  assert.equal(end.by, 'callee');
  assert.equal(end.cause, 'NORMAL');
  peer.close();
  await client.close();
});

test('ICE restart in an ivr call: the service goes on (a digit pressed after the restart is recorded and played back)', async () => {
  const audio = await loadAudio(cloud.config.dist);
  const client = await ScriptedClient.connect(cloud, 'olga');
  const peer = new AudioPeer({ toneHz: 0 });
  const inv = client.inviteText(service('ivr'), { sdp: await peer.offer() });
  client.peer.send(inv.text);
  const ok = await client.peer.next(isResponse(200, 'INVITE'), 10000);
  client.peer.send(client.ackText(inv, ok));
  await peer.accept(bodyOf(ok));
  await peer.waitForConnected();
  await sleep(1000); // the greeting
  const pairBefore = await selectedPair(peer);
  const firstSdp = peer.pc.localDescription.sdp;
  const { offer } = await restartIce(peer, async (sdp) => {
    client.peer.send(client.reinviteText(inv, ok, { sdp }));
    const reOk = await client.peer.next(isResponse(200, 'INVITE'), 10000);
    client.peer.send(client.reAckText(inv, reOk));
    return bodyOf(reOk);
  });
  await newPairAfter(peer, pairBefore);
  await weriftOnNewGeneration(offer, firstSdp);
  const from = Date.now();
  await peer.sendDigits('7');
  await event((e) => e.type === 'call.digit' && e.digits === '7');
  await sleep(600);
  const { samples, rate } = peer.heard({ from });
  const detector = new audio.m.DtmfDetector({ sampleRate: rate });
  try {
    assert.equal(detector.process(samples), '7');
  } finally {
    detector.delete();
  }
  await peer.sendDigits('#');
  const byeFromIvr = await client.peer.next(isRequest('BYE'), 10000);
  client.peer.send(client.respondTo(byeFromIvr, 200, 'OK'));
  assert.equal((await endOf(inv.callId)).digits, '7#');
  peer.close();
  await client.close();
});

test('ICE failing after media was up (werift consent expiry, simulated) leaves the reconnect limit: audio arriving again keeps the call; none ends it "media failed"', async (t) => {
  // Long enough that the echo's audio, on a loaded machine, comes back well inside it.
  shortenReconnectLimit(t, 10);
  const client = await ScriptedClient.connect(cloud, 'pia');
  const { inv, peer } = await echoCall(t, client, { toneHz: 440 });
  const session = [...cloud.media.sessions].find((s) => s.remoteSdp === bodyOf(inv.text));
  assert.ok(session, 'the call\'s media session');
  // The client's side can be connected before werift's DTLS is (a loaded machine): a failure
  // before the cloud's media ever connected ends the call at once, which is not this test.
  await session.connected;
  const fail = () => {
    session.state = 'failed';
    for (const fn of session.stateHandlers) fn('failed');
  };
  fail();
  const t0 = Date.now();
  while (session.state !== 'connected' && Date.now() - t0 < 8000) await sleep(50);
  // (If not: how the call ended, from the cloud's events, says why.)
  const endedHow = () => JSON.stringify(cloud.events.list({}).filter((e) => e.sipCallId === inv.callId).map(({ type, reason, by, status }) => ({ type, reason, by, status })));
  assert.equal(session.state, 'connected', `audio arriving did not bring the session back: ${endedHow()}`);
  await sleep(3000);
  assert.ok(!ended(inv.callId), 'the call ended although its audio came back');

  peer.close();
  await sleep(500);
  const failedAt = Date.now();
  fail();
  const end = await endOf(inv.callId, 30000);
  assert.equal(end.reason, 'media failed');
  assert.ok(end.t - failedAt >= 9900, `ended ${end.t - failedAt} ms after the failure`);
  await client.close();
});

test('a relayed re-INVITE whose client drops before answering goes again (new CSeq) when it is back; the client\'s own re-INVITE meanwhile gets 491', async () => {
  const { caller, callee, inv, ok, incoming } = await relayedCall('quin', 'rosa');
  const offer = 'v=0\r\no=- 2 3 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=ice-ufrag:rst1\r\na=ice-pwd:restartpasswordrestart\r\na=rtpmap:111 opus/48000/2\r\na=sendrecv\r\n';
  callee.peer.send(callee.reinviteForIncoming(incoming, { sdp: offer }));
  const first = await caller.peer.next(isRequest('INVITE'));
  await drop(caller);
  await detached(inv.callId);
  await caller.reconnect();
  caller.peer.send(caller.reinviteText(inv, ok));
  const again = await caller.peer.next(isRequest('INVITE'));
  assert.equal(bodyOf(again), offer);
  assert.ok(Number(headerOf(again, 'CSeq').split(' ')[0]) > Number(headerOf(first, 'CSeq').split(' ')[0]), 'the CSeq was not renewed');
  assert.equal(statusOf(await caller.peer.next(isResponse(491, 'INVITE'))), 491);
  const answer = 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=rtpmap:111 opus/48000/2\r\na=sendrecv\r\n';
  caller.peer.send(caller.respondTo(again, 200, 'OK', { body: answer }));
  assert.equal(headerOf(await caller.peer.next(isRequest('ACK')), 'CSeq'), `${headerOf(again, 'CSeq').split(' ')[0]} ACK`);
  assert.equal(bodyOf(await callee.peer.next(isResponse(200, 'INVITE'))), answer);
  callee.peer.send(callee.byeForIncoming(incoming).replace('CSeq: 1 BYE', 'CSeq: 3 BYE'));
  assert.equal(statusOf(await callee.peer.next(isResponse(200, 'BYE'))), 200);
  const byeToCaller = await caller.peer.next(isRequest('BYE'));
  caller.peer.send(caller.respondTo(byeToCaller, 200, 'OK'));
  assert.equal((await endOf(inv.callId)).cause, 'NORMAL');
  await caller.close();
  await callee.close();
});

test('hold and resume by re-INVITE (no ICE restart) in an echo call: sendonly is answered recvonly, sendrecv again brings the echo back', async (t) => {
  const client = await ScriptedClient.connect(cloud, 'sami');
  const { inv, ok, peer } = await echoCall(t, client, { toneHz: 440 });
  const first = bodyOf(inv.text);
  // The same session, a new version (RFC 3264 §8): the tests' own SDP edit, as a client's hold would make it.
  const version = (sdp, n, direction) => sdp.replace(/^(o=\S+ \S+ )(\d+)/m, (m, head, v) => `${head}${BigInt(v) + BigInt(n)}`).replace('a=sendrecv', `a=${direction}`);
  client.peer.send(client.reinviteText(inv, ok, { sdp: version(first, 1, 'sendonly') }));
  const held = await client.peer.next(isResponse(200, 'INVITE'), 10000);
  client.peer.send(client.reAckText(inv, held));
  assert.match(bodyOf(held), /^a=recvonly/m);
  assert.equal(/a=ice-ufrag:(\S+)/.exec(bodyOf(held))[1], /a=ice-ufrag:(\S+)/.exec(bodyOf(ok))[1]);
  // Held, the echo pauses (its answer may not send), though this peer still sends its tone.
  await sleep(1500);
  const whileHeld = peer.level(1000, 440);
  assert.ok(whileHeld.rms < 200, `no echo while held: ${JSON.stringify(whileHeld)}`);
  client.peer.send(client.reinviteText(inv, ok, { sdp: version(first, 2, 'sendrecv'), cseq: 4 }));
  const resumed = await client.peer.next(isResponse(200, 'INVITE'), 10000);
  client.peer.send(client.reAckText(inv, resumed, 4));
  assert.match(bodyOf(resumed), /^a=sendrecv/m);
  await sleep(1500);
  const heard = peer.level(1000, 440);
  assert.ok(heard.rms > 2000 && heard.share > 0.8, `echo after resume: ${JSON.stringify(heard)}`);
  client.peer.send(bye(client, inv, ok, 5));
  assert.equal(statusOf(await client.peer.next(isResponse(200, 'BYE'))), 200);
  assert.equal((await endOf(inv.callId)).cause, 'NORMAL');
  await client.close();
});

test('a prompt held halfway waits where it is and plays on after the hold: playback (3 s, then the cloud hangs up) ends 3 s later for a 3 s hold', async (t) => {
  const client = await ScriptedClient.connect(cloud, 'tara');
  const { inv, ok } = await echoCall(t, client, { to: 'playback' });
  // The call's own events carry its cloud id (call.start has both).
  const { call } = await event((e) => e.type === 'call.start' && e.sipCallId === inv.callId);
  const prompt = await event((e) => e.type === 'call.prompt' && e.call === call);
  assert.equal(prompt.ms, 3000);
  const first = bodyOf(inv.text);
  const version = (n, direction) => first.replace(/^(o=\S+ \S+ )(\d+)/m, (m, head, v) => `${head}${BigInt(v) + BigInt(n)}`).replace('a=sendrecv', `a=${direction}`);
  await sleep(1000);
  client.peer.send(client.reinviteText(inv, ok, { sdp: version(1, 'sendonly') }));
  const held = await client.peer.next(isResponse(200, 'INVITE'), 10000);
  client.peer.send(client.reAckText(inv, held));
  await event((e) => e.type === 'call.held' && e.call === call);
  const heldAt = Date.now();
  await sleep(3000);
  assert.ok(!ended(inv.callId), 'the prompt ran on while held: the call ended during the hold');
  client.peer.send(client.reinviteText(inv, ok, { sdp: version(2, 'sendrecv'), cseq: 4 }));
  const resumed = await client.peer.next(isResponse(200, 'INVITE'), 10000);
  client.peer.send(client.reAckText(inv, resumed, 4));
  const unheld = await event((e) => e.type === 'call.unheld' && e.call === call);
  const byeFromCloud = await client.peer.next(isRequest('BYE'), 15000);
  client.peer.send(client.respondTo(byeFromCloud, 200, 'OK'));
  const end = await endOf(inv.callId);
  // About 1 s of the prompt before the hold, so about 2 s after it: the prompt's rest, not less
  // (a loaded machine can only make it later).
  assert.ok(end.t - unheld.t >= 1500, `the prompt ended ${end.t - unheld.t} ms after the hold (held ${unheld.t - heldAt} ms)`);
  assert.equal(end.by, 'cloud');
  await client.close();
});
