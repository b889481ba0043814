// ICE restart in Chromium: the local cloud blackholes an echo call's media path (STUN too), the page's client restarts ICE by re-INVITE, and the audio comes back.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertBuilt, basicAuth, cloudEvents, Dialler, endProcessSoon, launchBrowser, LEVEL_HEARD, sleep, startCloud, toneFile, until } from './helpers.mjs';

// Issue 19's blackhole: shorter than Chromium's `disconnected` (5.6-7.6 s into a total loss), so
// only the client's own rule restarts ICE in it: nothing heard from the far side for a second,
// then for iceRestart.wait (2 s) more.
const BLACKHOLE_MS = 5000;

test('dist/ is built and Chromium is installed', () => assertBuilt());

/** Applies a fault on the cloud (POST /faults) and returns it as the cloud describes it. */
async function applyFault(cloud, params) {
  const res = await fetch(new URL('faults', cloud.url), {
    method: 'POST',
    headers: { Authorization: basicAuth(cloud), 'Content-Type': 'application/json' },
    body: JSON.stringify(params),
  });
  const body = await res.json();
  assert.equal(res.status, 200, JSON.stringify(body));
  return body.fault;
}

describe('ICE restart (issue 19)', { timeout: 300000 }, () => {
  let cloud;
  let browser;
  let d;
  before(async () => {
    assertBuilt();
    cloud = await startCloud();
    browser = await launchBrowser({ wav: toneFile('ice-restart', { freq: 440, seconds: 2 }) });
    d = await Dialler.open(browser, cloud, { clientId: 'ice-alice' });
    await d.start();
  });
  /** The page's reconnect callbacks, in order (window.reconnects), beside the dialler's own handling. */
  const watchReconnects = (id) => d.page.evaluate(async (pageId) => {
    const { calls } = await import('/state.js');
    const { call } = calls.get(pageId);
    window.reconnects = [];
    for (const name of ['onReconnecting', 'onReconnected']) {
      const shown = call[name];
      call[name] = (obj) => {
        window.reconnects.push(`${name}:${obj.reason}`);
        shown(obj);
      };
    }
  }, id);
  after(async () => {
    await d?.close();
    await browser?.close();
    await cloud?.stop();
    endProcessSoon();
  });

  test('the browser back online: an ICE-restart re-INVITE on a live path, the audio carries on, no onReconnecting', async () => {
    const id = await d.dial('echo');
    await d.waitState(id, 'connected');
    await d.waitStat(id, 'level-in', (v) => v > LEVEL_HEARD, `above ${LEVEL_HEARD}`);
    await watchReconnects(id);
    const restartsBefore = (await cloudEvents(cloud, { type: 'call.ice-restart' })).length;
    await d.page.evaluate(() => {
      window.dispatchEvent(new Event('offline'));
      window.dispatchEvent(new Event('online'));
    });
    await until(async () => (await cloudEvents(cloud, { type: 'call.ice-restart' })).length > restartsBefore,
      { what: 'the cloud to answer an ICE-restart re-INVITE' });
    await d.waitStat(id, 'level-in', (v) => v > LEVEL_HEARD, 'after the restart', 30000);
    assert.equal(await d.page.evaluate(() => window.reconnects.join(',')), '', 'media was never lost');
    assert.equal(await d.callState(id), 'connected');
    await d.hangUp(id);
    await d.waitState(id, 'ended');
  });

  test('navigator.connection: a change of estimates alone restarts nothing; a change of its type restarts ICE', async () => {
    const id = await d.dial('echo');
    await d.waitState(id, 'connected');
    await d.waitStat(id, 'level-in', (v) => v > LEVEL_HEARD, `above ${LEVEL_HEARD}`);
    const restarts = async () => (await cloudEvents(cloud, { type: 'call.ice-restart' })).length;
    const before = await restarts();
    // Chromium fires change for new downlink/rtt estimates with the same type (undefined on Linux).
    assert.ok(await d.page.evaluate(() => !!navigator.connection), 'Chromium has navigator.connection');
    await d.page.evaluate(() => navigator.connection.dispatchEvent(new Event('change')));
    await sleep(3000);
    assert.equal(await restarts(), before, 'no restart for estimates');
    await d.page.evaluate(() => {
      Object.defineProperty(navigator.connection, 'type', { get: () => 'wifi', configurable: true });
      navigator.connection.dispatchEvent(new Event('change'));
    });
    await until(async () => (await restarts()) > before, { what: 'an ICE-restart re-INVITE for the new type' });
    await d.waitStat(id, 'level-in', (v) => v > LEVEL_HEARD, 'after the restart', 30000);
    await d.hangUp(id);
    await d.waitState(id, 'ended');
  });

  test('a 5 s media blackhole on an echo call: an ICE-restart re-INVITE within it, onReconnecting then onReconnected (media), and the audio back', async () => {
    const id = await d.dial('echo');
    await d.waitState(id, 'connected');
    await d.waitStat(id, 'level-in', (v) => v > LEVEL_HEARD, `above ${LEVEL_HEARD}`);
    await watchReconnects(id);
    const restartsBefore = (await cloudEvents(cloud, { type: 'call.ice-restart' })).length;

    // layer udp: every datagram of the call's ICE sockets, STUN included, so the pair dies. The
    // page hears nothing from the far side (its getStats each second), and restarts 2 s later.
    const fault = await applyFault(cloud, { fault: 'blackhole', client: 'ice-alice', ms: BLACKHOLE_MS, layer: 'udp' });
    await until(async () => (await cloudEvents(cloud, { type: 'fault' })).some((e) => e.type === 'fault.cleared' && e.fault === fault.id),
      { interval: 50, what: 'the blackhole to end' });
    const ended = Date.now();
    await until(() => d.page.evaluate(() => window.reconnects.join(',') === 'onReconnecting:media,onReconnected:media'),
      { what: 'onReconnecting then onReconnected, reason media' });
    const restarts = await cloudEvents(cloud, { type: 'call.ice-restart' });
    assert.ok(restarts.length > restartsBefore, 'the cloud answered an ICE-restart re-INVITE');
    const cleared = (await cloudEvents(cloud, { type: 'fault' })).find((e) => e.type === 'fault.cleared' && e.fault === fault.id);
    const restart = restarts[restartsBefore];
    assert.ok(restart.seq < cleared.seq, `the restart came within the blackhole (${restart.t - cleared.t} ms from its end)`);
    console.log(`# ICE restart answered ${BLACKHOLE_MS - (cleared.t - restart.t)} ms into the ${BLACKHOLE_MS} ms blackhole`);
    assert.equal(await d.callState(id), 'connected');

    // The page hears the echo again: the cloud's werift agent, restarted by the re-INVITE's offer,
    // nominates the new pair and sends on it (cloud/werift-fixes.mjs startRestartedIce; without
    // it the echo's packetsOut grew but nothing left the agent). The bound is generous (a loaded
    // machine); about 2 s is usual.
    await d.waitStat(id, 'level-in', (v) => v > LEVEL_HEARD, 'the audio back after the blackhole', 15000);
    console.log(`# audio back ${Date.now() - ended} ms after the end of the blackhole`);
    assert.equal(await d.callState(id), 'connected');
    await d.hangUp(id);
    await d.waitState(id, 'ended');
  });
});
