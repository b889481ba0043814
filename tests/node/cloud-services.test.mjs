// Signalling-only services against a running cloud: busy, fail-NNN for every cause class, noanswer, unknown 404, the call cap 503.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { headerOf, isResponse, ScriptedClient, startTestCloud, statusOf } from './cloud-helpers.mjs';

let cloud;
before(async () => {
  cloud = await startTestCloud({ ringTimeout: 1, maxCalls: 3 });
});
after(() => cloud?.stop());
const service = (name) => `sip:${name}@sip-1-2-0.aculab.com;transport=tcp`;
const endOf = (callId) => cloud.events.waitFor((e) => e.type === 'call.end' && e.sipCallId === callId, 3000);

async function callService(c, name) {
  const inv = c.inviteText(service(name));
  c.peer.send(inv.text);
  const final = await c.peer.next((f) => statusOf(f) >= 200 && headerOf(f, 'Call-ID') === inv.callId, 3000);
  c.peer.send(c.ackText(inv, final, { sameBranch: true }));
  return { inv, final };
}

test('busy: 100 then 486, cause BUSY in the events', async () => {
  const c = await ScriptedClient.connect(cloud, 'alice');
  const { inv, final } = await callService(c, 'busy');
  assert.equal(final.split('\r\n')[0], 'SIP/2.0 486 Busy Here');
  assert.equal(statusOf(c.peer.frames.find((f) => headerOf(f, 'Call-ID') === inv.callId) ?? ''), 100);
  const end = await endOf(inv.callId);
  assert.equal(end.cause, 'BUSY');
  assert.equal(end.service, 'busy');
  assert.equal(end.from, 'alice');
  await c.close();
});

test('fail-NNN rings, then gives NNN: each cause class', async () => {
  const c = await ScriptedClient.connect(cloud, 'alice');
  const expected = { 302: 'MOVED', 404: 'UNOBTAINABLE', 410: 'UNOBTAINABLE', 480: 'UNOBTAINABLE', 486: 'BUSY', 500: 'FAILED', 503: 'FAILED', 600: 'BUSY', 603: 'BUSY', 604: 'UNOBTAINABLE', 606: 'REJECTED', 699: 'REJECTED' };
  for (const [status, cause] of Object.entries(expected)) {
    const inv = c.inviteText(service(`fail-${status}`));
    c.peer.send(inv.text);
    const ringing = await c.peer.next(isResponse(180));
    assert.equal(headerOf(ringing, 'Call-ID'), inv.callId);
    const final = await c.peer.next((f) => statusOf(f) >= 200 && headerOf(f, 'Call-ID') === inv.callId, 3000);
    assert.equal(statusOf(final), Number(status));
    assert.equal(headerOf(final, 'To'), headerOf(ringing, 'To'));
    if (Number(status) < 400) assert.ok(headerOf(final, 'Contact'));
    c.peer.send(c.ackText(inv, final, { sameBranch: true }));
    assert.equal((await endOf(inv.callId)).cause, cause, status);
  }
  await c.close();
});

test('fail-NNN out of range and unknown names: 404', async () => {
  const c = await ScriptedClient.connect(cloud, 'alice');
  for (const name of ['fail-299', 'fail-700', 'fail-abc', 'nosuchservice', 'Echo']) {
    const { final } = await callService(c, name);
    assert.equal(statusOf(final), 404, name);
  }
  await c.close();
});

test('noanswer: rings until CANCEL (487), or 480 after the ring timeout', async () => {
  const c = await ScriptedClient.connect(cloud, 'alice');
  const inv = c.inviteText(service('noanswer'));
  c.peer.send(inv.text);
  await c.peer.next(isResponse(180));
  c.peer.send(c.cancelText(inv));
  assert.equal(statusOf(await c.peer.next(isResponse(200, 'CANCEL'))), 200);
  const terminated = await c.peer.next(isResponse(487));
  c.peer.send(c.ackText(inv, terminated, { sameBranch: true }));
  assert.equal((await endOf(inv.callId)).cause, 'NOANSWER');
  const t0 = Date.now();
  const { final, inv: inv2 } = await callService(c, 'noanswer');
  assert.equal(statusOf(final), 480);
  assert.ok(Date.now() - t0 >= 900, `${Date.now() - t0} ms`);
  assert.equal((await endOf(inv2.callId)).cause, 'UNOBTAINABLE');
  await c.close();
});

test('the concurrent call cap gives 503 and frees up when calls end', async () => {
  const c = await ScriptedClient.connect(cloud, 'alice');
  const ringing = [];
  for (let i = 0; i < 3; i++) {
    const inv = c.inviteText(service('noanswer'));
    c.peer.send(inv.text);
    await c.peer.next((f) => statusOf(f) === 180 && headerOf(f, 'Call-ID') === inv.callId);
    ringing.push(inv);
  }
  const { final } = await callService(c, 'busy');
  assert.equal(statusOf(final), 503);
  assert.equal(headerOf(final, 'Retry-After'), '5');
  c.peer.send(c.cancelText(ringing[0]));
  await c.peer.next((f) => statusOf(f) === 487 && headerOf(f, 'Call-ID') === ringing[0].callId);
  const again = await callService(c, 'busy');
  assert.equal(statusOf(again.final), 486);
  // A closed connection ends its calls.
  await c.close();
  await new Promise((r) => setTimeout(r, 100));
  assert.equal(cloud.health().calls, 0);
});

test('a repeated INVITE (same branch) gets the last response again, not a second call', async () => {
  const c = await ScriptedClient.connect(cloud, 'alice');
  const inv = c.inviteText(service('noanswer'));
  c.peer.send(inv.text);
  await c.peer.next(isResponse(180));
  const calls = cloud.health().calls;
  c.peer.send(inv.text);
  const again = await c.peer.next(isResponse(180));
  assert.equal(headerOf(again, 'Call-ID'), inv.callId);
  assert.equal(cloud.health().calls, calls);
  c.peer.send(c.cancelText(inv));
  await c.peer.next(isResponse(487));
  await c.close();
});

test('a BYE in the early dialog (after 180) gets 200, and the INVITE 487', async () => {
  const c = await ScriptedClient.connect(cloud, 'alice');
  const inv = c.inviteText(service('noanswer'));
  c.peer.send(inv.text);
  const ringing = await c.peer.next(isResponse(180));
  c.peer.send(c.byeText(inv, ringing.replace(/^Contact:.*\r\n/m, 'Contact: <sip:cloud@127.0.0.1;transport=ws>\r\n')));
  assert.equal(statusOf(await c.peer.next(isResponse(200, 'BYE'))), 200);
  const terminated = await c.peer.next(isResponse(487));
  assert.equal(headerOf(terminated, 'To'), headerOf(ringing, 'To'));
  assert.equal((await endOf(inv.callId)).cause, 'NOANSWER');
  await c.close();
});
