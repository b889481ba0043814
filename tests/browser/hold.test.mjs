// Hold in Chromium against the local cloud (issue 15): call.hold() and unhold() on an echo call
// (the cloud's echo pauses while held: no packets arrive, then the tone is heard again), and a
// client holding a client and the other way round (the other hears onRemoteHold).
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertBuilt, cloudEvents, Dialler, endProcessSoon, launchBrowser, LEVEL_HEARD, sleep, startCloud, toneFile, until } from './helpers.mjs';

test('dist/ is built and Chromium is installed', () => assertBuilt());

/** Watches the page's call `id`: its hold callbacks in window.holds, in order. */
const watchHolds = (d, id) => d.page.evaluate(async (pageId) => {
  const { calls } = await import('/state.js');
  const { call } = calls.get(pageId);
  window.holds = [];
  for (const name of ['onHold', 'onRemoteHold']) {
    const shown = call[name];
    call[name] = (obj) => {
      window.holds.push(`${name}:${obj.held}`);
      if (shown) shown(obj);
    };
  }
}, id);

/** Calls a method of the page's call `id` (hold, unhold). */
const callMethod = (d, id, method) => d.page.evaluate(async ([pageId, m]) => {
  const { calls } = await import('/state.js');
  calls.get(pageId).call[m]();
}, [id, method]);

/** RTP packets the page's call `id` has received so far (inbound-rtp, audio). */
const packetsIn = (d, id) => d.page.evaluate(async (pageId) => {
  const { calls } = await import('/state.js');
  const report = await calls.get(pageId).call.getStats();
  let n = 0;
  report.forEach((s) => {
    if (s.type === 'inbound-rtp' && s.kind === 'audio') n += s.packetsReceived;
  });
  return n;
}, id);

const holds = (d) => d.page.evaluate(() => window.holds);

