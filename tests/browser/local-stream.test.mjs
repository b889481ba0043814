// The page's own stream in Chromium (its fake microphone) against the local cloud's echo: localStream is cloned as interface.md says (onLocalMedia gives the clone; mute and the end of the call never disable or stop the page's tracks), muteLocalStream and muteRemoteStream act on one stream each, onLocalMediaRemove is a callback the call knows.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assertBuilt, endProcessSoon, launchBrowser, startCloud, toneFile, until } from './helpers.mjs';

test('dist/ is built and Chromium is installed', () => assertBuilt());

describe('localStream, muteLocalStream, muteRemoteStream in Chromium', { timeout: 300000 }, () => {
  let cloud;
  let browser;
  let page;
  before(async () => {
    assertBuilt();
    cloud = await startCloud();
    browser = await launchBrowser({ wav: toneFile('local-stream', { freq: 440, seconds: 2 }) });
    const context = await browser.newContext();
    // A document the cloud serves (Chromium blocks a routed page's socket to a local address).
    const url = new URL('js/index.js', cloud.url).href;
    page = await context.newPage();
    if (process.env.ACW_TEST_LOG) page.on('console', (m) => console.log('page:', m.text()));
    await page.goto(url);
  });
  after(async () => {
    await browser?.close();
    await cloud?.stop();
    endProcessSoon();
  });

  test('the call sends a clone; muting it leaves the page\'s tracks alone; per-stream mutes; the page\'s tracks live on after the call', async () => {
    if (process.env.ACW_TEST_LOG) await page.evaluate(() => { window.__log = 4; });
    await page.evaluate(async ([cloudId, accessKey]) => {
      const { AculabCloudClient } = await import('/js/index.js');
      const mine = await navigator.mediaDevices.getUserMedia({ audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false } });
      const client = new AculabCloudClient(cloudId, accessKey, 'page', window.__log ?? 0, { url: `ws://${location.host}/sipproxy` });
      const call = client.callService('echo', { localStream: mine });
      const t = (window.__t = { mine, call, events: [] });
      call.onLocalMedia = ({ stream }) => { t.local = stream; t.events.push('onLocalMedia'); };
      call.onMedia = ({ stream }) => { t.remote = stream; t.events.push('onMedia'); };
      call.onConnected = () => t.events.push('onConnected');
      call.onDisconnect = ({ cause }) => t.events.push(`onDisconnect ${cause}`);
      t.state = () => ({
        mine: t.mine.getTracks().map((x) => [x.enabled, x.readyState]),
        local: t.local ? t.local.getTracks().map((x) => [x.enabled, x.readyState]) : null,
        remote: t.remote ? t.remote.getTracks().map((x) => x.enabled) : null,
        sameStream: t.local === t.mine,
        sameTrack: !!t.local && t.local.getTracks()[0] === t.mine.getTracks()[0],
      });
    }, [cloud.config.cloudId, cloud.config.accessKey]);
    const state = () => page.evaluate(() => window.__t.state());
    await until(() => page.evaluate(() => window.__t.events.includes('onMedia') && window.__t.events.includes('onConnected')), { what: 'the echo call connected with media' });

    let s = await state();
    assert.equal(s.sameStream, false, 'onLocalMedia gives a clone, not the page\'s stream');
    assert.equal(s.sameTrack, false);
    assert.deepEqual(s.local, [[true, 'live']]);

    await page.evaluate(() => window.__t.call.mute(true, true));
    s = await state();
    assert.deepEqual(s.local, [[false, 'live']], 'mute(true, ...) disables the clone');
    assert.deepEqual(s.mine, [[true, 'live']], 'and never the page\'s own track');
    assert.deepEqual(s.remote, [false]);

    await page.evaluate(() => window.__t.call.muteLocalStream(window.__t.local, false));
    s = await state();
    assert.deepEqual(s.local, [[true, 'live']], 'muteLocalStream(stream, false) sends again');
    assert.deepEqual(s.remote, [false], 'and leaves what is received alone');

    await page.evaluate(() => window.__t.call.muteRemoteStream(window.__t.remote, false));
    assert.deepEqual((await state()).remote, [true], 'muteRemoteStream(stream, false) plays again');
    await page.evaluate(() => window.__t.call.muteRemoteStream(window.__t.remote, true));
    s = await state();
    assert.deepEqual(s.remote, [false]);
    assert.deepEqual(s.local, [[true, 'live']], 'and leaves what is sent alone');

    // The page's own stream names the call's clone of it (as 4.0.8 maps a stream to its clone):
    // the clone is muted, never the page's track; a stream the call does not send changes nothing.
    await page.evaluate(() => window.__t.call.muteLocalStream(window.__t.mine, true));
    s = await state();
    assert.deepEqual(s.mine, [[true, 'live']]);
    assert.deepEqual(s.local, [[false, 'live']]);
    await page.evaluate(async () => window.__t.call.muteLocalStream(await navigator.mediaDevices.getUserMedia({ audio: true }), false));
    assert.deepEqual((await state()).local, [[false, 'live']]);
    await page.evaluate(() => window.__t.call.muteLocalStream(window.__t.local, false));

    assert.equal(await page.evaluate(() => window.__t.call.onLocalMediaRemove), null, 'onLocalMediaRemove is a known callback');

    await page.evaluate(() => window.__t.call.disconnect());
    await until(() => page.evaluate(() => window.__t.events.some((e) => e.startsWith('onDisconnect'))), { what: 'onDisconnect' });
    s = await state();
    assert.deepEqual(s.local, [[true, 'ended']], 'the clone is stopped with the call');
    assert.deepEqual(s.mine, [[true, 'live']], 'the page\'s own track lives on');
  });
});
