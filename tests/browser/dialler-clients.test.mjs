// Two dialler pages as two clients: calls both ways, a video call, reject causes, a call from the cloud's API, and a dropped socket.
import { after, afterEach, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertBuilt, cloudCalls, cloudEvents, Dialler, endProcessSoon, launchBrowser, LEVEL_HEARD, startCloud, toneFile, until } from './helpers.mjs';

// Fails, saying what is missing, where dist/ or Chromium is absent (the suite below then fails too).
test('dist/ is built and Chromium is installed', () => assertBuilt());

describe('dialler to dialler', { timeout: 600000 }, () => {
  let cloud;
  let browser;
  let alice;
  let bob;
  before(async () => {
    assertBuilt();
    cloud = await startCloud();
    browser = await launchBrowser({ wav: toneFile('clients', { freq: 440, seconds: 2 }) });
    alice = await Dialler.open(browser, cloud, { clientId: 'alice' });
    bob = await Dialler.open(browser, cloud, { clientId: 'bob' });
    for (const d of [alice, bob]) {
      await d.start();
      await d.enableIncoming();
    }
  });
  afterEach(async () => {
    await alice?.hangUpAll();
    await bob?.hangUpAll();
  });
  after(async () => {
    await alice?.close();
    await bob?.close();
    await browser?.close();
    await cloud?.stop();
    endProcessSoon();
  });

  /** caller dials callee; returns [caller's call id, callee's call id] once the panel shows. */
  async function ring(caller, callee, calleeName) {
    const out = await caller.dial(calleeName, 'client');
    const inc = await callee.waitIncomingPanel();
    return [out, inc];
  }

  async function answer(callee, inc) {
    await callee.incomingPanel(inc).locator('.answer').click();
  }

  test('alice calls bob: incoming panel, answer, audio both ways, bob hangs up: NORMAL on both', async () => {
    const [out, inc] = await ring(alice, bob, 'bob');
    const panel = bob.incomingPanel(inc);
    assert.equal(await panel.locator('.caller').textContent(), 'alice');
    assert.equal(await panel.locator('.caller-type').textContent(), 'client');
    assert.equal(await bob.body('ringtone'), 'on');
    await alice.waitState(out, 'ringing');
    assert.equal(await alice.body('ringback'), 'on');
    await bob.screenshot('incoming');

    await answer(bob, inc);
    await bob.waitState(inc, 'connected');
    await alice.waitState(out, 'connected');
    assert.equal(await bob.body('ringtone'), 'off');
    assert.equal(await alice.body('ringback'), 'off');
    await alice.waitStat(out, 'level-in', (v) => v > LEVEL_HEARD, 'above the bound (bob\'s tone)');
    await bob.waitStat(inc, 'level-in', (v) => v > LEVEL_HEARD, 'above the bound (alice\'s tone)');

    await bob.hangUp(inc);
    assert.equal(await bob.waitCause(inc), 'NORMAL');
    assert.equal(await alice.waitCause(out), 'NORMAL');
  });

  test('bob calls alice, alice hangs up: NORMAL on both', async () => {
    const [out, inc] = await ring(bob, alice, 'alice');
    assert.equal(await alice.incomingPanel(inc).locator('.caller').textContent(), 'bob');
    await answer(alice, inc);
    await alice.waitState(inc, 'connected');
    await bob.waitState(out, 'connected');
    await bob.waitStat(out, 'level-in', (v) => v > LEVEL_HEARD, 'above the bound');
    await alice.hangUp(inc);
    assert.equal(await alice.waitCause(inc), 'NORMAL');
    assert.equal(await bob.waitCause(out), 'NORMAL');
  });

  /** The card's remote (or local) <video>: its picture's size and brightest luma (a 64x48 copy). */
  function shown(d, id, which = 'remote') {
    return d.card(id).locator(`.${which}-video`).evaluate((v) => {
      if (v.hidden || !v.videoWidth) return { width: 0, max: -1 };
      const c = document.createElement('canvas');
      c.width = 64;
      c.height = 48;
      const g = c.getContext('2d', { willReadFrequently: true });
      g.drawImage(v, 0, 0, 64, 48);
      const px = g.getImageData(0, 0, 64, 48).data;
      let max = 0;
      for (let i = 0; i < px.length; i += 4) max = Math.max(max, 0.299 * px[i] + 0.587 * px[i + 1] + 0.114 * px[i + 2]);
      return { width: v.videoWidth, max };
    }, null, { timeout: 2000 });
  }

  test('with Video on both sides: each card shows the far camera and its own, and Camera off sends black', async () => {
    for (const d of [alice, bob]) await d.page.check('#video');
    try {
      const [out, inc] = await ring(alice, bob, 'bob');
      await answer(bob, inc);
      await alice.waitState(out, 'connected');
      await bob.waitState(inc, 'connected');
      for (const [d, id, who] of [[alice, out, 'alice'], [bob, inc, 'bob']]) {
        for (const which of ['remote', 'local']) {
          await until(async () => {
            const p = await shown(d, id, which);
            return p.width > 0 && p.max > 60;
          }, { timeout: 60000, what: `${who}'s ${which} video showing` });
        }
        assert.equal(await d.card(id).getAttribute('data-video'), 'both');
        assert.equal(await d.card(id).getAttribute('data-remote-video'), 'live', `${who}: onRemoteVideoUnmute`);
      }
      await alice.screenshot('video-call');

      const camera = alice.card(out).locator('.mute-camera');
      assert.equal(await camera.textContent(), 'Camera off');
      await camera.click();
      assert.equal(await camera.getAttribute('aria-pressed'), 'true');
      await until(async () => (await shown(bob, inc)).max < 30, { timeout: 60000, what: 'bob seeing black frames' });
      assert.ok((await shown(alice, out, 'local')).max < 30, 'alice\'s own view shows the camera off');
      await camera.click();
      await until(async () => (await shown(bob, inc)).max > 60, { timeout: 60000, what: 'bob seeing alice\'s camera again' });

      await alice.hangUp(out);
      assert.equal(await bob.waitCause(inc), 'NORMAL');
    } finally {
      for (const d of [alice, bob]) await d.page.uncheck('#video');
    }
  });

  test('without Video (the default) a call to a client shows no video and no Camera button', async () => {
    const [out, inc] = await ring(alice, bob, 'bob');
    await answer(bob, inc);
    await alice.waitState(out, 'connected');
    await alice.waitStat(out, 'level-in', (v) => v > LEVEL_HEARD, 'above the bound (bob\'s tone)');
    assert.equal(await alice.card(out).locator('.videos').isHidden(), true);
    assert.equal(await alice.card(out).locator('.mute-camera').isHidden(), true);
    assert.equal(await alice.card(out).getAttribute('data-video'), 'none');
    await alice.hangUp(out);
    assert.equal(await bob.waitCause(inc), 'NORMAL');
  });

  // The status bob rejects with, and the cause alice sees (PROTOCOL.md "Calls").
  for (const [status, cause] of [[606, 'REJECTED'], [486, 'BUSY'], [480, 'UNOBTAINABLE'], [500, 'FAILED']]) {
    test(`bob rejects with ${status}: alice sees ${cause}`, async () => {
      const [out, inc] = await ring(alice, bob, 'bob');
      await bob.incomingPanel(inc).locator('.reject-cause').selectOption(String(status));
      await bob.incomingPanel(inc).locator('.reject').click();
      assert.equal(await alice.waitCause(out), cause);
      await until(async () => (await bob.incomingPanel(inc).count()) === 0, { what: 'the incoming panel to go' });
      assert.equal(await bob.body('ringtone'), 'off');
    });
  }

  test('alice gives up while bob rings: NOANSWER for alice, the panel goes from bob', async () => {
    const [out, inc] = await ring(alice, bob, 'bob');
    await alice.waitState(out, 'ringing');
    await alice.hangUp(out);
    assert.equal(await alice.waitCause(out), 'NOANSWER');
    await until(async () => (await bob.incomingPanel(inc).count()) === 0, { what: 'bob\'s incoming panel to go' });
    assert.equal(await bob.body('ringtone'), 'off');
  });

  test('the cloud calls bob through its API: a "service" call with the caller id, answered, echoed', async () => {
    const r = await cloudCalls(cloud, { destination: 'webrtc:bob', call_from: '441234567890', action: 'echo' });
    assert.equal(r.state, 'calling');
    const inc = await bob.waitIncomingPanel();
    const panel = bob.incomingPanel(inc);
    assert.equal(await panel.locator('.caller').textContent(), '441234567890');
    assert.equal(await panel.locator('.caller-type').textContent(), 'service');
    await answer(bob, inc);
    await bob.waitState(inc, 'connected');
    await bob.waitStat(inc, 'level-in', (v) => v > LEVEL_HEARD, 'above the bound (the echo)');
    await bob.hangUp(inc);
    assert.equal(await bob.waitCause(inc), 'NORMAL');
    const end = await until(async () => (await cloudEvents(cloud, { call: r.call, type: 'call.end' })).at(-1), { what: 'the cloud call\'s end event' });
    assert.equal(end.by, 'callee');
  });

  test('dropping the cloud\'s sockets shows DISCONNECTED, then both recover and can call again', async () => {
    const connections = [...cloud.transport.connections.values()];
    assert.ok(connections.length >= 2, 'both pages are connected');
    for (const c of connections) c.ws.terminate();
    for (const d of [alice, bob]) {
      await until(() => d.page.locator('#reg-history li[data-cause="DISCONNECTED"]').count(), { what: 'DISCONNECTED in the registration history' });
      const retry = await d.page.locator('#reg-history li[data-cause="DISCONNECTED"]').first().getAttribute('data-retry');
      assert.equal(retry, 'true');
    }
    await alice.waitIncoming('ready', 60000);
    await bob.waitIncoming('ready', 60000);
    const [out, inc] = await ring(alice, bob, 'bob');
    await answer(bob, inc);
    await alice.waitState(out, 'connected');
    await alice.hangUp(out);
    assert.equal(await alice.waitCause(out), 'NORMAL');
    assert.equal(await bob.waitCause(inc), 'NORMAL');
  });
});
