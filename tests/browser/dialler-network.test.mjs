// The dialler's network panel (the local cloud's /faults during a call) and its guard on cloud URLs from other origins.
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { assertBuilt, cloudEvents, Dialler, endProcessSoon, launchBrowser, LEVEL_HEARD, sleep, startCloud, toneFile, until } from './helpers.mjs';

test('dist/ is built and Chromium is installed', () => assertBuilt());

/** The fault events (fault.applied, fault.cleared, ...) of kind `kind` since the cloud started. */
async function faultEvents(cloud, type, test = () => true) {
  return (await cloudEvents(cloud, { type: 'fault' })).filter((e) => e.type === type && test(e));
}

describe('dialler network panel', { timeout: 600000 }, () => {
  let cloud;
  let browser;
  let d;
  before(async () => {
    assertBuilt();
    cloud = await startCloud();
    browser = await launchBrowser({ wav: toneFile('network', { freq: 440, seconds: 2 }) });
    d = await Dialler.open(browser, cloud, { clientId: 'net-alice' });
    await d.start();
  });
  afterEach(() => d?.hangUpAll());
  after(async () => {
    await d?.close();
    await browser?.close();
    // endProcessSoon() only after the last suite, below: it would cut the next one short.
    await cloud?.stop();
  });

  test('loss applied and cleared from the panel during an echo call: /events names this client', async () => {
    const id = await d.dial('echo');
    await d.waitState(id, 'connected');
    await d.waitStat(id, 'level-in', (v) => v > LEVEL_HEARD, `above ${LEVEL_HEARD}`);
    await d.page.fill('#net-loss', '20');
    await d.page.click('#net-apply');
    const [applied] = await until(() => faultEvents(cloud, 'fault.applied', (e) => e.kind === 'loss').then((l) => l.length && l),
      { what: 'fault.applied for loss' });
    assert.equal(applied.client, 'net-alice');
    assert.equal(applied.percent, 20);
    await until(() => d.page.locator(`#net-faults li[data-fault="${applied.fault}"]`).count(), { what: 'the fault listed in the panel' });
    await d.page.click('#net-clear');
    const [cleared] = await until(() => faultEvents(cloud, 'fault.cleared', (e) => e.fault === applied.fault).then((l) => l.length && l),
      { what: 'fault.cleared for the loss' });
    assert.equal(cleared.reason, 'cleared');
    await until(async () => (await d.page.locator('#net-faults li').count()) === 0, { what: 'the panel lists no fault' });
    assert.equal(await d.callState(id), 'connected');
    assert.deepEqual(d.problems, []);
  });

  test('a media blackhole for 5 s: the card\u2019s level in drops, then comes back', async () => {
    const id = await d.dial('echo');
    await d.waitState(id, 'connected');
    await d.waitStat(id, 'level-in', (v) => v > LEVEL_HEARD, `above ${LEVEL_HEARD}`);
    await d.page.click('#net-blips button[data-fault="blackhole"]');
    const [applied] = await until(() => faultEvents(cloud, 'fault.applied', (e) => e.kind === 'blackhole').then((l) => l.length && l),
      { what: 'fault.applied for the blackhole' });
    assert.equal(applied.client, 'net-alice');
    assert.equal(applied.ms, 5000);
    await d.waitStat(id, 'level-in', (v) => v < LEVEL_HEARD / 4, 'near silence in the blackhole', 20000);
    await until(() => faultEvents(cloud, 'fault.cleared', (e) => e.fault === applied.fault && e.reason === 'expired').then((l) => l.length),
      { what: 'the blackhole to expire' });
    await d.waitStat(id, 'level-in', (v) => v > LEVEL_HEARD, 'back after the blackhole', 30000);
    assert.equal(await d.callState(id), 'connected');
  });

  test('a media fault on the current call names its SIP Call-ID; cut signalling names this client', async () => {
    const id = await d.dial('echo');
    await d.waitState(id, 'connected');
    await d.page.selectOption('#net-scope', 'call');
    await d.page.fill('#net-loss', '0');
    await d.page.fill('#net-delay', '200');
    await d.page.click('#net-apply');
    const [delay] = await until(() => faultEvents(cloud, 'fault.applied', (e) => e.kind === 'delay').then((l) => l.length && l),
      { what: 'fault.applied for the delay' });
    const [start] = (await cloudEvents(cloud, { type: 'call.start' })).filter((e) => e.service === 'echo').slice(-1);
    assert.equal(delay.client, undefined);
    assert.equal(delay.call, start.sipCallId, 'the echo call\u2019s SIP Call-ID');
    await until(() => d.page.locator(`#net-faults li[data-fault="${delay.fault}"]`).count(), { what: 'the delay listed' });
    await d.page.click('#net-clear');
    await until(() => faultEvents(cloud, 'fault.cleared', (e) => e.fault === delay.fault).then((l) => l.length), { what: 'the delay cleared' });
    await d.page.selectOption('#net-scope', 'client');

    await d.page.click('#net-blips button[data-fault="close"]');
    const [close] = await until(() => faultEvents(cloud, 'fault.applied', (e) => e.kind === 'close').then((l) => l.length && l),
      { what: 'fault.applied for close' });
    assert.equal(close.client, 'net-alice');
    assert.equal(close.ms, 3000);
    assert.ok(close.connections.length >= 1, 'the page\u2019s socket was cut');
    // The next test dials again: not while this client's reconnects are refused.
    await until(() => faultEvents(cloud, 'fault.cleared', (e) => e.fault === close.fault).then((l) => l.length),
      { what: 'the close fault to expire' });
  });

  test('signalling cut for 3 s in Chromium: the echo call stays up with its audio, the card shows reconnecting then reconnected, and the later hang-up ends it NORMAL on the cloud', async () => {
    const id = await d.dial('echo');
    await d.waitState(id, 'connected');
    await d.waitStat(id, 'level-in', (v) => v > LEVEL_HEARD, `above ${LEVEL_HEARD}`);
    const [start] = (await cloudEvents(cloud, { type: 'call.start' })).filter((e) => e.service === 'echo').slice(-1);
    await d.page.click('#net-blips button[data-fault="close"]');
    await until(async () => (await d.card(id).getAttribute('data-reconnect')) === 'reconnecting', { what: 'the card reconnecting' });
    assert.match(await d.card(id).locator('.call-net').textContent(), /Reconnecting.*signalling/);
    // The media does not use the socket: the echo is heard while reconnects are refused.
    await d.waitStat(id, 'level-in', (v) => v > LEVEL_HEARD, 'the echo heard during the outage');
    await until(async () => (await d.card(id).getAttribute('data-reconnect')) === 'reconnected', { what: 'the card reconnected', timeout: 30000 });
    assert.match(await d.card(id).locator('.call-net').textContent(), /Reconnected/);
    assert.equal(await d.callState(id), 'connected');
    await d.hangUp(id);
    const end = await until(() => cloudEvents(cloud, { type: 'call.end' })
      .then((l) => l.find((e) => e.sipCallId === start.sipCallId)), { what: 'the cloud ending the echo call' });
    assert.equal(end.cause, 'NORMAL', JSON.stringify(end));
    assert.match(end.reason, /BYE/);
    assert.deepEqual(d.problems, []);
  });

  test('a refusal from /faults reaches the banner and the log as text', async () => {
    const bad = await Dialler.open(browser, cloud, { clientId: 'net-bad', query: { apiKey: 'wrong-key' } });
    try {
      await bad.start();
      await bad.page.click('#net-blips button[data-fault="blackhole"]');
      const text = await until(() => bad.page.locator('#page-error').textContent().then((t) => /Network panel/.test(t) && t),
        { what: 'the error banner' });
      assert.match(text, /401/);
      assert.equal(await bad.page.locator('#page-error *').count(), 0, 'the banner holds text only');
      assert.ok(await bad.page.locator('#log li[data-level="1"]', { hasText: 'Network panel' }).count() >= 1, 'the log has it too');
    } finally {
      await bad.close();
    }
  });
});

