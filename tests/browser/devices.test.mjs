// A live call's devices in Chromium against the local cloud's echo: setMicrophone switches the
// sent track with no renegotiation (replaceTrack), playRemoteStream plays in the page's element
// through setSinkId, devicechange reaches client.onDeviceChange.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { LEVEL_HEARD, assertBuilt, endProcessSoon, launchBrowser, sleep, startCloud, toneFile, until } from './helpers.mjs';
import { openClient } from './devices-page.mjs';

test('dist/ is built and Chromium is installed', () => assertBuilt());

// The mean inbound audio level over a stretch of the call, from totalAudioEnergy (as audioLevel).
async function inboundLevel(page) {
  return page.evaluate(async () => {
    const sample = async () => {
      const s = [...(await window.__t.call.getStats()).values()].find((x) => x.type === 'inbound-rtp' && x.kind === 'audio');
      return s ? [s.totalAudioEnergy || 0, s.totalSamplesDuration || 0] : [0, 0];
    };
    const [e0, d0] = await sample();
    await new Promise((r) => setTimeout(r, 1000));
    const [e1, d1] = await sample();
    return d1 > d0 ? Math.sqrt((e1 - e0) / (d1 - d0)) : 0;
  });
}

describe('devices in Chromium', { timeout: 300000 }, () => {
  let cloud;
  let browser;
  let page;
  before(async () => {
    assertBuilt();
    cloud = await startCloud();
    browser = await launchBrowser({ wav: toneFile('devices', { freq: 440, seconds: 2 }) });
    page = await (await browser.newContext()).newPage();
    if (process.env.ACW_TEST_LOG) page.on('console', (m) => console.log('page:', m.text()));
    await page.goto(new URL('js/index.js', cloud.url).href);
  });
  after(async () => {
    await browser?.close();
    await cloud?.stop();
    endProcessSoon();
  });

  test('setMicrophone mid-call: a new outbound track, audio still flowing, no re-INVITE, the mute state kept', async () => {
    await openClient(page, cloud, 'devices-mic');
    await page.evaluate(() => {
      const t = window.__t;
      t.call = t.client.callService('echo', { constraints: { audio: { echoCancellation: false, noiseSuppression: false, autoGainControl: false }, video: false } });
      t.call.onLocalMedia = ({ stream }) => { t.local = stream; };
      // Chromium decodes a remote track (and so measures its level) only while it plays.
      t.call.onMedia = ({ stream }) => {
        t.events.push('onMedia');
        const audio = new Audio();
        audio.srcObject = stream;
        audio.play().catch(() => {});
      };
      t.call.onConnected = () => t.events.push('onConnected');
      t.call.onDisconnect = ({ cause }) => t.events.push(`onDisconnect ${cause}`);
      t.sentTrack = async () => {
        const s = [...(await t.call.getStats()).values()].find((x) => x.type === 'media-source' && x.kind === 'audio');
        return s && s.trackIdentifier;
      };
    });
    await until(() => page.evaluate(() => window.__t.events.includes('onConnected') && window.__t.events.includes('onMedia')), { what: 'the echo call', timeout: 60000 });
    await until(async () => (await inboundLevel(page)) > LEVEL_HEARD, { what: 'the echo heard before the switch', timeout: 60000 });

    const before = await page.evaluate(async () => {
      const t = window.__t;
      const devices = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'audioinput' && d.deviceId !== 'default');
      const old = t.local.getAudioTracks()[0];
      t.old = old;
      return { devices: devices.map((d) => d.deviceId), old: old.id, sent: await t.sentTrack() };
    });
    assert.ok(before.devices.length >= 2, `Chromium's fake devices: ${before.devices.length} microphones`);
    assert.equal(before.sent, before.old);

    const after1 = await page.evaluate(async (deviceId) => {
      const t = window.__t;
      const track = await t.call.setMicrophone(deviceId);
      return { id: track.id, label: track.getSettings().deviceId, oldState: t.old.readyState, inStream: t.local.getAudioTracks().map((x) => x.id), sent: await t.sentTrack() };
    }, before.devices[1]);
    assert.notEqual(after1.id, before.old, 'a new track');
    assert.equal(after1.label, before.devices[1], 'from the device asked for');
    assert.equal(after1.oldState, 'ended', 'the call\'s own old track is stopped');
    assert.deepEqual(after1.inStream, [after1.id], 'onLocalMedia\'s stream holds the new track');
    await until(async () => (await page.evaluate(() => window.__t.sentTrack())) === after1.id, { what: 'the sender to send the new track' });
    // What was buffered before the switch has played out by now.
    await sleep(1500);
    await until(async () => (await inboundLevel(page)) > LEVEL_HEARD, { what: 'the echo heard after the switch', timeout: 60000 });

    // A stream from the page: its track cloned (the page's own left alone), the mute state kept.
    const after2 = await page.evaluate(async (deviceId) => {
      const t = window.__t;
      t.call.mute(true, false);
      const mine = await navigator.mediaDevices.getUserMedia({ audio: { deviceId: { exact: deviceId } } });
      const track = await t.call.setMicrophone(mine);
      const r = { enabled: track.enabled, same: track === mine.getAudioTracks()[0], mine: mine.getAudioTracks()[0].readyState };
      const next = await t.call.setMicrophone(t.local.getAudioTracks()[0].getSettings().deviceId);
      r.mineAfter = mine.getAudioTracks()[0].readyState;
      r.nextEnabled = next.enabled;
      t.call.mute(false, false);
      r.unmuted = next.enabled;
      return r;
    }, before.devices[0]);
    assert.deepEqual(after2, { enabled: false, same: false, mine: 'live', mineAfter: 'live', nextEnabled: false, unmuted: true });

    const errors = await page.evaluate(async () => {
      const t = window.__t;
      const why = async (p) => p.then(() => 'resolved', (e) => (typeof e === 'string' ? e : e.name));
      return [await why(t.call.setMicrophone(42)), await why(t.call.setMicrophone('no-such-device')), await why(t.call.setMicrophone(new MediaStream()))];
    });
    assert.deepEqual(errors, ['Invalid microphone', 'OverconstrainedError', 'No audio track']);

    const invites = await page.evaluate(() => window.__t.sent.filter((m) => m === 'INVITE').length);
    assert.equal(invites, 1, 'only the call\'s INVITE: no renegotiation');
    await page.evaluate(() => window.__t.call.disconnect());
    await until(() => page.evaluate(() => window.__t.events.some((e) => e.startsWith('onDisconnect'))), { what: 'onDisconnect' });
    assert.equal(await page.evaluate(() => window.__t.events.find((e) => e.startsWith('onDisconnect'))), 'onDisconnect NORMAL');
    await page.evaluate(() => window.__t.client.close());
  });

  test('playRemoteStream plays in the page\'s element through setSinkId; devicechange reaches onDeviceChange', async () => {
    await openClient(page, cloud, 'devices-out');
    const r = await page.evaluate(async () => {
      const t = window.__t;
      const set = HTMLMediaElement.prototype.setSinkId;
      t.sinks = [];
      HTMLMediaElement.prototype.setSinkId = function spy(id) {
        t.sinks.push(id);
        return set.call(this, id);
      };
      const outputs = (await navigator.mediaDevices.enumerateDevices()).filter((d) => d.kind === 'audiooutput');
      t.audio = document.createElement('audio');
      document.body.append(t.audio);
      t.call = t.client.callService('echo');
      t.call.onConnected = () => t.events.push('onConnected');
      // Before onMedia: remembered, played when it comes.
      const early = await t.call.playRemoteStream(t.audio, { sinkId: outputs.length ? outputs[0].deviceId : 'default' });
      const bad = await t.call.playRemoteStream(null).catch((e) => e);
      return { early, bad, sinkId: outputs.length ? outputs[0].deviceId : 'default' };
    });
    assert.equal(r.early, false, 'no remote stream yet');
    assert.equal(r.bad, 'Invalid element');
    await until(() => page.evaluate(() => !!window.__t.audio.srcObject && !window.__t.audio.paused), { what: 'the element to play the remote stream', timeout: 60000 });
    const s = await page.evaluate(() => ({ sinks: window.__t.sinks, sinkId: window.__t.audio.sinkId }));
    assert.deepEqual(s.sinks, [r.sinkId], 'setSinkId was called with the device asked for');
    assert.equal(s.sinkId, r.sinkId);

    const changes = await page.evaluate(() => {
      navigator.mediaDevices.dispatchEvent(new Event('devicechange'));
      const n = window.__t.deviceChanges;
      window.__t.call.disconnect();
      window.__t.client.close();
      navigator.mediaDevices.dispatchEvent(new Event('devicechange'));
      return [n, window.__t.deviceChanges];
    });
    assert.deepEqual(changes, [1, 1], 'onDeviceChange once, and never after close()');
  });
});

