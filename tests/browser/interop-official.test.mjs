// The public client (@aculab-com/aculab-webrtc 4.0.8, as published) against the local cloud over the
// real wire: wss://webrtc-1-2-0.aculabcloud.net/sipproxy (mapped to the cloud, which serves TLS
// with a throw-away certificate), registration, services, DTMF, and calls to and from our package.
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { basicAuth, cloudCalls, cloudEvents, Dialler, endProcessSoon, LEVEL_HEARD, assertBuilt, until } from './helpers.mjs';
import { OfficialPage, OursPage, startTlsCloudAndBrowser } from './official-page.mjs';

const CLOUD_ID = '1-2-0'; // the official client's URL names it; the cloud's default

test('dist/ is built and Chromium is installed', () => assertBuilt());

describe('the public Aculab client against the local cloud', { timeout: 900000 }, () => {
  let cloud;
  let browser;
  let official; // the public client, client id 'official'
  let ours; // the dialler (our package), client id 'ours'

  /** A token from the cloud's token service, as an application's server would get one. */
  async function token(clientId, params = {}) {
    const url = new URL('webrtc_generate_token', cloud.url);
    url.searchParams.set('client_id', clientId);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, String(v));
    const res = await fetch(url, { headers: { Authorization: basicAuth(cloud) } });
    assert.equal(res.status, 200, `token for ${clientId}`);
    return (await res.json()).token;
  }

  /** The official client's callback log entries from index `from` on. */
  async function since(from) {
    return (await official.log()).slice(from);
  }

  /** The cloud's call.end for the official client's call n (matched by SIP Call-ID). */
  async function callEnd(n) {
    const sipCallId = await official.run('callId', n);
    return until(async () => (await cloudEvents(cloud, { type: 'call.end' })).find((e) => e.sipCallId === sipCallId),
      { what: `the cloud's call.end for ${sipCallId}` });
  }

  before(async () => {
    assertBuilt();
    ({ cloud, browser } = await startTlsCloudAndBrowser(CLOUD_ID, 'interop'));
    official = await OfficialPage.open(browser, cloud, 'official');
  });
  afterEach(async () => {
    // A failed test must not leave a call holding the official client's maxConcurrent slots.
    if (official) {
      await official.run('disconnectAll');
      await until(async () => (await official.run('live')) === 0, { timeout: 20000, what: 'no calls left in the official client' });
    }
    await ours?.hangUpAll().catch(() => {});
  });
  after(async () => {
    await official?.close();
    await ours?.close();
    await browser?.close();
    await cloud?.stop();
    endProcessSoon();
  });

  test('enableIncoming registers (ready true, NORMAL); disableIncoming unregisters (ready false)', async () => {
    const from = (await official.log()).length;
    await official.run('enable', await token('official'));
    const on = await official.waitFor('onIncomingState', { ready: true }, { after: from });
    assert.equal(on.cause, 'NORMAL');
    await until(async () => (await cloudEvents(cloud, { type: 'register' })).some((e) => e.client === 'official'), { what: 'the register event' });
    const res = await fetch(new URL('webrtc_registered_clients', cloud.url), { headers: { Authorization: basicAuth(cloud) } });
    assert.deepEqual((await res.json()).clients, ['official']);

    const mark = (await official.log()).length;
    await official.run('disable');
    const off = await official.waitFor('onIncomingState', { ready: false }, { after: mark });
    // The published client says DISCONNECTED here (PROTOCOL.md); the cloud is not asked.
    assert.ok(['NORMAL', 'DISCONNECTED'].includes(off.cause), off.cause);
    // Its REGISTER with expires=0 (and no Authorization) removed the binding, before its socket closed.
    const gone = await until(async () => (await cloudEvents(cloud, { type: 'unregister' })).find((e) => e.client === 'official'), { what: 'the unregister event' });
    assert.equal(gone.reason, 'expires=0');
    const left = await fetch(new URL('webrtc_registered_clients', cloud.url), { headers: { Authorization: basicAuth(cloud) } });
    assert.deepEqual((await left.json()).clients, []);
  });

  // PROTOCOL.md: a token the cloud refuses (401/403) is INVALIDTOKEN. The public client only says so
  // when the response carries WWW-Authenticate with error="invalid_token".
  for (const [what, make] of [
    ['a forged token', async () => { const t = await token('official'); return t.slice(0, -6) + (t.endsWith('AAAAAA') ? 'BBBBBB' : 'AAAAAA'); }],
    ['another client\'s token', () => token('someone-else')],
    ['a token without enable_incoming', () => token('official', { enable_incoming: false })],
  ]) {
    test(`enableIncoming with ${what}: ready false, INVALIDTOKEN`, async () => {
      const from = (await official.log()).length;
      const refusals = (await cloudEvents(cloud, { type: 'register.refused' })).length;
      await official.run('enable', await make());
      const st = await official.waitFor('onIncomingState', {}, { after: from });
      assert.equal(st.ready, false);
      assert.equal(st.cause, 'INVALIDTOKEN');
      const refused = (await cloudEvents(cloud, { type: 'register.refused' })).slice(refusals);
      assert.equal(refused.length, 1, JSON.stringify(refused));
      assert.equal(refused[0].client, 'official');
      // The client drops the token and its socket (it has nothing else to do).
      await until(async () => (await official.run('live')) === 0, { what: 'no calls' });
    });
  }

  test('enableIncoming again with a new token re-registers; a dropped socket: reconnect and register again', async () => {
    const from = (await official.log()).length;
    await official.run('enable', await token('official'));
    await official.waitFor('onIncomingState', { ready: true }, { after: from });
    const registers = () => cloudEvents(cloud, { type: 'register' }).then((l) => l.filter((e) => e.client === 'official'));
    const before = (await registers()).length;
    const again = (await official.log()).length;
    await official.run('enable', await token('official'));
    await official.waitFor('onIncomingState', { ready: true }, { after: again });
    const refreshed = (await registers()).slice(before);
    assert.equal(refreshed.length, 1);
    assert.equal(refreshed[0].refresh, true, 'the same binding, refreshed');

    // The cloud loses the socket: the client reconnects (after about 1 s) and registers again.
    const binding = cloud.registrar.lookup('official');
    const drop = (await official.log()).length;
    binding.connection.ws.terminate();
    await until(async () => (await registers()).length > before + 1, { what: 'a new REGISTER after the drop' });
    await until(async () => cloud.registrar.lookup('official') && cloud.registrar.lookup('official').connection !== binding.connection,
      { what: 'the binding on the new connection' });
    const after = (await since(drop)).filter((e) => e.what === 'onIncomingState');
    assert.equal(after.at(-1)?.ready, true, JSON.stringify(after));
    // And calls still work on the new socket.
    const n = await official.run('callService', 'echo');
    await official.waitFor('onConnected', { call: n });
    await official.run('disconnect', n);
    assert.equal((await official.waitFor('onDisconnect', { call: n })).cause, 'NORMAL');
    const mark = (await official.log()).length;
    await official.run('disable');
    await official.waitFor('onIncomingState', { ready: false }, { after: mark });
  });

  test('callService echo: onConnected, onMedia, the microphone tone comes back, disconnect is NORMAL', async () => {
    const n = await official.run('callService', 'echo');
    await official.waitFor('onConnected', { call: n });
    await official.waitFor('onMedia', { call: n });
    const level = await official.waitLevelIn(n, LEVEL_HEARD);
    assert.ok(level > LEVEL_HEARD);
    await until(async () => (await official.run('played', n)) > 0.01, { what: 'the echoed tone playing in the official client\'s page' });
    await official.run('disconnect', n);
    const end = await official.waitFor('onDisconnect', { call: n });
    assert.equal(end.cause, 'NORMAL');
    const cloudEnd = await callEnd(n);
    assert.equal(cloudEnd.service, 'echo');
    assert.equal(cloudEnd.by, 'caller');
    assert.ok(cloudEnd.packetsIn > 0, JSON.stringify(cloudEnd));
  });

  test('callService early-media: 183 with SDP gives onMedia before onConnected, audio heard, NORMAL', async () => {
    const n = await official.run('callService', 'early-media');
    await official.waitFor('onMedia', { call: n });
    await official.waitLevelIn(n, LEVEL_HEARD, 'above the bound (the early-media prompt)');
    await official.waitFor('onConnected', { call: n }, { timeout: 60000 });
    const log = (await since(0)).filter((e) => e.call === n).map((e) => e.what);
    assert.ok(log.indexOf('onMedia') < log.indexOf('onConnected'), log.join(' '));
    await official.run('disconnect', n);
    assert.equal((await official.waitFor('onDisconnect', { call: n })).cause, 'NORMAL');
  });

  test('callService playback: the prompt is heard, the cloud hangs up: NORMAL', async () => {
    const n = await official.run('callService', 'playback');
    await official.waitFor('onConnected', { call: n });
    await official.waitLevelIn(n, LEVEL_HEARD, 'above the bound (the prompt)');
    assert.equal((await official.waitFor('onDisconnect', { call: n }, { timeout: 120000 })).cause, 'NORMAL');
  });

  // The causes the official client maps from the cloud's final responses.
  for (const [service, cause] of [['busy', 'BUSY'], ['no-such-service', 'UNOBTAINABLE'], ['fail-480', 'UNOBTAINABLE'], ['fail-603', 'BUSY'], ['fail-500', 'FAILED']]) {
    test(`callService ${service}: onDisconnect ${cause}`, async () => {
      const n = await official.run('callService', service);
      const end = await official.waitFor('onDisconnect', { call: n });
      assert.equal(end.cause, cause);
      assert.ok(!(await since(0)).some((e) => e.call === n && e.what === 'onConnected'), 'never connected');
    });
  }

  test('callService noanswer, disconnect while ringing (CANCEL): NOANSWER', async () => {
    const n = await official.run('callService', 'noanswer');
    await official.waitFor('onRinging', { call: n });
    await official.run('disconnect', n);
    assert.equal((await official.waitFor('onDisconnect', { call: n })).cause, 'NOANSWER');
    const end = await callEnd(n);
    assert.equal(end.status, 487);
  });

  test('sendDtmf reaches ivr as RFC 4733 telephone-events; # ends the call (NORMAL)', async () => {
    const n = await official.run('callService', 'ivr');
    await official.waitFor('onConnected', { call: n });
    // The ivr prompt arriving means DTLS-SRTP is up both ways.
    await official.waitLevelIn(n, LEVEL_HEARD, 'above the bound (the ivr prompt)');
    await official.run('sendDtmf', n, '159*#');
    assert.equal((await official.waitFor('onDisconnect', { call: n }, { timeout: 60000 })).cause, 'NORMAL');
    const end = await callEnd(n);
    assert.equal(end.digits, '159*#');
    assert.equal(end.by, 'cloud');
    const dtmf = (await cloudEvents(cloud, { type: 'call.dtmf', call: end.call }));
    assert.equal(dtmf.map((e) => e.digit).join(''), '159*#');
    assert.deepEqual([...new Set(dtmf.map((e) => e.how))], ['rfc4733'], JSON.stringify(dtmf));
  });

  test('the cloud calls the official client (outbound_call, echo): type service, answer, the tone comes back, the cloud gets BYE', async () => {
    const from = (await official.log()).length;
    await official.run('enable', await token('official'));
    await official.waitFor('onIncomingState', { ready: true }, { after: from });
    const placed = await cloudCalls(cloud, { destination: 'webrtc:official', call_from: 'interop-app', action: 'echo' });
    const inc = await official.waitFor('onIncoming', {}, { after: from });
    assert.equal(inc.from, 'interop-app');
    assert.equal(inc.type, 'service');
    assert.equal(inc.offeringAudio, true);
    assert.equal(inc.canReceiveAudio, true);
    assert.equal(inc.offeringVideo, false);
    await official.run('answer', inc.call);
    await official.waitFor('onConnected', { call: inc.call });
    await official.waitLevelIn(inc.call, LEVEL_HEARD);
    await official.run('disconnect', inc.call);
    assert.equal((await official.waitFor('onDisconnect', { call: inc.call })).cause, 'NORMAL');
    const end = await until(async () => (await cloudEvents(cloud, { type: 'call.end', call: placed.call }))[0], { what: 'the outbound call.end' });
    assert.equal(end.by, 'callee');
    assert.equal(end.status, 200);
    const mark = (await official.log()).length;
    await official.run('disable');
    await official.waitFor('onIncomingState', { ready: false }, { after: mark });
  });

  test('callClient to a client that is not registered: UNOBTAINABLE; with a token that does not cover it: FAILED', async () => {
    const n = await official.run('callClient', 'nobody', await token('official', { call_client: 'nobody' }));
    assert.equal((await official.waitFor('onDisconnect', { call: n })).cause, 'UNOBTAINABLE');
    const m = await official.run('callClient', 'nobody', await token('official', { call_client: 'someone-else' }));
    assert.equal((await official.waitFor('onDisconnect', { call: m })).cause, 'FAILED');
  });

  describe('client to client with our package (the dialler)', () => {
    before(async () => {
      // The dialler is served by the same cloud (https://127.0.0.1:PORT/), so it signals over
      // wss://127.0.0.1:PORT/sipproxy: both clients meet in one registrar.
      ours = await Dialler.open(browser, cloud, { clientId: 'ours' });
      await ours.start();
      await ours.enableIncoming();
      const from = (await official.log()).length;
      await official.run('enable', await token('official', { call_client: 'ours' }));
      await official.waitFor('onIncomingState', { ready: true }, { after: from });
    });

    test('ours calls the official client: offer fields, answer, audio both ways, the official client hangs up', async () => {
      const from = (await official.log()).length;
      const out = await ours.dial('official', 'client');
      const inc = await official.waitFor('onIncoming', {}, { after: from });
      assert.equal(inc.from, 'ours');
      assert.equal(inc.type, 'client');
      assert.equal(inc.offeringAudio, true);
      assert.equal(inc.canReceiveAudio, true);
      assert.equal(inc.offeringVideo, false);
      assert.equal(inc.canReceiveVideo, false);
      await official.run('ringing', inc.call);
      await ours.waitState(out, 'ringing');
      await official.run('answer', inc.call);
      await official.waitFor('onConnected', { call: inc.call });
      await ours.waitState(out, 'connected');
      // Audio both ways: each side's inbound level is the other's microphone tone.
      await official.waitLevelIn(inc.call, LEVEL_HEARD);
      await ours.waitStat(out, 'level-in', (v) => v > LEVEL_HEARD, `above ${LEVEL_HEARD} (the official client's microphone)`);
      await official.run('disconnect', inc.call);
      assert.equal((await official.waitFor('onDisconnect', { call: inc.call })).cause, 'NORMAL');
      assert.equal(await ours.waitCause(out), 'NORMAL');
    });

    test('the official client calls ours: offer, answer, audio both ways, ours hangs up', async () => {
      const n = await official.run('callClient', 'ours', await token('official', { call_client: 'ours' }), ['X-Interop: from-official']);
      const inc = await ours.waitIncomingPanel();
      const panel = ours.incomingPanel(inc);
      assert.equal(await panel.locator('.caller').textContent(), 'official');
      assert.equal(await panel.locator('.caller-type').textContent(), 'client');
      await official.waitFor('onRinging', { call: n });
      await panel.locator('.answer').click();
      await ours.waitState(inc, 'connected');
      await official.waitFor('onConnected', { call: n });
      await official.waitFor('onMedia', { call: n });
      await official.waitLevelIn(n, LEVEL_HEARD);
      await ours.waitStat(inc, 'level-in', (v) => v > LEVEL_HEARD, `above ${LEVEL_HEARD} (the official client's microphone)`);
      await ours.hangUp(inc);
      assert.equal(await ours.waitCause(inc), 'NORMAL');
      assert.equal((await official.waitFor('onDisconnect', { call: n })).cause, 'NORMAL');
    });

    test('ours calls the official client and gives up while it rings: the official client sees the call end', async () => {
      const from = (await official.log()).length;
      const out = await ours.dial('official', 'client');
      const inc = await official.waitFor('onIncoming', {}, { after: from });
      await official.run('ringing', inc.call);
      await ours.waitState(out, 'ringing');
      await ours.hangUp(out);
      assert.equal(await ours.waitCause(out), 'NOANSWER');
      const end = await official.waitFor('onDisconnect', { call: inc.call });
      assert.equal(typeof end.cause, 'string');
    });

    test('X- headers both ways: in the INVITE (callClient) and in the 200 (answer), through the cloud', async () => {
      const mine = await OursPage.open(browser, cloud, 'ours-headers');
      try {
        await mine.run('enable', await token('ours-headers', { call_client: 'official' }));
        await mine.waitFor('onIncomingState', { ready: true });
        // The official client calls ours.
        const n = await official.run('callClient', 'ours-headers', await token('official', { call_client: 'ours-headers' }), ['X-Interop: from-official']);
        const inc = await mine.waitFor('onIncoming', {});
        assert.deepEqual(inc.headers, ['from-official']);
        await mine.run('answer', inc.call, ['X-Answer: ours-answered']);
        await official.waitFor('onConnected', { call: n });
        assert.deepEqual(await official.run('headers', n, 'X-Answer'), ['ours-answered']);
        await official.run('disconnect', n);
        await mine.waitFor('onDisconnect', { call: inc.call });
        // Ours calls the official client.
        const from = (await official.log()).length;
        const out = await mine.run('callClient', 'official', await token('ours-headers', { call_client: 'official' }), ['X-Interop: from-ours']);
        const oinc = await official.waitFor('onIncoming', {}, { after: from });
        assert.deepEqual(oinc.headers, ['from-ours']);
        await official.run('answer', oinc.call, ['X-Answer: official-answered']);
        await mine.waitFor('onConnected', { call: out });
        assert.deepEqual(await mine.run('headers', out, 'X-Answer'), ['official-answered']);
        await mine.run('disconnect', out);
        await official.waitFor('onDisconnect', { call: oinc.call });
      } finally {
        await mine.close();
      }
    });

    test('the official client calls ours and ours rejects: the official client maps the status', async () => {
      const n = await official.run('callClient', 'ours', await token('official', { call_client: 'ours' }));
      const inc = await ours.waitIncomingPanel();
      await ours.incomingPanel(inc).locator('.reject').click();
      assert.equal((await official.waitFor('onDisconnect', { call: n })).cause, 'BUSY');
    });

    test('ours calls the official client, which rejects: ours reports BUSY', async () => {
      const from = (await official.log()).length;
      const out = await ours.dial('official', 'client');
      const inc = await official.waitFor('onIncoming', {}, { after: from });
      await official.run('reject', inc.call, '486');
      assert.equal(await ours.waitCause(out), 'BUSY');
    });
  });
});
