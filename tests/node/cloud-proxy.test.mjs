// Client-to-client calls through the cloud with scripted clients: answer/BYE both ways, CANCEL (trace 2), 480, 486, token rules.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  bodyOf, fetchToken, headerOf, isRequest, isResponse, loadTrace, ScriptedClient, startTestCloud, statusOf, contactUri,
} from './cloud-helpers.mjs';

let cloud;
before(async () => {
  cloud = await startTestCloud({ ringTimeout: 2 });
});
after(() => cloud?.stop());

async function pair(callerName = 'alice', calleeName = 'bob', callClient = calleeName) {
  const callee = await ScriptedClient.connect(cloud, calleeName);
  assert.equal(statusOf(await callee.register(await fetchToken(cloud, { client_id: calleeName }))), 200);
  const caller = await ScriptedClient.connect(cloud, callerName);
  const token = await fetchToken(cloud, { client_id: callerName, call_client: callClient });
  return { caller, callee, token, uri: `sip:${calleeName}@${cloud.config.clientDomain};transport=tcp` };
}

const lastEnd = (callId) => cloud.events.waitFor((e) => e.type === 'call.end' && e.sipCallId === callId, 3000);

test('answered call: 100/180/200 relayed, SDP and X- headers both ways, ACK, BYE from the caller reaches the callee', async () => {
  const { caller, callee, token, uri } = await pair();
  const inv = caller.inviteText(uri, { token, headers: [['X-Account', '42']] });
  caller.peer.send(inv.text);
  assert.equal(statusOf(await caller.peer.next(isResponse(100))), 100);
  const incoming = await callee.peer.next(isRequest('INVITE'));
  assert.equal(incoming.split('\r\n')[0], `INVITE sip:${callee.contactUser}@${callee.host};transport=ws SIP/2.0`);
  assert.match(headerOf(incoming, 'From'), /^<sip:alice@abc123\.webrtc-1-2-0\.aculabcloud\.net>;tag=\w+$/);
  assert.equal(headerOf(incoming, 'To'), '<sip:bob@abc123.webrtc-1-2-0.aculabcloud.net>');
  assert.equal(headerOf(incoming, 'X-Account'), '42');
  assert.equal(headerOf(incoming, 'Authorization'), undefined); // the caller's token stays with the cloud
  assert.equal(bodyOf(incoming), bodyOf(inv.text));
  assert.match(headerOf(incoming, 'Via'), /^SIP\/2\.0\/WSS 127\.0\.0\.1;branch=z9hG4bK\w+$/);

  callee.peer.send(callee.respondTo(incoming, 180, 'Ringing', { headers: [['X-Ring', 'r1']] }));
  const ringing = await caller.peer.next(isResponse(180));
  assert.match(headerOf(ringing, 'To'), /;tag=\w+$/);
  assert.equal(headerOf(ringing, 'Via'), headerOf(inv.text, 'Via'));
  assert.equal(headerOf(ringing, 'X-Ring'), 'r1');
  const answerSdp = 'v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\ns=-\r\nt=0 0\r\nm=audio 9 UDP/TLS/RTP/SAVPF 111\r\nc=IN IP4 0.0.0.0\r\na=rtpmap:111 opus/48000/2\r\na=sendrecv\r\n';
  // The callee's answer(extraSipHeaders) headers reach the caller (the public client's
  // getSipHeaders on an outgoing call reads the 200); the callee's other headers do not.
  callee.peer.send(callee.respondTo(incoming, 200, 'OK', { body: answerSdp, headers: [['X-Answer', 'a1'], ['X-Answer', 'a2'], ['Server', 'callee-ua']] }));
  const ack = await callee.peer.next(isRequest('ACK'));
  assert.equal(headerOf(ack, 'Call-ID'), headerOf(incoming, 'Call-ID'));
  assert.equal(headerOf(ack, 'CSeq'), '1 ACK');
  const ok = await caller.peer.next(isResponse(200, 'INVITE'));
  assert.equal(bodyOf(ok), answerSdp);
  assert.equal(headerOf(ok, 'Content-Type'), 'application/sdp');
  assert.equal(headerOf(ok, 'To'), headerOf(ringing, 'To'));
  assert.deepEqual(ok.split('\r\n').filter((l) => /^x-answer:/i.test(l)), ['X-Answer: a1', 'X-Answer: a2']);
  assert.equal(headerOf(ok, 'Server'), undefined);
  caller.peer.send(caller.ackText(inv, ok));
  await new Promise((r) => setTimeout(r, 50));
  caller.peer.send(caller.byeText(inv, ok));
  assert.equal(statusOf(await caller.peer.next(isResponse(200, 'BYE'))), 200);
  const bye = await callee.peer.next(isRequest('BYE'));
  assert.equal(bye.split(' ')[1], `sip:${callee.contactUser}@${callee.host};transport=ws`);
  callee.peer.send(callee.respondTo(bye, 200, 'OK'));
  const end = await lastEnd(inv.callId);
  assert.equal(end.status, 200);
  assert.equal(end.cause, 'NORMAL');
  assert.equal(end.by, 'caller');
  assert.equal(end.kind, 'client');
  await caller.close();
  await callee.close();
});

