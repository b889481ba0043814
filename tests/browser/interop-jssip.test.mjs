// JsSIP 3.13 (an independent SIP-over-WebSocket stack, not SIP.js-based, unchanged) against the
// local cloud over the real wire: wss://webrtc-1-2-0.aculabcloud.net/sipproxy (mapped to the cloud,
// which serves TLS with a throw-away certificate), with the names and headers of PROTOCOL.md:
// registration with a Bearer token, a call to echo, RFC 4733 DTMF to ivr, and a call from our
// package (the dialler) that JsSIP answers.
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { basicAuth, cloudEvents, Dialler, endProcessSoon, LEVEL_HEARD, assertBuilt, until } from './helpers.mjs';
import { startTlsCloudAndBrowser } from './official-page.mjs';
import { JsSipPage } from './jssip-page.mjs';

const CLOUD_ID = '1-2-0';
const WAIT = 60000; // generous: a failing test is bounded by it, a passing one never waits it out

test('dist/ is built and Chromium is installed', () => assertBuilt());

describe('JsSIP against the local cloud', { timeout: 600000 }, () => {
  let cloud;
  let browser;
  let jssip; // JsSIP, client id 'jssip'
  let ours; // the dialler (our package), client id 'ours'

  async function token(clientId, params = {}) {
    const url = new URL('webrtc_generate_token', cloud.url);
    url.searchParams.set('client_id', clientId);
    for (const [k, v] of Object.entries(params)) url.searchParams.set(k, String(v));
    const res = await fetch(url, { headers: { Authorization: basicAuth(cloud) } });
    assert.equal(res.status, 200, `token for ${clientId}`);
    return (await res.json()).token;
  }

  async function registered() {
    const res = await fetch(new URL('webrtc_registered_clients', cloud.url), { headers: { Authorization: basicAuth(cloud) } });
    assert.equal(res.status, 200);
    return res.json();
  }

  /** The cloud's call.end for JsSIP's outgoing call n (matched by SIP Call-ID). */
  async function callEnd(n) {
    const sipCallId = await jssip.run('callId', n);
    assert.ok(sipCallId, 'the INVITE\'s Call-ID');
    return until(async () => (await cloudEvents(cloud, { type: 'call.end' })).find((e) => e.sipCallId === sipCallId),
      { timeout: WAIT, what: `the cloud's call.end for ${sipCallId}` });
  }

  /** The dialler as client 'ours', registered for incoming calls (once). */
  async function openOurs() {
    if (ours) return;
    ours = await Dialler.open(browser, cloud, { clientId: 'ours' });
    await ours.start();
    await ours.enableIncoming();
  }

  before(async () => {
    assertBuilt();
    ({ cloud, browser } = await startTlsCloudAndBrowser(CLOUD_ID, 'jssip'));
    jssip = await JsSipPage.open(browser, cloud, 'jssip');
    await jssip.waitFor('connected', {}, { timeout: WAIT });
  });
  afterEach(async () => {
    if (jssip) {
      await jssip.run('endAll');
      await until(async () => (await jssip.run('live')) === 0, { timeout: WAIT, what: 'no calls left in JsSIP' });
    }
    await ours?.hangUpAll().catch(() => {});
  });
  after(async () => {
    await jssip?.run('stop').catch(() => {});
    await jssip?.close();
    await ours?.close();
    await browser?.close();
    await cloud?.stop();
    endProcessSoon();
  });

  test('REGISTER with Authorization: Bearer: 200, the cloud lists the binding; REGISTER expires=0 removes it', async () => {
    const from = (await jssip.log()).length;
    await jssip.run('register', await token('jssip'));
    const ok = await jssip.waitFor('registered', {}, { after: from, timeout: WAIT });
    assert.equal(ok.status, 200);
    const reg = await until(async () => (await cloudEvents(cloud, { type: 'register' })).find((e) => e.client === 'jssip'), { timeout: WAIT, what: 'the register event' });
    assert.ok(reg);
    const list = await registered();
    assert.deepEqual(list.clients, ['jssip']);
    assert.match(list.registrations[0].contact, /\.invalid/, JSON.stringify(list.registrations));

    const mark = (await jssip.log()).length;
    await jssip.run('unregister');
    const off = await jssip.waitFor('unregistered', {}, { after: mark, timeout: WAIT });
    assert.equal(off.status, 200, JSON.stringify(off));
    const gone = await until(async () => (await cloudEvents(cloud, { type: 'unregister' })).find((e) => e.client === 'jssip'), { timeout: WAIT, what: 'the unregister event' });
    assert.equal(gone.reason, 'expires=0');
    assert.deepEqual((await registered()).clients, []);
  });

  // The cloud refuses with 401/403 and WWW-Authenticate: Bearer (RFC 8898); JsSIP, with no password
  // configured, does not try Digest and reports the refusal.
  for (const [what, make, status] of [
    ['a forged token', async () => { const t = await token('jssip'); return t.slice(0, -6) + (t.endsWith('AAAAAA') ? 'BBBBBB' : 'AAAAAA'); }, 401],
    ['another client\'s token', () => token('someone-else'), 403],
  ]) {
    test(`REGISTER with ${what}: ${status}, registrationFailed, no binding`, async () => {
      const refusals = (await cloudEvents(cloud, { type: 'register.refused' })).length;
      const from = (await jssip.log()).length;
      await jssip.run('register', await make());
      const failed = await jssip.waitFor('registrationFailed', {}, { after: from, timeout: WAIT });
      assert.equal(failed.status, status, JSON.stringify(failed));
      const refused = (await cloudEvents(cloud, { type: 'register.refused' })).slice(refusals);
      assert.equal(refused.length, 1, JSON.stringify(refused));
      assert.equal(refused[0].client, 'jssip');
      assert.deepEqual((await registered()).clients, []);
    });
  }

  test('INVITE to sip:echo@sip-1-2-0.aculab.com: answered, the microphone tone comes back, BYE ends it (call.end)', async () => {
    const n = await jssip.run('callService', 'echo');
    await jssip.waitFor('confirmed', { call: n }, { timeout: WAIT });
    const level = await jssip.waitLevelIn(n, LEVEL_HEARD);
    assert.ok(level > LEVEL_HEARD);
    await until(async () => (await jssip.run('played', n)) > 0.01, { timeout: WAIT, what: 'the echoed tone playing in JsSIP\'s page' });
    await jssip.run('hangUp', n);
    const ended = await jssip.waitFor('ended', { call: n }, { timeout: WAIT });
    assert.equal(ended.originator, 'local');
    const end = await callEnd(n);
    assert.equal(end.service, 'echo');
    assert.equal(end.by, 'caller');
    assert.equal(end.status, 200);
    assert.ok(end.packetsIn > 0, JSON.stringify(end));
  });

  test('sendDTMF with transportType RFC2833 to ivr: call.dtmf events how rfc4733; # ends the call', async () => {
    const n = await jssip.run('callService', 'ivr');
    await jssip.waitFor('confirmed', { call: n }, { timeout: WAIT });
    // The ivr prompt arriving means DTLS-SRTP is up both ways.
    await jssip.waitLevelIn(n, LEVEL_HEARD, 'above the bound (the ivr prompt)');
    await jssip.run('sendDtmf', n, '159*#');
    const ended = await jssip.waitFor('ended', { call: n }, { timeout: WAIT });
    assert.equal(ended.originator, 'remote', JSON.stringify(ended));
    const end = await callEnd(n);
    assert.equal(end.digits, '159*#');
    assert.equal(end.by, 'cloud');
    const dtmf = await cloudEvents(cloud, { type: 'call.dtmf', call: end.call });
    assert.equal(dtmf.map((e) => e.digit).join(''), '159*#');
    assert.deepEqual([...new Set(dtmf.map((e) => e.how))], ['rfc4733'], JSON.stringify(dtmf));
  });

  test('our package (the dialler) calls JsSIP, which answers: audio both ways, JsSIP hangs up', async () => {
    const from = (await jssip.log()).length;
    await jssip.run('register', await token('jssip'));
    await jssip.waitFor('registered', {}, { after: from, timeout: WAIT });
    await openOurs();
    const out = await ours.dial('jssip', 'client');
    const inc = await jssip.waitFor('incoming', {}, { after: from, timeout: WAIT });
    assert.equal(inc.user, 'ours');
    assert.equal(inc.host, `${cloud.config.accessKey}.webrtc-${CLOUD_ID}.aculabcloud.net`);
    await jssip.run('answer', inc.call);
    await jssip.waitFor('confirmed', { call: inc.call }, { timeout: WAIT });
    await ours.waitState(out, 'connected', WAIT);
    // Audio both ways: each side's inbound level is the other's microphone tone.
    await jssip.waitLevelIn(inc.call, LEVEL_HEARD);
    await ours.waitStat(out, 'level-in', (v) => v > LEVEL_HEARD, `above ${LEVEL_HEARD} (JsSIP's microphone)`, WAIT);
    await jssip.run('hangUp', inc.call);
    assert.equal(await ours.waitCause(out, WAIT), 'NORMAL');
    const ended = await jssip.waitFor('ended', { call: inc.call }, { timeout: WAIT });
    assert.equal(ended.originator, 'local');
    const mark = (await jssip.log()).length;
    await jssip.run('unregister');
    await jssip.waitFor('unregistered', {}, { after: mark, timeout: WAIT });
  });

  test('JsSIP calls our package with Authorization: Bearer (a token with call_client): ours answers, audio both ways, ours hangs up', async () => {
    await openOurs();
    const n = await jssip.run('callClient', 'ours', await token('jssip', { call_client: 'ours' }));
    const inc = await ours.waitIncomingPanel(WAIT);
    const panel = ours.incomingPanel(inc);
    assert.equal(await panel.locator('.caller').textContent(), 'jssip');
    assert.equal(await panel.locator('.caller-type').textContent(), 'client');
    await panel.locator('.answer').click();
    await ours.waitState(inc, 'connected', WAIT);
    await jssip.waitFor('confirmed', { call: n }, { timeout: WAIT });
    await jssip.waitLevelIn(n, LEVEL_HEARD);
    await ours.waitStat(inc, 'level-in', (v) => v > LEVEL_HEARD, `above ${LEVEL_HEARD} (JsSIP's microphone)`, WAIT);
    await ours.hangUp(inc);
    assert.equal(await ours.waitCause(inc, WAIT), 'NORMAL');
    const ended = await jssip.waitFor('ended', { call: n }, { timeout: WAIT });
    assert.equal(ended.originator, 'remote');
  });

  test('JsSIP calls a client without a token: 401, failed; with one that does not cover it: 403', async () => {
    const n = await jssip.run('callClient', 'ours', null);
    assert.equal((await jssip.waitFor('failed', { call: n }, { timeout: WAIT })).status, 401);
    const m = await jssip.run('callClient', 'ours', await token('jssip', { call_client: 'someone-else' }));
    assert.equal((await jssip.waitFor('failed', { call: m }, { timeout: WAIT })).status, 403);
  });
});