describe('dialler cloud URL from the query string (issue 17)', { timeout: 300000 }, () => {
  let cloud;
  let browser;
  let other;
  let otherConnections = 0;
  before(async () => {
    assertBuilt();
    cloud = await startCloud();
    browser = await launchBrowser({ wav: toneFile('network-url') });
    // Another server on another port: a foreign origin. It counts whatever connects and answers nothing.
    other = createServer((req, res) => res.destroy());
    other.on('connection', () => otherConnections++);
    other.on('upgrade', (req, socket) => socket.destroy());
    await new Promise((r) => other.listen(0, '127.0.0.1', r));
  });
  after(async () => {
    await browser?.close();
    other?.close();
    await cloud?.stop();
    endProcessSoon();
  });

  test('settings from the query string are not stored; a same-origin URL needs no confirmation', async () => {
    const url = `ws://${new URL(cloud.url).host}/sipproxy`;
    const d = await Dialler.open(browser, cloud, { clientId: 'qs-bob', query: { url } });
    try {
      await d.start();
      assert.equal(await d.page.isVisible('#url-confirm'), false);
      const stored = JSON.parse(await d.page.evaluate(() => localStorage.getItem('acw-dialler-settings') || '{}'));
      assert.equal('url' in stored, false, `url not stored (${JSON.stringify(stored)})`);
      assert.equal('clientId' in stored, false, 'clientId not stored');
      await d.enableIncoming();
    } finally {
      await d.close();
    }
  });

  test('a cloud URL of another origin is not used until the person confirms it', async () => {
    const foreign = `ws://127.0.0.1:${other.address().port}/sipproxy`;
    const d = await Dialler.open(browser, cloud, { clientId: 'qs-carol', query: { url: foreign } });
    const sockets = [];
    const tokens = [];
    d.page.on('websocket', (ws) => sockets.push(ws.url()));
    d.page.on('request', (r) => /webrtc_generate_token/.test(r.url()) && tokens.push(r.url()));
    try {
      await d.page.click('#start-button');
      await until(() => d.page.isVisible('#url-confirm'), { what: 'the confirmation' });
      assert.match(await d.page.locator('#url-confirm-url').textContent(), new RegExp(`127\\.0\\.0\\.1:${other.address().port}`));
      assert.equal(await d.body('client'), 'stopped');
      assert.equal(await d.page.isDisabled('#enable-button'), true);
      assert.equal(await d.page.isDisabled('#call-button'), true);
      await sleep(2000); // nothing may happen meanwhile: give it the chance to
      assert.equal(otherConnections, 0, 'no connection to the foreign server');
      assert.deepEqual(sockets, []);
      assert.deepEqual(tokens, []);

      await d.page.click('#url-confirm-yes');
      await until(() => d.body('client').then((s) => s === 'running'), { what: 'the client to start once confirmed' });
      await d.page.click('#enable-button');
      await until(() => otherConnections > 0, { what: 'the confirmed server to be used' });
      assert.ok(tokens.length >= 1);
    } finally {
      await d.close();
    }
  });
});