test('BYE from the callee reaches the caller', async () => {
  const { caller, callee, token, uri } = await pair('carl', 'dora');
  const inv = caller.inviteText(uri, { token });
  caller.peer.send(inv.text);
  const incoming = await callee.peer.next(isRequest('INVITE'));
  callee.peer.send(callee.respondTo(incoming, 200, 'OK', { body: 'v=0\r\n' }));
  const ok = await caller.peer.next(isResponse(200, 'INVITE'));
  caller.peer.send(caller.ackText(inv, ok));
  callee.peer.send(callee.byeForIncoming(incoming));
  assert.equal(statusOf(await callee.peer.next(isResponse(200, 'BYE'))), 200);
  const bye = await caller.peer.next(isRequest('BYE'));
  assert.equal(bye.split(' ')[1], `sip:${caller.contactUser}@${caller.host};transport=ws;ob`);
  assert.equal(headerOf(bye, 'Call-ID'), inv.callId);
  assert.equal(headerOf(bye, 'To'), inv.from);
  caller.peer.send(caller.respondTo(bye, 200, 'OK'));
  const end = await lastEnd(inv.callId);
  assert.equal(end.by, 'callee');
  assert.equal(end.cause, 'NORMAL');
  await caller.close();
  await callee.close();
});

test('trace 2: the call to bob cancelled while ringing: 200 to CANCEL, CANCEL to bob, 487 relayed, ACKs', async () => {
  const trace = loadTrace('official-client-incoming-cancel-unregister.txt').filter((m) => m.dir !== 'event');
  const { caller, callee, token } = await pair('alice', 'bob');
  const invite = trace.find((m) => m.dir === 'in' && m.text.startsWith('INVITE sip:bob')).text.replace(/Bearer \S+/, `Bearer ${token}`);
  const cancel = trace.find((m) => m.text.startsWith('CANCEL')).text;
  const ack = trace.find((m) => m.dir === 'in' && m.text.startsWith('ACK sip:bob')).text;
  const stub487 = trace.find((m) => m.text.startsWith('SIP/2.0 487')).text;
  caller.peer.send(invite);
  const trying = await caller.peer.next(isResponse(100));
  assert.equal(headerOf(trying, 'To'), '<sip:bob@abc123.webrtc-1-2-0.aculabcloud.net;transport=tcp>');
  const incoming = await callee.peer.next(isRequest('INVITE'));
  assert.equal(headerOf(incoming, 'X-Account'), '42');
  callee.peer.send(callee.respondTo(incoming, 180, 'Ringing'));
  await caller.peer.next(isResponse(180));
  caller.peer.send(cancel);
  const cancelOk = await caller.peer.next(isResponse(200, 'CANCEL'));
  assert.equal(headerOf(cancelOk, 'Via'), headerOf(cancel, 'Via'));
  const cancelToBob = await callee.peer.next(isRequest('CANCEL'));
  assert.equal(headerOf(cancelToBob, 'Via'), headerOf(incoming, 'Via')); // same branch as the INVITE (§9.1)
  assert.equal(headerOf(cancelToBob, 'CSeq'), '1 CANCEL');
  callee.peer.send(callee.respondTo(cancelToBob, 200, 'OK', { contact: false }));
  callee.peer.send(callee.respondTo(incoming, 487, 'Request Terminated'));
  const ackToBob = await callee.peer.next(isRequest('ACK'));
  assert.equal(headerOf(ackToBob, 'Via'), headerOf(incoming, 'Via')); // non-2xx ACK: same branch
  const terminated = await caller.peer.next(isResponse(487));
  for (const name of ['Via', 'From', 'Call-ID', 'CSeq']) assert.equal(headerOf(terminated, name), headerOf(stub487, name), name);
  caller.peer.send(ack.replace(/tag=stubtag2/, /tag=(\w+)/.exec(headerOf(terminated, 'To'))[0]));
  const end = await lastEnd('g4lvadre8qqvhcnee04b');
  assert.equal(end.status, 487);
  assert.equal(end.cause, 'NOANSWER');
  assert.equal(await caller.peer.silentFor(100), true);
  await caller.close();
  await callee.close();
});