describe('hold and unhold (issue 15)', { timeout: 300000 }, () => {
  let cloud;
  let browser;
  let alice;
  let bob;
  before(async () => {
    assertBuilt();
    cloud = await startCloud();
    browser = await launchBrowser({ wav: toneFile('hold', { freq: 440, seconds: 2 }) });
    alice = await Dialler.open(browser, cloud, { clientId: 'hold-alice' });
    await alice.start();
  });
  after(async () => {
    await alice?.close();
    await bob?.close();
    await browser?.close();
    await cloud?.stop();
    endProcessSoon();
  });

  test('an echo call held: the re-INVITE holds, the echo pauses; unheld, the tone comes back', async () => {
    const id = await alice.dial('echo');
    await alice.waitState(id, 'connected');
    await alice.waitStat(id, 'level-in', (v) => v > LEVEL_HEARD, `above ${LEVEL_HEARD}`);
    await watchHolds(alice, id);

    // The dialler's Hold button: the card says so once onHold has.
    await alice.card(id).locator('.hold').click();
    await until(async () => (await holds(alice)).includes('onHold:true'), { what: 'onHold({held: true})' });
    await until(async () => (await alice.card(id).getAttribute('data-hold')) === 'held', { what: 'the card on hold' });
    assert.equal(await alice.card(id).locator('.hold').textContent(), 'Resume');
    await alice.screenshot('dialler-hold');
    await until(async () => (await cloudEvents(cloud, { type: 'call.held' })).length === 1, { what: 'the cloud\'s call.held' });
    // Nothing arrives while held (a packet or two in flight at the moment of the hold aside).
    await sleep(1000);
    const heldAt = await packetsIn(alice, id);
    await sleep(2000);
    assert.ok(await packetsIn(alice, id) - heldAt <= 2, 'no audio while held');

    await alice.card(id).locator('.hold').click();
    await until(async () => (await holds(alice)).includes('onHold:false'), { what: 'onHold({held: false})' });
    await until(async () => (await cloudEvents(cloud, { type: 'call.unheld' })).length === 1, { what: 'the cloud\'s call.unheld' });
    const backAt = await packetsIn(alice, id);
    await until(async () => await packetsIn(alice, id) > backAt + 50, { what: 'packets again after unhold' });
    await alice.waitStat(id, 'level-in', (v) => v > LEVEL_HEARD, `above ${LEVEL_HEARD} after unhold`);
    assert.deepEqual(await holds(alice), ['onHold:true', 'onHold:false']);
    assert.equal(await alice.callState(id), 'connected');
    await alice.hangUp(id);
    await alice.waitState(id, 'ended');
  });

  test('hold() while the call rings throws the documented string', async () => {
    const id = await alice.dial('ring'); // rings 3 s, then answers
    await alice.waitState(id, 'ringing');
    const thrown = await alice.page.evaluate(async (pageId) => {
      const { calls } = await import('/state.js');
      try {
        calls.get(pageId).call.hold();
      } catch (e) {
        return e;
      }
      return 'nothing thrown';
    }, id);
    assert.equal(thrown, 'Not connected error');
    await alice.waitState(id, 'connected');
    await alice.hangUp(id);
    await alice.waitState(id, 'ended');
  });

  test('client to client: alice holds bob (bob hears onRemoteHold), then bob holds alice; audio both ways back after each unhold', async () => {
    bob = await Dialler.open(browser, cloud, { clientId: 'hold-bob' });
    await bob.start();
    await bob.enableIncoming();
    const id = await alice.dial('hold-bob', 'client');
    const offered = await bob.waitIncomingPanel();
    await bob.incomingPanel(offered).locator('.answer').click();
    await alice.waitState(id, 'connected');
    const bobId = (await bob.cardIds())[0];
    await bob.waitState(bobId, 'connected');
    await bob.waitStat(bobId, 'level-in', (v) => v > LEVEL_HEARD, `above ${LEVEL_HEARD}`);
    await watchHolds(alice, id);
    await watchHolds(bob, bobId);

    await callMethod(alice, id, 'hold');
    await until(async () => (await holds(bob)).includes('onRemoteHold:true'), { what: 'bob\'s onRemoteHold({held: true})' });
    await until(async () => (await bob.card(bobId).getAttribute('data-hold')) === 'remote', { what: 'bob\'s card held by alice' });
    await until(async () => (await holds(alice)).includes('onHold:true'), { what: 'alice\'s onHold({held: true})' });
    await sleep(1000);
    const bobHeldAt = await packetsIn(bob, bobId);
    const aliceHeldAt = await packetsIn(alice, id);
    await sleep(2000);
    assert.ok(await packetsIn(bob, bobId) - bobHeldAt <= 2, 'bob hears nothing while held');
    assert.ok(await packetsIn(alice, id) - aliceHeldAt <= 2, 'alice hears nothing while holding');

    await callMethod(alice, id, 'unhold');
    await until(async () => (await holds(bob)).includes('onRemoteHold:false'), { what: 'bob\'s onRemoteHold({held: false})' });
    const bobBack = await packetsIn(bob, bobId);
    const aliceBack = await packetsIn(alice, id);
    await until(async () => await packetsIn(bob, bobId) > bobBack + 50 && await packetsIn(alice, id) > aliceBack + 50, { what: 'audio both ways again' });
    assert.deepEqual(await holds(bob), ['onRemoteHold:true', 'onRemoteHold:false']);

    // The other way: bob (the callee) holds alice.
    await bob.card(bobId).locator('.hold').click();
    await until(async () => (await holds(alice)).includes('onRemoteHold:true'), { what: 'alice\'s onRemoteHold({held: true})' });
    await until(async () => (await holds(bob)).includes('onHold:true'), { what: 'bob\'s onHold({held: true})' });
    await sleep(1000);
    const aliceHeld2 = await packetsIn(alice, id);
    await sleep(2000);
    assert.ok(await packetsIn(alice, id) - aliceHeld2 <= 2, 'alice hears nothing while bob holds');
    await bob.card(bobId).locator('.hold').click();
    await until(async () => (await holds(alice)).includes('onRemoteHold:false'), { what: 'alice\'s onRemoteHold({held: false})' });
    const aliceBack2 = await packetsIn(alice, id);
    await until(async () => await packetsIn(alice, id) > aliceBack2 + 50, { what: 'alice hears bob again' });
    assert.deepEqual(await holds(alice), ['onHold:true', 'onHold:false', 'onRemoteHold:true', 'onRemoteHold:false']);
    await alice.hangUp(id);
    await bob.waitState(bobId, 'ended');
  });
});