test('busy callee: 486 passes through to the caller', async () => {
  const { caller, callee, token, uri } = await pair('fred', 'gina');
  const inv = caller.inviteText(uri, { token });
  caller.peer.send(inv.text);
  const incoming = await callee.peer.next(isRequest('INVITE'));
  callee.peer.send(callee.respondTo(incoming, 486, 'Busy Here'));
  await callee.peer.next(isRequest('ACK'));
  const busy = await caller.peer.next(isResponse(486));
  assert.equal(busy.split('\r\n')[0], 'SIP/2.0 486 Busy Here');
  caller.peer.send(caller.ackText(inv, busy, { sameBranch: true }));
  assert.equal((await lastEnd(inv.callId)).cause, 'BUSY');
  await caller.close();
  await callee.close();
});

test('unregistered callee: 480; no answer within the ring timeout: 480 and CANCEL to the callee', async () => {
  const caller = await ScriptedClient.connect(cloud, 'hank');
  const token = await fetchToken(cloud, { client_id: 'hank', call_client: '*' });
  const inv = caller.inviteText(`sip:nobody@${cloud.config.clientDomain}`, { token });
  caller.peer.send(inv.text);
  assert.equal((await caller.peer.next(isResponse(480))).split('\r\n')[0], 'SIP/2.0 480 Temporarily Unavailable');
  assert.equal((await lastEnd(inv.callId)).cause, 'UNOBTAINABLE');

  const { callee } = await pair('hank', 'ivy');
  const inv2 = caller.inviteText(`sip:ivy@${cloud.config.clientDomain}`, { token });
  caller.peer.send(inv2.text);
  const incoming = await callee.peer.next(isRequest('INVITE'));
  callee.peer.send(callee.respondTo(incoming, 180, 'Ringing'));
  const cancel = await callee.peer.next(isRequest('CANCEL'), 4000);
  callee.peer.send(callee.respondTo(cancel, 200, 'OK', { contact: false }));
  callee.peer.send(callee.respondTo(incoming, 487, 'Request Terminated'));
  assert.equal(statusOf(await caller.peer.next(isResponse(480))), 480);
  await caller.close();
  await callee.close();
});

test('callee connection lost while ringing: the caller gets 480', async () => {
  const { caller, callee, token, uri } = await pair('jill', 'kurt');
  const inv = caller.inviteText(uri, { token });
  caller.peer.send(inv.text);
  const incoming = await callee.peer.next(isRequest('INVITE'));
  callee.peer.send(callee.respondTo(incoming, 180, 'Ringing'));
  await caller.peer.next(isResponse(180));
  await callee.close();
  assert.equal(statusOf(await caller.peer.next(isResponse(480))), 480);
  await caller.close();
});

test('caller connection lost after answer, no reconnect within the limit (1 s here): the callee gets BYE', async (t) => {
  cloud.config.reconnectLimit = 1;
  t.after(() => {
    cloud.config.reconnectLimit = 30;
  });
  const { caller, callee, token, uri } = await pair('lena', 'mick');
  const inv = caller.inviteText(uri, { token });
  caller.peer.send(inv.text);
  const incoming = await callee.peer.next(isRequest('INVITE'));
  callee.peer.send(callee.respondTo(incoming, 200, 'OK', { body: 'v=0\r\n' }));
  const ok = await caller.peer.next(isResponse(200, 'INVITE'));
  caller.peer.send(caller.ackText(inv, ok));
  await new Promise((r) => setTimeout(r, 50));
  await caller.close();
  const bye = await callee.peer.next(isRequest('BYE'));
  assert.equal(headerOf(bye, 'Call-ID'), headerOf(incoming, 'Call-ID'));
  await callee.close();
});

test('token rules for calls: none 401, not covering the callee 403, another client 403; prefix wildcard allowed', async () => {
  const { caller, callee, uri } = await pair('nina', 'otto');
  const cases = [
    [undefined, 401],
    [await fetchToken(cloud, { client_id: 'nina', call_client: 'ott' }), 403],
    [await fetchToken(cloud, { client_id: 'nina', call_client: 'bob' }), 403],
    [await fetchToken(cloud, { client_id: 'nina' }), 403],
    [await fetchToken(cloud, { client_id: 'zed', call_client: '*' }), 403],
    [cloud.tokens.sign({ aud: '1-2-0', sub: 'nina', scope: ['webrtcclient'], iat: 1, nbf: 1, exp: 2, call_client: ['*'] }), 401],
  ];
  for (const [token, status] of cases) {
    const inv = caller.inviteText(uri, { token });
    caller.peer.send(inv.text);
    const res = await caller.peer.next((f) => statusOf(f) >= 200 && headerOf(f, 'Call-ID') === inv.callId);
    assert.equal(statusOf(res), status, token?.slice(0, 20));
    caller.peer.send(caller.ackText(inv, res, { sameBranch: true }));
  }
  assert.equal(await callee.peer.silentFor(100), true);
  const inv = caller.inviteText(uri, { token: await fetchToken(cloud, { client_id: 'nina', call_client: 'ot*' }) });
  caller.peer.send(inv.text);
  const incoming = await callee.peer.next(isRequest('INVITE'));
  assert.ok(incoming);
  callee.peer.send(callee.respondTo(incoming, 606, 'Not Acceptable'));
  assert.equal(statusOf(await caller.peer.next(isResponse(606))), 606);
  assert.equal((await lastEnd(inv.callId)).cause, 'REJECTED');
  await caller.close();
  await callee.close();
});

test('in-dialog requests without a Contact from another connection, while the dialog\'s is open, get 481 and do not touch the call', async () => {
  const { caller, callee, token, uri } = await pair('pete', 'quin');
  const inv = caller.inviteText(uri, { token });
  caller.peer.send(inv.text);
  const incoming = await callee.peer.next(isRequest('INVITE'));
  callee.peer.send(callee.respondTo(incoming, 200, 'OK', { body: 'v=0\r\n' }));
  const ok = await caller.peer.next(isResponse(200, 'INVITE'));
  caller.peer.send(caller.ackText(inv, ok));
  await callee.peer.next(isRequest('ACK'));
  const other = await ScriptedClient.connect(cloud, 'pete');
  other.peer.send(caller.byeText(inv, ok));
  assert.equal(statusOf(await other.peer.next('SIP/2.0')), 481);
  assert.equal(await callee.peer.silentFor(100), true);
  assert.equal(contactUri(ok), 'sip:cloud@127.0.0.1;transport=ws');
  caller.peer.send(caller.byeText(inv, ok));
  await callee.peer.next(isRequest('BYE'));
  await other.close();
  await caller.close();
  await callee.close();
});
